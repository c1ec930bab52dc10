// SPDX-License-Identifier: MIT
// The soft engine's 2x2 MAC array (rtl/dnpu_softeng.v) through its
// register port, against four reference accumulators kept here (ctest
// fpga_mac16_sim, run by mac16_sim.sh on the RTL and on the synth_ice40
// netlist with SB_MAC16). tb_mac16.v covers one MAC in depth; this checks
// the array around it: which STEP byte feeds which MAC (a_p = byte p,
// w_n = byte 2+n, ACC(2p+n)), CTRL.CLEAR (bit 0 only), clear on reset,
// the ACC read mux. Prints "PASS tb_softeng_mac <ops>" or "FAIL ...".
`timescale 1ns / 1ps
`default_nettype none
module tb_softeng_mac;
    localparam [11:0] MAC_CTRL = 12'h400, MAC_STEP = 12'h404,
                      MAC_ACC0 = 12'h410;  // uapi/dnpu_hw.h DNPU_ENG_MAC_*

    reg          clk = 1'b0, rst = 1'b1;
    reg          reg_req = 1'b0, reg_we = 1'b0;
    reg  [11:0]  reg_addr = 12'd0;
    reg  [31:0]  reg_wdata = 32'd0;
    wire [31:0]  reg_rdata;
    wire         reg_ack;
    reg  [31:0]  model_acc [0:3];
    reg  [31:0]  rd;
    integer      ops = 0, errors = 0, seed = 7, i, k, r;

    always #5 clk = !clk;

    // host bus held idle: the mailbox is never started
    dnpu_softeng dut (
        .clk(clk), .rst(rst), .reg_req(reg_req), .reg_we(reg_we),
        .reg_addr(reg_addr), .reg_wdata(reg_wdata), .reg_wstrb(4'hf),
        .reg_rdata(reg_rdata), .reg_ack(reg_ack), .doorbell(1'b0),
        .timer_irq(1'b0), .irq(), .m_req_valid(), .m_req_ready(1'b0),
        .m_req_write(), .m_req_addr(), .m_req_len(), .m_wvalid(),
        .m_wready(1'b0), .m_wdata(), .m_wstrb(), .m_wlast(),
        .m_rvalid(1'b0), .m_rready(), .m_rdata(128'd0), .m_rlast(1'b0),
        .m_rerr(1'b0), .m_bvalid(1'b0), .m_bready(), .m_berr(1'b0));

    function integer sx8(input [7:0] v);
        sx8 = {{24{v[7]}}, v};
    endfunction

    function [7:0] operand(input integer x);
        case (x[2:0])
        3'd0: operand = 8'h80;
        3'd1: operand = 8'h7f;
        3'd2: operand = 8'hff;
        default: operand = x[15:8];
        endcase
    endfunction

    // one register access: request held until ack (the port's contract)
    task access(input we, input [11:0] addr, input [31:0] data);
        begin
            @(negedge clk);
            reg_req = 1'b1; reg_we = we; reg_addr = addr; reg_wdata = data;
            @(posedge clk); #1;
            while (!reg_ack) begin
                @(posedge clk); #1;
            end
            rd = reg_rdata;
            @(negedge clk);
            reg_req = 1'b0; reg_we = 1'b0; reg_wdata = $random(seed);
            ops = ops + 1;
        end
    endtask

    task step(input [31:0] v);
        begin
            access(1'b1, MAC_STEP, v);
            for (k = 0; k < 4; k = k + 1)
                model_acc[k] = model_acc[k] +
                               sx8(v[8 * (k / 2) +: 8]) * sx8(v[16 + 8 * (k % 2) +: 8]);
        end
    endtask

    task clear_all;
        for (k = 0; k < 4; k = k + 1)
            model_acc[k] = 32'd0;
    endtask

    task check_all;
        for (i = 0; i < 4; i = i + 1) begin
            access(1'b0, MAC_ACC0 + 4 * i, 32'd0);
            if (rd !== model_acc[i]) begin
                errors = errors + 1;
                $display("FAIL op %0d: ACC(%0d)=%h want %h", ops, i, rd, model_acc[i]);
                if (errors == 5) begin
                    $display("FAIL tb_softeng_mac: stopped at 5 mismatches");
                    $finish;
                end
            end
        end
    endtask

    initial begin
        repeat (3) @(posedge clk);
        #1 rst = 1'b0;
        clear_all;
        check_all;
        // each byte alone first, so a swapped lane cannot hide in a sum
        for (r = 0; r < 4; r = r + 1) begin
            step(32'h01010101 ^ (32'h000000fe << (8 * r))); // one byte -1
            check_all;
        end
        for (r = 0; r < 1000; r = r + 1) begin
            i = $random(seed);
            case (i[3:0])
            4'd0: begin access(1'b1, MAC_CTRL, 32'h1); clear_all; end
            4'd1: access(1'b1, MAC_CTRL, 32'hfffffffe);  // not CLEAR
            4'd2: begin  // reset clears the array
                @(negedge clk) rst = 1'b1;
                @(negedge clk) rst = 1'b0;
                clear_all;
            end
            default: step({operand($random(seed)), operand($random(seed)),
                           operand($random(seed)), operand($random(seed))});
            endcase
            check_all;
        end
        if (errors == 0)
            $display("PASS tb_softeng_mac %0d ops", ops);
        else
            $display("FAIL tb_softeng_mac: %0d mismatches in %0d ops", errors, ops);
        $finish;
    end
endmodule
`default_nettype wire

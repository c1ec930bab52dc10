// SPDX-License-Identifier: MIT
// Cycle-by-cycle check of rtl/dnpu_mac_acc.v (ctest fpga_mac16_sim, run by
// mac16_sim.sh under Icarus Verilog) against a reference accumulator kept
// here, so the same bench judges the behavioural branch, the SB_MAC16
// branch on Yosys' cell model and the synth_ice40 netlist of the latter.
// Contract: clear -> acc = 0 (wins over step); step -> acc += a * w
// (signed int8, modulo 2^32); neither -> acc holds. dnpu_softeng drives
// clear with its reset, so "reset" is clear held for several cycles.
// Prints "PASS tb_mac16 <cycles>" or "FAIL ..." (first mismatch).
`timescale 1ns / 1ps
`default_nettype none
module tb_mac16;
    reg         clk = 1'b0;
    reg         clear = 1'b0, step = 1'b0;
    reg  [7:0]  a = 8'd0, w = 8'd0;
    wire [31:0] acc;
    reg  [31:0] model_acc;
    reg         model_valid = 1'b0; // acc is undefined until the first clear
    integer     cycles = 0, errors = 0, seed = 1, i, j;

    dnpu_mac_acc dut (.clk(clk), .clear(clear), .step(step), .a(a), .w(w),
                      .acc(acc));

    function integer sx8(input [7:0] v);
        sx8 = {{24{v[7]}}, v};
    endfunction

    // int8 operands weighted towards the ends of the range, where a wrong
    // sign extension or a carry into the upper half shows first
    function [7:0] operand(input integer r);
        case (r[3:0])
        4'd0: operand = 8'h80;          // -128
        4'd1: operand = 8'h7f;          //  127
        4'd2: operand = 8'hff;          //   -1
        4'd3: operand = 8'h81;          // -127
        4'd4: operand = 8'h00;
        4'd5: operand = 8'h01;
        default: operand = r[15:8];
        endcase
    endfunction

    // One clock: inputs set away from the edge, the reference updated at
    // it, acc compared right after it (the accumulator is a register).
    task cycle(input c, input s, input [7:0] av, input [7:0] wv);
        begin
            clear = c; step = s; a = av; w = wv;
            #5 clk = 1'b1;
            if (c) begin
                model_acc = 32'd0; model_valid = 1'b1;
            end else if (s)
                model_acc = model_acc + sx8(av) * sx8(wv);
            #1;
            cycles = cycles + 1;
            if (model_valid && acc !== model_acc) begin
                errors = errors + 1;
                $display("FAIL cycle %0d: clear=%b step=%b a=%0d w=%0d acc=%h want %h",
                         cycles, c, s, sx8(av), sx8(wv), acc, model_acc);
                if (errors == 5) begin  // enough to diagnose; saves time
                    $display("FAIL tb_mac16: stopped at 5 mismatches");
                    $finish;
                end
            end
            #4 clk = 1'b0;
        end
    endtask

    initial begin
        // reset: clear for 4 cycles while step and operands toggle
        for (i = 0; i < 4; i = i + 1)
            cycle(1'b1, i[0], operand($random(seed)), operand($random(seed)));
        // every operand pair once, accumulated (no clear in between): each
        // cycle's compare checks that pair's product and the running sum
        for (i = 0; i < 256; i = i + 1)
            for (j = 0; j < 256; j = j + 1)
                cycle(1'b0, 1'b1, i[7:0], j[7:0]);
        // random clear (1/32), step (1/2), enables low with changing
        // operands in between; clear together with step must clear
        for (i = 0; i < 40000; i = i + 1) begin
            j = $random(seed);
            cycle(j[4:0] == 5'd0, j[5], operand($random(seed)),
                  operand($random(seed)));
        end
        // enables held low: acc keeps a non-zero sum for 300 cycles
        cycle(1'b0, 1'b1, 8'h80, 8'h81);
        for (i = 0; i < 300; i = i + 1)
            cycle(1'b0, 1'b0, operand($random(seed)), operand($random(seed)));
        // largest positive product 16384 from 0 past 2^31 and 2^32
        // (262,144 steps) and on; then the most negative one, -16256, back
        // down through 0 and -2^31 (264,218 steps)
        cycle(1'b1, 1'b0, 8'h00, 8'h00);
        for (i = 0; i < 270000; i = i + 1)
            cycle(1'b0, 1'b1, 8'h80, 8'h80);
        if (model_acc !== 32'd128712704)  // 270000 * 16384 mod 2^32
            begin errors = errors + 1; $display("FAIL: reference did not wrap"); end
        for (i = 0; i < 280000; i = i + 1)
            cycle(1'b0, 1'b1, 8'h80, 8'h7f);
        // clear from a large value, with and without step
        cycle(1'b1, 1'b1, 8'h80, 8'h80);
        cycle(1'b0, 1'b1, 8'h7f, 8'h7f);
        cycle(1'b1, 1'b0, 8'h7f, 8'h7f);
        cycle(1'b0, 1'b0, 8'h7f, 8'h7f);
        if (errors == 0)
            $display("PASS tb_mac16 %0d cycles", cycles);
        else
            $display("FAIL tb_mac16: %0d mismatching cycles of %0d", errors, cycles);
        $finish;
    end
endmodule
`default_nettype wire

// SPDX-License-Identifier: MIT
// Register-path test of rtl/soc/dnpu_axi.v (small config): AXI4-Lite reads
// of ID/CAPS, a SCRATCH write and read-back, a partial-strobe write that
// must answer SLVERR and change nothing, a read arriving together with a
// write, and a quiet interrupt and DMA master after reset.
`timescale 1ns/1ps
`default_nettype none
module tb_axi;
`include "dnpu_hw_params.vh"
    reg clk = 1'b0, rst_n = 1'b0;
    always #5 clk = !clk;

    reg         awvalid = 0, wvalid = 0, bready = 0, arvalid = 0, rready = 0;
    reg  [11:0] awaddr = 0, araddr = 0;
    reg  [31:0] wdata = 0;
    reg  [3:0]  wstrb = 0;
    wire        awready, wready, bvalid, arready, rvalid, irq;
    wire [1:0]  bresp, rresp;
    wire [31:0] rdata;
    wire        m_awvalid, m_arvalid, m_wvalid;
    integer     errors = 0;

    dnpu_axi #(.ADDR_W(32), .ROWS(4), .COLS(4),
               .SZ_IN(32'd16384), .SZ_WGT(32'd16384), .SZ_ACC(32'd16384),
               .SZ_OUT(32'd8192), .SZ_PARAM(32'd4096)) dut (
        .clk(clk), .rst_n(rst_n), .irq(irq),
        .s_axil_awvalid(awvalid), .s_axil_awready(awready),
        .s_axil_awaddr(awaddr), .s_axil_awprot(3'd0),
        .s_axil_wvalid(wvalid), .s_axil_wready(wready),
        .s_axil_wdata(wdata), .s_axil_wstrb(wstrb),
        .s_axil_bvalid(bvalid), .s_axil_bready(bready), .s_axil_bresp(bresp),
        .s_axil_arvalid(arvalid), .s_axil_arready(arready),
        .s_axil_araddr(araddr), .s_axil_arprot(3'd0),
        .s_axil_rvalid(rvalid), .s_axil_rready(rready),
        .s_axil_rdata(rdata), .s_axil_rresp(rresp),
        .m_axi_awvalid(m_awvalid), .m_axi_awready(1'b1), .m_axi_awid(),
        .m_axi_awaddr(), .m_axi_awlen(), .m_axi_awsize(), .m_axi_awburst(),
        .m_axi_awcache(), .m_axi_awprot(),
        .m_axi_wvalid(m_wvalid), .m_axi_wready(1'b1), .m_axi_wdata(),
        .m_axi_wstrb(), .m_axi_wlast(),
        .m_axi_bvalid(1'b0), .m_axi_bready(), .m_axi_bid(1'b0),
        .m_axi_bresp(2'b00),
        .m_axi_arvalid(m_arvalid), .m_axi_arready(1'b1), .m_axi_arid(),
        .m_axi_araddr(), .m_axi_arlen(), .m_axi_arsize(), .m_axi_arburst(),
        .m_axi_arcache(), .m_axi_arprot(),
        .m_axi_rvalid(1'b0), .m_axi_rready(), .m_axi_rid(1'b0),
        .m_axi_rdata(128'd0), .m_axi_rresp(2'b00), .m_axi_rlast(1'b0)
    );

    task check(input [31:0] got, input [31:0] want, input [8*24-1:0] what);
        if (got !== want) begin
            $display("FAIL %0s: got %08x want %08x", what, got, want);
            errors = errors + 1;
        end
    endtask

    // Stimulus changes just after a falling edge; a handshake is seen as
    // valid && ready there and completes at the next rising edge.
    task mid;
        begin @(negedge clk); #1; end
    endtask

    task axil_read(input [11:0] a, output [31:0] d, output [1:0] resp);
        begin
            mid; araddr = a; arvalid = 1'b1; #1;
            while (!arready) mid;
            @(posedge clk); mid; arvalid = 1'b0; rready = 1'b1; #1;
            while (!rvalid) mid;
            d = rdata; resp = rresp;
            @(posedge clk); mid; rready = 1'b0;
        end
    endtask

    task axil_write(input [11:0] a, input [31:0] d, input [3:0] s,
                    output [1:0] resp);
        begin
            mid; awaddr = a; awvalid = 1'b1; wdata = d; wstrb = s;
            wvalid = 1'b1; #1;
            while (!awready) mid;
            @(posedge clk); mid; awvalid = 1'b0; wvalid = 1'b0; bready = 1'b1; #1;
            while (!bvalid) mid;
            resp = bresp;
            @(posedge clk); mid; bready = 1'b0;
        end
    endtask

    // a handshake that never completes fails instead of hanging
    initial begin
        #200000;
        $display("FAIL tb_axi: timeout (state %0d)", dut.s_state);
        $finish;
    end

    reg [31:0] d;
    reg [1:0]  resp;
    initial begin
        repeat (4) @(posedge clk);
        mid; rst_n = 1'b1;
        repeat (4) @(posedge clk);

        axil_read(DNPU_REG_ID[11:0], d, resp);
        check(d, DNPU_ID_MAGIC, "ID");
        check({30'd0, resp}, 32'd0, "ID rresp");
        axil_read(DNPU_REG_CAPS[11:0], d, resp);
        check(d & 32'hffff, 32'h0404, "CAPS rows/cols");
        axil_read(DNPU_REG_SPAD_IN_BYTES[11:0], d, resp);
        check(d, 32'd16384, "SPAD_IN_BYTES");

        axil_write(DNPU_REG_SCRATCH[11:0], 32'hdeadbeef, 4'hf, resp);
        check({30'd0, resp}, 32'd0, "SCRATCH bresp");
        axil_read(DNPU_REG_SCRATCH[11:0], d, resp);
        check(d, 32'hdeadbeef, "SCRATCH");

        axil_write(DNPU_REG_SCRATCH[11:0], 32'h12345678, 4'h3, resp);
        check({30'd0, resp}, 32'd2, "partial bresp SLVERR");
        axil_read(DNPU_REG_SCRATCH[11:0], d, resp);
        check(d, 32'hdeadbeef, "SCRATCH after partial");

        // write and read offered in the same cycle: the write goes first
        mid;
        awaddr = DNPU_REG_SCRATCH[11:0]; awvalid = 1'b1;
        wdata = 32'h0badf00d; wstrb = 4'hf; wvalid = 1'b1;
        araddr = DNPU_REG_SCRATCH[11:0]; arvalid = 1'b1; #1;
        if (arready) begin $display("FAIL read taken before the write"); errors = errors + 1; end
        while (!awready) mid;
        @(posedge clk); mid; awvalid = 1'b0; wvalid = 1'b0; bready = 1'b1; #1;
        while (!bvalid) mid;
        @(posedge clk); mid; bready = 1'b0; #1;
        while (!arready) mid;
        @(posedge clk); mid; arvalid = 1'b0; rready = 1'b1; #1;
        while (!rvalid) mid;
        check(rdata, 32'h0badf00d, "read after write");
        @(posedge clk); mid; rready = 1'b0;

        check({31'd0, irq}, 32'd0, "irq idle");
        check({29'd0, m_awvalid, m_arvalid, m_wvalid}, 32'd0, "DMA idle");
        if (errors == 0)
            $display("PASS tb_axi");
        else
            $display("FAIL tb_axi: %0d errors", errors);
        $finish;
    end
endmodule
`default_nettype wire

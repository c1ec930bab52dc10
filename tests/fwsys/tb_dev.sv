// Control complex + the real engine (rtl/dnpu_engine.v, 4x4 array): the
// device minus its host interface. The engine's 128-bit bus master port and
// the host register port are driven by tb_dev.cpp.
`default_nettype none
module tb_dev (
    input  wire          clk,
    input  wire          rst,
    input  wire          host_req,
    input  wire          host_we,
    input  wire [11:0]   host_addr,
    input  wire [31:0]   host_wdata,
    output wire [31:0]   host_rdata,
    output wire          host_ack,
    output wire          host_irq,
    output wire          m_req_valid,
    input  wire          m_req_ready,
    output wire          m_req_write,
    output wire [63:0]   m_req_addr,
    output wire [3:0]    m_req_len,
    output wire          m_wvalid,
    input  wire          m_wready,
    output wire [127:0]  m_wdata,
    output wire [15:0]   m_wstrb,
    output wire          m_wlast,
    input  wire          m_rvalid,
    output wire          m_rready,
    input  wire [127:0]  m_rdata,
    input  wire          m_rlast,
    input  wire          m_rerr,
    input  wire          m_bvalid,
    output wire          m_bready,
    input  wire          m_berr
);
    wire        eng_req, eng_we, eng_ack, eng_irq, eng_gated, eng_reset, doorbell;
    wire        timer_irq, irq_done_unused, irq_fault_unused;
    wire [11:0] eng_addr;
    wire [31:0] eng_wdata, eng_rdata;
    wire [3:0]  eng_wstrb;
    wire [639:0] eng_perf;

    dnpu_ctrl #(
        .CAPS(32'h1004_0404), .SPAD_IN(32'd16384), .SPAD_WGT(32'd16384),
        .SPAD_ACC(32'd16384), .SPAD_OUT(32'd8192), .SPAD_PARAM(32'd4096)
    ) ctrl (
        .clk(clk), .rst(rst),
        .host_req(host_req), .host_we(host_we), .host_addr(host_addr),
        .host_wdata(host_wdata), .host_rdata(host_rdata), .host_ack(host_ack),
        .host_irq(host_irq),
        .eng_req(eng_req), .eng_we(eng_we), .eng_addr(eng_addr),
        .eng_wdata(eng_wdata), .eng_wstrb(eng_wstrb), .eng_rdata(eng_rdata),
        .eng_ack(eng_ack), .eng_irq(eng_irq), .eng_clock_gated(eng_gated),
        .eng_perf(eng_perf), .eng_reset(eng_reset), .doorbell(doorbell),
        .timer_irq(timer_irq)
    );

    dnpu_engine #(.ROWS(4), .COLS(4)) engine (
        .clk(clk), .rst(eng_reset),
        .reg_req(eng_req), .reg_we(eng_we), .reg_addr(eng_addr),
        .reg_wdata(eng_wdata), .reg_wstrb(eng_wstrb), .reg_rdata(eng_rdata),
        .reg_ack(eng_ack), .doorbell(doorbell), .timer_irq(timer_irq),
        .irq(eng_irq), .irq_done(irq_done_unused), .irq_fault(irq_fault_unused),
        .clock_gated(eng_gated), .perf(eng_perf),
        .m_req_valid(m_req_valid), .m_req_ready(m_req_ready),
        .m_req_write(m_req_write), .m_req_addr(m_req_addr), .m_req_len(m_req_len),
        .m_wvalid(m_wvalid), .m_wready(m_wready), .m_wdata(m_wdata),
        .m_wstrb(m_wstrb), .m_wlast(m_wlast), .m_rvalid(m_rvalid),
        .m_rready(m_rready), .m_rdata(m_rdata), .m_rlast(m_rlast),
        .m_rerr(m_rerr), .m_bvalid(m_bvalid), .m_bready(m_bready), .m_berr(m_berr)
    );
endmodule
`default_nettype wire

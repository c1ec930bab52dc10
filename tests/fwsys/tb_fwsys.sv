// Control complex (rtl/dnpu_ctrl.v, with the firmware loaded by the
// harness) plus the behavioural engine stub; the host port and interrupt
// are driven by tb_fwsys.cpp.
`default_nettype none
module tb_fwsys (
    input  wire        clk,
    input  wire        rst,
    input  wire        host_req,
    input  wire        host_we,
    input  wire [11:0] host_addr,
    input  wire [31:0] host_wdata,
    output wire [31:0] host_rdata,
    output wire        host_ack,
    output wire        host_irq,
    output wire [31:0] start_while_gated
);
    wire        eng_req, eng_we, eng_ack, eng_irq, eng_gated, eng_reset, doorbell;
    wire        timer_irq;
    wire [11:0] eng_addr;
    wire [31:0] eng_wdata, eng_rdata;
    wire [3:0]  eng_wstrb;
    wire [639:0] eng_perf;

    dnpu_ctrl ctrl (
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

    tb_eng_stub eng (
        .clk(clk), .rst(eng_reset), .req(eng_req), .we(eng_we),
        .addr(eng_addr), .wdata(eng_wdata), .wstrb(eng_wstrb),
        .rdata(eng_rdata), .ack(eng_ack), .irq(eng_irq),
        .clock_gated(eng_gated), .perf(eng_perf), .doorbell(doorbell),
        .start_while_gated(start_while_gated)
    );

    wire unused = &{1'b0, timer_irq};
endmodule
`default_nettype wire

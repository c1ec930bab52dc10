// SPDX-License-Identifier: MIT
// Place-and-route harness for the control complex (dnpu_ctrl) on an
// iCE40 board: the block has ~800 ports and a board has ~40 pins, so every
// input comes from a register chain shifted in from pin sin (and the 640
// perf-counter bits from a 64-bit LFSR, rotated differently per counter so
// synthesis cannot merge them), and every output is registered and folded
// into pin sout. Paths into and out of dnpu_ctrl thus start and end at
// flip-flops, as they do in the device, and nothing is optimized away.
// Used by tools/fpga/fpga-build.sh ctrl-pnr for the core's Fmax on the UP5K.
`default_nettype none
module dnpu_ctrl_ooc (
    input  wire clk,
    input  wire rst_n,
    input  wire sin,
    output reg  sout
);
    localparam integer IN_W = 1 + 1 + 12 + 32 + 32 + 1 + 1 + 1;
    reg  [IN_W-1:0] in_sr;
    reg  [63:0]     lfsr;
    reg             rst;

    always @(posedge clk) begin
        rst   <= !rst_n;
        in_sr <= {in_sr[IN_W-2:0], sin};
        lfsr  <= rst ? 64'h0123_4567_89ab_cdef
                     : {lfsr[62:0], lfsr[63] ^ lfsr[62] ^ lfsr[60] ^ lfsr[59]};
    end

    wire [639:0] perf;
    wire [108:0] lfsr2 = {lfsr[44:0], lfsr};   // rotations by i*5
    genvar i;
    generate
        for (i = 0; i < 10; i = i + 1) begin : g_perf
            assign perf[i*64 +: 64] = lfsr2[i*5 +: 64];
        end
    endgenerate

    wire        host_req   = in_sr[0];
    wire        host_we    = in_sr[1];
    wire [11:0] host_addr  = in_sr[13:2];
    wire [31:0] host_wdata = in_sr[45:14];
    wire [31:0] eng_rdata  = in_sr[77:46];
    wire        eng_ack    = in_sr[78];
    wire        eng_irq    = in_sr[79];
    wire        eng_gated  = in_sr[80];

    wire [31:0] host_rdata, eng_wdata;
    wire [11:0] eng_addr;
    wire [3:0]  eng_wstrb;
    wire        host_ack, host_irq, eng_req, eng_we, eng_reset, doorbell;
    wire        timer_irq;

    dnpu_ctrl u_ctrl (
        .clk(clk), .rst(rst),
        .host_req(host_req), .host_we(host_we), .host_addr(host_addr),
        .host_wdata(host_wdata), .host_rdata(host_rdata),
        .host_ack(host_ack), .host_irq(host_irq),
        .eng_req(eng_req), .eng_we(eng_we), .eng_addr(eng_addr),
        .eng_wdata(eng_wdata), .eng_wstrb(eng_wstrb), .eng_rdata(eng_rdata),
        .eng_ack(eng_ack), .eng_irq(eng_irq), .eng_clock_gated(eng_gated),
        .eng_perf(perf), .eng_reset(eng_reset), .doorbell(doorbell),
        .timer_irq(timer_irq)
    );

    localparam integer OUT_W = 32 + 1 + 1 + 1 + 1 + 12 + 32 + 4 + 1 + 1 + 1;
    reg [OUT_W-1:0] out_q;
    always @(posedge clk) begin
        out_q <= {host_rdata, host_ack, host_irq, eng_req, eng_we, eng_addr,
                  eng_wdata, eng_wstrb, eng_reset, doorbell, timer_irq};
        sout  <= ^out_q;
    end
endmodule
`default_nettype wire

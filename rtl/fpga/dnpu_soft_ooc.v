// SPDX-License-Identifier: MIT
// Place-and-route harness for the firmware-sequenced device (dnpu_top
// SOFT_SEQ = 1) on the iCEBreaker: the device has ~400 ports and the board
// ~40 pins, so the host port and bus inputs come from a register chain
// shifted in from pin sin (the 128-bit read data from a 64-bit LFSR, each
// 32-bit group rotated differently so synthesis cannot merge them), and
// the outputs are folded four bits per flip-flop and then into pin sout.
// Paths into and out of dnpu_top thus start and end at flip-flops, as
// behind a real bus bridge, and nothing is optimized away. The write data
// is four copies of one word by construction (dnpu_softeng), so only one
// is observed. Used by tools/fpga/fpga-build.sh ice40.
`default_nettype none
module dnpu_soft_ooc (
    input  wire clk,
    input  wire rst_n,
    input  wire sin,
    output reg  sout
);
    localparam integer IN_W = 1 + 1 + 12 + 32 + 1 + 1 + 1 + 1 + 1 + 1 + 1;
    reg  [IN_W-1:0] in_sr;
    reg  [63:0]     lfsr;
    reg             rst;

    always @(posedge clk) begin
        rst   <= !rst_n;
        in_sr <= {in_sr[IN_W-2:0], sin};
        lfsr  <= rst ? 64'h0123_4567_89ab_cdef
                     : {lfsr[62:0], lfsr[63] ^ lfsr[62] ^ lfsr[60] ^ lfsr[59]};
    end

    wire [127:0] rdata = {lfsr[18:0], lfsr[63:19], lfsr[6:0], lfsr[63:7]};

    wire [31:0]  host_rdata;
    wire         host_ack, host_irq;
    wire         m_req_valid, m_req_write, m_wvalid, m_wlast, m_rready, m_bready;
    wire [63:0]  m_req_addr;
    wire [3:0]   m_req_len;
    wire [127:0] m_wdata;
    wire [15:0]  m_wstrb;

    dnpu_top #(.SOFT_SEQ(1), .CORE_MULDIV(0), .CORE_COUNTERS(0), .CORE_MTVAL(0),
               .HOSTREG_RAM(1)) u_dev (
        .clk(clk), .rst(rst),
        .host_req(in_sr[0]), .host_we(in_sr[1]), .host_addr(in_sr[13:2]),
        .host_wdata(in_sr[45:14]), .host_rdata(host_rdata), .host_ack(host_ack),
        .host_irq(host_irq),
        .m_req_valid(m_req_valid), .m_req_ready(in_sr[46]), .m_req_write(m_req_write),
        .m_req_addr(m_req_addr), .m_req_len(m_req_len),
        .m_wvalid(m_wvalid), .m_wready(in_sr[47]), .m_wdata(m_wdata),
        .m_wstrb(m_wstrb), .m_wlast(m_wlast),
        .m_rvalid(in_sr[48]), .m_rready(m_rready), .m_rdata(rdata),
        .m_rlast(in_sr[49]), .m_rerr(in_sr[50]),
        .m_bvalid(in_sr[51]), .m_bready(m_bready), .m_berr(in_sr[52])
    );

    localparam integer OUT_W = 32 + 1 + 1 + 1 + 1 + 64 + 4 + 1 + 32 + 16 + 1 + 1 + 1 + 4;
    wire [OUT_W-1:0] outs = {host_rdata, host_ack, host_irq, m_req_valid, m_req_write,
                             m_req_addr, m_req_len, m_wvalid, m_wdata[31:0], m_wstrb,
                             m_wlast, m_rready, m_bready, 4'd0};
    localparam integer NF = OUT_W / 4;
    reg  [NF-1:0] fold;
    wire wdata_unused = ^m_wdata[127:32];
    integer i;
    always @(posedge clk) begin
        for (i = 0; i < NF; i = i + 1)
            fold[i] <= ^outs[4 * i +: 4];
        sout <= ^fold;
    end
endmodule
`default_nettype wire

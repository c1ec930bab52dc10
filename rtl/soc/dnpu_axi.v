// SPDX-License-Identifier: MIT
// dnpu for SoC FPGAs: dnpu_top behind standard buses.
//  - s_axil_*: AXI4-Lite slave, the 4 KiB host register block
//    (uapi/dnpu_hw.h DNPU_REG_*). 32-bit registers: a write with a partial
//    WSTRB is not performed and answers SLVERR. One access at a time.
//  - m_axi_*: AXI4 master, 128-bit data, for the engine's DMA. dnpu issues
//    INCR bursts (16-byte beats, 1..16 beats, never across a 256-byte
//    boundary, so never across 4 KiB), all with ID 0, several outstanding
//    (answers in order, as AXI requires for one ID); the request stays
//    valid and stable until accepted.
//  - irq: level, high while IRQ_STATUS & IRQ_MASK != 0.
// ADDR_W < 64 narrows the master's address bus (e.g. 32 on a 32-bit SoC);
// a request above that window is answered here with an error (SLVERR on
// every read beat / on the write response) without reaching the bus, which
// the engine reports as a DMA fault instead of corrupting low memory.
`default_nettype none
module dnpu_axi #(
    parameter integer ADDR_W   = 32,   // master address width, 12..64
    parameter integer ROWS     = 16,
    parameter integer COLS     = 16,
    parameter [31:0]  SZ_IN    = 32'd131072,
    parameter [31:0]  SZ_WGT   = 32'd131072,
    parameter [31:0]  SZ_ACC   = 32'd65536,
    parameter [31:0]  SZ_OUT   = 32'd65536,
    parameter [31:0]  SZ_PARAM = 32'd16384
) (
    input  wire              clk,
    input  wire              rst_n,
    output wire              irq,

    // AXI4-Lite slave (registers)
    input  wire              s_axil_awvalid,
    output wire              s_axil_awready,
    input  wire [11:0]       s_axil_awaddr,
    input  wire [2:0]        s_axil_awprot,
    input  wire              s_axil_wvalid,
    output wire              s_axil_wready,
    input  wire [31:0]       s_axil_wdata,
    input  wire [3:0]        s_axil_wstrb,
    output wire              s_axil_bvalid,
    input  wire              s_axil_bready,
    output wire [1:0]        s_axil_bresp,
    input  wire              s_axil_arvalid,
    output wire              s_axil_arready,
    input  wire [11:0]       s_axil_araddr,
    input  wire [2:0]        s_axil_arprot,
    output wire              s_axil_rvalid,
    input  wire              s_axil_rready,
    output wire [31:0]       s_axil_rdata,
    output wire [1:0]        s_axil_rresp,

    // AXI4 master (DMA)
    output wire              m_axi_awvalid,
    input  wire              m_axi_awready,
    output wire [0:0]        m_axi_awid,
    output wire [ADDR_W-1:0] m_axi_awaddr,
    output wire [7:0]        m_axi_awlen,
    output wire [2:0]        m_axi_awsize,
    output wire [1:0]        m_axi_awburst,
    output wire [3:0]        m_axi_awcache,
    output wire [2:0]        m_axi_awprot,
    output wire              m_axi_wvalid,
    input  wire              m_axi_wready,
    output wire [127:0]      m_axi_wdata,
    output wire [15:0]       m_axi_wstrb,
    output wire              m_axi_wlast,
    input  wire              m_axi_bvalid,
    output wire              m_axi_bready,
    input  wire [0:0]        m_axi_bid,
    input  wire [1:0]        m_axi_bresp,
    output wire              m_axi_arvalid,
    input  wire              m_axi_arready,
    output wire [0:0]        m_axi_arid,
    output wire [ADDR_W-1:0] m_axi_araddr,
    output wire [7:0]        m_axi_arlen,
    output wire [2:0]        m_axi_arsize,
    output wire [1:0]        m_axi_arburst,
    output wire [3:0]        m_axi_arcache,
    output wire [2:0]        m_axi_arprot,
    input  wire              m_axi_rvalid,
    output wire              m_axi_rready,
    input  wire [0:0]        m_axi_rid,
    input  wire [127:0]      m_axi_rdata,
    input  wire [1:0]        m_axi_rresp,
    input  wire              m_axi_rlast
);
    wire rst = !rst_n;

    // ------------------------------------------------------------------
    // AXI4-Lite -> host register port (host_req held until host_ack)
    // ------------------------------------------------------------------
    localparam [2:0] S_IDLE = 3'd0, S_WR = 3'd1, S_RD = 3'd2,
                     S_B = 3'd3, S_R = 3'd4;
    reg  [2:0]  s_state;
    reg  [11:0] s_addr;
    reg  [31:0] s_wdata, s_rdata;
    reg         s_err;
    wire [31:0] host_rdata;
    wire        host_ack;

    // A write needs both AW and W; reads wait while a write is half there.
    wire s_take_wr = s_state == S_IDLE && s_axil_awvalid && s_axil_wvalid;
    wire s_take_rd = s_state == S_IDLE && !s_take_wr && s_axil_arvalid;

    always @(posedge clk) begin
        if (rst) begin
            s_state <= S_IDLE;
            s_err   <= 1'b0;
        end else begin
            case (s_state)
                S_IDLE:
                    if (s_take_wr) begin
                        s_addr  <= {s_axil_awaddr[11:2], 2'b00};
                        s_wdata <= s_axil_wdata;
                        s_err   <= s_axil_wstrb != 4'hf;
                        s_state <= s_axil_wstrb == 4'hf ? S_WR : S_B;
                    end else if (s_take_rd) begin
                        s_addr  <= {s_axil_araddr[11:2], 2'b00};
                        s_err   <= 1'b0;
                        s_state <= S_RD;
                    end
                S_WR:
                    if (host_ack)
                        s_state <= S_B;
                S_RD:
                    if (host_ack) begin
                        s_rdata <= host_rdata;
                        s_state <= S_R;
                    end
                S_B:
                    if (s_axil_bready)
                        s_state <= S_IDLE;
                S_R:
                    if (s_axil_rready)
                        s_state <= S_IDLE;
                default:
                    s_state <= S_IDLE;
            endcase
        end
    end

    assign s_axil_awready = s_take_wr;
    assign s_axil_wready  = s_take_wr;
    assign s_axil_arready = s_take_rd;
    assign s_axil_bvalid  = s_state == S_B;
    assign s_axil_bresp   = s_err ? 2'b10 : 2'b00;
    assign s_axil_rvalid  = s_state == S_R;
    assign s_axil_rdata   = s_rdata;
    assign s_axil_rresp   = 2'b00;

    wire host_req = s_state == S_WR || s_state == S_RD;
    wire host_we  = s_state == S_WR;

    // ------------------------------------------------------------------
    // DMA master port -> AXI4, with the out-of-window error responder
    // ------------------------------------------------------------------
    wire          d_req_valid, d_req_write, d_wvalid, d_wlast, d_rready;
    wire          d_bready;
    wire [63:0]   d_req_addr;
    wire [3:0]    d_req_len;
    wire [127:0]  d_wdata;
    wire [15:0]   d_wstrb;

    wire d_outside;
    generate
        if (ADDR_W < 64) begin : g_window
            assign d_outside = d_req_addr[63:ADDR_W] != {(64-ADDR_W){1'b0}};
        end else begin : g_full
            assign d_outside = 1'b0;
        end
    endgenerate

    // Local error burst: E_RD returns len+1 error beats, E_WR swallows the
    // write beats, E_B answers the write with an error.
    localparam [1:0] E_IDLE = 2'd0, E_RD = 2'd1, E_WR = 2'd2, E_B = 2'd3;
    reg  [1:0] e_state;
    reg  [3:0] e_left;
    // The local answer must not overtake bursts still on the AXI bus.
    reg  [4:0] ax_rd, ax_wr;           // AXI reads / writes not yet answered
    wire e_take = e_state == E_IDLE && d_req_valid && d_outside &&
                  ax_rd == 5'd0 && ax_wr == 5'd0;
    always @(posedge clk) begin
        if (rst) begin
            ax_rd <= 5'd0;
            ax_wr <= 5'd0;
        end else begin
            ax_rd <= ax_rd + {4'd0, m_axi_arvalid && m_axi_arready}
                           - {4'd0, m_axi_rvalid && m_axi_rready && m_axi_rlast};
            ax_wr <= ax_wr + {4'd0, m_axi_awvalid && m_axi_awready}
                           - {4'd0, m_axi_bvalid && m_axi_bready};
        end
    end

    always @(posedge clk) begin
        if (rst) begin
            e_state <= E_IDLE;
            e_left  <= 4'd0;
        end else begin
            case (e_state)
                E_IDLE:
                    if (e_take) begin
                        e_left  <= d_req_len;
                        e_state <= d_req_write ? E_WR : E_RD;
                    end
                E_RD:
                    if (d_rready) begin
                        e_left <= e_left - 4'd1;
                        if (e_left == 4'd0)
                            e_state <= E_IDLE;
                    end
                E_WR:
                    if (d_wvalid && d_wlast)
                        e_state <= E_B;
                E_B:
                    if (d_bready)
                        e_state <= E_IDLE;
                default:
                    e_state <= E_IDLE;
            endcase
        end
    end

    wire e_rd = e_state == E_RD;
    wire e_wr = e_state == E_WR;
    wire e_b  = e_state == E_B;
    wire pass = !d_outside && e_state == E_IDLE;

    assign m_axi_awvalid = d_req_valid && d_req_write && pass;
    assign m_axi_arvalid = d_req_valid && !d_req_write && pass;
    assign m_axi_awaddr  = d_req_addr[ADDR_W-1:0];
    assign m_axi_araddr  = d_req_addr[ADDR_W-1:0];
    assign m_axi_awlen   = {4'd0, d_req_len};
    assign m_axi_arlen   = {4'd0, d_req_len};
    assign m_axi_awsize  = 3'd4;       // 16 bytes per beat
    assign m_axi_arsize  = 3'd4;
    assign m_axi_awburst = 2'b01;      // INCR
    assign m_axi_arburst = 2'b01;
    assign m_axi_awcache = 4'b0011;    // normal, non-cacheable, bufferable
    assign m_axi_arcache = 4'b0011;
    assign m_axi_awprot  = 3'b000;     // unprivileged, secure, data
    assign m_axi_arprot  = 3'b000;
    assign m_axi_awid    = 1'b0;
    assign m_axi_arid    = 1'b0;
    wire   d_req_ready   = e_take ||
                           (pass && (d_req_write ? m_axi_awready : m_axi_arready));

    assign m_axi_wvalid  = d_wvalid && !e_wr;
    assign m_axi_wdata   = d_wdata;
    assign m_axi_wstrb   = d_wstrb;
    assign m_axi_wlast   = d_wlast;
    wire   d_wready      = e_wr || m_axi_wready;

    assign m_axi_rready  = d_rready && !e_rd;
    wire   d_rvalid      = e_rd || m_axi_rvalid;
    wire   d_rlast       = e_rd ? e_left == 4'd0 : m_axi_rlast;
    wire   d_rerr        = e_rd || m_axi_rresp[1];

    assign m_axi_bready  = d_bready && !e_b;
    wire   d_bvalid      = e_b || m_axi_bvalid;
    wire   d_berr        = e_b || m_axi_bresp[1];

    // IDs are always 0 and the protection bits of the slave are not used:
    // the register block has no secure/privileged split.
    wire unused = ^{s_axil_awprot, s_axil_arprot, m_axi_bid, m_axi_rid,
                    s_axil_awaddr[1:0], s_axil_araddr[1:0], m_axi_rresp[0],
                    m_axi_bresp[0]};

    dnpu_top #(
        .ROWS(ROWS), .COLS(COLS),
        .SZ_IN(SZ_IN), .SZ_WGT(SZ_WGT), .SZ_ACC(SZ_ACC),
        .SZ_OUT(SZ_OUT), .SZ_PARAM(SZ_PARAM)
    ) u_dnpu (
        .clk(clk), .rst(rst),
        .host_req(host_req), .host_we(host_we), .host_addr(s_addr),
        .host_wdata(s_wdata), .host_rdata(host_rdata), .host_ack(host_ack),
        .host_irq(irq),
        .m_req_valid(d_req_valid), .m_req_ready(d_req_ready),
        .m_req_write(d_req_write), .m_req_addr(d_req_addr),
        .m_req_len(d_req_len),
        .m_wvalid(d_wvalid), .m_wready(d_wready), .m_wdata(d_wdata),
        .m_wstrb(d_wstrb), .m_wlast(d_wlast),
        .m_rvalid(d_rvalid), .m_rready(d_rready), .m_rdata(m_axi_rdata),
        .m_rlast(d_rlast), .m_rerr(d_rerr),
        .m_bvalid(d_bvalid), .m_bready(d_bready), .m_berr(d_berr)
    );
endmodule
`default_nettype wire

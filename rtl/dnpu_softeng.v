// SPDX-License-Identifier: MIT
// dnpu_softeng: the engine block of the firmware-sequenced device
// (DNPU_FEAT_SOFT_SEQ, dnpu_top SOFT_SEQ = 1). The control-core firmware
// runs the command stream itself; in hardware there are only
//  - the host-memory mailbox (DNPU_ENG_MBOX_*, the engine's semantics:
//    4..64 B, a multiple of 4, at any byte address; BUSY until the
//    transfer ends, ERROR on a bad length or a bus error). Its 64 B buffer
//    is one small RAM (block RAM on FPGAs). Transfers move a byte per
//    cycle, or a word per cycle when the address is 4-byte aligned; reads
//    keep every beat of the transfer requested at once (16 B single-beat
//    bursts), writes send one single-beat burst per word (per byte when
//    unaligned) without waiting for the responses in between;
//  - the 2x2 int8 MAC array (DNPU_ENG_MAC_*): a STEP write {w1,w0,a1,a0}
//    adds a_p * w_n to ACC(2p+n), modulo 2^32; CTRL.CLEAR zeroes them;
//  - IRQ_PENDING (W1C; DOORBELL and TIMER latched here) and IRQ_ENABLE,
//    the core's external interrupt = |(PENDING & ENABLE).
// Every other engine register reads 0 and ignores writes (the firmware
// keeps them in software). Register accesses answer the cycle after they
// are taken; a MBOX_DATA read waits until the mailbox is idle.
`default_nettype none
module dnpu_softeng (
    input  wire          clk,
    input  wire          rst,
    // control-core register port (dnpu_ctrl eng_*): request held until ack
    input  wire          reg_req,
    input  wire          reg_we,
    input  wire [11:0]   reg_addr,
    input  wire [31:0]   reg_wdata,
    input  wire [3:0]    reg_wstrb,
    output reg  [31:0]   reg_rdata,
    output reg           reg_ack,
    input  wire          doorbell,        // pulse -> IRQ_PENDING.DOORBELL
    input  wire          timer_irq,       // level -> IRQ_PENDING.TIMER
    output wire          irq,
    // host bus master (docs/RTL.md "Host bus")
    output reg           m_req_valid,
    input  wire          m_req_ready,
    output wire          m_req_write,
    output wire [63:0]   m_req_addr,
    output wire [3:0]    m_req_len,
    output reg           m_wvalid,
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
`include "dnpu_hw_params.vh"
    localparam [11:0] A_IRQ_PEND = DNPU_ENG_IRQ_PENDING[11:0];
    localparam [11:0] A_IRQ_EN   = DNPU_ENG_IRQ_ENABLE[11:0];
    localparam [11:0] A_MB_LO    = DNPU_ENG_MBOX_ADDR_LO[11:0];
    localparam [11:0] A_MB_HI    = DNPU_ENG_MBOX_ADDR_HI[11:0];
    localparam [11:0] A_MB_CTRL  = DNPU_ENG_MBOX_CTRL[11:0];
    localparam [11:0] A_MB_STAT  = DNPU_ENG_MBOX_STATUS[11:0];
    localparam [11:0] A_MAC_CTRL = DNPU_ENG_MAC_CTRL[11:0];
    localparam [11:0] A_MAC_STEP = DNPU_ENG_MAC_STEP[11:0];
    localparam [11:0] A_MAC_ACC  = 12'h410;  // DNPU_ENG_MAC_ACC(0)

    // ---------------------------------------------------------------
    // register port
    // ---------------------------------------------------------------
    reg         mbox_busy, mbox_err;
    wire        is_data = reg_addr[11:6] == DNPU_ENG_MBOX_DATA_BASE[11:6];
    wire        is_acc  = reg_addr[11:4] == A_MAC_ACC[11:4];
    wire        go      = reg_req && !reg_ack && !(is_data && mbox_busy && !reg_we);
    wire        wr_go   = go && reg_we;
    always @(posedge clk)
        reg_ack <= !rst && go;

    // ---------------------------------------------------------------
    // interrupts
    // ---------------------------------------------------------------
    reg         pend_db, pend_tmr;
    reg  [3:0]  irq_enable;
    assign irq = (pend_db && irq_enable[0]) || (pend_tmr && irq_enable[3]);
    always @(posedge clk)
        if (rst) begin
            pend_db <= 1'b0; pend_tmr <= 1'b0; irq_enable <= 4'd0;
        end else begin
            if (wr_go && reg_addr == A_IRQ_PEND) begin
                if (reg_wdata[0]) pend_db  <= 1'b0;
                if (reg_wdata[3]) pend_tmr <= 1'b0;
            end
            if (wr_go && reg_addr == A_IRQ_EN)
                irq_enable <= reg_wdata[3:0];
            if (doorbell)  pend_db  <= 1'b1;
            if (timer_irq) pend_tmr <= 1'b1;
        end

    // ---------------------------------------------------------------
    // MAC array: four signed 8x8 products into 32-bit accumulators
    // (dnpu_mac_acc: one SB_MAC16 each on the iCE40)
    // ---------------------------------------------------------------
    wire        mac_step  = wr_go && reg_addr == A_MAC_STEP;
    wire        mac_clear = wr_go && reg_addr == A_MAC_CTRL && reg_wdata[0];
    wire [127:0] acc;                 // ACC(i) at bits 32i
    genvar gp, gn;
    generate
        for (gp = 0; gp < 2; gp = gp + 1) begin : g_row
            for (gn = 0; gn < 2; gn = gn + 1) begin : g_col
                dnpu_mac_acc u_mac (
                    .clk(clk), .clear(rst || mac_clear), .step(mac_step),
                    .a(reg_wdata[8 * gp +: 8]), .w(reg_wdata[16 + 8 * gn +: 8]),
                    .acc(acc[32 * (2 * gp + gn) +: 32])
                );
            end
        end
    endgenerate

    // ---------------------------------------------------------------
    // mailbox buffer: 16 words, one write and one read port (a block RAM)
    // ---------------------------------------------------------------
    reg  [31:0] mbuf [0:15];
    reg  [31:0] mbuf_q;
    reg  [3:0]  mbuf_wa;
    reg  [3:0]  mbuf_we;
    reg  [31:0] mbuf_wd;
    wire [3:0]  mbuf_ra;
    always @(posedge clk) begin
        if (mbuf_we[0]) mbuf[mbuf_wa][7:0]   <= mbuf_wd[7:0];
        if (mbuf_we[1]) mbuf[mbuf_wa][15:8]  <= mbuf_wd[15:8];
        if (mbuf_we[2]) mbuf[mbuf_wa][23:16] <= mbuf_wd[23:16];
        if (mbuf_we[3]) mbuf[mbuf_wa][31:24] <= mbuf_wd[31:24];
        mbuf_q <= mbuf[mbuf_ra];
    end

    // ---------------------------------------------------------------
    // mailbox transfer
    // ---------------------------------------------------------------
    reg  [63:0] mbox_addr;
    reg         mb_write, mb_word;    // direction; 4 bytes per step
    reg  [6:0]  mb_len;
    reg  [6:0]  k;                    // bytes moved so far
    reg  [2:0]  rq;                   // read beats requested so far
    reg  [3:0]  outst;                // write responses outstanding
    reg         w_sent;               // write: every burst sent
    wire [6:0]  step = mb_word ? 7'd4 : 7'd1;
    wire        last = k + step >= mb_len;

    // Bus address: reads walk the beats (rq), writes the bytes (k); a
    // transfer spans at most two 256 B blocks (the carry into bit 8).
    wire [8:0]  kpos = {1'b0, mbox_addr[7:0]} + {2'd0, k};  // byte k's address
    wire [4:0]  boff = mb_write ? kpos[8:4] : ({1'b0, mbox_addr[7:4]} + {2'd0, rq});
    wire [55:0] blk  = mbox_addr[63:8] + {55'd0, boff[4]};
    assign m_req_addr  = {blk, boff[3:0], 4'd0};
    assign m_req_write = mb_write;
    assign m_req_len   = 4'd0;
    // read beats still to request after this one: the transfer's bytes
    // end past beat rq + 1
    wire [2:0]  rq_n    = rq + 3'd1;
    wire        rq_more = {rq_n, 4'd0} < {3'd0, mbox_addr[3:0]} + mb_len;

    // data side: byte k sits at bus lane (addr + k) mod 16
    wire [3:0]  lane = kpos[3:0];
    wire [31:0] r_grp  = m_rdata[{lane[3:2], 5'd0} +: 32];
    wire [7:0]  r_byte = r_grp[{lane[1:0], 3'd0} +: 8];
    wire        beat_end = mb_word ? (lane[3:2] == 2'd3) : (lane == 4'd15);
    wire        r_take = mbox_busy && !mb_write && m_rvalid;
    assign m_rready = mbox_busy && !mb_write && (beat_end || last);
    wire [7:0]  w_byte = mbuf_q[{k[1:0], 3'd0} +: 8];
    wire [31:0] w_grp  = mb_word ? mbuf_q : {4{w_byte}};
    assign m_wdata = {4{w_grp}};
    assign m_wstrb = mb_word ? (16'h000f << {lane[3:2], 2'd0}) : (16'h0001 << lane);
    assign m_wlast = 1'b1;
    assign m_bready = 1'b1;
    // the buffer's read port: the transfer's word while busy, else the
    // register being read
    assign mbuf_ra = mbox_busy ? k[5:2] : reg_addr[5:2];

    always @(*) begin
        mbuf_we = 4'd0;
        mbuf_wa = reg_addr[5:2];
        mbuf_wd = reg_wdata;
        if (mbox_busy) begin
            mbuf_wa = k[5:2];
            mbuf_wd = mb_word ? r_grp : {4{r_byte}};
            if (r_take)
                mbuf_we = mb_word ? 4'hf : (4'd1 << k[1:0]);
        end else if (wr_go && is_data) begin
            mbuf_we = reg_wstrb;
        end
    end

    wire mb_start = wr_go && reg_addr == A_MB_CTRL && !mbox_busy;
    wire mb_ok    = reg_wdata[6:0] >= 7'd4 && reg_wdata[6:0] <= 7'd64 &&
                    reg_wdata[1:0] == 2'd0;
    always @(posedge clk) begin
        if (rst) begin
            mbox_addr <= 64'd0;
            mbox_busy <= 1'b0; mbox_err <= 1'b0;
            m_req_valid <= 1'b0; m_wvalid <= 1'b0;
            mb_write <= 1'b0; mb_word <= 1'b0; mb_len <= 7'd0;
            k <= 7'd0; rq <= 3'd0; outst <= 4'd0; w_sent <= 1'b0;
        end else begin
            if (wr_go && reg_addr == A_MB_LO) mbox_addr[31:0]  <= reg_wdata;
            if (wr_go && reg_addr == A_MB_HI) mbox_addr[63:32] <= reg_wdata;
            if (mb_start) begin
                mbox_err <= !mb_ok;
                if (mb_ok) begin
                    mbox_busy <= 1'b1;
                    mb_write  <= reg_wdata[8];
                    mb_word   <= mbox_addr[1:0] == 2'd0;
                    mb_len    <= reg_wdata[6:0];
                    k <= 7'd0; rq <= 3'd0; outst <= 4'd0; w_sent <= 1'b0;
                    m_req_valid <= 1'b1;
                end
            end
            if (mbox_busy && !mb_write) begin
                // read: request every beat, then cut them into the buffer
                if (m_req_valid && m_req_ready) begin
                    rq <= rq_n;
                    m_req_valid <= rq_more;
                end
                if (r_take) begin
                    if (m_rerr)
                        mbox_err <= 1'b1;
                    k <= k + step;
                    if (last)
                        mbox_busy <= 1'b0;
                end
            end
            if (mbox_busy && mb_write) begin
                // write: request, then one beat (the buffer word of byte
                // k was read during the request), per word or byte
                if (m_req_valid && m_req_ready) begin
                    m_req_valid <= 1'b0;
                    m_wvalid    <= 1'b1;
                end
                if (m_wvalid && m_wready) begin
                    m_wvalid <= 1'b0;
                    k <= k + step;
                    if (last)
                        w_sent <= 1'b1;
                    else
                        m_req_valid <= 1'b1;
                end
                outst <= outst + {3'd0, m_wvalid && m_wready} - {3'd0, m_bvalid};
                if (m_bvalid && m_berr)
                    mbox_err <= 1'b1;
                if (w_sent && outst == 4'd0)
                    mbox_busy <= 1'b0;
            end
        end
    end
    wire unused = m_rlast;  // every burst is one beat

    // ---------------------------------------------------------------
    // register read data (the request is held until ack)
    // ---------------------------------------------------------------
    always @(*) begin
        reg_rdata = 32'd0;
        if (is_data)
            reg_rdata = mbuf_q;
        else if (is_acc)
            reg_rdata = acc[{reg_addr[3:2], 5'd0} +: 32];
        else
            case (reg_addr)
            A_IRQ_PEND: reg_rdata = {28'd0, pend_tmr, 2'b00, pend_db};
            A_IRQ_EN:   reg_rdata = {28'd0, irq_enable};
            A_MB_LO:    reg_rdata = mbox_addr[31:0];
            A_MB_HI:    reg_rdata = mbox_addr[63:32];
            A_MB_STAT:  reg_rdata = {30'd0, mbox_err, mbox_busy};
            default:    reg_rdata = 32'd0;
            endcase
    end
endmodule
`default_nettype wire

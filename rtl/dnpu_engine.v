// dnpu tensor engine: the DNPU_ENG_* register block seen by the control
// core, the region table, the command processor (fetch through the DMA,
// decode, program-order token/fault checks, dispatch to the load, compute
// and store queues), the DMA queues, the compute unit (array + PPU), the
// near-memory compute unit (NMC_*, NMC_LANES lanes, dnpu_nmc), the
// scratchpads, the host-memory mailbox, perf counters, watchdog and
// interrupts. One 128-bit host bus master port (docs/RTL.md).
`default_nettype none
module dnpu_engine #(
    parameter integer ROWS     = 4,
    parameter integer COLS     = 4,
    parameter integer PPU_LANES = COLS,   // PPU lanes, a power of two <= COLS
    parameter integer NMC_LANES = COLS,   // NMC lanes, a power of two
    parameter [31:0]  SZ_IN    = 32'd16384,
    parameter [31:0]  SZ_WGT   = 32'd16384,
    parameter [31:0]  SZ_ACC   = 32'd16384,
    parameter [31:0]  SZ_OUT   = 32'd8192,
    parameter [31:0]  SZ_PARAM = 32'd4096,
    // Synthesis-time options for small FPGA builds (defaults: the full
    // engine). NMC = 0 leaves dnpu_nmc out (NMC_* commands are ILLEGAL;
    // dnpu_top clears the NMC FEATURES bits). REGIONS (power of two,
    // 2..16) region table entries; DNPU_CAPS reports it, entries above it
    // read 0, ignore writes and do not exist for commands. QSLOT = 0: the
    // queues take a command only when idle (dnpu_qctl SLOT).
    parameter integer NMC      = 1,
    parameter integer REGIONS  = 16,
    parameter integer QSLOT    = 1,
    // commands read per fetch transfer (1, 2 or 4; 0: DNPU_CMD_PREFETCH
    // of uapi/dnpu_hw.h): the dispatcher takes the next ones from this
    // buffer (1: one bus round trip per command)
    parameter integer FETCH_N  = 0
) (
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
    output wire          irq,             // |(IRQ_PENDING & IRQ_ENABLE)
    output wire          irq_done,
    output wire          irq_fault,
    output wire          clock_gated,
    output wire [639:0]  perf,            // DNPU_PERF_COUNT x 64
    // host bus master
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
`include "dnpu_hw_params.vh"
    // DMA scratchpad ports and command fetch: DMA_W bytes per cycle (every
    // scratchpad the DMA touches has at least DMA_W lanes)
    localparam integer DMA_W = (COLS >= 16) ? 16 : COLS;
    localparam integer PRM_L = (DMA_W > 4) ? DMA_W : 4;      // PARAM lanes
    localparam integer FETCH_CMDS = (FETCH_N == 0) ? DNPU_CMD_PREFETCH : FETCH_N;

    // ---------------------------------------------------------------
    // registers
    // ---------------------------------------------------------------
    localparam [11:0] REGION_END = DNPU_ENG_REGION_BASE[11:0] + 12'd16 * DNPU_MAX_REGIONS[11:0];
    localparam [11:0] MBOX_END   = DNPU_ENG_MBOX_DATA_BASE[11:0] + 12'd64;
    localparam [11:0] PERF_END   = DNPU_ENG_PERF_BASE[11:0] + 12'd8 * DNPU_PERF_COUNT[11:0];
    reg [3:0]  cmd_region;
    reg [31:0] cmd_offset, cmd_count, region_count;
    reg [31:0] fault_cause_r, fault_region_r, fault_offset_r, fault_cmd_r;
    reg [3:0]  irq_pending, irq_enable;
    reg        clock_gate, stat_busy, stat_done, stat_fault;
    reg [31:0] watchdog;
    localparam integer RGI = (REGIONS > 8) ? 4 : (REGIONS > 4) ? 3 : (REGIONS > 2) ? 2 : 1;
    reg [63:0] rg_addr [0:REGIONS-1];
    reg [31:0] rg_size [0:REGIONS-1];
    reg [3:0]  rg_flags [0:REGIONS-1];
    reg [63:0] mbox_addr;
    reg [31:0] mbox_data [0:15];
    reg        mbox_busy, mbox_err;
    reg [63:0] pc [0:9];           // perf counters
    reg [31:0] perf_hi_latch;

    assign irq         = |(irq_pending & irq_enable);
    assign irq_done    = irq_pending[1];
    assign irq_fault   = irq_pending[2];
    assign clock_gated = clock_gate;
    genvar gi;
    generate
        for (gi = 0; gi < 10; gi = gi + 1) begin : g_perf
            assign perf[gi*64 +: 64] = pc[gi];
        end
    endgenerate

    function [31:0] merge(input [31:0] old, input [31:0] nw, input [3:0] be);
        merge = {be[3] ? nw[31:24] : old[31:24], be[2] ? nw[23:16] : old[23:16],
                 be[1] ? nw[15:8] : old[15:8], be[0] ? nw[7:0] : old[7:0]};
    endfunction

    wire        reg_go = reg_req && !reg_ack;
    wire        wr_go  = reg_go && reg_we;
    wire        start_go = wr_go && reg_addr == DNPU_ENG_CTRL[11:0] && reg_wdata[0] &&
                           !reg_wdata[1] && !stat_busy;
    wire [3:0]  ri_sel = reg_addr[7:4];
    wire [RGI-1:0] ri_idx = ri_sel[RGI-1:0];
    wire        ri_ok  = {28'd0, ri_sel} < REGIONS;
    wire [3:0]  md_sel = reg_addr[5:2];
    wire [3:0]  pf_sel = reg_addr[6:3];

    reg [31:0] rd_val;
    always @(*) begin
        rd_val = 32'd0;
        if (reg_addr >= DNPU_ENG_REGION_BASE[11:0] && reg_addr < REGION_END) begin
            if (ri_ok)
                case (reg_addr[3:2])
                2'd0: rd_val = rg_addr[ri_idx][31:0];
                2'd1: rd_val = rg_addr[ri_idx][63:32];
                2'd2: rd_val = rg_size[ri_idx];
                default: rd_val = {28'd0, rg_flags[ri_idx]};
                endcase
        end else if (reg_addr >= DNPU_ENG_MBOX_DATA_BASE[11:0] && reg_addr < MBOX_END) begin
            rd_val = mbox_data[md_sel];
        end else if (reg_addr >= DNPU_ENG_PERF_BASE[11:0] && reg_addr < PERF_END) begin
            rd_val = reg_addr[2] ? perf_hi_latch : pc[pf_sel][31:0];
        end else begin
            case (reg_addr)
            DNPU_ENG_STATUS[11:0]:       rd_val = {29'd0, stat_fault, stat_done, stat_busy};
            DNPU_ENG_CMD_REGION[11:0]:   rd_val = {28'd0, cmd_region};
            DNPU_ENG_CMD_OFFSET[11:0]:   rd_val = cmd_offset;
            DNPU_ENG_CMD_COUNT[11:0]:    rd_val = cmd_count;
            DNPU_ENG_REGION_COUNT[11:0]: rd_val = region_count;
            DNPU_ENG_FAULT_CAUSE[11:0]:  rd_val = fault_cause_r;
            DNPU_ENG_FAULT_REGION[11:0]: rd_val = fault_region_r;
            DNPU_ENG_FAULT_OFFSET[11:0]: rd_val = fault_offset_r;
            DNPU_ENG_FAULT_CMD[11:0]:    rd_val = fault_cmd_r;
            DNPU_ENG_IRQ_PENDING[11:0]:  rd_val = {28'd0, irq_pending};
            DNPU_ENG_IRQ_ENABLE[11:0]:   rd_val = {28'd0, irq_enable};
            DNPU_ENG_CLOCK_GATE[11:0]:   rd_val = {31'd0, clock_gate};
            DNPU_ENG_WATCHDOG[11:0]:     rd_val = watchdog;
            DNPU_ENG_MBOX_ADDR_LO[11:0]: rd_val = mbox_addr[31:0];
            DNPU_ENG_MBOX_ADDR_HI[11:0]: rd_val = mbox_addr[63:32];
            DNPU_ENG_MBOX_STATUS[11:0]:  rd_val = {30'd0, mbox_err, mbox_busy};
            default: rd_val = 32'd0;
            endcase
        end
    end

    // ---------------------------------------------------------------
    // fault bookkeeping: keep the fault of the lowest command index
    // ---------------------------------------------------------------
    reg         flt_valid;
    reg  [31:0] flt_idx;
    reg  [3:0]  flt_cause;
    reg  [3:0]  flt_region;
    reg  [31:0] flt_offset;

    // ---------------------------------------------------------------
    // region lookup for the DMA clients
    // ---------------------------------------------------------------
    wire [3:0] ld_rg, st_rg;
    wire ld_rg_exists = ({28'd0, ld_rg} < region_count) && ({28'd0, ld_rg} < REGIONS);
    wire st_rg_exists = ({28'd0, st_rg} < region_count) && ({28'd0, st_rg} < REGIONS);
    wire [RGI-1:0] ld_rgi = ld_rg[RGI-1:0], st_rgi = st_rg[RGI-1:0];

    // ---------------------------------------------------------------
    // bus clients: 0 fetch, 1 load, 2 store, 3 mailbox
    // ---------------------------------------------------------------
    wire [3:0]   c_req_valid, c_req_ready, c_req_write, c_wvalid, c_wready, c_wlast;
    wire [3:0]   c_rvalid, c_rready, c_bvalid;
    wire [255:0] c_req_addr;
    wire [15:0]  c_req_len;
    wire [511:0] c_wdata;
    wire [63:0]  c_wstrb;

    dnpu_busarb #(.N(4)) u_arb (
        .clk(clk), .rst(rst), .flush(flush),
        .c_req_valid(c_req_valid), .c_req_ready(c_req_ready), .c_req_write(c_req_write),
        .c_req_addr(c_req_addr), .c_req_len(c_req_len),
        .c_wvalid(c_wvalid), .c_wready(c_wready), .c_wdata(c_wdata), .c_wstrb(c_wstrb),
        .c_wlast(c_wlast), .c_rvalid(c_rvalid), .c_rready(c_rready), .c_bvalid(c_bvalid),
        .m_req_valid(m_req_valid), .m_req_ready(m_req_ready), .m_req_write(m_req_write),
        .m_req_addr(m_req_addr), .m_req_len(m_req_len),
        .m_wvalid(m_wvalid), .m_wready(m_wready), .m_wdata(m_wdata), .m_wstrb(m_wstrb),
        .m_wlast(m_wlast), .m_rvalid(m_rvalid), .m_rready(m_rready), .m_rlast(m_rlast),
        .m_bvalid(m_bvalid), .m_bready(m_bready));

    // ---------------------------------------------------------------
    // command processor: fetch / decode / dispatch
    // ---------------------------------------------------------------
    localparam [3:0] D_IDLE = 4'd0, D_FETCH = 4'd1, D_FWAIT = 4'd2, D_DECODE = 4'd3,
                     D_DISPATCH = 4'd5, D_DRAIN = 4'd6, D_STOP = 4'd7,
                     D_END = 4'd8;
    reg  [3:0]   dstate;
    reg  [31:0]  d_idx;
    reg  [39:0]  d_off;               // cmd_offset + 64 * d_idx
    reg  [511:0] cbuf;                // the command being decoded
    // fetched commands: a block of f_n shifts into fbuf from the top, so
    // its command k sits in slot FETCH_CMDS - f_n + k; the block holds
    // commands [w_first, w_first + w_n)
    localparam integer FB_BYTES = FETCH_CMDS * 64;
    reg  [FB_BYTES*8-1:0] fbuf;
    reg  [2:0]   f_n;                 // commands of the transfer under way
    reg          w_valid;
    reg  [31:0]  w_first;
    reg  [2:0]   w_n;
    reg          d_is_end;
    reg  [1:0]   d_q;                 // 0 load, 1 compute, 2 store
    reg  [3:0]   po_cnt [0:3];        // token FIFO occupancy in program order
    reg          flush;               // hard stop of every unit (abort/timeout)
    reg          job_end;             // one cycle: the job finished

    wire [31:0] d_off_rep = (d_off[39:32] != 8'd0) ? 32'hffffffff : d_off[31:0];
    wire [RGI-1:0] cmd_rgi   = cmd_region[RGI-1:0];
    wire [63:0] cmd_rg_addr  = rg_addr[cmd_rgi];
    wire [31:0] cmd_rg_size  = rg_size[cmd_rgi];
    wire [3:0]  cmd_rg_flags = rg_flags[cmd_rgi];
    wire        cmd_rg_ok    = ({28'd0, cmd_region} < region_count) &&
                               ({28'd0, cmd_region} < REGIONS) && cmd_rg_flags[0];
    wire        fetch_oob    = (d_off + 40'd64) > {8'd0, cmd_rg_size};

    reg  f_start;
    wire f_done, f_fault, f_snk_valid;
    wire [3:0]  f_cause;
    wire [31:0] f_off;
    wire [DMA_W*8-1:0] f_snk_data;
    wire [4:0]  f_snk_cnt;
    wire        f_cnt_valid, f_cnt_write;
    wire [12:0] f_cnt_bytes;
    wire        f_busy, f_src_room_unused;
    dnpu_xfer #(.DW(DMA_W), .WRITES(0)) u_fetch (
        .clk(clk), .rst(rst || flush), .start(f_start), .write(1'b0),
        .base(cmd_rg_addr), .paged(cmd_rg_flags[3]), .offset(d_off[31:0]), .len({23'd0, f_n, 6'd0}),
        .kill(1'b0), .busy(f_busy), .done(f_done), .fault(f_fault), .fault_cause(f_cause),
        .fault_offset(f_off),
        .cnt_valid(f_cnt_valid), .cnt_write(f_cnt_write), .cnt_bytes(f_cnt_bytes),
        .snk_valid(f_snk_valid), .snk_data(f_snk_data), .snk_cnt(f_snk_cnt), .snk_ready(1'b1),
        .src_valid(1'b0), .src_data({DMA_W*8{1'b0}}), .src_cnt(5'd0), .src_room(f_src_room_unused),
        .req_valid(c_req_valid[0]), .req_ready(c_req_ready[0]), .req_write(c_req_write[0]),
        .req_addr(c_req_addr[0 +: 64]), .req_len(c_req_len[0 +: 4]),
        .wvalid(c_wvalid[0]), .wready(c_wready[0]), .wdata(c_wdata[0 +: 128]),
        .wstrb(c_wstrb[0 +: 16]), .wlast(c_wlast[0]),
        .rvalid(c_rvalid[0]), .rready(c_rready[0]), .rdata(m_rdata), .rlast(m_rlast),
        .rerr(m_rerr), .bvalid(c_bvalid[0]), .berr(m_berr));

    // the fetched command bytes shift into fbuf from the top, a chunk at a
    // time: one byte shift of {data, fbuf} (a 5-stage shifter; a byte
    // select per byte at offset fb + f_snk_cnt was ~0.5 M muxes in Yosys)
    wire [(FB_BYTES+DMA_W)*8-1:0] fbuf_cat = {f_snk_data, fbuf};
    wire [(FB_BYTES+DMA_W)*8-1:0] fbuf_sh  = fbuf_cat >> {f_snk_cnt, 3'b000};
    wire [FB_BYTES*8-1:0] fbuf_in = fbuf_sh[FB_BYTES*8-1:0];
    wire fbuf_sh_unused = ^fbuf_sh[(FB_BYTES+DMA_W)*8-1:FB_BYTES*8];
    // command d_idx in the buffer, and its slot
    wire [31:0] w_rel  = d_idx - w_first;
    wire        w_hit  = w_valid && w_rel < {29'd0, w_n};
    wire [2:0]  w_slot = FETCH_CMDS[2:0] - w_n + w_rel[2:0];
    wire [2:0]  f_slot = FETCH_CMDS[2:0] - f_n;
    // the next block: up to FETCH_CMDS commands, to the next 256 B of the
    // stream, none beyond cmd_count or the region (those fault when reached)
    wire [31:0] cmds_left = cmd_count - d_idx;
    wire [31:0] rg_room   = (cmd_rg_size - d_off[31:0]) >> 6;
    wire [2:0]  to_blk    = FETCH_CMDS[2:0] - ((FETCH_CMDS > 1) ? {1'b0, d_off[7:6] & (FETCH_CMDS[1:0] - 2'd1)} : 3'd0);
    wire [2:0]  blk_n1    = (cmds_left < {29'd0, to_blk}) ? cmds_left[2:0] : to_blk;
    wire [2:0]  blk_n     = (rg_room < {29'd0, blk_n1}) ? rg_room[2:0] : blk_n1;
    wire [31:0] w_rel_unused = {w_rel[31:3], cmds_left[31:29] ^ rg_room[31:29]};

    // decode of cbuf
    wire [31:0] cw0     = cbuf[31:0];
    wire [7:0]  op      = cw0[7:0];
    wire [3:0]  dep     = cw0[11:8];
    wire [15:0] cflags  = cw0[31:16];
    wire [31:0] cwv [0:15];
    genvar gw;
    generate
        for (gw = 0; gw < 16; gw = gw + 1) begin : g_cw
            assign cwv[gw] = cbuf[32*gw +: 32];
        end
    endgenerate
    wire tail_nz = (cwv[13] != 32'd0) || (cwv[14] != 32'd0) || (cwv[15] != 32'd0);
    wire [3:0] dma_sp = cwv[1][11:8];
    reg  body_nz;     // SYNC/BARRIER/END: words 1..15 must be zero
    integer bi;
    always @(*) begin
        body_nz = 1'b0;
        for (bi = 1; bi < 16; bi = bi + 1)
            if (cbuf[32*bi +: 32] != 32'd0)
                body_nz = 1'b1;
    end
    function io_sp(input [3:0] sp);
        io_sp = (sp == DNPU_SPAD_IN[3:0]) || (sp == DNPU_SPAD_OUT[3:0]);
    endfunction
    wire io_dst = (cwv[5][3:0] == DNPU_SPAD_IN[3:0]) || (cwv[5][3:0] == DNPU_SPAD_OUT[3:0]);
    wire io_res = (cwv[9][3:0] == DNPU_SPAD_IN[3:0]) || (cwv[9][3:0] == DNPU_SPAD_OUT[3:0]);

    reg illegal;
    reg [1:0] q_of;
    reg q_none;       // BARRIER / END
    always @(*) begin
        illegal = 1'b0;
        q_of    = 2'd1;
        q_none  = 1'b0;
        if (cw0[15:12] != 4'd0) illegal = 1'b1;
        case (op)
        DNPU_OP_LOAD[7:0], DNPU_OP_STORE[7:0]: begin
            q_of = (op == DNPU_OP_LOAD[7:0]) ? 2'd0 : 2'd2;
            if ((cflags & ~DNPU_DMA_F_ONCHIP[15:0]) != 16'd0 ||
                (cwv[1] & DNPU_DMA_REGION_RSVD) != 32'd0 || tail_nz ||
                cwv[4] == 32'd0 || cwv[5] == 32'd0 || cwv[8] == 32'd0)
                illegal = 1'b1;
            // on-chip side: the IN or OUT scratchpad in the region field
            if ((cflags & DNPU_DMA_F_ONCHIP[15:0]) != 16'd0 && !io_sp(cwv[1][3:0]))
                illegal = 1'b1;
            if (op == DNPU_OP_LOAD[7:0]) begin
                if (dma_sp != DNPU_SPAD_IN[3:0] && dma_sp != DNPU_SPAD_WGT[3:0] &&
                    dma_sp != DNPU_SPAD_OUT[3:0] && dma_sp != DNPU_SPAD_PARAM[3:0])
                    illegal = 1'b1;
            end else begin
                if ((dma_sp != DNPU_SPAD_IN[3:0] && dma_sp != DNPU_SPAD_OUT[3:0]) ||
                    cwv[1][23:16] != 8'd0 || cwv[11] != 32'd0 || cwv[12] != 32'd0)
                    illegal = 1'b1;
            end
        end
        DNPU_OP_CONV[7:0]: begin
            if ((cflags & ~DNPU_CONV_F_ACCUMULATE[15:0]) != 16'd0 || cwv[3][31:16] != 16'd0 ||
                tail_nz || cwv[1][15:0] == 16'd0 || cwv[1][31:16] == 16'd0 ||
                cwv[2][15:0] == 16'd0 || cwv[2][31:16] == 16'd0 ||
                cwv[3][7:0] == 8'd0 || cwv[3][15:8] == 8'd0)
                illegal = 1'b1;
        end
        DNPU_OP_PPU[7:0]: begin
            if ((cflags & ~DNPU_PPU_F_FUSE_ADD[15:0]) != 16'd0 || cwv[1][15:0] == 16'd0 ||
                cwv[1][31:16] == 16'd0 || cwv[5][31:4] != 28'd0 || !io_dst ||
                cwv[4][1:0] != 2'd0 || tail_nz)
                illegal = 1'b1;
            else if (cflags[0]) begin
                if (cwv[9][31:4] != 28'd0 || !io_res || cwv[12][1:0] != 2'd0)
                    illegal = 1'b1;
            end else if (cwv[9] != 32'd0 || cwv[10] != 32'd0 || cwv[11] != 32'd0 ||
                         cwv[12] != 32'd0)
                illegal = 1'b1;
        end
        DNPU_OP_SYNC[7:0], DNPU_OP_BARRIER[7:0], DNPU_OP_END[7:0]: begin
            q_none = (op != DNPU_OP_SYNC[7:0]);
            if (body_nz || cflags != 16'd0 || (q_none && dep != 4'd0))
                illegal = 1'b1;
        end
        // NMC field checks at decode, before the tokens (docs/CMODEL.md);
        // dnpu_nmc repeats them and checks DWCONV's CO % DM and the operands
        DNPU_OP_NMC_ADD[7:0]: begin
            if (cflags != 16'd0 || cwv[1][15:0] == 16'd0 || cwv[1][31:16] == 16'd0 ||
                cwv[2][31:12] != 20'd0 || !io_sp(cwv[2][3:0]) || !io_sp(cwv[2][7:4]) ||
                !io_sp(cwv[2][11:8]) || cwv[9][1:0] != 2'd0 || cwv[10] != 32'd0 ||
                cwv[11] != 32'd0 || cwv[12] != 32'd0 || tail_nz)
                illegal = 1'b1;
        end
        DNPU_OP_NMC_POOL[7:0]: begin
            if ((cflags & ~DNPU_POOL_F_AVG[15:0]) != 16'd0 || cwv[1][15:0] == 16'd0 ||
                cwv[1][31:16] == 16'd0 || cwv[2][15:0] == 16'd0 || cwv[2][31:16] == 16'd0 ||
                cwv[3] == 32'd0 || cwv[4][7:0] == 8'd0 || cwv[4][15:8] == 8'd0 ||
                cwv[4][23:16] == 8'd0 || cwv[4][31:24] == 8'd0 ||
                (cwv[6] & 32'hfffff0f0) != 32'd0 || !io_sp(cwv[6][3:0]) ||
                !io_sp(cwv[6][11:8]) || cwv[11][31:16] != 16'd0 || cwv[12] != 32'd0 || tail_nz)
                illegal = 1'b1;
        end
        DNPU_OP_NMC_MEAN[7:0]: begin
            if (cflags != 16'd0 || cwv[1][15:0] == 16'd0 || cwv[1][31:16] == 16'd0 ||
                cwv[2] == 32'd0 || (cwv[3] & 32'hfffff0f0) != 32'd0 || !io_sp(cwv[3][3:0]) ||
                !io_sp(cwv[3][11:8]) ||
                (cwv[9][31] ? (cwv[9] < 32'hffffffe1) : (cwv[9] > 32'd31)) ||
                cwv[10] == 32'd0 || cwv[11] != 32'd0 || cwv[12] != 32'd0 || tail_nz)
                illegal = 1'b1;
        end
        DNPU_OP_NMC_DWCONV[7:0]: begin
            if (cflags != 16'd0 || cwv[1][15:0] == 16'd0 || cwv[1][31:16] == 16'd0 ||
                cwv[2][15:0] == 16'd0 || cwv[2][31:16] == 16'd0 || cwv[3][7:0] == 8'd0 ||
                cwv[3][15:8] == 8'd0 || cwv[3][23:16] == 8'd0 || cwv[3][31:24] == 8'd0 ||
                cwv[4][7:0] == 8'd0 || cwv[4][15:8] == 8'd0 || cwv[4][31:16] != 16'd0 ||
                (cwv[5] & 32'hfffff0f0) != 32'd0 || !io_sp(cwv[5][3:0]) ||
                !io_sp(cwv[5][11:8]) || cwv[11][1:0] != 2'd0 || tail_nz)
                illegal = 1'b1;
        end
        default: illegal = 1'b1;
        endcase
        // an engine built without the NMC (NMC = 0) has no NMC_* commands
        if (NMC == 0 && op[7:4] == DNPU_OP_NMC_ADD[7:4]) illegal = 1'b1;
        // dependency bits that name a missing neighbour queue
        if (!q_none && q_of == 2'd0 && (dep[0] || dep[2])) illegal = 1'b1;
        if (!q_none && q_of == 2'd2 && (dep[1] || dep[3])) illegal = 1'b1;
    end

    // token FIFO index per dependency bit: 0 L2C, 1 C2L, 2 C2S, 3 S2C
    // pop_f/push_f[b]: FIFO for POP_PREV/POP_NEXT (b=0/1), PUSH_PREV/NEXT
    function [1:0] pop_fifo(input [1:0] q, input b);
        case (q)
        2'd0:    pop_fifo = 2'd1;                 // load POP_NEXT: C2L
        2'd1:    pop_fifo = b ? 2'd3 : 2'd0;      // compute: S2C / L2C
        default: pop_fifo = 2'd2;                 // store POP_PREV: C2S
        endcase
    endfunction
    function [1:0] push_fifo(input [1:0] q, input b);
        case (q)
        2'd0:    push_fifo = 2'd0;                // load PUSH_NEXT: L2C
        2'd1:    push_fifo = b ? 2'd2 : 2'd1;     // compute: C2S / C2L
        default: push_fifo = 2'd3;                // store PUSH_PREV: S2C
        endcase
    endfunction
    wire [1:0] pf0 = pop_fifo(q_of, 1'b0), pf1 = pop_fifo(q_of, 1'b1);
    wire [1:0] uf0 = push_fifo(q_of, 1'b0), uf1 = push_fifo(q_of, 1'b1);
    wire token_bad = (dep[0] && po_cnt[pf0] == 4'd0) || (dep[1] && po_cnt[pf1] == 4'd0) ||
                     (dep[2] && po_cnt[uf0] == DNPU_TOKEN_DEPTH[3:0]) ||
                     (dep[3] && po_cnt[uf1] == DNPU_TOKEN_DEPTH[3:0]);

    // queues
    wire [2:0]  q_enq_ready, q_idle, q_running, q_rep_valid;
    wire [31:0] q_cur_idx [0:2];
    wire [31:0] q_rep_idx [0:2];
    wire [2:0]  q_enq_valid;
    assign q_enq_valid[0] = (dstate == D_DISPATCH) && (d_q == 2'd0);
    assign q_enq_valid[1] = (dstate == D_DISPATCH) && (d_q == 2'd1);
    assign q_enq_valid[2] = (dstate == D_DISPATCH) && (d_q == 2'd2);
    wire all_idle = &q_idle;

    // runtime token FIFOs (occupancy counters)
    reg  [3:0] tk [0:3];
    wire [1:0] ld_pop, ld_push, cp_pop, cp_push, st_pop, st_push;
    // load: prev none, next compute. compute: prev load, next store.
    // store: prev compute, next none.
    wire [1:0] ld_pop_avail   = {tk[1] != 4'd0, 1'b0};
    wire [1:0] ld_push_space  = {tk[0] != DNPU_TOKEN_DEPTH[3:0], 1'b0};
    wire [1:0] cp_pop_avail   = {tk[3] != 4'd0, tk[0] != 4'd0};
    wire [1:0] cp_push_space  = {tk[2] != DNPU_TOKEN_DEPTH[3:0], tk[1] != DNPU_TOKEN_DEPTH[3:0]};
    wire [1:0] st_pop_avail   = {1'b0, tk[2] != 4'd0};
    wire [1:0] st_push_space  = {1'b0, tk[3] != DNPU_TOKEN_DEPTH[3:0]};

    // unit wires
    wire        ld_start, ld_kill, ld_done, ld_fault;
    wire [511:0] ld_cmd;
    wire [31:0] ld_uoff;
    wire [3:0]  ld_cause, ld_fregion;
    wire [31:0] ld_foff;
    wire        st_start, st_kill, st_done, st_fault;
    wire [511:0] st_cmd;
    wire [31:0] st_uoff;
    wire [3:0]  st_cause, st_fregion;
    wire [31:0] st_foff;
    wire        cp_start, cp_kill, cp_done, cp_fault;
    wire [511:0] cp_cmd;
    wire [31:0] cp_uoff;
    wire [3:0]  cp_cause, cp_fregion;
    wire [31:0] cp_foff;
    wire        cp_nop = (cp_cmd[7:0] == DNPU_OP_SYNC[7:0]);

    dnpu_qctl #(.SLOT(QSLOT)) u_qload (
        .clk(clk), .rst(rst || flush), .enq_valid(q_enq_valid[0]), .enq_ready(q_enq_ready[0]),
        .enq_cmd(cbuf), .enq_idx(d_idx), .enq_off(d_off_rep),
        .pop_avail(ld_pop_avail), .push_space(ld_push_space), .pop(ld_pop), .push(ld_push),
        .flt_valid(flt_valid), .flt_idx(flt_idx),
        .u_start(ld_start), .u_cmd(ld_cmd), .u_off(ld_uoff), .u_kill(ld_kill),
        .u_done(ld_done), .u_fault(ld_fault), .u_nop(1'b0),
        .idle(q_idle[0]), .cur_idx(q_cur_idx[0]), .running(q_running[0]),
        .rep_valid(q_rep_valid[0]), .rep_idx(q_rep_idx[0]));
    dnpu_qctl #(.SLOT(QSLOT)) u_qcomp (
        .clk(clk), .rst(rst || flush), .enq_valid(q_enq_valid[1]), .enq_ready(q_enq_ready[1]),
        .enq_cmd(cbuf), .enq_idx(d_idx), .enq_off(d_off_rep),
        .pop_avail(cp_pop_avail), .push_space(cp_push_space), .pop(cp_pop), .push(cp_push),
        .flt_valid(flt_valid), .flt_idx(flt_idx),
        .u_start(cp_start), .u_cmd(cp_cmd), .u_off(cp_uoff), .u_kill(cp_kill),
        .u_done(cp_done), .u_fault(cp_fault), .u_nop(cp_nop),
        .idle(q_idle[1]), .cur_idx(q_cur_idx[1]), .running(q_running[1]),
        .rep_valid(q_rep_valid[1]), .rep_idx(q_rep_idx[1]));
    dnpu_qctl #(.SLOT(QSLOT)) u_qstore (
        .clk(clk), .rst(rst || flush), .enq_valid(q_enq_valid[2]), .enq_ready(q_enq_ready[2]),
        .enq_cmd(cbuf), .enq_idx(d_idx), .enq_off(d_off_rep),
        .pop_avail(st_pop_avail), .push_space(st_push_space), .pop(st_pop), .push(st_push),
        .flt_valid(flt_valid), .flt_idx(flt_idx),
        .u_start(st_start), .u_cmd(st_cmd), .u_off(st_uoff), .u_kill(st_kill),
        .u_done(st_done), .u_fault(st_fault), .u_nop(1'b0),
        .idle(q_idle[2]), .cur_idx(q_cur_idx[2]), .running(q_running[2]),
        .rep_valid(q_rep_valid[2]), .rep_idx(q_rep_idx[2]));
    wire [31:0] uoff_unused = ld_uoff ^ st_uoff;

    // ---------------------------------------------------------------
    // scratchpads and their ports
    // ---------------------------------------------------------------
    localparam integer AW_IN  = $clog2(SZ_IN);
    localparam integer AW_WGT = $clog2(SZ_WGT);
    localparam integer AW_ACC = $clog2(SZ_ACC / 4);
    localparam integer AW_OUT = $clog2(SZ_OUT);
    localparam integer AW_PRM = $clog2(SZ_PARAM);

    wire        ld_sp_we, ld_sp_re, st_sp_we, st_sp_re;
    wire [2:0]  ld_sp_sel, st_sp_sel;
    wire [31:0] ld_sp_addr, st_sp_addr;
    wire [4:0]  ld_sp_cnt, st_sp_cnt;
    wire [DMA_W*8-1:0] ld_sp_wdata, st_sp_wdata;
    wire [DMA_W-1:0]   ld_sp_wmask, st_sp_wmask;
    wire [DMA_W*8-1:0] st_sp_rdata, ld_sp_rdata;
    // compute ports
    wire        c_in_re, c_wgt_re, c_acc_re, c_acc_we, c_out_re, c_prm_re, c_dst_we, c_dst_out;
    wire [31:0] c_in_raddr, c_wgt_raddr, c_acc_raddr, c_acc_waddr, c_out_raddr, c_prm_raddr, c_dst_addr;
    wire [COLS*8-1:0]  wgt_q;
    wire [COLS*32-1:0] acc_q, c_acc_wdata;
    wire [COLS-1:0]    c_acc_wmask;
    wire [31:0] prm_q;
    wire [PRM_L*8-1:0] prm_qw;
    assign prm_q = prm_qw[31:0];
    wire [COLS*8-1:0] c_dst_wdata;
    wire [COLS-1:0]   c_dst_wmask;
    wire [15:0] c_macs_inc;
    wire        c_array_busy;
    // NMC ports (dnpu_nmc, NML lanes); the compute queue runs one command
    // at a time, so CONV/PPU and NMC never drive the scratchpads together.
    // IN, OUT and WGT are as wide as the widest unit reading them.
    localparam integer NML   = (NMC != 0) ? NMC_LANES : COLS;
    localparam integer IN_L0 = (ROWS > COLS) ? ROWS : COLS;
    localparam integer IN_L  = (NML > IN_L0) ? NML : IN_L0;   // IN read lanes
    localparam integer OUT_L0 = (COLS > 4) ? COLS : 4;
    localparam integer OUT_L = (NML > OUT_L0) ? NML : OUT_L0; // OUT read lanes
    localparam integer WGT_L = (NML > COLS) ? NML : COLS;     // WGT read lanes
    wire        nm_in_re, nm_out_re, nm_wgt_re, nm_prm_re, nm_dst_we, nm_dst_out;
    wire [31:0] nm_in_raddr, nm_out_raddr, nm_wgt_raddr, nm_prm_raddr, nm_dst_addr;
    wire [NML*8-1:0]  nm_dst_wdata;
    wire [NML-1:0]    nm_dst_wmask;
    wire [WGT_L*8-1:0] wgt_qw;
    assign wgt_q = wgt_qw[COLS*8-1:0];
    wire [15:0] nm_ops_inc;
    wire [IN_L*8-1:0]  in_qw;
    wire [OUT_L*8-1:0] out_qw;
    wire nmw_in  = nm_dst_we && !nm_dst_out;
    wire nmw_out = nm_dst_we && nm_dst_out;
    reg  [15:0] nm_wr_bytes;                                   // perf
    integer nmb;
    always @(*) begin
        nm_wr_bytes = 16'd0;
        for (nmb = 0; nmb < NML; nmb = nmb + 1)
            nm_wr_bytes = nm_wr_bytes + {15'd0, nm_dst_wmask[nmb]};
    end
    wire sp_in_re   = c_in_re || nm_in_re;
    wire sp_out_re  = c_out_re || nm_out_re;
    wire [31:0] sp_in_raddr  = nm_in_re ? nm_in_raddr : c_in_raddr;
    wire [31:0] sp_out_raddr = nm_out_re ? nm_out_raddr : c_out_raddr;

    wire cw_in  = (c_dst_we && !c_dst_out) || nmw_in;
    wire cw_out = (c_dst_we && c_dst_out) || nmw_out;
    // Port priority per scratchpad: compute, then the DMA doing its usual
    // direction (load writes, store reads), then the other DMA's on-chip
    // transfer (DNPU_DMA_F_ONCHIP: load reads IN/OUT, store writes IN/OUT),
    // which only checks the other DMA's request (no combinational loop).
    wire ld_sel_in  = (ld_sp_sel == DNPU_SPAD_IN[2:0]);
    wire ld_sel_out = (ld_sp_sel == DNPU_SPAD_OUT[2:0]);
    wire st_sel_in  = (st_sp_sel == DNPU_SPAD_IN[2:0]);
    wire st_sel_out = (st_sp_sel == DNPU_SPAD_OUT[2:0]);
    wire ld_gnt = ld_sp_re ? !((ld_sel_in && (sp_in_re || st_sp_re && st_sel_in)) ||
                               (ld_sel_out && (sp_out_re || st_sp_re && st_sel_out)))
                           : !((ld_sel_in && cw_in) || (ld_sel_out && cw_out));
    wire ld_w_in  = ld_sp_we && ld_gnt && ld_sel_in;
    wire ld_w_wgt = ld_sp_we && ld_sp_sel == DNPU_SPAD_WGT[2:0];
    wire ld_w_out = ld_sp_we && ld_gnt && ld_sel_out;
    wire ld_w_prm = ld_sp_we && ld_sp_sel == DNPU_SPAD_PARAM[2:0];
    wire ld_r_in  = ld_sp_re && ld_gnt && ld_sel_in;
    wire ld_r_out = ld_sp_re && ld_gnt && ld_sel_out;
    wire st_gnt = st_sp_we ? !((st_sel_in && (cw_in || ld_sp_we && ld_sel_in)) ||
                               (st_sel_out && (cw_out || ld_sp_we && ld_sel_out)))
                           : !((st_sel_in && sp_in_re) || (st_sel_out && sp_out_re));
    wire st_r_in  = st_sp_re && st_gnt && st_sel_in;
    wire st_r_out = st_sp_re && st_gnt && st_sel_out;
    wire st_w_in  = st_sp_we && st_gnt && st_sel_in;
    wire st_w_out = st_sp_we && st_gnt && st_sel_out;
    reg  st_from_out, ld_from_out;
    always @(posedge clk) begin
        st_from_out <= st_sel_out;
        ld_from_out <= ld_sel_out;
    end
    assign st_sp_rdata = st_from_out ? out_qw[DMA_W*8-1:0] : in_qw[DMA_W*8-1:0];
    assign ld_sp_rdata = ld_from_out ? out_qw[DMA_W*8-1:0] : in_qw[DMA_W*8-1:0];
    // the DMA port driving the IN / OUT write port when compute does not
    wire [AW_IN-1:0]   dw_in_addr  = st_w_in ? st_sp_addr[AW_IN-1:0] : ld_sp_addr[AW_IN-1:0];
    wire [DMA_W*8-1:0] dw_in_data  = st_w_in ? st_sp_wdata : ld_sp_wdata;
    wire [DMA_W-1:0]   dw_in_mask  = st_w_in ? st_sp_wmask : ld_sp_wmask;
    wire [AW_OUT-1:0]  dw_out_addr = st_w_out ? st_sp_addr[AW_OUT-1:0] : ld_sp_addr[AW_OUT-1:0];
    wire [DMA_W*8-1:0] dw_out_data = st_w_out ? st_sp_wdata : ld_sp_wdata;
    wire [DMA_W-1:0]   dw_out_mask = st_w_out ? st_sp_wmask : ld_sp_wmask;

    dnpu_spad_lanes #(.LANES(IN_L), .LANE_W(8), .DEPTH(SZ_IN / IN_L)) u_in (
        .clk(clk),
        .rd_en(sp_in_re || st_r_in || ld_r_in),
        .rd_addr(sp_in_re ? sp_in_raddr[AW_IN-1:0] : st_r_in ? st_sp_addr[AW_IN-1:0]
                                                   : ld_sp_addr[AW_IN-1:0]),
        .rd_data(in_qw),
        .wr_en(cw_in || ld_w_in || st_w_in),
        .wr_addr(nmw_in ? nm_dst_addr[AW_IN-1:0] : cw_in ? c_dst_addr[AW_IN-1:0] : dw_in_addr),
        .wr_data(nmw_in ? {{(IN_L-NML)*8{1'b0}}, nm_dst_wdata}
               : cw_in ? {{(IN_L-COLS)*8{1'b0}}, c_dst_wdata}
               : {{(IN_L-DMA_W)*8{1'b0}}, dw_in_data}),
        .wr_mask(nmw_in ? {{(IN_L-NML){1'b0}}, nm_dst_wmask}
               : cw_in ? {{(IN_L-COLS){1'b0}}, c_dst_wmask}
               : {{(IN_L-DMA_W){1'b0}}, dw_in_mask}));
    dnpu_spad_lanes #(.LANES(WGT_L), .LANE_W(8), .DEPTH(SZ_WGT / WGT_L)) u_wgt (
        .clk(clk),
        .rd_en(c_wgt_re || nm_wgt_re),
        .rd_addr(nm_wgt_re ? nm_wgt_raddr[AW_WGT-1:0] : c_wgt_raddr[AW_WGT-1:0]), .rd_data(wgt_qw),
        .wr_en(ld_w_wgt), .wr_addr(ld_sp_addr[AW_WGT-1:0]),
        .wr_data({{(WGT_L-DMA_W)*8{1'b0}}, ld_sp_wdata}),
        .wr_mask({{(WGT_L-DMA_W){1'b0}}, ld_sp_wmask}));
    dnpu_spad_lanes #(.LANES(COLS), .LANE_W(32), .DEPTH(SZ_ACC / 4 / COLS)) u_acc (
        .clk(clk),
        .rd_en(c_acc_re), .rd_addr(c_acc_raddr[AW_ACC-1:0]), .rd_data(acc_q),
        .wr_en(c_acc_we), .wr_addr(c_acc_waddr[AW_ACC-1:0]),
        .wr_data(c_acc_wdata), .wr_mask(c_acc_wmask));
    dnpu_spad_lanes #(.LANES(OUT_L), .LANE_W(8), .DEPTH(SZ_OUT / OUT_L)) u_out (
        .clk(clk),
        .rd_en(sp_out_re || st_r_out || ld_r_out),
        .rd_addr(sp_out_re ? sp_out_raddr[AW_OUT-1:0] : st_r_out ? st_sp_addr[AW_OUT-1:0]
                                                      : ld_sp_addr[AW_OUT-1:0]),
        .rd_data(out_qw),
        .wr_en(cw_out || ld_w_out || st_w_out),
        .wr_addr(nmw_out ? nm_dst_addr[AW_OUT-1:0] : cw_out ? c_dst_addr[AW_OUT-1:0] : dw_out_addr),
        .wr_data(nmw_out ? {{(OUT_L-NML)*8{1'b0}}, nm_dst_wdata}
                : cw_out ? {{(OUT_L-COLS)*8{1'b0}}, c_dst_wdata}
                : {{(OUT_L-DMA_W)*8{1'b0}}, dw_out_data}),
        .wr_mask(nmw_out ? {{(OUT_L-NML){1'b0}}, nm_dst_wmask}
                : cw_out ? {{(OUT_L-COLS){1'b0}}, c_dst_wmask}
                : {{(OUT_L-DMA_W){1'b0}}, dw_out_mask}));
    dnpu_spad_lanes #(.LANES(PRM_L), .LANE_W(8), .DEPTH(SZ_PARAM / PRM_L)) u_prm (
        .clk(clk),
        .rd_en(c_prm_re || nm_prm_re),
        .rd_addr(nm_prm_re ? nm_prm_raddr[AW_PRM-1:0] : c_prm_raddr[AW_PRM-1:0]), .rd_data(prm_qw),
        .wr_en(ld_w_prm), .wr_addr(ld_sp_addr[AW_PRM-1:0]),
        .wr_data({{(PRM_L-DMA_W)*8{1'b0}}, ld_sp_wdata}),
        .wr_mask({{(PRM_L-DMA_W){1'b0}}, ld_sp_wmask}));

    // ---------------------------------------------------------------
    // execution units
    // ---------------------------------------------------------------
    wire        ld_cnt_valid, ld_cnt_write, st_cnt_valid, st_cnt_write;
    wire [12:0] ld_cnt_bytes, st_cnt_bytes;
    wire        ld_busy_unused, st_busy_unused, cp_busy_unused;

    dnpu_dma #(.DW(DMA_W), .SZ_IN(SZ_IN), .SZ_WGT(SZ_WGT), .SZ_OUT(SZ_OUT),
               .SZ_PARAM(SZ_PARAM)) u_load (
        .clk(clk), .rst(rst || flush), .start(ld_start), .cmd(ld_cmd), .kill(ld_kill),
        .busy(ld_busy_unused), .done(ld_done), .fault(ld_fault), .fault_cause(ld_cause),
        .fault_region(ld_fregion), .fault_offset(ld_foff),
        .rg_idx(ld_rg), .rg_exists(ld_rg_exists), .rg_addr(rg_addr[ld_rgi]),
        .rg_size(rg_size[ld_rgi]), .rg_flags(rg_flags[ld_rgi]),
        .sp_we(ld_sp_we), .sp_re(ld_sp_re), .sp_sel(ld_sp_sel), .sp_addr(ld_sp_addr),
        .sp_cnt(ld_sp_cnt), .sp_wdata(ld_sp_wdata), .sp_wmask(ld_sp_wmask), .sp_gnt(ld_gnt),
        .sp_rdata(ld_sp_rdata),
        .cnt_valid(ld_cnt_valid), .cnt_write(ld_cnt_write), .cnt_bytes(ld_cnt_bytes),
        .req_valid(c_req_valid[1]), .req_ready(c_req_ready[1]), .req_write(c_req_write[1]),
        .req_addr(c_req_addr[64 +: 64]), .req_len(c_req_len[4 +: 4]),
        .wvalid(c_wvalid[1]), .wready(c_wready[1]), .wdata(c_wdata[128 +: 128]),
        .wstrb(c_wstrb[16 +: 16]), .wlast(c_wlast[1]),
        .rvalid(c_rvalid[1]), .rready(c_rready[1]), .rdata(m_rdata), .rlast(m_rlast),
        .rerr(m_rerr), .bvalid(c_bvalid[1]), .berr(m_berr));

    dnpu_dma #(.DW(DMA_W), .SZ_IN(SZ_IN), .SZ_WGT(SZ_WGT), .SZ_OUT(SZ_OUT),
               .SZ_PARAM(SZ_PARAM)) u_store (
        .clk(clk), .rst(rst || flush), .start(st_start), .cmd(st_cmd), .kill(st_kill),
        .busy(st_busy_unused), .done(st_done), .fault(st_fault), .fault_cause(st_cause),
        .fault_region(st_fregion), .fault_offset(st_foff),
        .rg_idx(st_rg), .rg_exists(st_rg_exists), .rg_addr(rg_addr[st_rgi]),
        .rg_size(rg_size[st_rgi]), .rg_flags(rg_flags[st_rgi]),
        .sp_we(st_sp_we), .sp_re(st_sp_re), .sp_sel(st_sp_sel), .sp_addr(st_sp_addr),
        .sp_cnt(st_sp_cnt), .sp_wdata(st_sp_wdata), .sp_wmask(st_sp_wmask),
        .sp_gnt(st_gnt), .sp_rdata(st_sp_rdata),
        .cnt_valid(st_cnt_valid), .cnt_write(st_cnt_write), .cnt_bytes(st_cnt_bytes),
        .req_valid(c_req_valid[2]), .req_ready(c_req_ready[2]), .req_write(c_req_write[2]),
        .req_addr(c_req_addr[128 +: 64]), .req_len(c_req_len[8 +: 4]),
        .wvalid(c_wvalid[2]), .wready(c_wready[2]), .wdata(c_wdata[256 +: 128]),
        .wstrb(c_wstrb[32 +: 16]), .wlast(c_wlast[2]),
        .rvalid(c_rvalid[2]), .rready(c_rready[2]), .rdata(m_rdata), .rlast(m_rlast),
        .rerr(m_rerr), .bvalid(c_bvalid[2]), .berr(m_berr));

    dnpu_compute #(.ROWS(ROWS), .COLS(COLS), .IL(IN_L), .OL(OUT_L), .PL(PRM_L),
                   .PPU_L(PPU_LANES), .SZ_IN(SZ_IN), .SZ_WGT(SZ_WGT), .SZ_ACC(SZ_ACC),
                   .SZ_OUT(SZ_OUT), .SZ_PARAM(SZ_PARAM)) u_compute (
        .clk(clk), .rst(rst || flush), .start(cp_start && !cp_nop && !cp_nmc), .cmd(cp_cmd),
        .cmd_region(cmd_region), .cmd_off(cp_uoff), .kill(cp_kill),
        .busy(cp_busy_unused), .done(k_done), .fault(k_fault), .fault_cause(k_cause),
        .fault_region(k_fregion), .fault_offset(k_foff),
        .in_re(c_in_re), .in_raddr(c_in_raddr), .in_rdata(in_qw),
        .wgt_re(c_wgt_re), .wgt_raddr(c_wgt_raddr), .wgt_rdata(wgt_q),
        .acc_re(c_acc_re), .acc_raddr(c_acc_raddr), .acc_rdata(acc_q),
        .acc_we(c_acc_we), .acc_waddr(c_acc_waddr), .acc_wdata(c_acc_wdata), .acc_wmask(c_acc_wmask),
        .out_re(c_out_re), .out_raddr(c_out_raddr), .out_rdata(out_qw),
        .prm_re(c_prm_re), .prm_raddr(c_prm_raddr), .prm_rdata(prm_qw),
        .dst_we(c_dst_we), .dst_out(c_dst_out), .dst_addr(c_dst_addr), .dst_wdata(c_dst_wdata),
        .dst_wmask(c_dst_wmask),
        .macs_inc(c_macs_inc), .array_busy(c_array_busy));

    // NMC_* commands go to dnpu_nmc; done/fault come from the unit that ran
    wire        cp_nmc = (cp_cmd[7:4] == DNPU_OP_NMC_ADD[7:4]);
    wire        k_done, k_fault, nm_done, nm_fault, nm_busy_unused;
    wire [3:0]  k_cause, k_fregion, nm_cause, nm_fregion;
    wire [31:0] k_foff, nm_foff;
    reg         cp_ran_nmc;
    always @(posedge clk)
        if (cp_start)
            cp_ran_nmc <= cp_nmc;
    assign cp_done    = k_done || nm_done;
    assign cp_fault   = cp_ran_nmc ? nm_fault : k_fault;
    assign cp_cause   = cp_ran_nmc ? nm_cause : k_cause;
    assign cp_fregion = cp_ran_nmc ? nm_fregion : k_fregion;
    assign cp_foff    = cp_ran_nmc ? nm_foff : k_foff;
    generate if (NMC != 0) begin : g_nmc
    dnpu_nmc #(.LANES(NML), .SZ_IN(SZ_IN), .SZ_WGT(SZ_WGT), .SZ_OUT(SZ_OUT),
               .SZ_PARAM(SZ_PARAM)) u_nmc (
        .clk(clk), .rst(rst || flush), .start(cp_start && !cp_nop && cp_nmc), .cmd(cp_cmd),
        .cmd_region(cmd_region), .cmd_off(cp_uoff), .kill(cp_kill),
        .busy(nm_busy_unused), .done(nm_done), .fault(nm_fault), .fault_cause(nm_cause),
        .fault_region(nm_fregion), .fault_offset(nm_foff),
        .in_re(nm_in_re), .in_raddr(nm_in_raddr), .in_rdata(in_qw[NML*8-1:0]),
        .out_re(nm_out_re), .out_raddr(nm_out_raddr), .out_rdata(out_qw[NML*8-1:0]),
        .wgt_re(nm_wgt_re), .wgt_raddr(nm_wgt_raddr), .wgt_rdata(wgt_qw[NML*8-1:0]),
        .prm_re(nm_prm_re), .prm_raddr(nm_prm_raddr), .prm_rdata(prm_q),
        .dst_we(nm_dst_we), .dst_out(nm_dst_out), .dst_addr(nm_dst_addr),
        .dst_wdata(nm_dst_wdata), .dst_wmask(nm_dst_wmask), .ops_inc(nm_ops_inc));
    end else begin : g_no_nmc
        // decode rejects NMC_* commands, so the unit is never started
        assign nm_busy_unused = 1'b0;
        assign nm_done = 1'b0; assign nm_fault = 1'b0;
        assign nm_cause = 4'd0; assign nm_fregion = 4'd0; assign nm_foff = 32'd0;
        assign nm_in_re = 1'b0; assign nm_out_re = 1'b0;
        assign nm_wgt_re = 1'b0; assign nm_prm_re = 1'b0;
        assign nm_in_raddr = 32'd0; assign nm_out_raddr = 32'd0;
        assign nm_wgt_raddr = 32'd0; assign nm_prm_raddr = 32'd0;
        assign nm_dst_we = 1'b0; assign nm_dst_out = 1'b0; assign nm_dst_addr = 32'd0;
        assign nm_dst_wdata = {NML*8{1'b0}}; assign nm_dst_wmask = {NML{1'b0}};
        assign nm_ops_inc = 16'd0;
        wire prm_unused = ^prm_q;   // only the NMC reads PARAM this way
    end endgenerate
    // scratchpad addresses are range-checked before use; only the bits that
    // index a scratchpad matter, and some token directions do not exist
    wire misc_unused = ^{ld_sp_addr, st_sp_addr, c_in_raddr, c_wgt_raddr, c_acc_raddr,
                         nm_in_raddr, nm_out_raddr, nm_wgt_raddr, nm_prm_raddr, nm_dst_addr,
                         sp_in_raddr, sp_out_raddr,
                         c_acc_waddr, c_out_raddr, c_prm_raddr, c_dst_addr, cmd_rg_flags[2],
                         ld_pop[0], ld_push[0], st_pop[1], st_push[1]};

    // ---------------------------------------------------------------
    // mailbox: up to 64 B between host memory and MBOX_DATA
    // ---------------------------------------------------------------
    reg         mb_start, mb_write;
    reg  [6:0]  mb_len;
    reg  [6:0]  mb_pos;               // bytes moved so far
    wire        mb_done, mb_fault, mb_snk_valid, mb_src_room, mb_busy_unused;
    wire [7:0]  mb_snk_data;
    wire [4:0]  mb_snk_cnt_unused;
    // write: one byte per cycle into the xfer's funnel while it has room
    wire        mb_push = mbox_busy && mb_write && !mb_start && mb_src_room && (mb_pos < mb_len);
    wire [3:0]  mb_cause_unused;
    wire [31:0] mb_off_unused;
    wire        mb_cnt_v_unused, mb_cnt_w_unused;
    wire [12:0] mb_cnt_b_unused;
    wire [31:0] mb_word = mbox_data[mb_pos[5:2]];
    dnpu_xfer #(.DW(1)) u_mbox (
        .clk(clk), .rst(rst), .start(mb_start), .write(mb_write),
        .base(mbox_addr), .paged(1'b0), .offset(32'd0), .len({25'd0, mb_len}),
        .kill(1'b0), .busy(mb_busy_unused), .done(mb_done), .fault(mb_fault),
        .fault_cause(mb_cause_unused), .fault_offset(mb_off_unused),
        .cnt_valid(mb_cnt_v_unused), .cnt_write(mb_cnt_w_unused), .cnt_bytes(mb_cnt_b_unused),
        .snk_valid(mb_snk_valid), .snk_data(mb_snk_data), .snk_cnt(mb_snk_cnt_unused),
        .snk_ready(1'b1),
        .src_valid(mb_push), .src_data(mb_word[{mb_pos[1:0], 3'b000} +: 8]), .src_cnt(5'd1),
        .src_room(mb_src_room),
        .req_valid(c_req_valid[3]), .req_ready(c_req_ready[3]), .req_write(c_req_write[3]),
        .req_addr(c_req_addr[192 +: 64]), .req_len(c_req_len[12 +: 4]),
        .wvalid(c_wvalid[3]), .wready(c_wready[3]), .wdata(c_wdata[384 +: 128]),
        .wstrb(c_wstrb[48 +: 16]), .wlast(c_wlast[3]),
        .rvalid(c_rvalid[3]), .rready(c_rready[3]), .rdata(m_rdata), .rlast(m_rlast),
        .rerr(m_rerr), .bvalid(c_bvalid[3]), .berr(m_berr));

    // ---------------------------------------------------------------
    // fault reports of this cycle: pick the lowest command index
    // ---------------------------------------------------------------
    reg         d_rep;           // dispatcher fault this cycle
    reg  [3:0]  d_rep_cause;
    reg  [3:0]  d_rep_region;
    reg  [31:0] d_rep_offset;
    reg         n_valid;
    reg  [31:0] n_idx;
    reg  [3:0]  n_cause, n_region;
    reg  [31:0] n_offset;
    always @(*) begin
        n_valid = flt_valid;
        n_idx = flt_idx; n_cause = flt_cause; n_region = flt_region; n_offset = flt_offset;
        if (d_rep && (!n_valid || d_idx < n_idx)) begin
            n_valid = 1'b1; n_idx = d_idx; n_cause = d_rep_cause;
            n_region = d_rep_region; n_offset = d_rep_offset;
        end
        if (q_rep_valid[0] && (!n_valid || q_rep_idx[0] < n_idx)) begin
            n_valid = 1'b1; n_idx = q_rep_idx[0]; n_cause = ld_cause;
            n_region = ld_fregion; n_offset = ld_foff;
        end
        if (q_rep_valid[1] && (!n_valid || q_rep_idx[1] < n_idx)) begin
            n_valid = 1'b1; n_idx = q_rep_idx[1]; n_cause = cp_cause;
            n_region = cp_fregion; n_offset = cp_foff;
        end
        if (q_rep_valid[2] && (!n_valid || q_rep_idx[2] < n_idx)) begin
            n_valid = 1'b1; n_idx = q_rep_idx[2]; n_cause = st_cause;
            n_region = st_fregion; n_offset = st_foff;
        end
    end

    localparam [31:0] ROWS_W = ROWS;
    localparam [31:0] COLS_W = COLS;
    localparam [31:0] PRM_W  = PRM_L;
    localparam [15:0] ROWS_B = ROWS_W[15:0];
    localparam [15:0] COLS_B = COLS_W[15:0];
    localparam [15:0] PRM_B  = PRM_W[15:0];
    localparam [31:0] NML_W  = NML;
    localparam [15:0] NML_B  = NML_W[15:0];
    reg  [15:0] c_wr_bytes;                                    // perf
    integer cwb;
    always @(*) begin
        c_wr_bytes = 16'd0;
        for (cwb = 0; cwb < COLS; cwb = cwb + 1)
            c_wr_bytes = c_wr_bytes + {15'd0, c_dst_wmask[cwb]};
    end
    // Per-cycle increments of the byte perf counters, summed at 16 bits
    // (a few hundred bytes per cycle at most) and then added once to the
    // 64-bit counter: summed at 64 bits, every term was a 64-bit adder.
    wire [15:0] pf_rd_inc   = ((f_cnt_valid && !f_cnt_write) ? {3'd0, f_cnt_bytes} : 16'd0)
                            + ((ld_cnt_valid && !ld_cnt_write) ? {3'd0, ld_cnt_bytes} : 16'd0)
                            + ((st_cnt_valid && !st_cnt_write) ? {3'd0, st_cnt_bytes} : 16'd0);
    wire [15:0] pf_wr_inc   = ((st_cnt_valid && st_cnt_write) ? {3'd0, st_cnt_bytes} : 16'd0)
                            + ((ld_cnt_valid && ld_cnt_write) ? {3'd0, ld_cnt_bytes} : 16'd0);
    wire [15:0] pf_sprd_inc = (c_in_re ? ROWS_B : 16'd0) + (c_wgt_re ? COLS_B : 16'd0)
                            + ((nm_in_re || nm_out_re) ? NML_B : 16'd0) + (nm_wgt_re ? NML_B : 16'd0)
                            + (nm_prm_re ? 16'd4 : 16'd0)
                            + (c_acc_re ? 4 * COLS_B : 16'd0) + (c_prm_re ? PRM_B : 16'd0)
                            + (c_out_re ? COLS_B : 16'd0)
                            + ((st_r_in || st_r_out) ? {11'd0, st_sp_cnt} : 16'd0)
                            + ((ld_r_in || ld_r_out) ? {11'd0, ld_sp_cnt} : 16'd0);
    wire [15:0] pf_spwr_inc = ((ld_sp_we && ld_gnt) ? {11'd0, ld_sp_cnt} : 16'd0)
                            + ((st_w_in || st_w_out) ? {11'd0, st_sp_cnt} : 16'd0)
                            + (c_dst_we ? c_wr_bytes : 16'd0)
                            + (nm_dst_we ? nm_wr_bytes : 16'd0)
                            + (c_acc_we ? 4 * COLS_B : 16'd0);

    // watchdog
    reg  [41:0] wd_cnt;
    wire        wd_fire = stat_busy && (watchdog != 32'd0) && (wd_cnt >= {watchdog, 10'd0});
    // oldest command still in the machine, for the TIMEOUT report
    reg  [31:0] oldest;
    always @(*) begin
        oldest = d_idx;
        if (q_running[0] && q_cur_idx[0] < oldest) oldest = q_cur_idx[0];
        if (q_running[1] && q_cur_idx[1] < oldest) oldest = q_cur_idx[1];
        if (q_running[2] && q_cur_idx[2] < oldest) oldest = q_cur_idx[2];
    end
    wire [39:0] oldest_off = {8'd0, cmd_offset} + {2'd0, oldest, 6'd0};

    // ---------------------------------------------------------------
    // main sequential block
    // ---------------------------------------------------------------
    integer i;
    always @(posedge clk) begin
        reg_ack  <= 1'b0;
        f_start  <= 1'b0;
        mb_start <= 1'b0;
        flush    <= 1'b0;
        job_end  <= 1'b0;
        d_rep    <= 1'b0;
        if (rst) begin
            cmd_region <= 4'd0; cmd_offset <= 32'd0; cmd_count <= 32'd0;
            region_count <= 32'd0;
            fault_cause_r <= 32'd0; fault_region_r <= 32'd0;
            fault_offset_r <= 32'd0; fault_cmd_r <= 32'd0;
            irq_pending <= 4'd0; irq_enable <= 4'd0; clock_gate <= 1'b0;
            stat_busy <= 1'b0; stat_done <= 1'b0; stat_fault <= 1'b0;
            watchdog <= 32'd0; wd_cnt <= 42'd0;
            mbox_addr <= 64'd0; mbox_busy <= 1'b0; mbox_err <= 1'b0;
            dstate <= D_IDLE;
            flt_valid <= 1'b0;
            perf_hi_latch <= 32'd0;
            for (i = 0; i < REGIONS; i = i + 1) begin
                rg_addr[i] <= 64'd0; rg_size[i] <= 32'd0; rg_flags[i] <= 4'd0;
            end
            for (i = 0; i < 16; i = i + 1)
                mbox_data[i] <= 32'd0;
            for (i = 0; i < 10; i = i + 1)
                pc[i] <= 64'd0;
            for (i = 0; i < 4; i = i + 1) begin
                tk[i] <= 4'd0; po_cnt[i] <= 4'd0;
            end
        end else begin
            // ---------------- register writes ----------------
            if (reg_go) begin
                reg_ack   <= 1'b1;
                reg_rdata <= rd_val;
                if (!reg_we && reg_addr >= DNPU_ENG_PERF_BASE[11:0] && reg_addr < PERF_END && !reg_addr[2])
                    perf_hi_latch <= pc[pf_sel][63:32];
            end
            if (wr_go) begin
                if (reg_addr >= DNPU_ENG_REGION_BASE[11:0] && reg_addr < REGION_END) begin
                    if (ri_ok)
                        case (reg_addr[3:2])
                        2'd0: rg_addr[ri_idx][31:0]  <= merge(rg_addr[ri_idx][31:0], reg_wdata, reg_wstrb);
                        2'd1: rg_addr[ri_idx][63:32] <= merge(rg_addr[ri_idx][63:32], reg_wdata, reg_wstrb);
                        2'd2: rg_size[ri_idx]        <= merge(rg_size[ri_idx], reg_wdata, reg_wstrb);
                        default: if (reg_wstrb[0]) rg_flags[ri_idx] <= reg_wdata[3:0];
                        endcase
                end else if (reg_addr >= DNPU_ENG_MBOX_DATA_BASE[11:0] && reg_addr < MBOX_END) begin
                    if (!mbox_busy)
                        mbox_data[md_sel] <= merge(mbox_data[md_sel], reg_wdata, reg_wstrb);
                end else begin
                    case (reg_addr)
                    DNPU_ENG_CTRL[11:0]: begin
                        if (reg_wdata[1]) begin
                            // ABORT: stop everything, no completion
                            flush   <= 1'b1;
                            stat_busy <= 1'b0;
                            dstate  <= D_IDLE;
                        end else if (reg_wdata[0] && !stat_busy) begin
                            stat_busy   <= 1'b1;
                            stat_done   <= 1'b0;
                            stat_fault  <= 1'b0;
                            wd_cnt    <= 42'd0;
                            d_idx     <= 32'd0;
                            d_off     <= {8'd0, cmd_offset};
                            w_valid   <= 1'b0;
                            for (i = 0; i < 4; i = i + 1)
                                po_cnt[i] <= 4'd0;
                            dstate <= D_FETCH;
                            if (cmd_count == 32'd0 || cmd_offset[5:0] != 6'd0)
                                dispatch_fault(DNPU_FAULT_BAD_DESC[3:0], cmd_region, cmd_offset);
                        end
                    end
                    DNPU_ENG_CMD_REGION[11:0]:   if (!stat_busy) cmd_region <= reg_wdata[3:0];
                    DNPU_ENG_CMD_OFFSET[11:0]:   if (!stat_busy) cmd_offset <= reg_wdata;
                    DNPU_ENG_CMD_COUNT[11:0]:    if (!stat_busy) cmd_count <= reg_wdata;
                    DNPU_ENG_REGION_COUNT[11:0]: if (!stat_busy) region_count <= reg_wdata;
                    DNPU_ENG_IRQ_PENDING[11:0]:  irq_pending <= irq_pending & ~reg_wdata[3:0];
                    DNPU_ENG_IRQ_ENABLE[11:0]:   irq_enable <= reg_wdata[3:0];
                    DNPU_ENG_CLOCK_GATE[11:0]:   clock_gate <= reg_wdata[0];
                    DNPU_ENG_WATCHDOG[11:0]:     watchdog <= reg_wdata;
                    DNPU_ENG_MBOX_ADDR_LO[11:0]: mbox_addr[31:0] <= reg_wdata;
                    DNPU_ENG_MBOX_ADDR_HI[11:0]: mbox_addr[63:32] <= reg_wdata;
                    DNPU_ENG_MBOX_CTRL[11:0]: if (!mbox_busy) begin
                        if (reg_wdata[6:0] < 7'd4 || reg_wdata[6:0] > 7'd64 ||
                            reg_wdata[1:0] != 2'd0) begin
                            mbox_err <= 1'b1;
                        end else begin
                            mbox_err  <= 1'b0;
                            mbox_busy <= 1'b1;
                            mb_start  <= 1'b1;
                            mb_write  <= reg_wdata[8];
                            mb_len    <= reg_wdata[6:0];
                            mb_pos    <= 7'd0;
                        end
                    end
                    default: ;
                    endcase
                end
            end

            // ---------------- interrupts ----------------
            if (doorbell)  irq_pending[0] <= 1'b1;
            if (timer_irq) irq_pending[3] <= 1'b1;

            // ---------------- mailbox ----------------
            if (mbox_busy) begin
                if (mb_snk_valid) begin
                    mbox_data[mb_pos[5:2]][{mb_pos[1:0], 3'b000} +: 8] <= mb_snk_data;
                    mb_pos <= mb_pos + 7'd1;
                end
                if (mb_push)
                    mb_pos <= mb_pos + 7'd1;
                if (mb_done) begin
                    mbox_busy <= 1'b0;
                    mbox_err  <= mb_fault;
                end
            end

            // ---------------- fetch buffer ----------------
            if (f_snk_valid)
                fbuf <= fbuf_in;

            // ---------------- runtime tokens ----------------
            if (start_go || flush) begin
                for (i = 0; i < 4; i = i + 1)
                    tk[i] <= 4'd0;
            end else begin
                tk[0] <= tk[0] + {3'd0, ld_push[1]} - {3'd0, cp_pop[0]};
                tk[1] <= tk[1] + {3'd0, cp_push[0]} - {3'd0, ld_pop[1]};
                tk[2] <= tk[2] + {3'd0, cp_push[1]} - {3'd0, st_pop[0]};
                tk[3] <= tk[3] + {3'd0, st_push[0]} - {3'd0, cp_pop[1]};
            end

            // ---------------- dispatcher ----------------
            case (dstate)
            D_FETCH: begin
                if (flt_valid) begin
                    dstate <= D_STOP;
                end else if (d_idx == cmd_count) begin
                    dispatch_fault(DNPU_FAULT_ILLEGAL_CMD[3:0], cmd_region, d_off_rep);
                end else if (!cmd_rg_ok) begin
                    dispatch_fault(DNPU_FAULT_REGION_INVALID[3:0], cmd_region, d_off_rep);
                end else if (!cmd_rg_flags[1]) begin
                    dispatch_fault(DNPU_FAULT_PERMISSION[3:0], cmd_region, d_off_rep);
                end else if (fetch_oob) begin
                    dispatch_fault(DNPU_FAULT_OUT_OF_BOUNDS[3:0], cmd_region, d_off_rep);
                end else if (w_hit) begin
                    cbuf   <= fbuf[w_slot*512 +: 512];
                    dstate <= D_DECODE;
                end else begin
                    f_n     <= blk_n;
                    f_start <= 1'b1;
                    dstate  <= D_FWAIT;
                end
            end
            D_FWAIT: if (f_done) begin
                if (f_fault && f_n != 3'd1) begin
                    // a later command of the block faulted the transfer:
                    // this one alone, so the fault is its own or none
                    f_n     <= 3'd1;
                    f_start <= 1'b1;
                end else if (f_fault) begin
                    dispatch_fault(f_cause, cmd_region, f_off);
                end else begin
                    w_valid <= 1'b1;
                    w_first <= d_idx;
                    w_n     <= f_n;
                    cbuf    <= fbuf[f_slot*512 +: 512];
                    dstate  <= D_DECODE;
                end
            end
            D_DECODE: begin
                d_q      <= q_of;
                d_is_end <= (op == DNPU_OP_END[7:0]);
                if (flt_valid)
                    dstate <= D_STOP;
                else if (illegal)
                    dispatch_fault(DNPU_FAULT_ILLEGAL_CMD[3:0], cmd_region, d_off_rep);
                else if (q_none)
                    dstate <= D_DRAIN;
                else if (token_bad)
                    dispatch_fault(DNPU_FAULT_TOKEN[3:0], cmd_region, d_off_rep);
                else
                    dstate <= D_DISPATCH;
            end
            D_DISPATCH: if (q_enq_ready[d_q]) begin
                // program-order token occupancy
                for (i = 0; i < 4; i = i + 1)
                    po_cnt[i] <= po_cnt[i]
                        - {3'd0, dep[0] && pf0 == i[1:0]} - {3'd0, dep[1] && pf1 == i[1:0]}
                        + {3'd0, dep[2] && uf0 == i[1:0]} + {3'd0, dep[3] && uf1 == i[1:0]};
                d_idx  <= d_idx + 32'd1;
                d_off  <= d_off + 40'd64;
                dstate <= D_FETCH;
            end
            D_DRAIN: begin
                if (flt_valid) begin
                    dstate <= D_STOP;
                end else if (all_idle) begin
                    if (d_is_end) begin
                        dstate <= D_END;
                    end else begin
                        d_idx  <= d_idx + 32'd1;
                        d_off  <= d_off + 40'd64;
                        dstate <= D_FETCH;
                    end
                end
            end
            D_STOP, D_END: if (all_idle && !f_busy) begin
                job_end <= 1'b1;
                dstate  <= D_IDLE;
            end
            default: ;
            endcase

            // ---------------- faults ----------------
            flt_valid  <= n_valid && !start_go;
            flt_idx    <= n_idx;
            flt_cause  <= n_cause;
            flt_region <= n_region;
            flt_offset <= n_offset;

            // ---------------- watchdog ----------------
            if (stat_busy)
                wd_cnt <= wd_cnt + 42'd1;
            if (wd_fire && dstate != D_IDLE) begin
                flush     <= 1'b1;
                dstate    <= D_IDLE;
                job_end   <= 1'b1;
                // the command that ran out of time is older than a fault
                // found further ahead: lowest index wins, as for faults
                if (!flt_valid || oldest < flt_idx) begin
                    flt_valid  <= 1'b1;
                    flt_idx    <= oldest;
                    flt_cause  <= DNPU_FAULT_TIMEOUT[3:0];
                    flt_region <= cmd_region;
                    flt_offset <= (oldest_off[39:32] != 8'd0) ? 32'hffffffff : oldest_off[31:0];
                end
            end

            // ---------------- job end ----------------
            if (job_end) begin
                stat_busy <= 1'b0;
                if (flt_valid) begin
                    stat_fault       <= 1'b1;
                    irq_pending[2] <= 1'b1;
                    fault_cause_r  <= {28'd0, flt_cause};
                    fault_region_r <= {28'd0, flt_region};
                    fault_offset_r <= flt_offset;
                    fault_cmd_r    <= flt_idx;
                end else begin
                    stat_done        <= 1'b1;
                    irq_pending[1] <= 1'b1;
                    fault_cause_r  <= 32'd0;
                    fault_region_r <= 32'd0;
                    fault_offset_r <= 32'd0;
                    fault_cmd_r    <= 32'd0;
                end
            end

            // ---------------- perf ----------------
            pc[0] <= pc[0] + 64'd1;
            if (stat_busy) pc[1] <= pc[1] + 64'd1;
            pc[2] <= pc[2] + {48'd0, c_macs_inc};
            pc[3] <= pc[3] + {48'd0, nm_ops_inc};
            pc[4] <= pc[4] + {48'd0, pf_rd_inc};
            pc[5] <= pc[5] + {48'd0, pf_wr_inc};
            pc[6] <= pc[6] + {48'd0, pf_sprd_inc};
            pc[7] <= pc[7] + {48'd0, pf_spwr_inc};
            if (c_array_busy) pc[8] <= pc[8] + 64'd1;
            if (job_end) pc[9] <= pc[9] + 64'd1;
        end
    end

    task dispatch_fault(input [3:0] cause, input [3:0] region, input [31:0] off);
        begin
            d_rep        <= 1'b1;
            d_rep_cause  <= cause;
            d_rep_region <= region;
            d_rep_offset <= off;
            dstate       <= D_STOP;
        end
    endtask
endmodule
`default_nettype wire

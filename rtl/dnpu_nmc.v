// Near-memory compute unit: NMC_ADD, NMC_POOL, NMC_MEAN and NMC_DWCONV
// (struct dnpu_cmd_nmc_*) on LANES channel-parallel lanes.
//
// A command is first checked like the C model's cm_compute_check (fields,
// then scratchpad spans and parameter records, in the model's order, with
// one shared multiplier); a faulting command changes nothing.
//
// Execution walks output vectors of LANES consecutive channels (c0 is the
// outermost loop, then output row and column) and, per vector, the taps of
// the window: one LANES-wide unaligned scratchpad read per tap and cycle
// (plus the matching weight vector for DWCONV), accumulated per lane. Then
// the vector is finished per lane (clamp; rounding division for AVG/MEAN;
// bias + MBQM for DWCONV; MBQM for MEAN) and written with a lane mask.
// ADD streams: A and B vectors on alternate cycles into dnpu_add_core,
// writes leave the pipeline ADD_LAT cycles later.
// DWCONV with a depth multiplier: lane l reads input channel (c0+l)/DM,
// i.e. byte (c0+l)/DM - c0/DM of the vector read at c0/DM; the offsets are
// computed once per channel vector while its parameter records load.
//
// Scratchpad ports follow dnpu_compute: reads return data the next cycle.
`default_nettype none
module dnpu_nmc #(
    parameter integer LANES    = 16,          // power of two, 2..128
    parameter [31:0]  SZ_IN    = 32'd16384,
    parameter [31:0]  SZ_WGT   = 32'd16384,
    parameter [31:0]  SZ_OUT   = 32'd8192,
    parameter [31:0]  SZ_PARAM = 32'd4096
) (
    input  wire                 clk,
    input  wire                 rst,
    input  wire                 start,
    input  wire [511:0]         cmd,
    input  wire [3:0]           cmd_region,
    input  wire [31:0]          cmd_off,
    input  wire                 kill,
    output wire                 busy,
    output reg                  done,
    output reg                  fault,
    output reg  [3:0]           fault_cause,
    output reg  [3:0]           fault_region,
    output reg  [31:0]          fault_offset,
    // scratchpads: LANES consecutive bytes from any byte address
    output reg                  in_re,
    output reg  [31:0]          in_raddr,
    input  wire [LANES*8-1:0]   in_rdata,
    output reg                  out_re,
    output reg  [31:0]          out_raddr,
    input  wire [LANES*8-1:0]   out_rdata,
    output reg                  wgt_re,
    output reg  [31:0]          wgt_raddr,
    input  wire [LANES*8-1:0]   wgt_rdata,
    output reg                  prm_re,
    output reg  [31:0]          prm_raddr,       // bytes, 4 B aligned
    input  wire [31:0]          prm_rdata,
    output reg                  dst_we,
    output reg                  dst_out,         // 1: OUT, 0: IN
    output reg  [31:0]          dst_addr,        // lane 0; lane i at +i
    output reg  [LANES*8-1:0]   dst_wdata,
    output reg  [LANES-1:0]     dst_wmask,
    // perf: NMC element operations this cycle (DNPU_PERF_NMC_OPS)
    output reg  [15:0]          ops_inc
);
`include "dnpu_hw_params.vh"
    localparam integer LB      = $clog2(LANES);
    localparam integer ADD_LAT = 11;               // dnpu_add_core
    localparam integer MQ_LAT  = 4;                // dnpu_mbqm
    localparam [31:0]  LANES32 = LANES;
    localparam [1:0] OP_ADD = 2'd0, OP_POOL = 2'd1, OP_MEAN = 2'd2, OP_DW = 2'd3;

    // ---------------------------------------------------------------
    // command fields (word indices as in struct dnpu_cmd_nmc_*)
    // ---------------------------------------------------------------
    reg [31:0] w [0:15];
    wire [7:0]  opc  = w[0][7:0];
    wire [1:0]  op   = opc[1:0];
    wire        op_ok = (opc == DNPU_OP_NMC_ADD[7:0]) || (opc == DNPU_OP_NMC_POOL[7:0]) ||
                        (opc == DNPU_OP_NMC_MEAN[7:0]) || (opc == DNPU_OP_NMC_DWCONV[7:0]);
    wire [15:0] flags = w[0][31:16];
    wire        avg   = w[0][16];
    // ADD
    wire [15:0] a_cols = w[1][15:0];
    wire [15:0] a_rows = w[1][31:16];
    wire [3:0]  a_sa = w[2][3:0], a_sb = w[2][7:4], a_sd = w[2][11:8];
    // POOL
    wire [15:0] p_ih = w[1][15:0], p_iw = w[1][31:16];
    wire [15:0] p_oh = w[2][15:0], p_ow = w[2][31:16];
    wire [31:0] p_c  = w[3];
    wire [7:0]  p_kh = w[4][7:0], p_kw = w[4][15:8], p_sh = w[4][23:16], p_sw = w[4][31:24];
    wire [15:0] p_pt = w[5][15:0], p_pl = w[5][31:16];
    wire [3:0]  p_ss = w[6][3:0], p_ds = w[6][11:8];
    // MEAN
    wire [15:0] m_h = w[1][15:0], m_w = w[1][31:16];
    wire [31:0] m_c = w[2];
    wire [3:0]  m_ss = w[3][3:0], m_ds = w[3][11:8];
    wire [15:0] m_izp = w[7][15:0], m_ozp = w[7][31:16];
    // DWCONV
    wire [15:0] d_oh = w[1][15:0], d_ow = w[1][31:16];
    wire [15:0] d_co = w[2][15:0], d_dm = w[2][31:16];
    wire [7:0]  d_kh = w[3][7:0], d_kw = w[3][15:8], d_sh = w[3][23:16], d_sw = w[3][31:24];
    wire [7:0]  d_dh = w[4][7:0], d_dw = w[4][15:8];
    wire [3:0]  d_ss = w[5][3:0], d_ds = w[5][11:8];
    wire [15:0] d_zp = w[12][15:0];

    function io_sp(input [3:0] sp);
        io_sp = (sp == DNPU_SPAD_IN[3:0]) || (sp == DNPU_SPAD_OUT[3:0]);
    endfunction
    function shift_bad(input [31:0] s);
        shift_bad = s[31] ? (s < 32'hffffffe1) : (s > 32'd31);
    endfunction
    function [31:0] io_size(input [3:0] sp);
        io_size = (sp == DNPU_SPAD_OUT[3:0]) ? SZ_OUT : SZ_IN;
    endfunction

    // depthwise: CI = CO / DM (sequential divide before the field checks)
    reg  [15:0] ci;              // quotient (shifts in from dividend)
    reg  [16:0] ci_rem;
    reg  [4:0]  ci_it;
    wire [16:0] ci_rn = {ci_rem[15:0], ci[15]};
    wire        ci_ge = ci_rn >= {1'b0, d_dm};

    // field checks of cm_compute_check (the engine also checks w0[15:12])
    reg bad;
    always @(*) begin
        bad = !op_ok || (w[0][15:12] != 4'd0);
        case (op)
        OP_ADD: bad = bad || flags != 16'd0 || a_cols == 16'd0 || a_rows == 16'd0 ||
                      w[2][31:12] != 20'd0 || !io_sp(a_sa) || !io_sp(a_sb) || !io_sp(a_sd) ||
                      w[9][1:0] != 2'd0 || w[10] != 32'd0 || w[11] != 32'd0 ||
                      w[12] != 32'd0 || w[13] != 32'd0 || w[14] != 32'd0 || w[15] != 32'd0;
        OP_POOL: bad = bad || flags[15:1] != 15'd0 || p_ih == 16'd0 || p_iw == 16'd0 ||
                       p_oh == 16'd0 || p_ow == 16'd0 || p_c == 32'd0 || p_kh == 8'd0 ||
                       p_kw == 8'd0 || p_sh == 8'd0 || p_sw == 8'd0 ||
                       (w[6] & 32'hfffff0f0) != 32'd0 || !io_sp(p_ss) || !io_sp(p_ds) ||
                       w[11][31:16] != 16'd0 || w[12] != 32'd0 || w[13] != 32'd0 ||
                       w[14] != 32'd0 || w[15] != 32'd0;
        OP_MEAN: bad = bad || flags != 16'd0 || m_h == 16'd0 || m_w == 16'd0 || m_c == 32'd0 ||
                       (w[3] & 32'hfffff0f0) != 32'd0 || !io_sp(m_ss) || !io_sp(m_ds) ||
                       shift_bad(w[9]) || w[10] == 32'd0 || w[11] != 32'd0 ||
                       w[12] != 32'd0 || w[13] != 32'd0 || w[14] != 32'd0 || w[15] != 32'd0;
        default: bad = bad || flags != 16'd0 || d_oh == 16'd0 || d_ow == 16'd0 ||
                       d_co == 16'd0 || d_dm == 16'd0 || ci_rem != 17'd0 || d_kh == 8'd0 ||
                       d_kw == 8'd0 || d_sh == 8'd0 || d_sw == 8'd0 || d_dh == 8'd0 ||
                       d_dw == 8'd0 || w[4][31:16] != 16'd0 ||
                       (w[5] & 32'hfffff0f0) != 32'd0 || !io_sp(d_ss) || !io_sp(d_ds) ||
                       w[11][1:0] != 2'd0 || w[13] != 32'd0 || w[14] != 32'd0 ||
                       w[15] != 32'd0;
        endcase
    end

    // ---------------------------------------------------------------
    // states
    // ---------------------------------------------------------------
    localparam [3:0] S_IDLE = 4'd0, S_DIVCI = 4'd1, S_CHECK = 4'd2, S_PRM = 4'd3,
                     S_VSETUP = 4'd4, S_TAP = 4'd5, S_ACCW = 4'd6, S_POST = 4'd7,
                     S_MQ = 4'd8, S_DIVLD = 4'd9, S_DIV = 4'd10, S_FIN = 4'd11,
                     S_DRAIN = 4'd12, S_DONE = 4'd13, S_FLUSH = 4'd14;
    reg [3:0] state;
    reg [4:0] cs;                // check step
    assign busy = (state != S_IDLE);

    // ---------------------------------------------------------------
    // checks: chk accumulates a span end (64 bits: no term can overflow)
    // ---------------------------------------------------------------
    reg  [63:0] chk;
    reg  [31:0] tmp;
    reg  [31:0] mul_a, mul_b;
    wire [63:0] prod = mul_a * mul_b;
    wire [31:0] ci32 = {16'd0, ci};
    always @(*) begin
        mul_a = 32'd0;
        mul_b = 32'd0;
        case (op)
        OP_ADD: case (cs)
            5'd1: begin mul_a = {16'd0, a_rows} - 32'd1; mul_b = w[4]; end
            5'd2: begin mul_a = {16'd0, a_rows} - 32'd1; mul_b = w[6]; end
            5'd3: begin mul_a = {16'd0, a_rows} - 32'd1; mul_b = w[8]; end
            default: ;
            endcase
        OP_POOL: case (cs)
            5'd1: begin mul_a = {16'd0, p_ih} - 32'd1; mul_b = w[8]; end
            5'd2: begin mul_a = {16'd0, p_iw}; mul_b = p_c; end
            5'd3: begin mul_a = {16'd0, p_oh} - 32'd1; mul_b = w[10]; end
            5'd4: begin mul_a = {16'd0, p_ow}; mul_b = p_c; end
            5'd5: begin mul_a = {24'd0, p_sh}; mul_b = w[8]; end
            5'd6: begin mul_a = {24'd0, p_sw}; mul_b = p_c; end
            5'd7: begin mul_a = {16'd0, p_pt}; mul_b = w[8]; end
            5'd8: begin mul_a = {16'd0, p_pl}; mul_b = p_c; end
            default: ;
            endcase
        OP_MEAN: case (cs)
            5'd1: begin mul_a = {16'd0, m_h} - 32'd1; mul_b = w[5]; end
            5'd2: begin mul_a = {16'd0, m_w}; mul_b = m_c; end
            default: ;
            endcase
        default: case (cs)
            5'd1: begin mul_a = {16'd0, d_oh} - 32'd1; mul_b = {24'd0, d_sh}; end
            5'd2: begin mul_a = tmp; mul_b = w[7]; end
            5'd3: begin mul_a = {24'd0, d_kh} - 32'd1; mul_b = {24'd0, d_dh}; end
            5'd4: begin mul_a = tmp; mul_b = w[7]; end
            5'd5: begin mul_a = {16'd0, d_ow} - 32'd1; mul_b = {24'd0, d_sw}; end
            5'd6: begin mul_a = tmp; mul_b = ci32; end
            5'd7: begin mul_a = {24'd0, d_kw} - 32'd1; mul_b = {24'd0, d_dw}; end
            5'd8: begin mul_a = tmp; mul_b = ci32; end
            5'd9: begin mul_a = {24'd0, d_kh}; mul_b = {24'd0, d_kw}; end
            5'd10: begin mul_a = tmp; mul_b = {16'd0, d_co}; end
            5'd11: begin mul_a = {16'd0, d_co}; mul_b = 32'd12; end
            5'd13: begin mul_a = {16'd0, d_oh} - 32'd1; mul_b = w[10]; end
            5'd14: begin mul_a = {16'd0, d_ow}; mul_b = {16'd0, d_co}; end
            5'd15: begin mul_a = {24'd0, d_sh}; mul_b = w[7]; end
            5'd16: begin mul_a = {24'd0, d_sw}; mul_b = ci32; end
            5'd17: begin mul_a = {24'd0, d_dh}; mul_b = w[7]; end
            5'd18: begin mul_a = {24'd0, d_dw}; mul_b = ci32; end
            default: ;
            endcase
        endcase
    end
    wire [63:0] chk_m1  = chk - 64'd1;
    wire [31:0] chk_rep = (chk_m1[63:32] != 32'd0) ? 32'hffffffff : chk_m1[31:0];

    // ADD parameters (struct dnpu_add_param), read during the check
    reg  [31:0] ap [0:11];
    reg  [3:0]  ai;
    // DWCONV parameter scan
    reg  [15:0] scan_j;
    reg         scan_v;

    // ---------------------------------------------------------------
    // loop state
    // ---------------------------------------------------------------
    reg  [31:0] nch;                  // channels (vector loop)
    reg  [15:0] npy, npx, nty, ntx;   // output rows/cols, taps
    reg  [31:0] c0;                   // first channel of the vector
    reg  [15:0] py, px, ty, tx;
    reg  [31:0] st_py, st_px, st_ty, st_tx;   // input address steps
    reg  [31:0] in0, in_row, in_pix, tap_row, tap;
    reg  [31:0] inb_row;              // ADD: B row
    reg  [31:0] out_row, out_pix;
    reg  [31:0] w_tap;                // DWCONV weight address (no c0)
    reg  [31:0] iy_pix, ix_pix;       // POOL: window origin (signed)
    reg  [15:0] cq;                   // DWCONV: c0 / DM (c0 % DM is r_run)
    reg  [LB:0] q_run;
    reg  [15:0] r_run;
    reg  [10:0] vs;                   // vector setup cycle
    reg  [1:0]  pk, pk_d;             // parameter word within the record
    reg  [LB-1:0] plane, plane_d;
    reg         prm_v;
    reg  [16:0] cnt;                  // POOL: valid taps of the window
    reg  [5:0]  div_it;
    reg  [4:0]  drain;

    wire [31:0] rem_ch = nch - c0;
    wire [15:0] vl     = (rem_ch > LANES32) ? LANES32[15:0] : rem_ch[15:0];   // lanes in use
    reg  [LANES-1:0] vmask;
    integer mi;
    always @(*)
        for (mi = 0; mi < LANES; mi = mi + 1)
            vmask[mi] = (rem_ch > mi);

    wire        last_tx = (tx + 16'd1 == ntx);
    wire        last_ty = (ty + 16'd1 == nty);
    wire [31:0] iy = iy_pix + {16'd0, ty};
    wire [31:0] ix = ix_pix + {16'd0, tx};
    wire        tap_ok = (op != OP_POOL) ||
                         (!iy[31] && iy < {16'd0, p_ih} && !ix[31] && ix < {16'd0, p_iw});
    wire [3:0]  src_sp = (op == OP_ADD) ? (ty[0] ? a_sb : a_sa) :
                         (op == OP_POOL) ? p_ss : (op == OP_MEAN) ? m_ss : d_ss;
    wire        src_out = (src_sp == DNPU_SPAD_OUT[3:0]);
    wire [31:0] src_addr = (op == OP_ADD) ? ((ty[0] ? inb_row : in_row) + c0) :
                           (op == OP_DW) ? (tap + {16'd0, cq}) : (tap + c0);
    wire [3:0]  dst_sp = (op == OP_ADD) ? a_sd : (op == OP_POOL) ? p_ds :
                         (op == OP_MEAN) ? m_ds : d_ds;
    wire [31:0] dst_pitch = (op == OP_ADD) ? w[8] : w[10];
    wire [31:0] divisor = (op == OP_POOL) ? {15'd0, cnt} : w[10];
    wire        div_skip = (divisor[31:1] == 31'd0);   // 0 (empty window) or 1

    // tap read tags: data of the read issued last cycle
    reg               tg_v, tg_first, tg_last, tg_ok, tg_out;
    reg  [31:0]       tg_daddr;
    reg  [LANES-1:0]  tg_mask;
    wire [LANES*8-1:0] src_q = tg_out ? out_rdata : in_rdata;

    // ADD write-address delay line, aligned with dnpu_add_core's output
    reg  [31:0]      dl_addr [0:ADD_LAT-1];
    reg  [LANES-1:0] dl_mask [0:ADD_LAT-1];

    // per-lane control
    wire add_feed = tg_v && tg_last && (op == OP_ADD);
    // DWCONV and POOL max stream like ADD: the last tap of a vector goes
    // straight into the finish (MBQM for DWCONV, a clamp for max) while the
    // next vector's taps are read
    wire stream   = (op == OP_ADD) || (op == OP_DW) || (op == OP_POOL && !avg);
    wire wr_ok    = (state == S_TAP) || (state == S_VSETUP) || (state == S_DRAIN);
    wire mq_go    = (op == OP_DW) ? (tg_v && tg_last) : ((state == S_POST) && (op == OP_MEAN));
    wire div_ld   = (state == S_DIVLD);
    wire div_step = (state == S_DIV) && (div_it != 6'd0);
    wire [LANES-1:0] add_ov;         // all lanes in step; lane 0 drives the write
    wire             add_ov_unused = ^add_ov[LANES-1:1];
    wire [LANES-1:0] mq_ov;
    wire [LANES*8-1:0] add_y;
    wire [LANES*8-1:0] fin_y;
    reg              prm_we;          // DWCONV record word for lane plane_d
    reg              lo_we;           // DWCONV lane offset for lane vs

    // ---------------------------------------------------------------
    // lanes
    // ---------------------------------------------------------------
    // One restoring-division step of a lane: {rr, dd} shift left by one,
    // the divisor subtracted from the remainder when it fits.
    function [64:0] div_iter;
        input [31:0] rr_i;
        input [32:0] dd_i;
        input [31:0] dvs;
        reg [32:0] di_rn;
        reg [31:0] di_sub;
        reg        di_ge;
        begin
            di_rn    = {rr_i, dd_i[32]};
            di_sub   = di_rn[31:0] - dvs;  // the remainder when di_ge (< divisor)
            di_ge    = di_rn >= {1'b0, dvs};
            div_iter = {di_ge ? di_sub : di_rn[31:0], dd_i[31:0], di_ge};
        end
    endfunction

    genvar gl;
    generate
        for (gl = 0; gl < LANES; gl = gl + 1) begin : g_lane
            reg  [31:0] acc;
            reg  [7:0]  a_hold;
            reg  [31:0] bias, mult, shift;
            reg  [LB-1:0] loff;
            reg  [31:0] mq_y;
            reg  [32:0] dd;
            reg  [31:0] rr;
            reg         neg;
            wire [7:0]  xa = src_q[gl*8 +: 8];
            wire [7:0]  xd = src_q[{loff, 3'b000} +: 8];
            wire [7:0]  wv = wgt_rdata[gl*8 +: 8];
            wire [31:0] xa32 = {{24{xa[7]}}, xa};
            wire [15:0] xw = $signed(xd) * $signed(wv);
            wire [31:0] base0 = tg_first ? ((op == OP_POOL && !avg) ? 32'hffffff80 : 32'd0) : acc;
            reg  [31:0] acc_next;     // acc after the tap arriving now
            always @(*) begin
                case (op)
                OP_POOL:
                    if (avg)
                        acc_next = base0 + (tg_ok ? xa32 : 32'd0);
                    else
                        acc_next = (tg_ok && $signed(xa32) > $signed(base0)) ? xa32 : base0;
                OP_MEAN: acc_next = base0 + xa32 - {{16{m_izp[15]}}, m_izp};
                default: acc_next = base0 + {{16{xw[15]}}, xw};
                endcase
            end
            always @(posedge clk) begin
                if (tg_v) begin
                    if (op == OP_ADD) begin
                        if (!tg_last)
                            a_hold <= xa;
                    end else begin
                        acc <= acc_next;
                    end
                end
                if (prm_we && plane_d == gl[LB-1:0]) begin
                    case (pk_d)
                    2'd0: bias <= prm_rdata;
                    2'd1: mult <= prm_rdata;
                    default: shift <= prm_rdata;
                    endcase
                end
                if (lo_we && vs[LB-1:0] == gl[LB-1:0])
                    loff <= q_run[LB-1:0];
            end

            dnpu_add_core u_add (
                .clk(clk), .rst(rst),
                .in1_offset(ap[0]), .in1_mult(ap[1]), .in1_shift(ap[2]),
                .in2_offset(ap[3]), .in2_mult(ap[4]), .in2_shift(ap[5]),
                .left_shift(ap[6]), .out_mult(ap[7]), .out_shift(ap[8]),
                .out_offset(ap[9]), .act_min(ap[10]), .act_max(ap[11]),
                .in_valid(add_feed), .in_a(a_hold), .in_b(xa),
                .out_valid(add_ov[gl]), .out_y(add_y[gl*8 +: 8]));

            wire [31:0] mq_out;
            dnpu_mbqm u_mbqm (
                .clk(clk), .rst(rst), .in_valid(mq_go),
                .in_x((op == OP_DW) ? acc_next + bias : acc),
                .in_mult((op == OP_DW) ? mult : w[8]),
                .in_shift((op == OP_DW) ? shift : w[9]),
                .out_valid(mq_ov[gl]), .out_y(mq_out));
            always @(posedge clk)
                if (mq_ov[gl])
                    mq_y <= mq_out;

            // rounding division: |v| + divisor/2, unsigned divide, sign back
            // (the step is a function so its logic sits under div_step)
            wire [31:0] dv   = (op == OP_POOL) ? acc : mq_y;
            wire [32:0] dabs = dv[31] ? (33'd0 - {1'b1, dv}) : {1'b0, dv};
            always @(posedge clk) begin
                if (div_ld) begin
                    neg <= dv[31];
                    dd  <= dabs + {2'd0, divisor[31:1]};
                    rr  <= 32'd0;
                end else if (div_step) begin
                    {rr, dd} <= div_iter(rr, dd, divisor);
                end
            end

            // finish: value in 36-bit signed, clamp, int8
            wire signed [35:0] q   = neg ? -$signed({3'd0, dd}) : $signed({3'd0, dd});
            wire [31:0]        dwv = mq_out + {{16{d_zp[15]}}, d_zp};
            reg  signed [35:0] fv, lo, hi;
            always @(*) begin
                case (op)
                OP_POOL: begin
                    fv = avg ? q : {{4{acc_next[31]}}, acc_next};
                    lo = {{28{w[11][7]}}, w[11][7:0]};
                    hi = {{28{w[11][15]}}, w[11][15:8]};
                end
                OP_MEAN: begin
                    fv = q + {{20{m_ozp[15]}}, m_ozp};
                    lo = -36'sd128;
                    hi = 36'sd127;
                end
                default: begin
                    fv = {{4{dwv[31]}}, dwv};
                    lo = {{28{w[12][23]}}, w[12][23:16]};
                    hi = {{28{w[12][31]}}, w[12][31:24]};
                end
                endcase
            end
            wire signed [35:0] fl = (fv < lo) ? lo : fv;
            wire signed [35:0] fc = (fl > hi) ? hi : fl;
            assign fin_y[gl*8 +: 8] = fc[7:0];   // within int8: one of fv, lo, hi
            wire        fc_unused = ^fc[35:8];
        end
    endgenerate

    // ---------------------------------------------------------------
    // scratchpad ports (combinational from the state)
    // ---------------------------------------------------------------
    wire [31:0] c0x12 = {c0[28:0], 3'b000} + {c0[29:0], 2'b00};
    always @(*) begin
        in_re = 1'b0;  in_raddr = src_addr;
        out_re = 1'b0; out_raddr = src_addr;
        wgt_re = 1'b0; wgt_raddr = w_tap + c0;
        prm_re = 1'b0; prm_raddr = 32'd0;
        prm_we = prm_v && (state == S_VSETUP);
        lo_we  = (state == S_VSETUP) && (vs < LANES32[10:0]);
        ops_inc = 16'd0;
        case (state)
        S_PRM: begin
            if (op == OP_ADD) begin
                prm_re    = (ai < 4'd12);
                prm_raddr = w[9] + {26'd0, ai, 2'b00};
            end else begin
                prm_re    = (scan_j != d_co);
                prm_raddr = w[11] + {13'd0, scan_j, 3'b000} + {14'd0, scan_j, 2'b00} + 32'd8;
            end
        end
        S_VSETUP: begin
            prm_re    = (vs < 11'd3 * LANES32[10:0]);
            prm_raddr = w[11] + c0x12 + {19'd0, vs, 2'b00};
        end
        S_TAP: begin
            in_re   = tap_ok && !src_out;
            out_re  = tap_ok && src_out;
            wgt_re  = (op == OP_DW);
            if (op != OP_ADD || ty[0])
                ops_inc = vl;
        end
        default: ;
        endcase
        dst_out = (dst_sp == DNPU_SPAD_OUT[3:0]);
        if (op == OP_ADD) begin
            dst_we    = add_ov[0] && wr_ok;
            dst_addr  = dl_addr[ADD_LAT-1];
            dst_wmask = dl_mask[ADD_LAT-1];
            dst_wdata = add_y;
        end else if (op == OP_DW) begin
            dst_we    = mq_ov[0] && wr_ok;
            dst_addr  = dl_addr[MQ_LAT-1];
            dst_wmask = dl_mask[MQ_LAT-1];
            dst_wdata = fin_y;
        end else if (stream) begin
            dst_we    = tg_v && tg_last && wr_ok;
            dst_addr  = tg_daddr;
            dst_wmask = tg_mask;
            dst_wdata = fin_y;
        end else begin
            dst_we    = (state == S_FIN);
            dst_addr  = out_pix + c0;
            dst_wmask = vmask;
            dst_wdata = fin_y;
        end
    end

    // ---------------------------------------------------------------
    // sequencer
    // ---------------------------------------------------------------
    integer k;
    always @(posedge clk) begin
        done   <= 1'b0;
        tg_v   <= 1'b0;
        scan_v <= 1'b0;
        prm_v  <= 1'b0;
        dl_addr[0] <= tg_daddr;
        dl_mask[0] <= tg_mask;
        for (k = 1; k < ADD_LAT; k = k + 1) begin
            dl_addr[k] <= dl_addr[k-1];
            dl_mask[k] <= dl_mask[k-1];
        end
        if (tg_v && op == OP_POOL)
            cnt <= (tg_first ? 17'd0 : cnt) + {16'd0, tg_ok};
        if (rst) begin
            state <= S_IDLE;
            fault <= 1'b0;
        end else if (kill && state != S_IDLE && state != S_FLUSH && state != S_DONE) begin
            // drop the command; in-flight lane pipelines drain unused
            state <= S_FLUSH;
            drain <= 5'd31;
        end else begin
            case (state)
            S_IDLE: if (start) begin
                for (k = 0; k < 16; k = k + 1)
                    w[k] <= cmd[32*k +: 32];
                fault  <= 1'b0;
                cs     <= 5'd0;
                ci     <= cmd[64 +: 16];
                ci_rem <= 17'd0;
                ci_it  <= 5'd16;
                state  <= (cmd[7:0] == DNPU_OP_NMC_DWCONV[7:0] && cmd[80 +: 16] != 16'd0)
                          ? S_DIVCI : S_CHECK;
            end
            S_DIVCI: begin
                ci     <= {ci[14:0], ci_ge};
                ci_rem <= ci_ge ? ci_rn - {1'b0, d_dm} : ci_rn;
                ci_it  <= ci_it - 5'd1;
                if (ci_it == 5'd1)
                    state <= S_CHECK;
            end
            S_CHECK: begin
                cs <= cs + 5'd1;
                if (cs == 5'd0) begin
                    if (bad)
                        illegal();
                end else case (op)
                OP_ADD: case (cs)
                    5'd1: chk <= {32'd0, w[3]} + prod + {48'd0, a_cols};
                    5'd2: begin
                        chk <= {32'd0, w[5]} + prod + {48'd0, a_cols};
                        if (chk > {32'd0, io_size(a_sa)}) range_fault(a_sa);
                    end
                    5'd3: begin
                        chk <= {32'd0, w[7]} + prod + {48'd0, a_cols};
                        if (chk > {32'd0, io_size(a_sb)}) range_fault(a_sb);
                    end
                    5'd4: begin
                        chk <= {32'd0, w[9]} + 64'd48;
                        if (chk > {32'd0, io_size(a_sd)}) range_fault(a_sd);
                    end
                    5'd5: begin
                        if (chk > {32'd0, SZ_PARAM}) begin
                            range_fault(DNPU_SPAD_PARAM[3:0]);
                        end else begin
                            ai    <= 4'd0;
                            state <= S_PRM;
                        end
                    end
                    default: begin   // back from S_PRM: add_param_read's checks
                        if (shift_bad(ap[2]) || shift_bad(ap[5]) || shift_bad(ap[8]) ||
                            ap[6] > 32'd31)
                            illegal();
                        else
                            start_loop();
                    end
                    endcase
                OP_POOL: case (cs)
                    5'd1: chk <= {32'd0, w[7]} + prod;
                    5'd2: chk <= chk + prod;
                    5'd3: begin
                        chk <= {32'd0, w[9]} + prod;
                        if (chk > {32'd0, io_size(p_ss)}) range_fault(p_ss);
                    end
                    5'd4: chk <= chk + prod;
                    5'd5: begin
                        st_py <= prod[31:0];
                        if (chk > {32'd0, io_size(p_ds)}) range_fault(p_ds);
                    end
                    5'd6: st_px <= prod[31:0];
                    5'd7: in0 <= w[7] - prod[31:0];
                    default: begin
                        in0 <= in0 - prod[31:0];
                        start_loop();
                    end
                    endcase
                OP_MEAN: case (cs)
                    5'd1: chk <= {32'd0, w[4]} + prod;
                    5'd2: chk <= chk + prod;
                    5'd3: begin
                        chk <= {32'd0, w[6]} + {32'd0, m_c};
                        if (chk > {32'd0, io_size(m_ss)}) range_fault(m_ss);
                    end
                    default: begin
                        if (chk > {32'd0, io_size(m_ds)}) range_fault(m_ds);
                        else start_loop();
                    end
                    endcase
                default: case (cs)
                    5'd1, 5'd3, 5'd5, 5'd7: tmp <= prod[31:0];
                    5'd2: chk <= {32'd0, w[6]} + prod;
                    5'd4, 5'd6: chk <= chk + prod;
                    5'd8: chk <= chk + prod + {48'd0, ci};
                    5'd9: begin
                        tmp <= prod[31:0];
                        if (chk > {32'd0, io_size(d_ss)}) range_fault(d_ss);
                    end
                    5'd10: chk <= {32'd0, w[8]} + prod;
                    5'd11: begin
                        chk <= {32'd0, w[11]} + prod;
                        if (chk > {32'd0, SZ_WGT}) range_fault(DNPU_SPAD_WGT[3:0]);
                    end
                    5'd12: begin
                        if (chk > {32'd0, SZ_PARAM}) begin
                            range_fault(DNPU_SPAD_PARAM[3:0]);
                        end else begin
                            scan_j <= 16'd0;
                            state  <= S_PRM;
                        end
                    end
                    5'd13: chk <= {32'd0, w[9]} + prod;
                    5'd14: chk <= chk + prod;
                    5'd15: begin
                        st_py <= prod[31:0];
                        if (chk > {32'd0, io_size(d_ds)}) range_fault(d_ds);
                    end
                    5'd16: st_px <= prod[31:0];
                    5'd17: st_ty <= prod[31:0];
                    default: begin
                        st_tx <= prod[31:0];
                        in0   <= w[6];
                        start_loop();
                    end
                    endcase
                endcase
            end
            S_PRM: begin
                if (op == OP_ADD) begin
                    ai <= ai + 4'd1;
                    if (ai != 4'd0)
                        ap[ai - 4'd1] <= prm_rdata;
                    if (ai == 4'd12) begin
                        cs    <= 5'd6;
                        state <= S_CHECK;
                    end
                end else begin
                    // every channel's shift must be in [-31, 31]
                    if (scan_j != d_co) begin
                        scan_j <= scan_j + 16'd1;
                        scan_v <= 1'b1;
                    end
                    if (scan_v && shift_bad(prm_rdata)) begin
                        illegal();
                    end else if (scan_j == d_co && !scan_v) begin
                        cs    <= 5'd13;
                        state <= S_CHECK;
                    end
                end
            end
            // DWCONV, per channel vector: parameter records, lane offsets
            S_VSETUP: begin
                vs    <= vs + 11'd1;
                prm_v <= prm_re;
                pk_d  <= pk;
                plane_d <= plane;
                if (prm_re) begin
                    if (pk == 2'd2) begin
                        pk    <= 2'd0;
                        plane <= plane + 1'b1;
                    end else begin
                        pk <= pk + 2'd1;
                    end
                end
                if (lo_we) begin
                    if (r_run + 16'd1 == d_dm) begin
                        r_run <= 16'd0;
                        q_run <= q_run + 1'b1;
                    end else begin
                        r_run <= r_run + 16'd1;
                    end
                end
                if (vs == 11'd3 * LANES32[10:0])
                    state <= S_TAP;
            end
            S_TAP: begin
                tg_v     <= 1'b1;
                tg_first <= (ty == 16'd0) && (tx == 16'd0);
                tg_last  <= last_ty && last_tx;
                tg_ok    <= tap_ok;
                tg_out   <= src_out;
                tg_daddr <= out_pix + c0;
                tg_mask  <= vmask;
                w_tap    <= w_tap + {16'd0, d_co};
                if (!last_tx) begin
                    tx  <= tx + 16'd1;
                    tap <= tap + st_tx;
                end else if (!last_ty) begin
                    tx      <= 16'd0;
                    ty      <= ty + 16'd1;
                    tap_row <= tap_row + st_ty;
                    tap     <= tap_row + st_ty;
                end else if (stream) begin
                    next_vector();
                end else begin
                    state <= S_ACCW;
                end
            end
            S_ACCW: state <= S_POST;
            S_POST: begin
                state <= (op == OP_MEAN) ? S_MQ : S_DIVLD;   // MEAN, POOL avg
            end
            S_MQ: if (mq_ov[0]) state <= S_DIVLD;     // MEAN
            S_DIVLD: begin
                div_it <= div_skip ? 6'd0 : 6'd33;
                state  <= S_DIV;
            end
            S_DIV: begin
                if (div_it == 6'd0)
                    state <= S_FIN;
                else
                    div_it <= div_it - 6'd1;
            end
            S_FIN: next_vector();
            S_DRAIN: begin
                drain <= drain - 5'd1;
                if (drain == 5'd0)
                    state <= S_DONE;
            end
            S_DONE: begin
                done  <= 1'b1;
                state <= S_IDLE;
            end
            S_FLUSH: begin
                drain <= drain - 5'd1;
                if (drain == 5'd0) begin
                    done  <= 1'b1;
                    state <= S_IDLE;
                end
            end
            default: state <= S_IDLE;
            endcase
        end
    end

    // first vector of the command
    task start_loop;
        begin
            c0 <= 32'd0;
            py <= 16'd0; px <= 16'd0; ty <= 16'd0; tx <= 16'd0;
            cq <= 16'd0; q_run <= {(LB+1){1'b0}}; r_run <= 16'd0;
            vs <= 11'd0; pk <= 2'd0; plane <= {LB{1'b0}};
            iy_pix <= 32'd0 - {16'd0, p_pt};
            ix_pix <= 32'd0 - {16'd0, p_pl};
            w_tap  <= w[8];
            case (op)
            OP_ADD: begin
                nch <= {16'd0, a_cols}; npy <= a_rows; npx <= 16'd1; nty <= 16'd2; ntx <= 16'd1;
                st_py <= w[4]; st_px <= 32'd0;
                in_row <= w[3]; inb_row <= w[5];
                out_row <= w[7]; out_pix <= w[7];
                state <= S_TAP;
            end
            OP_POOL: begin
                nch <= p_c; npy <= p_oh; npx <= p_ow; nty <= {8'd0, p_kh}; ntx <= {8'd0, p_kw};
                st_ty <= w[8]; st_tx <= p_c;
                state <= S_TAP;
            end
            OP_MEAN: begin
                nch <= m_c; npy <= 16'd1; npx <= 16'd1; nty <= m_h; ntx <= m_w;
                st_ty <= w[5]; st_tx <= m_c;
                out_row <= w[6]; out_pix <= w[6];
                state <= S_TAP;
            end
            default: begin
                nch <= {16'd0, d_co}; npy <= d_oh; npx <= d_ow; nty <= {8'd0, d_kh};
                ntx <= {8'd0, d_kw};
                state <= S_VSETUP;
            end
            endcase
            // POOL/DWCONV take in0 from the check steps; ADD/MEAN start here
            case (op)
            OP_ADD: begin in_pix <= w[3]; tap_row <= w[3]; tap <= w[3]; end
            OP_MEAN: begin
                in_row <= w[4]; in_pix <= w[4]; tap_row <= w[4]; tap <= w[4];
            end
            OP_POOL: begin
                in_row  <= in0 - prod[31:0]; in_pix <= in0 - prod[31:0];
                tap_row <= in0 - prod[31:0]; tap    <= in0 - prod[31:0];
                out_row <= w[9]; out_pix <= w[9];
            end
            default: begin
                in_row <= w[6]; in_pix <= w[6]; tap_row <= w[6]; tap <= w[6];
                out_row <= w[9]; out_pix <= w[9];
            end
            endcase
        end
    endtask

    // advance to the next output vector: column, row, channel block
    task next_vector;
        begin
            ty <= 16'd0; tx <= 16'd0;
            w_tap <= w[8];
            if (px + 16'd1 != npx) begin
                px      <= px + 16'd1;
                in_pix  <= in_pix + st_px;
                tap_row <= in_pix + st_px;
                tap     <= in_pix + st_px;
                out_pix <= out_pix + ((op == OP_POOL) ? p_c : {16'd0, d_co});
                ix_pix  <= ix_pix + {24'd0, p_sw};
                state   <= S_TAP;
            end else if (py + 16'd1 != npy) begin
                px      <= 16'd0;
                py      <= py + 16'd1;
                in_row  <= in_row + st_py;
                in_pix  <= in_row + st_py;
                tap_row <= in_row + st_py;
                tap     <= in_row + st_py;
                inb_row <= inb_row + w[6];
                out_row <= out_row + dst_pitch;
                out_pix <= out_row + dst_pitch;
                iy_pix  <= iy_pix + {24'd0, p_sh};
                ix_pix  <= 32'd0 - {16'd0, p_pl};
                state   <= S_TAP;
            end else if ({1'b0, c0} + {1'b0, LANES32} < {1'b0, nch}) begin
                c0 <= c0 + LANES32;
                px <= 16'd0; py <= 16'd0;
                iy_pix <= 32'd0 - {16'd0, p_pt};
                ix_pix <= 32'd0 - {16'd0, p_pl};
                cq    <= cq + {{(15-LB){1'b0}}, q_run};
                q_run <= {(LB+1){1'b0}};
                vs    <= 11'd0; pk <= 2'd0; plane <= {LB{1'b0}};
                case (op)
                OP_ADD: begin
                    in_row  <= w[3]; in_pix <= w[3]; tap_row <= w[3]; tap <= w[3];
                    inb_row <= w[5];
                    out_row <= w[7]; out_pix <= w[7];
                end
                OP_MEAN: begin
                    in_row <= w[4]; in_pix <= w[4]; tap_row <= w[4]; tap <= w[4];
                    out_row <= w[6]; out_pix <= w[6];
                end
                default: begin
                    in_row <= in0; in_pix <= in0; tap_row <= in0; tap <= in0;
                    out_row <= w[9]; out_pix <= w[9];
                end
                endcase
                state <= (op == OP_DW) ? S_VSETUP : S_TAP;
            end else begin
                drain <= 5'd15;
                state <= stream ? S_DRAIN : S_DONE;
            end
        end
    endtask

    task range_fault(input [3:0] sp);
        begin
            fault        <= 1'b1;
            fault_cause  <= DNPU_FAULT_SPAD_RANGE[3:0];
            fault_region <= sp;
            fault_offset <= chk_rep;
            state        <= S_DONE;
        end
    endtask

    task illegal;
        begin
            fault        <= 1'b1;
            fault_cause  <= DNPU_FAULT_ILLEGAL_CMD[3:0];
            fault_region <= cmd_region_l;
            fault_offset <= cmd_off_l;
            state        <= S_DONE;
        end
    endtask

    reg [3:0]  cmd_region_l;
    reg [31:0] cmd_off_l;
    always @(posedge clk)
        if (start && state == S_IDLE) begin
            cmd_region_l <= cmd_region;
            cmd_off_l    <= cmd_off;
        end
endmodule
`default_nettype wire

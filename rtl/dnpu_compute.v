// Compute-queue executor for CONV (on the systolic array) and PPU (the
// requant epilogue), struct dnpu_cmd_conv / dnpu_cmd_ppu.
//
// Every command is first checked like the C model's cm_compute_check
// (scratchpad spans, parameter records), in the same order, with one
// shared multiplier; a faulting command changes nothing.
//
// CONV, weight stationary: for each tile of COLS output channels and each
// (ky, kx, ROWS input channels) slice of the reduction, load the ROWS x COLS
// weight tile (one row per cycle), stream every output pixel's ROWS input
// bytes (one unaligned lane-read of IN per pixel per cycle) and
// read-add-write the COLS partial sums into ACC as they leave the array.
// Tiles are pipelined: a load side fills the array's idle weight bank
// while the stream side streams the current tile from the other, and the
// output side follows the tiles in flight through a small FIFO, so tiles
// follow each other every max(P, COLS + 3) cycles without draining.
// PPU: COLS lanes (one dnpu_ppu each). Per group of COLS output channels
// fetch their dnpu_chan_params (12*COLS contiguous bytes, PL per cycle),
// then stream the M rows: one COLS-wide ACC read, residual read and masked
// destination write per row and cycle, so the epilogue keeps pace with the
// array instead of costing a cycle per output element.
`default_nettype none
module dnpu_compute #(
    parameter integer ROWS     = 4,
    parameter integer COLS     = 4,
    parameter integer IL       = (ROWS > COLS) ? ROWS : COLS,
    parameter integer OL       = (COLS > 4) ? COLS : 4,
    parameter integer PL       = (COLS >= 16) ? 16 : ((COLS > 4) ? COLS : 4),
    parameter integer PPU_L    = COLS,    // PPU lanes: a power of two <= COLS
    parameter [31:0]  SZ_IN    = 32'd16384,
    parameter [31:0]  SZ_WGT   = 32'd16384,
    parameter [31:0]  SZ_ACC   = 32'd16384,   // bytes
    parameter [31:0]  SZ_OUT   = 32'd8192,
    parameter [31:0]  SZ_PARAM = 32'd4096
) (
    input  wire                clk,
    input  wire                rst,
    input  wire                start,
    input  wire [511:0]        cmd,
    input  wire [3:0]          cmd_region,
    input  wire [31:0]         cmd_off,
    input  wire                kill,
    output wire                busy,
    output reg                 done,
    output reg                 fault,
    output reg  [3:0]          fault_cause,
    output reg  [3:0]          fault_region,
    output reg  [31:0]         fault_offset,
    // scratchpads (all reads return data the next cycle)
    output reg                 in_re,
    output reg  [31:0]         in_raddr,
    input  wire [IL*8-1:0]     in_rdata,       // IL = max(ROWS, COLS) lanes
    output reg                 wgt_re,
    output reg  [31:0]         wgt_raddr,
    input  wire [COLS*8-1:0]   wgt_rdata,
    output reg                 acc_re,
    output reg  [31:0]         acc_raddr,      // words
    input  wire [COLS*32-1:0]  acc_rdata,
    output reg                 acc_we,
    output reg  [31:0]         acc_waddr,
    output reg  [COLS*32-1:0]  acc_wdata,
    output reg  [COLS-1:0]     acc_wmask,
    output reg                 out_re,
    output reg  [31:0]         out_raddr,
    input  wire [OL*8-1:0]     out_rdata,      // OL = max(COLS, 4) lanes
    output reg                 prm_re,
    output reg  [31:0]         prm_raddr,
    input  wire [PL*8-1:0]     prm_rdata,      // PL = max(4, min(16, COLS)) lanes
    output reg                 dst_we,
    output reg                 dst_out,        // 1: OUT, 0: IN
    output reg  [31:0]         dst_addr,
    output reg  [COLS*8-1:0]   dst_wdata,      // lane i at dst_addr + i
    output reg  [COLS-1:0]     dst_wmask,
    // perf
    output reg  [15:0]         macs_inc,
    output wire                array_busy
);
`include "dnpu_hw_params.vh"
    localparam integer RW = $clog2(ROWS);
    localparam integer PR = (12 * PPU_L + PL - 1) / PL;   // PARAM reads per channel group
    localparam [4:0]   PR5 = PR[4:0];

    // ---------------------------------------------------------------
    // command fields
    // ---------------------------------------------------------------
    reg [31:0] w [0:15];
    wire        is_conv = (w[0][7:0] == DNPU_OP_CONV[7:0]);
    wire        flag0   = w[0][16];   // CONV ACCUMULATE / PPU FUSE_ADD
    // CONV
    wire [15:0] c_oh = w[DNPU_CMD_CONV_OUT_HW_W][15:0];
    wire [15:0] c_ow = w[DNPU_CMD_CONV_OUT_HW_W][31:16];
    wire [15:0] c_n  = w[DNPU_CMD_CONV_NC_W][15:0];
    wire [15:0] c_c  = w[DNPU_CMD_CONV_NC_W][31:16];
    wire [7:0]  c_kh = w[DNPU_CMD_CONV_KERNEL_W][7:0];
    wire [7:0]  c_kw = w[DNPU_CMD_CONV_KERNEL_W][15:8];
    wire [31:0] c_in_base = w[DNPU_CMD_CONV_IN_BASE_W];
    wire [31:0] c_sx = w[DNPU_CMD_CONV_IN_SX_W];
    wire [31:0] c_sy = w[DNPU_CMD_CONV_IN_SY_W];
    wire [31:0] c_tx = w[DNPU_CMD_CONV_IN_TX_W];
    wire [31:0] c_ty = w[DNPU_CMD_CONV_IN_TY_W];
    wire [31:0] c_w_base = w[DNPU_CMD_CONV_W_BASE_W];
    wire [31:0] c_w_pitch = w[DNPU_CMD_CONV_W_PITCH_W];
    wire [31:0] c_acc_base = w[DNPU_CMD_CONV_ACC_BASE_W];
    wire [31:0] c_acc_pitch = w[DNPU_CMD_CONV_ACC_PITCH_W];
    // PPU
    wire [15:0] p_m = w[DNPU_CMD_PPU_MN_W][15:0];
    wire [15:0] p_n = w[DNPU_CMD_PPU_MN_W][31:16];
    wire [31:0] p_acc_base = w[DNPU_CMD_PPU_ACC_BASE_W];
    wire [31:0] p_acc_pitch = w[DNPU_CMD_PPU_ACC_PITCH_W];
    wire [31:0] p_param_base = w[DNPU_CMD_PPU_PARAM_BASE_W];
    wire [3:0]  p_dst_sp = w[DNPU_CMD_PPU_DST_W][3:0];
    wire [31:0] p_dst_base = w[DNPU_CMD_PPU_DST_BASE_W];
    wire [31:0] p_dst_pitch = w[DNPU_CMD_PPU_DST_PITCH_W];
    wire [31:0] p_quant = w[DNPU_CMD_PPU_QUANT_W];
    wire [3:0]  p_res_sp = w[DNPU_CMD_PPU_RES_W][3:0];
    wire [31:0] p_res_base = w[DNPU_CMD_PPU_RES_BASE_W];
    wire [31:0] p_res_pitch = w[DNPU_CMD_PPU_RES_PITCH_W];
    wire [31:0] p_add_param = w[DNPU_CMD_PPU_ADD_PARAM_W];
    wire [31:0] p_dst_size = (p_dst_sp == DNPU_SPAD_IN[3:0]) ? SZ_IN : SZ_OUT;
    wire [31:0] p_res_size = (p_res_sp == DNPU_SPAD_IN[3:0]) ? SZ_IN : SZ_OUT;

    // ---------------------------------------------------------------
    // states
    // ---------------------------------------------------------------
    localparam [3:0] S_IDLE = 4'd0, S_CHECK = 4'd1, S_SCAN = 4'd2, S_ADDP = 4'd3,
                     S_SWAIT = 4'd4, S_STREAM = 4'd5, S_DRAIN = 4'd6,
                     S_PPARAM = 4'd8, S_PELEM = 4'd9, S_PDRAIN = 4'd10,
                     S_DONE = 4'd11, S_FLUSH = 4'd12;
    reg [3:0] state;
    reg [3:0] cs;            // check step
    assign busy = (state != S_IDLE);
    assign array_busy = (state == S_SWAIT) || (state == S_STREAM) || (state == S_DRAIN);

    // ---------------------------------------------------------------
    // checks: chk accumulates a span end; one multiply per step
    // ---------------------------------------------------------------
    reg  [67:0] chk;
    reg  [31:0] tmp;
    reg  [31:0] mul_a, mul_b;
    wire [63:0] prod = mul_a * mul_b;
    always @(*) begin
        mul_a = 32'd0;
        mul_b = 32'd0;
        if (is_conv) begin
            case (cs)
            4'd0: begin mul_a = {16'd0, c_oh} - 32'd1; mul_b = c_sy; end
            4'd1: begin mul_a = {16'd0, c_ow} - 32'd1; mul_b = c_sx; end
            4'd2: begin mul_a = {24'd0, c_kh} - 32'd1; mul_b = c_ty; end
            4'd3: begin mul_a = {24'd0, c_kw} - 32'd1; mul_b = c_tx; end
            4'd5: begin mul_a = {24'd0, c_kh}; mul_b = {24'd0, c_kw}; end
            4'd6: begin mul_a = tmp; mul_b = {16'd0, c_c}; end
            4'd7: begin mul_a = tmp - 32'd1; mul_b = c_w_pitch; end
            4'd9: begin mul_a = {16'd0, c_oh}; mul_b = {16'd0, c_ow}; end
            4'd10: begin mul_a = tmp - 32'd1; mul_b = c_acc_pitch; end
            default: ;
            endcase
        end else begin
            case (cs)
            4'd0: begin mul_a = {16'd0, p_m} - 32'd1; mul_b = p_acc_pitch; end
            4'd2: begin mul_a = {16'd0, p_n}; mul_b = 32'd12; end
            4'd5: begin mul_a = {16'd0, p_m} - 32'd1; mul_b = p_dst_pitch; end
            4'd7: begin mul_a = {16'd0, p_m} - 32'd1; mul_b = p_res_pitch; end
            default: ;
            endcase
        end
    end
    wire [67:0] prod68  = {4'd0, prod};
    wire [67:0] chk_m1  = chk - 68'd1;
    wire [31:0] chk_rep = (chk_m1[67:32] != 36'd0) ? 32'hffffffff : chk_m1[31:0];

    function shift_bad(input [31:0] s);
        shift_bad = s[31] ? (s < 32'hffffffe1) : (s > 32'd31);
    endfunction

    // ---------------------------------------------------------------
    // CONV state
    // ---------------------------------------------------------------
    // load side: the next tile to load (n0 outermost, then ky, kx, c0)
    reg  [15:0] n0, c0;
    reg  [7:0]  ky, kx;
    reg  [31:0] ky_off, kx_off;
    reg  [31:0] w_addr;
    reg         l_busy;                  // loading a tile
    reg         l_more;                  // tiles left to load
    reg         lb;                      // bank it loads into
    reg  [RW:0] wi;                      // weight row being loaded
    wire [16:0] c_left = {1'b0, c_c} - {1'b0, c0};
    wire [16:0] n_left = {1'b0, c_n} - {1'b0, n0};
    wire [16:0] vr = (c_left > ROWS[16:0]) ? ROWS[16:0] : c_left;   // valid rows
    wire [16:0] vc = (n_left > COLS[16:0]) ? COLS[16:0] : n_left;   // valid cols
    wire        first_k = (ky == 8'd0) && (kx == 8'd0) && (c0 == 16'd0);
    wire        last_tile = ({1'b0, c0} + ROWS[16:0] >= {1'b0, c_c}) &&
                            (kx + 8'd1 == c_kw) && (ky + 8'd1 == c_kh) &&
                            ({1'b0, n0} + COLS[16:0] >= {1'b0, c_n});
    // per bank: a loaded tile waiting for / in its stream, and how long the
    // bank's last vectors still occupy the array
    reg  [1:0]  t_v;
    reg  [31:0] t_in   [0:1];            // IN address of the tile's first pixel
    reg  [8:0]  t_vr   [0:1];
    reg  [8:0]  t_vc   [0:1];
    reg  [15:0] t_n0   [0:1];
    reg  [1:0]  t_keep, t_last;
    reg  [7:0]  b_free [0:1];            // cycles until the bank may be rewritten
    // stream side
    reg         sb;                      // bank being streamed
    reg  [31:0] s_in;
    reg  [8:0]  s_vr, s_vc;
    reg         s_last;
    reg  [31:0] oy_off, ox_off;
    reg  [15:0] oy, ox;
    reg  [31:0] outstanding;
    // output side: tiles in flight (FIFO of 4), pixel position
    reg  [15:0] f_n0   [0:3];
    reg  [8:0]  f_vc   [0:3];
    reg  [3:0]  f_keep;
    reg  [1:0]  f_rd, f_wr;
    reg  [2:0]  f_cnt;
    reg  [31:0] acc_off_out;             // pixel * acc_pitch, output side
    reg  [31:0] o_px;
    wire [31:0] n_px = {16'd0, c_oh} * {16'd0, c_ow};
    wire        tile_ready = t_v[sb] && (f_cnt != 3'd4);
    wire        vrc_unused = vr[16] ^ (^vc[16:9]) ^ s_vc[8];   // <= 255 rows/cols
    wire        s_end = (ox + 16'd1 == c_ow) && (oy + 16'd1 == c_oh);

    // array
    reg                 a_wload;
    reg  [RW-1:0]       a_wrow;
    reg                 a_wbank;
    reg                 a_wrow_valid;
    reg  [8:0]          a_wvc;
    reg                 a_in_valid;
    reg                 a_sel;
    reg  [8:0]          a_vr;
    wire                a_out_valid;
    wire [COLS*32-1:0]  a_out_y;
    reg  [COLS*8-1:0]   a_wdata;
    reg  [ROWS*8-1:0]   a_xdata;
    integer li;
    always @(*) begin
        for (li = 0; li < COLS; li = li + 1)
            a_wdata[li*8 +: 8] = (a_wrow_valid && li < a_wvc) ? wgt_rdata[li*8 +: 8] : 8'd0;
        for (li = 0; li < ROWS; li = li + 1)
            a_xdata[li*8 +: 8] = (li < a_vr) ? in_rdata[li*8 +: 8] : 8'd0;
    end
    dnpu_array #(.ROWS(ROWS), .COLS(COLS)) u_array (
        .clk(clk), .rst(rst || state == S_IDLE),
        .w_load(a_wload), .w_row(a_wrow), .w_bank(a_wbank), .w_data(a_wdata),
        .in_valid(a_in_valid), .in_sel(a_sel), .in_x(a_xdata),
        .out_valid(a_out_valid), .out_y(a_out_y));

    // output side: stage A reads ACC, stage B adds and writes
    reg                b_valid;
    reg [COLS*32-1:0]  b_psum;
    reg [31:0]         b_addr;
    reg                b_keep;       // add the old ACC value
    reg [8:0]          b_vc;
    integer bj;
    always @(*) begin
        acc_wdata = {COLS*32{1'b0}};
        acc_wmask = {COLS{1'b0}};
        for (bj = 0; bj < COLS; bj = bj + 1) begin
            acc_wdata[bj*32 +: 32] = b_psum[bj*32 +: 32] +
                                     (b_keep ? acc_rdata[bj*32 +: 32] : 32'd0);
            acc_wmask[bj] = (bj < b_vc);
        end
        acc_we    = b_valid && is_conv;
        acc_waddr = b_addr;
    end

    // ---------------------------------------------------------------
    // PPU state
    // ---------------------------------------------------------------
    reg  [15:0]  pm, pn;                 // input side row, first channel of the group
    reg  [31:0]  p_acc_row, p_res_row;   // pm * pitch
    reg  [4:0]   pp;                     // parameter read of the group
    reg  [PR*PL*8-1:0] pblk;             // the group's dnpu_chan_params
    reg  [383:0] add_prm;
    reg  [3:0]   ai;                     // add-param word index
    wire [3:0]   ai_m1 = ai - 4'd1;
    reg          feed;                   // PPU input next cycle
    reg  [15:0]  om, on;                 // output side element
    reg  [31:0]  o_dst_row;
    reg  [15:0]  scan_j;
    reg          scan_v;                 // prm_rdata holds a word to check
    wire [PPU_L-1:0]   ppu_out_valid;
    wire [PPU_L*8-1:0] ppu_out_y;
    wire [16:0]  on_left = {1'b0, p_n} - {1'b0, on};
    wire [16:0]  von = (on_left > PPU_L[16:0]) ? PPU_L[16:0] : on_left;   // valid output lanes
    wire         res_in = (p_res_sp == DNPU_SPAD_IN[3:0]);

    genvar pl;
    generate
        for (pl = 0; pl < PPU_L; pl = pl + 1) begin : g_ppu
            dnpu_ppu u_ppu (
                .clk(clk), .rst(rst || state == S_IDLE),
                .cfg_out_zp(p_quant[15:0]), .cfg_act_min(p_quant[23:16]),
                .cfg_act_max(p_quant[31:24]),
                .cfg_fuse_add(flag0), .cfg_add_param(add_prm),
                .in_valid(feed), .in_acc(acc_rdata[pl*32 +: 32]),
                .in_bias(pblk[pl*96 +: 32]), .in_mult(pblk[pl*96 + 32 +: 32]),
                .in_shift(pblk[pl*96 + 64 +: 32]),
                .in_res(res_in ? in_rdata[pl*8 +: 8] : out_rdata[pl*8 +: 8]),
                .out_valid(ppu_out_valid[pl]), .out_y(ppu_out_y[pl*8 +: 8]));
        end
    endgenerate

    integer dl;
    always @(*) begin
        dst_we    = ppu_out_valid[0] && !is_conv && (state == S_PELEM || state == S_PPARAM || state == S_PDRAIN);
        dst_out   = (p_dst_sp == DNPU_SPAD_OUT[3:0]);
        dst_addr  = p_dst_base + o_dst_row + {16'd0, on};
        dst_wdata = {COLS*8{1'b0}};
        dst_wdata[PPU_L*8-1:0] = ppu_out_y;
        for (dl = 0; dl < COLS; dl = dl + 1)
            dst_wmask[dl] = (dl < von);
    end
    wire ppu_valid_unused = ^ppu_out_valid;
    // lanes beyond the array rows and the PPU lanes are not read
    wire rd_lanes_unused = ^{in_rdata, out_rdata};
    // the next PARAM read enters at the top of the record block
    wire [(PR+1)*PL*8-1:0] pblk_in = {prm_rdata, pblk} >> (PL*8);
    wire [PL*8-1:0] pblk_top_unused = pblk_in[(PR+1)*PL*8-1:PR*PL*8];

    // ---------------------------------------------------------------
    // scratchpad read requests (combinational from the state)
    // ---------------------------------------------------------------
    always @(*) begin
        in_re = 1'b0;   in_raddr = 32'd0;
        wgt_re = 1'b0;  wgt_raddr = w_addr;
        acc_re = 1'b0;  acc_raddr = 32'd0;
        out_re = 1'b0;  out_raddr = 32'd0;
        prm_re = 1'b0;  prm_raddr = 32'd0;
        case (state)
        S_SCAN: begin
            prm_re    = (scan_j != p_n);
            prm_raddr = p_param_base + {13'd0, scan_j, 3'd0} + {14'd0, scan_j, 2'd0} + 32'd8;
        end
        S_ADDP: begin
            prm_re    = 1'b1;
            prm_raddr = p_add_param + {26'd0, ai, 2'd0};
        end
        S_STREAM: begin
            in_re    = 1'b1;
            in_raddr = s_in + oy_off + ox_off;
        end
        S_PPARAM: begin
            prm_re    = (pp < PR5);
            prm_raddr = p_param_base + {13'd0, pn, 3'd0} + {14'd0, pn, 2'd0} + {27'd0, pp} * PL;
        end
        S_PELEM: begin
            acc_re    = 1'b1;
            acc_raddr = p_acc_base + p_acc_row + {16'd0, pn};
            if (flag0) begin
                in_re     = (p_res_sp == DNPU_SPAD_IN[3:0]);
                out_re    = (p_res_sp == DNPU_SPAD_OUT[3:0]);
                in_raddr  = p_res_base + p_res_row + {16'd0, pn};
                out_raddr = p_res_base + p_res_row + {16'd0, pn};
            end
        end
        default: ;
        endcase
        // CONV weight loads (beside the stream)
        if (is_conv && l_busy)
            wgt_re = ({{(16-RW){1'b0}}, wi[RW-1:0]} < vr[15:0]) && !wi[RW];
        // CONV output stage A
        if (is_conv && a_out_valid) begin
            acc_re    = 1'b1;
            acc_raddr = c_acc_base + acc_off_out + {16'd0, f_n0[f_rd]};
        end
    end

    // ---------------------------------------------------------------
    // sequencer
    // ---------------------------------------------------------------
    reg [5:0] flush_cnt;
    integer k;
    always @(posedge clk) begin
        done       <= 1'b0;
        a_wload    <= 1'b0;
        a_in_valid <= 1'b0;
        feed       <= 1'b0;
        b_valid    <= 1'b0;
        macs_inc   <= 16'd0;
        scan_v     <= 1'b0;
        if (rst) begin
            state <= S_IDLE;
            fault <= 1'b0;
        end else if (kill && state != S_IDLE && state != S_FLUSH && state != S_DONE) begin
            // drop the command; let in-flight pipeline outputs drain unused
            state     <= S_FLUSH;
            flush_cnt <= 6'd63;
        end else begin
            case (state)
            S_IDLE: if (start) begin
                for (k = 0; k < 16; k = k + 1)
                    w[k] <= cmd[32*k +: 32];
                fault <= 1'b0;
                cs    <= 4'd0;
                state <= S_CHECK;
            end
            S_CHECK: begin
                cs <= cs + 4'd1;
                if (is_conv) begin
                    case (cs)
                    4'd0: chk <= {36'd0, c_in_base} + prod68;
                    4'd1, 4'd2, 4'd3: chk <= chk + prod68;
                    4'd4: chk <= chk + {52'd0, c_c};
                    4'd5: begin
                        tmp <= prod[31:0];
                        if (chk > {36'd0, SZ_IN}) range_fault(DNPU_SPAD_IN[3:0]);
                    end
                    4'd6: tmp <= prod[31:0];
                    4'd7: chk <= {36'd0, c_w_base} + prod68;
                    4'd8: chk <= chk + {52'd0, c_n};
                    4'd9: begin
                        tmp <= prod[31:0];
                        if (chk > {36'd0, SZ_WGT}) range_fault(DNPU_SPAD_WGT[3:0]);
                    end
                    4'd10: chk <= {36'd0, c_acc_base} + prod68;
                    4'd11: chk <= {(chk[65:0] + {50'd0, c_n}), 2'b00};
                    default: begin
                        if (chk > {36'd0, SZ_ACC}) begin
                            range_fault(DNPU_SPAD_ACC[3:0]);
                        end else begin
                            // load side starts with the first tile
                            n0 <= 16'd0; c0 <= 16'd0; ky <= 8'd0; kx <= 8'd0;
                            ky_off <= 32'd0; kx_off <= 32'd0;
                            w_addr <= c_w_base;
                            l_busy <= 1'b0; l_more <= 1'b1; lb <= 1'b0;
                            t_v <= 2'b00; b_free[0] <= 8'd0; b_free[1] <= 8'd0;
                            sb <= 1'b0;
                            f_rd <= 2'd0; f_wr <= 2'd0; f_cnt <= 3'd0;
                            acc_off_out <= 32'd0; o_px <= 32'd0;
                            outstanding <= 32'd0;
                            state <= S_SWAIT;
                        end
                    end
                    endcase
                end else begin
                    case (cs)
                    4'd0: chk <= {36'd0, p_acc_base} + prod68;
                    4'd1: chk <= {(chk[65:0] + {50'd0, p_n}), 2'b00};
                    4'd2: begin
                        chk <= {36'd0, p_param_base} + prod68;
                        if (chk > {36'd0, SZ_ACC}) range_fault(DNPU_SPAD_ACC[3:0]);
                    end
                    4'd3: begin
                        if (chk > {36'd0, SZ_PARAM}) begin
                            range_fault(DNPU_SPAD_PARAM[3:0]);
                        end else begin
                            scan_j <= 16'd0;
                            state  <= S_SCAN;
                        end
                    end
                    // 4: back from S_SCAN
                    4'd5: chk <= {36'd0, p_dst_base} + prod68;
                    4'd6: chk <= chk + {52'd0, p_n};
                    4'd7: begin
                        chk <= {36'd0, p_res_base} + prod68;
                        if (chk > {36'd0, p_dst_size}) range_fault(p_dst_sp);
                        else if (!flag0) start_ppu();
                    end
                    4'd8: chk <= chk + {52'd0, p_n};
                    4'd9: begin
                        chk <= {36'd0, p_add_param} + 68'd48;
                        if (chk > {36'd0, p_res_size}) range_fault(p_res_sp);
                    end
                    4'd10: begin
                        if (chk > {36'd0, SZ_PARAM}) begin
                            range_fault(DNPU_SPAD_PARAM[3:0]);
                        end else begin
                            ai    <= 4'd0;
                            state <= S_ADDP;
                        end
                    end
                    // back from S_ADDP: the C model's add_param_read checks
                    4'd11: begin
                        if (shift_bad(add_prm[32*DNPU_ADD_PARAM_IN1_SHIFT_W +: 32]) ||
                            shift_bad(add_prm[32*DNPU_ADD_PARAM_IN2_SHIFT_W +: 32]) ||
                            shift_bad(add_prm[32*DNPU_ADD_PARAM_OUT_SHIFT_W +: 32]) ||
                            add_prm[32*DNPU_ADD_PARAM_LEFT_SHIFT_W +: 32] > 32'd31)
                            illegal();
                        else
                            start_ppu();
                    end
                    default: ;
                    endcase
                end
            end
            // every channel's shift must be in [-31, 31]
            S_SCAN: begin
                if (scan_j != p_n) begin
                    scan_j <= scan_j + 16'd1;
                    scan_v <= 1'b1;
                end
                if (scan_v && shift_bad(prm_rdata[31:0])) begin
                    illegal();
                end else if (scan_j == p_n && !scan_v) begin
                    cs    <= 4'd5;
                    state <= S_CHECK;
                end
            end
            // fused-add parameters: load all 12 words, then check them
            S_ADDP: begin
                ai <= ai + 4'd1;
                if (ai != 4'd0)
                    add_prm[32*ai_m1 +: 32] <= prm_rdata[31:0];
                if (ai == 4'd12) begin
                    cs    <= 4'd11;
                    state <= S_CHECK;
                end
            end
            // ---------------- CONV ----------------
            S_SWAIT: begin
                outstanding <= outstanding - {31'd0, b_valid};
                if (tile_ready)
                    start_stream();
            end
            S_STREAM: begin
                a_in_valid  <= 1'b1;
                a_sel       <= sb;
                a_vr        <= s_vr;
                outstanding <= outstanding + 32'd1 - {31'd0, b_valid};
                macs_inc    <= s_vr[7:0] * s_vc[7:0];
                if (ox + 16'd1 == c_ow) begin
                    ox <= 16'd0; ox_off <= 32'd0;
                    oy <= oy + 16'd1; oy_off <= oy_off + c_sy;
                end else begin
                    ox <= ox + 16'd1; ox_off <= ox_off + c_sx;
                end
                if (s_end) begin
                    sb <= !sb;
                    if (s_last)
                        state <= S_DRAIN;
                    else if (t_v[!sb] && f_cnt != 3'd4)
                        start_stream_bank(!sb);
                    else
                        state <= S_SWAIT;
                end
            end
            S_DRAIN: begin
                outstanding <= outstanding - {31'd0, b_valid};
                if (outstanding == 32'd0 && !b_valid && !a_in_valid)
                    state <= S_DONE;
            end
            // ---------------- PPU ----------------
            // the group's records arrive one PARAM read after another;
            // the previous group's last element was fed at pp == 0
            S_PPARAM: begin
                pp <= pp + 5'd1;
                if (pp != 5'd0)
                    pblk <= pblk_in[PR*PL*8-1:0];
                if (pp == PR5)
                    state <= S_PELEM;
            end
            S_PELEM: begin
                feed <= 1'b1;
                outstanding <= outstanding + 32'd1 - {31'd0, dst_we};
                if (pm + 16'd1 == p_m) begin
                    pm <= 16'd0; p_acc_row <= 32'd0; p_res_row <= 32'd0;
                    if ({1'b0, pn} + PPU_L[16:0] >= {1'b0, p_n}) begin
                        state <= S_PDRAIN;
                    end else begin
                        pn <= pn + PPU_L[15:0];
                        pp <= 5'd0;
                        state <= S_PPARAM;
                    end
                end else begin
                    pm <= pm + 16'd1;
                    p_acc_row <= p_acc_row + p_acc_pitch;
                    p_res_row <= p_res_row + p_res_pitch;
                end
            end
            S_PDRAIN: begin
                outstanding <= outstanding - {31'd0, dst_we};
                if (outstanding == 32'd0 && !feed)
                    state <= S_DONE;
            end
            S_DONE: begin
                done  <= 1'b1;
                state <= S_IDLE;
            end
            S_FLUSH: begin
                flush_cnt <= flush_cnt - 6'd1;
                if (flush_cnt == 6'd0) begin
                    done  <= 1'b1;
                    state <= S_IDLE;
                end
            end
            default: state <= S_IDLE;
            endcase

            if (state == S_PPARAM)
                outstanding <= outstanding - {31'd0, dst_we};

            // CONV output stage A -> B: the FIFO head is the oldest tile
            if (is_conv && a_out_valid && state != S_FLUSH) begin
                b_valid <= 1'b1;
                b_psum  <= a_out_y;
                b_addr  <= acc_raddr;
                b_keep  <= f_keep[f_rd];
                b_vc    <= f_vc[f_rd];
                if (o_px + 32'd1 == n_px) begin
                    o_px        <= 32'd0;
                    acc_off_out <= 32'd0;
                    f_rd        <= f_rd + 2'd1;
                end else begin
                    o_px        <= o_px + 32'd1;
                    acc_off_out <= acc_off_out + c_acc_pitch;
                end
            end
            if (is_conv && (state == S_SWAIT || state == S_STREAM || state == S_DRAIN)) begin
                // FIFO occupancy: +1 per stream start, -1 per finished tile
                f_cnt <= f_cnt + {2'd0, stream_go}
                       - {2'd0, a_out_valid && (o_px + 32'd1 == n_px)};
                if (b_free[0] != 8'd0) b_free[0] <= b_free[0] - 8'd1;
                if (b_free[1] != 8'd0) b_free[1] <= b_free[1] - 8'd1;
                // the bank's last vector uses row i until COLS + i cycles
                // after it entered; rows are rewritten in order, a cycle
                // apart, so COLS + 2 (+ the load's 3 cycles) suffice
                if (state == S_STREAM && s_end)
                    b_free[sb] <= COLS[7:0] + 8'd2;
                // load side: the next tile into bank lb once it is free
                if (!l_busy) begin
                    if (l_more && !t_v[lb] && !(state == S_STREAM && sb == lb) &&
                        b_free[lb] == 8'd0 && !(state == S_STREAM && s_end && sb == lb)) begin
                        l_busy <= 1'b1;
                        wi     <= {(RW+1){1'b0}};
                        // the stream may start a cycle later: row i is written
                        // before the first vector reaches it
                        t_v[lb]    <= 1'b1;
                        t_in[lb]   <= c_in_base + ky_off + kx_off + {16'd0, c0};
                        t_vr[lb]   <= vr[8:0];
                        t_vc[lb]   <= vc[8:0];
                        t_n0[lb]   <= n0;
                        t_keep[lb] <= flag0 || !first_k;
                        t_last[lb] <= last_tile;
                    end
                end else begin
                    wi <= wi + 1'b1;
                    a_wload      <= !wi[RW];
                    a_wrow       <= wi[RW-1:0];
                    a_wbank      <= lb;
                    a_wrow_valid <= wgt_re;
                    a_wvc        <= t_vc[lb];
                    if (wgt_re)
                        w_addr <= w_addr + c_w_pitch;
                    if (wi[RW]) begin
                        l_busy <= 1'b0;
                        lb     <= !lb;
                        next_tile();
                    end
                end
                if (stream_go)
                    t_v[go_bank] <= 1'b0;
            end
            // PPU output side
            if (dst_we) begin
                if (om + 16'd1 == p_m) begin
                    om <= 16'd0; o_dst_row <= 32'd0; on <= on + PPU_L[15:0];
                end else begin
                    om <= om + 16'd1; o_dst_row <= o_dst_row + p_dst_pitch;
                end
            end
        end
    end

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

    // a stream starts this cycle (from S_SWAIT, or back to back), on go_bank
    wire stream_go = is_conv && ((state == S_SWAIT && tile_ready) ||
                     (state == S_STREAM && s_end && !s_last && t_v[!sb] && f_cnt != 3'd4));
    wire go_bank   = (state == S_SWAIT) ? sb : !sb;

    task start_stream;
        start_stream_bank(sb);
    endtask

    task start_stream_bank(input bk);
        begin
            s_in   <= t_in[bk];
            s_vr   <= t_vr[bk];
            s_vc   <= t_vc[bk];
            s_last <= t_last[bk];
            f_n0[f_wr]   <= t_n0[bk];
            f_vc[f_wr]   <= t_vc[bk];
            f_keep[f_wr] <= t_keep[bk];
            f_wr   <= f_wr + 2'd1;
            oy <= 16'd0; ox <= 16'd0; oy_off <= 32'd0; ox_off <= 32'd0;
            state  <= S_STREAM;
        end
    endtask

    // load side: the next reduction slice, then the next channel tile
    task next_tile;
        begin
            if ({1'b0, c0} + ROWS[16:0] < {1'b0, c_c}) begin
                c0 <= c0 + ROWS[15:0];
            end else begin
                c0 <= 16'd0;
                if (kx + 8'd1 != c_kw) begin
                    kx <= kx + 8'd1; kx_off <= kx_off + c_tx;
                end else begin
                    kx <= 8'd0; kx_off <= 32'd0;
                    if (ky + 8'd1 != c_kh) begin
                        ky <= ky + 8'd1; ky_off <= ky_off + c_ty;
                    end else begin
                        ky <= 8'd0; ky_off <= 32'd0;
                        if ({1'b0, n0} + COLS[16:0] < {1'b0, c_n}) begin
                            n0     <= n0 + COLS[15:0];
                            w_addr <= c_w_base + {16'd0, n0} + COLS[31:0];
                        end else begin
                            l_more <= 1'b0;
                        end
                    end
                end
            end
        end
    endtask

    task start_ppu;
        begin
            pm <= 16'd0; pn <= 16'd0; pp <= 5'd0;
            p_acc_row <= 32'd0; p_res_row <= 32'd0;
            om <= 16'd0; on <= 16'd0; o_dst_row <= 32'd0;
            outstanding <= 32'd0;
            state <= S_PPARAM;
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

// LOAD / STORE executor (one instance per DMA queue): walks the 3-D
// row/plane pattern of struct dnpu_cmd_dma in the order of the C model
// (docs/ISA.md), checks every row (region bounds, scratchpad range), inserts
// padding (LOAD) and moves each row's data through a dnpu_xfer. Scratchpad
// traffic goes through a DW-byte port (lane i = sp_addr + i, any
// alignment: the scratchpads are lane-interleaved) that the engine
// arbitrates (compute wins; this side waits for sp_gnt), so a row moves
// at the bus rate and padding at DW bytes per cycle. With DNPU_DMA_F_ONCHIP
// the region side is the IN or OUT scratchpad: a row moves through the same
// port, DW bytes read then written (S_OCRD/S_OCWR), and no bus is used.
`default_nettype none
module dnpu_dma #(
    parameter integer DW      = 4,    // scratchpad port bytes: 1..16, power of two (4: small config)
    parameter [31:0] SZ_IN    = 32'd16384,
    parameter [31:0] SZ_WGT   = 32'd16384,
    parameter [31:0] SZ_OUT   = 32'd8192,
    parameter [31:0] SZ_PARAM = 32'd4096
) (
    input  wire         clk,
    input  wire         rst,
    input  wire         start,
    input  wire [511:0] cmd,          // the 16 command words
    input  wire         kill,         // stop (a later command faulted)
    output wire         busy,
    output reg          done,         // one cycle; fault/* valid with it
    output reg          fault,
    output reg  [3:0]   fault_cause,
    output reg  [3:0]   fault_region,
    output reg  [31:0]  fault_offset,
    // region table lookup (combinational in the engine)
    output wire [3:0]   rg_idx,
    input  wire         rg_exists,    // idx < region count
    input  wire [63:0]  rg_addr,
    input  wire [31:0]  rg_size,
    input  wire [3:0]   rg_flags,
    // scratchpad port: sp_cnt bytes at sp_addr (lanes 0..sp_cnt-1)
    output reg          sp_we,
    output reg          sp_re,
    output wire [2:0]   sp_sel,
    output wire [31:0]  sp_addr,
    output reg  [4:0]   sp_cnt,
    output reg  [DW*8-1:0] sp_wdata,
    output reg  [DW-1:0]   sp_wmask,
    input  wire         sp_gnt,
    input  wire [DW*8-1:0] sp_rdata,  // cycle after a granted read
    // perf
    output wire         cnt_valid,
    output wire         cnt_write,
    output wire [12:0]  cnt_bytes,
    // bus client
    output wire         req_valid,
    input  wire         req_ready,
    output wire         req_write,
    output wire [63:0]  req_addr,
    output wire [3:0]   req_len,
    output wire         wvalid,
    input  wire         wready,
    output wire [127:0] wdata,
    output wire [15:0]  wstrb,
    output wire         wlast,
    input  wire         rvalid,
    output wire         rready,
    input  wire [127:0] rdata,
    input  wire         rlast,
    input  wire         rerr,
    input  wire         bvalid,
    input  wire         berr
);
`include "dnpu_hw_params.vh"

    // command fields
    reg [31:0] w [0:15];
    wire        is_load = (w[0][7:0] == DNPU_OP_LOAD[7:0]);
    wire        onchip  = w[0][16];   // DNPU_DMA_F_ONCHIP: region side = spad ri
    wire [3:0]  ri      = w[DNPU_CMD_DMA_REGION_W][3:0];
    wire [3:0]  sp      = w[DNPU_CMD_DMA_REGION_W][11:8];
    wire [7:0]  padv    = w[DNPU_CMD_DMA_REGION_W][23:16];
    wire [31:0] len0    = w[DNPU_CMD_DMA_LEN0_W];
    wire [31:0] count1  = w[DNPU_CMD_DMA_COUNT1_W];
    wire [31:0] count2  = w[DNPU_CMD_DMA_COUNT2_W];
    wire [15:0] pad0b   = w[DNPU_CMD_DMA_PAD0_W][15:0];
    wire [15:0] pad0a   = w[DNPU_CMD_DMA_PAD0_W][31:16];
    wire [15:0] pad1b   = w[DNPU_CMD_DMA_PAD1_W][15:0];
    wire [15:0] pad1a   = w[DNPU_CMD_DMA_PAD1_W][31:16];
    // LOAD: src = region, dst = spad. STORE: src = spad, dst = region.
    wire [31:0] reg_stride1 = is_load ? w[DNPU_CMD_DMA_SRC_STRIDE1_W] : w[DNPU_CMD_DMA_DST_STRIDE1_W];
    wire [31:0] reg_stride2 = is_load ? w[DNPU_CMD_DMA_SRC_STRIDE2_W] : w[DNPU_CMD_DMA_DST_STRIDE2_W];
    wire [31:0] sp_stride1  = is_load ? w[DNPU_CMD_DMA_DST_STRIDE1_W] : w[DNPU_CMD_DMA_SRC_STRIDE1_W];
    wire [31:0] sp_stride2  = is_load ? w[DNPU_CMD_DMA_DST_STRIDE2_W] : w[DNPU_CMD_DMA_SRC_STRIDE2_W];

    assign rg_idx = ri;

    // on-chip rows: read from rd_sel, then write to wr_sel (LOAD: ri -> sp,
    // STORE: sp -> ri); the region-side address is oc_a
    reg  [31:0] sp_a;        // the scratchpad-side address
    reg  [31:0] oc_a;        // on-chip region-side address
    reg  [4:0]  oc_n;        // bytes of the beat in flight
    reg         oc_hold;     // oc_buf holds it (write not granted at once)
    reg  [DW*8-1:0] oc_buf;
    wire [2:0]  rd_sel = is_load ? ri[2:0] : sp[2:0];
    wire [2:0]  wr_sel = is_load ? sp[2:0] : ri[2:0];
    wire [31:0] rd_a   = is_load ? oc_a : sp_a;
    wire [31:0] wr_a   = is_load ? sp_a : oc_a;

    wire [31:0] oc_size = (ri == DNPU_SPAD_IN[3:0]) ? SZ_IN : SZ_OUT;
    wire [31:0] sp_size = (sp == DNPU_SPAD_IN[3:0])  ? SZ_IN  :
                          (sp == DNPU_SPAD_WGT[3:0]) ? SZ_WGT :
                          (sp == DNPU_SPAD_OUT[3:0]) ? SZ_OUT : SZ_PARAM;

    // Row walk. Positions are kept 40 bits wide: a row is checked before it
    // is used and the walk stops at the first bad one, so they never
    // approach 2^40 (at most size + two 32-bit strides).
    reg [31:0] z;            // plane
    reg [31:0] r;            // row within the plane (padding rows included)
    reg [39:0] plane_sp, row_sp;   // scratchpad address of the row
    reg [39:0] plane_rg, row_rg;   // region offset of the next data row
    wire [32:0] rows_total = {17'd0, pad1b} + {1'b0, count1} + {17'd0, pad1a};
    wire [32:0] row_bytes  = {17'd0, pad0b} + {1'b0, len0} + {17'd0, pad0a};
    wire        data_row   = ({1'b0, r} >= {17'd0, pad1b}) &&
                             ({1'b0, r} < {17'd0, pad1b} + {1'b0, count1});
    wire [40:0] sp_end     = is_load ? ({1'b0, row_sp} + {8'd0, row_bytes})
                                     : ({1'b0, row_sp} + {9'd0, len0});
    wire        sp_bad     = sp_end > {9'd0, sp_size};
    wire [40:0] rg_end     = {1'b0, row_rg} + {9'd0, len0};
    wire        rg_bad     = onchip ? (rg_end > {9'd0, oc_size})
                                    : ((row_rg > {8'd0, rg_size}) || (rg_end > {9'd0, rg_size}));
    wire [40:0] rg_last    = rg_end - 41'd1;
    // on-chip: SPAD_RANGE at the highest byte (C model cm_spad_need)
    wire [31:0] rg_row_off = onchip ? ((rg_last[40:32] != 9'd0) ? 32'hffffffff : rg_last[31:0])
                                    : ((row_rg[39:32] != 8'd0) ? 32'hffffffff : row_rg[31:0]);
    wire [3:0]  rg_cause   = onchip ? DNPU_FAULT_SPAD_RANGE[3:0] : DNPU_FAULT_OUT_OF_BOUNDS[3:0];
    wire [40:0] sp_last    = sp_end - 41'd1;
    wire [31:0] sp_rep_off = (sp_last[40:32] != 9'd0) ? 32'hffffffff : sp_last[31:0];

    localparam [3:0] S_IDLE = 4'd0, S_ROW = 4'd1, S_PADB = 4'd2, S_DATA = 4'd3,
                     S_PADA = 4'd4, S_PADROW = 4'd5, S_NEXTROW = 4'd6, S_STORE = 4'd7,
                     S_CHECK = 4'd8, S_DONE = 4'd9, S_OCRD = 4'd10, S_OCWR = 4'd11;
    reg [3:0]  state;
    reg [32:0] cnt;          // bytes left in the current piece
    reg        x_start;
    wire       x_busy, x_done, x_fault;
    wire [3:0] x_cause;
    wire [31:0] x_off;
    wire       snk_valid;
    wire [DW*8-1:0] snk_data;
    wire [4:0] snk_cnt;
    reg        snk_ready;
    wire       src_room;
    reg        rd_pend;      // STORE: a granted scratchpad read returns now
    reg [4:0]  rd_pcnt;      // STORE: its byte count
    reg [32:0] rd_left;      // STORE: bytes still to read from the spad
    localparam [32:0] DW33 = 33'd0 + DW;
    // bytes of the next pad / store-read access
    wire [4:0] pad_n = (cnt < DW33) ? cnt[4:0] : DW33[4:0];
    wire [4:0] rd_n  = (rd_left < DW33) ? rd_left[4:0] : DW33[4:0];
    function [DW-1:0] lanes(input [4:0] n);
        integer l;
        begin
            for (l = 0; l < DW; l = l + 1)
                lanes[l] = (l < n);
        end
    endfunction

    assign busy = (state != S_IDLE);
    assign sp_sel  = (state == S_OCRD) ? rd_sel : (state == S_OCWR) ? wr_sel : sp[2:0];
    assign sp_addr = (state == S_OCRD) ? rd_a : (state == S_OCWR) ? wr_a : sp_a;

    dnpu_xfer #(.DW(DW)) u_xfer (
        .clk(clk), .rst(rst), .start(x_start), .write(!is_load),
        .base(rg_addr), .paged(rg_flags[3]),
        .offset(row_rg[31:0]), .len(len0), .kill(1'b0),
        .busy(x_busy), .done(x_done), .fault(x_fault), .fault_cause(x_cause),
        .fault_offset(x_off),
        .cnt_valid(cnt_valid), .cnt_write(cnt_write), .cnt_bytes(cnt_bytes),
        .snk_valid(snk_valid), .snk_data(snk_data), .snk_cnt(snk_cnt), .snk_ready(snk_ready),
        .src_valid(rd_pend), .src_data(sp_rdata), .src_cnt(rd_pcnt), .src_room(src_room),
        .req_valid(req_valid), .req_ready(req_ready), .req_write(req_write),
        .req_addr(req_addr), .req_len(req_len),
        .wvalid(wvalid), .wready(wready), .wdata(wdata), .wstrb(wstrb), .wlast(wlast),
        .rvalid(rvalid), .rready(rready), .rdata(rdata), .rlast(rlast), .rerr(rerr),
        .bvalid(bvalid), .berr(berr));
    wire x_busy_unused = x_busy;

    // scratchpad port requests (combinational, from the state)
    always @(*) begin
        sp_we     = 1'b0;
        sp_re     = 1'b0;
        sp_wdata  = {DW{padv}};
        sp_cnt    = pad_n;
        snk_ready = 1'b0;
        case (state)
        S_PADB, S_PADA, S_PADROW: sp_we = (cnt != 33'd0);
        S_DATA: begin
            sp_we     = snk_valid;
            sp_wdata  = snk_data;
            sp_cnt    = snk_cnt;
            snk_ready = sp_gnt;
        end
        S_STORE: begin
            sp_re  = (rd_left != 33'd0) && src_room;
            sp_cnt = rd_n;
        end
        S_OCRD: sp_re = (cnt != 33'd0);
        S_OCWR: begin
            sp_we    = 1'b1;
            sp_cnt   = oc_n;
            sp_wdata = oc_hold ? oc_buf : sp_rdata;
        end
        default: ;
        endcase
        sp_wmask = lanes(sp_cnt);
    end

    integer k;
    always @(posedge clk) begin
        done    <= 1'b0;
        x_start <= 1'b0;
        if (rst) begin
            state     <= S_IDLE;
            fault     <= 1'b0;
            rd_pend   <= 1'b0;
        end else begin
            case (state)
            S_IDLE: if (start) begin
                for (k = 0; k < 16; k = k + 1)
                    w[k] <= cmd[32*k +: 32];
                fault <= 1'b0;
                z <= 32'd0;
                r <= 32'd0;
                plane_sp <= {8'd0, cmd[32*DNPU_CMD_DMA_SPAD_ADDR_W +: 32]};
                row_sp   <= {8'd0, cmd[32*DNPU_CMD_DMA_SPAD_ADDR_W +: 32]};
                plane_rg <= {8'd0, cmd[32*DNPU_CMD_DMA_OFFSET_W +: 32]};
                row_rg   <= {8'd0, cmd[32*DNPU_CMD_DMA_OFFSET_W +: 32]};
                state <= S_CHECK;
            end
            // region usable, once per command (C model: region_usable)
            S_CHECK: begin
                state <= S_ROW;
                if (onchip) begin
                    // no region: the on-chip side is range checked per row
                end else if (!rg_exists || !rg_flags[0]) begin
                    fault        <= 1'b1;
                    fault_cause  <= DNPU_FAULT_REGION_INVALID[3:0];
                    fault_region <= ri;
                    fault_offset <= w[DNPU_CMD_DMA_OFFSET_W];
                    state        <= S_DONE;
                end else if (is_load ? !rg_flags[1] : !rg_flags[2]) begin
                    fault        <= 1'b1;
                    fault_cause  <= DNPU_FAULT_PERMISSION[3:0];
                    fault_region <= ri;
                    fault_offset <= w[DNPU_CMD_DMA_OFFSET_W];
                    state        <= S_DONE;
                end
            end
            S_ROW: begin
                if (kill) begin
                    state <= S_DONE;
                end else if ({1'b0, z} == {1'b0, count2}) begin
                    state <= S_DONE;
                end else if (is_load) begin
                    if (data_row && rg_bad) begin
                        fault        <= 1'b1;
                        fault_cause  <= rg_cause;
                        fault_region <= ri;
                        fault_offset <= rg_row_off;
                        state        <= S_DONE;
                    end else if (sp_bad) begin
                        fault        <= 1'b1;
                        fault_cause  <= DNPU_FAULT_SPAD_RANGE[3:0];
                        fault_region <= sp;
                        fault_offset <= sp_rep_off;
                        state        <= S_DONE;
                    end else begin
                        sp_a <= row_sp[31:0];
                        if (data_row) begin
                            cnt   <= {17'd0, pad0b};
                            state <= S_PADB;
                        end else begin
                            cnt   <= row_bytes;
                            state <= S_PADROW;
                        end
                    end
                end else begin
                    if (sp_bad) begin
                        fault        <= 1'b1;
                        fault_cause  <= DNPU_FAULT_SPAD_RANGE[3:0];
                        fault_region <= sp;
                        fault_offset <= sp_rep_off;
                        state        <= S_DONE;
                    end else if (rg_bad) begin
                        fault        <= 1'b1;
                        fault_cause  <= rg_cause;
                        fault_region <= ri;
                        fault_offset <= rg_row_off;
                        state        <= S_DONE;
                    end else if (onchip) begin
                        sp_a  <= row_sp[31:0];
                        oc_a  <= row_rg[31:0];
                        cnt   <= {1'b0, len0};
                        state <= S_OCRD;
                    end else begin
                        sp_a <= row_sp[31:0];
                        rd_left <= {1'b0, len0};
                        x_start <= 1'b1;
                        state   <= S_STORE;
                    end
                end
            end
            S_PADB: begin
                if (cnt == 33'd0 && onchip) begin
                    oc_a  <= row_rg[31:0];
                    cnt   <= {1'b0, len0};
                    state <= S_OCRD;
                end else if (cnt == 33'd0) begin
                    x_start <= 1'b1;
                    state   <= S_DATA;
                end else if (sp_gnt) begin
                    cnt     <= cnt - {28'd0, pad_n};
                    sp_a <= sp_a + {27'd0, pad_n};
                end
            end
            S_DATA: begin
                if (snk_valid && sp_gnt)
                    sp_a <= sp_a + {27'd0, snk_cnt};
                if (x_done) begin
                    if (x_fault) begin
                        fault        <= 1'b1;
                        fault_cause  <= x_cause;
                        fault_region <= ri;
                        fault_offset <= x_off;
                        state        <= S_DONE;
                    end else begin
                        cnt   <= {17'd0, pad0a};
                        state <= S_PADA;
                    end
                end
            end
            S_PADA, S_PADROW: begin
                if (cnt == 33'd0) begin
                    state <= S_NEXTROW;
                end else if (sp_gnt) begin
                    cnt     <= cnt - {28'd0, pad_n};
                    sp_a <= sp_a + {27'd0, pad_n};
                end
            end
            // the read data goes straight into the xfer's funnel the next
            // cycle (room for it was reserved by src_room)
            S_STORE: begin
                if (sp_re && sp_gnt) begin
                    rd_pend <= 1'b1;
                    rd_pcnt <= rd_n;
                    rd_left <= rd_left - {28'd0, rd_n};
                    sp_a <= sp_a + {27'd0, rd_n};
                end else begin
                    rd_pend <= 1'b0;
                end
                if (x_done) begin
                    rd_pend   <= 1'b0;
                    if (x_fault) begin
                        fault        <= 1'b1;
                        fault_cause  <= x_cause;
                        fault_region <= ri;
                        fault_offset <= x_off;
                        state        <= S_DONE;
                    end else begin
                        state <= S_NEXTROW;
                    end
                end
            end
            // on-chip row: read up to DW bytes, then write them (the read
            // data is there the cycle after the grant; held if the write
            // has to wait)
            S_OCRD: begin
                oc_hold <= 1'b0;
                if (cnt == 33'd0) begin
                    cnt   <= {17'd0, pad0a};
                    state <= is_load ? S_PADA : S_NEXTROW;
                end else if (sp_gnt) begin
                    oc_n  <= pad_n;
                    cnt   <= cnt - {28'd0, pad_n};
                    if (is_load) oc_a <= oc_a + {27'd0, pad_n};
                    else         sp_a <= sp_a + {27'd0, pad_n};
                    state <= S_OCWR;
                end
            end
            S_OCWR: begin
                if (!oc_hold) begin
                    oc_buf  <= sp_rdata;
                    oc_hold <= 1'b1;
                end
                if (sp_gnt) begin
                    if (is_load) sp_a <= sp_a + {27'd0, oc_n};
                    else         oc_a <= oc_a + {27'd0, oc_n};
                    state <= S_OCRD;
                end
            end
            S_NEXTROW: begin
                // advance r (and z); data rows advance the region offset
                if (data_row)
                    row_rg <= row_rg + {8'd0, reg_stride1};
                if ({1'b0, r} + 33'd1 == rows_total) begin
                    r        <= 32'd0;
                    z        <= z + 32'd1;
                    plane_sp <= plane_sp + {8'd0, sp_stride2};
                    row_sp   <= plane_sp + {8'd0, sp_stride2};
                    plane_rg <= plane_rg + {8'd0, reg_stride2};
                    row_rg   <= plane_rg + {8'd0, reg_stride2};
                end else begin
                    r      <= r + 32'd1;
                    row_sp <= row_sp + {8'd0, sp_stride1};
                end
                state <= S_ROW;
            end
            S_DONE: begin
                done  <= 1'b1;
                state <= S_IDLE;
            end
            default: state <= S_IDLE;
            endcase
        end
    end

    wire s_unused = x_start;
endmodule
`default_nettype wire

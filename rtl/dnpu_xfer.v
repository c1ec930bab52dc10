// Region-translated mover: moves len bytes between (region, offset) and a
// chunk stream, as 128-bit bus bursts (<= DNPU_DMA_MAX_BURST beats, never
// crossing a 256 B burst boundary or, for PAGED regions, a page).
//   CONTIG: bus = base + offset.
//   PAGED:  bus = list[offset >> 12] + (offset & 0xfff); the list entry is
//           fetched at the start of every page piece (as the C model does)
//           and must be 4 KiB aligned (else PAGE_ALIGN).
// The stream side moves up to DW bytes per cycle, so the scratchpad side
// keeps up with the bus whatever the alignment of either side:
//   read:  chunks leave through snk_* in order (snk_cnt bytes, byte 0 at
//          snk_data[7:0]); a bus beat is cut into chunks of <= DW bytes.
//   write: the producer pushes chunks (src_valid, src_cnt <= DW bytes) into
//          a byte funnel whenever src_room was set in the same or the
//          previous cycle (so a scratchpad read issued on src_room can land
//          a cycle later); bus beats are cut from the funnel's head. The
//          funnel is a ring of 4 x 16 bytes in which every byte sits at
//          the bus lane it will be written to (the transfer's bytes are
//          contiguous in bus lanes, pages being 4 KiB aligned), so a beat
//          is one row and only a push is rotated.
// Bounds/permission are checked by the caller. Faults: BUS_ERROR and
// PAGE_ALIGN, reported with the offset where the current piece started
// (the row start for CONTIG, the page piece for PAGED), like the C model.
// Latency hiding: the request side runs up to DNPU_DMA_MAX_INFLIGHT
// (uapi/dnpu_hw.h, at most 4) bursts ahead of the
// data (reads: requests go out while earlier bursts' beats are still on
// their way; writes: the next burst is sent without waiting for the
// previous write response). A PAGED transfer runs ahead only within a page
// piece: the next list entry is read once every burst of the piece is
// answered, so a fault is always reported for the piece it belongs to.
// After a bus error no new burst is issued; those in flight are finished
// (read beats dropped) before done.
// kill stops issuing at the next burst boundary (the bus protocol always
// finishes).
`default_nettype none
module dnpu_xfer #(
    parameter integer DW = 4,        // stream bytes per cycle: 1, 2, 4, 8 or 16
    // 0: a read-only instance (write and src_valid tied to 0): its write
    // funnel is always empty, held at 0 so synthesis drops it (Yosys
    // cannot see that it stays empty)
    parameter integer WRITES = 1
) (
    input  wire         clk,
    input  wire         rst,
    input  wire         start,
    input  wire         write,
    input  wire [63:0]  base,        // CONTIG: byte 0; PAGED: page list
    input  wire         paged,
    input  wire [31:0]  offset,
    input  wire [31:0]  len,         // >= 1
    input  wire         kill,
    output wire         busy,
    output reg          done,        // one cycle, with fault/fault_*
    output reg          fault,
    output reg  [3:0]   fault_cause,
    output reg  [31:0]  fault_offset,
    // perf: bytes read/written on the bus (data + page-list entries)
    output reg          cnt_valid,
    output reg          cnt_write,
    output reg  [12:0]  cnt_bytes,
    // chunk stream
    output reg            snk_valid,
    output reg  [DW*8-1:0] snk_data,
    output reg  [4:0]     snk_cnt,
    input  wire           snk_ready,
    input  wire           src_valid,
    input  wire [DW*8-1:0] src_data,
    input  wire [4:0]     src_cnt,
    output wire           src_room,
    // bus client
    output reg          req_valid,
    input  wire         req_ready,
    output reg          req_write,
    output reg  [63:0]  req_addr,
    output reg  [3:0]   req_len,     // beats - 1
    output reg          wvalid,
    input  wire         wready,
    output reg  [127:0] wdata,
    output reg  [15:0]  wstrb,
    output reg          wlast,
    input  wire         rvalid,
    output wire         rready,
    input  wire [127:0] rdata,
    input  wire         rlast,
    input  wire         rerr,
    input  wire         bvalid,
    input  wire         berr
);
`include "dnpu_hw_params.vh"

    localparam [3:0] S_IDLE = 4'd0, S_RUN = 4'd1, S_PREQ = 4'd2, S_PWAIT = 4'd3,
                     S_WFILL = 4'd4, S_WSEND = 4'd5, S_END = 4'd6;
    // write funnel: a beat's worth plus two chunks (one landing, one
    // issued). Its bytes span at most 15 + FB <= 63 lanes from the head's
    // row start, and a push lands behind the head's row even when that row
    // is popped in the same cycle (at most 16 bytes), so 4 rows never
    // overwrite unsent bytes.
    localparam integer FB = 16 + 2 * DW;
    localparam [3:0]   DWM = DW[3:0] - 4'd1;   // push_d to a byte of src_data
    localparam [5:0]   DW6 = DW[5:0];
    localparam [5:0]   FB6 = FB[5:0];
    localparam [2:0]   MAXO3 = DNPU_DMA_MAX_INFLIGHT[2:0];

    reg [3:0]  state;
    reg        wr;
    reg        is_paged;
    reg        stop;         // no more bursts: bus error or kill
    reg [63:0] rbase;
    reg [31:0] cur_off;      // offset of the next byte to request
    reg [31:0] remain;       // bytes not yet requested
    reg [31:0] piece_off;    // fault report offset
    reg [63:0] page_addr;    // PAGED: bus address of the current page
    reg [12:0] page_left;    // PAGED: bytes of the page not yet requested
    // bursts in flight, oldest first: bytes and first byte lane
    reg [8:0]  q_len [0:3];
    reg [3:0]  q_pos [0:3];
    reg [1:0]  q_head, q_tail;
    reg [2:0]  q_cnt;
    // data side
    reg [8:0]  bleft;        // bytes of the data burst not yet moved
    reg [4:0]  bpos;         // byte lane of the next byte within the beat
    reg [127:0] beat;
    reg        have_beat;    // read: a beat is being cut into chunks
    reg        first_beat;
    reg        err;
    reg [3:0]  beats_left;
    reg [511:0] fring;       // write funnel: row r, bus lane l at byte 16r + l
    reg [5:0]  fhead;        // slot of the next byte to send
    reg [5:0]  fcnt;         // bytes in the funnel

    assign busy = (state != S_IDLE);

    // Address of the next byte to request and how much one burst may move.
    wire [63:0] cur_addr   = is_paged ? (page_addr + {52'd0, cur_off[11:0]})
                                      : (rbase + {32'd0, cur_off});
    wire [8:0]  to_burst   = 9'd256 - {1'b0, cur_addr[7:0]};
    wire [31:0] lim1       = (remain < {23'd0, to_burst}) ? remain : {23'd0, to_burst};
    wire [31:0] lim2       = (is_paged && {19'd0, page_left} < lim1) ? {19'd0, page_left} : lim1;
    // beats - 1 of the burst: bytes [A & 15, (A & 15) + lim2) of the beats
    wire [9:0]  span_last  = {6'd0, cur_addr[3:0]} + {1'b0, lim2[8:0]} - 10'd1;
    wire [3:0]  burst_len  = span_last[7:4];
    wire [63:0] list_entry = rbase + {41'd0, cur_off[31:12], 3'd0};
    wire [22:0] lim2_unused = lim2[31:9];
    wire        misc_unused = (^span_last[9:8]) ^ (^span_last[3:0]) ^ (^list_entry[2:0]);

    // request side: a new burst, or (PAGED, nothing in flight) a list entry
    wire        q_empty    = (q_cnt == 3'd0);
    wire        need_entry = is_paged && page_left == 13'd0;
    wire        can_issue  = state == S_RUN && !stop && !req_valid && remain != 32'd0 &&
                             q_cnt != MAXO3 && !need_entry;
    wire        go_entry   = state == S_RUN && !stop && !req_valid && remain != 32'd0 &&
                             need_entry && q_empty;
    wire        all_done   = state == S_RUN && !req_valid && q_empty &&
                             (stop || remain == 32'd0);

    // bytes of the data burst in the rest of the current beat
    wire [4:0]  beat_rest  = 5'd16 - bpos;
    wire [4:0]  beat_take  = (bleft < {4'd0, beat_rest}) ? bleft[4:0] : beat_rest;
    // read: next chunk of the held beat
    wire [4:0]  r_cnt      = (beat_take > DW6[4:0]) ? DW6[4:0] : beat_take;
    wire [127:0] beat_sh   = beat >> {bpos[3:0], 3'b000};
    wire        beat_sh_unused = ^beat_sh;
    // write: the funnel holds the rest of this beat
    wire        w_have     = (fcnt >= {1'b0, beat_take});

    // read beats: one at a time into 'beat'; after a bus error the
    // remaining bursts' beats are dropped
    wire        r_drop     = state == S_RUN && !wr && stop;
    assign rready   = (state == S_RUN && !wr && !have_beat && !q_empty) || (state == S_PWAIT);
    wire        rbeat_go   = rvalid && state == S_RUN && !wr && !have_beat && !q_empty;
    wire        r_chunk_go = have_beat && (!snk_valid || snk_ready);
    wire        r_end      = r_chunk_go && ({4'd0, r_cnt} == bleft);
    // a dropped burst ends on an rlast beat actually taken (rready: none
    // is taken while a beat is still being cut when kill stops us)
    wire        r_drop_end = r_drop && rvalid && rready && rlast;
    assign src_room = ({1'b0, fcnt} + {1'b0, DW6} + {1'b0, DW6}) <= {1'b0, FB6};

    wire [63:0] rdata_entry = list_entry[3] ? rdata[127:64] : rdata[63:0];

    // funnel: pop w_pop bytes from the head (all in its row, at lanes
    // bpos.. = fhead[3:0]..), push src_cnt bytes behind the tail
    wire        w_pop_go  = (state == S_WFILL) && w_have && (bleft != 9'd0);
    wire [5:0]  w_pop     = w_pop_go ? {1'b0, beat_take} : 6'd0;
    wire [5:0]  f_tail    = fhead + fcnt;
    // the bus lane of the transfer's first byte (CONTIG: base + offset;
    // PAGED: offset, the pages being 4 KiB aligned)
    wire [3:0]  f_lane0   = paged ? offset[3:0] : (base[3:0] + offset[3:0]);
    // per bus lane: which pushed byte lands there (d, valid if d < src_cnt)
    // and in which row (the tail's, or the next one for lanes below it)
    wire [127:0] src_wide;
    assign src_wide[DW*8-1:0] = src_data;
    generate if (DW < 16) begin : g_src_pad
        assign src_wide[127:DW*8] = {(16-DW)*8{1'b0}};
    end endgenerate
    wire        src_wide_unused = ^src_wide;   // DW 1: only byte 0
    reg  [7:0]  push_byte [0:15];
    reg  [15:0] push_en;
    reg  [1:0]  push_row [0:15];
    reg  [3:0]  push_d;
    integer pl;
    always @(*)
        for (pl = 0; pl < 16; pl = pl + 1) begin
            push_d        = pl[3:0] - f_tail[3:0];
            push_en[pl]   = src_valid && ({1'b0, push_d} < src_cnt);
            push_row[pl]  = f_tail[5:4] + ((pl[3:0] < f_tail[3:0]) ? 2'd1 : 2'd0);
            push_byte[pl] = src_wide[{push_d & DWM, 3'b000} +: 8];
        end
    // the popped row; lanes outside wstrb carry zeros or this transfer's
    // bytes (the ring is cleared at every start)
    wire [127:0] w_bytes = fring[{fhead[5:4], 7'd0} +: 128];
    reg  [15:0] w_mask;
    integer mi;
    always @(*) begin
        w_mask = 16'd0;
        for (mi = 0; mi < 16; mi = mi + 1)
            w_mask[mi] = (mi[4:0] >= bpos) && (mi[5:0] < {1'b0, bpos} + {1'b0, beat_take});
    end

    // a burst leaves the queue: its last chunk went out (read), it was
    // dropped (read after an error) or its response came (write)
    wire        b_resp  = bvalid && wr && state != S_IDLE;
    wire        q_pop   = r_end || r_drop_end || b_resp;
    wire        q_push  = can_issue;

    always @(posedge clk) begin
        done      <= 1'b0;
        cnt_valid <= 1'b0;
        if (rst) begin
            state     <= S_IDLE;
            req_valid <= 1'b0;
            wvalid    <= 1'b0;
            snk_valid <= 1'b0;
            fault     <= 1'b0;
            fcnt      <= 6'd0;
            q_head    <= 2'd0;
            q_tail    <= 2'd0;
            q_cnt     <= 3'd0;
            have_beat <= 1'b0;
        end else begin
            if (snk_valid && snk_ready)
                snk_valid <= 1'b0;
            if (req_valid && req_ready)
                req_valid <= 1'b0;
            // funnel
            if (WRITES == 0 || (start && state == S_IDLE)) begin
                fcnt  <= 6'd0;
                fhead <= (WRITES == 0) ? 6'd0 : {2'b00, f_lane0};
            end else begin
                fcnt  <= fcnt - w_pop + (src_valid ? {1'b0, src_cnt} : 6'd0);
                fhead <= fhead + w_pop;
            end
            // bursts in flight
            if (q_push) begin
                q_len[q_tail] <= lim2[8:0];
                q_pos[q_tail] <= cur_addr[3:0];
                q_tail        <= q_tail + 2'd1;
            end
            if (q_pop)
                q_head <= q_head + 2'd1;
            q_cnt <= q_cnt + {2'd0, q_push} - {2'd0, q_pop};
            if (kill && state != S_IDLE)
                stop <= 1'b1;
            // request side: the next burst
            if (q_push) begin
                req_valid <= 1'b1;
                req_write <= wr;
                req_addr  <= {cur_addr[63:4], 4'd0};
                req_len   <= burst_len;
                cur_off   <= cur_off + {23'd0, lim2[8:0]};
                remain    <= remain - {23'd0, lim2[8:0]};
                if (is_paged)
                    page_left <= page_left - {4'd0, lim2[8:0]};
            end
            // write responses, in order
            if (b_resp) begin
                cnt_valid <= !stop;
                cnt_write <= 1'b1;
                cnt_bytes <= {4'd0, q_len[q_head]};
                if (berr && !stop) begin
                    stop         <= 1'b1;
                    fault        <= 1'b1;
                    fault_cause  <= DNPU_FAULT_BUS_ERROR[3:0];
                    fault_offset <= piece_off;
                end
            end
            // read data: take a beat, then cut it into chunks
            if (rbeat_go && !stop) begin
                beat      <= rdata;
                have_beat <= 1'b1;
                if (rerr)
                    err <= 1'b1;
                if (first_beat) begin
                    bleft <= q_len[q_head];
                    bpos  <= {1'b0, q_pos[q_head]};
                end else begin
                    bpos <= 5'd0;
                end
                first_beat <= 1'b0;
            end
            // Every beat holds at least one wanted byte, so the burst's
            // bytes run out exactly in its last beat.
            if (r_chunk_go) begin
                snk_valid <= !err;
                snk_data  <= beat_sh[DW*8-1:0];
                snk_cnt   <= r_cnt;
                bleft     <= bleft - {4'd0, r_cnt};
                bpos      <= bpos + r_cnt;
                if (r_end) begin
                    have_beat  <= 1'b0;
                    first_beat <= 1'b1;
                    cnt_valid  <= 1'b1;
                    cnt_write  <= 1'b0;
                    cnt_bytes  <= {4'd0, q_len[q_head]};
                    if (err) begin
                        stop         <= 1'b1;
                        fault        <= 1'b1;
                        fault_cause  <= DNPU_FAULT_BUS_ERROR[3:0];
                        fault_offset <= piece_off;
                    end
                end else if (r_cnt == beat_take) begin
                    have_beat <= 1'b0;
                end
            end
            case (state)
            S_IDLE: if (start) begin
                wr         <= write;
                is_paged   <= paged;
                rbase      <= base;
                cur_off    <= offset;
                remain     <= len;
                piece_off  <= offset;
                page_left  <= 13'd0;
                err        <= 1'b0;
                stop       <= 1'b0;
                fault      <= 1'b0;
                first_beat <= 1'b1;
                have_beat  <= 1'b0;
                state      <= S_RUN;
            end
            S_RUN: begin
                if (all_done) begin
                    state <= S_END;
                end else if (go_entry) begin
                    piece_off <= cur_off;
                    req_valid <= 1'b1;
                    req_write <= 1'b0;
                    req_addr  <= {list_entry[63:4], 4'd0};
                    req_len   <= 4'd0;
                    state     <= S_PREQ;
                end else if (q_push && wr) begin
                    // the write burst's beats, cut from the funnel
                    bleft      <= lim2[8:0];
                    bpos       <= {1'b0, cur_addr[3:0]};
                    beats_left <= burst_len;
                    state      <= S_WFILL;
                end
            end
            S_PREQ: if (req_ready)
                state <= S_PWAIT;
            S_PWAIT: if (rvalid) begin
                cnt_valid <= 1'b1;
                cnt_write <= 1'b0;
                cnt_bytes <= 13'd8;
                if (rerr) begin
                    fault_cause  <= DNPU_FAULT_BUS_ERROR[3:0];
                    fault        <= 1'b1;
                    fault_offset <= cur_off;
                    stop         <= 1'b1;
                end else if (rdata_entry[11:0] != 12'd0) begin
                    fault_cause  <= DNPU_FAULT_PAGE_ALIGN[3:0];
                    fault        <= 1'b1;
                    fault_offset <= cur_off;
                    stop         <= 1'b1;
                end else begin
                    page_addr <= rdata_entry;
                    page_left <= 13'd4096 - {1'b0, cur_off[11:0]};
                end
                state <= S_RUN;
            end
            // ---- write burst data ----
            S_WFILL: begin
                if (w_pop_go) begin
                    wdata  <= w_bytes;
                    wstrb  <= w_mask;
                    bleft  <= bleft - {4'd0, beat_take};
                    bpos   <= 5'd0;
                    wvalid <= 1'b1;
                    wlast  <= (beats_left == 4'd0);
                    state  <= S_WSEND;
                end
            end
            S_WSEND: begin
                if (wvalid && wready && !req_valid) begin
                    wvalid     <= 1'b0;
                    beats_left <= beats_left - 4'd1;
                    state      <= wlast ? S_RUN : S_WFILL;
                end
            end
            S_END: if (!snk_valid) begin
                done  <= 1'b1;
                state <= S_IDLE;
            end
            default: state <= S_IDLE;
            endcase
        end
    end
    // the ring: cleared at reset and at every start (so lanes outside a
    // beat's strobes never show another transfer's bytes), else written
    // where a push lands
    integer fr;
    always @(posedge clk)
        for (fr = 0; fr < 64; fr = fr + 1)
            if (rst || WRITES == 0 || (start && state == S_IDLE))
                fring[fr*8 +: 8] <= 8'd0;
            else if (push_en[fr[3:0]] && push_row[fr[3:0]] == fr[5:4])
                fring[fr*8 +: 8] <= push_byte[fr[3:0]];
endmodule
`default_nettype wire

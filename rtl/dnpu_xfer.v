// Region-translated byte mover: moves len bytes between (region, offset)
// and a byte stream, as 128-bit bus bursts (<= DNPU_DMA_MAX_BURST beats,
// never crossing a 256 B burst boundary or, for PAGED regions, a page).
//   CONTIG: bus = base + offset.
//   PAGED:  bus = list[offset >> 12] + (offset & 0xfff); the list entry is
//           fetched at the start of every page piece (as the C model does)
//           and must be 4 KiB aligned (else PAGE_ALIGN).
// Read: bytes leave through snk_* in order. Write: bytes come from src_*.
// Bounds/permission are checked by the caller. Faults: BUS_ERROR and
// PAGE_ALIGN, reported with the offset where the current piece started
// (the row start for CONTIG, the page piece for PAGED), like the C model.
// kill stops at the next burst boundary (the bus protocol always finishes).
`default_nettype none
module dnpu_xfer (
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
    // byte stream
    output reg          snk_valid,
    output reg  [7:0]   snk_data,
    input  wire         snk_ready,
    input  wire         src_valid,
    input  wire [7:0]   src_data,
    output wire         src_ready,
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

    localparam [3:0] S_IDLE = 4'd0, S_NEXT = 4'd1, S_PREQ = 4'd2, S_PWAIT = 4'd3,
                     S_CHUNK = 4'd4, S_RBEAT = 4'd5, S_RBYTES = 4'd6,
                     S_WFILL = 4'd7, S_WSEND = 4'd8, S_WRESP = 4'd9, S_END = 4'd10;
    reg [3:0]  state;
    reg        wr;
    reg        is_paged;
    reg [63:0] rbase;
    reg [31:0] cur_off;      // offset of the next byte in the region
    reg [31:0] remain;       // bytes left in the whole transfer
    reg [31:0] piece_off;    // fault report offset
    reg [63:0] page_addr;    // PAGED: bus address of the current page
    reg [12:0] page_left;    // PAGED: bytes left in the current page
    reg [8:0]  blen;         // bytes of the current burst (<= 256)
    reg [8:0]  bleft;        // bytes of the burst not yet moved
    reg [3:0]  bpos;         // byte lane within the current beat
    reg [127:0] beat;
    reg        first_beat;
    reg        err;
    reg [3:0]  beats_left;

    assign busy = (state != S_IDLE);

    // Address of the next byte and how much of it one burst may move.
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
    wire        misc_unused = rlast ^ (^span_last[9:8]) ^ (^span_last[3:0]) ^ (^list_entry[2:0]);

    // read beats are taken only when the byte buffer is empty
    assign rready    = (state == S_RBEAT) || (state == S_PWAIT);
    assign src_ready = (state == S_WFILL) && !(bleft == 9'd0);

    wire [7:0]  beat_byte = beat[{bpos, 3'b000} +: 8];
    wire [63:0] rdata_entry = list_entry[3] ? rdata[127:64] : rdata[63:0];

    always @(posedge clk) begin
        done      <= 1'b0;
        cnt_valid <= 1'b0;
        if (rst) begin
            state     <= S_IDLE;
            req_valid <= 1'b0;
            wvalid    <= 1'b0;
            snk_valid <= 1'b0;
            fault     <= 1'b0;
        end else begin
            if (snk_valid && snk_ready)
                snk_valid <= 1'b0;
            case (state)
            S_IDLE: if (start) begin
                wr        <= write;
                is_paged  <= paged;
                rbase     <= base;
                cur_off   <= offset;
                remain    <= len;
                piece_off <= offset;
                page_left <= 13'd0;
                err       <= 1'b0;
                fault     <= 1'b0;
                state     <= S_NEXT;
            end
            S_NEXT: begin
                if (remain == 32'd0 || kill) begin
                    state <= S_END;
                end else if (is_paged && page_left == 13'd0) begin
                    piece_off <= cur_off;
                    req_valid <= 1'b1;
                    req_write <= 1'b0;
                    req_addr  <= {list_entry[63:4], 4'd0};
                    req_len   <= 4'd0;
                    state     <= S_PREQ;
                end else begin
                    state <= S_CHUNK;
                end
            end
            S_PREQ: if (req_ready) begin
                req_valid <= 1'b0;
                state     <= S_PWAIT;
            end
            S_PWAIT: if (rvalid) begin
                cnt_valid <= 1'b1;
                cnt_write <= 1'b0;
                cnt_bytes <= 13'd8;
                if (rerr) begin
                    fault_cause <= DNPU_FAULT_BUS_ERROR[3:0];
                    fault       <= 1'b1;
                    fault_offset <= cur_off;
                    state       <= S_END;
                end else if (rdata_entry[11:0] != 12'd0) begin
                    fault_cause <= DNPU_FAULT_PAGE_ALIGN[3:0];
                    fault       <= 1'b1;
                    fault_offset <= cur_off;
                    state       <= S_END;
                end else begin
                    page_addr <= rdata_entry;
                    page_left <= 13'd4096 - {1'b0, cur_off[11:0]};
                    state     <= S_CHUNK;
                end
            end
            S_CHUNK: begin
                // one burst: [cur_addr, cur_addr + lim2)
                blen       <= lim2[8:0];
                bleft      <= lim2[8:0];
                bpos       <= cur_addr[3:0];
                first_beat <= 1'b1;
                req_valid  <= 1'b1;
                req_write  <= wr;
                req_addr   <= {cur_addr[63:4], 4'd0};
                req_len    <= burst_len;
                beats_left <= burst_len;
                wstrb      <= 16'd0;
                state      <= wr ? S_WFILL : S_RBEAT;
            end
            // ---- read burst ----
            S_RBEAT: begin
                if (req_valid && req_ready)
                    req_valid <= 1'b0;
                if (rvalid) begin
                    beat <= rdata;
                    if (rerr)
                        err <= 1'b1;
                    if (!first_beat)
                        bpos <= 4'd0;
                    first_beat <= 1'b0;
                    state <= S_RBYTES;
                end
            end
            // Every beat holds at least one wanted byte, so the burst's
            // bytes run out exactly in its last beat.
            S_RBYTES: if (!snk_valid || snk_ready) begin
                snk_valid <= !err;
                snk_data  <= beat_byte;
                bleft     <= bleft - 9'd1;
                bpos      <= bpos + 4'd1;
                if (bleft == 9'd1) begin
                    cur_off   <= cur_off + {23'd0, blen};
                    remain    <= remain - {23'd0, blen};
                    if (is_paged)
                        page_left <= page_left - {4'd0, blen};
                    cnt_valid <= 1'b1;
                    cnt_write <= 1'b0;
                    cnt_bytes <= {4'd0, blen};
                    if (err) begin
                        fault        <= 1'b1;
                        fault_cause  <= DNPU_FAULT_BUS_ERROR[3:0];
                        fault_offset <= piece_off;
                        state        <= S_END;
                    end else begin
                        state <= S_NEXT;
                    end
                end else if (bpos == 4'd15) begin
                    state <= S_RBEAT;
                end
            end
            // ---- write burst ----
            S_WFILL: begin
                if (req_valid && req_ready)
                    req_valid <= 1'b0;
                if (src_valid && src_ready) begin
                    wdata[{bpos, 3'b000} +: 8] <= src_data;
                    wstrb[bpos] <= 1'b1;
                    bleft <= bleft - 9'd1;
                    bpos  <= bpos + 4'd1;
                    if (bpos == 4'd15 || bleft == 9'd1) begin
                        wvalid <= 1'b1;
                        wlast  <= (beats_left == 4'd0);
                        state  <= S_WSEND;
                    end
                end
            end
            S_WSEND: begin
                if (req_valid && req_ready)
                    req_valid <= 1'b0;
                if (wvalid && wready && !req_valid) begin
                    wvalid     <= 1'b0;
                    wstrb      <= 16'd0;
                    bpos       <= 4'd0;
                    beats_left <= beats_left - 4'd1;
                    state      <= wlast ? S_WRESP : S_WFILL;
                end
            end
            S_WRESP: if (bvalid) begin
                cur_off   <= cur_off + {23'd0, blen};
                remain    <= remain - {23'd0, blen};
                if (is_paged)
                    page_left <= page_left - {4'd0, blen};
                cnt_valid <= 1'b1;
                cnt_write <= 1'b1;
                cnt_bytes <= {4'd0, blen};
                if (berr) begin
                    fault       <= 1'b1;
                    fault_cause <= DNPU_FAULT_BUS_ERROR[3:0];
                    fault_offset <= piece_off;
                    state       <= S_END;
                end else begin
                    state <= S_NEXT;
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
endmodule
`default_nettype wire

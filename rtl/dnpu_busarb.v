// Round-robin arbiter of N bus clients onto the engine's single 128-bit
// host bus master port (docs/RTL.md "Host bus"). Several bursts may be on
// the bus at once: up to DEPTH reads and DEPTH writes awaiting their
// response, from any clients. The bus returns read data and write
// responses in request order, so two FIFOs of owners route them (no IDs).
// One write's data is on the bus at a time: a write request is granted
// only when the previous write's beats have all gone out.
// A granted request stays valid and stable until accepted (the grant is a
// register). On 'flush' (engine ABORT or watchdog) the clients are reset,
// but what is already on the bus is finished here: remaining write beats go
// out with no strobes, read beats and write responses of the flushed
// bursts are taken and dropped, so the bus and its slave never wait for a
// master that is gone, and a later request's data is never confused with
// them.
`default_nettype none
module dnpu_busarb #(
    parameter integer N     = 4,    // power of two
    parameter integer DEPTH = 8     // bursts in flight per direction, power of two
) (
    input  wire             clk,
    input  wire             rst,
    input  wire             flush,     // clients dropped: finish their bursts
    // clients, flattened: client i at [i*W +: W]
    input  wire [N-1:0]     c_req_valid,
    output wire [N-1:0]     c_req_ready,
    input  wire [N-1:0]     c_req_write,
    input  wire [N*64-1:0]  c_req_addr,
    input  wire [N*4-1:0]   c_req_len,
    input  wire [N-1:0]     c_wvalid,
    output wire [N-1:0]     c_wready,
    input  wire [N*128-1:0] c_wdata,
    input  wire [N*16-1:0]  c_wstrb,
    input  wire [N-1:0]     c_wlast,
    output wire [N-1:0]     c_rvalid,
    input  wire [N-1:0]     c_rready,
    output wire [N-1:0]     c_bvalid,
    // master port
    output wire             m_req_valid,
    input  wire             m_req_ready,
    output wire             m_req_write,
    output wire [63:0]      m_req_addr,
    output wire [3:0]       m_req_len,
    output wire             m_wvalid,
    input  wire             m_wready,
    output wire [127:0]     m_wdata,
    output wire [15:0]      m_wstrb,
    output wire             m_wlast,
    input  wire             m_rvalid,
    output wire             m_rready,
    input  wire             m_rlast,
    input  wire             m_bvalid,
    output wire             m_bready
);
    localparam integer IW = (N > 1) ? $clog2(N) : 1;
    localparam integer QW = (DEPTH > 1) ? $clog2(DEPTH) : 1;
    localparam [QW:0]  FULL = DEPTH[QW:0];

    // owners of the reads / writes on the bus, oldest at the head
    reg [IW-1:0] rq_own [0:DEPTH-1];
    reg [IW-1:0] wq_own [0:DEPTH-1];
    reg [DEPTH-1:0] rq_drop, wq_drop;     // flushed: answer dropped here
    reg [QW-1:0] rq_head, rq_tail, wq_head, wq_tail;
    reg [QW:0]   rq_cnt, wq_cnt;
    // the write whose beats are going out
    reg          wbusy;
    reg [IW-1:0] wown;
    reg [4:0]    wleft;
    reg          wdrain;                 // its owner was flushed

    wire rd_room = rq_cnt != FULL;
    wire wr_room = !wbusy && wq_cnt != FULL;

    // the grant: one client's request on the port until accepted
    reg          gv;
    reg [IW-1:0] gown;
    reg [IW-1:0] last;     // last granted, for round robin

    // next eligible requester after 'last', in round-robin order
    reg          pick_any;
    reg [IW-1:0] pick;
    integer k;
    always @(*) begin
        pick_any = 1'b0;
        pick     = {IW{1'b0}};
        for (k = N; k >= 1; k = k - 1) begin
            // descending so that the nearest one after 'last' wins
            if (c_req_valid[last + k[IW-1:0]] &&
                (c_req_write[last + k[IW-1:0]] ? wr_room : rd_room)) begin
                pick_any = 1'b1;
                pick     = last + k[IW-1:0];
            end
        end
    end

    wire req_go   = m_req_valid && m_req_ready;
    wire rd_pop   = m_rvalid && m_rready && m_rlast;
    wire wbeat_go = m_wvalid && m_wready;
    wire rq_head_live = (rq_cnt != {(QW+1){1'b0}}) && !rq_drop[rq_head];
    wire wq_head_live = (wq_cnt != {(QW+1){1'b0}}) && !wq_drop[wq_head];

    always @(posedge clk) begin
        if (rst) begin
            gv      <= 1'b0;
            gown    <= {IW{1'b0}};
            last    <= {IW{1'b0}};
            rq_head <= {QW{1'b0}};
            rq_tail <= {QW{1'b0}};
            rq_cnt  <= {(QW+1){1'b0}};
            wq_head <= {QW{1'b0}};
            wq_tail <= {QW{1'b0}};
            wq_cnt  <= {(QW+1){1'b0}};
            rq_drop <= {DEPTH{1'b0}};
            wq_drop <= {DEPTH{1'b0}};
            wbusy   <= 1'b0;
            wown    <= {IW{1'b0}};
            wleft   <= 5'd0;
            wdrain  <= 1'b0;
        end else begin
            // grant (a granted request is eligible until accepted: only
            // its own acceptance fills the queue or the write channel)
            if (flush || req_go) begin
                gv <= 1'b0;
            end else if (!gv && pick_any) begin
                gv   <= 1'b1;
                gown <= pick;
                last <= pick;
            end
            // read owners
            if (req_go && !m_req_write) begin
                rq_own[rq_tail]  <= gown;
                rq_drop[rq_tail] <= 1'b0;
                rq_tail          <= rq_tail + {{(QW-1){1'b0}}, 1'b1};
            end
            if (rd_pop)
                rq_head <= rq_head + {{(QW-1){1'b0}}, 1'b1};
            rq_cnt <= rq_cnt + {{QW{1'b0}}, req_go && !m_req_write} - {{QW{1'b0}}, rd_pop};
            // write owners (response order) and the write data channel
            if (req_go && m_req_write) begin
                wq_own[wq_tail]  <= gown;
                wq_drop[wq_tail] <= 1'b0;
                wq_tail          <= wq_tail + {{(QW-1){1'b0}}, 1'b1};
                wbusy            <= 1'b1;
                wown             <= gown;
                wleft            <= {1'b0, m_req_len} + 5'd1;
                wdrain           <= 1'b0;
            end else if (wbeat_go) begin
                wleft <= wleft - 5'd1;
                if (wleft == 5'd1)
                    wbusy <= 1'b0;
            end
            if (m_bvalid)
                wq_head <= wq_head + {{(QW-1){1'b0}}, 1'b1};
            wq_cnt <= wq_cnt + {{QW{1'b0}}, req_go && m_req_write} - {{QW{1'b0}}, m_bvalid};
            if (flush) begin
                rq_drop <= {DEPTH{1'b1}};
                wq_drop <= {DEPTH{1'b1}};
                if (wbusy)
                    wdrain <= 1'b1;
            end
        end
    end

    assign m_req_valid = gv && !flush && c_req_valid[gown];
    assign m_req_write = c_req_write[gown];
    assign m_req_addr  = c_req_addr[gown*64 +: 64];
    assign m_req_len   = c_req_len[gown*4 +: 4];
    assign m_wvalid    = wbusy && (wdrain || c_wvalid[wown]);
    assign m_wdata     = c_wdata[wown*128 +: 128];
    assign m_wstrb     = wdrain ? 16'd0 : c_wstrb[wown*16 +: 16];
    assign m_wlast     = wdrain ? (wleft == 5'd1) : c_wlast[wown];
    assign m_rready    = rq_head_live ? c_rready[rq_own[rq_head]] : 1'b1;
    assign m_bready    = 1'b1;

    genvar i;
    generate
        for (i = 0; i < N; i = i + 1) begin : g_cl
            assign c_req_ready[i] = req_go && (gown == i[IW-1:0]);
            assign c_wready[i]    = wbusy && !wdrain && (wown == i[IW-1:0]) && m_wready;
            assign c_rvalid[i]    = rq_head_live && (rq_own[rq_head] == i[IW-1:0]) && m_rvalid;
            assign c_bvalid[i]    = wq_head_live && (wq_own[wq_head] == i[IW-1:0]) && m_bvalid;
        end
    endgenerate
endmodule
`default_nettype wire

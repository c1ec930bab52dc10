// Round-robin arbiter of N bus clients onto the engine's single 128-bit
// host bus master port (docs/RTL.md "Host bus"). A client owns the bus from
// the grant until its burst completes (read: the beat with rlast; write:
// the write response), so responses need no IDs. On 'flush' (engine ABORT
// or watchdog) the clients are reset but a burst already on the bus is
// finished here: the remaining write beats go out with no strobes and the
// response is taken, read beats are taken and dropped, so the bus and its
// slave never wait for a master that is gone.
`default_nettype none
module dnpu_busarb #(
    parameter integer N = 4    // power of two
) (
    input  wire             clk,
    input  wire             rst,
    input  wire             flush,     // clients dropped: finish the burst
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

    reg          owned;
    reg [IW-1:0] owner;
    reg [IW-1:0] last;     // last owner, for round robin

    // next requester after 'last', in round-robin order
    reg          pick_any;
    reg [IW-1:0] pick;
    integer k;
    always @(*) begin
        pick_any = 1'b0;
        pick     = {IW{1'b0}};
        for (k = N; k >= 1; k = k - 1) begin
            // descending so that the nearest one after 'last' wins
            if (c_req_valid[last + k[IW-1:0]]) begin
                pick_any = 1'b1;
                pick     = last + k[IW-1:0];
            end
        end
    end

    wire read_done  = m_rvalid && m_rready && m_rlast;
    wire write_done = m_bvalid;

    // the owner's burst: accepted on the bus, direction, write beats left
    reg       req_acc;
    reg       m_req_write_r;
    reg [4:0] wleft;
    reg       draining;    // the owner was flushed, its burst is ours now

    always @(posedge clk) begin
        if (rst) begin
            owned    <= 1'b0;
            owner    <= {IW{1'b0}};
            last     <= {IW{1'b0}};
            req_acc  <= 1'b0;
            wleft    <= 5'd0;
            draining <= 1'b0;
        end else begin
            if (m_req_valid && m_req_ready) begin
                req_acc       <= 1'b1;
                m_req_write_r <= m_req_write;
                wleft         <= m_req_write ? {1'b0, m_req_len} + 5'd1 : 5'd0;
            end else if (m_wvalid && m_wready) begin
                wleft <= wleft - 5'd1;
            end
            if (!owned) begin
                if (pick_any && !flush) begin
                    owned <= 1'b1;
                    owner <= pick;
                    last  <= pick;
                end
            end else if ((draining || flush) && !req_acc && !(m_req_valid && m_req_ready)) begin
                // flushed before its request went out: nothing on the bus
                owned    <= 1'b0;
                draining <= 1'b0;
            end else if (req_acc && ((!m_req_write_r && read_done) ||
                                     (m_req_write_r && write_done))) begin
                owned    <= 1'b0;
                req_acc  <= 1'b0;
                draining <= 1'b0;
            end else if (flush) begin
                draining <= 1'b1;
            end
        end
    end

    assign m_req_valid = owned && !draining && c_req_valid[owner];
    assign m_req_write = c_req_write[owner];
    assign m_req_addr  = c_req_addr[owner*64 +: 64];
    assign m_req_len   = c_req_len[owner*4 +: 4];
    assign m_wvalid    = owned && (draining ? (req_acc && m_req_write_r && wleft != 5'd0)
                                            : c_wvalid[owner]);
    assign m_wdata     = c_wdata[owner*128 +: 128];
    assign m_wstrb     = draining ? 16'd0 : c_wstrb[owner*16 +: 16];
    assign m_wlast     = draining ? (wleft == 5'd1) : c_wlast[owner];
    assign m_rready    = (owned && !draining) ? c_rready[owner] : 1'b1;
    assign m_bready    = 1'b1;

    genvar i;
    generate
        for (i = 0; i < N; i = i + 1) begin : g_cl
            wire mine = owned && !draining && (owner == i[IW-1:0]);
            assign c_req_ready[i] = mine && m_req_ready;
            assign c_wready[i]    = mine && m_wready;
            assign c_rvalid[i]    = mine && m_rvalid;
            assign c_bvalid[i]    = mine && m_bvalid;
        end
    endgenerate
endmodule
`default_nettype wire

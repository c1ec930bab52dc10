// A scratchpad of LANES interleaved dnpu_spad banks (element e lives in
// bank e % LANES) so that LANES consecutive elements starting at ANY
// element address are read, or written under a lane mask, in one cycle:
// the array reads a vector of channels per cycle without alignment rules.
// Lane i of rd_data/wr_data is element addr + i. Addresses wrap at the
// size; the engine range-checks accesses before issuing them.
`default_nettype none
module dnpu_spad_lanes #(
    parameter integer LANES  = 4,           // power of two, >= 2
    parameter integer LANE_W = 8,
    parameter integer DEPTH  = 1024,        // elements per bank
    parameter integer AW     = $clog2(LANES * DEPTH)
) (
    input  wire                    clk,
    input  wire                    rd_en,
    input  wire [AW-1:0]           rd_addr,
    output wire [LANES*LANE_W-1:0] rd_data,
    input  wire                    wr_en,
    input  wire [AW-1:0]           wr_addr,
    input  wire [LANES*LANE_W-1:0] wr_data,
    input  wire [LANES-1:0]        wr_mask
);
    localparam integer LB = (LANES > 1) ? $clog2(LANES) : 1;
    localparam integer BW = AW - $clog2(LANES); // bank address bits
    localparam [LB-1:0] LB_MASK = LANES[LB-1:0] - 1'b1;

    wire [LANES*LANE_W-1:0] bank_q;
    reg  [LB-1:0]           rd_rot;   // lane offset of the last read

    genvar b;
    generate
        for (b = 0; b < LANES; b = b + 1) begin : g_bank
            // Element for bank b: the first address >= addr that maps to b.
            wire [AW:0]   rd_e = {1'b0, rd_addr} + {{(AW+1-LB){1'b0}}, (b[LB-1:0] - rd_addr[LB-1:0]) & LB_MASK};
            wire [AW:0]   wr_e = {1'b0, wr_addr} + {{(AW+1-LB){1'b0}}, (b[LB-1:0] - wr_addr[LB-1:0]) & LB_MASK};
            wire [LB-1:0] wr_lane = b[LB-1:0] - wr_addr[LB-1:0];
            wire          rd_e_unused = rd_e[AW] ^ (^rd_e[LB-1:0]);
            wire          wr_e_unused = wr_e[AW] ^ (^wr_e[LB-1:0]);
            dnpu_spad #(.WIDTH(LANE_W), .DEPTH(DEPTH), .AW(BW)) u_bank (
                .clk(clk),
                .rd_en(rd_en), .rd_addr(rd_e[AW-1:AW-BW]),
                .rd_data(bank_q[b*LANE_W +: LANE_W]),
                .wr_en(wr_en && wr_mask[wr_lane]), .wr_addr(wr_e[AW-1:AW-BW]),
                .wr_data(wr_data[wr_lane*LANE_W +: LANE_W]));
            // lane i holds bank (rot + i) % LANES
            wire [LB-1:0] src = rd_rot + b[LB-1:0];
            assign rd_data[b*LANE_W +: LANE_W] = bank_q[src*LANE_W +: LANE_W];
        end
    endgenerate

    always @(posedge clk)
        if (rd_en)
            rd_rot <= rd_addr[LB-1:0];
endmodule
`default_nettype wire

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

    localparam integer DW = LANES * LANE_W;

    wire [DW-1:0] bank_q;
    reg  [LB-1:0] rd_rot;   // lane offset of the last read

    // The lane <-> bank crossbars are rotations: one log-depth shifter per
    // port (LB stages of DW muxes) instead of a LANES:1 select per lane,
    // which cost ~4x the LUTs (the ECP5 flow, docs/FPGA.md).
    // Bank b takes lane (b - wr_addr) % LANES: the upper half of the
    // doubled vector shifted left by wr_addr lanes.
    wire [LB-1:0]   wr_lo = wr_addr[LB-1:0];
    wire [2*DW-1:0] wr_dd = {wr_data, wr_data} << (wr_lo * LANE_W);
    wire [2*LANES-1:0] wr_mm = {wr_mask, wr_mask} << wr_lo;
    wire [DW-1:0]   wr_bank_data = wr_dd[2*DW-1:DW];
    wire [LANES-1:0] wr_bank_en  = wr_mm[2*LANES-1:LANES];
    wire            wr_dd_unused = (^wr_dd[DW-1:0]) ^ (^wr_mm[LANES-1:0]);
    // Lane i holds bank (rd_rot + i) % LANES: the doubled read data
    // shifted right by rd_rot lanes.
    wire [2*DW-1:0] rd_dd = {bank_q, bank_q} >> (rd_rot * LANE_W);
    assign rd_data = rd_dd[DW-1:0];
    wire            rd_dd_unused = ^rd_dd[2*DW-1:DW];

    // Element for bank b: the first address >= addr that maps to b, i.e.
    // row addr / LANES, or the next row for banks below addr % LANES
    // (rows wrap at the size).
    wire [BW-1:0] rd_row  = rd_addr[AW-1:AW-BW];
    wire [BW-1:0] wr_row  = wr_addr[AW-1:AW-BW];
    wire [BW-1:0] rd_row1 = rd_row + 1'b1;
    wire [BW-1:0] wr_row1 = wr_row + 1'b1;
    // bit b: bank b is below addr % LANES
    wire [LANES-1:0] rd_below = ~({LANES{1'b1}} << rd_addr[LB-1:0]);
    wire [LANES-1:0] wr_below = ~({LANES{1'b1}} << wr_lo);

    genvar b;
    generate
        for (b = 0; b < LANES; b = b + 1) begin : g_bank
            wire [BW-1:0] rd_e = rd_below[b] ? rd_row1 : rd_row;
            wire [BW-1:0] wr_e = wr_below[b] ? wr_row1 : wr_row;
            dnpu_spad #(.WIDTH(LANE_W), .DEPTH(DEPTH), .AW(BW)) u_bank (
                .clk(clk),
                .rd_en(rd_en), .rd_addr(rd_e),
                .rd_data(bank_q[b*LANE_W +: LANE_W]),
                .wr_en(wr_en && wr_bank_en[b]), .wr_addr(wr_e),
                .wr_data(wr_bank_data[b*LANE_W +: LANE_W]));
        end
    endgenerate

    always @(posedge clk)
        if (rd_en)
            rd_rot <= rd_addr[LB-1:0];
endmodule
`default_nettype wire

// ROWS x COLS weight-stationary systolic array (DianNao NFU-1/2):
//   out_y[j] = sum_{i<ROWS} in_x[i] * W[i][j]     int8 x int8 -> int32
// PE(i,j) holds W[i][j]; activations enter row i from the left, skewed by
// i cycles, and move right one PE per cycle; partial sums move down one PE
// per cycle and leave the bottom of column j, which is deskewed so a whole
// output vector appears at once. One input vector per cycle, fixed latency
// LATENCY = ROWS + COLS - 1. Each PE holds two weight banks: a vector names
// its bank (in_sel), which travels with it through the row, so the next
// tile's weights load into the other bank (w_load/w_row/w_bank, one row per
// cycle) while the current tile streams, and tiles follow each other
// without draining the array. A bank may be rewritten once the last vector
// using it has passed (ROWS + COLS cycles after it entered).
// docs/RTL.md explains the choice.
`default_nettype none
module dnpu_array #(
    parameter integer ROWS = 4,   // >= 2
    parameter integer COLS = 4,   // >= 2
    parameter integer RW   = (ROWS > 1) ? $clog2(ROWS) : 1
) (
    input  wire               clk,
    input  wire               rst,
    input  wire               w_load,
    input  wire [RW-1:0]      w_row,
    input  wire               w_bank,
    input  wire [COLS*8-1:0]  w_data,
    input  wire               in_valid,
    input  wire               in_sel,      // weight bank of this vector
    input  wire [ROWS*8-1:0]  in_x,
    output wire               out_valid,
    output wire [COLS*32-1:0] out_y
);
    localparam integer LATENCY = ROWS + COLS - 1;

    // A vector enters or is in flight. The data registers shift only then:
    // outputs are used only with out_valid, which depends on nothing else,
    // and an idle array neither toggles nor costs simulation time.
    reg  [LATENCY-1:0] valid_d;
    wire               active = in_valid || (valid_d != {LATENCY{1'b0}});

    // int8 x int8 -> int16, sign-extended to the psum width. A function
    // rather than a wire so the product exists only inside the gated
    // update (Verilator then skips it while the array is idle).
    function [31:0] mul8s;
        input signed [7:0] ms_a;
        input signed [7:0] ms_b;
        reg signed [15:0] ms_p;
        begin
            ms_p  = ms_a * ms_b;
            mul8s = {{16{ms_p[15]}}, ms_p};
        end
    endfunction

    // Neighbours are read by hierarchical name (g_row[i].g_pe[j].ps)
    // rather than through wire arrays, and the delay lines are packed
    // vectors: the Verilator model then has no per-cycle copies.
    genvar i, j;
    generate
        // input skew: row i delayed by i cycles (byte k = k+1 cycles old)
        // (ds: the vectors' weight banks alongside)
        for (i = 1; i < ROWS; i = i + 1) begin : g_skew
            reg [i*8-1:0] d;
            reg [i-1:0]   ds;
            if (i == 1) begin : g_one
                always @(posedge clk)
                    if (active) begin
                        d  <= in_x[15:8];
                        ds <= in_sel;
                    end
            end else begin : g_more
                always @(posedge clk)
                    if (active) begin
                        d  <= {d[(i-1)*8-1:0], in_x[i*8 +: 8]};
                        ds <= {ds[i-2:0], in_sel};
                    end
            end
        end

        for (i = 0; i < ROWS; i = i + 1) begin : g_row
            for (j = 0; j < COLS; j = j + 1) begin : g_pe
                // A valid vector's psum at row i is a sum of i + 1 int8
                // products, |p| <= 2^14, so it fits PW = 16 + clog2(i + 1)
                // signed bits (20 for 16 rows, ROWS <= 32768 keeps PW < 32):
                // only those are kept, the rest is their sign. The narrow
                // adders are exact for every valid vector (on ECP5 ~3k
                // LUT4-eq and ~3k FF fewer for 16x16).
                localparam integer PW = 16 + $clog2(i + 1);
                reg  [7:0]  w0, w1;
                reg  [PW-1:0] psr;
                reg  [31-PW:0] ps_hi;   // dropped by synthesis (never read)
                wire [31:0] ps = {{(32-PW){psr[PW-1]}}, psr};
                wire        ps_hi_unused = ^ps_hi;
                wire [7:0]  x_in;     // activation entering PE(i,j)
                wire        s_in;     // its weight bank
                wire [31:0] ps_in;    // psum from PE(i-1,j)
                if (j > 0) begin : g_x_right
                    assign x_in = g_row[i].g_pe[j-1].g_x.x;
                    assign s_in = g_row[i].g_pe[j-1].g_x.xs;
                end else if (i > 0) begin : g_x_skew
                    assign x_in = g_skew[i].d[(i-1)*8 +: 8];
                    assign s_in = g_skew[i].ds[i-1];
                end else begin : g_x_direct
                    assign x_in = in_x[7:0];
                    assign s_in = in_sel;
                end
                if (i == 0) begin : g_top
                    assign ps_in = 32'd0;
                end else begin : g_chain
                    assign ps_in = g_row[i-1].g_pe[j].ps;
                end
                // the activation moves right (none leaves the right edge)
                if (j < COLS - 1) begin : g_x
                    reg [7:0] x;
                    reg       xs;
                    always @(posedge clk)
                        if (active) begin
                            x  <= x_in;
                            xs <= s_in;
                        end
                end
                always @(posedge clk) begin
                    if (w_load && w_row == i[RW-1:0] && !w_bank)
                        w0 <= w_data[j*8 +: 8];
                    if (w_load && w_row == i[RW-1:0] && w_bank)
                        w1 <= w_data[j*8 +: 8];
                    if (active)
                        {ps_hi, psr} <= ps_in + mul8s(x_in, s_in ? w1 : w0);
                end
            end
        end

        // output deskew: column j delayed by COLS-1-j cycles
        for (j = 0; j < COLS; j = j + 1) begin : g_deskew
            if (j == COLS - 1) begin : g_direct
                assign out_y[j*32 +: 32] = g_row[ROWS-1].g_pe[j].ps;
            end else begin : g_delay
                localparam integer D = COLS - 1 - j;
                reg [D*32-1:0] d;
                if (D == 1) begin : g_one
                    always @(posedge clk)
                        if (active)
                            d <= g_row[ROWS-1].g_pe[j].ps;
                end else begin : g_more
                    always @(posedge clk)
                        if (active)
                            d <= {d[(D-1)*32-1:0], g_row[ROWS-1].g_pe[j].ps};
                end
                assign out_y[j*32 +: 32] = d[(D-1)*32 +: 32];
            end
        end
    endgenerate

    always @(posedge clk) begin
        if (rst)
            valid_d <= {LATENCY{1'b0}};
        else
            valid_d <= {valid_d[LATENCY-2:0], in_valid};
    end
    assign out_valid = valid_d[LATENCY-1];
endmodule
`default_nettype wire

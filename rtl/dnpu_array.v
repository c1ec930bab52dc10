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

    // x_h[i][j]: activation entering PE(i,j) (s_h: its bank);
    // ps_v[i][j]: psum leaving PE(i,j)
    wire [7:0]  x_h  [0:ROWS-1][0:COLS];
    wire        s_h  [0:ROWS-1][0:COLS];
    wire [31:0] ps_v [0:ROWS-1][0:COLS-1];

    genvar i, j;
    generate
        // input skew: row i delayed by i cycles
        for (i = 0; i < ROWS; i = i + 1) begin : g_skew
            if (i == 0) begin : g_direct
                assign x_h[0][0] = in_x[7:0];
                assign s_h[0][0] = in_sel;
            end else begin : g_delay
                reg [7:0] d [0:i-1];
                reg       ds [0:i-1];
                integer k;
                always @(posedge clk) begin
                    d[0]  <= in_x[i*8 +: 8];
                    ds[0] <= in_sel;
                    for (k = 1; k < i; k = k + 1) begin
                        d[k]  <= d[k-1];
                        ds[k] <= ds[k-1];
                    end
                end
                assign x_h[i][0] = d[i-1];
                assign s_h[i][0] = ds[i-1];
            end
        end

        for (i = 0; i < ROWS; i = i + 1) begin : g_row
            for (j = 0; j < COLS; j = j + 1) begin : g_pe
                reg  [7:0]  w0, w1;
                reg  [7:0]  x;
                reg         xs;
                reg  [31:0] ps;
                wire [31:0] ps_in;
                if (i == 0) begin : g_top
                    assign ps_in = 32'd0;
                end else begin : g_chain
                    assign ps_in = ps_v[i-1][j];
                end
                wire [7:0] w = s_h[i][j] ? w1 : w0;
                wire signed [15:0] prod = $signed(x_h[i][j]) * $signed(w);
                always @(posedge clk) begin
                    if (w_load && w_row == i[RW-1:0] && !w_bank)
                        w0 <= w_data[j*8 +: 8];
                    if (w_load && w_row == i[RW-1:0] && w_bank)
                        w1 <= w_data[j*8 +: 8];
                    x  <= x_h[i][j];
                    xs <= s_h[i][j];
                    ps <= ps_in + {{16{prod[15]}}, prod};
                end
                assign x_h[i][j+1] = x;
                assign s_h[i][j+1] = xs;
                assign ps_v[i][j]  = ps;
            end
            // the activation leaving the right edge is not used
            wire [7:0] x_out_unused = x_h[i][COLS];
            wire       s_out_unused = s_h[i][COLS];
        end

        // output deskew: column j delayed by COLS-1-j cycles
        for (j = 0; j < COLS; j = j + 1) begin : g_deskew
            if (j == COLS - 1) begin : g_direct
                assign out_y[j*32 +: 32] = ps_v[ROWS-1][j];
            end else begin : g_delay
                localparam integer D = COLS - 1 - j;
                reg [31:0] d [0:D-1];
                integer k;
                always @(posedge clk) begin
                    d[0] <= ps_v[ROWS-1][j];
                    for (k = 1; k < D; k = k + 1)
                        d[k] <= d[k-1];
                end
                assign out_y[j*32 +: 32] = d[D-1];
            end
        end
    endgenerate

    reg [LATENCY-1:0] valid_d;
    always @(posedge clk) begin
        if (rst)
            valid_d <= {LATENCY{1'b0}};
        else
            valid_d <= {valid_d[LATENCY-2:0], in_valid};
    end
    assign out_valid = valid_d[LATENCY-1];
endmodule
`default_nettype wire

// TFLite MultiplyByQuantizedMultiplier (double rounding), pipelined.
//   y = RoundingDivideByPOT(SRDHM(x << max(shift,0), mult), max(-shift,0))
// Bit-exact with accel_mbqm() in libaccel/src/quant.h for shift in
// [-31, 31]; shift amounts beyond that saturate to 31 (TFLite never emits
// them). Fixed latency of 4 cycles, one result per cycle, no stall: the
// consumer must accept every out_valid.
`default_nettype none
module dnpu_mbqm (
    input  wire        clk,
    input  wire        rst,
    input  wire        in_valid,
    input  wire [31:0] in_x,
    input  wire [31:0] in_mult,
    input  wire [31:0] in_shift,   // signed exponent, left if > 0
    output reg         out_valid,
    output reg  [31:0] out_y
);
    // Stage 1: left shift (wrapping like the uint32 shift in quant.h).
    wire        shift_neg = in_shift[31];
    wire        shift_big = shift_neg ? (in_shift < 32'hffffffe1) : (in_shift > 32'd31);
    wire [4:0]  shift_mag = shift_neg ? (~in_shift[4:0] + 5'd1) : in_shift[4:0];
    wire [4:0]  shamt     = shift_big ? 5'd31 : shift_mag;

    reg        s1_valid;
    reg [31:0] s1_x;
    reg [31:0] s1_mult;
    reg [4:0]  s1_right;
    always @(posedge clk) begin
        s1_x     <= shift_neg ? in_x : (in_x << shamt);
        s1_mult  <= in_mult;
        s1_right <= shift_neg ? shamt : 5'd0;
    end

    // Stage 2: 32x32 signed product; note the single overflowing case.
    reg               s2_valid;
    reg signed [63:0] s2_prod;
    reg               s2_sat;
    reg [4:0]         s2_right;
    always @(posedge clk) begin
        s2_prod  <= $signed(s1_x) * $signed(s1_mult);
        s2_sat   <= (s1_x == 32'h80000000) && (s1_mult == 32'h80000000);
        s2_right <= s1_right;
    end

    // Stage 3: SRDHM = (prod + nudge) / 2^31 truncating toward zero.
    wire signed [63:0] s2_nudged = s2_prod + (s2_prod[63] ? 64'shffffffffc0000001
                                                          : 64'sh0000000040000000);
    // floor(s / 2^31) then +1 for negative non-exact values (C truncation).
    // Only the low 32 bits survive: the sole out-of-range case is s2_sat.
    wire [31:0] s2_floor = s2_nudged[62:31];
    wire        s2_inexact = s2_nudged[63] && (s2_nudged[30:0] != 31'd0);
    wire [31:0] s2_trunc = s2_floor + {31'd0, s2_inexact};

    reg        s3_valid;
    reg [31:0] s3_v;
    reg [4:0]  s3_right;
    always @(posedge clk) begin
        s3_v     <= s2_sat ? 32'h7fffffff : s2_trunc;
        s3_right <= s2_right;
    end

    // Stage 4: RoundingDivideByPOT, round half away from zero.
    wire [31:0] s3_mask      = (32'd1 << s3_right) - 32'd1;
    wire [31:0] s3_rem       = s3_v & s3_mask;
    wire [31:0] s3_threshold = {1'b0, s3_mask[31:1]} + {31'd0, s3_v[31]};
    wire [31:0] s3_shifted   = $unsigned($signed(s3_v) >>> s3_right);
    always @(posedge clk) begin
        out_y     <= s3_shifted + {31'd0, (s3_rem > s3_threshold)};
    end

    // Only the valid bits need a reset; data registers may start as X.
    always @(posedge clk) begin
        if (rst) begin
            s1_valid  <= 1'b0;
            s2_valid  <= 1'b0;
            s3_valid  <= 1'b0;
            out_valid <= 1'b0;
        end else begin
            s1_valid  <= in_valid;
            s2_valid  <= s1_valid;
            s3_valid  <= s2_valid;
            out_valid <= s3_valid;
        end
    end
endmodule
`default_nettype wire

// TFLite MultiplyByQuantizedMultiplier (double rounding), pipelined.
//   y = RoundingDivideByPOT(SRDHM(x << max(shift,0), mult), max(-shift,0))
// Bit-exact with accel_mbqm() in libaccel/src/quant.h for shift in
// [-31, 31]; shift amounts beyond that saturate to 31 (TFLite never emits
// them). Fixed latency of 4 cycles, one result per cycle, no stall: the
// consumer must accept every out_valid; out_y holds the last result
// between them.
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
    // The combinational parts are functions called inside the clocked
    // blocks, so each stage's logic sits under its valid: an idle stage
    // does not toggle, and the Verilator model skips it.

    // Shift amount: |in_shift| saturated to 31.
    function [4:0] shamt_of;
        input [31:0] sa_sh;
        reg sa_big;
        begin
            sa_big   = sa_sh[31] ? (sa_sh < 32'hffffffe1) : (sa_sh > 32'd31);
            shamt_of = sa_big ? 5'd31 : (sa_sh[31] ? (~sa_sh[4:0] + 5'd1) : sa_sh[4:0]);
        end
    endfunction

    // SRDHM = (prod + nudge) / 2^31 truncating toward zero: floor, then +1
    // for negative non-exact values (C truncation). Only the low 32 bits
    // survive: the sole out-of-range case is the saturating one.
    function [31:0] srdhm;
        input [63:0] sr_prod;
        reg [63:0] sr_nudged;
        begin
            sr_nudged = sr_prod + (sr_prod[63] ? 64'hffffffffc0000001 : 64'h0000000040000000);
            srdhm     = sr_nudged[62:31] + {31'd0, sr_nudged[63] && (sr_nudged[30:0] != 31'd0)};
        end
    endfunction

    // RoundingDivideByPOT, round half away from zero.
    function [31:0] rdbpot;
        input [31:0] rd_v;
        input [4:0]  rd_right;
        reg [31:0] rd_mask, rd_rem, rd_threshold, rd_shifted;
        begin
            rd_mask      = (32'd1 << rd_right) - 32'd1;
            rd_rem       = rd_v & rd_mask;
            rd_threshold = {1'b0, rd_mask[31:1]} + {31'd0, rd_v[31]};
            rd_shifted   = $unsigned($signed(rd_v) >>> rd_right);
            rdbpot       = rd_shifted + {31'd0, (rd_rem > rd_threshold)};
        end
    endfunction

    // Stage 1: left shift (wrapping like the uint32 shift in quant.h).
    reg        s1_valid;
    reg [31:0] s1_x;
    reg [31:0] s1_mult;
    reg [4:0]  s1_right;
    always @(posedge clk) begin
        if (in_valid) begin
            s1_x     <= in_shift[31] ? in_x : (in_x << shamt_of(in_shift));
            s1_mult  <= in_mult;
            s1_right <= in_shift[31] ? shamt_of(in_shift) : 5'd0;
        end
    end

    // Stage 2: 32x32 signed product; note the single overflowing case.
    reg               s2_valid;
    reg signed [63:0] s2_prod;
    reg               s2_sat;
    reg [4:0]         s2_right;
    always @(posedge clk) begin
        if (s1_valid) begin
            s2_prod  <= $signed(s1_x) * $signed(s1_mult);
            s2_sat   <= (s1_x == 32'h80000000) && (s1_mult == 32'h80000000);
            s2_right <= s1_right;
        end
    end

    // Stage 3: SRDHM.
    reg        s3_valid;
    reg [31:0] s3_v;
    reg [4:0]  s3_right;
    always @(posedge clk) begin
        if (s2_valid) begin
            s3_v     <= s2_sat ? 32'h7fffffff : srdhm(s2_prod);
            s3_right <= s2_right;
        end
    end

    // Stage 4: RoundingDivideByPOT.
    always @(posedge clk) begin
        if (s3_valid)
            out_y <= rdbpot(s3_v, s3_right);
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

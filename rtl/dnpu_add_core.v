// TFLite int8 ADD (reference kernel semantics, see struct dnpu_add_param):
//   a' = MBQM((a + in1_offset) << left_shift, in1_mult, in1_shift)
//   b' = MBQM((b + in2_offset) << left_shift, in2_mult, in2_shift)
//   y  = clamp(MBQM(a' + b', out_mult, out_shift) + out_offset, act_min, act_max)
//   then saturated to int8 (as the C model does for out-of-int8 act ranges)
// int32 intermediates wrap like the reference's int32 arithmetic. The
// parameters are per-command and must stay stable while values are in
// flight. Fixed latency of 11 cycles, one element per cycle.
`default_nettype none
module dnpu_add_core (
    input  wire        clk,
    input  wire        rst,
    input  wire [31:0] in1_offset,
    input  wire [31:0] in1_mult,
    input  wire [31:0] in1_shift,
    input  wire [31:0] in2_offset,
    input  wire [31:0] in2_mult,
    input  wire [31:0] in2_shift,
    input  wire [31:0] left_shift,
    input  wire [31:0] out_mult,
    input  wire [31:0] out_shift,
    input  wire [31:0] out_offset,
    input  wire [31:0] act_min,
    input  wire [31:0] act_max,
    input  wire        in_valid,
    input  wire [7:0]  in_a,
    input  wire [7:0]  in_b,
    output reg         out_valid,
    output reg  [7:0]  out_y
);
    // Stage 1: offset and left shift. TFLite's left_shift is 20; larger
    // values than 31 are not meaningful and saturate to 31.
    wire [4:0]  ls = (left_shift > 32'd31) ? 5'd31 : left_shift[4:0];
    wire [31:0] a_off = {{24{in_a[7]}}, in_a} + in1_offset;
    wire [31:0] b_off = {{24{in_b[7]}}, in_b} + in2_offset;
    reg         s1_valid;
    reg  [31:0] s1_a;
    reg  [31:0] s1_b;
    always @(posedge clk) begin
        s1_a <= a_off << ls;
        s1_b <= b_off << ls;
    end

    // Stages 2-5: rescale both inputs.
    wire        a_valid;
    wire        b_valid_unused;
    wire [31:0] a_scaled;
    wire [31:0] b_scaled;
    dnpu_mbqm u_scale_a (
        .clk(clk), .rst(rst), .in_valid(s1_valid), .in_x(s1_a),
        .in_mult(in1_mult), .in_shift(in1_shift),
        .out_valid(a_valid), .out_y(a_scaled));
    dnpu_mbqm u_scale_b (
        .clk(clk), .rst(rst), .in_valid(s1_valid), .in_x(s1_b),
        .in_mult(in2_mult), .in_shift(in2_shift),
        .out_valid(b_valid_unused), .out_y(b_scaled));

    // Stage 6: sum.
    reg         s6_valid;
    reg  [31:0] s6_sum;
    always @(posedge clk) s6_sum <= a_scaled + b_scaled;

    // Stages 7-10: output rescale.
    wire        o_valid;
    wire [31:0] o_scaled;
    dnpu_mbqm u_scale_out (
        .clk(clk), .rst(rst), .in_valid(s6_valid), .in_x(s6_sum),
        .in_mult(out_mult), .in_shift(out_shift),
        .out_valid(o_valid), .out_y(o_scaled));

    // Stage 11: output offset (int32 wrap) and clamp.
    wire [31:0] o_off = o_scaled + out_offset;
    wire [31:0] o_lo  = ($signed(o_off) < $signed(act_min)) ? act_min : o_off;
    wire [31:0] o_cl  = ($signed(o_lo) > $signed(act_max)) ? act_max : o_lo;
    // then saturate to int8 (only matters for act ranges wider than int8)
    wire [7:0]  o_y   = ($signed(o_cl) < -32'sd128) ? 8'h80 :
                        ($signed(o_cl) > 32'sd127)  ? 8'h7f : o_cl[7:0];
    always @(posedge clk) out_y <= o_y;

    always @(posedge clk) begin
        if (rst) begin
            s1_valid  <= 1'b0;
            s6_valid  <= 1'b0;
            out_valid <= 1'b0;
        end else begin
            s1_valid  <= in_valid;
            s6_valid  <= a_valid;
            out_valid <= o_valid;
        end
    end
endmodule
`default_nettype wire

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
    // Combinational parts are functions called inside the clocked blocks,
    // under each stage's valid (see dnpu_mbqm).

    // Stage 1: offset and left shift. TFLite's left_shift is 20; larger
    // values than 31 are not meaningful and saturate to 31.
    function [31:0] offset_shift;
        input [7:0]  os_v;
        input [31:0] os_offset;
        input [31:0] os_shift;
        reg [4:0] os_ls;
        begin
            os_ls        = (os_shift > 32'd31) ? 5'd31 : os_shift[4:0];
            offset_shift = ({{24{os_v[7]}}, os_v} + os_offset) << os_ls;
        end
    endfunction

    // Stage 11: output offset (int32 wrap) and clamp, then saturate to int8
    // (only matters for act ranges wider than int8).
    function [7:0] clamp_out;
        input [31:0] co_v;
        input [31:0] co_offset;
        input [31:0] co_lo;
        input [31:0] co_hi;
        reg [31:0] co_off, co_low, co_cl;
        begin
            co_off    = co_v + co_offset;
            co_low    = ($signed(co_off) < $signed(co_lo)) ? co_lo : co_off;
            co_cl     = ($signed(co_low) > $signed(co_hi)) ? co_hi : co_low;
            clamp_out = ($signed(co_cl) < -32'sd128) ? 8'h80 :
                        ($signed(co_cl) > 32'sd127)  ? 8'h7f : co_cl[7:0];
        end
    endfunction

    reg         s1_valid;
    reg  [31:0] s1_a;
    reg  [31:0] s1_b;
    // data registers load only with their stage's valid
    always @(posedge clk) begin
        if (in_valid) begin
            s1_a <= offset_shift(in_a, in1_offset, left_shift);
            s1_b <= offset_shift(in_b, in2_offset, left_shift);
        end
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
    always @(posedge clk)
        if (a_valid)
            s6_sum <= a_scaled + b_scaled;

    // Stages 7-10: output rescale.
    wire        o_valid;
    wire [31:0] o_scaled;
    dnpu_mbqm u_scale_out (
        .clk(clk), .rst(rst), .in_valid(s6_valid), .in_x(s6_sum),
        .in_mult(out_mult), .in_shift(out_shift),
        .out_valid(o_valid), .out_y(o_scaled));

    // Stage 11: output offset and clamp.
    always @(posedge clk)
        if (o_valid)
            out_y <= clamp_out(o_scaled, out_offset, act_min, act_max);

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

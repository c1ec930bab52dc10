// Post-processing unit (NFU-3): the conv epilogue of struct dnpu_cmd_ppu.
//   v = MBQM(acc + bias, mult, shift) + out_zp, clamp [act_min, act_max]
//   if fuse_add: v = ADD(v, res) with the dnpu_add_param in add_*
//   out = (int8)v
// Per-element inputs (acc, per-channel bias/mult/shift, residual) enter
// with in_valid; the per-command configuration (zero point, activation
// range, fuse flag, add parameters) must stay stable while elements are in
// flight. Fixed latency LATENCY cycles, one element per cycle, no stall.
`default_nettype none
module dnpu_ppu (
    input  wire        clk,
    input  wire        rst,
    // per command
    input  wire [15:0] cfg_out_zp,     // signed
    input  wire [7:0]  cfg_act_min,    // signed
    input  wire [7:0]  cfg_act_max,    // signed
    input  wire        cfg_fuse_add,
    input  wire [383:0] cfg_add_param, // struct dnpu_add_param, word i at [32*i +: 32]
    // per element
    input  wire        in_valid,
    input  wire [31:0] in_acc,
    input  wire [31:0] in_bias,
    input  wire [31:0] in_mult,
    input  wire [31:0] in_shift,
    input  wire [7:0]  in_res,
    output wire        out_valid,
    output wire [7:0]  out_y
);
`include "dnpu_hw_params.vh"
    localparam integer LATENCY = 17;

    // Stage 1: bias (int32 wrap); the residual rides along.
    reg         s1_valid;
    reg  [31:0] s1_v;
    reg  [7:0]  s1_res;
    always @(posedge clk) begin
        s1_v   <= in_acc + in_bias;
        s1_res <= in_res;
    end

    // Stages 2-5: requantize.
    wire        q_valid;
    wire [31:0] q_v;
    dnpu_mbqm u_requant (
        .clk(clk), .rst(rst), .in_valid(s1_valid), .in_x(s1_v),
        .in_mult(in_mult_d), .in_shift(in_shift_d),
        .out_valid(q_valid), .out_y(q_v));
    // mult/shift belong to the element entering stage 2.
    reg [31:0] in_mult_d;
    reg [31:0] in_shift_d;
    always @(posedge clk) begin
        in_mult_d  <= in_mult;
        in_shift_d <= in_shift;
    end
    // residual delay matching the requant latency
    reg [7:0] res_d [0:3];
    always @(posedge clk) begin
        res_d[0] <= s1_res;
        res_d[1] <= res_d[0];
        res_d[2] <= res_d[1];
        res_d[3] <= res_d[2];
    end

    // Stage 6: zero point (int32 wrap, like the reference) and clamp.
    wire [31:0]        zp_sum = q_v + {{16{cfg_out_zp[15]}}, cfg_out_zp};
    wire signed [31:0] amin   = {{24{cfg_act_min[7]}}, cfg_act_min};
    wire signed [31:0] amax   = {{24{cfg_act_max[7]}}, cfg_act_max};
    wire signed [31:0] lo     = ($signed(zp_sum) < amin) ? amin : $signed(zp_sum);
    wire signed [31:0] cl     = (lo > amax) ? amax : lo;
    wire [23:0]        cl_unused = cl[31:8];
    reg         s6_valid;
    reg  [7:0]  s6_y;
    reg  [7:0]  s6_res;
    always @(posedge clk) begin
        s6_y   <= cl[7:0];
        s6_res <= res_d[3];
    end

    // Stages 7-17: optional fused residual add, bypass delayed to match.
    wire        add_valid;
    wire [7:0]  add_y;
    dnpu_add_core u_add (
        .clk(clk), .rst(rst),
        .in1_offset(cfg_add_param[32*DNPU_ADD_PARAM_IN1_OFFSET_W +: 32]),
        .in1_mult  (cfg_add_param[32*DNPU_ADD_PARAM_IN1_MULT_W   +: 32]),
        .in1_shift (cfg_add_param[32*DNPU_ADD_PARAM_IN1_SHIFT_W  +: 32]),
        .in2_offset(cfg_add_param[32*DNPU_ADD_PARAM_IN2_OFFSET_W +: 32]),
        .in2_mult  (cfg_add_param[32*DNPU_ADD_PARAM_IN2_MULT_W   +: 32]),
        .in2_shift (cfg_add_param[32*DNPU_ADD_PARAM_IN2_SHIFT_W  +: 32]),
        .left_shift(cfg_add_param[32*DNPU_ADD_PARAM_LEFT_SHIFT_W +: 32]),
        .out_mult  (cfg_add_param[32*DNPU_ADD_PARAM_OUT_MULT_W   +: 32]),
        .out_shift (cfg_add_param[32*DNPU_ADD_PARAM_OUT_SHIFT_W  +: 32]),
        .out_offset(cfg_add_param[32*DNPU_ADD_PARAM_OUT_OFFSET_W +: 32]),
        .act_min   (cfg_add_param[32*DNPU_ADD_PARAM_ACT_MIN_W    +: 32]),
        .act_max   (cfg_add_param[32*DNPU_ADD_PARAM_ACT_MAX_W    +: 32]),
        .in_valid(s6_valid), .in_a(s6_y), .in_b(s6_res),
        .out_valid(add_valid), .out_y(add_y));

    localparam integer BYPASS = LATENCY - 6;
    reg [7:0] byp [0:BYPASS-1];
    integer i;
    always @(posedge clk) begin
        byp[0] <= s6_y;
        for (i = 1; i < BYPASS; i = i + 1)
            byp[i] <= byp[i-1];
    end

    assign out_valid = add_valid;
    assign out_y     = cfg_fuse_add ? add_y : byp[BYPASS-1];

    always @(posedge clk) begin
        if (rst) begin
            s1_valid <= 1'b0;
            s6_valid <= 1'b0;
        end else begin
            s1_valid <= in_valid;
            s6_valid <= q_valid;
        end
    end
endmodule
`default_nettype wire

// SPDX-License-Identifier: MIT
// One MAC of the firmware-sequenced device's 2x2 array (dnpu_softeng):
// acc += a * w (signed int8 operands, 32-bit accumulator modulo 2^32) on
// step, acc = 0 on clear (clear wins).
// iCE40 builds (DNPU_ICE40_MAC16, tools/fpga/fpga-build.sh) use one
// SB_MAC16 with multiplier and accumulator inside: Yosys 0.23 packs the
// accumulator only for operands it cannot narrow, and it narrows these to
// 8 bits.
`default_nettype none
module dnpu_mac_acc (
    input  wire        clk,
    input  wire        clear,
    input  wire        step,
    input  wire [7:0]  a,
    input  wire [7:0]  w,
    output wire [31:0] acc
);
`ifdef DNPU_ICE40_MAC16
    // 16x16 signed product (iH) added to the output registers (iQ:iS, 32
    // bits, carry from the low half); OLOAD loads C:D = 0 (clear), OHOLD
    // keeps the sum between steps.
    wire hold = !(clear || step);
    SB_MAC16 #(
        .A_SIGNED(1'b1), .B_SIGNED(1'b1), .MODE_8x8(1'b0),
        .TOPADDSUB_LOWERINPUT(2'd2), .TOPADDSUB_UPPERINPUT(1'b0),
        .TOPADDSUB_CARRYSELECT(2'd2), .TOPOUTPUT_SELECT(2'd1),
        .BOTADDSUB_LOWERINPUT(2'd2), .BOTADDSUB_UPPERINPUT(1'b0),
        .BOTADDSUB_CARRYSELECT(2'd0), .BOTOUTPUT_SELECT(2'd1)
    ) u_mac (
        .CLK(clk), .CE(1'b1),
        .A({{8{a[7]}}, a}), .B({{8{w[7]}}, w}), .C(16'd0), .D(16'd0),
        .AHOLD(1'b0), .BHOLD(1'b0), .CHOLD(1'b0), .DHOLD(1'b0),
        .IRSTTOP(1'b0), .IRSTBOT(1'b0), .ORSTTOP(1'b0), .ORSTBOT(1'b0),
        .OLOADTOP(clear), .OLOADBOT(clear), .ADDSUBTOP(1'b0), .ADDSUBBOT(1'b0),
        .OHOLDTOP(hold), .OHOLDBOT(hold), .CI(1'b0), .ACCUMCI(1'b0),
        .SIGNEXTIN(1'b0), .O(acc), .CO(), .ACCUMCO(), .SIGNEXTOUT()
    );
`else
    wire signed [15:0] p = $signed(a) * $signed(w);
    reg         [31:0] r;
    always @(posedge clk)
        if (clear)
            r <= 32'd0;
        else if (step)
            r <= r + {{16{p[15]}}, p};
    assign acc = r;
`endif
endmodule
`default_nettype wire

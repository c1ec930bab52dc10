// SPDX-License-Identifier: MIT
// Lattice ECP5 MULT9X9D (one 9x9 multiplier, a quarter of a sysDSP slice;
// an LFE5U-85F has 312 of them, or 156 MULT18X18D, each in place of two),
// as the ECP5 flow of tools/fpga/fpga-build.sh uses it: all REG_* = "NONE"
// (combinational), SOURCEA/SOURCEB = 0 (operands from A/B, no shift
// chains). Yosys 0.23's ECP5 library has no MULT9X9D, so the flow reads
// this file with `read_verilog -lib` (ports and parameters only, a black
// box that Lattice's tools resolve); tests/fpga/mul9_equiv.sh reads it as
// a model to prove tools/fpga/ecp5_mul9_map.v equivalent to `*`. Port and
// parameter names follow Lattice's ECP5 primitive; the unused shift-chain
// and register outputs are left out.
`default_nettype none
module MULT9X9D (
    input  wire A8, A7, A6, A5, A4, A3, A2, A1, A0,
    input  wire B8, B7, B6, B5, B4, B3, B2, B1, B0,
    input  wire C8, C7, C6, C5, C4, C3, C2, C1, C0,
    input  wire SIGNEDA, SIGNEDB, SOURCEA, SOURCEB,
    input  wire CLK3, CLK2, CLK1, CLK0, CE3, CE2, CE1, CE0,
    input  wire RST3, RST2, RST1, RST0,
    output wire P17, P16, P15, P14, P13, P12, P11, P10, P9, P8, P7, P6, P5, P4, P3, P2, P1, P0
);
    parameter REG_INPUTA_CLK = "NONE";
    parameter REG_INPUTB_CLK = "NONE";
    parameter REG_INPUTC_CLK = "NONE";
    parameter REG_PIPELINE_CLK = "NONE";
    parameter REG_OUTPUT_CLK = "NONE";
    parameter GSR = "ENABLED";
    parameter CAS_MATCH_REG = "FALSE";
    parameter MULT_BYPASS = "DISABLED";
    parameter RESETMODE = "SYNC";

    wire [8:0] a = {A8, A7, A6, A5, A4, A3, A2, A1, A0};
    wire [8:0] b = {B8, B7, B6, B5, B4, B3, B2, B1, B0};
    // each operand is extended by its own SIGNED input to 18 bits
    wire [17:0] ax = {{9{SIGNEDA & a[8]}}, a};
    wire [17:0] bx = {{9{SIGNEDB & b[8]}}, b};
    wire [17:0] p = ax * bx;
    assign {P17, P16, P15, P14, P13, P12, P11, P10, P9, P8, P7, P6, P5, P4, P3, P2, P1, P0} = p;
endmodule
`default_nettype wire

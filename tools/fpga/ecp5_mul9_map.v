// SPDX-License-Identifier: MIT
// Yosys techmap (tools/fpga/fpga-build.sh, ECP5 flow): a $mul whose
// operands are both at most 9 bits wide becomes one MULT9X9D
// (tools/fpga/ecp5_mult9x9d.v) instead of a whole MULT18X18D. Yosys 0.23's
// synth_ecp5 maps every product to a MULT18X18D; the 16x16 array's 256
// int8 x int8 products then need 256 of the 85F's 156, but as 9x9
// multipliers they need 256 of its 312 (two per MULT18X18D site). Wider
// products are left alone (_TECHMAP_FAIL_) for synth_ecp5's own mapping.
// The RTL is unchanged; tests/fpga/mul9_equiv.sh proves this map equal to
// the behavioural product for the operand shapes it handles.
(* techmap_celltype = "$mul" *)
module dnpu_ecp5_mul9 (A, B, Y);
    parameter A_SIGNED = 0;
    parameter B_SIGNED = 0;
    parameter A_WIDTH = 1;
    parameter B_WIDTH = 1;
    parameter Y_WIDTH = 1;
    input  wire [A_WIDTH-1:0] A;
    input  wire [B_WIDTH-1:0] B;
    output wire [Y_WIDTH-1:0] Y;

    // 1-bit operands are an AND gate: leave them to the LUTs
    wire _TECHMAP_FAIL_ = A_WIDTH > 9 || B_WIDTH > 9 || A_WIDTH < 2 || B_WIDTH < 2;

    // operands extended to 9 bits as $mul defines them (Yosys' $mul has
    // A_SIGNED == B_SIGNED: a Verilog product is signed only if both are)
    wire [8:0] a9, b9;
    wire [17:0] p;
    generate
        if (A_WIDTH == 9) begin : g_a9
            assign a9 = A;
        end else if (A_SIGNED) begin : g_as
            assign a9 = {{(9-A_WIDTH){A[A_WIDTH-1]}}, A};
        end else begin : g_au
            assign a9 = {{(9-A_WIDTH){1'b0}}, A};
        end
        if (B_WIDTH == 9) begin : g_b9
            assign b9 = B;
        end else if (B_SIGNED) begin : g_bs
            assign b9 = {{(9-B_WIDTH){B[B_WIDTH-1]}}, B};
        end else begin : g_bu
            assign b9 = {{(9-B_WIDTH){1'b0}}, B};
        end
        // the 18-bit product is exact; wider results extend it
        if (Y_WIDTH <= 18) begin : g_y
            assign Y = p[Y_WIDTH-1:0];
        end else begin : g_yx
            assign Y = {{(Y_WIDTH-18){A_SIGNED ? p[17] : 1'b0}}, p};
        end
    endgenerate

    MULT9X9D #(
        .REG_INPUTA_CLK("NONE"), .REG_INPUTB_CLK("NONE"),
        .REG_PIPELINE_CLK("NONE"), .REG_OUTPUT_CLK("NONE")
    ) _TECHMAP_REPLACE_ (
        .A0(a9[0]), .A1(a9[1]), .A2(a9[2]), .A3(a9[3]), .A4(a9[4]), .A5(a9[5]), .A6(a9[6]), .A7(a9[7]), .A8(a9[8]),
        .B0(b9[0]), .B1(b9[1]), .B2(b9[2]), .B3(b9[3]), .B4(b9[4]), .B5(b9[5]), .B6(b9[6]), .B7(b9[7]), .B8(b9[8]),
        .C0(1'b0), .C1(1'b0), .C2(1'b0), .C3(1'b0), .C4(1'b0), .C5(1'b0), .C6(1'b0), .C7(1'b0), .C8(1'b0),
        .SIGNEDA(A_SIGNED ? 1'b1 : 1'b0), .SIGNEDB(B_SIGNED ? 1'b1 : 1'b0),
        .SOURCEA(1'b0), .SOURCEB(1'b0),
        .CLK0(1'b0), .CLK1(1'b0), .CLK2(1'b0), .CLK3(1'b0),
        .CE0(1'b1), .CE1(1'b1), .CE2(1'b1), .CE3(1'b1),
        .RST0(1'b0), .RST1(1'b0), .RST2(1'b0), .RST3(1'b0),
        .P0(p[0]), .P1(p[1]), .P2(p[2]), .P3(p[3]), .P4(p[4]), .P5(p[5]), .P6(p[6]), .P7(p[7]), .P8(p[8]), .P9(p[9]), .P10(p[10]), .P11(p[11]), .P12(p[12]), .P13(p[13]), .P14(p[14]), .P15(p[15]), .P16(p[16]), .P17(p[17])
    );
endmodule

// SPDX-License-Identifier: MIT
// Yosys techmap (tools/fpga/fpga-build.sh, ECP5 flow, run just before
// synth_ecp5's gate mapping): a $shiftx (a variable part-select such as
// `v[i*8 +: 8]`) whose result is much narrower than its operand becomes a
// funnel shifter: stage j (from the top bit of B down) keeps only the
// min(A_WIDTH, Y_WIDTH + 2^j - 1) bits that can still reach the result.
// Yosys 0.23's own map (techmap.v, _90_shift_shiftx) builds every stage
// at the full operand width and trims afterwards; the engine's command
// prefetch buffer (dnpu_engine.v, fbuf_in: 256 byte selects from a
// 2048-bit buffer) then became ~6 M gates at once and the synthesis ran
// out of memory (24 GB). A funnel stage is ~2k gates per select instead of
// ~25k; the function is the same (tests/fpga/shiftx_equiv.sh proves it,
// ctest fpga_shiftx_funnel). Bits that $shiftx leaves undefined (out of
// range) may come out as anything, as in Yosys' own map.
(* techmap_celltype = "$shiftx" *)
module dnpu_shiftx_funnel (A, B, Y);
    parameter A_SIGNED = 0;
    parameter B_SIGNED = 0;
    parameter A_WIDTH = 1;
    parameter B_WIDTH = 1;
    parameter Y_WIDTH = 1;
    input  wire [A_WIDTH-1:0] A;
    input  wire [B_WIDTH-1:0] B;
    output wire [Y_WIDTH-1:0] Y;

    // only wide operands with narrow results; the rest keep Yosys' map
    wire _TECHMAP_FAIL_ = A_WIDTH < 64 || A_WIDTH < 4 * Y_WIDTH || B_WIDTH > 30 ||
                          B_WIDTH < 2;

    // magnitude bits of a non-negative shift
    localparam integer UB = B_SIGNED ? B_WIDTH - 1 : B_WIDTH;

    // st holds stage j's bits at [j*A_WIDTH +: A_WIDTH] (only the low
    // ones are driven; the rest is left unconnected and removed)
    wire [(UB+1)*A_WIDTH-1:0] st;
    assign st[UB*A_WIDTH +: A_WIDTH] = A;

    genvar j;
    generate
        for (j = UB - 1; j >= 0; j = j - 1) begin : g_st
            localparam integer S  = 1 << j;
            localparam integer VI = (Y_WIDTH + 2 * S - 1 < A_WIDTH) ? Y_WIDTH + 2 * S - 1 : A_WIDTH;
            localparam integer VO = (Y_WIDTH + S - 1 < A_WIDTH) ? Y_WIDTH + S - 1 : A_WIDTH;
            localparam integer L  = (VI - S < VO) ? VI - S : VO;
            if (S >= VI) begin : g_pass
                // a shift by 2^j leaves the operand: the result is undefined
                assign st[j*A_WIDTH +: VO] = st[(j+1)*A_WIDTH +: VO];
            end else begin : g_mux
                assign st[j*A_WIDTH +: L] = B[j] ? st[(j+1)*A_WIDTH + S +: L] : st[(j+1)*A_WIDTH +: L];
                if (VO > L) begin : g_top
                    // these would read beyond the operand: undefined
                    assign st[j*A_WIDTH + L +: VO - L] = st[(j+1)*A_WIDTH + L +: VO - L];
                end
            end
        end
    endgenerate

    wire [Y_WIDTH-1:0] y_pos = st[0 +: Y_WIDTH];
    generate
        if (B_SIGNED) begin : g_signed
            // a negative shift moves the operand up: only its low Y_WIDTH
            // bits can reach the result
            wire [B_WIDTH-1:0] m = -B;
            wire [Y_WIDTH-1:0] y_neg = A[Y_WIDTH-1:0] << m;
            assign Y = B[B_WIDTH-1] ? y_neg : y_pos;
        end else begin : g_unsigned
            assign Y = y_pos;
        end
    endgenerate
endmodule

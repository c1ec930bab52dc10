// SPDX-License-Identifier: MIT
// Timing-only ECP5 cell library for the ECP5 flow of tools/fpga/fpga-build.sh:
// Yosys 0.23's own delays of the mapped cells (the specify blocks of
// share/yosys/ecp5/cells_sim.v, in ps) plus an estimated routing delay on
// every input that general routing drives. There is no nextpnr-ecp5 to place
// and route the design, so `sta` with this library is the timing estimate:
// the flow runs `sta` once with Yosys' library (logic only, a lower bound)
// and once with this one.
//
// ROUTE_PS is nextpnr-ecp5's own pre-placement estimate of one net between
// neighbouring slices at speed grade 6 (Arch::predictDelay in its ecp5/
// arch.cc: (120 - 22 * speed) * (6 + 2 * (dx + dy)) ps, dx + dy = 1):
// 960 ps. Inputs that no general routing drives get none: carry-in (CIN,
// the dedicated FCO -> FCI chain), the PFUMX data inputs (the two LUTs of
// the same slice) and the L6MUX21 data inputs (the neighbouring slices'
// OFX, also zero in nextpnr's estimate), and the flip-flop's DI (the LUT
// in front of it in the same slice). Block RAM and multiplier outputs are
// path starts, their inputs path ends (no arcs: Yosys 0.23 has no timing
// for DP16KD, MULT18X18D or MULT9X9D), so paths through the multipliers are
// not timed here (docs/FPGA.md says so). Only the timing matters: the
// modules have no function and the flow never writes this netlist out.
`define ROUTE_PS 960

(* lib_whitebox *)
module LUT4 (input A, B, C, D, output Z);
    parameter [15:0] INIT = 16'h0000;
    specify
        (A => Z) = 141 + `ROUTE_PS;
        (B => Z) = 275 + `ROUTE_PS;
        (C => Z) = 379 + `ROUTE_PS;
        (D => Z) = 379 + `ROUTE_PS;
    endspecify
endmodule

(* lib_whitebox *)
module L6MUX21 (input D0, D1, SD, output Z);
    specify
        (D0 => Z) = 140;
        (D1 => Z) = 141;
        (SD => Z) = 148 + `ROUTE_PS;
    endspecify
endmodule

(* lib_whitebox *)
module PFUMX (input ALUT, BLUT, C0, output Z);
    specify
        (ALUT => Z) = 98;
        (BLUT => Z) = 98;
        (C0 => Z) = 151 + `ROUTE_PS;
    endspecify
endmodule

(* lib_whitebox *)
module CCU2C (input CIN, input A0, B0, C0, D0, A1, B1, C1, D1,
              output S0, S1, output COUT);
    parameter [15:0] INIT0 = 16'h0000;
    parameter [15:0] INIT1 = 16'h0000;
    parameter INJECT1_0 = "YES";
    parameter INJECT1_1 = "YES";
    specify
        (A0 => S0) = 379 + `ROUTE_PS;
        (B0 => S0) = 379 + `ROUTE_PS;
        (C0 => S0) = 275 + `ROUTE_PS;
        (D0 => S0) = 141 + `ROUTE_PS;
        (CIN => S0) = 257;
        (A0 => S1) = 630 + `ROUTE_PS;
        (B0 => S1) = 630 + `ROUTE_PS;
        (C0 => S1) = 526 + `ROUTE_PS;
        (D0 => S1) = 392 + `ROUTE_PS;
        (A1 => S1) = 379 + `ROUTE_PS;
        (B1 => S1) = 379 + `ROUTE_PS;
        (C1 => S1) = 275 + `ROUTE_PS;
        (D1 => S1) = 141 + `ROUTE_PS;
        (CIN => S1) = 273;
        (A0 => COUT) = 516 + `ROUTE_PS;
        (B0 => COUT) = 516 + `ROUTE_PS;
        (C0 => COUT) = 412 + `ROUTE_PS;
        (D0 => COUT) = 278 + `ROUTE_PS;
        (A1 => COUT) = 516 + `ROUTE_PS;
        (B1 => COUT) = 516 + `ROUTE_PS;
        (C1 => COUT) = 412 + `ROUTE_PS;
        (D1 => COUT) = 278 + `ROUTE_PS;
        (CIN => COUT) = 43;
    endspecify
endmodule

// distributed RAM: the read address comes over general routing
(* lib_whitebox *)
module TRELLIS_DPR16X4 (input [3:0] DI, input [3:0] WAD, input WRE, input WCK,
                        input [3:0] RAD, output [3:0] DO);
    parameter WCKMUX = "WCK";
    parameter WREMUX = "WRE";
    parameter [63:0] INITVAL = 64'h0000000000000000;
    specify
        (RAD *> DO) = `ROUTE_PS;
    endspecify
endmodule

// clock-to-Q and setup are 0 in Yosys' library too; CE and LSR come over
// general routing
(* lib_whitebox *)
module TRELLIS_FF (input CLK, LSR, CE, DI, M, output Q);
    parameter GSR = "ENABLED";
    parameter [127:0] CEMUX = "1";
    parameter CLKMUX = "CLK";
    parameter LSRMUX = "LSR";
    parameter SRMODE = "LSR_OVER_CE";
    parameter REGSET = "RESET";
    parameter [127:0] LSRMODE = "LSR";
    specify
        $setup(DI, posedge CLK, 0);
        $setup(CE, posedge CLK, `ROUTE_PS);
        $setup(LSR, posedge CLK, `ROUTE_PS);
        (posedge CLK => (Q : DI)) = 0;
    endspecify
endmodule

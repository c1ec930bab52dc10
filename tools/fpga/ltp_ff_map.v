// SPDX-License-Identifier: MIT
// Techmap for the logic-depth report of tools/fpga/fpga-build.sh: turns the
// vendor flip-flops of a mapped iCE40/ECP5 netlist into Yosys' internal
// $_DFF_P_, which `ltp -noff` knows to cut paths at (it cannot see inside
// vendor cells). Clock enables and resets are dropped: only the D->Q cut
// matters for path depth. The netlist is not used for anything else.
(* techmap_celltype = "SB_DFF SB_DFFE SB_DFFSR SB_DFFR SB_DFFSS SB_DFFS SB_DFFESR SB_DFFER SB_DFFESS SB_DFFES" *)
module ice40_ff (input C, input D, input E, input R, input S, output Q);
    \$_DFF_P_ _TECHMAP_REPLACE_ (.C(C), .D(D), .Q(Q));
endmodule

module TRELLIS_FF (input CLK, input DI, input LSR, input CE, input M, output Q);
    parameter GSR = "ENABLED";
    parameter CEMUX = "1";
    parameter CLKMUX = "CLK";
    parameter LSRMUX = "LSR";
    parameter SRMODE = "LSR_OVER_CE";
    parameter REGSET = "RESET";
    parameter LSRMODE = "LSR";
    \$_DFF_P_ _TECHMAP_REPLACE_ (.C(CLK), .D(DI), .Q(Q));
endmodule

// Yosys techmap for the ECP5 flow (tools/fpga/fpga-build.sh): the 4-, 8-
// and 16-input multiplexers that `muxcover` finds in the gate netlist
// become the ECP5 slice's own mux structure: each pair of inputs one LUT4
// (a 2:1 mux), then the slice's PFUMX and the PFU's L6MUX21 levels, the
// structure Yosys' cells_map builds for a 5..7-input LUT. ABC, left to
// itself, counts a 4:1 mux as a 6-input LUT (4 LUT4 with their muxes); this
// way it costs 2 LUT4, an 8:1 4 and a 16:1 8. Proven equal to the $_MUX*_
// cells they replace by ctest fpga_ecp5_mux (tests/fpga/mux_equiv.sh).
// Lattice primitive semantics: PFUMX Z = C0 ? ALUT : BLUT; L6MUX21
// Z = SD ? D1 : D0; LUT4 INIT bit i is Z for {D,C,B,A} = i.
(* techmap_celltype = "$_MUX4_" *)
module dnpu_ecp5_mux4 (A, B, C, D, S, T, Y);
    input A, B, C, D, S, T;
    output Y;
    wire lo, hi;
    // Z = C ? B : A, D unused
    LUT4 #(.INIT(16'hCACA)) u_lo (.A(A), .B(B), .C(S), .D(1'b0), .Z(lo));
    LUT4 #(.INIT(16'hCACA)) u_hi (.A(C), .B(D), .C(S), .D(1'b0), .Z(hi));
    PFUMX u_mux (.ALUT(hi), .BLUT(lo), .C0(T), .Z(Y));
endmodule

(* techmap_celltype = "$_MUX8_" *)
module dnpu_ecp5_mux8 (A, B, C, D, E, F, G, H, S, T, U, Y);
    input A, B, C, D, E, F, G, H, S, T, U;
    output Y;
    wire lo, hi;
    \$_MUX4_ u_lo (.A(A), .B(B), .C(C), .D(D), .S(S), .T(T), .Y(lo));
    \$_MUX4_ u_hi (.A(E), .B(F), .C(G), .D(H), .S(S), .T(T), .Y(hi));
    L6MUX21 u_mux (.D0(lo), .D1(hi), .SD(U), .Z(Y));
endmodule

(* techmap_celltype = "$_MUX16_" *)
module dnpu_ecp5_mux16 (A, B, C, D, E, F, G, H, I, J, K, L, M, N, O, P, S, T, U, V, Y);
    input A, B, C, D, E, F, G, H, I, J, K, L, M, N, O, P, S, T, U, V;
    output Y;
    wire lo, hi;
    \$_MUX8_ u_lo (.A(A), .B(B), .C(C), .D(D), .E(E), .F(F), .G(G), .H(H),
                   .S(S), .T(T), .U(U), .Y(lo));
    \$_MUX8_ u_hi (.A(I), .B(J), .C(K), .D(L), .E(M), .F(N), .G(O), .H(P),
                   .S(S), .T(T), .U(U), .Y(hi));
    L6MUX21 u_mux (.D0(lo), .D1(hi), .SD(V), .Z(Y));
endmodule

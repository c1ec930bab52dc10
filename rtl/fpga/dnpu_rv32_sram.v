// SPDX-License-Identifier: MIT
// FPGA build of the control core's IMEM/DMEM (same module name and ports as
// rtl/rv32/dnpu_rv32_sram.v, which tools/fpga/fpga-build.sh replaces with
// this file). Single-port synchronous SRAM with byte write enables.
//
// Differences from the simulation model, all selected by defines the FPGA
// build passes, and only for the two memories the contract sizes
// (DNPU_CORE_IMEM_SIZE / DNPU_CORE_DMEM_SIZE words):
//  - DNPU_FPGA_IMEM_WORDS / DNPU_FPGA_DMEM_WORDS: a smaller physical array
//    (power of two); the upper address bits are ignored, so the memory
//    aliases. The firmware (3.6 KiB code, 64 B data) fits in 4 KiB + 2 KiB;
//    the build checks the image size. A 16 KiB IMEM alone would need 32 of
//    the UP5K's 30 block RAMs.
//  - DNPU_FPGA_IMEM_HEX: $readmemh file preloading IMEM with the firmware,
//    so the board boots without the host loading it (the host may still
//    reload it through FW_ADDR/FW_DATA).
//  - DNPU_FPGA_DMEM_SPRAM: DMEM in iCE40 UltraPlus SPRAM (ram_style "huge")
//    instead of block RAM.
//  - DNPU_FPGA_CORE_LUTRAM: IMEM and DMEM in distributed (LUT) RAM
//    (ram_style "distributed"): the ECP5-85F's scratchpads take all 208 of
//    its block RAMs.
// The firmware-sequenced device's memories (DNPU_CORE_SOFT_MEM_SIZE each,
// dnpu_top SOFT_SEQ) always go to SPRAM: 64 KiB is two SB_SPRAM256KA
// (16K x 16) each, all four of the UP5K's. SPRAM cannot be preloaded, so
// the host loads that firmware through FW_ADDR/FW_DATA.
// dnpu_ctrl has no per-instance init/size parameters; this file stands in
// until it does (docs/FPGA.md, "Proposed RTL changes").
`default_nettype none
module dnpu_rv32_sram #(
    parameter integer WORDS = 1024,
    parameter integer AW    = 10
) (
    input  wire          clk,
    input  wire          en,
    input  wire [3:0]    we,
    input  wire [AW-1:0] addr,
    input  wire [31:0]   wdata,
    output reg  [31:0]   rdata
);
`include "dnpu_hw_params.vh"
    localparam integer IMEM_WORDS = DNPU_CORE_IMEM_SIZE / 4;
    localparam integer DMEM_WORDS = DNPU_CORE_DMEM_SIZE / 4;
`ifdef DNPU_FPGA_IMEM_WORDS
    localparam integer I_PHYS = `DNPU_FPGA_IMEM_WORDS;
`else
    localparam integer I_PHYS = IMEM_WORDS;
`endif
`ifdef DNPU_FPGA_DMEM_WORDS
    localparam integer D_PHYS = `DNPU_FPGA_DMEM_WORDS;
`else
    localparam integer D_PHYS = DMEM_WORDS;
`endif
    localparam IS_SOFT = WORDS == DNPU_CORE_SOFT_MEM_SIZE / 4;
    localparam IS_IMEM = WORDS == IMEM_WORDS;
    localparam IS_DMEM = WORDS == DMEM_WORDS;
    localparam integer PHYS = IS_IMEM ? I_PHYS : IS_DMEM ? D_PHYS : WORDS;
    localparam integer PAW  = $clog2(PHYS);

    wire [PAW-1:0] a = addr[PAW-1:0];

    generate
        if (PAW < AW) begin : g_alias
            // the aliased upper address bits
            wire a_unused = ^addr[AW-1:PAW];
        end
        if (IS_SOFT) begin : g_soft
            (* ram_style = "huge" *)
            reg [31:0] mem [0:PHYS-1];
            always @(posedge clk)
                if (en) begin
                    if (we[0]) mem[a][7:0]   <= wdata[7:0];
                    if (we[1]) mem[a][15:8]  <= wdata[15:8];
                    if (we[2]) mem[a][23:16] <= wdata[23:16];
                    if (we[3]) mem[a][31:24] <= wdata[31:24];
                    // as below: SPRAM keeps its output during a write
                    if (we == 4'd0)
                        rdata <= mem[a];
                end
        end else if (IS_DMEM) begin : g_dmem
`ifdef DNPU_FPGA_DMEM_SPRAM
            (* ram_style = "huge" *)
`elsif DNPU_FPGA_CORE_LUTRAM
            (* ram_style = "distributed" *)
`endif
            reg [31:0] mem [0:PHYS-1];
            always @(posedge clk)
                if (en) begin
                    if (we[0]) mem[a][7:0]   <= wdata[7:0];
                    if (we[1]) mem[a][15:8]  <= wdata[15:8];
                    if (we[2]) mem[a][23:16] <= wdata[23:16];
                    if (we[3]) mem[a][31:24] <= wdata[31:24];
                    // SPRAM keeps its output during a write; a store's
                    // read data is never used by the core.
                    if (we == 4'd0)
                        rdata <= mem[a];
                end
        end else begin : g_ram
`ifdef DNPU_FPGA_CORE_LUTRAM
            (* ram_style = "distributed" *)
`endif
            reg [31:0] mem [0:PHYS-1];
`ifdef DNPU_FPGA_IMEM_HEX
            if (IS_IMEM) begin : g_init
                initial $readmemh(`DNPU_FPGA_IMEM_HEX, mem);
            end
`endif
            always @(posedge clk)
                if (en) begin
                    if (we[0]) mem[a][7:0]   <= wdata[7:0];
                    if (we[1]) mem[a][15:8]  <= wdata[15:8];
                    if (we[2]) mem[a][23:16] <= wdata[23:16];
                    if (we[3]) mem[a][31:24] <= wdata[31:24];
                    rdata <= mem[a];
                end
        end
    endgenerate
endmodule
`default_nettype wire

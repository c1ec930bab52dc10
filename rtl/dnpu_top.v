// SPDX-License-Identifier: MIT
// dnpu device top: the RV32 control complex (core, IMEM/DMEM, timer, host
// register block) and the tensor engine (command processor, DMA, array,
// PPU, NMC, scratchpads). Host side: a 32-bit MMIO slave, one interrupt and
// a 128-bit bus master for DMA. Parameters select the default (16x16) or the
// small (4x4) configuration; software reads them back from DNPU_REG_CAPS and
// the scratchpad size registers. SOFT_SEQ = 1 builds the firmware-sequenced
// device instead (DNPU_FEAT_SOFT_SEQ, the small FPGA config): no engine,
// dnpu_softeng (mailbox + 2x2 MAC array) on the core's engine block,
// 64 KiB IMEM and DMEM; the firmware runs the commands.
`default_nettype none

module dnpu_top #(
    parameter integer ROWS     = 16,
    parameter integer COLS     = 16,
    parameter integer PPU_LANES = COLS,  // PPU lanes (power of two <= COLS)
    // NMC lanes (a power of two; 32 on the default 16x16 device =
    // DNPU_DEFAULT_NMC_LANES): depthwise/pool/ADD throughput; IN, OUT and
    // WGT read max(this, COLS) bytes per cycle
    parameter integer NMC_LANES = 2 * COLS,
    parameter [31:0]  SZ_IN    = 32'd131072,
    parameter [31:0]  SZ_WGT   = 32'd131072,
    parameter [31:0]  SZ_ACC   = 32'd65536,
    parameter [31:0]  SZ_OUT   = 32'd65536,
    parameter [31:0]  SZ_PARAM = 32'd16384,
    // Synthesis-time options for small FPGA builds (docs/FPGA.md); the
    // defaults are the full device. NMC: near-memory compute unit present
    // (FEATURES and CAPS lanes say so). REGIONS: region table entries
    // (power of two, 2..16; CAPS max regions). CORE_MULDIV: control core
    // with the M extension (0: run firmware built with MARCH=rv32i_zicsr).
    // QSLOT: the engine queues' one-command buffers (dnpu_qctl SLOT).
    // FETCH_N: commands per command-fetch transfer (0: DNPU_CMD_PREFETCH;
    // 1: one at a time, no prefetch buffer).
    // CORE_COUNTERS: the core's mcycle/minstret CSRs. CORE_MTVAL: the
    // core's mtval (0: read-only zero). CORE_SHIFT_SERIAL: the core's
    // multi-cycle shifter instead of a barrel shifter. HOSTREG_RAM: the control block's
    // plain registers in a RAM (dnpu_ctrl). IMEM_WORDS /
    // DMEM_WORDS: physical control-core memories (powers of two; they
    // repeat through their DNPU_CORE_* windows).
    parameter integer NMC           = 1,
    parameter integer REGIONS       = 16,
    parameter integer QSLOT         = 1,
    parameter integer FETCH_N       = 0,
    parameter integer CORE_MULDIV   = 1,
    parameter integer CORE_COUNTERS = 1,
    parameter integer CORE_MTVAL    = 1,
    parameter integer CORE_SHIFT_SERIAL = 0,
    parameter integer HOSTREG_RAM   = 0,
    parameter integer IMEM_WORDS    = 4096,
    parameter integer DMEM_WORDS    = 2048,
    // 1: the firmware-sequenced device. The engine parameters above then
    // do not apply: CAPS, FEATURES and the scratchpad sizes are the
    // SOFT_* values below (what its firmware implements and allocates in
    // DMEM; it reads them back from these registers), IMEM/DMEM are
    // DNPU_CORE_SOFT_MEM_SIZE each.
    parameter integer SOFT_SEQ      = 0
) (
    input  wire          clk,
    input  wire          rst,

    // host MMIO slave: hold req until ack
    input  wire          host_req,
    input  wire          host_we,
    input  wire [11:0]   host_addr,
    input  wire [31:0]   host_wdata,
    output wire [31:0]   host_rdata,
    output wire          host_ack,
    output wire          host_irq,

    // host bus master (DMA)
    output wire          m_req_valid,
    input  wire          m_req_ready,
    output wire          m_req_write,
    output wire [63:0]   m_req_addr,
    output wire [3:0]    m_req_len,
    output wire          m_wvalid,
    input  wire          m_wready,
    output wire [127:0]  m_wdata,
    output wire [15:0]   m_wstrb,
    output wire          m_wlast,
    input  wire          m_rvalid,
    output wire          m_rready,
    input  wire [127:0]  m_rdata,
    input  wire          m_rlast,
    input  wire          m_rerr,
    input  wire          m_bvalid,
    output wire          m_bready,
    input  wire          m_berr
);
    `include "dnpu_hw_params.vh"

    // CAPS: rows, cols, NMC lanes, max regions
    localparam [31:0] LANES = (NMC != 0) ? NMC_LANES : 0;
    localparam [31:0] CAPS = (ROWS & 32'hff) | ((COLS & 32'hff) << 8) |
                             ((LANES & 32'hff) << 16) |
                             ((REGIONS & 32'hff) << 24);
    localparam [31:0] FEAT_NMC = DNPU_FEAT_NMC_ADD | DNPU_FEAT_NMC_POOL |
                                 DNPU_FEAT_NMC_MEAN | DNPU_FEAT_NMC_DWCONV;
    localparam [31:0] DMA_INFO = (DNPU_DMA_BUS_BYTES & 32'hff) |
                                 ((DNPU_DMA_MAX_BURST & 32'hff) << 8);
    localparam [31:0] HW_FEATURES = ((NMC != 0) ? FEAT_NMC : 32'd0) | DNPU_FEAT_PPU_FUSE_ADD |
                                    DNPU_FEAT_PAGED_REGIONS | DNPU_FEAT_CLOCK_GATING |
                                    DNPU_FEAT_DMA_ONCHIP;

    // The firmware-sequenced device (agreed with its firmware,
    // firmware/: the C model's NMC, PPU and region code; 2x2 MAC array;
    // 56 KiB of its 64 KiB DMEM as scratchpads, the rest for its data)
    localparam [31:0] SOFT_CAPS = DNPU_MAC_ROWS | (DNPU_MAC_COLS << 8) | (32'd2 << 16) |
                                  (DNPU_MAX_REGIONS << 24);
    localparam [31:0] SOFT_FEATURES = DNPU_FEAT_SOFT_SEQ | FEAT_NMC | DNPU_FEAT_PPU_FUSE_ADD |
                                      DNPU_FEAT_PAGED_REGIONS | DNPU_FEAT_DMA_ONCHIP;
    localparam [31:0] SOFT_SZ_IN = 32'd16384, SOFT_SZ_WGT = 32'd16384,
                      SOFT_SZ_ACC = 32'd12288, SOFT_SZ_OUT = 32'd8192,
                      SOFT_SZ_PARAM = 32'd4096;
    localparam integer SOFT_MEM_WORDS = DNPU_CORE_SOFT_MEM_SIZE / 4;
    localparam SOFT = SOFT_SEQ != 0;

    wire         eng_req, eng_we, eng_ack, eng_irq, eng_clock_gated;
    wire         eng_reset, doorbell, timer_irq;
    wire [11:0]  eng_addr;
    wire [31:0]  eng_wdata, eng_rdata;
    wire [3:0]   eng_wstrb;
    wire [639:0] eng_perf;
    wire         irq_done_unused, irq_fault_unused;

    dnpu_ctrl #(
        .CAPS(SOFT ? SOFT_CAPS : CAPS),
        // what this engine implements (NMC_*: dnpu_nmc, NMC_LANES lanes)
        .FEATURES(SOFT ? SOFT_FEATURES : HW_FEATURES),
        .SPAD_IN(SOFT ? SOFT_SZ_IN : SZ_IN), .SPAD_WGT(SOFT ? SOFT_SZ_WGT : SZ_WGT),
        .SPAD_ACC(SOFT ? SOFT_SZ_ACC : SZ_ACC), .SPAD_OUT(SOFT ? SOFT_SZ_OUT : SZ_OUT),
        .SPAD_PARAM(SOFT ? SOFT_SZ_PARAM : SZ_PARAM),
        .DMA_INFO(DMA_INFO),
        .IMEM_WORDS(SOFT ? SOFT_MEM_WORDS : IMEM_WORDS),
        .DMEM_WORDS(SOFT ? SOFT_MEM_WORDS : DMEM_WORDS),
        .SOFT_MEM(SOFT_SEQ),
        .CORE_MULDIV(CORE_MULDIV), .CORE_COUNTERS(CORE_COUNTERS),
        .CORE_MTVAL(CORE_MTVAL), .CORE_SHIFT_SERIAL(CORE_SHIFT_SERIAL),
        .HOSTREG_RAM(HOSTREG_RAM)
    ) u_ctrl (
        .clk(clk), .rst(rst),
        .host_req(host_req), .host_we(host_we), .host_addr(host_addr),
        .host_wdata(host_wdata), .host_rdata(host_rdata), .host_ack(host_ack),
        .host_irq(host_irq),
        .eng_req(eng_req), .eng_we(eng_we), .eng_addr(eng_addr),
        .eng_wdata(eng_wdata), .eng_wstrb(eng_wstrb), .eng_rdata(eng_rdata),
        .eng_ack(eng_ack), .eng_irq(eng_irq),
        .eng_clock_gated(eng_clock_gated), .eng_perf(eng_perf),
        .eng_reset(eng_reset), .doorbell(doorbell), .timer_irq(timer_irq)
    );

    generate
        if (SOFT) begin : g_soft
            // no engine clock gate, no perf counters
            assign eng_clock_gated = 1'b0;
            assign eng_perf = 640'd0;
            assign irq_done_unused = 1'b0;
            assign irq_fault_unused = 1'b0;
            dnpu_softeng u_soft (
                .clk(clk), .rst(rst | eng_reset),
                .reg_req(eng_req), .reg_we(eng_we), .reg_addr(eng_addr),
                .reg_wdata(eng_wdata), .reg_wstrb(eng_wstrb), .reg_rdata(eng_rdata),
                .reg_ack(eng_ack),
                .doorbell(doorbell), .timer_irq(timer_irq), .irq(eng_irq),
                .m_req_valid(m_req_valid), .m_req_ready(m_req_ready),
                .m_req_write(m_req_write), .m_req_addr(m_req_addr),
                .m_req_len(m_req_len),
                .m_wvalid(m_wvalid), .m_wready(m_wready), .m_wdata(m_wdata),
                .m_wstrb(m_wstrb), .m_wlast(m_wlast),
                .m_rvalid(m_rvalid), .m_rready(m_rready), .m_rdata(m_rdata),
                .m_rlast(m_rlast), .m_rerr(m_rerr),
                .m_bvalid(m_bvalid), .m_bready(m_bready), .m_berr(m_berr)
            );
        end else begin : g_engine
            dnpu_engine #(
                .ROWS(ROWS), .COLS(COLS), .PPU_LANES(PPU_LANES), .NMC_LANES(NMC_LANES),
                .SZ_IN(SZ_IN), .SZ_WGT(SZ_WGT), .SZ_ACC(SZ_ACC),
                .SZ_OUT(SZ_OUT), .SZ_PARAM(SZ_PARAM),
                .NMC(NMC), .REGIONS(REGIONS), .QSLOT(QSLOT),
                .FETCH_N(FETCH_N)
            ) u_engine (
                .clk(clk), .rst(rst | eng_reset),
                .reg_req(eng_req), .reg_we(eng_we), .reg_addr(eng_addr),
                .reg_wdata(eng_wdata), .reg_wstrb(eng_wstrb), .reg_rdata(eng_rdata),
                .reg_ack(eng_ack),
                .doorbell(doorbell), .timer_irq(timer_irq), .irq(eng_irq),
                .irq_done(irq_done_unused), .irq_fault(irq_fault_unused),
                .clock_gated(eng_clock_gated), .perf(eng_perf),
                .m_req_valid(m_req_valid), .m_req_ready(m_req_ready),
                .m_req_write(m_req_write), .m_req_addr(m_req_addr),
                .m_req_len(m_req_len),
                .m_wvalid(m_wvalid), .m_wready(m_wready), .m_wdata(m_wdata),
                .m_wstrb(m_wstrb), .m_wlast(m_wlast),
                .m_rvalid(m_rvalid), .m_rready(m_rready), .m_rdata(m_rdata),
                .m_rlast(m_rlast), .m_rerr(m_rerr),
                .m_bvalid(m_bvalid), .m_bready(m_bready), .m_berr(m_berr)
            );
        end
    endgenerate
endmodule

`default_nettype wire

// dnpu_ctrl: the control complex. RV32IM control core + IMEM/DMEM + timer +
// the host MMIO register block (DNPU_REG_*) + a port to the engine control
// block (DNPU_ENG_*, implemented by the engine).
//
// Host port: host_req with host_we/addr/wdata held until host_ack (a
// one-cycle pulse, host_rdata valid with it); drop host_req after ack.
// Core view (uapi/dnpu_hw.h): IMEM at DNPU_CORE_IMEM_BASE (fetch and
// loads; core stores fault), DMEM at DNPU_CORE_DMEM_BASE, the host block at
// DNPU_CORE_HOSTREG_BASE (the core writes the FW registers; a core write
// to DEBUG_INJECT clears the bits written as 1, so consuming an injection
// never loses one the host sets meanwhile; IRQ_RAISE sets IRQ_STATUS bits;
// host writes to DOORBELL and DEBUG_INJECT pulse the doorbell output),
// the engine block at DNPU_CORE_ENG_BASE (forwarded to eng_*), the timer at
// DNPU_CORE_TIMER_BASE (MTIP = mtime >= mtimecmp). Anything else is an
// access fault.
// The host loads IMEM/DMEM through FW_ADDR/FW_DATA (core addresses; each
// FW_DATA access moves FW_ADDR by 4, from IMEM's last word on to DMEM's
// first). CONTROL.RESET (self-clearing) resets the core, every register of
// this block and the engine (eng_reset), and keeps the memories. The core
// runs while CONTROL.CORE_RUN is set and halts between instructions while
// CONTROL.CORE_HALT is set.
`default_nettype none

module dnpu_ctrl #(
    parameter [31:0] CAPS       = 32'h1010_1010,  // DNPU_CAPS(16, 16, 16, 16)
    parameter [31:0] FEATURES   = 32'h0000_007f,
    parameter [31:0] SPAD_IN    = 32'd131072,
    parameter [31:0] SPAD_WGT   = 32'd131072,
    parameter [31:0] SPAD_ACC   = 32'd65536,
    parameter [31:0] SPAD_OUT   = 32'd65536,
    parameter [31:0] SPAD_PARAM = 32'd16384,
    parameter [31:0] DMA_INFO   = 32'h0000_1010,  // 16 B bus, 16 beats
    // Physical memory sizes in words (powers of two, at most the
    // DNPU_CORE_* windows; a smaller memory repeats through its window).
    parameter integer IMEM_WORDS = 4096,
    parameter integer DMEM_WORDS = 2048,
    // 1: IMEM and DMEM windows of DNPU_CORE_SOFT_MEM_SIZE each (the
    // firmware-sequenced device, DNPU_FEAT_SOFT_SEQ); 0: the contract's
    // DNPU_CORE_IMEM_SIZE / DNPU_CORE_DMEM_SIZE windows
    parameter integer SOFT_MEM = 0,
    // control core options (dnpu_rv32 MULDIV / COUNTERS; 0 for small FPGAs)
    parameter integer CORE_MULDIV   = 1,
    parameter integer CORE_COUNTERS = 1,
    parameter integer CORE_MTVAL    = 1,   // dnpu_rv32 MTVAL
    parameter integer CORE_SHIFT_SERIAL = 0,   // dnpu_rv32 SHIFT_SERIAL
    // Small-FPGA options (defaults: the full block, registers in flip-flops).
    // HOSTREG_RAM = 1: the plain storage registers (FW status/version,
    // heartbeat, ring, done/fault, FW_ERROR, SCRATCH: 16 x 32 bits, each
    // written by one side only) live in a 32-word RAM (iCE40: 2 EBR)
    // instead of 512 flip-flops and their read muxes; a per-register valid
    // bit makes them read 0 after reset. The core's access to the host block
    // waits one cycle when the host accesses the block in the same cycle.
    // PERF_MASK: bit n = eng_perf counter n is wired to the host block;
    // the others read 0 (their read mux inputs disappear).
    parameter integer HOSTREG_RAM   = 0,
    parameter [9:0]  PERF_MASK     = 10'h3ff    // DNPU_PERF_COUNT bits
) (
    input  wire          clk,
    input  wire          rst,

    // host MMIO slave
    input  wire          host_req,
    input  wire          host_we,
    input  wire [11:0]   host_addr,
    input  wire [31:0]   host_wdata,
    output wire [31:0]   host_rdata,
    output reg           host_ack,
    output wire          host_irq,

    // engine control block (DNPU_ENG_* offsets)
    output reg           eng_req,
    output reg           eng_we,
    output reg  [11:0]   eng_addr,
    output reg  [31:0]   eng_wdata,
    output reg  [3:0]    eng_wstrb,
    input  wire [31:0]   eng_rdata,
    input  wire          eng_ack,
    input  wire          eng_irq,          // |(IRQ_PENDING & IRQ_ENABLE)
    input  wire          eng_clock_gated,
    input  wire [639:0]  eng_perf,         // DNPU_PERF_COUNT x 64-bit counters
    output wire          eng_reset,
    output reg           doorbell,         // one-cycle pulse per host write
    output wire          timer_irq
);
`include "dnpu_hw_params.vh"

    // ------------------------------------------------------------------
    // Host-visible registers
    // ------------------------------------------------------------------
    reg        soft_reset;
    reg        core_run, core_halt;
    reg [31:0] fw_status, fw_version, heartbeat, irq_status, irq_mask;
    reg [31:0] ring_base_lo, ring_base_hi, ring_size, ring_head, ring_tail;
    reg [31:0] done_seqno, fault_seqno, fault_cause, fault_region;
    reg [31:0] fault_offset, fault_cmd, fw_error, debug_inject;
    reg [31:0] fw_addr, scratch, perf_hi_latch;
    reg [63:0] mtime, mtimecmp;

    wire       blk_rst = rst || soft_reset;
    wire       core_halted;
    wire [31:0] core_pc;

    assign eng_reset = blk_rst;
    assign host_irq  = (irq_status & irq_mask) != 32'd0;
    // mtime >= mtimecmp from the two halves in parallel: one 64-bit carry
    // chain (~20 ns on an iCE40) into the engine block's IRQ_PENDING was a
    // critical path of the UP5K device
    wire   tmr_hi_gt = mtime[63:32] > mtimecmp[63:32];
    wire   tmr_hi_eq = mtime[63:32] == mtimecmp[63:32];
    wire   tmr_lo_ge = mtime[31:0] >= mtimecmp[31:0];
    assign timer_irq = tmr_hi_gt || (tmr_hi_eq && tmr_lo_ge);
    // The core sees MTIP one cycle late: the 64-bit compare then ends at a
    // flip-flop instead of running on through the core's interrupt and
    // trap decision into its CSR write enables (the control complex's
    // longest path, docs/FPGA.md). WFI wakes one cycle later on the timer.
    reg core_mtip;

    // CORE_HALTED and CLOCK_GATED come from the hardware, the rest from
    // the firmware.
    wire [31:0] status_val = (fw_status & ~(DNPU_STATUS_CORE_HALTED | DNPU_STATUS_CLOCK_GATED)) |
                             (core_halted ? DNPU_STATUS_CORE_HALTED : 32'd0) |
                             (eng_clock_gated ? DNPU_STATUS_CLOCK_GATED : 32'd0);

    // Registers that HOSTREG_RAM keeps in the RAM (by offset; off[6:2] is
    // unique among them and is the RAM word address).
    function is_ramreg(input [11:0] off);
        begin
            case (off)
                12'h034, 12'h038, 12'h03c, 12'h050, 12'h054, 12'h058,
                12'h05c, 12'h060, 12'h064, 12'h070, 12'h074, 12'h078,
                12'h07c, 12'h080, 12'h084, 12'h09c: is_ramreg = HOSTREG_RAM != 0;
                default: is_ramreg = 1'b0;
            endcase
        end
    endfunction
    // ... of them, those the core reads (core_reg_read's set)
    function is_core_ramreg(input [11:0] off);
        begin
            case (off)
                12'h034, 12'h03c, 12'h050, 12'h054, 12'h058, 12'h05c,
                12'h060, 12'h064: is_core_ramreg = HOSTREG_RAM != 0;
                default: is_core_ramreg = 1'b0;
            endcase
        end
    endfunction
    localparam RAMREG = HOSTREG_RAM != 0;
    localparam [31:0] STATUS_HW = DNPU_STATUS_CORE_HALTED | DNPU_STATUS_CLOCK_GATED;
    // a RAM-held register's contribution in the flip-flop read muxes
    wire [31:0] status_mux = RAMREG ? (status_val & STATUS_HW) : status_val;

    function [31:0] reg_read(input [11:0] off);
        begin
            case (off)
                12'h000: reg_read = DNPU_ID_MAGIC;
                12'h004: reg_read = (DNPU_HW_VERSION_MAJOR << 16) | DNPU_HW_VERSION_MINOR;
                12'h008: reg_read = CAPS;
                12'h00c: reg_read = FEATURES;
                12'h010: reg_read = SPAD_IN;
                12'h014: reg_read = SPAD_WGT;
                12'h018: reg_read = SPAD_ACC;
                12'h01c: reg_read = SPAD_OUT;
                12'h020: reg_read = SPAD_PARAM;
                12'h024: reg_read = DMA_INFO;
                12'h030: reg_read = {29'd0, core_halt, core_run, 1'b0};
                12'h034: reg_read = status_mux;
                12'h038: reg_read = RAMREG ? 32'd0 : fw_version;
                12'h03c: reg_read = RAMREG ? 32'd0 : heartbeat;
                12'h044: reg_read = irq_status;
                12'h048: reg_read = irq_mask;
                12'h050: reg_read = RAMREG ? 32'd0 : ring_base_lo;
                12'h054: reg_read = RAMREG ? 32'd0 : ring_base_hi;
                12'h058: reg_read = RAMREG ? 32'd0 : ring_size;
                12'h05c: reg_read = RAMREG ? 32'd0 : ring_head;
                12'h060: reg_read = RAMREG ? 32'd0 : ring_tail;
                12'h064: reg_read = RAMREG ? 32'd0 : done_seqno;
                12'h070: reg_read = RAMREG ? 32'd0 : fault_seqno;
                12'h074: reg_read = RAMREG ? 32'd0 : fault_cause;
                12'h078: reg_read = RAMREG ? 32'd0 : fault_region;
                12'h07c: reg_read = RAMREG ? 32'd0 : fault_offset;
                12'h080: reg_read = RAMREG ? 32'd0 : fault_cmd;
                12'h084: reg_read = RAMREG ? 32'd0 : fw_error;
                12'h088: reg_read = debug_inject;
                12'h090: reg_read = fw_addr;
                12'h098: reg_read = core_pc;
                12'h09c: reg_read = RAMREG ? 32'd0 : scratch;
                default: reg_read = 32'd0;
            endcase
        end
    endfunction

    // The core reads only what the firmware needs (a smaller mux); other
    // offsets read as 0.
    function [31:0] core_reg_read(input [11:0] off);
        begin
            case (off)
                // the configuration, for firmware that sizes itself from
                // it (the soft sequencer)
                12'h008: core_reg_read = CAPS;
                12'h00c: core_reg_read = FEATURES;
                12'h010: core_reg_read = SPAD_IN;
                12'h014: core_reg_read = SPAD_WGT;
                12'h018: core_reg_read = SPAD_ACC;
                12'h01c: core_reg_read = SPAD_OUT;
                12'h020: core_reg_read = SPAD_PARAM;
                12'h034: core_reg_read = status_mux;
                12'h03c: core_reg_read = RAMREG ? 32'd0 : heartbeat;
                12'h050: core_reg_read = RAMREG ? 32'd0 : ring_base_lo;
                12'h054: core_reg_read = RAMREG ? 32'd0 : ring_base_hi;
                12'h058: core_reg_read = RAMREG ? 32'd0 : ring_size;
                12'h05c: core_reg_read = RAMREG ? 32'd0 : ring_head;
                12'h060: core_reg_read = RAMREG ? 32'd0 : ring_tail;
                12'h064: core_reg_read = RAMREG ? 32'd0 : done_seqno;
                12'h088: core_reg_read = debug_inject;
                default: core_reg_read = 32'd0;
            endcase
        end
    endfunction

    // the counters PERF_MASK wires; the others read 0
    wire [639:0] perf_in;
    genvar pi;
    generate
        for (pi = 0; pi < 10; pi = pi + 1) begin : g_perf
            assign perf_in[pi*64 +: 64] = PERF_MASK[pi] ? eng_perf[pi*64 +: 64] : 64'd0;
        end
    endgenerate

    // ------------------------------------------------------------------
    // Core and its bus
    // ------------------------------------------------------------------
    wire        c_valid;
    wire [31:0] c_addr, c_wdata;
    wire [3:0]  c_wstrb;
    reg         c_ready, c_err;
    wire [31:0] c_rdata;

    dnpu_rv32 #(.RESET_PC(DNPU_CORE_IMEM_BASE), .MULDIV(CORE_MULDIV),
                .COUNTERS(CORE_COUNTERS), .MTVAL(CORE_MTVAL),
                .SHIFT_SERIAL(CORE_SHIFT_SERIAL)) core (
        .clk(clk), .rst(blk_rst || !core_run),
        .mem_valid(c_valid), .mem_addr(c_addr), .mem_wdata(c_wdata),
        .mem_wstrb(c_wstrb), .mem_rdata(c_rdata), .mem_ready(c_ready),
        .mem_err(c_err), .irq_external(eng_irq), .irq_timer(core_mtip),
        .halt_req(core_halt), .halted(core_halted), .pc_out(core_pc)
    );

    // window sizes (log2 bytes); a 64 KiB IMEM ends at DMEM's base
    localparam integer IWIN = (SOFT_MEM != 0) ? 16 : 14;
    localparam integer DWIN = (SOFT_MEM != 0) ? 16 : 13;
    wire c_write = c_wstrb != 4'd0;
    wire c_imem  = c_addr[31:IWIN] == DNPU_CORE_IMEM_BASE[31:IWIN];
    wire c_dmem  = c_addr[31:DWIN] == DNPU_CORE_DMEM_BASE[31:DWIN];
    wire c_host  = c_addr[31:12] == DNPU_CORE_HOSTREG_BASE[31:12];
    wire c_eng   = c_addr[31:12] == DNPU_CORE_ENG_BASE[31:12];
    wire c_tmr   = c_addr[31:12] == DNPU_CORE_TIMER_BASE[31:12];

    // The FW window uses a memory port with priority over the core.
    wire h_fwdata = host_req && !host_ack && host_addr == DNPU_REG_FW_DATA[11:0];
    wire h_imem   = fw_addr[31:IWIN] == DNPU_CORE_IMEM_BASE[31:IWIN];
    wire h_dmem   = fw_addr[31:DWIN] == DNPU_CORE_DMEM_BASE[31:DWIN];

    localparam [1:0] C_IDLE = 2'd0, C_ENG = 2'd1;
    reg [1:0]  c_state;
    reg [1:0]  c_sel;      // 0: c_reg_rdata, 1: imem, 2: dmem
    reg [31:0] c_reg_rdata;
    wire h_go = host_req && !host_ack;
    // HOSTREG_RAM: the RAM has one read and one write port; a host access
    // has them first
    wire c_issue = c_state == C_IDLE && c_valid && !c_ready && !h_fwdata &&
                   !(RAMREG && h_go && c_host);

    // memories
    wire [31:0] imem_q, dmem_q;
    wire        imem_en = h_fwdata ? h_imem : (c_issue && c_imem && !c_write);
    wire        dmem_en = h_fwdata ? h_dmem : (c_issue && c_dmem);
    wire [3:0]  imem_we = (h_fwdata && host_we) ? 4'hf : 4'h0;
    wire [3:0]  dmem_we = h_fwdata ? (host_we ? 4'hf : 4'h0) : c_wstrb;
    wire [31:0] mem_wd  = h_fwdata ? host_wdata : c_wdata;
    localparam integer IAW = $clog2(IMEM_WORDS);
    localparam integer DAW = $clog2(DMEM_WORDS);
    wire [IAW-1:0] imem_a = h_fwdata ? fw_addr[IAW+1:2] : c_addr[IAW+1:2];
    wire [DAW-1:0] dmem_a = h_fwdata ? fw_addr[DAW+1:2] : c_addr[DAW+1:2];

    dnpu_rv32_sram #(.WORDS(IMEM_WORDS), .AW(IAW)) imem (
        .clk(clk), .en(imem_en), .we(imem_we), .addr(imem_a),
        .wdata(mem_wd), .rdata(imem_q));
    dnpu_rv32_sram #(.WORDS(DMEM_WORDS), .AW(DAW)) dmem (
        .clk(clk), .en(dmem_en), .we(dmem_we), .addr(dmem_a),
        .wdata(mem_wd), .rdata(dmem_q));

    // HOSTREG_RAM register storage: read every cycle at the host's offset
    // during a host access, else at the core's; the word is used in the
    // cycle after (host_ack / c_ready), like c_reg_rdata and h_reg_rdata.
    // Each register has one writer: the host or the core.
    reg  [31:0] hr_valid;      // written since reset
    reg  [31:0] hr_q;
    // h_ram / c_ram: the access reads a RAM-held register written since
    // reset (else it reads 0); decided with the access, so the read data
    // mux has one control less after the RAM (the load path RAM -> core
    // read data -> register file was on the UP5K device's critical path)
    reg         h_ram, h_ram_st, c_ram, c_ram_st;   // (STATUS)
    // Writes: the host's to its registers, else (a core access to the host
    // block waits while the host has it: c_issue) the core's. Each side's
    // enable and valid bit are decoded from its own address, not from the
    // shared write-address mux (host_addr -> h_go -> c_issue -> that mux ->
    // the 32 valid bits was the UP5K device's critical path); the address
    // mux is the read port's (hr_ra), which selects the writer's address
    // whenever one writes.
    reg         h_hr_we, c_hr_we;
    always @(*) begin
        h_hr_we = 1'b0;
        c_hr_we = 1'b0;
        case (host_addr)
            12'h050, 12'h054, 12'h058, 12'h060, 12'h09c: h_hr_we = RAMREG && h_go && host_we;
            default: ;
        endcase
        case (c_addr[11:0])
            12'h034, 12'h038, 12'h03c, 12'h05c, 12'h064, 12'h070,
            12'h074, 12'h078, 12'h07c, 12'h080, 12'h084:
                c_hr_we = RAMREG && c_issue && core_run && c_host && c_write;
            default: ;
        endcase
    end
    wire [31:0] hr_set = (h_hr_we ? 32'd1 << host_addr[6:2] : 32'd0) |
                         (c_hr_we ? 32'd1 << c_addr[6:2] : 32'd0);

    generate if (RAMREG) begin : g_hr_mem
        reg  [31:0] mem [0:31];
        wire [4:0]  hr_ra = h_go ? host_addr[6:2] : c_addr[6:2];
        wire [31:0] wd = h_go ? host_wdata : c_wdata;
        always @(posedge clk) begin
            hr_q <= mem[hr_ra];
            if (h_hr_we || c_hr_we)
                mem[hr_ra] <= wd;
        end
    end else begin : g_no_hr_mem
        always @(posedge clk) hr_q <= 32'd0;
    end endgenerate

    wire [31:0] c_ram_word = c_ram ? (hr_q & (c_ram_st ? ~STATUS_HW : 32'hffff_ffff)) : 32'd0;
    assign c_rdata = c_sel == 2'd1 ? imem_q : c_sel == 2'd2 ? dmem_q : (c_reg_rdata | c_ram_word);

    // host read data: registers, or the memory word of a FW_DATA read
    reg  [1:0]  h_sel;
    reg  [31:0] h_reg_rdata;
    wire [31:0] h_ram_word = h_ram ? (hr_q & (h_ram_st ? ~STATUS_HW : 32'hffff_ffff)) : 32'd0;
    assign host_rdata = h_sel == 2'd1 ? imem_q : h_sel == 2'd2 ? dmem_q : (h_reg_rdata | h_ram_word);

    // ------------------------------------------------------------------
    // Sequential logic
    // ------------------------------------------------------------------
    wire h_wr = h_go && host_we;
    wire c_hw = c_issue && c_host && c_write;   // core writes a host register

    // Core writes apply to whole words: firmware uses sw for registers.
    always @(posedge clk) begin
        mtime    <= mtime + 64'd1;
        core_mtip <= !blk_rst && timer_irq;
        host_ack <= 1'b0;
        c_ready  <= 1'b0;
        c_err    <= 1'b0;
        doorbell <= 1'b0;
        soft_reset <= 1'b0;
        hr_valid <= hr_valid | hr_set;

        if (blk_rst) begin
            core_run      <= 1'b0;
            core_halt     <= 1'b0;
            fw_status     <= 32'd0;
            fw_version    <= 32'd0;
            heartbeat     <= 32'd0;
            irq_status    <= 32'd0;
            irq_mask      <= 32'd0;
            ring_base_lo  <= 32'd0;
            ring_base_hi  <= 32'd0;
            ring_size     <= 32'd0;
            ring_head     <= 32'd0;
            ring_tail     <= 32'd0;
            done_seqno    <= 32'd0;
            fault_seqno   <= 32'd0;
            fault_cause   <= 32'd0;
            fault_region  <= 32'd0;
            fault_offset  <= 32'd0;
            fault_cmd     <= 32'd0;
            fw_error      <= 32'd0;
            debug_inject  <= 32'd0;
            fw_addr       <= 32'd0;
            scratch       <= 32'd0;
            perf_hi_latch <= 32'd0;
            hr_valid      <= 32'd0;
            h_ram         <= 1'b0;
            h_ram_st      <= 1'b0;
            c_ram         <= 1'b0;
            c_ram_st      <= 1'b0;
            mtime         <= 64'd0;
            mtimecmp      <= {64{1'b1}};
            c_state       <= C_IDLE;
            c_sel         <= 2'd0;
            c_reg_rdata   <= 32'd0;
            h_sel         <= 2'd0;
            h_reg_rdata   <= 32'd0;
            eng_req       <= 1'b0;
            eng_we        <= 1'b0;
            eng_addr      <= 12'd0;
            eng_wdata     <= 32'd0;
            eng_wstrb     <= 4'd0;
            // a host access in flight during reset still completes
            host_ack      <= host_req && !host_ack;
        end else begin
            // ---------------- host side ----------------
            if (h_go) begin
                host_ack    <= 1'b1;
                h_sel       <= 2'd0;
                h_reg_rdata <= reg_read(host_addr);
                h_ram       <= is_ramreg(host_addr) && hr_valid[host_addr[6:2]];
                h_ram_st    <= host_addr == DNPU_REG_STATUS[11:0];
                if ({20'd0, host_addr} >= DNPU_REG_PERF_BASE &&
                    {20'd0, host_addr} < DNPU_REG_PERF_BASE + 32'd8 * DNPU_PERF_COUNT) begin
                    if (host_addr[2] == 1'b0) begin
                        h_reg_rdata   <= perf_in[{host_addr[6:3], 6'd0} +: 32];
                        perf_hi_latch <= perf_in[{host_addr[6:3], 6'd0} + 32 +: 32];
                    end else begin
                        h_reg_rdata <= perf_hi_latch;
                    end
                end
                if (h_fwdata) begin
                    h_sel   <= h_imem ? 2'd1 : h_dmem ? 2'd2 : 2'd0;
                    // a flat IMEM + DMEM image continues from IMEM's end
                    // at DMEM's base
                    fw_addr <= fw_addr + 32'd4 == DNPU_CORE_IMEM_BASE + (32'd1 << IWIN) ?
                               DNPU_CORE_DMEM_BASE : fw_addr + 32'd4;
                end
            end
            if (h_wr) begin
                case (host_addr)
                    12'h030: begin
                        soft_reset <= host_wdata[0];
                        core_run   <= host_wdata[1];
                        core_halt  <= host_wdata[2];
                    end
                    12'h040: doorbell     <= 1'b1;
                    12'h048: irq_mask     <= host_wdata;
                    12'h050: ring_base_lo <= host_wdata;
                    12'h054: ring_base_hi <= host_wdata;
                    12'h058: ring_size    <= host_wdata;
                    12'h060: ring_tail    <= host_wdata;
                    12'h088: begin
                        // wake the firmware so it acts on the injection now
                        debug_inject <= host_wdata;
                        doorbell     <= 1'b1;
                    end
                    12'h090: fw_addr      <= host_wdata;
                    12'h09c: scratch      <= host_wdata;
                    default: ;
                endcase
            end
            // IRQ_STATUS: host W1C, firmware IRQ_RAISE sets
            irq_status <= (irq_status &
                           ~((h_wr && host_addr == DNPU_REG_IRQ_STATUS[11:0]) ? host_wdata : 32'd0)) |
                          ((c_hw && c_addr[11:0] == DNPU_REG_IRQ_RAISE[11:0]) ? c_wdata : 32'd0);

            // ---------------- core side ----------------
            // a core held in reset abandons its access (the engine has
            // taken a request in the cycle it saw it; its ack is ignored)
            if (!core_run) begin
                c_state <= C_IDLE;
                eng_req <= 1'b0;
            end else case (c_state)
                C_IDLE: if (c_issue) begin
                    c_sel    <= 2'd0;
                    c_ram    <= 1'b0;
                    c_ram_st <= c_addr[11:0] == DNPU_REG_STATUS[11:0];
                    if (c_imem && !c_write) begin
                        c_sel   <= 2'd1;
                        c_ready <= 1'b1;
                    end else if (c_dmem) begin
                        c_sel   <= c_write ? 2'd0 : 2'd2;
                        c_ready <= 1'b1;
                    end else if (c_host) begin
                        c_reg_rdata <= core_reg_read(c_addr[11:0]);
                        c_ram       <= is_core_ramreg(c_addr[11:0]) && hr_valid[c_addr[6:2]];
                        c_ready     <= 1'b1;
                        if (c_write) begin
                            case (c_addr[11:0])
                                12'h034: fw_status    <= c_wdata;
                                12'h038: fw_version   <= c_wdata;
                                12'h03c: heartbeat    <= c_wdata;
                                12'h05c: ring_head    <= c_wdata;
                                12'h064: done_seqno   <= c_wdata;
                                12'h070: fault_seqno  <= c_wdata;
                                12'h074: fault_cause  <= c_wdata;
                                12'h078: fault_region <= c_wdata;
                                12'h07c: fault_offset <= c_wdata;
                                12'h080: fault_cmd    <= c_wdata;
                                12'h084: fw_error     <= c_wdata;
                                12'h088: if (!(h_wr && host_addr == DNPU_REG_DEBUG_INJECT[11:0]))
                                             debug_inject <= debug_inject & ~c_wdata;
                                default: ;
                            endcase
                        end
                    end else if (c_tmr) begin
                        c_ready <= 1'b1;
                        case (c_addr[3:2])
                            2'd0: c_reg_rdata <= mtime[31:0];
                            2'd1: c_reg_rdata <= mtime[63:32];
                            2'd2: c_reg_rdata <= mtimecmp[31:0];
                            default: c_reg_rdata <= mtimecmp[63:32];
                        endcase
                        if (c_write) begin
                            case (c_addr[3:2])
                                2'd0: mtime[31:0]     <= c_wdata;
                                2'd1: mtime[63:32]    <= c_wdata;
                                2'd2: mtimecmp[31:0]  <= c_wdata;
                                default: mtimecmp[63:32] <= c_wdata;
                            endcase
                        end
                    end else if (c_eng) begin
                        eng_req   <= 1'b1;
                        eng_we    <= c_write;
                        eng_addr  <= c_addr[11:0];
                        eng_wdata <= c_wdata;
                        eng_wstrb <= c_wstrb;
                        c_state   <= C_ENG;
                    end else begin
                        c_ready <= 1'b1;
                        c_err   <= 1'b1;
                    end
                end
                C_ENG: if (eng_ack) begin
                    eng_req     <= 1'b0;
                    c_reg_rdata <= eng_rdata;
                    c_ready     <= 1'b1;
                    c_state     <= C_IDLE;
                end
                default: c_state <= C_IDLE;
            endcase
        end
    end

endmodule

`default_nettype wire

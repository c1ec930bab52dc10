// dnpu_rv32: the control core. RV32IM, machine mode only, multi-cycle
// (fetch, execute, optional memory / mul-div), one shared memory port.
//
// Memory port: the core raises mem_valid with a byte address; the slave
// answers with mem_ready (optionally mem_err for an access fault) in some
// later cycle. mem_wstrb == 0 is a read. The request stays stable until
// mem_ready; mem_valid may stay high in the ready cycle to present the next
// request (the slave starts it in the following cycle).
//
// Traps: illegal instruction (2, mtval = instruction), misaligned fetch
// target (0, mtval = target), misaligned load/store (4/6, mtval = address),
// access faults (1/5/7, mtval = address), ECALL (11), EBREAK (3), both with mtval = 0.
// Interrupts: machine external (11) and timer (7), taken between
// instructions. mtvec supports direct and vectored modes.
`default_nettype none

module dnpu_rv32 #(
    parameter [31:0] RESET_PC = 32'h0000_0000,
    parameter [31:0] HART_ID  = 32'h0000_0000,
    // Synthesis-time options for small FPGA builds (defaults: the full
    // core). MULDIV = 0: RV32I without M (MUL/DIV are illegal
    // instructions, misa says so; build the firmware with MARCH=rv32i_zicsr).
    // COUNTERS = 0: no mcycle/minstret (and their cycle/instret aliases;
    // accessing them is illegal), which the firmware does not use.
    // MTVAL = 0: mtval is read-only zero (allowed by the privileged spec;
    // the firmware only records it), no trap-value mux or register.
    parameter integer MULDIV   = 1,
    // SHIFT_SERIAL = 1: no barrel shifter; SLL/SRL/SRA(I) shift a register
    // by 4, then by 1 bit per cycle (1 + ceil-ish(shamt) extra cycles: 1
    // for shamt 0, 11 for 31).
    parameter integer COUNTERS = 1,
    parameter integer MTVAL    = 1,
    parameter integer SHIFT_SERIAL = 0
) (
    input  wire        clk,
    input  wire        rst,
    output reg         mem_valid,
    output reg  [31:0] mem_addr,
    output reg  [31:0] mem_wdata,
    output reg  [3:0]  mem_wstrb,
    input  wire [31:0] mem_rdata,
    input  wire        mem_ready,
    input  wire        mem_err,
    input  wire        irq_external,
    input  wire        irq_timer,
    input  wire        halt_req,
    output wire        halted,
    output wire [31:0] pc_out
);

    localparam [2:0] S_FETCH  = 3'd0;
    localparam [2:0] S_IWAIT  = 3'd1;
    localparam [2:0] S_EXEC   = 3'd2;
    localparam [2:0] S_MWAIT  = 3'd3;
    localparam [2:0] S_MULDIV = 3'd4;   // also SHIFT_SERIAL shifts (by ir)
    localparam [2:0] S_WFI    = 3'd5;
    localparam [2:0] S_HALT   = 3'd6;
    localparam [2:0] S_BRMIS  = 3'd7;   // taken? branch to a misaligned target

    reg  [2:0]  state;
    reg  [31:0] pc;
    reg  [31:0] ir;
    reg  [31:0] rs1v, rs2v;
    reg         rs1_zero, rs2_zero;

    // CSR state
    reg         mstatus_mie, mstatus_mpie;
    reg         mie_meie, mie_mtie, mie_msie;
    reg  [31:0] mtvec, mscratch, mepc, mcause, mtval;
    reg  [63:0] mcycle, minstret;

    assign halted = (state == S_HALT);
    assign pc_out = pc;

    // ------------------------------------------------------------------
    // Register file: synchronous read while the instruction arrives, so it
    // can map to block RAM. x0 is never written; its reads are masked.
    // ------------------------------------------------------------------
    reg  [31:0] regs [0:31];
    wire        rf_re = (state == S_IWAIT) && mem_ready;
    reg         rf_we;
    reg  [31:0] rf_wd;
    always @(posedge clk) begin
        if (rf_re) begin
            rs1v <= regs[mem_rdata[19:15]];
            rs2v <= regs[mem_rdata[24:20]];
        end
        if (rf_we && ir[11:7] != 5'd0)
            regs[ir[11:7]] <= rf_wd;
    end

    // ------------------------------------------------------------------
    // Decode
    // ------------------------------------------------------------------
    wire [6:0]  opcode = ir[6:0];
    wire [4:0]  rs1f   = ir[19:15];
    wire [2:0]  f3     = ir[14:12];
    wire [6:0]  f7     = ir[31:25];
    wire [11:0] csr    = ir[31:20];
    wire [31:0] imm_i  = {{20{ir[31]}}, ir[31:20]};
    wire [1:0]  imm_s_lo = ir[8:7];   // the S immediate's low bits (add_k has it all)
    wire        imm_b1 = ir[8];    // bit 1 of the B immediate (pc_imm has it all)
    wire [31:0] imm_u  = {ir[31:12], 12'b0};
    wire        imm_j1 = ir[21];   // bit 1 of the J immediate
    wire [31:0] a      = rs1_zero ? 32'd0 : rs1v;
    wire [31:0] b      = rs2_zero ? 32'd0 : rs2v;

    wire op_lui    = opcode == 7'b0110111;
    wire op_auipc  = opcode == 7'b0010111;
    wire op_jal    = opcode == 7'b1101111;
    wire op_jalr   = opcode == 7'b1100111;
    wire op_branch = opcode == 7'b1100011;
    wire op_load   = opcode == 7'b0000011;
    wire op_store  = opcode == 7'b0100011;
    wire op_imm    = opcode == 7'b0010011;
    wire op_reg    = opcode == 7'b0110011;
    wire op_fence  = opcode == 7'b0001111;
    wire op_system = opcode == 7'b1110011;

    wire is_muldiv = (MULDIV != 0) && op_reg && f7 == 7'b0000001;
    wire is_ecall  = op_system && ir == 32'h0000_0073;
    wire is_ebreak = op_system && ir == 32'h0010_0073;
    wire is_mret   = op_system && ir == 32'h3020_0073;
    wire is_wfi    = op_system && ir == 32'h1050_0073;
    wire is_csr    = op_system && f3 != 3'b000 && f3 != 3'b100;

    // ALU (OP and OP-IMM), address and compare: one 33-bit adder. Loads,
    // stores and JALR add an immediate; SUB, SLT(I)(U) and branches
    // subtract, with bit 32 the sign of the (sign- or zero-extended)
    // difference, i.e. "less than".
    // The adder's controls are decoded from the instruction word as it
    // arrives (registered with ir), so the path into the carry chain starts
    // at flip-flops rather than behind the decode (the UP5K's critical path
    // ran ir -> decode -> adder -> branch -> pc, docs/FPGA.md). The second
    // operand, when it is not rs2, is registered then too, already
    // sign-extended and inverted for a subtract (add_k; 0 or ~0 for rs2 =
    // x0): one LUT (add_rs2, rs2v, add_sub, add_k) per bit before the
    // carry chain instead of three (operand select, x0 mask, invert).
    reg         add_sub, cmp_sgn, add_rs2;
    reg  [32:0] add_k;
    wire [32:0] add_x   = {cmp_sgn & a[31], a};
    wire [32:0] add_y   = add_rs2 ? {cmp_sgn & rs2v[31], rs2v} ^ {33{add_sub}} : add_k;
    wire [32:0] add_out = add_x + add_y + {32'd0, add_sub};
    wire        lt      = add_out[32];
    // branch equality straight from the operands, not through the adder
    wire        eq      = a == b;

    // the same controls from the arriving instruction word
    wire [6:0]  n_opc     = mem_rdata[6:0];
    wire [2:0]  n_f3      = mem_rdata[14:12];
    wire        n_reg     = n_opc == 7'b0110011;
    wire        n_branch  = n_opc == 7'b1100011;
    wire        n_imm     = n_opc == 7'b0010011;
    wire        n_add_sub = n_branch || ((n_reg || n_imm) &&
                            (n_f3 == 3'b010 || n_f3 == 3'b011 ||
                             (n_f3 == 3'b000 && n_reg && mem_rdata[30])));
    // signed compare: SLT(I), BLT, BGE
    wire        n_cmp_sgn = n_branch ? !n_f3[1] : n_f3 == 3'b010;
    wire        n_rs2_op  = n_reg || n_branch;
    wire [31:0] n_imm_k   = n_rs2_op ? 32'd0 :
                            n_opc == 7'b0100011 ?                        // store
                            {{20{mem_rdata[31]}}, mem_rdata[31:25], mem_rdata[11:7]} :
                            {{20{mem_rdata[31]}}, mem_rdata[31:20]};
    wire [32:0] n_add_k   = {n_cmp_sgn & n_imm_k[31], n_imm_k} ^ {33{n_add_sub}};
    // SLT(I)(U): its result (lt, the adder's last carry) joins the
    // writeback data in the last LUT (ex_slt, rf_wd)
    wire        n_slt     = (n_reg || n_imm) && n_f3[2:1] == 2'b01;
    wire [31:0] n_pc_imm  = n_opc == 7'b1101111 ?                        // JAL
                            {{11{mem_rdata[31]}}, mem_rdata[31], mem_rdata[19:12],
                             mem_rdata[20], mem_rdata[30:21], 1'b0} :
                            n_opc == 7'b0010111 ? {mem_rdata[31:12], 12'b0} : // AUIPC
                            {{19{mem_rdata[31]}}, mem_rdata[31], mem_rdata[7],
                             mem_rdata[30:25], mem_rdata[11:8], 1'b0};

    // one right shifter; left shifts reverse the operand and the result.
    // Its controls are registered with ir (sh_left: SLL(I), sh_arith:
    // SRA(I), sh_imm: OP-IMM): the shift amount and the operand are then
    // one LUT each from flip-flops / the register file (the opcode decode
    // in front of the barrel shifter was on the UP5K device's critical
    // path, ir -> shamt -> shifter -> rf_wd).
    reg         sh_left, sh_arith, sh_imm;
    wire [4:0]  shamt   = add_rs2 ? rs2v[4:0] : sh_imm ? ir[24:20] : 5'd0;
    reg  [31:0] a_rev, sh_out_rev;
    integer     k;
    wire [31:0] sh_in   = sh_left ? a_rev : a;
    wire [32:0] sh_ext  = {sh_arith & a[31], sh_in};
    wire [32:0] sh_res  = $signed(sh_ext) >>> shamt;
    wire [31:0] sh_out  = (SHIFT_SERIAL != 0) ? 32'd0 :
                          sh_left ? sh_out_rev : sh_res[31:0];
    // SHIFT_SERIAL: the shift runs in S_MULDIV on sh_val, sh_cnt bits left
    wire        sh_serial = (SHIFT_SERIAL != 0) && (op_imm || (op_reg && !is_muldiv)) &&
                            f3[1:0] == 2'b01;
    reg  [31:0] sh_val;
    reg  [4:0]  sh_cnt;
    wire        sh_fill = sh_arith && sh_val[31];
    always @(*) begin
        for (k = 0; k < 32; k = k + 1) begin
            a_rev[k]      = a[31 - k];
            sh_out_rev[k] = sh_res[31 - k];
        end
    end

    wire [31:0] alu_b = op_reg ? b : imm_i;
    reg  [31:0] alu_out;
    always @(*) begin
        case (f3)
            3'b000:  alu_out = add_out[31:0];
            3'b010, 3'b011: alu_out = 32'd0;     // SLT: lt joins in rf_wd
            3'b100:  alu_out = a ^ alu_b;
            3'b110:  alu_out = a | alu_b;
            3'b111:  alu_out = a & alu_b;
            default: alu_out = sh_out;
        endcase
    end

    // Branches: BEQ/BNE test eq, BLT(U)/BGE(U) lt, f3[0] inverts (one
    // LUT after the compare; f3 = 01x is illegal and traps)
    wire br_taken = (f3[2] ? lt : eq) ^ f3[0];

    // BLT(U)/BGE(U) with an aligned target (so no trap) in EXEC, registered
    // as the instruction arrives. pc and mem_addr take their next value in
    // two steps (below, "Next pc and fetch address"): the sequencer's
    // value, which counts these branches as not taken, then the branch
    // target in the last LUT, so lt (the end of the carry chain) is a LUT
    // or two from the flip-flops (lt -> br_taken -> jumps -> the pc mux,
    // 4 LUTs, was the UP5K device's critical path once the writeback was
    // cut).
    reg         ex_brlt;
    wire        br_lt_take = ex_brlt && (lt ^ f3[0]);

    wire [31:0] pc_plus4   = pc + 32'd4;
    // pc_imm: the immediate of JAL / AUIPC / branches, selected as the
    // instruction arrives (the adder's input then starts at flip-flops)
    reg  [31:0] pc_imm;
    wire [31:0] pc_rel     = pc + pc_imm;
    wire [31:0] jump_tgt   = op_jalr ? {add_out[31:1], 1'b0} : pc_rel;
    // JAL, JALR, BEQ/BNE taken (BLT(U)/BGE(U) are br_lt_take)
    wire        jumps      = op_jal || op_jalr || (op_branch && !f3[2] && (eq ^ f3[0]));

    // Misalignment from the low two address bits alone, so that the trap
    // decision (and with it every CSR and register-file write enable) does
    // not wait for the 33-bit adder: pc is always 4-aligned, so a JAL or
    // branch target is misaligned iff its immediate's bit 1 is set, a JALR
    // target iff bit 1 of rs1 + imm is. Whether a branch is taken does need
    // the adder, so a branch with a misaligned target (never emitted for a
    // core without C) spends one more cycle in S_BRMIS, which traps if it
    // was taken.
    wire [1:0]  lo_imm   = op_store ? imm_s_lo : imm_i[1:0];
    wire [1:0]  lo_addr  = a[1:0] + lo_imm;      // = add_out[1:0] of JALR/loads/stores
    wire        jmp_misal = op_jal ? imm_j1 : op_jalr && lo_addr[1];
    wire        br_misal  = op_branch && imm_b1;
    reg         brmis_taken;

    // Loads and stores
    wire [31:0] ls_addr  = add_out[31:0];
    wire        ls_misal = (f3[1:0] == 2'b01 && lo_addr[0]) ||
                           (f3[1:0] == 2'b10 && lo_addr != 2'b00);
    wire [3:0]  st_strb  = f3[1:0] == 2'b00 ? 4'b0001 << lo_addr :
                           f3[1:0] == 2'b01 ? 4'b0011 << lo_addr : 4'b1111;
    wire [31:0] st_data  = b << {lo_addr, 3'b000};

    // ------------------------------------------------------------------
    // CSRs
    // ------------------------------------------------------------------
    wire [31:0] mip_val = {20'd0, irq_external, 3'd0, irq_timer, 7'd0};
    wire [31:0] mie_val = {20'd0, mie_meie, 3'd0, mie_mtie, 3'd0, mie_msie, 3'd0};
    wire [31:0] mstatus_val = {19'd0, 2'b11, 3'd0, mstatus_mpie, 3'd0, mstatus_mie, 3'd0};

    reg        csr_ok;
    reg [31:0] csr_rd;
    always @(*) begin
        csr_ok = 1'b1;
        case (csr)
            12'h300: csr_rd = mstatus_val;
            12'h301: csr_rd = (MULDIV != 0) ? 32'h4000_1100 :  // MXL=32, I, M
                                              32'h4000_0100;
            12'h304: csr_rd = mie_val;
            12'h305: csr_rd = mtvec;
            12'h310: csr_rd = 32'd0;                  // mstatush
            12'h340: csr_rd = mscratch;
            12'h341: csr_rd = mepc;
            12'h342: csr_rd = mcause;
            12'h343: csr_rd = (MTVAL != 0) ? mtval : 32'd0;
            12'h344: csr_rd = mip_val;
            12'hb00, 12'hc00: begin csr_rd = mcycle[31:0];    csr_ok = COUNTERS != 0; end
            12'hb02, 12'hc02: begin csr_rd = minstret[31:0];  csr_ok = COUNTERS != 0; end
            12'hb80, 12'hc80: begin csr_rd = mcycle[63:32];   csr_ok = COUNTERS != 0; end
            12'hb82, 12'hc82: begin csr_rd = minstret[63:32]; csr_ok = COUNTERS != 0; end
            12'hf11, 12'hf12, 12'hf13: csr_rd = 32'd0;
            12'hf14: csr_rd = HART_ID;
            default: begin
                csr_rd = 32'd0;
                csr_ok = 1'b0;
            end
        endcase
    end

    wire [31:0] csr_src = f3[2] ? {27'd0, rs1f} : a;
    // CSRRS/CSRRC with x0 / zero immediate do not write.
    wire        csr_wr  = f3[1:0] == 2'b01 || rs1f != 5'd0;
    wire [31:0] csr_new = f3[1:0] == 2'b01 ? csr_src :
                          f3[1:0] == 2'b10 ? csr_rd | csr_src : csr_rd & ~csr_src;

    // Legal encodings
    reg legal;
    always @(*) begin
        legal = 1'b0;
        if (ir[1:0] == 2'b11) begin
            if (op_lui || op_auipc || op_jal) legal = 1'b1;
            if (op_jalr && f3 == 3'b000) legal = 1'b1;
            if (op_branch && f3 != 3'b010 && f3 != 3'b011) legal = 1'b1;
            if (op_load && f3 != 3'b011 && f3 != 3'b110 && f3 != 3'b111) legal = 1'b1;
            if (op_store && f3[2] == 1'b0 && f3 != 3'b011) legal = 1'b1;
            if (op_imm) begin
                if (f3 == 3'b001) legal = f7 == 7'b0000000;
                else if (f3 == 3'b101) legal = f7 == 7'b0000000 || f7 == 7'b0100000;
                else legal = 1'b1;
            end
            if (op_reg)
                legal = f7 == 7'b0000000 || (MULDIV != 0 && f7 == 7'b0000001) ||
                        (f7 == 7'b0100000 && (f3 == 3'b000 || f3 == 3'b101));
            if (op_fence && (f3 == 3'b000 || f3 == 3'b001)) legal = 1'b1;
            if (is_ecall || is_ebreak || is_mret || is_wfi) legal = 1'b1;
            if (is_csr) legal = csr_ok && !(csr_wr && csr[11:10] == 2'b11);
        end
    end

    // ------------------------------------------------------------------
    // Multiply / divide: 32 iterations of shift-add or restoring division
    // on magnitudes, sign fixed at the end.
    // ------------------------------------------------------------------
    wire        md_div   = f3[2];
    wire        md_sa    = (f3 == 3'b001) || (f3 == 3'b010) || (f3 == 3'b100) || (f3 == 3'b110);
    wire        md_sb    = (f3 == 3'b001) || (f3 == 3'b100) || (f3 == 3'b110);
    wire        md_nega  = md_sa && a[31];
    wire        md_negb  = md_sb && b[31];
    wire [31:0] md_maga  = md_nega ? 32'd0 - a : a;
    wire [31:0] md_magb  = md_negb ? 32'd0 - b : b;

    reg  [31:0] md_hi, md_lo, md_opnd;
    reg  [5:0]  md_cnt;
    reg         md_negres, md_negrem, md_divzero;
    reg  [31:0] md_a0;

    // step adder: multiply adds the multiplicand, divide subtracts the
    // divisor from the shifted partial remainder (no borrow = it fits)
    wire [32:0] div_t    = {md_hi, md_lo[31]};
    wire [32:0] step_x   = md_div ? div_t : {1'b0, md_hi};
    wire [32:0] step_y   = md_div ? ~{1'b0, md_opnd} : (md_lo[0] ? {1'b0, md_opnd} : 33'd0);
    wire [33:0] step_sum = {1'b0, step_x} + {step_y[32], step_y} + {33'd0, md_div};
    wire        div_ge   = !step_sum[33];
    // result: the selected half, negated if needed; -{hi,lo} has high
    // half ~hi + (lo == 0)
    wire        md_mulh  = !md_div && f3[1:0] != 2'b00;
    wire        md_rem   = md_div && f3[1];
    wire [31:0] md_sel   = (md_mulh || md_rem) ? md_hi : md_lo;
    wire        md_neg   = md_rem ? md_negrem : md_negres;
    wire [31:0] md_fix   = (md_neg ? ~md_sel : md_sel) +
                           {31'd0, md_neg && (!md_mulh || md_lo == 32'd0)};
    wire [31:0] md_result = !md_divzero ? md_fix : md_rem ? md_a0 : 32'hffff_ffff;

    // ------------------------------------------------------------------
    // Load data alignment
    // ------------------------------------------------------------------
    wire [31:0] ld_shift = mem_rdata >> {mem_addr[1:0], 3'b000};
    reg  [31:0] ld_val;
    always @(*) begin
        case (f3)
            3'b000:  ld_val = {{24{ld_shift[7]}}, ld_shift[7:0]};
            3'b001:  ld_val = {{16{ld_shift[15]}}, ld_shift[15:0]};
            3'b100:  ld_val = {24'd0, ld_shift[7:0]};
            3'b101:  ld_val = {16'd0, ld_shift[15:0]};
            default: ld_val = ld_shift;
        endcase
    end

    // ------------------------------------------------------------------
    // Exceptions raised by the instruction in EXEC
    // ------------------------------------------------------------------
    reg        ex_trap;
    reg [31:0] ex_cause, ex_tval;
    always @(*) begin
        ex_trap  = 1'b1;
        ex_cause = 32'd0;
        ex_tval  = 32'd0;
        if (!legal) begin
            ex_cause = 32'd2;
            ex_tval  = ir;
        end else if (is_ecall) begin
            ex_cause = 32'd11;
        end else if (is_ebreak) begin
            ex_cause = 32'd3;
        end else if (jmp_misal) begin
            ex_cause = 32'd0;
            ex_tval  = jump_tgt;
        end else if ((op_load || op_store) && ls_misal) begin
            ex_cause = op_store ? 32'd6 : 32'd4;
            ex_tval  = ls_addr;
        end else begin
            ex_trap = 1'b0;
        end
    end

    // Writeback value and enable. The SLT result joins last: ex_slt is
    // "SLT(I)(U) in EXEC", registered as the instruction arrives, and
    // rf_wd_rest[0] is kept as a net so that synthesis does not fold lt
    // (the end of the carry chain, which ABC takes for an early input)
    // into the wide writeback mux (the UP5K's critical path ran lt ->
    // alu_out -> rf_wd -> register file, 5 LUTs).
    reg         ex_slt;
    reg  [31:0] rf_wd_rest;
    (* keep *) wire wd0_rest = rf_wd_rest[0];
    always @(*) rf_wd = {rf_wd_rest[31:1], wd0_rest | (ex_slt & lt)};
    always @(posedge clk)
        ex_slt <= !rst && state == S_IWAIT && mem_ready && !mem_err && n_slt;

    always @(*) begin
        rf_we = 1'b0;
        rf_wd_rest = alu_out;
        case (state)
            S_EXEC: begin
                rf_we = !ex_trap && !sh_serial && (op_lui || op_auipc || op_jal || op_jalr ||
                        op_imm || (op_reg && !is_muldiv) || is_csr);
                if (op_lui)                 rf_wd_rest = imm_u;
                else if (op_auipc)          rf_wd_rest = pc_rel;
                else if (op_jal || op_jalr) rf_wd_rest = pc_plus4;
                else if (is_csr)            rf_wd_rest = csr_rd;
            end
            S_MWAIT: begin
                rf_we = mem_ready && !mem_err && op_load;
                rf_wd_rest = ld_val;
            end
            S_MULDIV: begin
                if (sh_serial) begin
                    rf_we = sh_cnt == 5'd0;
                    rf_wd_rest = sh_val;
                end else begin
                    rf_we = MULDIV != 0 && md_cnt == 6'd32;
                    rf_wd_rest = md_result;
                end
            end
            default: ;
        endcase
    end

    // Pending interrupts (priority: external, software, timer)
    wire [31:0] irq_pend  = mip_val & mie_val;
    wire        irq_take  = mstatus_mie && irq_pend != 32'd0;
    wire [4:0]  irq_cause = irq_pend[11] ? 5'd11 : irq_pend[3] ? 5'd3 : 5'd7;
    // nothing for FETCH to do before the next instruction
    wire        fast_fetch = !halt_req && !irq_take;

    reg        trap;
    reg        trap_irq;
    reg [31:0] trap_cause, trap_tval;
    always @(*) begin
        trap       = 1'b0;
        trap_irq   = 1'b0;
        trap_cause = ex_cause;
        trap_tval  = ex_tval;
        case (state)
            S_FETCH: if (!halt_req && irq_take) begin
                trap       = 1'b1;
                trap_irq   = 1'b1;
                trap_cause = {27'd0, irq_cause};
                trap_tval  = 32'd0;
            end
            S_IWAIT: if (mem_ready && mem_err) begin
                trap       = 1'b1;
                trap_cause = 32'd1;
                trap_tval  = pc;
            end
            S_EXEC: trap = ex_trap;
            S_BRMIS: if (brmis_taken) begin
                trap       = 1'b1;
                trap_cause = 32'd0;
                trap_tval  = pc_rel;
            end
            S_MWAIT: if (mem_ready && mem_err) begin
                trap       = 1'b1;
                trap_cause = op_store ? 32'd7 : 32'd5;
                trap_tval  = mem_addr;
            end
            default: ;
        endcase
    end
    // Vectored mode offsets interrupts only, whose cause is irq_cause: the
    // adder then does not wait for the instruction's trap decision (that
    // was the UP5K's critical path, ir -> trap_cause -> this carry chain ->
    // pc; docs/FPGA.md).
    wire [31:0] irq_vec  = {mtvec[31:2], 2'b00} + {25'd0, irq_cause, 2'b00};
    wire [31:0] trap_vec = (trap_irq && mtvec[0]) ? irq_vec : {mtvec[31:2], 2'b00};

    wire retire = (state == S_EXEC && !ex_trap && !(op_load || op_store) &&
                   !is_muldiv && !is_wfi && !br_misal && !sh_serial) ||
                  (state == S_BRMIS && !brmis_taken) ||
                  (state == S_MWAIT && mem_ready && !mem_err) ||
                  (sh_serial && state == S_MULDIV && sh_cnt == 5'd0) ||
                  (MULDIV != 0 && !sh_serial && state == S_MULDIV && md_cnt == 6'd32) ||
                  (state == S_WFI && (irq_pend != 32'd0 || halt_req));

    // ------------------------------------------------------------------
    // Next pc and fetch address: an enable and a value from the sequencer
    // state, then the BLT(U)/BGE(U) target (ex_brlt) in the last LUT. The
    // enables do not depend on the branch (such a branch always updates
    // pc, and mem_addr when it fetches right away: fast_fetch), and
    // pc_seq / ma_seq are kept as nets, so that synthesis puts lt last.
    // ------------------------------------------------------------------
    reg         pc_en, ma_en;
    reg  [31:0] pc_nx, ma_nx;
    always @(*) begin
        pc_en = 1'b0;
        pc_nx = pc_plus4;
        ma_en = 1'b0;
        ma_nx = pc_plus4;
        if (trap) begin
            pc_en = 1'b1;
            pc_nx = trap_vec;
        end else begin
            case (state)
                S_FETCH: begin
                    ma_en = !halt_req;
                    ma_nx = pc;
                end
                S_EXEC: begin
                    if (op_load || op_store) begin
                        ma_en = 1'b1;
                        ma_nx = ls_addr;
                    end else if (!is_muldiv && !is_wfi && !sh_serial && !br_misal) begin
                        pc_en = 1'b1;
                        pc_nx = is_mret ? mepc : jumps ? jump_tgt : pc_plus4;
                        // fetch the next instruction right away unless
                        // FETCH has to look at interrupts / halt first
                        // (SYSTEM instructions may change mstatus / mie)
                        ma_en = fast_fetch && !op_system;
                        ma_nx = jumps ? jump_tgt : pc_plus4;
                    end
                end
                S_MWAIT: begin
                    pc_en = mem_ready;
                    ma_en = mem_ready;
                end
                S_MULDIV: begin
                    pc_en = sh_serial ? sh_cnt == 5'd0 : MULDIV != 0 && md_cnt == 6'd32;
                    ma_en = pc_en;
                end
                S_WFI:   pc_en = irq_pend != 32'd0 || halt_req;
                S_BRMIS: pc_en = 1'b1;    // not taken (taken traps)
                default: ;
            endcase
        end
    end
    (* keep *) wire [31:0] pc_seq = pc_nx;
    (* keep *) wire [31:0] ma_seq = ma_nx;
    always @(posedge clk) begin
        if (rst) begin
            pc       <= RESET_PC;
            mem_addr <= 32'd0;
        end else begin
            if (pc_en)
                pc <= br_lt_take ? pc_rel : pc_seq;
            if (ma_en)
                mem_addr <= br_lt_take ? pc_rel : ma_seq;
        end
    end

    // ------------------------------------------------------------------
    // Sequencer
    // ------------------------------------------------------------------
    always @(posedge clk) begin
        if (COUNTERS != 0) begin
            mcycle <= mcycle + 64'd1;
            if (retire)
                minstret <= minstret + 64'd1;
        end

        if (rst) begin
            state        <= S_FETCH;
            ir           <= 32'd0;
            mem_valid    <= 1'b0;
            mem_wdata    <= 32'd0;
            mem_wstrb    <= 4'd0;
            rs1_zero     <= 1'b1;
            rs2_zero     <= 1'b1;
            add_sub      <= 1'b0;
            cmp_sgn      <= 1'b0;
            add_rs2      <= 1'b0;
            add_k        <= 33'd0;
            sh_left      <= 1'b0;
            sh_arith     <= 1'b0;
            sh_imm       <= 1'b0;
            pc_imm       <= 32'd0;
            mstatus_mie  <= 1'b0;
            mstatus_mpie <= 1'b0;
            mie_meie     <= 1'b0;
            mie_mtie     <= 1'b0;
            mie_msie     <= 1'b0;
            mtvec        <= 32'd0;
            mscratch     <= 32'd0;
            mepc         <= 32'd0;
            mcause       <= 32'd0;
            mtval        <= 32'd0;
            mcycle       <= 64'd0;
            minstret     <= 64'd0;
            md_hi        <= 32'd0;
            md_lo        <= 32'd0;
            md_opnd      <= 32'd0;
            md_cnt       <= 6'd0;
            md_negres    <= 1'b0;
            md_negrem    <= 1'b0;
            md_divzero   <= 1'b0;
            md_a0        <= 32'd0;
            brmis_taken  <= 1'b0;
            sh_val       <= 32'd0;
            sh_cnt       <= 5'd0;
        end else if (trap) begin
            mem_valid    <= 1'b0;
            mepc         <= pc;
            mcause       <= trap_cause | {trap_irq, 31'd0};
            mtval        <= trap_tval;
            mstatus_mpie <= mstatus_mie;
            mstatus_mie  <= 1'b0;
            state        <= S_FETCH;
        end else begin
            case (state)
                S_FETCH: begin
                    if (halt_req) begin
                        state <= S_HALT;
                    end else begin
                        mem_valid <= 1'b1;
                        mem_wstrb <= 4'd0;
                        state     <= S_IWAIT;
                    end
                end
                S_IWAIT: if (mem_ready) begin
                    mem_valid <= 1'b0;
                    ir        <= mem_rdata;
                    add_sub   <= n_add_sub;
                    cmp_sgn   <= n_cmp_sgn;
                    add_rs2   <= n_rs2_op && mem_rdata[24:20] != 5'd0;
                    add_k     <= n_add_k;
                    sh_left   <= n_f3 == 3'b001;
                    sh_arith  <= n_f3 == 3'b101 && mem_rdata[30];
                    sh_imm    <= n_imm;
                    pc_imm    <= n_pc_imm;
                    rs1_zero  <= mem_rdata[19:15] == 5'd0;
                    rs2_zero  <= mem_rdata[24:20] == 5'd0;
                    state     <= S_EXEC;
                end
                S_EXEC: begin
                    state <= S_FETCH;
                    // fetch the next instruction right away unless FETCH
                    // has to look at interrupts / halt first (SYSTEM
                    // instructions may change mstatus / mie)
                    if (fast_fetch && !op_system && !is_muldiv && !op_load && !op_store &&
                        !br_misal && !sh_serial) begin
                        mem_valid <= 1'b1;
                        mem_wstrb <= 4'd0;
                        state     <= S_IWAIT;
                    end
                    if (op_load || op_store) begin
                        mem_valid <= 1'b1;
                        mem_wdata <= st_data;
                        mem_wstrb <= op_store ? st_strb : 4'd0;
                        state     <= S_MWAIT;
                    end
                    if (is_muldiv) begin
                        md_opnd    <= md_div ? md_magb : md_maga;
                        md_hi      <= 32'd0;
                        md_lo      <= md_div ? md_maga : md_magb;
                        md_negres  <= md_nega ^ md_negb;
                        md_negrem  <= md_nega;
                        md_divzero <= md_div && b == 32'd0;
                        md_a0      <= a;
                        md_cnt     <= 6'd0;
                        state      <= S_MULDIV;
                    end
                    if (is_wfi) begin
                        state <= S_WFI;
                    end
                    if (sh_serial) begin
                        sh_val <= a;
                        sh_cnt <= shamt;
                        state  <= S_MULDIV;
                    end
                    if (br_misal) begin
                        brmis_taken <= br_taken;
                        state       <= S_BRMIS;
                    end
                    if (is_mret) begin
                        mstatus_mie  <= mstatus_mpie;
                        mstatus_mpie <= 1'b1;
                    end
                    if (is_csr && csr_wr) begin
                        case (csr)
                            12'h300: begin
                                mstatus_mie  <= csr_new[3];
                                mstatus_mpie <= csr_new[7];
                            end
                            12'h304: begin
                                mie_meie <= csr_new[11];
                                mie_mtie <= csr_new[7];
                                mie_msie <= csr_new[3];
                            end
                            12'h305: mtvec    <= {csr_new[31:2], 1'b0, csr_new[0]};
                            12'h340: mscratch <= csr_new;
                            12'h341: mepc     <= {csr_new[31:2], 2'b00};
                            12'h342: mcause   <= csr_new;
                            12'h343: mtval    <= csr_new;
                            12'hb00: if (COUNTERS != 0) mcycle[31:0]    <= csr_new;
                            12'hb80: if (COUNTERS != 0) mcycle[63:32]   <= csr_new;
                            12'hb02: if (COUNTERS != 0) minstret[31:0]  <= csr_new;
                            12'hb82: if (COUNTERS != 0) minstret[63:32] <= csr_new;
                            default: ;
                        endcase
                    end
                end
                S_MWAIT: if (mem_ready) begin
                    mem_valid <= fast_fetch;
                    mem_wstrb <= 4'd0;
                    state     <= fast_fetch ? S_IWAIT : S_FETCH;
                end
                S_MULDIV: if (sh_serial) begin
                    if (sh_cnt == 5'd0) begin
                        mem_valid <= fast_fetch;
                        mem_wstrb <= 4'd0;
                        state     <= fast_fetch ? S_IWAIT : S_FETCH;
                    end else if (sh_cnt[4:2] != 3'd0) begin
                        sh_cnt <= sh_cnt - 5'd4;
                        sh_val <= sh_left ? {sh_val[27:0], 4'd0} : {{4{sh_fill}}, sh_val[31:4]};
                    end else begin
                        sh_cnt <= sh_cnt - 5'd1;
                        sh_val <= sh_left ? {sh_val[30:0], 1'b0} : {sh_fill, sh_val[31:1]};
                    end
                end else if (MULDIV != 0) begin
                    if (md_cnt == 6'd32) begin
                        mem_valid <= fast_fetch;
                        mem_wstrb <= 4'd0;
                        state     <= fast_fetch ? S_IWAIT : S_FETCH;
                    end else begin
                        md_cnt <= md_cnt + 6'd1;
                        if (md_div) begin
                            md_hi <= div_ge ? step_sum[31:0] : div_t[31:0];
                            md_lo <= {md_lo[30:0], div_ge};
                        end else begin
                            md_hi <= step_sum[32:1];
                            md_lo <= {step_sum[0], md_lo[31:1]};
                        end
                    end
                end
                S_WFI: if (irq_pend != 32'd0 || halt_req) begin
                    state <= S_FETCH;
                end
                S_HALT: if (!halt_req) state <= S_FETCH;
                S_BRMIS: begin    // not taken (taken traps)
                    state <= S_FETCH;
                end
                default: state <= S_FETCH;
            endcase
        end
    end
    always @(posedge clk)
        ex_brlt <= !rst && state == S_IWAIT && mem_ready && !mem_err &&
                   n_branch && n_f3[2] && !mem_rdata[8];

endmodule

`default_nettype wire

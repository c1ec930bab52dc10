// Behavioural stand-in for the engine control block (DNPU_ENG_*), used to
// test the control core + firmware without the real engine: a job takes
// RUN_CYCLES + 50 * cmd_count cycles, then ends DONE, or FAULT when the
// command region is not usable (REGION_INVALID / PERMISSION /
// OUT_OF_BOUNDS, checked like the engine checks a command fetch) or the
// watchdog expires (jobs with cmd_count >= HANG_CMDS never finish by
// themselves). The mailbox moves data through DPI calls into the C++
// harness's host memory.
`default_nettype none
module tb_eng_stub #(
    parameter integer RUN_CYCLES = 200,
    parameter integer HANG_CMDS  = 1000
) (
    input  wire         clk,
    input  wire         rst,
    input  wire         req,
    input  wire         we,
    input  wire [11:0]  addr,
    input  wire [31:0]  wdata,
    input  wire [3:0]   wstrb,
    output reg  [31:0]  rdata,
    output reg          ack,
    output wire         irq,
    output wire         clock_gated,
    output wire [639:0] perf,
    input  wire         doorbell,
    output reg  [31:0]  start_while_gated
);
`include "dnpu_hw_params.vh"

    import "DPI-C" function int dpi_host_read(input longint addr, output int data);
    import "DPI-C" function int dpi_host_write(input longint addr, input int data);

    reg [31:0] cmd_region, cmd_offset, cmd_count, region_count, watchdog;
    reg [31:0] fault_cause, fault_region, fault_offset, fault_cmd;
    reg [31:0] irq_pending, irq_enable, gate;
    reg [31:0] regions [0:63];
    reg [31:0] mbox_lo, mbox_hi, mbox_ctrl, mbox_data [0:15];
    reg        mbox_busy, mbox_err;
    reg [3:0]  mbox_cnt;
    reg        busy, done, fault;
    reg [31:0] run_cnt, run_len;
    reg [31:0] pend_cause;
    reg [63:0] p_cycles, p_busy, p_macs, p_rd, p_wr, p_jobs;
    reg [31:0] perf_hi_latch;

    assign irq         = (irq_pending & irq_enable) != 32'd0;
    assign clock_gated = gate[0];
    assign perf = {64'd0 /* ARRAY */ , 64'd0, 64'd0, p_wr, p_rd, 64'd0, p_macs, p_busy, p_cycles} |
                  {p_jobs, 576'd0};

    wire [3:0]  ri     = cmd_region[3:0];
    wire [31:0] r_size = regions[{ri, 2'd2}];
    wire [31:0] r_flg  = regions[{ri, 2'd3}];
    wire [63:0] cmd_end = {32'd0, cmd_offset} + {26'd0, cmd_count, 6'd0};

    integer i;
    reg [31:0] word;
    reg [63:0] maddr;
    integer rc;
    reg [31:0] irq_set, irq_clr;

    always @(posedge clk) begin
        ack <= 1'b0;
        irq_set = 32'd0;
        irq_clr = 32'd0;
        if (rst) begin
            cmd_region <= 0; cmd_offset <= 0; cmd_count <= 0; region_count <= 0;
            watchdog <= 0; fault_cause <= 0; fault_region <= 0; fault_offset <= 0;
            fault_cmd <= 0; irq_pending <= 0; irq_enable <= 0; gate <= 0;
            mbox_lo <= 0; mbox_hi <= 0; mbox_ctrl <= 0; mbox_busy <= 0;
            mbox_err <= 0; mbox_cnt <= 0; busy <= 0; done <= 0; fault <= 0;
            run_cnt <= 0; run_len <= 0; pend_cause <= 0;
            p_cycles <= 0; p_busy <= 0; p_macs <= 0; p_rd <= 0; p_wr <= 0;
            p_jobs <= 0; perf_hi_latch <= 0; start_while_gated <= 0;
            for (i = 0; i < 64; i = i + 1) regions[i] <= 0;
        end else begin
            if (!gate[0]) p_cycles <= p_cycles + 1;
            if (doorbell) irq_set = irq_set | DNPU_CORE_IRQ_DOORBELL;

            // job execution
            if (busy) begin
                p_busy  <= p_busy + 1;
                run_cnt <= run_cnt + 1;
                if (watchdog != 0 && run_cnt >= watchdog * 1000) begin
                    busy <= 1'b0; fault <= 1'b1;
                    fault_cause <= DNPU_FAULT_TIMEOUT;
                    fault_region <= 0; fault_offset <= 0; fault_cmd <= 0;
                    irq_set = irq_set | DNPU_CORE_IRQ_ENG_FAULT;
                    p_jobs <= p_jobs + 1;
                end else if (run_cnt == run_len) begin
                    busy <= 1'b0;
                    p_jobs <= p_jobs + 1;
                    if (pend_cause != 0) begin
                        fault <= 1'b1;
                        fault_cause  <= pend_cause;
                        fault_region <= cmd_region;
                        fault_offset <= cmd_offset;
                        fault_cmd    <= 0;
                        irq_set = irq_set | DNPU_CORE_IRQ_ENG_FAULT;
                    end else begin
                        done   <= 1'b1;
                        p_macs <= p_macs + {32'd0, cmd_count} * 1000;
                        p_rd   <= p_rd + {26'd0, cmd_count, 6'd0};
                        p_wr   <= p_wr + {27'd0, cmd_count, 5'd0};
                        irq_set = irq_set | DNPU_CORE_IRQ_ENG_DONE;
                    end
                end
            end

            // mailbox
            if (mbox_busy) begin
                mbox_cnt <= mbox_cnt - 1;
                if (mbox_cnt == 0) begin
                    mbox_busy <= 1'b0;
                    mbox_err  <= 1'b0;
                    for (i = 0; i < 16; i = i + 1) begin
                        if (i < mbox_ctrl[6:2]) begin
                            maddr = {mbox_hi, mbox_lo} + i * 4;
                            if (mbox_ctrl[8]) begin
                                rc = dpi_host_write(maddr, mbox_data[i]);
                            end else begin
                                rc = dpi_host_read(maddr, word);
                                mbox_data[i] <= word;
                            end
                            if (rc != 0) mbox_err <= 1'b1;
                        end
                    end
                    if (mbox_ctrl[6:0] < 7'd4 || mbox_ctrl[6:0] > 7'd64 || mbox_ctrl[1:0] != 2'd0)
                        mbox_err <= 1'b1;
                end
            end

            // register access
            if (req && !ack) begin
                ack   <= 1'b1;
                rdata <= 32'd0;
                if (addr >= 12'h100 && addr < 12'h200) begin
                    rdata <= regions[addr[7:2]];
                    if (we) regions[addr[7:2]] <= wdata;
                end else if (addr >= 12'h240 && addr < 12'h280) begin
                    rdata <= mbox_data[addr[5:2]];
                    if (we) mbox_data[addr[5:2]] <= wdata;
                end else if (addr >= 12'h300 && addr < 12'h350) begin
                    if (!addr[2]) begin
                        rdata <= perf[{addr[6:3], 6'd0} +: 32];
                        perf_hi_latch <= perf[{addr[6:3], 6'd0} + 32 +: 32];
                    end else begin
                        rdata <= perf_hi_latch;
                    end
                end else begin
                    case (addr)
                        12'h000: if (we) begin
                            if (wdata[1]) begin
                                busy <= 1'b0; done <= 1'b0; fault <= 1'b0;
                            end
                            if (wdata[0]) begin
                                if (gate[0]) start_while_gated <= start_while_gated + 1;
                                busy <= 1'b1; done <= 1'b0; fault <= 1'b0;
                                run_cnt <= 0;
                                run_len <= RUN_CYCLES + cmd_count * 50;
                                if (cmd_count >= HANG_CMDS) run_len <= 32'hffff_ffff;
                                if (cmd_region >= region_count || !r_flg[0])
                                    pend_cause <= DNPU_FAULT_REGION_INVALID;
                                else if (!r_flg[1])
                                    pend_cause <= DNPU_FAULT_PERMISSION;
                                else if (cmd_end > {32'd0, r_size})
                                    pend_cause <= DNPU_FAULT_OUT_OF_BOUNDS;
                                else
                                    pend_cause <= 0;
                            end
                        end
                        12'h004: rdata <= {29'd0, fault, done, busy};
                        12'h008: begin rdata <= cmd_region; if (we) cmd_region <= wdata; end
                        12'h00c: begin rdata <= cmd_offset; if (we) cmd_offset <= wdata; end
                        12'h010: begin rdata <= cmd_count; if (we) cmd_count <= wdata; end
                        12'h014: begin rdata <= region_count; if (we) region_count <= wdata; end
                        12'h018: rdata <= fault_cause;
                        12'h01c: rdata <= fault_region;
                        12'h020: rdata <= fault_offset;
                        12'h024: rdata <= fault_cmd;
                        12'h028: begin
                            rdata <= irq_pending;
                            if (we) irq_clr = wdata;
                        end
                        12'h02c: begin rdata <= irq_enable; if (we) irq_enable <= wdata; end
                        12'h030: begin rdata <= gate; if (we) gate <= wdata; end
                        12'h034: begin rdata <= watchdog; if (we) watchdog <= wdata; end
                        12'h200: begin rdata <= mbox_lo; if (we) mbox_lo <= wdata; end
                        12'h204: begin rdata <= mbox_hi; if (we) mbox_hi <= wdata; end
                        12'h208: begin
                            rdata <= mbox_ctrl;
                            if (we) begin
                                mbox_ctrl <= wdata;
                                mbox_busy <= 1'b1;
                                mbox_cnt  <= 4'd8;
                            end
                        end
                        12'h20c: rdata <= {30'd0, mbox_err, mbox_busy};
                        default: ;
                    endcase
                end
            end
            irq_pending <= (irq_pending & ~irq_clr) | irq_set;
        end
    end

    wire unused = &{1'b0, wstrb};
endmodule
`default_nettype wire

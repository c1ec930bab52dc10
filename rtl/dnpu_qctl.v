// One decoupled queue's control (load, compute or store): a one-command
// slot filled by the dispatcher, dependency-token pops before the command
// starts, token pushes after it finishes, and the kill rule of the
// engine's precise-fault scheme: once a fault at command index F is known,
// commands with an index > F are dropped or stopped, commands < F finish.
`default_nettype none
module dnpu_qctl #(
    // SLOT = 1: a one-command buffer lets the dispatcher hand over the next
    // command while this one runs. SLOT = 0 (small FPGA builds): no buffer,
    // the queue takes a command only when idle (saves a 576-bit register).
    parameter integer SLOT = 1
) (
    input  wire         clk,
    input  wire         rst,
    // from the dispatcher
    input  wire         enq_valid,
    output wire         enq_ready,
    input  wire [511:0] enq_cmd,
    input  wire [31:0]  enq_idx,
    input  wire [31:0]  enq_off,
    // tokens: [0] prev, [1] next
    input  wire [1:0]   pop_avail,
    input  wire [1:0]   push_space,
    output reg  [1:0]   pop,
    output reg  [1:0]   push,
    // known fault
    input  wire         flt_valid,
    input  wire [31:0]  flt_idx,
    // execution unit
    output reg          u_start,
    output reg  [511:0] u_cmd,
    output reg  [31:0]  u_off,
    output wire         u_kill,
    input  wire         u_done,
    input  wire         u_fault,
    input  wire         u_nop,          // the command needs no unit (SYNC)
    // state
    output wire         idle,
    output reg  [31:0]  cur_idx,
    output wire         running,
    output reg          rep_valid,      // the unit faulted (one cycle)
    output reg  [31:0]  rep_idx
);
    localparam [1:0] S_IDLE = 2'd0, S_POP = 2'd1, S_RUN = 2'd2, S_PUSH = 2'd3;
    reg [1:0]   state;
    reg         slot_v;
    reg [511:0] slot_cmd;
    reg [31:0]  slot_idx, slot_off;

    wire [3:0] dep      = u_cmd[11:8];   // POP_PREV, POP_NEXT, PUSH_PREV, PUSH_NEXT
    wire       dropped  = flt_valid && (cur_idx > flt_idx);
    assign u_kill   = (state == S_RUN) && dropped;
    assign enq_ready = (SLOT != 0) ? !slot_v : (state == S_IDLE);
    assign idle     = !slot_v && (state == S_IDLE);
    assign running  = (state != S_IDLE);

    always @(posedge clk) begin
        u_start   <= 1'b0;
        pop       <= 2'b00;
        push      <= 2'b00;
        rep_valid <= 1'b0;
        if (rst) begin
            state  <= S_IDLE;
            slot_v <= 1'b0;
        end else begin
            if (SLOT != 0 && enq_valid && !slot_v) begin
                slot_v   <= 1'b1;
                slot_cmd <= enq_cmd;
                slot_idx <= enq_idx;
                slot_off <= enq_off;
            end
            case (state)
            S_IDLE: if (SLOT != 0 && slot_v) begin
                slot_v  <= 1'b0;
                u_cmd   <= slot_cmd;
                cur_idx <= slot_idx;
                u_off   <= slot_off;
                if (!(flt_valid && slot_idx > flt_idx))
                    state <= S_POP;
            end else if (SLOT == 0 && enq_valid) begin
                u_cmd   <= enq_cmd;
                cur_idx <= enq_idx;
                u_off   <= enq_off;
                if (!(flt_valid && enq_idx > flt_idx))
                    state <= S_POP;
            end
            S_POP: begin
                if (dropped) begin
                    state <= S_IDLE;
                end else if ((!dep[0] || pop_avail[0]) && (!dep[1] || pop_avail[1])) begin
                    pop <= dep[1:0];
                    if (u_nop) begin
                        state <= S_PUSH;
                    end else begin
                        u_start <= 1'b1;
                        state   <= S_RUN;
                    end
                end
            end
            S_RUN: if (u_done) begin
                if (u_fault && !dropped) begin
                    rep_valid <= 1'b1;
                    rep_idx   <= cur_idx;
                    state     <= S_IDLE;
                end else if (dropped) begin
                    state <= S_IDLE;
                end else begin
                    state <= S_PUSH;
                end
            end
            S_PUSH: begin
                // a push waits for room; the consumer pops in order, so
                // room appears (see docs/RTL.md, "Tokens")
                if (dropped) begin
                    state <= S_IDLE;
                end else if ((!dep[2] || push_space[0]) && (!dep[3] || push_space[1])) begin
                    push  <= dep[3:2];
                    state <= S_IDLE;
                end
            end
            default: state <= S_IDLE;
            endcase
        end
    end
endmodule
`default_nettype wire

// Testbench of dnpu_rv32 for the ISA tests: 64 KiB RAM at 0x80000000 with
// pseudo-random wait states, a write-only UART byte port at 0x10000000, the
// qemu virt test finisher at 0x00100000, qemu virt's CLINT timer (mtimecmp
// at 0x02004000, mtime at 0x0200bff8, counting cycles) driving irq_timer,
// and a testbench-only register at 0x10000100 whose bit 0 drives
// irq_external; anything else is an access fault.
//   +hex=<file>   program image, one 32-bit word per line from 0x80000000
//   +max=<n>      cycle limit (fails when reached)
// SHIFT_SERIAL: the core's option of that name (a second build, tb_rv32_ss).
`default_nettype none
module tb_rv32 #(parameter integer SHIFT_SERIAL = 0);
    reg clk = 1'b0;
    reg rst = 1'b1;
    always #5 clk = ~clk;

    wire        mem_valid;
    wire [31:0] mem_addr, mem_wdata;
    wire [3:0]  mem_wstrb;
    reg  [31:0] mem_rdata;
    reg         mem_ready, mem_err;
    wire        halted;
    wire [31:0] pc;

    dnpu_rv32 #(.RESET_PC(32'h8000_0000), .SHIFT_SERIAL(SHIFT_SERIAL)) dut (
        .clk(clk), .rst(rst),
        .mem_valid(mem_valid), .mem_addr(mem_addr), .mem_wdata(mem_wdata),
        .mem_wstrb(mem_wstrb), .mem_rdata(mem_rdata), .mem_ready(mem_ready),
        .mem_err(mem_err), .irq_external(ext_irq), .irq_timer(mtime >= mtimecmp),
        .halt_req(1'b0), .halted(halted), .pc_out(pc)
    );

    reg [31:0] ram [0:16383];
    reg [63:0] mtime = 64'd0;
    reg [63:0] mtimecmp = {64{1'b1}};
    reg        ext_irq = 1'b0;
    reg [15:0] lfsr = 16'hace1;
    reg [1023:0] hexfile;
    integer max_cycles, cycles, i;

    initial begin
        for (i = 0; i < 16384; i = i + 1) ram[i] = 32'h0;
        if (!$value$plusargs("hex=%s", hexfile)) begin
            $display("tb_rv32: need +hex=<file>");
            $finish;
        end
        if (!$value$plusargs("max=%d", max_cycles)) max_cycles = 2000000;
        $readmemh(hexfile, ram);
        cycles = 0;
        #20 rst = 1'b0;
    end

    wire in_ram = mem_addr[31:16] == 16'h8000;
    always @(posedge clk) begin
        cycles <= cycles + 1;
        mtime  <= mtime + 64'd1;
        if (cycles >= max_cycles) begin
            $display("tb_rv32: TIMEOUT after %0d cycles, pc=%08x", cycles, pc);
            $fatal(1);
        end
        lfsr <= {lfsr[14:0], lfsr[15] ^ lfsr[13] ^ lfsr[12] ^ lfsr[10]};
        mem_ready <= 1'b0;
        mem_err   <= 1'b0;
        // answer after a random 0..1 extra cycles; never twice in a row
        if (mem_valid && !mem_ready && lfsr[0]) begin
            mem_ready <= 1'b1;
            if (in_ram) begin
                mem_rdata <= ram[mem_addr[15:2]];
                if (mem_wstrb[0]) ram[mem_addr[15:2]][7:0]   <= mem_wdata[7:0];
                if (mem_wstrb[1]) ram[mem_addr[15:2]][15:8]  <= mem_wdata[15:8];
                if (mem_wstrb[2]) ram[mem_addr[15:2]][23:16] <= mem_wdata[23:16];
                if (mem_wstrb[3]) ram[mem_addr[15:2]][31:24] <= mem_wdata[31:24];
            end else if (mem_addr == 32'h1000_0000 && mem_wstrb != 4'd0) begin
                $write("%c", mem_wdata[7:0]);
                mem_rdata <= 32'h0;
            end else if (mem_addr == 32'h0010_0000 && mem_wstrb != 4'd0) begin
                $display("");
                if (mem_wdata[15:0] != 16'h5555) $fatal(1);
                $display("tb_rv32: finished in %0d cycles, %0d instructions",
                         cycles, dut.minstret);
                $finish;
            end else if (mem_addr[31:16] == 16'h0200) begin
                case (mem_addr[15:0])
                    16'h4000: mem_rdata <= mtimecmp[31:0];
                    16'h4004: mem_rdata <= mtimecmp[63:32];
                    16'hbff8: mem_rdata <= mtime[31:0];
                    16'hbffc: mem_rdata <= mtime[63:32];
                    default:  mem_rdata <= 32'h0;
                endcase
                if (mem_wstrb != 4'd0) begin
                    if (mem_addr[15:0] == 16'h4000) mtimecmp[31:0]  <= mem_wdata;
                    if (mem_addr[15:0] == 16'h4004) mtimecmp[63:32] <= mem_wdata;
                end
            end else if (mem_addr == 32'h1000_0100) begin
                mem_rdata <= {31'd0, ext_irq};
                if (mem_wstrb != 4'd0) ext_irq <= mem_wdata[0];
            end else begin
                mem_err   <= 1'b1;
                mem_rdata <= 32'h0;
            end
        end
    end
endmodule
`default_nettype wire

// One scratchpad bank: synchronous-read RAM with one read and one write
// port on the same clock (the native block-RAM form on iCE40 and 7-series,
// so it infers as BRAM). No reset: contents are undefined after power-up,
// like an SRAM. A read of the address being written returns the old data.
`default_nettype none
module dnpu_spad #(
    parameter integer WIDTH = 8,
    parameter integer DEPTH = 1024,
    parameter integer AW    = $clog2(DEPTH)
) (
    input  wire             clk,
    input  wire             rd_en,
    input  wire [AW-1:0]    rd_addr,
    output reg  [WIDTH-1:0] rd_data,
    input  wire             wr_en,
    input  wire [AW-1:0]    wr_addr,
    input  wire [WIDTH-1:0] wr_data
);
    reg [WIDTH-1:0] mem [0:DEPTH-1];
    always @(posedge clk) begin
        if (wr_en)
            mem[wr_addr] <= wr_data;
        if (rd_en)
            rd_data <= mem[rd_addr];
    end
endmodule
`default_nettype wire

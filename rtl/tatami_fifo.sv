// Synchronous FIFO with valid/ready on both sides. The storage is a plain
// memory written and read at clock edges only, so synthesis maps it to block
// RAM; a show-ahead output register in front of it (prefetched from the RAM
// whenever it is empty or being popped) gives rdata_o with no extra latency.
// Capacity: DEPTH words in the RAM plus one in the output register.
// wready_o depends only on the fill level, never on wvalid_i.
module tatami_fifo #(
  parameter int WIDTH = 8,
  parameter int DEPTH = 16,              // power of two, >= 2
  localparam int AW   = $clog2(DEPTH)
) (
  input  logic             clk_i,
  input  logic             rst_ni,

  input  logic [WIDTH-1:0] wdata_i,
  input  logic             wvalid_i,
  output logic             wready_o,

  output logic [WIDTH-1:0] rdata_o,
  output logic             rvalid_o,
  input  logic             rready_i,

  output logic             empty_o       // nothing stored anywhere
);
  logic [WIDTH-1:0] mem [DEPTH];
  logic [AW-1:0]    wptr_q, rptr_q;
  logic [AW:0]      count_q, count_d;    // words in mem (0..DEPTH)
  logic             out_valid_q, out_valid_d;
  logic [WIDTH-1:0] out_q;
  logic             push, fetch;

  // count_q == DEPTH exactly when its MSB is set (DEPTH is a power of two).
  assign wready_o = !count_q[AW];
  assign push     = wvalid_i && wready_o;
  assign fetch    = (count_q != '0) && (!out_valid_q || rready_i);

  always_comb begin
    count_d = count_q;
    if (push)  count_d = count_d + 1'b1;
    if (fetch) count_d = count_d - 1'b1;
    out_valid_d = out_valid_q;
    if (fetch)         out_valid_d = 1'b1;
    else if (rready_i) out_valid_d = 1'b0;
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      wptr_q      <= '0;
      rptr_q      <= '0;
      count_q     <= '0;
      out_valid_q <= 1'b0;
    end else begin
      if (push)  wptr_q <= wptr_q + 1'b1;
      if (fetch) rptr_q <= rptr_q + 1'b1;
      count_q     <= count_d;
      out_valid_q <= out_valid_d;
    end
  end

  // RAM: no reset, so it maps to block RAM. A fetch never reads the word
  // being written in the same cycle (it only reads when count_q > 0, and the
  // write slot is then a different one).
  always_ff @(posedge clk_i) begin
    if (push)  mem[wptr_q] <= wdata_i;
    if (fetch) out_q <= mem[rptr_q];
  end

  assign rdata_o  = out_q;
  assign rvalid_o = out_valid_q;
  assign empty_o  = (count_q == '0) && !out_valid_q;
endmodule

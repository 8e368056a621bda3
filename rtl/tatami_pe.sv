// One processing element of the output-stationary array: int8 x int8
// products accumulated into an int32 (wrapping) accumulator. The product
// a_i * b_i comes from outside (prod_i, combinational: tatami_array shares
// one tatami_mul8x2, i.e. one iCE40 DSP, between two neighbouring PEs).
// a (with its valid and the tile's `last` flag) moves left to right, b top
// to bottom, one PE per cycle. a and b of one vector reach a PE in the same
// cycle (the array skews both by r + c), so a_valid_i qualifies both. On a
// valid `last` the finished sum goes to res_o and the accumulator restarts
// at zero in the same cycle, so the next tile follows without a bubble;
// res_o then holds the result until the next tile's `last` reaches this PE,
// giving the drain its window.
// Area: the accumulator has a synchronous clear (iCE40 SB_DFFESR: no LUT
// for the restart), so it has no asynchronous reset; clr_i (high in the
// first enabled cycle after reset, see tatami_array) zeroes it instead.
module tatami_pe (
  input  logic        clk_i,
  input  logic        rst_ni,
  input  logic        en_i,        // clock enable
  input  logic        clr_i,       // zero the accumulator (no operand this cycle)

  input  logic [7:0]  a_i,
  input  logic        a_valid_i,   // a_i and b_i valid
  input  logic        last_i,
  input  logic [7:0]  b_i,
  input  logic [15:0] prod_i,      // signed a_i * b_i

  output logic [7:0]  a_o,
  output logic        a_valid_o,
  output logic        last_o,
  output logic [7:0]  b_o,
  output logic [31:0] res_o
);
  logic [31:0] acc_q, res_q, sum;
  logic [15:0] prod;
  logic acc_en, acc_clr, res_en;

  assign prod = prod_i;
  always_comb begin
    sum     = acc_q + {{16{prod[15]}}, prod};
    acc_en  = en_i && (a_valid_i || clr_i);
    acc_clr = clr_i || last_i;
    res_en  = en_i && a_valid_i && last_i;
  end

  always_ff @(posedge clk_i) begin
    if (acc_en) begin
      if (acc_clr) acc_q <= '0;
      else         acc_q <= sum;
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      res_q     <= '0;
      a_o       <= '0;
      a_valid_o <= 1'b0;
      last_o    <= 1'b0;
      b_o       <= '0;
    end else if (en_i) begin
      if (res_en) res_q <= sum;
      a_o       <= a_i;
      a_valid_o <= a_valid_i;
      last_o    <= last_i & a_valid_i;
      b_o       <= b_i;
    end
  end

  assign res_o = res_q;
endmodule

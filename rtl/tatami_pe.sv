// One processing element of the output-stationary array: int8 x int8
// products accumulated into an int32 (wrapping) accumulator. The product
// a_i * b_i comes from outside (prod_i, combinational: tatami_array shares
// one tatami_mul8x2, i.e. one iCE40 DSP, between two neighbouring PEs).
// a (with its valid and the tile's `last` flag) moves left to right, b (with
// its valid) top to bottom, one PE per cycle. On a valid `last` the finished
// sum goes to res_o and the accumulator restarts at zero in the same cycle,
// so the next tile follows without a bubble; res_o then holds the result
// until the next tile's `last` reaches this PE, giving the drain its window.
module tatami_pe (
  input  logic        clk_i,
  input  logic        rst_ni,
  input  logic        en_i,        // clock enable

  input  logic [7:0]  a_i,
  input  logic        a_valid_i,
  input  logic        last_i,
  input  logic [7:0]  b_i,
  input  logic        b_valid_i,
  input  logic [15:0] prod_i,      // signed a_i * b_i

  output logic [7:0]  a_o,
  output logic        a_valid_o,
  output logic        last_o,
  output logic [7:0]  b_o,
  output logic        b_valid_o,
  output logic [31:0] res_o
);
  logic [31:0] acc_d, acc_q, res_d, res_q, sum;
  logic fire;

  always_comb begin
    sum   = acc_q + {{16{prod_i[15]}}, prod_i};
    fire  = a_valid_i & b_valid_i;
    acc_d = acc_q;
    res_d = res_q;
    if (fire) begin
      if (last_i) begin
        res_d = sum;
        acc_d = '0;
      end else begin
        acc_d = sum;
      end
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      acc_q     <= '0;
      res_q     <= '0;
      a_o       <= '0;
      a_valid_o <= 1'b0;
      last_o    <= 1'b0;
      b_o       <= '0;
      b_valid_o <= 1'b0;
    end else if (en_i) begin
      acc_q     <= acc_d;
      res_q     <= res_d;
      a_o       <= a_i;
      a_valid_o <= a_valid_i;
      last_o    <= last_i & a_valid_i;
      b_o       <= b_i;
      b_valid_o <= b_valid_i;
    end
  end

  assign res_o = res_q;
endmodule

// Processing element of the floating-point capable array (tatami_array with
// FP = 1): per GEMM either int8 x int8 -> int32 (as tatami_pe; the product
// comes from outside) or BF16 x BF16 -> FP32 (fp_i), docs/numerics.md 5:
// S = add(S, mul(a_k, b_k)) in increasing k, rounded after every operation,
// one multiply-add per clock (the FP32 add completes in the same cycle, so
// no reassociation and no interleaving is needed).
// A tile's first vector loads the accumulator instead of adding to it
// (fresh_q): add(-0, p) = p for every product p (numerics 5), and this way
// neither the restart value nor the previous GEMM's mode matters.
// Flags: the multiply's and the add's, in cycles with a valid operand whose
// a and b lanes are both inside M x N (a_in, b_in travel with the operands;
// padding lanes carry zeros, and 0 x Inf there must not raise I).
// Operands: CFloat8 arrives already widened to BF16 (exact) at the array edge.
// The multiply and the add are the functions of tatami_fp_mul / tatami_fp_add
// (tatami_fp_funcs.svh), called only on a valid operand of a floating-point
// GEMM: the Verilator model then spends no time on idle PEs (a BF16 product
// through the full FP32 multiply equals tatami_fp_mul with MB = 8; an FPGA
// build of this PE would want the MB = 8 module instead, for area).
module tatami_pe_fp (
  input  logic        clk_i,
  input  logic        rst_ni,
  input  logic        en_i,        // clock enable
  input  logic        clr_i,       // start afresh (no operand this cycle)
  input  logic        fp_i,        // BF16 mode (constant during a GEMM)

  input  logic [15:0] a_i,         // int8 in [7:0], or BF16
  input  logic        a_in_i,      // a's lane is inside M
  input  logic        a_valid_i,
  input  logic        last_i,
  input  logic [15:0] b_i,
  input  logic        b_in_i,      // b's lane is inside N
  input  logic [15:0] prod_i,      // signed a_i[7:0] * b_i[7:0]

  output logic [15:0] a_o,
  output logic        a_in_o,
  output logic        a_valid_o,
  output logic        last_o,
  output logic [15:0] b_o,
  output logic        b_in_o,
  output logic [31:0] res_o,
  output logic [4:0]  flags_o      // this cycle's flags (numerics 7), gated
);
  logic [31:0] acc_q, res_q, sum, fprod, fsum, isum;
  logic [4:0]  mul_flags, add_flags;
  logic        fresh_q, acc_en, res_en;

`include "tatami_fp_funcs.svh"
  logic [36:0] mres, ares;

  always_comb begin
    mres = '0;
    ares = '0;
    if (fp_i && a_valid_i) begin
      mres = tatami_fp_mul_f({a_i, 16'h0000}, {b_i, 16'h0000});
      if (!fresh_q) ares = tatami_fp_add_f(acc_q, mres[31:0], 1'b0);
    end
    {mul_flags, fprod} = mres;
    {add_flags, fsum}  = ares;
    isum   = (fresh_q ? 32'd0 : acc_q) + {{16{prod_i[15]}}, prod_i};
    sum    = !fp_i ? isum : (fresh_q ? fprod : fsum);
    acc_en = en_i && a_valid_i;
    res_en = en_i && a_valid_i && last_i;
    flags_o = (fp_i && a_valid_i && a_in_i && b_in_i)
              ? (mul_flags | (fresh_q ? 5'd0 : add_flags)) : 5'd0;
  end

  always_ff @(posedge clk_i) begin
    if (acc_en) acc_q <= sum;
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      fresh_q   <= 1'b1;
      res_q     <= '0;
      a_o       <= '0;
      a_in_o    <= 1'b0;
      a_valid_o <= 1'b0;
      last_o    <= 1'b0;
      b_o       <= '0;
      b_in_o    <= 1'b0;
    end else if (en_i) begin
      if (clr_i)          fresh_q <= 1'b1;
      else if (a_valid_i) fresh_q <= last_i;
      if (res_en) res_q <= sum;
      a_o       <= a_i;
      a_in_o    <= a_in_i;
      a_valid_o <= a_valid_i;
      last_o    <= last_i & a_valid_i;
      b_o       <= b_i;
      b_in_o    <= b_in_i;
    end
  end

  assign res_o = res_q;
endmodule

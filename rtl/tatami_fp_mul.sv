// FP32 multiply (docs/numerics.md section 4.2): y = mul(a, b), combinational.
// Operands are read per 4.1 (a denormal is the zero of its sign, flag D);
// NaN operand or Inf x 0 -> canonical NaN 0x7FC00000 (I); Inf x nonzero ->
// Inf; zero -> signed zero; both normal -> R(a * b) per 4.4: RNE to 24 bits
// with an unbounded exponent, then E > 127 -> Inf (O, X), E < -126 -> signed
// zero (U, X), X when inexact. flags_o = {X, U, O, D, I} (bits 4..0).
//
// MB (8..24): the operand significand bits actually used, hidden bit
// included; the low 24 - MB fraction bits of a_i and b_i are ignored (taken
// as 0), for classification too. MB = 8 serves BF16 values (low 16 bits zero),
// or any widened CFloat8: the product then has at most 16 significant bits
// and is never rounded, so the rounding logic folds away (constant zeros)
// and the multiplier is 8 x 8.
// Not traced inside (FST traces stay small and the sim build quick); the
// ports are traced where the module is instantiated.
/* verilator tracing_off */
module tatami_fp_mul #(
  parameter int MB = 24
) (
  input  logic [31:0] a_i,
  input  logic [31:0] b_i,
  output logic [31:0] y_o,
  output logic [4:0]  flags_o
);
  localparam int FB = MB - 1;   // fraction bits used

  // The ignored fraction bits read as 0 (for the classification too).
  localparam logic [31:0] KEEP = 32'hFFFFFFFF << (23 - FB);
`include "tatami_fp_funcs.svh"
  assign {flags_o, y_o} = tatami_fp_mul_f(a_i & KEEP, b_i & KEEP);
endmodule

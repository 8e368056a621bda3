// FP32 add / subtract (docs/numerics.md section 4.3), combinational:
// y = add(a, b), or with sub_i y = sub(a, b) = add(a, b XOR 0x80000000).
// Operands read per 4.1 (denormal -> zero of its sign, D); NaN operand or
// +Inf + -Inf -> canonical NaN (I); an Inf operand gives that Inf; both zero
// -> -0 only for -0 + -0; one zero -> the other operand; exact cancellation
// -> +0; otherwise R(a + b) per 4.4 (RNE to 24 bits, unbounded exponent, then
// Inf with O, X or flush to a signed zero with U, X). flags_o = {X, U, O, D, I}.
//
// Datapath (single path): order the operands by magnitude (|a| >= |b| after
// the swap), align b with 3 extra bits below the significand and a sticky
// bit for what is shifted out; in an effective subtraction the sticky is
// subtracted as one unit of the last place (the exact value then lies
// strictly between the computed one and the next unit up), so the sum or
// difference plus the sticky carries everything RNE needs. Then normalise
// (leading-zero count, left shift, or one place right for a carry), round.
// Not traced inside (FST traces stay small and the sim build quick); the
// ports are traced where the module is instantiated.
/* verilator tracing_off */
module tatami_fp_add (
  input  logic [31:0] a_i,
  input  logic [31:0] b_i,
  input  logic        sub_i,
  output logic [31:0] y_o,
  output logic [4:0]  flags_o
);
`include "tatami_fp_funcs.svh"
  assign {flags_o, y_o} = tatami_fp_add_f(a_i, b_i, sub_i);
endmodule

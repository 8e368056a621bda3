// Narrowing conversion FP32 -> BF16 or CFloat8 (docs/numerics.md section 6),
// combinational, round to nearest even (sr_i = 0) or stochastic (sr_i = 1,
// rnd_i = the draw r of this element: the caller consumes one draw per element
// in SR mode, whatever the value).
//  dtype_i 1: BF16, code_o[15:0]
//          2: CFloat8 1-4-3, bias bias_i, code_o[7:0] (code_o[15:8] = 0)
//          3: CFloat8 1-5-2, bias bias_i, code_o[7:0]
//          0, 4..7: code_o = 0, no flags (FP32 outputs do not pass here)
// flags_o = {X, U, O, D, I} (bits 4..0).
//
// Both targets share one rounding step: K = the kept magnitude code, F = the
// 16 dropped bits just below K's LSB, st = OR of the dropped bits below F.
// RNE: u = F[15] & (F[14:0] != 0 | st | K[0]); SR: u = carry out of F + r.
// The dropped part D is never shorter than 16 bits (BF16: 16, CFloat8: 20 or
// more), so this is exactly the spec's rule. For CFloat8 with e = E + b < 1
// (a denormal or zero result) the significand is shifted right by 1 - e more;
// from 24 places on only the sticky remains (K = 0, F = 0), so the shift is
// clamped there.
// Not traced inside (FST traces stay small and the sim build quick); the
// ports are traced where the module is instantiated.
/* verilator tracing_off */
module tatami_fp_narrow (
  input  logic [31:0] x_i,
  input  logic [2:0]  dtype_i,
  input  logic [5:0]  bias_i,
  input  logic        sr_i,
  input  logic [15:0] rnd_i,
  output logic [15:0] code_o,
  output logic [4:0]  flags_o
);
`include "tatami_fp_funcs.svh"
  assign {flags_o, code_o} = tatami_fp_narrow_f(x_i, dtype_i, bias_i, sr_i, rnd_i);
endmodule

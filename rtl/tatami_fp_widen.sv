// Widening conversion of a BF16 or CFloat8 code to FP32 (docs/numerics.md
// sections 2 and 3): exact, no flags, no draws. Combinational.
//  dtype_i 1: BF16 code_i[15:0]          -> code << 16 (denormals, NaN payloads kept)
//          2: CFloat8 1-4-3 code_i[7:0], bias bias_i (0..63)
//          3: CFloat8 1-5-2 code_i[7:0], bias bias_i
//          4: FP32 code_i (passthrough)
//          0, 5..7: 0
// Every CFloat8 value of every bias is an FP32 normal or a signed zero
// (exponents -65..31), so the result never needs a range check; a CFloat8
// denormal m * 2^(1-b-M) is normalised by the position of its leading 1.
// Not traced inside (FST traces stay small and the sim build quick); the
// ports are traced where the module is instantiated.
/* verilator tracing_off */
module tatami_fp_widen (
  input  logic [31:0] code_i,
  input  logic [2:0]  dtype_i,
  input  logic [5:0]  bias_i,
  output logic [31:0] fp32_o
);
`include "tatami_fp_funcs.svh"
  assign fp32_o = tatami_fp_widen_f(code_i, dtype_i, bias_i);
endmodule

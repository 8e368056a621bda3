// Testbench top of tb_fp_conv: the widening and narrowing conversions,
// tatami_fp_widen and tatami_fp_narrow, side by side (combinational; the C++
// driver tests/rtl/tb_fp_conv.cpp compares them with host/src/numerics.c).
module tb_fp_conv (
  input  logic [31:0] w_code_i,
  input  logic [2:0]  w_dtype_i,
  input  logic [5:0]  w_bias_i,
  output logic [31:0] w_fp32_o,
  input  logic [31:0] n_x_i,
  input  logic [2:0]  n_dtype_i,
  input  logic [5:0]  n_bias_i,
  input  logic        n_sr_i,
  input  logic [15:0] n_rnd_i,
  output logic [15:0] n_code_o,
  output logic [4:0]  n_flags_o
);
  tatami_fp_widen u_widen (
    .code_i(w_code_i), .dtype_i(w_dtype_i), .bias_i(w_bias_i), .fp32_o(w_fp32_o)
  );
  tatami_fp_narrow u_narrow (
    .x_i(n_x_i), .dtype_i(n_dtype_i), .bias_i(n_bias_i), .sr_i(n_sr_i), .rnd_i(n_rnd_i),
    .code_o(n_code_o), .flags_o(n_flags_o)
  );
endmodule

// Testbench top: the serial GEMM unit's arithmetic units (tatami_fpu_add and
// tatami_fpu_mul, both iterative) on the same operands as the reference
// functions tatami_fp_add_f / tatami_fp_mul_f (exp_*_o, combinational from
// the inputs); tb_fpu_units.cpp compares them result and flags.
module tb_fpu_units (
  input  logic        clk_i,
  input  logic        rst_ni,
  input  logic        add_v_i,
  input  logic        mul_v_i,
  input  logic [31:0] a_i,
  input  logic [31:0] b_i,
  input  logic        sub_i,
  output logic        add_v_o,
  output logic        add_busy_o,
  output logic [36:0] add_o,
  output logic [36:0] exp_add_o,
  output logic        mul_v_o,
  output logic        mul_busy_o,
  output logic [36:0] mul_o,
  output logic [36:0] exp_mul_o,
  output logic [20:0] nar_o,        // tatami_fp_narrow_bf16_f(a_i)
  output logic [20:0] exp_nar_o     // tatami_fp_narrow_f(a_i) at BF16, RNE
);
`include "tatami_fp_funcs.svh"
  logic [31:0] ay, my;
  logic [4:0]  af, mf;
  tatami_fpu_add u_add (.clk_i, .rst_ni, .valid_i(add_v_i), .a_i, .b_i, .sub_i,
                        .busy_o(add_busy_o), .valid_o(add_v_o), .y_o(ay), .flags_o(af));
  tatami_fpu_mul u_mul (.clk_i, .rst_ni, .valid_i(mul_v_i), .a_i, .b_i,
                        .busy_o(mul_busy_o), .valid_o(mul_v_o), .y_o(my), .flags_o(mf));
  assign add_o     = {af, ay};
  assign mul_o     = {mf, my};
  assign exp_add_o = tatami_fp_add_f(a_i, b_i, sub_i);
  assign exp_mul_o = tatami_fp_mul_f(a_i, b_i);
  assign nar_o     = tatami_fp_narrow_bf16_f(a_i);
  assign exp_nar_o = tatami_fp_narrow_f(a_i, 3'd1, 6'd0, 1'b0, 16'd0);
endmodule

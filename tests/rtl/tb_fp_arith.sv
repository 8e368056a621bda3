// Testbench top of tb_fp_arith: FP32 add/sub (tatami_fp_add), multiply with
// the full significand (tatami_fp_mul MB=24) and with BF16 significands
// (MB=8), and a multiply-add S + a*b built from an MB=8 multiplier feeding an
// adder, the GEMM accumulation step of docs/numerics.md section 5
// (combinational; the C++ driver tests/rtl/tb_fp_arith.cpp compares them with
// host/src/numerics.c).
module tb_fp_arith (
  input  logic [31:0] add_a_i,
  input  logic [31:0] add_b_i,
  input  logic        add_sub_i,
  output logic [31:0] add_y_o,
  output logic [4:0]  add_flags_o,
  input  logic [31:0] mul_a_i,
  input  logic [31:0] mul_b_i,
  output logic [31:0] mul24_y_o,
  output logic [4:0]  mul24_flags_o,
  output logic [31:0] mul8_y_o,
  output logic [4:0]  mul8_flags_o,
  input  logic [31:0] mac_s_i,
  input  logic [31:0] mac_a_i,
  input  logic [31:0] mac_b_i,
  output logic [31:0] mac_s_o,
  output logic [4:0]  mac_flags_o
);
  tatami_fp_add u_add (
    .a_i(add_a_i), .b_i(add_b_i), .sub_i(add_sub_i), .y_o(add_y_o), .flags_o(add_flags_o)
  );
  tatami_fp_mul #(.MB(24)) u_mul24 (
    .a_i(mul_a_i), .b_i(mul_b_i), .y_o(mul24_y_o), .flags_o(mul24_flags_o)
  );
  tatami_fp_mul #(.MB(8)) u_mul8 (
    .a_i(mul_a_i), .b_i(mul_b_i), .y_o(mul8_y_o), .flags_o(mul8_flags_o)
  );

  logic [31:0] mac_p;
  logic [4:0]  mac_mflags, mac_aflags;
  tatami_fp_mul #(.MB(8)) u_mac_mul (
    .a_i(mac_a_i), .b_i(mac_b_i), .y_o(mac_p), .flags_o(mac_mflags)
  );
  tatami_fp_add u_mac_add (
    .a_i(mac_s_i), .b_i(mac_p), .sub_i(1'b0), .y_o(mac_s_o), .flags_o(mac_aflags)
  );
  assign mac_flags_o = mac_mflags | mac_aflags;
endmodule

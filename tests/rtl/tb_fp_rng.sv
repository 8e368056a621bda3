// Testbench top of tb_fp_rng: the random source tatami_rng with L = 1 and
// L = 16 lanes, each with its own seed/take inputs, on one clock and reset
// (the C++ driver tests/rtl/tb_fp_rng.cpp compares them with the xorshift32
// generator of host/src/numerics.c).
module tb_fp_rng (
  input  logic         clk_i,
  input  logic         rst_ni,
  input  logic         s1_seed_we_i,
  input  logic [31:0]  s1_seed_i,
  input  logic [0:0]   s1_take_i,
  output logic [15:0]  s1_rnd_o,
  output logic [31:0]  s1_state_o,
  input  logic         s16_seed_we_i,
  input  logic [31:0]  s16_seed_i,
  input  logic [4:0]   s16_take_i,
  output logic [255:0] s16_rnd_o,
  output logic [31:0]  s16_state_o
);
  tatami_rng #(.L(1)) u_rng1 (
    .clk_i, .rst_ni, .seed_we_i(s1_seed_we_i), .seed_i(s1_seed_i), .take_i(s1_take_i),
    .rnd_o(s1_rnd_o), .state_o(s1_state_o)
  );
  tatami_rng #(.L(16)) u_rng16 (
    .clk_i, .rst_ni, .seed_we_i(s16_seed_we_i), .seed_i(s16_seed_i), .take_i(s16_take_i),
    .rnd_o(s16_rnd_o), .state_o(s16_state_o)
  );
endmodule

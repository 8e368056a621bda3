// Testbench top: tatami_sram + tatami_gemm with FP = 1 (the sim profile's
// engine: R = C = 16, W = 32). The C++ driver owns the write port and the
// rc read port while the engine is idle (host_*), as in tb_gemm.
module tb_fp_gemm #(
  parameter int R          = 16,
  parameter int C          = 16,
  parameter int SRAM_BYTES = 1 << 20,
  parameter int W          = 32,
  localparam int AW        = $clog2(SRAM_BYTES),
  localparam int MW        = $clog2(R * C + 1)
) (
  input  logic           clk_i,
  input  logic           rst_ni,
  input  logic           start_i,
  input  logic [AW-1:0]  a_addr_i,
  input  logic [AW-1:0]  b_addr_i,
  input  logic [AW-1:0]  c_addr_i,
  input  logic [23:0]    m_i,
  input  logic [23:0]    n_i,
  input  logic [23:0]    k_i,
  input  logic [31:0]    lda_i,
  input  logic [31:0]    ldb_i,
  input  logic [31:0]    ldc_i,
  input  logic           trans_a_i,
  input  logic           trans_b_i,
  input  logic           accumulate_i,
  input  logic [2:0]     dtype_a_i,
  input  logic [2:0]     dtype_b_i,
  input  logic [2:0]     dtype_c_i,
  input  logic [5:0]     bias_a_i,
  input  logic [5:0]     bias_b_i,
  input  logic [5:0]     bias_c_i,
  output logic           busy_o,
  output logic           done_o,
  output logic           ev_busy_o,
  output logic [MW-1:0]  ev_macs_o,
  output logic [4:0]     ev_flags_o,
  input  logic           host_w_en_i,
  input  logic [AW-1:0]  host_w_addr_i,
  input  logic [8*W-1:0] host_w_data_i,
  input  logic [W-1:0]   host_w_be_i,
  input  logic           host_r_en_i,
  input  logic [AW-1:0]  host_r_addr_i,
  output logic [8*W-1:0] host_r_data_o
);
`include "tb_fp_sram.svh"
  logic           unused_stall_op, unused_stall_drain;

  tatami_gemm #(.R(R), .C(C), .SRAM_BYTES(SRAM_BYTES), .W(W), .DW(AW + 1), .FP(1'b1)) u_gemm (
    .clk_i, .rst_ni, .en_i(1'b1), .start_i, .a_addr_i, .b_addr_i, .c_addr_i, .m_i, .n_i, .k_i,
    .lda_i, .ldb_i, .ldc_i, .trans_a_i, .trans_b_i, .accumulate_i,
    .dtype_a_i, .dtype_b_i, .dtype_c_i, .bias_a_i, .bias_b_i, .bias_c_i, .ev_flags_o,
    .busy_o, .done_o, .ev_busy_o, .ev_macs_o,
    .ev_stall_operand_o(unused_stall_op), .ev_stall_drain_o(unused_stall_drain),
    .ra_en_o(ra_en), .ra_addr_o(ra_addr), .ra_data_i(ra_data),
    .rb_en_o(rb_en), .rb_addr_o(rb_addr), .rb_data_i(rb_data),
    .rc_en_o(e_rc_en), .rc_addr_o(e_rc_addr), .rc_data_i(rc_data),
    .w_en_o(e_w_en), .w_addr_o(e_w_addr), .w_data_o(e_w_data), .w_be_o(e_w_be)
  );

endmodule

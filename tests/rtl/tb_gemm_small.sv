// Testbench top: the tb_gemm wrapper with a small, non-square engine
// (R=4, C=3, W=4, 64 KiB), driven by tb_gemm_small.cpp (= tb_gemm.cpp).
`include "tb_gemm.sv"

module tb_gemm_small #(
  localparam int R          = 4,
  localparam int C          = 3,
  localparam int SRAM_BYTES = 1 << 16,
  localparam int W          = 4,
  localparam int AW         = $clog2(SRAM_BYTES),
  localparam int MW         = $clog2(R * C + 1)
) (
  input  logic           clk_i,
  input  logic           rst_ni,
  input  logic           en_i,
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
  output logic           busy_o,
  output logic           done_o,
  output logic           ev_busy_o,
  output logic [MW-1:0]  ev_macs_o,
  output logic           ev_stall_operand_o,
  output logic           ev_stall_drain_o,
  output logic           ra_en_o,
  output logic           rb_en_o,
  input  logic           host_w_en_i,
  input  logic [AW-1:0]  host_w_addr_i,
  input  logic [8*W-1:0] host_w_data_i,
  input  logic [W-1:0]   host_w_be_i,
  input  logic           host_r_en_i,
  input  logic [AW-1:0]  host_r_addr_i,
  output logic [8*W-1:0] host_r_data_o
);
  tb_gemm #(.R(R), .C(C), .SRAM_BYTES(SRAM_BYTES), .W(W)) u_tb (.*);
endmodule

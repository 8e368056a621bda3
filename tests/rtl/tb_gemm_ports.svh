// Port list shared by the tb_gemm testbench top and its wrappers
// (tb_gemm_small, tb_gemm_en, tb_gemm1p): included between the parentheses
// of each module's port list; needs the localparams AW, W and MW.
  input  logic           clk_i,
  input  logic           rst_ni,
  input  logic           en_i,              // engine clock enable (memory freezes it)
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
  output logic           ra_en_o,           // exposed for port-ownership checks
  output logic           rb_en_o,
  input  logic           host_w_en_i,
  input  logic [AW-1:0]  host_w_addr_i,
  input  logic [8*W-1:0] host_w_data_i,
  input  logic [W-1:0]   host_w_be_i,
  input  logic           host_r_en_i,
  input  logic [AW-1:0]  host_r_addr_i,
  output logic [8*W-1:0] host_r_data_o

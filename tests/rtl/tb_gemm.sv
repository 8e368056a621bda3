// Testbench top: tatami_sram + tatami_gemm. While the engine is idle the C++
// driver owns the write port (host_w_*) and the rc read port (host_r_*) to
// load operands and read results back; while busy_o the engine owns all.
// en_i models a memory that freezes the engine: engine requests are taken
// only in cycles with en_i=1, and read data holds until the port's next
// request (tatami_sram keeps its read registers when a port is not enabled).
module tb_gemm #(
  parameter int R          = 16,
  parameter int C          = 16,
  parameter int SRAM_BYTES = 1 << 20,
  parameter int W          = 16,
  parameter int DW         = 24,
  parameter bit DSP        = 1'b0,
  localparam int AW        = $clog2(SRAM_BYTES),
  localparam int MW        = $clog2(R * C + 1)
) (
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
);
  logic           ra_en, rb_en, rc_en, w_en;
  logic [AW-1:0]  ra_addr, rb_addr, rc_addr, w_addr;
  logic [8*W-1:0] ra_data, rb_data, rc_data, w_data;
  logic [W-1:0]   w_be;
  logic           e_rc_en, e_w_en;
  logic [AW-1:0]  e_rc_addr, e_w_addr;
  logic [8*W-1:0] e_w_data;
  logic [W-1:0]   e_w_be;

  tatami_gemm #(.R(R), .C(C), .SRAM_BYTES(SRAM_BYTES), .W(W), .DW(DW), .DSP(DSP)) u_gemm (
    .clk_i, .rst_ni, .en_i, .start_i, .a_addr_i, .b_addr_i, .c_addr_i, .m_i, .n_i, .k_i,
    .lda_i, .ldb_i, .ldc_i, .trans_a_i, .trans_b_i, .accumulate_i, .busy_o, .done_o,
    .ev_busy_o, .ev_macs_o, .ev_stall_operand_o, .ev_stall_drain_o,
    .ra_en_o(ra_en), .ra_addr_o(ra_addr), .ra_data_i(ra_data),
    .rb_en_o(rb_en), .rb_addr_o(rb_addr), .rb_data_i(rb_data),
    .rc_en_o(e_rc_en), .rc_addr_o(e_rc_addr), .rc_data_i(rc_data),
    .w_en_o(e_w_en), .w_addr_o(e_w_addr), .w_data_o(e_w_data), .w_be_o(e_w_be)
  );

  always_comb begin
    rc_en   = busy_o ? e_rc_en && en_i : host_r_en_i;
    rc_addr = busy_o ? e_rc_addr : host_r_addr_i;
    w_en    = busy_o ? e_w_en && en_i  : host_w_en_i;
    w_addr  = busy_o ? e_w_addr  : host_w_addr_i;
    w_data  = busy_o ? e_w_data  : host_w_data_i;
    w_be    = busy_o ? e_w_be    : host_w_be_i;
  end
  assign host_r_data_o = rc_data;
  assign ra_en_o = ra_en;
  assign rb_en_o = rb_en;

  tatami_sram #(.BYTES(SRAM_BYTES), .W(W)) u_sram (
    .clk_i,
    .ra_en_i(ra_en && en_i), .ra_addr_i(ra_addr), .ra_data_o(ra_data),
    .rb_en_i(rb_en && en_i), .rb_addr_i(rb_addr), .rb_data_o(rb_data),
    .rc_en_i(rc_en), .rc_addr_i(rc_addr), .rc_data_o(rc_data),
    .w_en_i(w_en), .w_addr_i(w_addr), .w_data_i(w_data), .w_be_i(w_be)
  );
endmodule

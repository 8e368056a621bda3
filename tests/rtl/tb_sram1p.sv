// Testbench top for tatami_sram1p (driven by tb_sram1p.cpp): three
// instances with uniform 32-bit address / 64-bit data ports, so one C++
// client model drives them all:
//   d0: IMPL=0, BYTES=131072, W=4 (four SB_SPRAM256KA from yosys's
//       cells_sim.v; built with -DTATAMI_ICE40, see TB_VFLAGS_tb_sram1p)
//   d1: IMPL=1, BYTES=8192,   W=4 (inferred RAMs, the HX8K configuration)
//   d2: IMPL=1, BYTES=4096,   W=6 (widest port: non-replicated write path)
module tb_sram1p (
  input  logic        clk_i,
  input  logic        rst_ni,

  // DUT 0: BYTES=131072, W=4, SPRAM (IMPL=0) as on the iCE40UP5K board
  output logic        d0_en_o,
  input  logic        d0_ra_en_i,
  input  logic [31:0] d0_ra_addr_i,
  output logic [63:0] d0_ra_data_o,
  input  logic        d0_rb_en_i,
  input  logic [31:0] d0_rb_addr_i,
  output logic [63:0] d0_rb_data_o,
  input  logic        d0_rc_en_i,
  input  logic [31:0] d0_rc_addr_i,
  output logic [63:0] d0_rc_data_o,
  input  logic        d0_w_en_i,
  input  logic [31:0] d0_w_addr_i,
  input  logic [63:0] d0_w_data_i,
  input  logic [7:0]  d0_w_be_i,

  // DUT 1: BYTES=8192, W=4, inferred EBR RAMs (IMPL=1) as on the HX8K board
  output logic        d1_en_o,
  input  logic        d1_ra_en_i,
  input  logic [31:0] d1_ra_addr_i,
  output logic [63:0] d1_ra_data_o,
  input  logic        d1_rb_en_i,
  input  logic [31:0] d1_rb_addr_i,
  output logic [63:0] d1_rb_data_o,
  input  logic        d1_rc_en_i,
  input  logic [31:0] d1_rc_addr_i,
  output logic [63:0] d1_rc_data_o,
  input  logic        d1_w_en_i,
  input  logic [31:0] d1_w_addr_i,
  input  logic [63:0] d1_w_data_i,
  input  logic [7:0]  d1_w_be_i,

  // DUT 2: BYTES=4096, W=6, IMPL=1 with W=6 (the widest allowed port; rotation without replication)
  output logic        d2_en_o,
  input  logic        d2_ra_en_i,
  input  logic [31:0] d2_ra_addr_i,
  output logic [63:0] d2_ra_data_o,
  input  logic        d2_rb_en_i,
  input  logic [31:0] d2_rb_addr_i,
  output logic [63:0] d2_rb_data_o,
  input  logic        d2_rc_en_i,
  input  logic [31:0] d2_rc_addr_i,
  output logic [63:0] d2_rc_data_o,
  input  logic        d2_w_en_i,
  input  logic [31:0] d2_w_addr_i,
  input  logic [63:0] d2_w_data_i,
  input  logic [7:0]  d2_w_be_i
);
  tb_sram1p_dut #(.BYTES(131072), .W(4), .IMPL(0)) u_d0 (
    .clk_i, .rst_ni, .en_o(d0_en_o),
    .ra_en_i(d0_ra_en_i), .ra_addr_i(d0_ra_addr_i), .ra_data_o(d0_ra_data_o),
    .rb_en_i(d0_rb_en_i), .rb_addr_i(d0_rb_addr_i), .rb_data_o(d0_rb_data_o),
    .rc_en_i(d0_rc_en_i), .rc_addr_i(d0_rc_addr_i), .rc_data_o(d0_rc_data_o),
    .w_en_i(d0_w_en_i), .w_addr_i(d0_w_addr_i), .w_data_i(d0_w_data_i), .w_be_i(d0_w_be_i)
  );

  tb_sram1p_dut #(.BYTES(8192), .W(4), .IMPL(1)) u_d1 (
    .clk_i, .rst_ni, .en_o(d1_en_o),
    .ra_en_i(d1_ra_en_i), .ra_addr_i(d1_ra_addr_i), .ra_data_o(d1_ra_data_o),
    .rb_en_i(d1_rb_en_i), .rb_addr_i(d1_rb_addr_i), .rb_data_o(d1_rb_data_o),
    .rc_en_i(d1_rc_en_i), .rc_addr_i(d1_rc_addr_i), .rc_data_o(d1_rc_data_o),
    .w_en_i(d1_w_en_i), .w_addr_i(d1_w_addr_i), .w_data_i(d1_w_data_i), .w_be_i(d1_w_be_i)
  );

  tb_sram1p_dut #(.BYTES(4096), .W(6), .IMPL(1)) u_d2 (
    .clk_i, .rst_ni, .en_o(d2_en_o),
    .ra_en_i(d2_ra_en_i), .ra_addr_i(d2_ra_addr_i), .ra_data_o(d2_ra_data_o),
    .rb_en_i(d2_rb_en_i), .rb_addr_i(d2_rb_addr_i), .rb_data_o(d2_rb_data_o),
    .rc_en_i(d2_rc_en_i), .rc_addr_i(d2_rc_addr_i), .rc_data_o(d2_rc_data_o),
    .w_en_i(d2_w_en_i), .w_addr_i(d2_w_addr_i), .w_data_i(d2_w_data_i), .w_be_i(d2_w_be_i)
  );
endmodule

// One tatami_sram1p with its ports widened / truncated to the tb's widths.
module tb_sram1p_dut #(
  parameter int BYTES = 8192,
  parameter int W     = 4,
  parameter int IMPL  = 1,
  localparam int AW   = $clog2(BYTES)
) (
  input  logic        clk_i,
  input  logic        rst_ni,
  output logic        en_o,
  input  logic        ra_en_i,
  input  logic [31:0] ra_addr_i,
  output logic [63:0] ra_data_o,
  input  logic        rb_en_i,
  input  logic [31:0] rb_addr_i,
  output logic [63:0] rb_data_o,
  input  logic        rc_en_i,
  input  logic [31:0] rc_addr_i,
  output logic [63:0] rc_data_o,
  input  logic        w_en_i,
  input  logic [31:0] w_addr_i,
  input  logic [63:0] w_data_i,
  input  logic [7:0]  w_be_i
);
  logic [8*W-1:0] ra_data, rb_data, rc_data;

  tatami_sram1p #(.BYTES(BYTES), .W(W), .IMPL(IMPL)) u_mem (
    .clk_i, .rst_ni, .en_o,
    .ra_en_i, .ra_addr_i(ra_addr_i[AW-1:0]), .ra_data_o(ra_data),
    .rb_en_i, .rb_addr_i(rb_addr_i[AW-1:0]), .rb_data_o(rb_data),
    .rc_en_i, .rc_addr_i(rc_addr_i[AW-1:0]), .rc_data_o(rc_data),
    .w_en_i, .w_addr_i(w_addr_i[AW-1:0]), .w_data_i(w_data_i[8*W-1:0]), .w_be_i(w_be_i[W-1:0])
  );

  assign ra_data_o = 64'(ra_data);
  assign rb_data_o = 64'(rb_data);
  assign rc_data_o = 64'(rc_data);
endmodule

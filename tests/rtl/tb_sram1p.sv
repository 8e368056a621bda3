// Testbench top for tatami_sram1p (driven by tb_sram1p.cpp): three
// instances with uniform 32-bit address / 64-bit data ports, so one C++
// client model drives them all:
//   d0: IMPL=0, BYTES=131072, W=4 (four SB_SPRAM256KA from yosys's
//       cells_sim.v; built with -DTATAMI_ICE40, see TB_VFLAGS_tb_sram1p)
//   d1: IMPL=1, BYTES=8192,   W=4 (inferred RAMs, the HX8K configuration)
//   d2: IMPL=1, BYTES=4096,   W=6 (widest port: non-replicated write path)
// and two with ARB=0 (SINGLE: at most one request per clock, no latches,
// en_o always 1, one shared read data output):
//   d3: IMPL=0, BYTES=131072, W=4, ARB=0 (the iCEBreaker board tile)
//   d4: IMPL=1, BYTES=8192,   W=4, ARB=0
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
  input  logic [7:0]  d2_w_be_i,

  // DUT 3: BYTES=131072, W=4, SPRAM (IMPL=0), ARB=0 exactly as on the iCEBreaker board
  output logic        d3_en_o,
  input  logic        d3_ra_en_i,
  input  logic [31:0] d3_ra_addr_i,
  output logic [63:0] d3_ra_data_o,
  input  logic        d3_rb_en_i,
  input  logic [31:0] d3_rb_addr_i,
  output logic [63:0] d3_rb_data_o,
  input  logic        d3_rc_en_i,
  input  logic [31:0] d3_rc_addr_i,
  output logic [63:0] d3_rc_data_o,
  input  logic        d3_w_en_i,
  input  logic [31:0] d3_w_addr_i,
  input  logic [63:0] d3_w_data_i,
  input  logic [7:0]  d3_w_be_i,

  // DUT 4: BYTES=8192, W=4, inferred RAMs (IMPL=1), ARB=0
  output logic        d4_en_o,
  input  logic        d4_ra_en_i,
  input  logic [31:0] d4_ra_addr_i,
  output logic [63:0] d4_ra_data_o,
  input  logic        d4_rb_en_i,
  input  logic [31:0] d4_rb_addr_i,
  output logic [63:0] d4_rb_data_o,
  input  logic        d4_rc_en_i,
  input  logic [31:0] d4_rc_addr_i,
  output logic [63:0] d4_rc_data_o,
  input  logic        d4_w_en_i,
  input  logic [31:0] d4_w_addr_i,
  input  logic [63:0] d4_w_data_i,
  input  logic [7:0]  d4_w_be_i
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

  tb_sram1p_dut #(.BYTES(131072), .W(4), .IMPL(0), .ARB(1'b0)) u_d3 (
    .clk_i, .rst_ni, .en_o(d3_en_o),
    .ra_en_i(d3_ra_en_i), .ra_addr_i(d3_ra_addr_i), .ra_data_o(d3_ra_data_o),
    .rb_en_i(d3_rb_en_i), .rb_addr_i(d3_rb_addr_i), .rb_data_o(d3_rb_data_o),
    .rc_en_i(d3_rc_en_i), .rc_addr_i(d3_rc_addr_i), .rc_data_o(d3_rc_data_o),
    .w_en_i(d3_w_en_i), .w_addr_i(d3_w_addr_i), .w_data_i(d3_w_data_i), .w_be_i(d3_w_be_i)
  );

  tb_sram1p_dut #(.BYTES(8192), .W(4), .IMPL(1), .ARB(1'b0)) u_d4 (
    .clk_i, .rst_ni, .en_o(d4_en_o),
    .ra_en_i(d4_ra_en_i), .ra_addr_i(d4_ra_addr_i), .ra_data_o(d4_ra_data_o),
    .rb_en_i(d4_rb_en_i), .rb_addr_i(d4_rb_addr_i), .rb_data_o(d4_rb_data_o),
    .rc_en_i(d4_rc_en_i), .rc_addr_i(d4_rc_addr_i), .rc_data_o(d4_rc_data_o),
    .w_en_i(d4_w_en_i), .w_addr_i(d4_w_addr_i), .w_data_i(d4_w_data_i), .w_be_i(d4_w_be_i)
  );
endmodule

// One tatami_sram1p with its ports widened / truncated to the tb's widths.
module tb_sram1p_dut #(
  parameter int BYTES = 8192,
  parameter int W     = 4,
  parameter int IMPL  = 1,
  parameter bit ARB   = 1'b1,
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

  tatami_sram1p #(.BYTES(BYTES), .W(W), .IMPL(IMPL), .ARB(ARB)) u_mem (
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

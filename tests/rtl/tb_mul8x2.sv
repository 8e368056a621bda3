// Testbench top: tatami_mul8x2 with DSP=1 (the iCE40 SB_MAC16, simulated by
// yosys's cells_sim.v; built with -DTATAMI_ICE40, see TB_VFLAGS_tb_mul8x2 in
// rtl/rtl.mk) and DSP=0 (behavioural) on the same inputs, combinational
// (PIPE=0) and with the two-stage pipeline (PIPE=1, clock enable en_i).
module tb_mul8x2 (
  input  logic        clk_i,
  input  logic        en_i,
  input  logic [7:0]  a0_i,
  input  logic [7:0]  b0_i,
  input  logic [7:0]  a1_i,
  input  logic [7:0]  b1_i,
  output logic [15:0] dsp_p0_o,
  output logic [15:0] dsp_p1_o,
  output logic [15:0] lut_p0_o,
  output logic [15:0] lut_p1_o,
  output logic [15:0] dspp_p0_o,
  output logic [15:0] dspp_p1_o,
  output logic [15:0] lutp_p0_o,
  output logic [15:0] lutp_p1_o
);
  tatami_mul8x2 #(.DSP(1'b1)) u_dsp (
    .clk_i, .en_i, .a0_i, .b0_i, .a1_i, .b1_i, .p0_o(dsp_p0_o), .p1_o(dsp_p1_o)
  );
  tatami_mul8x2 #(.DSP(1'b0)) u_lut (
    .clk_i, .en_i, .a0_i, .b0_i, .a1_i, .b1_i, .p0_o(lut_p0_o), .p1_o(lut_p1_o)
  );
  tatami_mul8x2 #(.DSP(1'b1), .PIPE(1'b1)) u_dspp (
    .clk_i, .en_i, .a0_i, .b0_i, .a1_i, .b1_i, .p0_o(dspp_p0_o), .p1_o(dspp_p1_o)
  );
  tatami_mul8x2 #(.DSP(1'b0), .PIPE(1'b1)) u_lutp (
    .clk_i, .en_i, .a0_i, .b0_i, .a1_i, .b1_i, .p0_o(lutp_p0_o), .p1_o(lutp_p1_o)
  );
endmodule

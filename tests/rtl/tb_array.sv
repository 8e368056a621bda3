// Testbench top: tatami_array alone (R=5, C=3 so R != C and neither is a
// power of two); driven cycle by cycle from tb_array.cpp.
module tb_array #(
  parameter int R = 5,
  parameter int C = 3,
  localparam int RW = (R > 1) ? $clog2(R) : 1
) (
  input  logic            clk_i,
  input  logic            rst_ni,
  input  logic            en_i,
  input  logic            in_valid_i,
  input  logic            last_i,
  input  logic [8*R-1:0]  a_i,
  input  logic [8*C-1:0]  b_i,
  input  logic [RW-1:0]   rd_row_i,
  output logic [32*C-1:0] rd_data_o,
  output logic            row0_done_o
);
  // the FP = 0 array: the floating-point ports are unused
  logic         fp_i;
  logic [R-1:0] a_in_i;
  logic [C-1:0] b_in_i;
  /* verilator lint_off UNUSEDSIGNAL */
  logic [4:0]   flags_o;
  /* verilator lint_on UNUSEDSIGNAL */
  assign fp_i   = 1'b0;
  assign a_in_i = '0;
  assign b_in_i = '0;
  tatami_array #(.R(R), .C(C)) u_array (.*);
endmodule

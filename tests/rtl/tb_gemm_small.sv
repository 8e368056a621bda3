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
`include "tb_gemm_ports.svh"
);
  tb_gemm #(.R(R), .C(C), .SRAM_BYTES(SRAM_BYTES), .W(W)) u_tb (.*);
endmodule

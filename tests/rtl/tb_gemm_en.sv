// Testbench top: the tb_gemm wrapper with the board profile's engine
// (R=4, C=4, W=4, 128 KiB, DW=18, DSP=1: SB_MAC16 models, built with
// -DTATAMI_ICE40, see rtl/rtl.mk) frozen by en_i in ~30% of the cycles
// (a single-ported memory serving several requests), driven by
// tb_gemm_en.cpp (= tb_gemm.cpp with FREEZE_PCT=30).
`include "tb_gemm.sv"

module tb_gemm_en #(
  localparam int R          = 4,
  localparam int C          = 4,
  localparam int SRAM_BYTES = 1 << 17,
  localparam int W          = 4,
  localparam int AW         = $clog2(SRAM_BYTES),
  localparam int MW         = $clog2(R * C + 1)
) (
`include "tb_gemm_ports.svh"
);
  tb_gemm #(.R(R), .C(C), .SRAM_BYTES(SRAM_BYTES), .W(W), .DW(18), .DSP(1'b1)) u_tb (.*);
endmodule

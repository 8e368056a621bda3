// Testbench top: the tb_gemm wrapper with the board engine tatami_gemm1p
// (R=4, C=4, W=4, 128 KiB, DW=18, DSP=1: SB_MAC16 models, built with
// -DTATAMI_ICE40, see rtl/rtl.mk) and 16-deep panels (KP=16), so that most
// random GEMMs take several k-chunks; en_i low in ~20% of the cycles; read
// latency 2 (requests registered, as the board's tatami_sram1p ARB=0 does).
// Driven by tb_gemm1p.cpp (= tb_gemm.cpp).
`include "tb_gemm.sv"

module tb_gemm1p #(
  localparam int R          = 4,
  localparam int C          = 4,
  localparam int SRAM_BYTES = 1 << 17,
  localparam int W          = 4,
  localparam int AW         = $clog2(SRAM_BYTES),
  localparam int MW         = $clog2(R * C + 1)
) (
`include "tb_gemm_ports.svh"
);
  tb_gemm #(.R(R), .C(C), .SRAM_BYTES(SRAM_BYTES), .W(W), .DW(18), .DSP(1'b1),
            .ENGINE(1), .KP(16), .RD_LAT(2)) u_tb (.*);
endmodule

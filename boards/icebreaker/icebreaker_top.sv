// icebreaker_top: tatami on the iCEBreaker v1.0 (iCE40UP5K-SG48).
//   CLK 12 MHz (pin 35, shared with the FT2232H) -> SB_PLL40_PAD -> CLOCK_HZ tile clock
//   (30 MHz by default; 36 MHz is the other supported value)
//   RX (pin 6, from FT2232H channel B), TX (pin 9, to it): 8N1 at BAUD
//   BTN_N (pin 10): reset while pressed
//   LEDG_N (37): idle   LEDR_N (11): error   RGB: blue = busy, red = error,
//   green = idle  (all active low)
// The tile is the `icebreaker` profile; MEM, DSP, DW, R, C, W, CREDITS, SRAM_BYTES are
// parameters only so that a build can override them (boards.mk: the
// BOARD_DEV_PARAMS_icebreaker / BOARD_PARAMS variables); the defaults are the
// board's. In simulation the PLL model (boards/common/sb_pll40_pad_sim.v) is a
// wire, so CLK is then the tile clock.
module icebreaker_top #(
  parameter int CLOCK_HZ = 30000000, // 30000000 or 36000000 (the PLL settings below)
  parameter int BAUD = 6000000,      // CLOCK_HZ / BAUD: an integer >= 3 (5 at the defaults)
  parameter int MEM = 1,
  parameter int DSP = 1,
  parameter int ENGINE = 1,         // tatami_gemm1p: operand panels in EBR
  parameter int DW = 18,
  parameter int R = 4,
  parameter int C = 4,
  parameter int W = 4,
  parameter int CREDITS = 4,
  parameter int CNT_W = 32,
  parameter int RX_TIMEOUT = 4096, // inter-byte timeout in a frame: 137 us at 30 MHz
  parameter int LOOPBACK = 0,      // 1: UART echo, no tile (link bring-up)
  parameter int SRAM_BYTES = 131072,
  parameter int FPU = 0            // 1: the FP variant (boards.mk BOARD=icebreaker-fp: FPU=1 R=1 C=1)
) (
  input  logic CLK,
  input  logic BTN_N,
  input  logic RX,
  output logic TX,
  output logic LEDR_N,
  output logic LEDG_N,
  output logic LED_RED_N,
  output logic LED_GRN_N,
  output logic LED_BLU_N
);
  // The PLL settings for CLOCK_HZ (F_PFD 12 MHz):
  //   30 MHz: icepll -i 12 -o 30: DIVR 0, DIVF 79, DIVQ 5, FILTER_RANGE 1 (F_VCO 960 MHz)
  //   36 MHz: icepll -i 12 -o 36: DIVR 0, DIVF 47, DIVQ 4, FILTER_RANGE 1 (F_VCO 576 MHz)
  // Any other CLOCK_HZ fails elaboration.
  localparam logic [6:0] PLL_DIVF = CLOCK_HZ == 36000000 ? 7'd47 : 7'd79;
  localparam logic [2:0] PLL_DIVQ = CLOCK_HZ == 36000000 ? 3'd4 : 3'd5;
  if (CLOCK_HZ != 30000000 && CLOCK_HZ != 36000000) begin : g_bad_clock
    icebreaker_top_needs_CLOCK_HZ_30_or_36_MHz u_fail ();
  end

  logic clk, pll_lock, rst_n;
  /* verilator lint_off PINCONNECTEMPTY */
  SB_PLL40_PAD #(
    .FEEDBACK_PATH("SIMPLE"),
    .DIVR(4'b0000), .DIVF(PLL_DIVF), .DIVQ(PLL_DIVQ), .FILTER_RANGE(3'b001)
  ) u_pll (
    .PACKAGEPIN(CLK), .PLLOUTCORE(), .PLLOUTGLOBAL(clk),
    .EXTFEEDBACK(1'b0), .DYNAMICDELAY(8'd0), .LOCK(pll_lock),
    .BYPASS(1'b0), .RESETB(1'b1), .LATCHINPUTVALUE(1'b0),
    .SDO(), .SDI(1'b0), .SCLK(1'b0)
  );
  /* verilator lint_on PINCONNECTEMPTY */

  tatami_board_reset u_reset (.clk_i(clk), .pll_lock_i(pll_lock), .btn_ni(BTN_N), .rst_no(rst_n));

  logic idle, busy, error;
  tatami_board #(
    .R(R), .C(C), .SRAM_BYTES(SRAM_BYTES), .W(W), .PROFILE(1),
    .TILE_X(0), .TILE_Y(0), .CREDITS(CREDITS), .RX_TIMEOUT(RX_TIMEOUT), .CNT_W(CNT_W),
    .MEM(MEM), .DSP(DSP), .DW(DW), .ENGINE(ENGINE), .PL_SKID(1), .CLOCK_HZ(CLOCK_HZ), .BAUD(BAUD), .LOOPBACK(LOOPBACK),
    .FPU(FPU)
  ) u_board (
    .clk_i(clk), .rst_ni(rst_n), .uart_rx_i(RX), .uart_tx_o(TX),
    .led_idle_o(idle), .led_busy_o(busy), .led_error_o(error)
  );

  assign LEDG_N    = !idle;
  assign LEDR_N    = !error;
  assign LED_GRN_N = !idle;
  assign LED_BLU_N = !busy;
  assign LED_RED_N = !error;
endmodule

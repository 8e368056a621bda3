// hx8k_top: tatami on the Lattice iCE40-HX8K breakout board (iCE40HX8K-CT256).
//   CLK 12 MHz (J3, the breakout's 12 MHz oscillator, which also clocks its
//   FT2232H) -> SB_PLL40_CORE (J3 is a global buffer pin, not a PLL pad)
//   -> 36 MHz tile clock
//   RX (B10, ser_rx from FT2232H channel B), TX (B12, ser_tx): 8N1 at BAUD
//   LED[7:0] (B5 B4 A2 A1 C5 C4 B3 C3, active high): 0 idle, 1 busy, 2 error,
//   3 PLL locked / out of reset, 4..7 off
// No DSP and no SPRAM on this chip: the `hx8k` profile (2x2 array, 8 KiB
// single-port scratchpad on EBR). No button: reset is power-on only.
module hx8k_top #(
  parameter int BAUD = 6000000,      // 36 MHz / BAUD: an integer >= 3 (6 at the default)
  parameter int MEM = 2,
  parameter int DSP = 0,
  parameter int ENGINE = 0,         // tatami_gemm
  parameter int DW = 24,
  parameter int R = 2,
  parameter int C = 2,
  parameter int W = 4,
  parameter int CREDITS = 4,
  parameter int CNT_W = 32,
  parameter int RX_TIMEOUT = 4096, // inter-byte timeout in a frame: 114 us at 36 MHz
  parameter int LOOPBACK = 0,      // 1: UART echo, no tile (link bring-up)
  parameter int SRAM_BYTES = 8192
) (
  input  logic       CLK,
  input  logic       RX,
  output logic       TX,
  output logic [7:0] LED
);
  localparam int CLOCK_HZ = 36000000;

  // 12 MHz -> 36 MHz: icepll -i 12 -o 36 (the UP5K's PLL settings for CLOCK_HZ=36000000).
  logic clk, pll_lock, rst_n;
  /* verilator lint_off PINCONNECTEMPTY */
  SB_PLL40_CORE #(
    .FEEDBACK_PATH("SIMPLE"),
    .DIVR(4'b0000), .DIVF(7'b0101111), .DIVQ(3'b100), .FILTER_RANGE(3'b001)
  ) u_pll (
    .REFERENCECLK(CLK), .PLLOUTCORE(), .PLLOUTGLOBAL(clk),
    .EXTFEEDBACK(1'b0), .DYNAMICDELAY(8'd0), .LOCK(pll_lock),
    .BYPASS(1'b0), .RESETB(1'b1), .LATCHINPUTVALUE(1'b0),
    .SDO(), .SDI(1'b0), .SCLK(1'b0)
  );
  /* verilator lint_on PINCONNECTEMPTY */

  tatami_board_reset u_reset (.clk_i(clk), .pll_lock_i(pll_lock), .btn_ni(1'b1), .rst_no(rst_n));

  logic idle, busy, error;
  tatami_board #(
    .R(R), .C(C), .SRAM_BYTES(SRAM_BYTES), .W(W), .PROFILE(2),
    .TILE_X(0), .TILE_Y(0), .CREDITS(CREDITS), .RX_TIMEOUT(RX_TIMEOUT), .CNT_W(CNT_W),
    .MEM(MEM), .DSP(DSP), .DW(DW), .ENGINE(ENGINE), .CLOCK_HZ(CLOCK_HZ), .BAUD(BAUD), .LOOPBACK(LOOPBACK)
  ) u_board (
    .clk_i(clk), .rst_ni(rst_n), .uart_rx_i(RX), .uart_tx_o(TX),
    .led_idle_o(idle), .led_busy_o(busy), .led_error_o(error)
  );

  assign LED = {4'b0000, rst_n, error, busy, idle};
endmodule

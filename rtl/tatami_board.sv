// tatami_board: the tile behind a UART PHY, as put on a board (boards/*/
// *_top.sv add the PLL, the reset and the pins). Bytes received on uart_rx_i
// go to the tile's link input; a byte offered while the tile's rx_ready_o is
// low is lost (the host's credit window prevents that; the tile counts it as
// an rx overrun). A byte with a framing error is dropped (the frame's CRC or
// the tile's inter-byte timeout then reports it). The tile's output bytes are
// sent back to back on uart_tx_o.
// CLOCK_HZ must be a multiple of BAUD, at least 3 clocks per bit: otherwise
// elaboration fails (no module tatami_board_CLOCK_HZ_must_be_a_multiple_of_BAUD_...).
// LOOPBACK = 1 (link bring-up; also how boards.mk checks its flow while the tile
// does not fit): no tile; every byte received is sent back through a 512-byte
// FIFO; LEDs: idle = FIFO empty, busy = not empty, error = a framing error
// was seen (sticky until reset).
module tatami_board #(
  parameter int R = 4, parameter int C = 4,
  parameter int SRAM_BYTES = 131072, parameter int W = 4,
  parameter int PROFILE = 1,
  parameter int TILE_X = 0, parameter int TILE_Y = 0,
  parameter int CREDITS = 4,
  parameter int RX_TIMEOUT = 4096,
  parameter int CNT_W = 32,
  parameter int MEM = 0,
  parameter int DSP = 0,
  parameter int DW = 24,
  parameter int ENGINE = 0,
  parameter int PL_SKID = 0,
  parameter int CLOCK_HZ = 36000000,
  parameter int BAUD = 12000000,
  parameter int LOOPBACK = 0,
  parameter int FPU = 0                 // the tile's serial GEMM unit (tatami_tile FPU)
) (
  input  logic clk_i,
  input  logic rst_ni,
  input  logic uart_rx_i,
  output logic uart_tx_o,
  output logic led_idle_o,
  output logic led_busy_o,
  output logic led_error_o
);
  localparam int CPB = CLOCK_HZ / BAUD;

  if (BAUD <= 0 || CLOCK_HZ % BAUD != 0 || CPB < 3) begin : g_bad_baud
    tatami_board_CLOCK_HZ_must_be_a_multiple_of_BAUD_and_at_least_3x u_fail ();
  end

  logic [7:0] rx_data, tx_data;
  logic       rx_valid, tx_valid, tx_ready;
  /* verilator lint_off UNUSEDSIGNAL */
  logic       rx_ready, rx_frame_err;
  logic [63:0] dbg_cnt;
  /* verilator lint_on UNUSEDSIGNAL */

  tatami_uart_rx #(.CLKS_PER_BIT(CPB)) u_uart_rx (
    .clk_i, .rst_ni, .rx_i(uart_rx_i),
    .data_o(rx_data), .valid_o(rx_valid), .frame_err_o(rx_frame_err)
  );

  if (LOOPBACK == 0) begin : g_tile
    tatami_tile #(
      .R(R), .C(C), .SRAM_BYTES(SRAM_BYTES), .W(W), .PROFILE(PROFILE),
      .TILE_X(TILE_X), .TILE_Y(TILE_Y), .CREDITS(CREDITS), .RX_TIMEOUT(RX_TIMEOUT),
      .CNT_W(CNT_W), .CLOCK_HZ(CLOCK_HZ), .MEM(MEM), .DSP(DSP != 0), .DW(DW), .ENGINE(ENGINE), .PL_SKID(PL_SKID != 0),
      .FPU(FPU != 0)
    ) u_tile (
      .clk_i, .rst_ni,
      .rx_data_i(rx_data), .rx_valid_i(rx_valid), .rx_ready_o(rx_ready),
      .tx_data_o(tx_data), .tx_valid_o(tx_valid), .tx_ready_i(tx_ready),
      .idle_o(led_idle_o), .busy_o(led_busy_o), .error_o(led_error_o),
      .dbg_cnt_sel_i(4'd0), .dbg_cnt_o(dbg_cnt)
    );
  end else begin : g_loopback
    logic empty, ferr_seen;
    tatami_fifo #(.WIDTH(8), .DEPTH(512)) u_fifo (
      .clk_i, .rst_ni,
      .wdata_i(rx_data), .wvalid_i(rx_valid), .wready_o(rx_ready),
      .rdata_o(tx_data), .rvalid_o(tx_valid), .rready_i(tx_ready),
      .empty_o(empty)
    );
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) ferr_seen <= 1'b0;
      else if (rx_frame_err) ferr_seen <= 1'b1;
    end
    assign led_idle_o = empty;
    assign led_busy_o = !empty;
    assign led_error_o = ferr_seen;
    assign dbg_cnt = '0;
  end

  tatami_uart_tx #(.CLKS_PER_BIT(CPB)) u_uart_tx (
    .clk_i, .rst_ni,
    .data_i(tx_data), .valid_i(tx_valid), .ready_o(tx_ready), .tx_o(uart_tx_o)
  );
endmodule

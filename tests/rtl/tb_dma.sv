// Testbench top for the whole tatami_tile (driven by tb_dma.cpp): small
// parameters so the run is quick. TILE (1,2) so BAD_DEST and the INFO
// address are visible; a short RX timeout for the TRUNCATED case.
module tb_dma (
  input  logic        clk_i,
  input  logic        rst_ni,
  input  logic [7:0]  rx_data_i,
  input  logic        rx_valid_i,
  output logic        rx_ready_o,
  output logic [7:0]  tx_data_o,
  output logic        tx_valid_o,
  input  logic        tx_ready_i,
  output logic        idle_o,
  output logic        busy_o,
  output logic        error_o,
  input  logic [3:0]  dbg_cnt_sel_i,
  output logic [63:0] dbg_cnt_o
);
  tatami_tile #(
    .R(4), .C(4), .SRAM_BYTES(65536), .W(4), .PROFILE(3), .TILE_X(1), .TILE_Y(2),
    .CREDITS(2), .RX_TIMEOUT(512), .CNT_W(64), .CLOCK_HZ(12000000)
  ) u_tile (
    .clk_i, .rst_ni, .rx_data_i, .rx_valid_i, .rx_ready_o, .tx_data_o, .tx_valid_o,
    .tx_ready_i, .idle_o, .busy_o, .error_o, .dbg_cnt_sel_i, .dbg_cnt_o
  );
endmodule

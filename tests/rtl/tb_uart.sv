// Testbench top for tatami_uart_rx / tatami_uart_tx (driven by tb_uart.cpp):
// one receiver and one transmitter for each of CLKS_PER_BIT = 3, 4, 6, 12
// (index 0..3), all on the same clock.
module tb_uart (
  input  logic        clk_i,
  input  logic        rst_ni,
  input  logic [3:0]  rx_i,
  output logic [31:0] rx_data_o,
  output logic [3:0]  rx_valid_o,
  output logic [3:0]  rx_ferr_o,
  input  logic [31:0] tx_data_i,
  input  logic [3:0]  tx_valid_i,
  output logic [3:0]  tx_ready_o,
  output logic [3:0]  tx_o
);
  for (genvar i = 0; i < 4; i++) begin : g_cpb
    localparam int CPB = i == 0 ? 3 : i == 1 ? 4 : i == 2 ? 6 : 12;
    tatami_uart_rx #(.CLKS_PER_BIT(CPB)) u_rx (
      .clk_i, .rst_ni, .rx_i(rx_i[i]),
      .data_o(rx_data_o[8*i +: 8]), .valid_o(rx_valid_o[i]), .frame_err_o(rx_ferr_o[i])
    );
    tatami_uart_tx #(.CLKS_PER_BIT(CPB)) u_tx (
      .clk_i, .rst_ni, .data_i(tx_data_i[8*i +: 8]), .valid_i(tx_valid_i[i]),
      .ready_o(tx_ready_o[i]), .tx_o(tx_o[i])
    );
  end
endmodule

// Testbench top for tatami_uart_rx / tatami_uart_tx (driven by tb_uart.cpp):
// one receiver and one transmitter for each of CLKS_PER_BIT = 3, 4, 5, 6, 12
// (index 0..4), all on the same clock. 5 is the iCEBreaker's default (30 MHz,
// 6 Mbaud), 6 the HX8K's (36 MHz, 6 Mbaud), 3 is 12 Mbaud at 36 MHz.
module tb_uart (
  input  logic        clk_i,
  input  logic        rst_ni,
  input  logic [4:0]  rx_i,
  output logic [39:0] rx_data_o,
  output logic [4:0]  rx_valid_o,
  output logic [4:0]  rx_ferr_o,
  input  logic [39:0] tx_data_i,
  input  logic [4:0]  tx_valid_i,
  output logic [4:0]  tx_ready_o,
  output logic [4:0]  tx_o
);
  for (genvar i = 0; i < 5; i++) begin : g_cpb
    localparam int CPB = i == 0 ? 3 : i == 1 ? 4 : i == 2 ? 5 : i == 3 ? 6 : 12;
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

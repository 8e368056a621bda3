// tatami_uart_tx: 8N1 UART transmitter. tx_o is a flop (no glitches), idle
// high. Every bit lasts exactly CLKS_PER_BIT cycles. ready_o is high when idle
// and in the last cycle of a stop bit, so a byte offered then starts its start
// bit right after the stop bit: back-to-back bytes have no gap (10 bit times
// per byte). A byte is taken when valid_i && ready_o; its start bit begins on
// the next cycle.
module tatami_uart_tx #(
  parameter int CLKS_PER_BIT = 3
) (
  input  logic       clk_i,
  input  logic       rst_ni,
  input  logic [7:0] data_i,
  input  logic       valid_i,
  output logic       ready_o,
  output logic       tx_o
);
  localparam int CW = $clog2(CLKS_PER_BIT);
  localparam logic [CW-1:0] C_LAST = CW'(CLKS_PER_BIT - 1);

  if (CLKS_PER_BIT < 3) begin : g_bad_param
    tatami_uart_tx_needs_CLKS_PER_BIT_at_least_3 u_fail ();
  end

  logic          busy;
  logic [CW-1:0] cnt;      // cycle within the current bit
  logic [3:0]    left;     // bits still to send after the current one
  logic [8:0]    shreg;    // those bits, LSB first (data, then the stop bit)
  logic          last;

  assign last    = (cnt == C_LAST) && (left == 4'd0);
  assign ready_o = !busy || last;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      busy <= 1'b0; cnt <= '0; left <= '0; shreg <= '0; tx_o <= 1'b1;
    end else if (valid_i && ready_o) begin
      busy <= 1'b1; cnt <= '0; left <= 4'd9; shreg <= {1'b1, data_i}; tx_o <= 1'b0;
    end else if (busy) begin
      if (cnt != C_LAST) begin
        cnt <= cnt + 1'b1;
      end else begin
        cnt <= '0;
        if (left == 4'd0) begin
          busy <= 1'b0; tx_o <= 1'b1;
        end else begin
          tx_o <= shreg[0]; shreg <= {1'b1, shreg[8:1]}; left <= left - 4'd1;
        end
      end
    end
  end
endmodule

// tatami_uart_rx: 8N1 UART receiver for the board link (FT2232H channel B).
//
// rx_i is the asynchronous pin: it goes through a 2-flop synchronizer. A byte
// starts at the first low synchronized sample after the line has been seen
// high (after reset and after a framing error the receiver waits for the
// line to go high first, so a held-low line yields one error, not a stream).
// Let k0 be the clock edge whose synchronizer flop first captured the start
// bit's falling edge; the receiver samples the line as captured at edges
// k0 + O + i*CLKS_PER_BIT, i = 0 (start, re-checked: a glitch returns to
// idle), 1..8 (data, LSB first), 9 (stop), with O = (CLKS_PER_BIT-1)/2.
// Since the edge lies within one clock period before k0, the sample lands
// between O and O+1 clock periods after each nominal bit edge: at 3 clocks
// per bit that is the middle third of the bit, one full clock period of
// margin on either side (docs/boards.md has the analysis).
// After the stop sample it is idle again at once: back-to-back bytes and a
// sender up to ~3% fast are received.
// valid_o: one-cycle pulse, data_o valid with it (held until the next byte).
// frame_err_o: one-cycle pulse when the stop bit was 0; that byte is dropped.
module tatami_uart_rx #(
  parameter int CLKS_PER_BIT = 3
) (
  input  logic       clk_i,
  input  logic       rst_ni,
  input  logic       rx_i,
  output logic [7:0] data_o,
  output logic       valid_o,
  output logic       frame_err_o
);
  localparam int O  = (CLKS_PER_BIT - 1) / 2;
  localparam int CW = $clog2(CLKS_PER_BIT);
  localparam logic [CW-1:0] C_LAST = CW'(CLKS_PER_BIT - 1);
  localparam logic [CW-1:0] C_OFF  = CW'(O - 1);   // the start costs one cycle

  if (CLKS_PER_BIT < 3) begin : g_bad_param
    tatami_uart_rx_needs_CLKS_PER_BIT_at_least_3 u_fail ();
  end

  // 2-flop synchronizer; reset low so a line is only used once seen high.
  logic s1, s2;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      s1 <= 1'b0; s2 <= 1'b0;
    end else begin
      s1 <= rx_i; s2 <= s1;
    end
  end

  logic          run, armed;
  logic [CW-1:0] cnt;     // cycles until the next sample
  logic [3:0]    bitn;    // 0 start, 1..8 data, 9 stop
  logic [7:0]    shreg;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      run <= 1'b0; armed <= 1'b0; cnt <= '0; bitn <= '0; shreg <= '0;
      valid_o <= 1'b0; frame_err_o <= 1'b0;
    end else begin
      valid_o <= 1'b0; frame_err_o <= 1'b0;
      if (!run) begin
        if (armed && !s2) begin
          run <= 1'b1; cnt <= C_OFF; bitn <= 4'd0;
        end
        if (s2) armed <= 1'b1;
      end else if (cnt != '0) begin
        cnt <= cnt - 1'b1;
      end else begin
        cnt <= C_LAST;
        bitn <= bitn + 4'd1;
        if (bitn == 4'd0) begin
          if (s2) run <= 1'b0;                 // glitch, not a start bit
        end else if (bitn != 4'd9) begin
          shreg <= {s2, shreg[7:1]};
        end else begin
          run <= 1'b0;
          if (s2) valid_o <= 1'b1;
          else begin
            frame_err_o <= 1'b1; armed <= 1'b0;
          end
        end
      end
    end
  end

  assign data_o = shreg;
endmodule

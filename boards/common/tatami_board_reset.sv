// tatami_board_reset: the board's synchronous reset release. Reset is held
// while the PLL is not locked or the button (active low, asynchronous) is
// pressed, and for 2**(POR_BITS-1) cycles after both are fine. The counter
// starts at 0 from configuration (iCE40 flops power up as 0, the initial
// value is the same in simulation), so reset is asserted at power-on.
// rst_no is a flop output, deasserted synchronously.
module tatami_board_reset #(
  parameter int POR_BITS = 8
) (
  input  logic clk_i,
  input  logic pll_lock_i,
  input  logic btn_ni,
  output logic rst_no
);
  logic [2:0]          ok_sync = 3'b000;
  logic [POR_BITS-1:0] por = '0;

  always_ff @(posedge clk_i) begin
    ok_sync <= {ok_sync[1:0], pll_lock_i && btn_ni};
    if (!ok_sync[2])          por <= '0;
    else if (!por[POR_BITS-1]) por <= por + 1'b1;
  end
  assign rst_no = por[POR_BITS-1];
endmodule

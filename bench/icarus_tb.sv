// Icarus Verilog replay of a command byte stream into tatami_tile (sim
// profile), for the simulator speed comparison. Feeds +stream=FILE (hex, one
// byte a line) over the valid/ready link, always takes response bytes, and
// stops when everything was sent and the tile has been idle for 64 cycles,
// or after +max_cycles=N cycles if given. +out=FILE writes the response bytes.
`timescale 1ns / 1ps
module icarus_tb;
  localparam int MAXB = 1 << 18;
  logic clk = 1'b0, rst_n = 1'b0;
  logic [7:0] stream [MAXB];
  logic [7:0] rx_data;
  logic rx_valid, rx_ready, tx_valid, idle, busy, err;
  logic [7:0] tx_data;
  logic [63:0] dbg;
  integer nbytes, pos, cycles, quiet, rx_count, max_cycles, out_fd;
  string path;

  // The tiny profile's parameters (sim/sim.mk): the same RTL as its Verilator
  // model. (The sim profile's 256 floating-point PEs make Icarus too slow
  // for make test; the int8 paths are the same modules.)
  tatami_tile #(.R(4), .C(4), .SRAM_BYTES(65536), .W(4), .PROFILE(3), .CREDITS(2),
                .CNT_W(64)) u_tile (
    .clk_i(clk), .rst_ni(rst_n),
    .rx_data_i(rx_data), .rx_valid_i(rx_valid), .rx_ready_o(rx_ready),
    .tx_data_o(tx_data), .tx_valid_o(tx_valid), .tx_ready_i(1'b1),
    .idle_o(idle), .busy_o(busy), .error_o(err),
    .dbg_cnt_sel_i(4'd0), .dbg_cnt_o(dbg));

  always #5 clk = ~clk;
  // Counting mirrors sim/tatami_sim.cpp + bench/sim_speed.c exactly: edge 1 is
  // the first rising edge with reset released; bytes are offered from edge 2
  // on; the tile's state is sampled after each edge (at the falling edge);
  // the report is the last busy edge minus one, so both print the same cycles.
  assign rx_valid = (cycles >= 1) && (pos < nbytes);
  assign rx_data = stream[pos];

  initial begin
    if (!$value$plusargs("stream=%s", path)) begin
      $display("usage: +stream=FILE"); $finish;
    end
    for (nbytes = 0; nbytes < MAXB; nbytes++) stream[nbytes] = 8'hxx;
    $readmemh(path, stream);
    nbytes = 0;
    while (nbytes < MAXB && stream[nbytes] !== 8'hxx) nbytes++;
    pos = 0; cycles = 0; quiet = 0; rx_count = 0;
    if (!$value$plusargs("max_cycles=%d", max_cycles)) max_cycles = 0;
    out_fd = 0;
    if ($value$plusargs("out=%s", path)) out_fd = $fopen(path, "w");  // response bytes, hex
    repeat (4) @(posedge clk);
    @(negedge clk) rst_n = 1'b1;  // away from the rising edge: no race
  end

  always @(posedge clk) if (rst_n) begin
    cycles <= cycles + 1;
    if (rx_valid && rx_ready) pos <= pos + 1;
    if (tx_valid) begin
      rx_count <= rx_count + 1;
      if (out_fd != 0) $fwrite(out_fd, "%02x\n", tx_data);
    end
  end

  always @(negedge clk) if (rst_n) begin
    if (cycles % 100 == 0 && $test$plusargs("progress"))
      $display("icarus: cycle %0d pos %0d/%0d out %0d idle %0d", cycles, pos, nbytes, rx_count, idle);
    quiet = (pos >= nbytes && idle) ? quiet + 1 : 0;
    if (max_cycles != 0 && cycles == max_cycles) begin
      $display("icarus: stopped at max_cycles: cycles=%0d bytes_in=%0d bytes_out=%0d", cycles, pos, rx_count);
      $finish;
    end
    if (quiet == 64) begin
      $display("icarus: cycles=%0d bytes_in=%0d bytes_out=%0d", cycles - 64 - 1, nbytes, rx_count);
      if (out_fd != 0) $fclose(out_fd);
      $finish;
    end
  end
endmodule

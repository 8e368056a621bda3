// Software-managed scratchpad: BYTES bytes as two banks of W-byte words
// (even and odd word indices). Any W-byte window, at any byte alignment,
// touches one word in each bank, so every port moves W unaligned bytes per
// cycle: the operand streamers need this for strided, transposed operands.
//
// Three read ports (a, b, c) with one cycle of latency: data_o byte i is the
// byte at addr+i, sampled at the previous clock edge's address. One write
// port, also W unaligned bytes, with a byte enable per byte. Addresses wrap
// modulo BYTES; callers check ranges.
module tatami_sram #(
  parameter int BYTES = 1 << 20,
  parameter int W     = 16,
  localparam int AW   = $clog2(BYTES)
) (
  input  logic            clk_i,

  input  logic            ra_en_i,
  input  logic [AW-1:0]   ra_addr_i,
  output logic [8*W-1:0]  ra_data_o,

  input  logic            rb_en_i,
  input  logic [AW-1:0]   rb_addr_i,
  output logic [8*W-1:0]  rb_data_o,

  input  logic            rc_en_i,
  input  logic [AW-1:0]   rc_addr_i,
  output logic [8*W-1:0]  rc_data_o,

  input  logic            w_en_i,
  input  logic [AW-1:0]   w_addr_i,
  input  logic [8*W-1:0]  w_data_i,
  input  logic [W-1:0]    w_be_i
);
  localparam int OW     = $clog2(W);          // byte offset bits in a word
  localparam int NWORDS = BYTES / W;
  localparam int BW     = $clog2(NWORDS) - 1; // bank index bits

  logic [8*W-1:0] bank_even [NWORDS/2];
  logic [8*W-1:0] bank_odd  [NWORDS/2];

  // ---------------------------------------------------------------- reads
  // Split a byte address into the bank indices of the two words it touches.
  // (Only the word bits matter; the low bits and the carry's LSB are unused.)
  /* verilator lint_off UNUSEDSIGNAL */
  function automatic logic [2*BW-1:0] bank_idx(input logic [AW-1:0] addr);
    logic [AW-OW-1:0] word;
    logic [AW-OW-1:0] word_next;
    logic [BW-1:0]    even_idx;
    logic [BW-1:0]    odd_idx;
    word      = addr[AW-1:OW];
    word_next = word + 1'b1;
    if (word[0]) begin
      odd_idx  = word[AW-OW-1:1];
      even_idx = word_next[AW-OW-1:1];
    end else begin
      even_idx = word[AW-OW-1:1];
      odd_idx  = word[AW-OW-1:1];
    end
    bank_idx = {even_idx, odd_idx};
  endfunction

  // Select W bytes at byte offset off from the 2W-byte window {hi, lo}.
  function automatic logic [8*W-1:0] window(input logic [8*W-1:0] lo,
                                            input logic [8*W-1:0] hi,
                                            input logic [OW-1:0]  off);
    logic [16*W-1:0] both;
    both = {hi, lo} >> {off, 3'b000};
    window = both[8*W-1:0];
  endfunction
  /* verilator lint_on UNUSEDSIGNAL */

  logic [2*BW-1:0] ra_idx, rb_idx, rc_idx;
  assign ra_idx = bank_idx(ra_addr_i);
  assign rb_idx = bank_idx(rb_addr_i);
  assign rc_idx = bank_idx(rc_addr_i);

  logic [8*W-1:0] ra_even_q, ra_odd_q, rb_even_q, rb_odd_q, rc_even_q, rc_odd_q;
  logic [OW:0]    ra_off_q, rb_off_q, rc_off_q;  // {word parity, byte offset}

  always_ff @(posedge clk_i) begin
    if (ra_en_i) begin
      ra_even_q <= bank_even[ra_idx[2*BW-1:BW]];
      ra_odd_q  <= bank_odd[ra_idx[BW-1:0]];
      ra_off_q  <= ra_addr_i[OW:0];
    end
    if (rb_en_i) begin
      rb_even_q <= bank_even[rb_idx[2*BW-1:BW]];
      rb_odd_q  <= bank_odd[rb_idx[BW-1:0]];
      rb_off_q  <= rb_addr_i[OW:0];
    end
    if (rc_en_i) begin
      rc_even_q <= bank_even[rc_idx[2*BW-1:BW]];
      rc_odd_q  <= bank_odd[rc_idx[BW-1:0]];
      rc_off_q  <= rc_addr_i[OW:0];
    end
  end

  // The first word is the odd bank's when the word index is odd.
  always_comb begin
    ra_data_o = ra_off_q[OW] ? window(ra_odd_q, ra_even_q, ra_off_q[OW-1:0])
                             : window(ra_even_q, ra_odd_q, ra_off_q[OW-1:0]);
    rb_data_o = rb_off_q[OW] ? window(rb_odd_q, rb_even_q, rb_off_q[OW-1:0])
                             : window(rb_even_q, rb_odd_q, rb_off_q[OW-1:0]);
    rc_data_o = rc_off_q[OW] ? window(rc_odd_q, rc_even_q, rc_off_q[OW-1:0])
                             : window(rc_even_q, rc_odd_q, rc_off_q[OW-1:0]);
  end

  // ---------------------------------------------------------------- writes
  logic [2*BW-1:0] w_idx;
  logic [16*W-1:0] w_data2;   // data placed in the 2W-byte window
  logic [2*W-1:0]  w_be2;
  logic [8*W-1:0]  w_even_data, w_odd_data;
  logic [W-1:0]    w_even_be, w_odd_be;

  always_comb begin
    w_idx   = bank_idx(w_addr_i);
    w_data2 = {{(8*W){1'b0}}, w_data_i} << {w_addr_i[OW-1:0], 3'b000};
    w_be2   = {{W{1'b0}}, w_be_i} << w_addr_i[OW-1:0];
    if (w_addr_i[OW]) begin  // first word is odd
      w_odd_data  = w_data2[8*W-1:0];
      w_odd_be    = w_be2[W-1:0];
      w_even_data = w_data2[16*W-1:8*W];
      w_even_be   = w_be2[2*W-1:W];
    end else begin
      w_even_data = w_data2[8*W-1:0];
      w_even_be   = w_be2[W-1:0];
      w_odd_data  = w_data2[16*W-1:8*W];
      w_odd_be    = w_be2[2*W-1:W];
    end
  end

  always_ff @(posedge clk_i) begin
    if (w_en_i) begin
      for (int i = 0; i < W; i++) begin
        if (w_even_be[i]) bank_even[w_idx[2*BW-1:BW]][8*i +: 8] <= w_even_data[8*i +: 8];
        if (w_odd_be[i])  bank_odd[w_idx[BW-1:0]][8*i +: 8]     <= w_odd_data[8*i +: 8];
      end
    end
  end
endmodule

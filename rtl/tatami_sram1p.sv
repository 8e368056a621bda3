// Board scratchpad on single-ported RAM: the ports of tatami_sram (three
// W-byte unaligned read ports ra/rb/rc, one W-byte unaligned write port w
// with byte enables, addresses modulo BYTES) time-multiplexed onto four
// 16-bit single-port RAM banks, plus a clock enable en_o for the client.
//
// ORGANISATION. Byte address a -> halfword h = a >> 1, bank = h & 3,
// line = h >> 2: an 8-byte line spans the four banks. W <= 6 unaligned bytes
// touch at most 4 consecutive halfwords, i.e. each bank at most once, at line
// L = a >> 3 or L + 1 (banks below a's bank take L + 1, wrapping modulo
// BYTES). So one ACCESS (one clock, all banks at once) serves one whole read
// or one whole write: a write drives each bank's 4-bit nibble mask from the
// byte enables. Read data is the concatenation of the four bank outputs
// rotated once, at the shared bank output, by a & 7.
//   IMPL = 0: four SB_SPRAM256KA (iCE40UP5K), BYTES must be 131072. Needs
//             `define TATAMI_ICE40 and yosys's ice40/cells_sim.v (compiled
//             with -DNO_ICE40_DEFAULT_ASSIGNMENTS) in simulation; without
//             TATAMI_ICE40 the build fails on purpose (no silent fallback).
//   IMPL = 1: four inferred 16-bit x BYTES/8 single-port RAMs with nibble
//             write masks (yosys maps them to SB_RAM40_4K EBR; iCE40-HX8K).
//
// ARB = 0 (SINGLE): the clients promise at most one request per clock (the
// board tile: tatami_gemm1p and the sequencer never overlap). Then nothing is
// latched, en_o is always 1, and all three read ports show the same data.
// The request is registered before it reaches the banks (the client's
// request logic and the long route to the SPRAM do not share a clock: UP5K
// timing), so the memory is a fixed one-clock pipeline: a request in clock
// t accesses the banks in clock t + 1 and a read's data shows from clock
// t + 2 until the data of the next read replaces it (from the second clock
// after that read). Requests take effect in the order they were made.
// Saves the latches and hold registers.
// CONTRACT with the clients when ARB = 1 (the GEMM engine runs on en_o as clock enable;
// the sequencer uses one port at a time and never sees en_o drop):
//  * Requests (x_en_i with address, write data, byte enables) are sampled
//    only in clock cycles with en_o = 1. In such a cycle the first requesting
//    port in the order ra, rb, rc, w is served at once and the others are
//    latched; en_o is then 0 for as many following clocks as requests were
//    latched, one is served per clock (same order), then en_o returns to 1.
//    Reads of one batch therefore see the memory before the batch's write
//    (tatami_sram's read-before-write), and the next batch sees the write.
//  * Read data of a request appears on its port's data output in the clock
//    after it is served and is then held (per-port register) until that
//    port's next read is served. A client frozen while en_o = 0 sees, in its
//    next enabled cycle, the data of all its previous enabled cycle's reads,
//    exactly as tatami_sram would show it one cycle after the address; a port
//    without a new read keeps its old data.
//  * en_o is a register output (no combinational path from the requests).
// COST: an enabled cycle with k > 0 requests costs k clocks (k - 1 stall
// clocks with en_o = 0); with at most one request per enabled cycle there
// is no stall. Area (yosys 0.23 synth_ice40, W = 4): IMPL = 0 ~470 SB_LUT4,
// 193 FFs, 41 SB_CARRY, 4 SB_SPRAM256KA; IMPL = 1 with BYTES = 8192 ~444
// SB_LUT4, 181 FFs, 16 SB_RAM40_4K (tests/sh/sram1p.sh keeps it in budget).
module tatami_sram1p #(
  parameter int BYTES = 131072,
  parameter int W     = 4,
  parameter int IMPL  = 0,
  parameter bit ARB   = 1'b1,             // 0: clients never request twice in a clock (see SINGLE)
  localparam int AW   = $clog2(BYTES)
) (
  input  logic            clk_i,
  input  logic            rst_ni,
  output logic            en_o,

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
  localparam int LW    = AW - 3;          // line (bank word) address bits
  localparam int LINES = BYTES / 8;
  // Write data is replicated with period W when W divides 8, so the bank
  // lanes need only a rotation by (a mod W) instead of (a mod 8).
  localparam bit WREP  = (8 % W) == 0;
  localparam int WB    = 8 * W;

  // Parameter checks: an unsupported configuration instantiates a module
  // that does not exist, so both Verilator and yosys stop with its name.
  if (W < 1 || W > 6) begin : g_bad_w
    tatami_sram1p_needs_W_1_to_6 u_bad ();
  end
  if (BYTES != (1 << AW) || BYTES < 64) begin : g_bad_bytes
    tatami_sram1p_needs_BYTES_power_of_2 u_bad ();
  end
  if (IMPL == 0 && BYTES != 131072) begin : g_bad_spram
    tatami_sram1p_IMPL0_needs_BYTES_131072 u_bad ();
  end

  // ---------------------------------------------------------------- arbiter
  logic          en_q, en_d;
  logic [2:0]    pend_q, pend_d;          // latched {w, rc, rb}
  logic [AW-1:0] rb_addr_q, rc_addr_q, w_addr_q;
  logic [8*W-1:0] w_data_q;
  logic [W-1:0]  w_be_q;

  logic [3:0]    req;                     // {w, rc, rb, ra} competing this clock
  logic [3:0]    pick;                    // one-hot: served this clock
  logic          s_valid, s_write;
  logic [AW-1:0] s_addr;
  logic [8*W-1:0] s_wdata;
  logic [W-1:0]  s_be;

  always_comb begin
    req     = (en_q || !ARB) ? {w_en_i, rc_en_i, rb_en_i, ra_en_i} : {pend_q, 1'b0};
    pick    = req & ~(req - 4'd1);        // lowest set bit
    pend_d  = ARB ? req[3:1] & ~pick[3:1] : 3'b000;
    en_d    = pend_d == 3'b000;
    s_valid = req != 4'b0000;
    s_write = ARB ? pick[3] : w_en_i;
    if (!ARB) begin
      // one request at most: an AND-OR select, two logic levels (timing)
      s_addr = ({AW{ra_en_i}} & ra_addr_i) | ({AW{rb_en_i}} & rb_addr_i) |
               ({AW{rc_en_i}} & rc_addr_i) | ({AW{w_en_i}} & w_addr_i);
      s_wdata = w_data_i;
      s_be    = w_be_i;
    end else if (en_q) begin
      s_addr = pick[0] ? ra_addr_i : pick[1] ? rb_addr_i : pick[2] ? rc_addr_i : w_addr_i;
      s_wdata = w_data_i;
      s_be    = w_be_i;
    end else begin
      s_addr = pick[1] ? rb_addr_q : pick[2] ? rc_addr_q : w_addr_q;
      s_wdata = w_data_q;
      s_be    = w_be_q;
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      en_q   <= 1'b1;
      pend_q <= 3'b000;
    end else begin
      en_q   <= en_d;
      pend_q <= pend_d;
    end
  end

  // Requests are captured in every enabled clock (only the latched ones are
  // used); no reset needed. Without ARB nothing is ever latched.
  always_ff @(posedge clk_i) begin
    if (en_q && ARB) begin
      rb_addr_q <= rb_addr_i;
      rc_addr_q <= rc_addr_i;
      w_addr_q  <= w_addr_i;
      w_data_q  <= w_data_i;
      w_be_q    <= w_be_i;
    end
  end
  assign en_o = en_q;

  // ARB = 0: the request register (m_*: the request the banks serve now)
  logic          m_valid, m_write;
  logic [AW-1:0] m_addr;
  logic [8*W-1:0] m_wdata;
  logic [W-1:0]  m_be;
  if (ARB) begin : g_direct
    always_comb begin
      m_valid = s_valid; m_write = s_write; m_addr = s_addr; m_wdata = s_wdata; m_be = s_be;
    end
  end else begin : g_reqq
    logic          q_valid, q_write;
    logic [AW-1:0] q_addr;
    logic [8*W-1:0] q_wdata;
    logic [W-1:0]  q_be;
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) q_valid <= 1'b0;
      else         q_valid <= s_valid;
    end
    always_ff @(posedge clk_i) begin
      q_write <= s_write;
      q_addr  <= s_addr;
      q_wdata <= s_wdata;
      q_be    <= s_be;
    end
    always_comb begin
      m_valid = q_valid; m_write = q_write; m_addr = q_addr; m_wdata = q_wdata; m_be = q_be;
    end
  end

  // ---------------------------------------------------------------- banks
  logic [LW-1:0]  line, line_p1;
  logic [1:0]     bank0;                  // bank of the first byte
  logic [2:0]     off;                    // byte offset in the 8-byte line
  logic [4*LW-1:0] b_addr;
  logic [63:0]    b_wdata;
  logic [15:0]    b_mask;                 // nibble masks, 4 per bank
  logic [63:0]    b_rdata;
  logic [7:0]     be8;
  logic [8*W-1:0] wrot;

  logic [15:0]    be16;
  logic [127:0]   wd128;
  logic [2:0]     offw;

  always_comb begin
    line  = m_addr[AW-1:3];
    bank0 = m_addr[2:1];
    off   = m_addr[2:0];
    // One incrementer, then a 2:1 select per bank bit: the carry chain runs
    // from the address alone, in parallel with the bank compare, and
    // compare + select fit one LUT4 (UP5K timing; also 2 chains fewer).
    line_p1 = line + 1'b1;
    for (int b = 0; b < 4; b++) begin
      b_addr[b*LW +: LW] = (2'(b) < bank0) ? line_p1 : line;
    end
    // Byte k of the line <- write byte (k - off) mod 8 when that is < W
    // (rotation by off); the byte enables select the bytes actually written.
    be16 = {8'd0, 8'(m_be)} << off;
    be8  = be16[7:0] | be16[15:8];
    for (int k = 0; k < 8; k++) b_mask[2*k +: 2] = {2{be8[k]}};
    if (WREP) begin
      // W in {1, 2, 4}: replicate the W bytes rotated by off mod W.
      offw  = off & 3'(W - 1);
      wd128 = 128'({m_wdata, m_wdata}) << {offw, 3'b000};
      wrot  = WB'(wd128 >> (8 * W));
      for (int k = 0; k < 8; k++) b_wdata[8*k +: 8] = wrot[8*(k % W) +: 8];
    end else begin
      offw    = off;
      wd128   = {64'd0, 64'(m_wdata)} << {off, 3'b000};
      wrot    = m_wdata;
      b_wdata = wd128[63:0] | wd128[127:64];
    end
  end

  for (genvar b = 0; b < 4; b++) begin : g_bank
    if (IMPL == 0) begin : g_spram
`ifdef TATAMI_ICE40
      SB_SPRAM256KA u_spram (
        .ADDRESS   (b_addr[b*LW +: LW]),
        .DATAIN    (b_wdata[16*b +: 16]),
        .MASKWREN  (b_mask[4*b +: 4]),
        .WREN      (m_write),
        .CHIPSELECT(m_valid),
        .CLOCK     (clk_i),
        .STANDBY   (1'b0),
        .SLEEP     (1'b0),
        .POWEROFF  (1'b1),
        .DATAOUT   (b_rdata[16*b +: 16])
      );
`else
      tatami_sram1p_IMPL0_needs_TATAMI_ICE40_and_cells_sim u_missing ();
`endif
    end else begin : g_ram
      logic [15:0] mem [LINES];
      logic [15:0] rdata_q;
      always_ff @(posedge clk_i) begin
        if (m_valid) begin
          if (m_write) begin
            for (int n = 0; n < 4; n++) begin
              if (b_mask[4*b + n]) mem[b_addr[b*LW +: LW]][4*n +: 4] <= b_wdata[16*b + 4*n +: 4];
            end
          end else begin
            rdata_q <= mem[b_addr[b*LW +: LW]];
          end
        end
      end
      assign b_rdata[16*b +: 16] = rdata_q;
    end
  end

  // ---------------------------------------------------------------- read data
  logic [2:0]     off_q;
  logic [8*W-1:0] rdata;
  logic [8*W+7:0] rd_hw;

  // The offset of the last read: the bank outputs and it hold until the next
  // access (a write leaves the SPRAM outputs undefined).
  always_ff @(posedge clk_i) begin
    if (m_valid && !m_write) off_q <= off;
  end
  always_comb begin
    // Rotate by halfwords (which bank comes first), then by the odd byte:
    // cheaper than one 8:1 byte mux per output bit.
    rd_hw = (WB + 8)'({b_rdata, b_rdata} >> {off_q[2:1], 4'b0000});
    rdata = off_q[0] ? rd_hw[WB+7:8] : rd_hw[WB-1:0];
  end

  if (ARB) begin : g_hold
    logic [2:0]     rd_q;                 // {rc, rb, ra}: read served last clock
    logic [8*W-1:0] ra_hold_q, rb_hold_q, rc_hold_q;
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) rd_q <= 3'b000;
      else         rd_q <= pick[2:0];
    end
    always_ff @(posedge clk_i) begin
      if (rd_q[0]) ra_hold_q <= rdata;
      if (rd_q[1]) rb_hold_q <= rdata;
      if (rd_q[2]) rc_hold_q <= rdata;
    end
    always_comb begin
      ra_data_o = rd_q[0] ? rdata : ra_hold_q;
      rb_data_o = rd_q[1] ? rdata : rb_hold_q;
      rc_data_o = rd_q[2] ? rdata : rc_hold_q;
    end
  end else begin : g_shared
    // One read data output for all ports, valid from the clock after the
    // read until the next access.
    always_comb begin
      ra_data_o = rdata;
      rb_data_o = rdata;
      rc_data_o = rdata;
    end
  end
endmodule

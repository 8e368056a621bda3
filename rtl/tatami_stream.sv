// Operand streamer: produces, in the engine's walk order, the lane vectors
// op(X)[p0..p0+L-1][k] (k = 0..K-1 for every output tile) into a small FIFO,
// one vector per cycle sustained.
//  * Walk: tiles are visited as "for each R-row block, for each C-column
//    block". OUTER=1: this operand's lane block is the outer index (A: the
//    same vectors repeat for every column block); OUTER=0: the inner one (B).
//    own_i is this operand's lane extent (M or N), oth_i the other's and OL
//    the other's block size; a block is last when its remaining extent <= L.
//  * DIRECT (trans_i=0): the vector is contiguous, X8[base + k*ld + p0 ..]:
//    one unaligned W-byte read per vector.
//  * TRANSPOSED (trans_i=1): lane p is the row X8[base + (p0+p)*ld + k ..]:
//    the valid rows of a W-wide k chunk are read into one of two L x W byte
//    blocks while the other block emits its W column vectors (vector e is
//    byte e of every row: a mux, the blocks never shift), so L <= W reads
//    hide under W emissions.
// Lanes outside own_i are zeroed; their rows are not read (TRANSPOSED) or
// read and discarded (DIRECT; such reads may wrap, which is harmless).
// Addresses advance by adds only; the block step L*ld is a constant multiple.
// Element size: 1 byte, or with ES = 2 and wide_i 2 bytes (BF16; docs/
// numerics.md). Lane p of vec_o is 8*ES bits (a 1-byte element in its low
// byte). Wide DIRECT vectors are 2L contiguous bytes (2L <= W); a wide
// TRANSPOSED chunk holds W/2 k values (L <= W/2 rows read under W/2
// emissions, still one vector per cycle). With ES = 2, vmask_o gives the
// vector's valid lanes (the engine gates floating-point flags with it);
// with ES = 1 it is all ones and costs nothing.
module tatami_stream #(
  parameter int L      = 16,        // lanes of a vector, L <= W
  parameter int OL     = 16,        // block size of the other dimension
  parameter bit OUTER  = 1'b1,
  parameter int W      = 16,        // SRAM read width in bytes
  parameter int AW     = 20,
  parameter int DW     = 24,        // extent counter width (extents < 2**DW)
  parameter int DEPTH  = 4,         // output FIFO entries (>= 3 for full rate)
  parameter int ES     = 1,         // largest element size in bytes: 1, or 2 (wide_i)
  localparam int EB    = 8 * ES,    // bits of a lane
  localparam int KCW   = $clog2(W + 1),
  localparam int RWD   = (L > 1) ? $clog2(L) : 1,
  localparam int PW    = (DEPTH > 1) ? $clog2(DEPTH) : 1,
  localparam int EW    = (W > 1) ? $clog2(W) : 1      // byte index in a row
) (
  input  logic           clk_i,
  input  logic           rst_ni,
  input  logic           en_i,      // clock enable (start_i is taken regardless)

  input  logic           start_i,   // descriptor valid in this cycle only
  input  logic [AW-1:0]  base_i,
  input  logic [31:0]    ld_i,
  input  logic [DW-1:0]    own_i,
  input  logic [DW-1:0]    oth_i,
  input  logic [DW-1:0]    k_i,
  input  logic           trans_i,
  input  logic           wide_i,    // 2-byte elements (ES = 2 only)

  output logic [EB*L-1:0] vec_o,
  output logic [L-1:0]   vmask_o,   // lanes inside own_i (ES = 2; else all ones)
  output logic           valid_o,
  input  logic           pop_i,     // only when valid_o

  output logic           rd_en_o,
  output logic [AW-1:0]  rd_addr_o,
  input  logic [8*W-1:0] rd_data_i
);

  // ---------------------------------------------------------------- state
  logic [AW-1:0] base_q, ld_q, step_q, blk_base_q, blk_base_d, blk_base_n;
  logic [AW-1:0] addr_q, addr_d, chunk_q, chunk_d;
  logic [DW-1:0]   own_tot_q, oth_tot_q, k_tot_q;
  logic [DW-1:0]   rem_own_q, rem_own_d, rem_own_n, rem_oth_q, rem_oth_d, rem_oth_n;
  logic [DW-1:0]   krem_q, krem_d;
  logic          trans_q, done_q, done_d, walk_done;
  logic          wide_q;            // 2-byte elements
  logic [KCW-1:0] kpc;              // k values in a W-byte chunk
  logic [RWD-1:0] row_q, row_d;
  logic [L-1:0]  own_mask;

  // TRANSPOSED register blocks (row p = the W bytes read for lane p; arrays
  // of rows, written a row at a time, so the simulation model copies no
  // whole block per clock) and their chunk metadata
  logic [8*W-1:0] blk0_q [L];
  logic [8*W-1:0] blk1_q [L];
  logic [1:0]     full_q, full_d;
  logic [KCW-1:0] kcnt0_q, kcnt0_d, kcnt1_q, kcnt1_d;   // vectors in the chunk
  logic [L-1:0]   lmask0_q, lmask0_d, lmask1_q, lmask1_d; // valid lanes
  logic           fb_q, fb_d, eb_q, eb_d;          // fill / emit block
  logic [KCW-1:0] ecnt_q, ecnt_d;

  // read pipeline (data arrives one cycle after the address)
  logic           dpend_q, tpend_q, tlast_q, tbuf_q;
  logic [RWD-1:0] trow_q;
  logic [L-1:0]   dmask_q;

  // FIFO
  logic [EB*L-1:0] fifo_q [DEPTH];
  logic [PW-1:0]  wptr_q, rptr_q;
  logic [PW:0]    cnt_q;
  logic           push;
  logic [EB*L-1:0] push_data;

  logic dfire, tfire, efire, efinal, chunk_end, tile_end, blk_free;
  logic [KCW-1:0] kchunk;
  logic [L-1:0]   elmask;

  // ---------------------------------------------------------------- walk
  always_comb begin
    for (int p = 0; p < L; p++) own_mask[p] = rem_own_q > DW'(p);
  end

  // Next tile's block base and remaining extents (the walk's step).
  logic [AW-1:0] blk_base_n_c;
  logic [DW-1:0] rem_own_n_c;
  logic [DW-1:0] rem_oth_n_c;
  logic walk_done_c;
  always_comb begin
    blk_base_n_c = blk_base_q;
    rem_own_n_c  = rem_own_q;
    rem_oth_n_c  = rem_oth_q;
    walk_done_c  = 1'b0;
    if (OUTER) begin
      if (rem_oth_q <= DW'(OL)) begin
        rem_oth_n_c = oth_tot_q;
        if (rem_own_q <= DW'(L)) begin
          walk_done_c = 1'b1;
        end else begin
          rem_own_n_c  = rem_own_q - DW'(L);
          blk_base_n_c = blk_base_q + step_q;
        end
      end else begin
        rem_oth_n_c = rem_oth_q - DW'(OL);
      end
    end else begin
      if (rem_own_q <= DW'(L)) begin
        rem_own_n_c  = own_tot_q;
        blk_base_n_c = base_q;
        if (rem_oth_q <= DW'(OL)) walk_done_c = 1'b1;
        else                      rem_oth_n_c = rem_oth_q - DW'(OL);
      end else begin
        rem_own_n_c  = rem_own_q - DW'(L);
        blk_base_n_c = blk_base_q + step_q;
      end
    end
    // written once per evaluation (no intermediate values: Icarus wakes
    // every always_comb reading them on each write)
    blk_base_n = blk_base_n_c;
    rem_own_n  = rem_own_n_c;
    rem_oth_n  = rem_oth_n_c;
    walk_done  = walk_done_c;
  end

  // ---------------------------------------------------------------- reads
  always_comb begin
    elmask = eb_q ? lmask1_q : lmask0_q;
    kpc    = wide_q ? KCW'(W / 2) : KCW'(W);
    kchunk = (krem_q > DW'(kpc)) ? kpc : KCW'(krem_q);
    // emission from the full block eb_q (TRANSPOSED)
    efire  = full_q[eb_q] && (cnt_q != (PW+1)'(DEPTH));
    efinal = efire && (ecnt_q == (eb_q ? kcnt1_q : kcnt0_q) - 1'b1);
    // a block may be refilled from the cycle its last vector is emitted
    blk_free = !full_q[fb_q] || (eb_q == fb_q && efinal);
    dfire = !done_q && !trans_q && ((cnt_q + (PW+1)'(dpend_q)) < (PW+1)'(DEPTH));
    tfire = !done_q && trans_q && blk_free;
    chunk_end = (32'(row_q) == L - 1) || (DW'(row_q) + DW'(1) >= rem_own_q);
    tile_end  = dfire ? (krem_q == DW'(1)) : (tfire && chunk_end && krem_q <= DW'(kpc));

    rd_en_o   = dfire || tfire;
    rd_addr_o = addr_q;

    addr_d     = addr_q;
    chunk_d    = chunk_q;
    krem_d     = krem_q;
    row_d      = row_q;
    fb_d       = fb_q;
    kcnt0_d    = kcnt0_q;
    kcnt1_d    = kcnt1_q;
    lmask0_d   = lmask0_q;
    lmask1_d   = lmask1_q;
    blk_base_d = blk_base_q;
    rem_own_d  = rem_own_q;
    rem_oth_d  = rem_oth_q;
    done_d     = done_q;
    if (tile_end) begin
      blk_base_d = blk_base_n;
      rem_own_d  = rem_own_n;
      rem_oth_d  = rem_oth_n;
      done_d     = walk_done;
    end
    if (dfire) begin
      if (tile_end) begin
        addr_d = blk_base_n;
        krem_d = k_tot_q;
      end else begin
        addr_d = addr_q + ld_q;
        krem_d = krem_q - DW'(1);
      end
    end
    if (tfire) begin
      if (chunk_end) begin
        if (fb_q) begin
          kcnt1_d  = kchunk;
          lmask1_d = own_mask;
        end else begin
          kcnt0_d  = kchunk;
          lmask0_d = own_mask;
        end
        fb_d  = ~fb_q;
        row_d = '0;
        if (tile_end) begin
          chunk_d = blk_base_n;
          krem_d  = k_tot_q;
        end else begin
          chunk_d = chunk_q + AW'(W);
          krem_d  = krem_q - DW'(kpc);
        end
        addr_d = chunk_d;
      end else begin
        row_d  = row_q + 1'b1;
        addr_d = addr_q + ld_q;
      end
    end
  end

  // ---------------------------------------------------------------- blocks
  always_comb begin
    full_d = full_q;
    eb_d   = eb_q;
    ecnt_d = ecnt_q;
    // emission e reads byte e of each row (ecnt_q); a block is only
    // reloaded after its last emission
    if (efire) begin
      if (efinal) begin
        full_d[eb_q] = 1'b0;
        eb_d   = ~eb_q;
        ecnt_d = '0;
      end else begin
        ecnt_d = ecnt_q + 1'b1;
      end
    end
    if (tpend_q && tlast_q) full_d[tbuf_q] = 1'b1;
  end

  // the row read for a TRANSPOSED block arrives (tpend_q is 0 in reset)
  always_ff @(posedge clk_i) begin
    if (en_i && !start_i && tpend_q && 32'(trow_q) < L) begin
      if (tbuf_q) blk1_q[trow_q] <= rd_data_i;
      else        blk0_q[trow_q] <= rd_data_i;
    end
  end

  // ---------------------------------------------------------------- FIFO
  // Lane p of a pushed vector: DIRECT, element p of the row just read;
  // TRANSPOSED, element ecnt_q of block row p (2-byte elements with wide_q).
  always_comb begin
    logic [8*W-1:0] row;
    logic           wide;
    push      = dpend_q || efire;
    push_data = '0;
    row       = '0;
    wide      = (ES > 1) && wide_q;
    if (push) begin
      for (int p = 0; p < L; p++) begin
        row = eb_q ? blk1_q[p] : blk0_q[p];
        if (dpend_q) begin
          if (dmask_q[p]) push_data[EB*p +: EB] = wide ? EB'(rd_data_i[(16*p) % (8*W) +: 16])
                                                       : EB'(rd_data_i[8*p +: 8]);
        end else if (elmask[p]) begin
          push_data[EB*p +: EB] = wide ? EB'(row[(16*32'(ecnt_q)) % (8*W) +: 16])
                                       : EB'(row[8*32'(ecnt_q[EW-1:0]) +: 8]);
        end
      end
    end
  end
  assign valid_o = (cnt_q != '0);
  assign vec_o   = fifo_q[rptr_q];

  always_ff @(posedge clk_i) begin
    if (en_i && push) fifo_q[wptr_q] <= push_data;
  end

  if (ES > 1) begin : g_vmask
    logic [L-1:0] mfifo_q [DEPTH];
    always_ff @(posedge clk_i) begin
      if (en_i && push) mfifo_q[wptr_q] <= dpend_q ? dmask_q : elmask;
    end
    assign vmask_o = mfifo_q[rptr_q];
  end else begin : g_no_vmask
    assign vmask_o = '1;
  end

  // ---------------------------------------------------------------- registers
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      base_q     <= '0;
      ld_q       <= '0;
      step_q     <= '0;
      own_tot_q  <= '0;
      oth_tot_q  <= '0;
      k_tot_q    <= '0;
      trans_q    <= 1'b0;
      wide_q     <= 1'b0;
      done_q     <= 1'b1;
      blk_base_q <= '0;
      addr_q     <= '0;
      chunk_q    <= '0;
      rem_own_q  <= '0;
      rem_oth_q  <= '0;
      krem_q     <= '0;
      row_q      <= '0;
      fb_q       <= 1'b0;
      eb_q       <= 1'b0;
      ecnt_q     <= '0;
      full_q     <= '0;
      kcnt0_q    <= '0;
      kcnt1_q    <= '0;
      lmask0_q   <= '0;
      lmask1_q   <= '0;
      dpend_q    <= 1'b0;
      dmask_q    <= '0;
      tpend_q    <= 1'b0;
      tlast_q    <= 1'b0;
      tbuf_q     <= 1'b0;
      trow_q     <= '0;
      wptr_q     <= '0;
      rptr_q     <= '0;
      cnt_q      <= '0;
    end else if (start_i) begin
      base_q     <= base_i;
      // strides in bytes
      ld_q       <= (ES > 1 && wide_i) ? AW'(ld_i << 1) : AW'(ld_i);
      // block step: L lanes along a row (DIRECT) or L rows (TRANSPOSED)
      step_q     <= (ES > 1 && wide_i) ? (trans_i ? AW'(ld_i * 32'(2 * L)) : AW'(2 * L))
                                       : (trans_i ? AW'(ld_i * 32'(L)) : AW'(L));
      wide_q     <= (ES > 1) && wide_i;
      own_tot_q  <= own_i;
      oth_tot_q  <= oth_i;
      k_tot_q    <= k_i;
      trans_q    <= trans_i;
      done_q     <= 1'b0;
      blk_base_q <= base_i;
      addr_q     <= base_i;
      chunk_q    <= base_i;
      rem_own_q  <= own_i;
      rem_oth_q  <= oth_i;
      krem_q     <= k_i;
      row_q      <= '0;
      fb_q       <= 1'b0;
      eb_q       <= 1'b0;
      ecnt_q     <= '0;
      full_q     <= '0;
      dpend_q    <= 1'b0;
      tpend_q    <= 1'b0;
      tlast_q    <= 1'b0;
      wptr_q     <= '0;
      rptr_q     <= '0;
      cnt_q      <= '0;
    end else if (en_i) begin
      done_q     <= done_d;
      blk_base_q <= blk_base_d;
      addr_q     <= addr_d;
      chunk_q    <= chunk_d;
      rem_own_q  <= rem_own_d;
      rem_oth_q  <= rem_oth_d;
      krem_q     <= krem_d;
      row_q      <= row_d;
      fb_q       <= fb_d;
      eb_q       <= eb_d;
      ecnt_q     <= ecnt_d;
      full_q     <= full_d;
      kcnt0_q    <= kcnt0_d;
      kcnt1_q    <= kcnt1_d;
      lmask0_q   <= lmask0_d;
      lmask1_q   <= lmask1_d;
      dpend_q    <= dfire;
      dmask_q    <= own_mask;
      tpend_q    <= tfire;
      tlast_q    <= tfire && chunk_end;
      tbuf_q     <= fb_q;
      trow_q     <= row_q;
      if (push)  wptr_q <= (32'(wptr_q) == DEPTH - 1) ? '0 : wptr_q + 1'b1;
      if (pop_i) rptr_q <= (32'(rptr_q) == DEPTH - 1) ? '0 : rptr_q + 1'b1;
      cnt_q      <= cnt_q + (PW+1)'(push) - (PW+1)'(pop_i);
    end
  end
endmodule

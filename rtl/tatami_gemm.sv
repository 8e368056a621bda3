// GEMM engine: C = op(A) op(B) (+ C) on an R x C output-stationary systolic
// array, walking the M x N output in R x C tiles by itself:
//   for each R-row block of M, for each C-column block of N, k = 0..K-1.
// Two tatami_stream instances (A on port ra, B on rb) produce the lane
// vectors; the feeder pops one from each per cycle into tatami_array and
// marks the K-th of a tile `last`. The drain reads finished rows through the
// array's row mux and writes them W bytes at a time (port w, byte enables
// mask columns >= N; rows >= M are skipped); with accumulate it first reads
// old C through rc and adds (int32 wrap), one chunk per cycle, pipelined.
// The next tile's `last` is held back (ev_stall_drain_o) until the drain of
// the previous tile is far enough along that the new wavefront cannot
// overwrite an unread PE output register; that never stalls when
// K >= C + rows*(ceil(4*cols/W) - 1) (rows <= C; 64 for a full
// 16x16 tile with W=16). Throughput limits of the streamers: see
// tatami_stream (a TRANSPOSED k chunk of kc < W vectors costs max(kc, rows)).
// Cycles of a GEMM = startup (2 DIRECT, ~L+2 TRANSPOSED) + tiles*K + stalls
// + drain tail (C + 1 + rows*chunks of the last tile).
// PORT CONTRACT (fixed):
//  * start_i: one-cycle pulse; the descriptor inputs are valid in that cycle
//    only (the engine latches them). The descriptor was already validated by
//    the sequencer (docs/protocol.md GEMM checks), so every address the
//    engine WRITES is inside the SRAM; reads of lanes outside M/N/K may wrap
//    and are masked.
//  * busy_o is high from the cycle after start_i until done_o (inclusive).
//  * done_o: one-cycle pulse in the cycle after the last C write was issued.
//  * While busy_o, the engine owns all four SRAM ports (ra, rb, rc, w); the
//    sequencer drives them only when the engine is idle. SRAM read data
//    arrives one cycle after the address (tatami_sram).
//  * ev_*: per-cycle performance events for the tile counters.
//  * en_i: clock enable of the whole engine (streams, array, PEs, FIFOs).
//    The single-ported board memory (tatami_sram1p) drops it while it serves
//    a cycle's further port requests. Requests are sampled only in enabled
//    cycles and their read data is what the engine sees in its next enabled
//    cycle. Exception: start_i is taken even in a frozen cycle (the engine
//    is idle then, and the sequencer's pulse must not be lost). done_o is
//    done_q && en_i; ev_busy/macs/stall_drain count enabled cycles only;
//    ev_stall_operand is also high in frozen cycles while busy (memory
//    stalls). With en_i tied to 1 the engine is cycle-identical to before.
//  * After reset the first enabled cycle must carry no operand (the PE
//    accumulators clear synchronously in it); the engine's first operand
//    always comes at least 2 cycles after start_i.
//  * DW: width of the M/N/K counters (M, N, K < 2**DW; the sequencer's range
//    checks guarantee M, N, K <= SRAM_BYTES, so AW+1 suffices). DSP: array
//    products on SB_MAC16 (tatami_mul8x2; needs `define TATAMI_ICE40).
//  * FP = 1 adds floating point (docs/numerics.md 5, docs/protocol.md GEMM
//    1.1): dtype_a/b BF16 (2-byte lanes from the streamers, ES = 2) or
//    CFloat8 (widened to BF16 at the array edge with bias_a/b, exactly),
//    FP32 accumulation in the array's PEs, and the drain converts each result
//    to dtype_c (FP32, BF16, CFloat8 with bias_c; RNE) after adding the old
//    C (widened) with accumulate. Needs 2*R, 2*C <= W. ev_flags_o: the
//    sticky-flag bits raised this cycle (lanes inside M x N only). The
//    dtype inputs are protocol codes; 0 selects the int8 path. With FP = 0
//    they are ignored and the engine is exactly the int8 engine.
module tatami_gemm #(
  parameter int R          = 16,
  parameter int C          = 16,
  parameter int SRAM_BYTES = 1 << 20,
  parameter int W          = 16,            // SRAM port width in bytes, >= max(R, C, 4)
  parameter int DW         = 24,            // M/N/K counter width (M, N, K < 2**DW)
  parameter bit DSP        = 1'b0,          // iCE40 SB_MAC16 products (tatami_array)
  parameter bit FP         = 1'b0,          // BF16 / CFloat8 -> FP32 GEMMs too
  localparam int AW        = $clog2(SRAM_BYTES),
  localparam int MW        = $clog2(R * C + 1)
) (
  input  logic           clk_i,
  input  logic           rst_ni,
  input  logic           en_i,               // clock enable: 0 freezes the engine

  input  logic           start_i,
  input  logic [AW-1:0]  a_addr_i,
  input  logic [AW-1:0]  b_addr_i,
  input  logic [AW-1:0]  c_addr_i,
  input  logic [23:0]    m_i,
  input  logic [23:0]    n_i,
  input  logic [23:0]    k_i,
  input  logic [31:0]    lda_i,
  input  logic [31:0]    ldb_i,
  input  logic [31:0]    ldc_i,
  input  logic           trans_a_i,
  input  logic           trans_b_i,
  input  logic           accumulate_i,
  input  logic [2:0]     dtype_a_i,          // FP: protocol dtype codes (0: int8 GEMM)
  input  logic [2:0]     dtype_b_i,
  input  logic [2:0]     dtype_c_i,
  input  logic [5:0]     bias_a_i,
  input  logic [5:0]     bias_b_i,
  input  logic [5:0]     bias_c_i,
  output logic [4:0]     ev_flags_o,         // FP: flags raised this cycle
  output logic           busy_o,
  output logic           done_o,

  output logic           ev_busy_o,          // the array took an operand vector this cycle
  output logic [MW-1:0]  ev_macs_o,          // useful MACs in that vector (lanes inside M x N)
  output logic           ev_stall_operand_o, // running, but an operand streamer had no data
  output logic           ev_stall_drain_o,   // waiting for the previous tile's results to drain

  output logic           ra_en_o,
  output logic [AW-1:0]  ra_addr_o,
  input  logic [8*W-1:0] ra_data_i,
  output logic           rb_en_o,
  output logic [AW-1:0]  rb_addr_o,
  input  logic [8*W-1:0] rb_data_i,
  output logic           rc_en_o,
  output logic [AW-1:0]  rc_addr_o,
  input  logic [8*W-1:0] rc_data_i,
  output logic           w_en_o,
  output logic [AW-1:0]  w_addr_o,
  output logic [8*W-1:0] w_data_o,
  output logic [W-1:0]   w_be_o
);
`include "tatami_fp_funcs.svh"

  localparam int VPC  = W / 4;                    // int32 values per write
  localparam int NCH  = (C + VPC - 1) / VPC;      // write chunks per tile row
  localparam int VSH  = $clog2(VPC);
  localparam int RW   = (R > 1) ? $clog2(R) : 1;
  localparam int CHW  = (NCH > 1) ? $clog2(NCH) : 1;  // chunk index
  localparam int NCW  = $clog2(NCH + 1);              // chunk count
  localparam int VRW  = $clog2(R + 1);
  localparam int VCW  = $clog2(C + 1);
  localparam int ES   = FP ? 2 : 1;                 // largest operand element, bytes
  localparam int AB   = 8 * ES;                     // bits of an array lane
  localparam int NV   = (C < W) ? C : W;            // FP drain: value slots per chunk
  localparam int WSH  = $clog2(W);

  if (FP && (2 * R > W || 2 * C > W)) begin : g_bad_w
    tatami_gemm_FP_needs_2R_and_2C_at_most_W u_error ();   // no such module
  end

  // ---------------------------------------------------------------- state
  logic          running_q, running_d, done_q, done_d;
  logic [DW-1:0] k_tot_q, n_tot_q;
  logic          acc_q;
  logic [AW-1:0] ldc4_q, cblk_step_q;    // C row stride and row-block step, bytes
  logic [AW-1:0] ctile_step;             // C column-block step, bytes
  // FP: the GEMM's types (fp_q: a floating-point GEMM)
  logic          fp_q;
  logic [2:0]    dt_a_q, dt_b_q, dt_c_q;
  logic [5:0]    bias_a_q, bias_b_q, bias_c_q;
  logic [1:0]    csh_q;                  // log2 of C's element size

  // feeder walk
  logic [DW-1:0] f_krem_q, f_krem_d, f_rem_m_q, f_rem_m_d, f_rem_n_q, f_rem_n_d;
  logic [AW-1:0] f_crow_q, f_crow_d, f_ctile_q, f_ctile_d;
  logic          feed_done_q, feed_done_d, pend_q, pend_d;
  logic [VRW-1:0] vr;
  logic [VCW-1:0] vc;

  // drain: tile being drained, read stage, write stage
  // n_*: the tile whose `last` entered the array (pend_q) and whose drain
  // starts when its row 0 completes; d_*: the tile being drained.
  logic [AW-1:0] n_c_q, n_c_d;
  logic [VRW-1:0] n_vr_q, n_vr_d, d_vr_q, d_vr_d;
  logic [VCW-1:0] n_vc_q, n_vc_d, d_vc_q, d_vc_d;
  logic [NCW-1:0] n_nch_q, n_nch_d, d_nch_q, d_nch_d;
  logic [VRW+NCW-1:0] d_left_q, d_left_d;   // drain reads left after this one
  logic [VRW+NCW-1:0] left_ok;
  logic          d_act_q, d_act_d, d_go;
  logic [RW-1:0] d_row_q, d_row_d;
  logic [CHW-1:0] d_ch_q, d_ch_d;
  logic [AW-1:0] d_raddr_q, d_raddr_d, d_addr_q, d_addr_d;
  logic [RW-1:0] cur_row;
  logic [CHW-1:0] cur_ch;
  logic [AW-1:0] cur_raddr, cur_addr;
  logic [VRW-1:0] cur_vr;
  logic [VCW-1:0] cur_vc;
  logic [NCW-1:0] cur_nch;
  logic [VRW+NCW-1:0] cur_left;
  logic          w_v_q;
  logic [AW-1:0] w_addr_q;
  logic [8*W-1:0] w_data_q, w_data_d;
  logic [W-1:0]  w_be_q, w_be_d;
  logic [8*W-1:0] w_int;                 // int8 path's write data

  // streamers, array
  logic [AB*R-1:0] a_raw, a_vec;
  logic [AB*C-1:0] b_raw, b_vec;
  logic [R-1:0]   a_vmask;
  logic [C-1:0]   b_vmask;
  logic [4:0]     arr_flags;
  logic          a_valid, b_valid, fire, is_last, feeding, drain_block;
  logic [32*C-1:0] row_data;
  logic [8*W*NCH-1:0] row_pad;
  logic          row0_done;

  // ---------------------------------------------------------------- operands
  tatami_stream #(
    .L(R), .OL(C), .OUTER(1'b1), .W(W), .AW(AW), .DW(DW), .ES(ES)
  ) u_stream_a (
    .clk_i, .rst_ni, .en_i,
    .start_i   (start_i && !busy_o),
    .base_i    (a_addr_i),
    .ld_i      (lda_i),
    .own_i     (DW'(m_i)),
    .oth_i     (DW'(n_i)),
    .k_i       (DW'(k_i)),
    .trans_i   (!trans_a_i),       // rows A[i][k0..] -> TRANSPOSED
    .wide_i    (dtype_a_i == 3'd1),   // BF16
    .vec_o     (a_raw),
    .vmask_o   (a_vmask),
    .valid_o   (a_valid),
    .pop_i     (fire),
    .rd_en_o   (ra_en_o),
    .rd_addr_o (ra_addr_o),
    .rd_data_i (ra_data_i)
  );

  tatami_stream #(
    .L(C), .OL(R), .OUTER(1'b0), .W(W), .AW(AW), .DW(DW), .ES(ES)
  ) u_stream_b (
    .clk_i, .rst_ni, .en_i,
    .start_i   (start_i && !busy_o),
    .base_i    (b_addr_i),
    .ld_i      (ldb_i),
    .own_i     (DW'(n_i)),
    .oth_i     (DW'(m_i)),
    .k_i       (DW'(k_i)),
    .trans_i   (trans_b_i),        // rows B[j][k0..] -> TRANSPOSED
    .wide_i    (dtype_b_i == 3'd1),
    .vec_o     (b_raw),
    .vmask_o   (b_vmask),
    .valid_o   (b_valid),
    .pop_i     (fire),
    .rd_en_o   (rb_en_o),
    .rd_addr_o (rb_addr_o),
    .rd_data_i (rb_data_i)
  );

  // CFloat8 lanes are widened to BF16 (exact) on their way into the array
  // (only then: the simulation model skips the conversions otherwise).
  if (FP) begin : g_widen
    logic cf_a, cf_b;
    assign cf_a = (dt_a_q == 3'd2) || (dt_a_q == 3'd3);
    assign cf_b = (dt_b_q == 3'd2) || (dt_b_q == 3'd3);
    always_comb begin
      /* verilator lint_off UNUSEDSIGNAL */
      logic [31:0] w32;   // a widened CFloat8 is a BF16 value: the low half is 0
      /* verilator lint_on UNUSEDSIGNAL */
      w32   = '0;
      a_vec = a_raw;
      b_vec = b_raw;
      if (cf_a) begin
        for (int r = 0; r < R; r++) begin
          w32 = tatami_fp_widen_f(32'(a_raw[AB*r +: AB]), dt_a_q, bias_a_q);
          a_vec[AB*r +: AB] = w32[31:16];
        end
      end
      if (cf_b) begin
        for (int c = 0; c < C; c++) begin
          w32 = tatami_fp_widen_f(32'(b_raw[AB*c +: AB]), dt_b_q, bias_b_q);
          b_vec[AB*c +: AB] = w32[31:16];
        end
      end
    end
  end else begin : g_no_widen
    assign a_vec = a_raw;
    assign b_vec = b_raw;
  end

  // ---------------------------------------------------------------- feeder
  always_comb begin
    vr = (f_rem_m_q < DW'(R)) ? VRW'(f_rem_m_q) : VRW'(R);
    vc = (f_rem_n_q < DW'(C)) ? VCW'(f_rem_n_q) : VCW'(C);
    feeding     = running_q && !feed_done_q;
    is_last     = (f_krem_q == DW'(1));
    // A tile's results live in the PE output registers until the next
    // tile's `last` wavefront, which reaches row r at T'+r. The drain reads
    // one chunk per cycle, rows in order, so all of its remaining reads
    // land in time iff their count is <= (rows - 1); the count must also be
    // <= C - 1 so the drain is free again when the new tile's row 0
    // completes (T'+C). One tile may wait for its drain at a time (pend_q).
    left_ok     = (d_vr_q < VRW'(C)) ? (VRW+NCW)'(32'(d_vr_q) - 1) : (VRW+NCW)'(C - 1);
    drain_block = pend_q || (d_act_q && d_left_q > left_ok);
    fire        = feeding && a_valid && b_valid && !(is_last && drain_block);

    // events count enabled cycles; a frozen cycle while busy is an operand
    // stall (the memory is serving other ports)
    ev_busy_o          = en_i && fire;
    ev_macs_o          = (en_i && fire) ? MW'(vr * vc) : '0;
    ev_stall_drain_o   = en_i && feeding && is_last && drain_block;
    ev_stall_operand_o = en_i ? (feeding && !(a_valid && b_valid) && !(is_last && drain_block))
                              : busy_o;
  end

  // feeder walk (kept apart from the block above: row0_done depends on fire)
  always_comb begin
    f_krem_d    = f_krem_q;
    f_rem_m_d   = f_rem_m_q;
    f_rem_n_d   = f_rem_n_q;
    f_crow_d    = f_crow_q;
    f_ctile_d   = f_ctile_q;
    feed_done_d = feed_done_q;
    pend_d      = pend_q && !row0_done;
    n_c_d       = n_c_q;
    n_vr_d      = n_vr_q;
    n_vc_d      = n_vc_q;
    n_nch_d     = n_nch_q;
    if (fire) begin
      if (is_last) begin
        pend_d   = 1'b1;
        n_c_d    = f_ctile_q;
        n_vr_d   = vr;
        n_vc_d   = vc;
        // chunks of a C row: ceil(s_c * vc / W)
        n_nch_d  = FP ? NCW'(((32'(vc) << csh_q) + W - 1) >> WSH)
                      : NCW'((32'(vc) + VPC - 1) >> VSH);
        f_krem_d = k_tot_q;
        if (f_rem_n_q <= DW'(C)) begin
          f_rem_n_d = n_tot_q;
          f_crow_d  = f_crow_q + cblk_step_q;
          f_ctile_d = f_crow_q + cblk_step_q;
          if (f_rem_m_q <= DW'(R)) feed_done_d = 1'b1;
          else                     f_rem_m_d   = f_rem_m_q - DW'(R);
        end else begin
          f_rem_n_d = f_rem_n_q - DW'(C);
          f_ctile_d = f_ctile_q + ctile_step;
        end
      end else begin
        f_krem_d = f_krem_q - DW'(1);
      end
    end
  end

  assign ctile_step = FP ? (AW'(C) << csh_q) : AW'(4 * C);

  tatami_array #(.R(R), .C(C), .DSP(DSP), .FP(FP)) u_array (
    .clk_i, .rst_ni, .en_i,
    .in_valid_i  (fire),
    .last_i      (is_last),
    .a_i         (a_vec),
    .b_i         (b_vec),
    .fp_i        (fp_q),
    .a_in_i      (a_vmask),
    .b_in_i      (b_vmask),
    .flags_o     (arr_flags),
    .rd_row_i    (cur_row),
    .rd_data_o   (row_data),
    .row0_done_o (row0_done)
  );

  // ---------------------------------------------------------------- drain
  // Row r of a tile is readable from T+r+C (T: its last entered the array);
  // the drain reads row 0 in cycle T+C (when row0_done) and then one W-byte
  // chunk per cycle, rows in order, so it never overtakes the wavefront.
  // cur_*: the read done this cycle (the first one comes from n_*).
  always_comb begin
    d_go = d_act_q || row0_done;
    if (row0_done) begin   // the feeder's rule: the previous drain has ended
      cur_row   = '0;
      cur_ch    = '0;
      cur_raddr = n_c_q;
      cur_addr  = n_c_q;
      cur_vr    = n_vr_q;
      cur_vc    = n_vc_q;
      cur_nch   = n_nch_q;
      cur_left  = (VRW+NCW)'(n_vr_q) * (VRW+NCW)'(n_nch_q) - 1'b1;
    end else begin
      cur_row   = d_row_q;
      cur_ch    = d_ch_q;
      cur_raddr = d_raddr_q;
      cur_addr  = d_addr_q;
      cur_vr    = d_vr_q;
      cur_vc    = d_vc_q;
      cur_nch   = d_nch_q;
      cur_left  = d_left_q;
    end
  end

  always_comb begin
    row_pad = '0;
    row_pad[32*C-1:0] = row_data;
    w_data_d = row_pad[8*W*cur_ch +: 8*W];
    for (int v = 0; v < VPC; v++) begin
      w_be_d[4*v +: 4] = {4{(32'(cur_ch) * VPC + v) < 32'(cur_vc)}};
    end
    if (FP && fp_q) begin
      // byte b belongs to element cur_ch * (W >> csh) + (b >> csh) of the row
      for (int b = 0; b < W; b++) begin
        w_be_d[b] = ((32'(cur_ch) << (WSH - 32'(csh_q))) + (32'(b) >> csh_q)) < 32'(cur_vc);
      end
    end
    d_act_d   = d_go;
    d_left_d  = cur_left - 1'b1;
    d_vr_d    = cur_vr;
    d_vc_d    = cur_vc;
    d_nch_d   = cur_nch;
    d_row_d   = cur_row;
    d_ch_d    = cur_ch;
    d_raddr_d = cur_raddr;
    d_addr_d  = cur_addr;
    if (32'(cur_ch) == 32'(cur_nch) - 1) begin
      d_ch_d = '0;
      if (32'(cur_row) == 32'(cur_vr) - 1) begin
        d_act_d = 1'b0;
      end else begin
        d_row_d   = cur_row + 1'b1;
        d_raddr_d = cur_raddr + ldc4_q;
        d_addr_d  = cur_raddr + ldc4_q;
      end
    end else begin
      d_ch_d   = cur_ch + 1'b1;
      d_addr_d = cur_addr + AW'(W);
    end

    rc_en_o   = d_go && acc_q;
    rc_addr_o = cur_addr;

    // write stage: one cycle behind, so old C (rc) has arrived
    w_en_o   = w_v_q;
    w_addr_o = w_addr_q;
    w_be_o   = w_be_q;
    for (int v = 0; v < VPC; v++) begin
      w_int[32*v +: 32] = acc_q ? w_data_q[32*v +: 32] + rc_data_i[32*v +: 32]
                                : w_data_q[32*v +: 32];
    end
  end

  // FP drain: the chunk's FP32 results (slot v = element cur_ch * (W >> csh)
  // + v of the row), then in the write stage per slot: add the old C
  // (widened) with accumulate, convert to dtype_c (RNE), pack.
  logic [4:0] drain_flags;
  if (FP) begin : g_fp_drain
    logic [32*NV-1:0] val_d, val_q;
    logic [8*W-1:0] w_fp;
    logic [4:0] flags_c;

    always_comb begin
      for (int v = 0; v < NV; v++) begin
        val_d[32*v +: 32] = '0;
        for (int e = 0; e < C; e++) begin
          if (32'(e) == (32'(cur_ch) << (WSH - 32'(csh_q))) + 32'(v)) val_d[32*v +: 32] = row_data[32*e +: 32];
        end
      end
    end
    always_ff @(posedge clk_i) begin
      if (en_i) val_q <= val_d;
    end

    // Per slot, in the write stage of a floating-point GEMM only (the
    // simulation model skips the conversions and adds otherwise).
    always_comb begin
      logic [31:0] code, old, fsum;
      logic [15:0] nw;
      logic [4:0]  af, nf;
      w_fp    = '0;
      flags_c = '0;
      code    = '0;
      old     = '0;
      fsum    = '0;
      nw      = '0;
      af      = '0;
      nf      = '0;
      if (fp_q && w_v_q) begin
        for (int v = 0; v < NV; v++) begin
          unique case (csh_q)
            2'd0:    code = 32'(rc_data_i[8*v +: 8]);
            2'd1:    code = 32'(rc_data_i[(16*v) % (8*W) +: 16]);
            default: code = rc_data_i[(32*v) % (8*W) +: 32];
          endcase
          af   = '0;
          fsum = val_q[32*v +: 32];
          if (acc_q) begin
            old = tatami_fp_widen_f(code, dt_c_q, bias_c_q);
            {af, fsum} = tatami_fp_add_f(old, val_q[32*v +: 32], 1'b0);
          end
          {nf, nw} = (csh_q == 2'd2) ? 21'd0
                     : tatami_fp_narrow_f(fsum, dt_c_q, bias_c_q, 1'b0, 16'h0000);
          unique case (csh_q)
            2'd0:    w_fp[8*v +: 8] = nw[7:0];
            2'd1:    if (2 * v < W) w_fp[(16*v) % (8*W) +: 16] = nw;
            default: if (4 * v < W) w_fp[(32*v) % (8*W) +: 32] = fsum;
          endcase
          // slot v's first byte tells whether it is inside N
          if (w_be_q[(32'(v) << csh_q) % W] && (32'(v) << csh_q) < W)
            flags_c = flags_c | af | nf;
        end
      end
    end

    always_comb begin
      w_data_o    = fp_q ? w_fp : w_int;
      drain_flags = fp_q ? flags_c : 5'd0;
    end
  end else begin : g_int_drain
    assign w_data_o    = w_int;
    assign drain_flags = 5'd0;
  end

  assign ev_flags_o = en_i ? (arr_flags | drain_flags) : 5'd0;

  // ---------------------------------------------------------------- control
  always_comb begin
    running_d = running_q;
    done_d    = running_q && feed_done_q && !pend_q && !d_act_q && w_v_q;
    if (start_i && !busy_o) running_d = 1'b1;
    else if (done_d)        running_d = 1'b0;
  end
  assign busy_o = running_q || done_q;
  assign done_o = done_q && en_i;   // a pulse in an enabled cycle

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      running_q   <= 1'b0;
      done_q      <= 1'b0;
      k_tot_q     <= '0;
      n_tot_q     <= '0;
      acc_q       <= 1'b0;
      fp_q        <= 1'b0;
      dt_a_q      <= '0;
      dt_b_q      <= '0;
      dt_c_q      <= '0;
      bias_a_q    <= '0;
      bias_b_q    <= '0;
      bias_c_q    <= '0;
      csh_q       <= 2'd2;
      ldc4_q      <= '0;
      cblk_step_q <= '0;
      f_krem_q    <= '0;
      f_rem_m_q   <= '0;
      f_rem_n_q   <= '0;
      f_crow_q    <= '0;
      f_ctile_q   <= '0;
      feed_done_q <= 1'b1;
      pend_q      <= 1'b0;
      n_c_q       <= '0;
      n_vr_q      <= '0;
      n_vc_q      <= '0;
      n_nch_q     <= '0;
      d_vr_q      <= '0;
      d_vc_q      <= '0;
      d_nch_q     <= '0;
      d_left_q    <= '0;
      d_act_q     <= 1'b0;
      d_row_q     <= '0;
      d_ch_q      <= '0;
      d_raddr_q   <= '0;
      d_addr_q    <= '0;
      w_v_q       <= 1'b0;
      w_addr_q    <= '0;
      w_data_q    <= '0;
      w_be_q      <= '0;
    end else if (start_i && !busy_o) begin
      // taken even in a frozen cycle (the engine is idle: nothing else moves)
      running_q   <= 1'b1;
      k_tot_q     <= DW'(k_i);
      n_tot_q     <= DW'(n_i);
      acc_q       <= accumulate_i;
      fp_q        <= FP && (dtype_a_i != 3'd0);
      dt_a_q      <= dtype_a_i;
      dt_b_q      <= dtype_b_i;
      dt_c_q      <= dtype_c_i;
      bias_a_q    <= bias_a_i;
      bias_b_q    <= bias_b_i;
      bias_c_q    <= bias_c_i;
      // C's element size: int32 / FP32 4 bytes, BF16 2, CFloat8 1
      csh_q       <= (!FP || dtype_a_i == 3'd0 || dtype_c_i == 3'd4) ? 2'd2
                   : (dtype_c_i == 3'd1) ? 2'd1 : 2'd0;
      ldc4_q      <= (FP && dtype_a_i != 3'd0) ? AW'(ldc_i << csh_of(dtype_c_i)) : AW'(ldc_i << 2);
      cblk_step_q <= (FP && dtype_a_i != 3'd0) ? AW'((ldc_i * 32'(R)) << csh_of(dtype_c_i))
                                               : AW'(ldc_i * 32'(4 * R));   // constant multiple
      f_krem_q    <= DW'(k_i);
      f_rem_m_q   <= DW'(m_i);
      f_rem_n_q   <= DW'(n_i);
      f_crow_q    <= c_addr_i;
      f_ctile_q   <= c_addr_i;
      feed_done_q <= 1'b0;
      pend_q      <= 1'b0;
      d_act_q     <= 1'b0;
      w_v_q       <= 1'b0;
    end else if (en_i) begin
      running_q <= running_d;
      done_q    <= done_d;
      f_krem_q    <= f_krem_d;
      f_rem_m_q   <= f_rem_m_d;
      f_rem_n_q   <= f_rem_n_d;
      f_crow_q    <= f_crow_d;
      f_ctile_q   <= f_ctile_d;
      feed_done_q <= feed_done_d;
      pend_q      <= pend_d;
      d_act_q     <= d_act_d;
      w_v_q       <= d_go;
      n_c_q     <= n_c_d;
      n_vr_q    <= n_vr_d;
      n_vc_q    <= n_vc_d;
      n_nch_q   <= n_nch_d;
      d_vr_q    <= d_vr_d;
      d_vc_q    <= d_vc_d;
      d_nch_q   <= d_nch_d;
      d_left_q  <= d_left_d;
      d_row_q   <= d_row_d;
      d_ch_q    <= d_ch_d;
      d_raddr_q <= d_raddr_d;
      d_addr_q  <= d_addr_d;
      w_addr_q  <= cur_addr;
      w_data_q  <= w_data_d;
      w_be_q    <= w_be_d;
    end
  end

  function automatic logic [1:0] csh_of(input logic [2:0] dt);
    csh_of = (dt == 3'd4) ? 2'd2 : (dt == 3'd1) ? 2'd1 : 2'd0;
  endfunction

  /* verilator lint_off UNUSEDSIGNAL */
  logic unused;
  assign unused = (^row_pad) ^ (^m_i) ^ (^n_i) ^ (^k_i)   // extents: DW low bits only
                ^ (^dt_b_q) ^ (^bias_b_q) ^ (^dt_a_q) ^ (^bias_a_q) ^ (^dt_c_q) ^ (^bias_c_q)
                ^ (^csh_q) ^ fp_q;
  /* verilator lint_on UNUSEDSIGNAL */
endmodule

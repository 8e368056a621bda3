// GEMM engine for a single-ported scratchpad (the board profiles): the same
// descriptor, port contract and results as tatami_gemm, built for a memory
// that serves one W=4-byte access per clock.
//
// WHY A SECOND ENGINE. An R x C array needs R + C operand bytes per cycle;
// one 4-byte port gives 4. tatami_gemm streams both operands from memory for
// every tile, so on the board it waits on the port half the time, and its
// transpose blocks, FIFOs and systolic skew registers cost ~4,500 logic cells
// of the UP5K's 5,280. This engine keeps operands in two PANELS in block RAM
// (EBR) instead: panel A holds op(A) rows i0..i0+R-1 for a chunk of up to KP
// k values, panel B op(B) columns j0..j0+C-1 for the same chunk. The array
// reads both panels at full rate (one k per cycle), so the port only has to
// bring each panel in once per pass, and A is reused across a whole row of
// output tiles.
//
// PASSES. The output is walked as passes (i-block, j-block, k-chunk), k-chunk
// innermost: chunk length kl = min(KP, K - kc*KP). A pass needs a new A panel
// when its (i-block, k-chunk) differs from the previous pass's, a new B panel
// when its (j-block, k-chunk) does. The accumulators are zero when a tile's
// first chunk starts (cleared at start_i and by each drain) and are drained
// (written to C, added to old C with accumulate) after its last chunk.
//
// FILLS trail the array in place. Panel lane l is a KP/4 x 32-bit RAM (word g
// = k values 4g..4g+3, one byte each; two SB_RAM40_4K per lane at KP=1024).
// A fill reads the operand either
//  * lane-contiguous (trans_a for A, !trans_b for B): one access = the lanes'
//    bytes at one k (address + k*ld), written as byte k&3 of word k>>2 in
//    every lane; or
//  * k-contiguous (the other cases): one access = 4 consecutive k of one lane
//    (address + lane*ld + 4g), written as word g of that lane;
// either way one access per k per panel on average (the read data is
// registered before it is written into the panel). The fill for the next
// pass overwrites a word only after the array has read it for the last time
// in the current pass, so one panel per operand suffices and the port fills
// the next B panel while the array computes on the current one. The array
// waits for a word of the pass it computes until that word has been written.
//
// ARRAY. The R x C products of lane bytes (broadcast: a row's A byte goes to
// all its PEs, no systolic skew) come from tatami_mul8x2 pairs with PIPE=1
// (on the UP5K the SB_MAC16's own operand and product registers), then one
// 32-bit accumulator per PE. Step pipeline: issue (panel RAM read) -> byte
// select into the multiplier registers -> product register -> accumulate.
//
// DRAIN. One int32 per access (W = 4), rows >= M and columns >= N skipped:
// the accumulator of (r, c) goes through a mux into a register, and from
// there to the write port at c + 4*((i0+r)*ldc + j0+c) in the next clock.
// With accumulate each value takes RD_LAT + 2 clocks: read old C (rc port),
// (wait,) capture it, write; the sum of the two registers is formed on the
// way to the write port (no path from the memory's output back to its input
// in one clock: the board's SPRAM is slow).
//
// READ LATENCY. RD_LAT = 1: read data in the enabled cycle after the request
// (tatami_sram, tatami_sram1p with ARB=1); RD_LAT = 2: in the second
// (tatami_sram1p with ARB=0 registers requests; the engine then never sees
// en_i low). Requests take effect in the order they are made either way. The drain has the port to
// itself and the array waits for it (its accumulators are busy).
//
// CYCLES (enabled): about (K + 10 + D) per tile, D = vr*vc drain writes
// (3 D with accumulate), plus one A panel load (K accesses, partly hidden)
// per R-row block; the first pass waits for its fills. Multi-chunk GEMMs
// (K > KP) refill both panels every pass: about 2K per tile.
//
// PORT CONTRACT: as tatami_gemm (start_i pulse latched even in a frozen
// cycle; busy_o from the next cycle until done_o; done_o = done_q && en_i,
// one cycle after the last C write was issued; every request and event only
// in enabled cycles; ev_stall_operand_o also high in frozen cycles while
// busy; read data is what the engine sees in its next enabled cycle). At most
// ONE of ra/rc/w is requested per cycle (rb never), so tatami_sram1p never
// has to freeze the engine. ev_stall_drain_o counts drain cycles (the array
// always waits for them here).
//
// Needs W = 4, 1 <= R, C <= 4, KP a power of two >= 8. DSP: products on
// SB_MAC16 (`define TATAMI_ICE40).
module tatami_gemm1p #(
  parameter int R          = 4,
  parameter int C          = 4,
  parameter int SRAM_BYTES = 1 << 17,
  parameter int W          = 4,
  parameter int DW         = 18,
  parameter bit DSP        = 1'b0,
  parameter int KP         = 1024,          // panel depth: k values per chunk
  parameter int RD_LAT     = 1,             // clocks from a read request to its data: 1, 2 (sram1p ARB=0)
  localparam int AW        = $clog2(SRAM_BYTES),
  localparam int MW        = $clog2(R * C + 1)
) (
  input  logic           clk_i,
  input  logic           rst_ni,
  input  logic           en_i,

  input  logic           start_i,
  input  logic [AW-1:0]  a_addr_i,
  input  logic [AW-1:0]  b_addr_i,
  input  logic [AW-1:0]  c_addr_i,
  // validated by the sequencer: M, N, K < 2**DW; strides act modulo SRAM_BYTES
  /* verilator lint_off UNUSEDSIGNAL */
  input  logic [23:0]    m_i,
  input  logic [23:0]    n_i,
  input  logic [23:0]    k_i,
  input  logic [31:0]    lda_i,
  input  logic [31:0]    ldb_i,
  input  logic [31:0]    ldc_i,
  /* verilator lint_on UNUSEDSIGNAL */
  input  logic           trans_a_i,
  input  logic           trans_b_i,
  input  logic           accumulate_i,
  output logic           busy_o,
  output logic           done_o,

  output logic           ev_busy_o,
  output logic [MW-1:0]  ev_macs_o,
  output logic           ev_stall_operand_o,
  output logic           ev_stall_drain_o,

  output logic           ra_en_o,
  output logic [AW-1:0]  ra_addr_o,
  input  logic [8*W-1:0] ra_data_i,
  output logic           rb_en_o,
  output logic [AW-1:0]  rb_addr_o,
  /* verilator lint_off UNUSEDSIGNAL */
  input  logic [8*W-1:0] rb_data_i,          // unused: one port is enough
  /* verilator lint_on UNUSEDSIGNAL */
  output logic           rc_en_o,
  output logic [AW-1:0]  rc_addr_o,
  input  logic [8*W-1:0] rc_data_i,
  output logic           w_en_o,
  output logic [AW-1:0]  w_addr_o,
  output logic [8*W-1:0] w_data_o,
  output logic [W-1:0]   w_be_o
);
  localparam int NW  = KP / 4;               // panel words per lane
  localparam int GW  = $clog2(NW);           // word index
  localparam int KW  = $clog2(KP + 1);       // chunk length / step counter
  localparam int NE  = R * C;                // PEs
  localparam int NP  = (NE + 1) / 2;         // multiplier pairs
  localparam int VRW = $clog2(R + 1);
  localparam int VCW = $clog2(C + 1);
  localparam int RW  = (R > 1) ? $clog2(R) : 1;
  localparam int CW  = (C > 1) ? $clog2(C) : 1;
  localparam int KPL = $clog2(KP);
  localparam int EW  = (NE > 1) ? $clog2(NE) : 1;
  localparam logic [DW-1:0] KP_DW = DW'(KP);
  localparam logic [DW-1:0] R_DW  = DW'(R);
  localparam logic [DW-1:0] C_DW  = DW'(C);

  if (W != 4 || R < 1 || R > 4 || C < 1 || C > 4 || KP < 8 || (KP & (KP - 1)) != 0
      || DW <= KW || RD_LAT < 1 || RD_LAT > 2) begin : g_bad_param
    tatami_gemm1p_needs_W_4_R_C_1_to_4_KP_pow2 u_fail ();
  end

  // ---------------------------------------------------------------- descriptor
  logic          run_q, done_q;
  logic [AW-1:0] b0_q, lda_q, ldb_q, ldc4_q;
  logic [DW-1:0] n_q, k_q;
  logic          ta_q, tb_q, acc_q;
  logic          kmulti, nmulti;             // K > KP, N > C: every pass refills B (and A)

  // Strides of the two panels in address space. Lane-contiguous panels step
  // ld per k; k-contiguous ones step ld per lane and 1 per k.
  logic [AW-1:0] a_bstep, a_kstep, b_bstep, b_kstep;
  always_comb begin
    kmulti  = k_q > KP_DW;
    nmulti  = n_q > C_DW;
    a_bstep = ta_q ? AW'(R) : AW'(lda_q * R);
    a_kstep = ta_q ? AW'(lda_q << KPL) : AW'(KP);
    b_bstep = tb_q ? AW'(ldb_q * C) : AW'(C);
    b_kstep = tb_q ? AW'(KP) : AW'(ldb_q << KPL);
  end

  // ---------------------------------------------------------------- pass walker
  // The walker's registers describe the pass being filled; the array "takes"
  // it (wk_taken_q) when it starts computing it, and the walker moves on once
  // the pass's fills are complete and it has been taken.
  logic [DW-1:0] wk_mrem_q, wk_nrem_q, wk_krem_q;   // M - i0, N - j0, K - kc*KP
  logic [AW-1:0] wk_ablk_q, wk_acur_q, wk_bblk_q, wk_bcur_q, wk_crow_q, wk_ctile_q;
  logic          wk_taken_q, wk_fin_q;
  // Facts about the walker's pass (chunk length, valid rows/columns, last
  // chunk/pass), registered for timing: they lag the walker by one enabled
  // cycle, so after each walker change (start, next pass) one settle cycle
  // (wk_settle_q) lets nothing use them.
  logic [KW-1:0] wk_kl, wk_kl_c;
  logic [VRW-1:0] wk_vr, wk_vr_c;
  logic [VCW-1:0] wk_vc, wk_vc_c;
  logic          wk_kclast, wk_nlast, wk_mlast, wk_lastpass;
  logic          wk_kclast_c, wk_nlast_c, wk_mlast_c, wk_settle_q;
  always_comb begin
    wk_kclast_c = wk_krem_q <= KP_DW;
    wk_nlast_c  = wk_nrem_q <= C_DW;
    wk_mlast_c  = wk_mrem_q <= R_DW;
    wk_kl_c     = wk_kclast_c ? KW'(wk_krem_q) : KW'(KP);
    wk_vr_c     = wk_mlast_c ? VRW'(wk_mrem_q) : VRW'(R);
    wk_vc_c     = wk_nlast_c ? VCW'(wk_nrem_q) : VCW'(C);
    wk_lastpass = wk_kclast && wk_nlast && wk_mlast;
  end
  always_ff @(posedge clk_i) begin
    if (en_i) begin
      wk_kclast <= wk_kclast_c; wk_nlast <= wk_nlast_c; wk_mlast <= wk_mlast_c;
      wk_kl <= wk_kl_c; wk_vr <= wk_vr_c; wk_vc <= wk_vc_c;
    end
  end

  // ---------------------------------------------------------------- fill unit
  // f_pa_q / f_pb_q: panel A / B still to fill for the walker's pass (A
  // first). f_go_q: the current panel's address registers are loaded.
  logic          f_pa_q, f_pb_q, f_go_q, f_idone_q;
  logic [KW-1:0] f_j_q;                      // k of the next access (k-contiguous: 4g)
  logic [1:0]    f_l_q;                      // lane of the next access (k-contiguous)
  logic [AW-1:0] f_addr_q, f_grp_q;
  logic [GW:0]   f_wdone_q;                  // words of the current panel written
  // write stage: the access issued in the previous enabled cycle
  logic          fw_v_q, fw_pa_q, fw_lc_q, fw_plast_q, fw_wend_q;
  logic [1:0]    fw_l_q, fw_b_q;
  logic [GW-1:0] fw_g_q;
  // arrival stage fr_*: the access whose data is on ra_data_i now (fw with
  // RD_LAT = 1, fw one more cycle later with RD_LAT = 2)
  logic          fr_v, fr_pa, fr_lc, fr_plast, fr_wend;
  logic [1:0]    fr_l, fr_b;
  logic [GW-1:0] fr_g;
  // panel write stage: the read data registered (no memory-output-to-EBR
  // path in one clock), written one enabled cycle after it arrived
  logic          fx_v_q, fx_pa_q, fx_lc_q, fx_plast_q, fx_wend_q;
  logic [1:0]    fx_l_q, fx_b_q;
  logic [GW-1:0] fx_g_q;
  logic [31:0]   fx_data_q;

  logic          f_cur_a, f_lc, f_issue, f_trail_ok, f_trail_d, f_trail_q, f_plast, f_wend;
  logic [1:0]    f_nl_m1;                    // lanes - 1 of the current panel
  logic [GW-1:0] f_g;

  // ---------------------------------------------------------------- array side
  logic          c_run_q, c_rdone_q, c_lastc_q, c_lastpass_q;
  logic [KW-1:0] c_k_q, c_kl_q;
  logic [VRW-1:0] c_vr_q;
  logic [VCW-1:0] c_vc_q;
  logic [AW-1:0] c_ctile_q;
  logic [GW-1:0] c_g;
  logic          c_ok, c_gw, c_issue, c_take;
  logic          p1_v_q, p2_v_q, p3_v_q;
  logic [1:0]    p1_sel_q;

  // ---------------------------------------------------------------- drain
  // element stage (d_*: the next accumulator to take) and write stage (dw_*)
  logic          d_act_q, d_more_q, d_start, d_take, d_last, d_end;
  logic [1:0]    d_ph_q;                     // accumulate: 0 read, (1 wait,) PH_CAP capture, then write
  localparam logic [1:0] PH_CAP = 2'(RD_LAT);
  logic [RW-1:0] d_r_q;
  logic [CW-1:0] d_c_q;
  logic [AW-1:0] d_row_q, d_addr_q;
  logic [EW-1:0] d_e;                        // PE being taken
  logic          dw_v_q, dw_last_q;
  logic [AW-1:0] dw_addr_q;
  logic [31:0]   dw_val_q;                   // the accumulator taken
  logic [31:0]   dw_old_q;                   // accumulate: old C as read (else 0)

  always_comb begin
    f_cur_a    = f_pa_q;
    f_lc       = f_cur_a ? ta_q : !tb_q;
    f_nl_m1    = f_cur_a ? 2'(wk_vr - 1'b1) : 2'(wk_vc - 1'b1);
    f_g        = GW'(f_j_q >> 2);
    // The next pass's fill may overwrite word f_g once the array has issued
    // its last read of that word in the pass it computes (or all of them).
    // Registered for timing, so decided one enabled cycle early with a word
    // of margin: f_g grows by at most one word per cycle and c_g never
    // shrinks while the fill runs ahead (when the array takes a new pass, the
    // fill is for that pass and needs no trailing; a new fill pass starts
    // with a cycle that issues nothing).
    f_trail_d  = wk_taken_q || c_rdone_q || !c_run_q || ({1'b0, f_g} + 1'b1 < {1'b0, c_g});
    f_trail_ok = f_trail_q;
    f_issue    = run_q && !wk_fin_q && (f_pa_q || f_pb_q) && f_go_q && !f_idone_q &&
                 !d_act_q && f_trail_ok;
    f_wend     = f_lc ? (f_j_q[1:0] == 2'd3 || f_j_q == wk_kl - 1'b1) : (f_l_q == f_nl_m1);
    f_plast    = f_lc ? (f_j_q == wk_kl - 1'b1)
                      : ((f_j_q + KW'(4) >= wk_kl) && f_l_q == f_nl_m1);
  end

  // Array: operands of step c_k_q are ready when no fill of this pass is
  // pending for the word, i.e. the walker is ahead (or finished), or the
  // panel being filled has written it and no later panel is pending.
  always_comb begin
    c_g     = GW'(c_k_q >> 2);
    c_gw    = {1'b0, c_g} < f_wdone_q;       // word c_g of the panel being filled is written
    c_ok    = !wk_taken_q || wk_fin_q ||
              ((!f_pa_q || c_gw) && (!f_pb_q || (!f_pa_q && c_gw)));
    c_issue = run_q && c_run_q && !c_rdone_q && c_ok;
    c_take  = run_q && !c_run_q && !wk_taken_q && !wk_fin_q && !done_q && !wk_settle_q;
  end

  always_comb begin
    d_start = c_run_q && c_rdone_q && c_lastc_q && !p1_v_q && !p2_v_q && !p3_v_q && !d_act_q;
    // take an accumulator into dw_val_q (and with accumulate read old C)
    d_take  = d_act_q && d_more_q && (!acc_q || d_ph_q == 2'd0);
    d_last  = d_r_q == RW'(c_vr_q - 1'b1) && d_c_q == CW'(c_vc_q - 1'b1);
    d_end   = dw_v_q && dw_last_q;                   // the last write is issued
  end

  // ---------------------------------------------------------------- panels
  logic [7:0]  a_op [R];
  logic [7:0]  b_op [C];
  logic        fx_we;
  assign fx_we = en_i && fx_v_q;

  // Lanes 0..R-1 are panel A's rows, R..R+C-1 panel B's columns.
  for (genvar q = 0; q < R + C; q++) begin : g_lane
    localparam bit IS_A = q < R;
    localparam int L    = IS_A ? q : q - R;   // lane within its panel
    (* no_rw_check *) logic [31:0] mem [NW];   // never read and written at one word in a cycle
    logic [31:0] rd_q;
    logic [3:0]  be;
    logic [31:0] wd;
    always_comb begin
      be = '0;
      if (fx_we && fx_pa_q == IS_A) begin
        if (fx_lc_q)                 be = 4'b0001 << fx_b_q;
        else if (fx_l_q == 2'(L))    be = 4'b1111;
      end
      wd = fx_lc_q ? {4{fx_data_q[8*L +: 8]}} : fx_data_q;
    end
    always_ff @(posedge clk_i) begin
      for (int i = 0; i < 4; i++) begin
        if (be[i]) mem[fx_g_q][8*i +: 8] <= wd[8*i +: 8];
      end
      if (en_i && c_issue) rd_q <= mem[c_g];
    end
    if (IS_A) begin : g_a
      assign a_op[L] = rd_q[8*p1_sel_q +: 8];
    end else begin : g_b
      assign b_op[L] = rd_q[8*p1_sel_q +: 8];
    end
  end

  // ---------------------------------------------------------------- PEs
  logic [15:0] prod [NE];
  logic [31:0] acc [NE];
  for (genvar q = 0; q < NP; q++) begin : g_mul
    localparam int E0 = 2 * q, E1 = 2 * q + 1;
    logic [15:0] p1;
    tatami_mul8x2 #(.DSP(DSP), .PIPE(1'b1)) u_mul (
      .clk_i, .en_i,
      .a0_i (a_op[E0 / C]), .b0_i (b_op[E0 % C]),
      .a1_i (E1 < NE ? a_op[(E1 < NE ? E1 : 0) / C] : 8'h00),
      .b1_i (E1 < NE ? b_op[(E1 < NE ? E1 : 0) % C] : 8'h00),
      .p0_o (prod[E0]), .p1_o (p1)
    );
    if (E1 < NE) begin : g_p1
      assign prod[E1 < NE ? E1 : 0] = p1;
    end else begin : g_p1_unused
      /* verilator lint_off UNUSEDSIGNAL */
      logic [15:0] unused_p1;
      /* verilator lint_on UNUSEDSIGNAL */
      assign unused_p1 = p1;
    end
  end
  // Accumulators: zeroed by a synchronous clear (SB_DFFESR: no LUT) at the
  // start of a GEMM and in the last cycle of each drain, so the next tile's
  // first product (>= 3 cycles later) adds to zero.
  logic acc_clr;
  assign acc_clr = (start_i && !run_q) || (en_i && d_end);
  for (genvar e = 0; e < NE; e++) begin : g_pe
    logic [31:0] acc_r;
    always_ff @(posedge clk_i) begin
      if (acc_clr)              acc_r <= '0;
      else if (en_i && p3_v_q)  acc_r <= acc_r + {{16{prod[e][15]}}, prod[e]};
    end
    assign acc[e] = acc_r;
  end

  // ---------------------------------------------------------------- drain data
  always_comb begin
    d_e   = EW'(d_r_q) * EW'(C) + EW'(d_c_q);
  end

  // ---------------------------------------------------------------- next state
  logic          run_d, done_d;
  logic [DW-1:0] wk_mrem_d, wk_nrem_d, wk_krem_d;
  logic [AW-1:0] wk_ablk_d, wk_acur_d, wk_bblk_d, wk_bcur_d, wk_crow_d, wk_ctile_d;
  logic          wk_taken_d, wk_fin_d, wk_settle_d;
  logic          f_pa_d, f_pb_d, f_go_d, f_idone_d;
  logic [KW-1:0] f_j_d;
  logic [1:0]    f_l_d;
  logic [AW-1:0] f_addr_d, f_grp_d;
  logic [GW:0]   f_wdone_d;
  logic          c_run_d, c_rdone_d, c_lastc_d, c_lastpass_d;
  logic [KW-1:0] c_k_d, c_kl_d;
  logic [VRW-1:0] c_vr_d;
  logic [VCW-1:0] c_vc_d;
  logic [AW-1:0] c_ctile_d;
  logic          d_act_d, d_more_d;
  logic [1:0]    d_ph_d;
  logic [RW-1:0] d_r_d;
  logic [CW-1:0] d_c_d;
  logic [AW-1:0] d_row_d, d_addr_d;
  logic          f_pdone;

  always_comb begin
    run_d = run_q; done_d = done_q;
    wk_mrem_d = wk_mrem_q; wk_nrem_d = wk_nrem_q; wk_krem_d = wk_krem_q;
    wk_ablk_d = wk_ablk_q; wk_acur_d = wk_acur_q; wk_bblk_d = wk_bblk_q; wk_bcur_d = wk_bcur_q;
    wk_crow_d = wk_crow_q; wk_ctile_d = wk_ctile_q;
    wk_taken_d = wk_taken_q; wk_fin_d = wk_fin_q;
    f_pa_d = f_pa_q; f_pb_d = f_pb_q; f_go_d = f_go_q; f_idone_d = f_idone_q;
    f_j_d = f_j_q; f_l_d = f_l_q; f_addr_d = f_addr_q; f_grp_d = f_grp_q; f_wdone_d = f_wdone_q;
    c_run_d = c_run_q; c_rdone_d = c_rdone_q; c_lastc_d = c_lastc_q;
    c_lastpass_d = c_lastpass_q; c_k_d = c_k_q; c_kl_d = c_kl_q; c_vr_d = c_vr_q; c_vc_d = c_vc_q;
    c_ctile_d = c_ctile_q;
    d_act_d = d_act_q; d_more_d = d_more_q; d_ph_d = d_ph_q; d_r_d = d_r_q; d_c_d = d_c_q;
    d_row_d = d_row_q; d_addr_d = d_addr_q;
    f_pdone = 1'b0;

    // ---- fill: load the panel's start address
    if ((f_pa_q || f_pb_q) && !f_go_q && !wk_fin_q && !wk_settle_q) begin
      f_go_d    = 1'b1;
      f_addr_d  = f_pa_q ? wk_acur_q : wk_bcur_q;
      f_grp_d   = f_pa_q ? wk_acur_q : wk_bcur_q;
      f_j_d     = '0;
      f_l_d     = '0;
      f_idone_d = 1'b0;
      f_wdone_d = '0;
    end
    // ---- fill: issue
    if (f_issue) begin
      if (f_plast) f_idone_d = 1'b1;
      if (f_lc) begin
        f_j_d    = f_j_q + 1'b1;
        f_addr_d = f_addr_q + (f_cur_a ? lda_q : ldb_q);
      end else if (f_l_q == f_nl_m1) begin
        f_l_d    = '0;
        f_j_d    = f_j_q + KW'(4);
        f_grp_d  = f_grp_q + AW'(4);
        f_addr_d = f_grp_q + AW'(4);
      end else begin
        f_l_d    = f_l_q + 1'b1;
        f_addr_d = f_addr_q + (f_cur_a ? lda_q : ldb_q);
      end
    end
    // ---- fill: write stage bookkeeping (words written; panel complete)
    if (fx_v_q) begin
      if (fx_wend_q) f_wdone_d = {1'b0, fx_g_q} + 1'b1;
      if (fx_plast_q) begin
        f_pdone   = 1'b1;
        f_wdone_d = '0;                      // counts the next panel's words
        if (fx_pa_q) f_pa_d = 1'b0;
        else         f_pb_d = 1'b0;
        f_go_d = 1'b0;
      end
    end

    // ---- array: take the walker's pass
    if (c_take) begin
      c_run_d      = 1'b1;
      c_rdone_d    = 1'b0;
      c_k_d        = '0;
      c_kl_d       = wk_kl;
      c_lastc_d    = wk_kclast;
      c_lastpass_d = wk_lastpass;
      c_vr_d       = wk_vr;
      c_vc_d       = wk_vc;
      c_ctile_d    = wk_ctile_q;
      wk_taken_d   = 1'b1;
    end
    if (c_issue) begin
      c_k_d = c_k_q + 1'b1;
      if (c_k_q == c_kl_q - 1'b1) c_rdone_d = 1'b1;
    end
    // a chunk that is not a tile's last ends when its reads are issued
    if (c_run_q && c_rdone_q && !c_lastc_q) c_run_d = 1'b0;

    // ---- drain
    if (d_start) begin
      d_act_d  = 1'b1;
      d_more_d = 1'b1;
      d_ph_d   = 2'd0;
      d_r_d    = '0;
      d_c_d    = '0;
      d_row_d  = c_ctile_q;
      d_addr_d = c_ctile_q;
    end
    if (d_act_q) begin
      if (acc_q && (d_take || d_ph_q != 2'd0)) d_ph_d = (d_ph_q == PH_CAP + 2'd1) ? 2'd0 : d_ph_q + 1'b1;
      if (d_take && d_last) d_more_d = 1'b0;
      if (d_take) begin
        if (d_c_q == CW'(c_vc_q - 1'b1)) begin
          d_c_d    = '0;
          d_r_d    = d_r_q + 1'b1;
          d_row_d  = d_row_q + ldc4_q;
          d_addr_d = d_row_q + ldc4_q;
        end else begin
          d_c_d    = d_c_q + 1'b1;
          d_addr_d = d_addr_q + AW'(4);
        end
      end
      if (d_end) begin
        d_act_d = 1'b0;
        c_run_d = 1'b0;
        if (c_lastpass_q) done_d = 1'b1;
      end
    end

    // ---- walker: next pass once this one is filled and taken
    wk_settle_d = 1'b0;
    if (run_q && !wk_fin_q && wk_taken_q && !f_pa_q && !f_pb_q && !f_pdone && !wk_settle_q) begin
      wk_settle_d = 1'b1;
      if (wk_lastpass) begin
        wk_fin_d = 1'b1;
      end else begin
        wk_taken_d = 1'b0;
        if (!wk_kclast) begin
          wk_krem_d = wk_krem_q - KP_DW;
          wk_acur_d = wk_acur_q + a_kstep;
          wk_bcur_d = wk_bcur_q + b_kstep;
          f_pa_d    = 1'b1;
          f_pb_d    = 1'b1;
        end else begin
          wk_krem_d = k_q;
          if (!wk_nlast) begin
            wk_nrem_d  = wk_nrem_q - C_DW;
            wk_bblk_d  = wk_bblk_q + b_bstep;
            wk_bcur_d  = wk_bblk_q + b_bstep;
            wk_acur_d  = wk_ablk_q;
            wk_ctile_d = wk_ctile_q + AW'(4 * C);
            f_pa_d     = kmulti;
            f_pb_d     = 1'b1;
          end else begin
            wk_nrem_d  = n_q;
            wk_mrem_d  = wk_mrem_q - R_DW;
            wk_ablk_d  = wk_ablk_q + a_bstep;
            wk_acur_d  = wk_ablk_q + a_bstep;
            wk_bblk_d  = b0_q;
            wk_bcur_d  = b0_q;
            wk_crow_d  = wk_crow_q + AW'(ldc4_q * R);
            wk_ctile_d = wk_crow_q + AW'(ldc4_q * R);
            f_pa_d     = 1'b1;
            f_pb_d     = kmulti || nmulti;
          end
        end
      end
    end

    if (done_q && en_i) begin
      run_d  = 1'b0;
      done_d = 1'b0;
    end
  end

  // ---------------------------------------------------------------- registers
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      run_q <= 1'b0; done_q <= 1'b0;
      wk_taken_q <= 1'b0; wk_fin_q <= 1'b0; wk_settle_q <= 1'b1;
      f_pa_q <= 1'b0; f_pb_q <= 1'b0; f_go_q <= 1'b0; f_idone_q <= 1'b0;
      fw_v_q <= 1'b0; fx_v_q <= 1'b0; f_trail_q <= 1'b0;
      c_run_q <= 1'b0; c_rdone_q <= 1'b0;
      p1_v_q <= 1'b0; p2_v_q <= 1'b0; p3_v_q <= 1'b0;
      d_act_q <= 1'b0; d_more_q <= 1'b0; d_ph_q <= 2'd0; dw_v_q <= 1'b0;
    end else if (start_i && !run_q) begin
      // taken even in a frozen cycle (the engine is idle)
      run_q <= 1'b1; done_q <= 1'b0;
      wk_taken_q <= 1'b0; wk_fin_q <= 1'b0; wk_settle_q <= 1'b1;
      f_pa_q <= 1'b1; f_pb_q <= 1'b1; f_go_q <= 1'b0; f_idone_q <= 1'b0;
      fw_v_q <= 1'b0; fx_v_q <= 1'b0; f_trail_q <= 1'b0;
      c_run_q <= 1'b0; c_rdone_q <= 1'b0;
      p1_v_q <= 1'b0; p2_v_q <= 1'b0; p3_v_q <= 1'b0;
      d_act_q <= 1'b0; d_more_q <= 1'b0; d_ph_q <= 2'd0; dw_v_q <= 1'b0;
    end else if (en_i) begin
      run_q <= run_d; done_q <= done_d;
      wk_taken_q <= wk_taken_d; wk_fin_q <= wk_fin_d; wk_settle_q <= wk_settle_d;
      f_pa_q <= f_pa_d; f_pb_q <= f_pb_d; f_go_q <= f_go_d; f_idone_q <= f_idone_d;
      fw_v_q <= f_issue;
      fx_v_q <= fr_v;
      f_trail_q <= f_trail_d;
      c_run_q <= c_run_d; c_rdone_q <= c_rdone_d;
      p1_v_q <= c_issue; p2_v_q <= p1_v_q; p3_v_q <= p2_v_q;
      d_act_q <= d_act_d; d_more_q <= d_more_d; d_ph_q <= d_ph_d;
      // a write follows a take (accumulate: after the read and capture)
      dw_v_q  <= acc_q ? (d_act_q && d_ph_q == PH_CAP) : d_take;
    end
  end

  // Datapath registers: no reset (qualified by the control flags above).
  always_ff @(posedge clk_i) begin
    if (start_i && !run_q) begin
      b0_q <= b_addr_i; lda_q <= AW'(lda_i); ldb_q <= AW'(ldb_i); ldc4_q <= AW'({ldc_i, 2'b00});
      dw_old_q <= '0;                        // stays 0 without accumulate
      n_q <= DW'(n_i); k_q <= DW'(k_i);
      ta_q <= trans_a_i; tb_q <= trans_b_i; acc_q <= accumulate_i;
      wk_mrem_q <= DW'(m_i); wk_nrem_q <= DW'(n_i); wk_krem_q <= DW'(k_i);
      wk_ablk_q <= a_addr_i; wk_acur_q <= a_addr_i;
      wk_bblk_q <= b_addr_i; wk_bcur_q <= b_addr_i;
      wk_crow_q <= c_addr_i; wk_ctile_q <= c_addr_i;
    end else if (en_i) begin
      wk_mrem_q <= wk_mrem_d; wk_nrem_q <= wk_nrem_d; wk_krem_q <= wk_krem_d;
      wk_ablk_q <= wk_ablk_d; wk_acur_q <= wk_acur_d; wk_bblk_q <= wk_bblk_d;
      wk_bcur_q <= wk_bcur_d; wk_crow_q <= wk_crow_d; wk_ctile_q <= wk_ctile_d;
    end
    if (en_i) begin
      f_j_q <= f_j_d; f_l_q <= f_l_d; f_addr_q <= f_addr_d; f_grp_q <= f_grp_d;
      f_wdone_q <= f_wdone_d;
      fw_pa_q <= f_cur_a; fw_lc_q <= f_lc; fw_plast_q <= f_plast; fw_wend_q <= f_wend;
      fw_l_q <= f_l_q; fw_b_q <= f_j_q[1:0]; fw_g_q <= f_g;
      fx_pa_q <= fr_pa; fx_lc_q <= fr_lc; fx_plast_q <= fr_plast; fx_wend_q <= fr_wend;
      fx_l_q <= fr_l; fx_b_q <= fr_b; fx_g_q <= fr_g; fx_data_q <= ra_data_i;
      c_k_q <= c_k_d; c_kl_q <= c_kl_d; c_lastc_q <= c_lastc_d;
      c_lastpass_q <= c_lastpass_d; c_vr_q <= c_vr_d; c_vc_q <= c_vc_d; c_ctile_q <= c_ctile_d;
      p1_sel_q <= c_k_q[1:0];
      d_r_q <= d_r_d; d_c_q <= d_c_d; d_row_q <= d_row_d; d_addr_q <= d_addr_d;
      if (d_take) begin
        dw_val_q  <= acc[d_e];
        dw_addr_q <= d_addr_q;
        dw_last_q <= d_last;
      end
      // accumulate: capture old C as it arrives; the sum is formed on the way
      // to the write port (the memory's output, its rotation and a 32-bit add
      // do not fit one UP5K clock)
      if (acc_q && d_ph_q == PH_CAP) dw_old_q <= rc_data_i;
    end
  end

  // The fill's arrival stage (see fr_*).
  if (RD_LAT == 1) begin : g_lat1
    always_comb begin
      fr_v = fw_v_q; fr_pa = fw_pa_q; fr_lc = fw_lc_q; fr_plast = fw_plast_q; fr_wend = fw_wend_q;
      fr_l = fw_l_q; fr_b = fw_b_q; fr_g = fw_g_q;
    end
  end else begin : g_lat2
    logic          fv_v_q, fv_pa_q, fv_lc_q, fv_plast_q, fv_wend_q;
    logic [1:0]    fv_l_q, fv_b_q;
    logic [GW-1:0] fv_g_q;
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni)                fv_v_q <= 1'b0;
      else if (start_i && !run_q) fv_v_q <= 1'b0;
      else if (en_i)              fv_v_q <= fw_v_q;
    end
    always_ff @(posedge clk_i) begin
      if (en_i) begin
        fv_pa_q <= fw_pa_q; fv_lc_q <= fw_lc_q; fv_plast_q <= fw_plast_q; fv_wend_q <= fw_wend_q;
        fv_l_q <= fw_l_q; fv_b_q <= fw_b_q; fv_g_q <= fw_g_q;
      end
    end
    always_comb begin
      fr_v = fv_v_q; fr_pa = fv_pa_q; fr_lc = fv_lc_q; fr_plast = fv_plast_q; fr_wend = fv_wend_q;
      fr_l = fv_l_q; fr_b = fv_b_q; fr_g = fv_g_q;
    end
  end

  // ---------------------------------------------------------------- outputs
  always_comb begin
    busy_o             = run_q;
    done_o             = done_q && en_i;
    ev_busy_o          = en_i && c_issue;
    ev_macs_o          = (en_i && c_issue) ? MW'(c_vr_q * c_vc_q) : '0;
    ev_stall_operand_o = run_q && (!en_i || (c_run_q && !c_rdone_q && !c_ok));
    ev_stall_drain_o   = en_i && d_act_q;
    ra_en_o            = en_i && f_issue;
    ra_addr_o          = f_addr_q;
    rb_en_o            = 1'b0;
    rb_addr_o          = '0;
    rc_en_o            = en_i && d_take && acc_q;
    rc_addr_o          = d_addr_q;
    w_en_o             = en_i && dw_v_q;
    w_addr_o           = dw_addr_q;
    w_data_o           = dw_val_q + dw_old_q;
    w_be_o             = 4'hF;
  end
endmodule

// Vector unit (docs/protocol.md "VEC descriptor (72 bytes, 1.1)", docs/numerics.md
// section 8): element-wise ops, ROWSUM and SGD on m x n tensors in SRAM, FP32
// arithmetic per element exactly as the spec orders it, outputs converted
// with RNE or stochastic rounding, sticky-flag events.
//
// PORT CONTRACT (fixed; the tile's sequencer is written against it):
//  * desc_i: the 72-byte VEC payload, byte i at [8i +: 8], stable from the
//    check until done_o. Address fields are plain SRAM byte addresses: inside
//    RUN the sequencer substitutes the resolved ones (a sum above 2^32 - 1 as
//    0xFFFFFFFF: the unit then answers ADDR_RANGE in its place in the order),
//    and a missing parameter of a used slot (ADD SUB MUL BIAS RELU_BWD: X Y
//    Z; SCALE RELU ROWSUM CONVERT: X Z; SGD: X Y Z W; other ops: none) is
//    BAD_ARG unless chk_status_o is BAD_DTYPE.
//  * chk_status_o: the status of checks 2..5 for desc_i (0 OK, 0x08
//    BAD_DTYPE, 0x09 BAD_ARG, 0x07 ADDR_RANGE, 0x0A OVERLAP; first failing
//    check wins). COMBINATIONAL: chk_valid_o is always 1 and chk_start_i is
//    ignored (the status is valid in the same cycle desc_i is).
//  * start_i: one-cycle pulse; runs desc_i, which must have passed the checks.
//    The configuration is latched at start_i.
//  * busy_o: from the cycle after start_i until done_o (inclusive); the unit
//    owns the SRAM ports while busy_o. done_o: one-cycle pulse in the cycle
//    after the last write was issued.
//  * SRAM: tatami_sram ports (W-byte unaligned windows; read data one cycle
//    after the address; one write port with byte enables). Reads past a
//    tensor's last element may wrap modulo 2^AW and are ignored; every write
//    lies inside the checked tensors.
//  * rng_take_o / rng_rnd_i: a tatami_rng #(.L(RL)) used by nothing else;
//    rnd lane l is draw n + l, take = t advances the generator by t draws.
//    Lanes beyond RL are not built (min(L, RL, W) lanes).
//  * ev_flags_o: {X, U, O, D, I} raised by the elements handled in the
//    previous cycle (elements inside the tensors only); the OR over busy_o
//    is the command's contribution to the sticky flags.
//
// MICROARCHITECTURE. A step handles a chunk of cnt <= CW elements of one row:
// CW = min(L, W / largest element size among the used operands), i.e. with
// W = 32, L = 16: 16 elements per step when no used operand is FP32, 8
// otherwise. A step issues one read per read operand (X on ra, Y on rb, Z on
// rc; SGD reads all three), the next cycle widens the data, computes in L
// lanes (each: 1 multiplier and 1 adder, lanes < W/4 also SGD's other two
// multipliers and adders, plus 1 narrowing unit) and registers the packed
// output chunk(s); the cycle after that writes them. Elementwise ops and SGD
// walk rows i = 0..m-1 and chunks j0 = 0, CW, .. inside a row (row-major: the
// SR draws of a chunk are taken together, cnt of them, in element order).
// ROWSUM walks column chunks outer and rows inner, accumulating
// S_j = add(S_j, x_ij) in L lane registers in increasing i (one add per
// clock, no tree) and writes the chunk of Z after its last row. SGD writes
// three chunks per step (Y = v, Z = z', W = cvt(z'), in that order) on the one
// write port, so it issues a step every 3 cycles; everything else 1 per cycle.
// Cycles: elementwise and ROWSUM ceil(n / CW) * m + 3, SGD 3 * that + 3
// (64 x 256 BF16 ADD: 1027; SGD with BF16 X, W: 6147).
// In-place operands (check 5: the same byte range and dtype) map element
// (i, j) to the same bytes, and writes of a chunk touch only that chunk's
// elements (byte enables), which were read before: no hazard. Operands that
// are not in place do not share a byte.
module tatami_vec #(
  parameter int SRAM_BYTES = 1 << 20,
  parameter int W  = 32,                 // SRAM port bytes (power of 2, >= 4)
  parameter int L  = W / 2,              // lanes: elements per clock (<= RL)
  parameter int RL = W / 2,              // lanes of the tile's tatami_rng
  localparam int AW = $clog2(SRAM_BYTES),
  localparam int TW = $clog2(RL + 1)
) (
  input  logic              clk_i,
  input  logic              rst_ni,
  input  logic [8*72-1:0]   desc_i,
  output logic [7:0]        chk_status_o,
  output logic              chk_valid_o,
  input  logic              chk_start_i,
  input  logic              start_i,
  output logic              busy_o,
  output logic              done_o,
  output logic              ra_en_o,
  output logic [AW-1:0]     ra_addr_o,
  input  logic [8*W-1:0]    ra_data_i,
  output logic              rb_en_o,
  output logic [AW-1:0]     rb_addr_o,
  input  logic [8*W-1:0]    rb_data_i,
  output logic              rc_en_o,
  output logic [AW-1:0]     rc_addr_o,
  input  logic [8*W-1:0]    rc_data_i,
  output logic              w_en_o,
  output logic [AW-1:0]     w_addr_o,
  output logic [8*W-1:0]    w_data_o,
  output logic [W-1:0]      w_be_o,
  output logic [TW-1:0]     rng_take_o,
  input  logic [16*RL-1:0]  rng_rnd_i,
  output logic [4:0]        ev_flags_o
);
`include "tatami_fp_funcs.svh"
  localparam int LE  = (L < RL) ? L : RL;      // lanes: L, at most one draw per lane and clock
  localparam int LW  = $clog2(LE + 1);         // chunk element counts 0..LE
  localparam int P32 = (LE < W / 4) ? LE : W / 4; // lanes that fit a W-byte window: 4-byte elements
  localparam int P16 = (LE < W / 2) ? LE : W / 2; //   2-byte elements
  localparam int P8  = (LE < W) ? LE : W;         //   1-byte elements (also the lane limit)
  localparam int NL  = P8;                      // lanes actually built
  localparam int SL  = P32;                     // lanes with the SGD units (Y, Z are FP32)

  localparam logic [3:0] OP_ADD = 4'd1, OP_SUB = 4'd2, OP_MUL = 4'd3, OP_SCALE = 4'd4,
                         OP_BIAS = 4'd5, OP_RELU = 4'd6, OP_RELU_BWD = 4'd7,
                         OP_ROWSUM = 4'd8, OP_CONVERT = 4'd9, OP_SGD = 4'd10;
  localparam logic [7:0] ST_OK = 8'h00, ST_ADDR_RANGE = 8'h07, ST_BAD_DTYPE = 8'h08,
                         ST_BAD_ARG = 8'h09, ST_OVERLAP = 8'h0A;
  localparam logic [31:0] MAXDIM = 32'h00FF_FFFF;
  localparam logic [31:0] FP32_NEG0 = 32'h8000_0000;
  localparam logic [31:0] FP32_QNAN = 32'h7FC0_0000;

`include "tatami_vec_desc.svh"

  // ================================================================ checks 2..5
  // Exact arithmetic in 64 bits: with m, n <= 2^24 - 1 (check 3) an extent
  // s * ((rows - 1) * ld + n) < 2^59 and an end address < 2^60.
  logic [4*64-1:0] c_end;      // addr + bytes spanned, per slot
  logic            c_dtype, c_arg, c_range, c_ovl;

  always_comb begin
    logic [63:0] rows, span, lo_a, hi_a, lo_b, hi_b;
    logic        same, rw;
    c_dtype = 1'b0;
    c_arg   = 1'b0;
    c_range = 1'b0;
    c_ovl   = 1'b0;
    // 2. dtypes of the used operands; SGD's Y and Z are FP32
    for (int k = 0; k < 4; k++) begin
      if (d_used[k] && (d_dt[8*k +: 8] < 8'd1 || d_dt[8*k +: 8] > 8'd4)) c_dtype = 1'b1;
    end
    if (d_op == 8'd10 && (d_dt[8*1 +: 8] != 8'd4 || d_dt[8*2 +: 8] != 8'd4)) c_dtype = 1'b1;
    // 3. arguments
    if (d_op < 8'd1 || d_op > 8'd10) c_arg = 1'b1;
    if (d_flags[7:1] != 7'd0 || d_res != 16'd0) c_arg = 1'b1;
    if (d_m == 32'd0 || d_m > MAXDIM || d_n == 32'd0 || d_n > MAXDIM) c_arg = 1'b1;
    for (int k = 0; k < 4; k++) begin
      if (d_used[k]) begin
        if (d_ores[16*k +: 16] != 16'd0 || d_bias[8*k +: 8] > 8'd63) c_arg = 1'b1;
        if (!d_row[k] && d_ld[32*k +: 32] < d_n) c_arg = 1'b1;
      end
    end
    // 4. extents: addr + s * ((rows - 1) * ld + n) <= SRAM (1 x n: addr + s * n)
    for (int k = 0; k < 4; k++) begin
      rows = d_row[k] ? 64'd1 : {32'd0, d_m};
      span = (rows - 64'd1) * {32'd0, d_ld[32*k +: 32]} + {32'd0, d_n};
      span = span << dt_lg(d_dt[8*k +: 8]);
      c_end[64*k +: 64] = {32'd0, d_addr[32*k +: 32]} + span;
      if (d_used[k] && c_end[64*k +: 64] > 64'(SRAM_BYTES)) c_range = 1'b1;
    end
    // 5. a written operand's byte range against every other used one's; the
    // exception: exactly the same range and dtype, one of the pair read and
    // the other written (SGD: any pair, its Y and Z being both)
    for (int a = 0; a < 4; a++) begin
      for (int b = a + 1; b < 4; b++) begin
        lo_a = {32'd0, d_addr[32*a +: 32]};
        hi_a = c_end[64*a +: 64];
        lo_b = {32'd0, d_addr[32*b +: 32]};
        hi_b = c_end[64*b +: 64];
        same = (lo_a == lo_b) && (hi_a == hi_b) && (d_dt[8*a +: 8] == d_dt[8*b +: 8]);
        rw   = (d_rd[a] && d_wr[b]) || (d_wr[a] && d_rd[b]);
        if (d_used[a] && d_used[b] && (d_wr[a] || d_wr[b]) && lo_a < hi_b && lo_b < hi_a &&
            !(same && rw)) c_ovl = 1'b1;
      end
    end
    if (c_dtype)      chk_status_o = ST_BAD_DTYPE;
    else if (c_arg)   chk_status_o = ST_BAD_ARG;
    else if (c_range) chk_status_o = ST_ADDR_RANGE;
    else if (c_ovl)   chk_status_o = ST_OVERLAP;
    else              chk_status_o = ST_OK;
  end
  assign chk_valid_o = 1'b1;

  // ================================================================ configuration
  // Latched at start_i. Per slot: base address, row stride in bytes (0 for a
  // 1 x n operand), dtype (3 bits), bias, log2 element size.
  logic [3:0]      op_q;
  logic            sr_q;
  logic [23:0]     m_q, n_q;
  logic [31:0]     s0_q, s1_q, s2_q;
  logic [AW-1:0]   base_x_q;    // X's base (ROWSUM restarts its rows)
  logic [4*AW-1:0] rstr_q;
  logic [3*3-1:0]  dt_q;        // X, Y, Z (W is only written: odt_q)
  logic [3*6-1:0]  bias_q;
  logic [4*2-1:0]  lg_q;
  logic [LW-1:0]   cw_q;        // chunk width
  logic [2:0]      odt_q;       // the converted output: Z, or SGD's W
  logic [5:0]      obias_q;
  logic [1:0]      olg_q;
  logic            onar_q;      // the converted output is BF16 / CFloat8

  logic [4*AW-1:0] cfg_rstr;
  logic [1:0]      cfg_lgmax;
  logic [LW-1:0]   cfg_cw;
  logic [1:0]      cfg_oslot;

  always_comb begin
    cfg_lgmax = 2'd0;
    for (int k = 0; k < 4; k++) begin
      cfg_rstr[AW*k +: AW] = d_row[k] ? '0 : AW'(d_ld[32*k +: 32] << dt_lg(d_dt[8*k +: 8]));
      if (d_used[k] && dt_lg(d_dt[8*k +: 8]) > cfg_lgmax) cfg_lgmax = dt_lg(d_dt[8*k +: 8]);
    end
    if ((W >> cfg_lgmax) < NL) cfg_cw = LW'(W >> cfg_lgmax);
    else                       cfg_cw = LW'(NL);
    cfg_oslot = (d_op == 8'd10) ? 2'd3 : 2'd2;
  end

  // ================================================================ control
  logic            run_q;       // busy
  logic            iss_q;       // steps left to issue
  logic [23:0]     i_q, j_q;    // the next step's row and first column
  logic [4*AW-1:0] rp_q;        // per slot: address of element (i_q, 0) (ROWSUM: X only moves)
  logic [1:0]      gap_q;       // cycles to wait before the next issue (SGD)

  logic            is_sgd, is_rowsum;
  logic [24:0]     rem;         // n - j0
  logic [LW-1:0]   cnt;
  logic            last_chunk, last_row, issue;
  logic [4*AW-1:0] caddr;       // per slot: address of element (i_q, j_q)

  assign is_sgd    = (op_q == OP_SGD);
  assign is_rowsum = (op_q == OP_ROWSUM);

  always_comb begin
    rem = {1'b0, n_q} - {1'b0, j_q};
    if (rem < 25'(cw_q)) cnt = LW'(rem);
    else                 cnt = cw_q;
    last_chunk = (rem <= 25'(cw_q));
    last_row   = (i_q == m_q - 24'd1);
    issue      = run_q && iss_q && (gap_q == 2'd0);
    for (int k = 0; k < 4; k++) begin
      caddr[AW*k +: AW] = rp_q[AW*k +: AW] + AW'({8'd0, j_q} << lg_q[2*k +: 2]);
    end
  end

  // reads: X on ra, Y on rb, Z on rc (only SGD reads Z)
  always_comb begin
    ra_en_o   = issue;
    ra_addr_o = caddr[AW*0 +: AW];
    rb_en_o   = issue && (op_q == OP_ADD || op_q == OP_SUB || op_q == OP_MUL ||
                          op_q == OP_BIAS || op_q == OP_RELU_BWD || is_sgd);
    rb_addr_o = caddr[AW*1 +: AW];
    rc_en_o   = issue && is_sgd;
    rc_addr_o = caddr[AW*2 +: AW];
  end

  // ---------------------------------------------------------------- compute stage
  logic            p1_q;        // read data of a step arrives this cycle
  logic [LW-1:0]   p1_cnt_q;
  logic            p1_first_q, p1_last_q;
  logic [3*AW-1:0] p1_wa_q;     // write addresses: SGD {W, Z, Y}, others slot 0 = Z

  // ---------------------------------------------------------------- write stage
  logic [3*8*W-1:0] wq_data_q;
  logic [3*AW-1:0]  wq_addr_q;
  logic [3*W-1:0]   wq_be_q;
  logic [1:0]       wq_pend_q, wq_idx_q;

  // lane results
  logic [32*NL-1:0] ln_main;    // the converted output (Z, or W), code in the low bits
  logic [32*NL-1:0] ln_v, ln_z; // SGD: v, z' (FP32)
  logic [32*NL-1:0] ln_acc;     // ROWSUM: the new S (= ln_v's source lane adder output)
  logic [5*NL-1:0]  ln_flags;   // arithmetic flags of the lane's element
  logic [5*NL-1:0]  ln_nflags;  // flags of its output conversion
  logic [32*NL-1:0] acc_q;
  logic             wr_now;

  assign wr_now = p1_q && p1_last_q;
  always_comb begin
    rng_take_o = '0;
    if (wr_now && sr_q && onar_q) rng_take_o = TW'(p1_cnt_q);
  end

  // ---------------------------------------------------------------- lanes
  logic [2:0] dt_x, dt_y, dt_z;
  logic [5:0] b_x, b_y, b_z;
  logic [1:0] lg_x, lg_y, lg_z;
  assign dt_x = dt_q[0 +: 3];
  assign dt_y = dt_q[3 +: 3];
  assign dt_z = dt_q[6 +: 3];
  assign b_x  = bias_q[0 +: 6];
  assign b_y  = bias_q[6 +: 6];
  assign b_z  = bias_q[12 +: 6];
  assign lg_x = lg_q[0 +: 2];
  assign lg_y = lg_q[2 +: 2];
  assign lg_z = lg_q[4 +: 2];

  for (genvar l = 0; l < NL; l++) begin : g_lane
    logic [31:0] cx32, cy32, cz32;
    logic [15:0] cx16, cy16, cz16;
    logic [7:0]  cx8, cy8, cz8;
    logic [31:0] cx, cy, cz;
    if (l < P32) begin : g_u32
      assign cx32 = ra_data_i[32*l +: 32];
      assign cy32 = rb_data_i[32*l +: 32];
      assign cz32 = rc_data_i[32*l +: 32];
    end else begin : g_n32
      assign cx32 = '0;
      assign cy32 = '0;
      assign cz32 = '0;
    end
    if (l < P16) begin : g_u16
      assign cx16 = ra_data_i[16*l +: 16];
      assign cy16 = rb_data_i[16*l +: 16];
      assign cz16 = rc_data_i[16*l +: 16];
    end else begin : g_n16
      assign cx16 = '0;
      assign cy16 = '0;
      assign cz16 = '0;
    end
    assign cx8 = ra_data_i[8*l +: 8];
    assign cy8 = rb_data_i[8*l +: 8];
    assign cz8 = rc_data_i[8*l +: 8];
    // The element's arithmetic, evaluated only in a cycle whose read data
    // arrived (p1_q) and only the operations the op uses: the simulation
    // model then spends no time on an idle vector unit.
    // M1: MUL x*y, SCALE x*s0, SGD wd*z.  A1: ADD/SUB/BIAS x +- y, ROWSUM S + x,
    // SGD x + M1.  SGD: v = add(mul(mu, y), g), z' = sub(z, mul(lr, v)).
    // x' and y' (numerics 8): denormal -> zero of its sign, D; NaN -> canonical, I.
    logic [31:0] a1y, a2y, a3y, r;
    logic [4:0]  f, nf;
    logic [15:0] ncode;
    always_comb begin
      logic [31:0] wx, wy, wz, m1y, m2y, m3y, xr, yr;
      logic [4:0]  m1f, a1f, m2f, a2f, m3f, a3f, xrf, yrf;
      logic        xr_nan, yr_pos;
      wx = '0;  wy = '0;  wz = '0;
      m1y = '0; a1y = '0; m2y = '0; a2y = '0; m3y = '0; a3y = '0;
      m1f = '0; a1f = '0; m2f = '0; a2f = '0; m3f = '0; a3f = '0;
      xr = '0;  yr = '0;  xrf = '0; yrf = '0; xr_nan = 1'b0; yr_pos = 1'b0;
      r = '0;   f = '0;   nf = '0;  ncode = '0;
      cx = '0;  cy = '0;  cz = '0;
      if (p1_q) begin
        cx = (lg_x == 2'd2) ? cx32 : (lg_x == 2'd1) ? {16'd0, cx16} : {24'd0, cx8};
        cy = (lg_y == 2'd2) ? cy32 : (lg_y == 2'd1) ? {16'd0, cy16} : {24'd0, cy8};
        cz = (lg_z == 2'd2) ? cz32 : (lg_z == 2'd1) ? {16'd0, cz16} : {24'd0, cz8};
        wx = tatami_fp_widen_f(cx, dt_x, b_x);
        wy = tatami_fp_widen_f(cy, dt_y, b_y);
        wz = tatami_fp_widen_f(cz, dt_z, b_z);
        if (op_q == OP_MUL || op_q == OP_SCALE || is_sgd)
          {m1f, m1y} = tatami_fp_mul_f(is_sgd ? s2_q : wx,
                                       is_sgd ? wz : ((op_q == OP_SCALE) ? s0_q : wy));
        if (op_q == OP_ADD || op_q == OP_SUB || op_q == OP_BIAS || is_rowsum || is_sgd)
          {a1f, a1y} = tatami_fp_add_f(is_rowsum ? (p1_first_q ? FP32_NEG0 : acc_q[32*l +: 32]) : wx,
                                       is_sgd ? m1y : (is_rowsum ? wx : wy), op_q == OP_SUB);
        if (is_sgd && l < SL) begin
          {m2f, m2y} = tatami_fp_mul_f(s1_q, wy);
          {a2f, a2y} = tatami_fp_add_f(m2y, a1y, 1'b0);
          {m3f, m3y} = tatami_fp_mul_f(s0_q, a2y);
          {a3f, a3y} = tatami_fp_add_f(wz, m3y, 1'b1);
        end
        {xrf, xr} = fp_read(wx);
        {yrf, yr} = fp_read(wy);
        xr_nan = (xr == FP32_QNAN);
        yr_pos = (yr != FP32_QNAN) && !yr[31] && (yr[30:0] != 31'd0);
        unique case (op_q)
          OP_MUL, OP_SCALE: begin r = m1y; f = m1f; end
          OP_RELU:          begin r = (xr_nan || !xr[31]) ? xr : 32'd0; f = xrf; end
          OP_RELU_BWD:      begin r = yr_pos ? xr : 32'd0; f = xrf | yrf; end
          OP_CONVERT:       begin r = xr; f = xrf; end
          OP_SGD:           begin r = a3y; f = m1f | a1f | m2f | a2f | m3f | a3f; end
          default:          begin r = a1y; f = a1f; end   // ADD SUB BIAS ROWSUM
        endcase
        if (onar_q && wr_now)
          {nf, ncode} = tatami_fp_narrow_f(r, odt_q, obias_q, sr_q, rng_rnd_i[16*l +: 16]);
      end
    end

    assign ln_main[32*l +: 32] = onar_q ? {16'd0, ncode} : r;
    assign ln_nflags[5*l +: 5] = onar_q ? nf : 5'd0;
    assign ln_flags[5*l +: 5]  = f;
    assign ln_v[32*l +: 32]    = a2y;
    assign ln_z[32*l +: 32]    = a3y;
    assign ln_acc[32*l +: 32]  = a1y;
  end

  // flags of the valid lanes; the conversion's only when the chunk is written
  logic [4:0] flags_now;
  always_comb begin
    flags_now = '0;
    for (int l = 0; l < NL; l++) begin
      if (p1_q && LW'(l) < p1_cnt_q) begin
        flags_now = flags_now | ln_flags[5*l +: 5];
        if (wr_now) flags_now = flags_now | ln_nflags[5*l +: 5];
      end
    end
  end

  // ---------------------------------------------------------------- packing
  logic [8*W-1:0] pk_main, pk_v, pk_z;
  logic [W-1:0]   be_main, be_32;
  always_comb begin
    logic [8*W-1:0] p32, p16, p8;
    /* verilator lint_off UNUSEDSIGNAL */
    logic [W:0]     ones;      // bit W: the carry of the mask arithmetic
    /* verilator lint_on UNUSEDSIGNAL */
    p32  = '0;
    p16  = '0;
    p8   = '0;
    pk_v = '0;
    pk_z = '0;
    for (int l = 0; l < P32; l++) begin
      p32[32*l +: 32]  = ln_main[32*l +: 32];
      pk_v[32*l +: 32] = ln_v[32*l +: 32];
      pk_z[32*l +: 32] = ln_z[32*l +: 32];
    end
    for (int l = 0; l < P16; l++) p16[16*l +: 16] = ln_main[32*l +: 16];
    for (int l = 0; l < P8; l++)  p8[8*l +: 8]    = ln_main[32*l +: 8];
    pk_main = (olg_q == 2'd2) ? p32 : (olg_q == 2'd1) ? p16 : p8;
    ones    = ((W + 1)'(1) << ((W + 1)'(p1_cnt_q) << olg_q)) - (W + 1)'(1);
    be_main = ones[W-1:0];
    ones    = ((W + 1)'(1) << ((W + 1)'(p1_cnt_q) << 2)) - (W + 1)'(1);
    be_32   = ones[W-1:0];
  end

  always_comb begin
    w_en_o   = (wq_pend_q != 2'd0);
    w_addr_o = wq_addr_q[AW*wq_idx_q +: AW];
    w_data_o = wq_data_q[8*W*wq_idx_q +: 8*W];
    w_be_o   = wq_be_q[W*wq_idx_q +: W];
  end

  assign busy_o = run_q;
  assign done_o = run_q && !iss_q && !p1_q && (wq_pend_q == 2'd0);

  // ================================================================ registers
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      run_q      <= 1'b0;
      iss_q      <= 1'b0;
      op_q       <= '0;
      sr_q       <= 1'b0;
      m_q        <= '0;
      n_q        <= '0;
      s0_q       <= '0;
      s1_q       <= '0;
      s2_q       <= '0;
      base_x_q   <= '0;
      rstr_q     <= '0;
      dt_q       <= '0;
      bias_q     <= '0;
      lg_q       <= '0;
      cw_q       <= '0;
      odt_q      <= '0;
      obias_q    <= '0;
      olg_q      <= '0;
      onar_q     <= 1'b0;
      i_q        <= '0;
      j_q        <= '0;
      rp_q       <= '0;
      gap_q      <= '0;
      p1_q       <= 1'b0;
      p1_cnt_q   <= '0;
      p1_first_q <= 1'b0;
      p1_last_q  <= 1'b0;
      p1_wa_q    <= '0;
      acc_q      <= '0;
      wq_data_q  <= '0;
      wq_addr_q  <= '0;
      wq_be_q    <= '0;
      wq_pend_q  <= '0;
      wq_idx_q   <= '0;
      ev_flags_o <= '0;
    end else begin
      // ---- start: latch the configuration
      if (start_i && !run_q) begin
        run_q   <= 1'b1;
        iss_q   <= 1'b1;
        op_q    <= d_op[3:0];
        sr_q    <= d_flags[0];
        m_q     <= d_m[23:0];
        n_q     <= d_n[23:0];
        s0_q    <= d_s0;
        s1_q    <= d_s1;
        s2_q    <= d_s2;
        base_x_q <= d_addr[0 +: AW];
        for (int k = 0; k < 4; k++) begin
          rp_q[AW*k +: AW] <= d_addr[32*k +: AW];
          lg_q[2*k +: 2]   <= dt_lg(d_dt[8*k +: 8]);
        end
        for (int k = 0; k < 3; k++) begin
          dt_q[3*k +: 3]   <= d_dt[8*k +: 3];
          bias_q[6*k +: 6] <= d_bias[8*k +: 6];
        end
        rstr_q  <= cfg_rstr;
        cw_q    <= cfg_cw;
        odt_q   <= d_dt[8*cfg_oslot +: 3];
        obias_q <= d_bias[8*cfg_oslot +: 6];
        olg_q   <= dt_lg(d_dt[8*cfg_oslot +: 8]);
        onar_q  <= (d_dt[8*cfg_oslot +: 8] != 8'd4);
        i_q     <= '0;
        j_q     <= '0;
        gap_q   <= '0;
      end else if (done_o) begin
        run_q <= 1'b0;
      end

      // ---- issue a step
      if (gap_q != 2'd0) gap_q <= gap_q - 2'd1;
      p1_q <= issue;
      if (issue) begin
        gap_q      <= is_sgd ? 2'd2 : 2'd0;
        p1_cnt_q   <= cnt;
        p1_first_q <= (i_q == 24'd0);
        p1_last_q  <= !is_rowsum || last_row;
        p1_wa_q    <= is_sgd ? {caddr[AW*3 +: AW], caddr[AW*2 +: AW], caddr[AW*1 +: AW]}
                             : {caddr[AW*3 +: AW], caddr[AW*1 +: AW], caddr[AW*2 +: AW]};
        if (is_rowsum) begin
          if (last_row) begin
            i_q <= '0;
            rp_q[AW*0 +: AW] <= base_x_q;
            j_q <= j_q + 24'(cw_q);
            if (last_chunk) iss_q <= 1'b0;
          end else begin
            i_q <= i_q + 24'd1;
            rp_q[AW*0 +: AW] <= rp_q[AW*0 +: AW] + rstr_q[AW*0 +: AW];
          end
        end else begin
          if (last_chunk) begin
            j_q <= '0;
            i_q <= i_q + 24'd1;
            for (int k = 0; k < 4; k++) rp_q[AW*k +: AW] <= rp_q[AW*k +: AW] + rstr_q[AW*k +: AW];
            if (last_row) iss_q <= 1'b0;
          end else begin
            j_q <= j_q + 24'(cw_q);
          end
        end
      end

      // ---- compute: ROWSUM accumulators, results into the write stage
      if (p1_q && is_rowsum) acc_q <= ln_acc;
      ev_flags_o <= flags_now;
      if (wr_now) begin
        wq_addr_q <= p1_wa_q;
        if (is_sgd) begin
          wq_data_q <= {pk_main, pk_z, pk_v};
          wq_be_q   <= {be_main, be_32, be_32};
          wq_pend_q <= 2'd3;
        end else begin
          wq_data_q[0 +: 8*W] <= pk_main;
          wq_be_q[0 +: W]     <= be_main;
          wq_pend_q           <= 2'd1;
        end
        wq_idx_q <= '0;
      end else if (wq_pend_q != 2'd0) begin
        wq_pend_q <= wq_pend_q - 2'd1;
        wq_idx_q  <= wq_idx_q + 2'd1;
      end
    end
  end

  // Unused: chk_start_i (combinational checks), the generator lanes >= L,
  // descriptor bits beyond the latched widths (checked by 3 and 4), read
  // data beyond the lanes (fewer lanes than W bytes).
  /* verilator lint_off UNUSEDSIGNAL */
  logic unused;
  assign unused = chk_start_i ^ (^rng_rnd_i) ^ (^d_addr) ^ (^d_dt) ^ (^d_bias) ^ (^d_m) ^ (^d_n) ^
                  (^ra_data_i) ^ (^rb_data_i) ^ (^rc_data_i);
  /* verilator lint_on UNUSEDSIGNAL */
endmodule

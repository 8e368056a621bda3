// Serial floating-point unit for a single-ported board memory (tatami_tile
// FPU = 1): the float GEMM descriptors (BF16 / CFloat8 A and B with their
// biases, C as BF16 / CFloat8 / FP32, trans_a, trans_b, accumulate, strides)
// and the VEC descriptors (all ten ops, RNE and stochastic rounding), one
// element at a time on ONE FP32 adder (tatami_fpu_add, 6 stages) and ONE
// multiplier (tatami_fpu_mul, iterative), with one narrowing and one
// widening converter. Results and flags are those of docs/numerics.md,
// bit for bit: a GEMM element is S = -0; S = add(S, mul(a_k, b_k)) for
// k = 0..K-1 in order; with accumulate S = add(C_old, S); then C = cvt(S)
// with RNE. A VEC element runs the operations of tatami_vec's lanes in the
// same order; SR conversions take one draw each from a tatami_rng #(.L(1)) in
// row-major order of the converted operand (docs/numerics.md 6.3).
//
// PORTS.
//  * GEMM: g_start_i (a float GEMM the sequencer has checked: dtype_a != 0)
//    with the g_* fields, which must stay stable until g_done_o (the
//    sequencer's descriptor registers do: it waits in S_GWAIT).
//    g_done_o: one-cycle pulse after the last write was issued.
//  * VEC: tatami_vec's port contract (desc_i stable from chk_start_i until
//    v_done_o) except that the checks are SERIAL: chk_start_i starts them,
//    chk_valid_o rises with chk_status_o some 100 cycles later and stays
//    until the next chk_start_i or v_start_i (never in a cycle with
//    chk_start_i high). Statuses and their order are tatami_vec's.
//  * busy_o: the unit owns the memory ports (from the cycle after a start
//    until its done pulse inclusive). One request per clock at most: a read
//    on rd_* (data RD_LAT clocks later on rd_data_i, its low bytes) or a
//    write on w_* (the element's bytes in the low lanes).
//  * ev_flags_o: {X, U, O, D, I} of an operation that finished in the
//    previous cycle (a pulse; the sequencer ORs it into the sticky flags).
//
// MICRO-PROGRAM. Each element is a short list of actions (act_*), indexed
// by ph_q: RD (read and widen one operand), MUL, ADD (operands from the
// registers rx, ry, rz, t, s or the descriptor's s0..s2), FN (RELU,
// RELU_BWD, CONVERT: x' and y' without arithmetic), WR (write s, converted
// to the operand's type), LOOP (the GEMM's k loop), END (next element).
// Addresses: per operand slot (GEMM A B C, VEC X Y Z W) a three-level
// walker: cur (the element), mb (the middle loop's base), tb (the top
// loop's base), each stepped by a per-slot constant: GEMM: k inside j
// inside i; VEC: j inside i (ROWSUM: i inside j).
// CYCLES per GEMM MAC: 2 reads (RD_LAT + 1 each) + multiply (11 for
// BF16/CFloat8 operands) + add (6) + dispatch and loop = about 28 at
// RD_LAT = 2; per element of the elementwise VEC ops about 15-30, SGD about 85.
module tatami_fpu #(
  parameter int SRAM_BYTES = 1 << 17,
  parameter int W          = 4,          // memory port bytes (>= 4; only the low 4 are used)
  parameter int RD_LAT     = 2,          // clocks from a read request to its data: 1 or 2
  localparam int AW        = $clog2(SRAM_BYTES)
) (
  input  logic              clk_i,
  input  logic              rst_ni,
  // GEMM
  input  logic              g_start_i,
  input  logic [AW-1:0]     g_a_i,
  input  logic [AW-1:0]     g_b_i,
  input  logic [AW-1:0]     g_c_i,
  input  logic [23:0]       g_m_i,
  input  logic [23:0]       g_n_i,
  input  logic [23:0]       g_k_i,
  input  logic [31:0]       g_lda_i,
  input  logic [31:0]       g_ldb_i,
  input  logic [31:0]       g_ldc_i,
  input  logic              g_trans_a_i,
  input  logic              g_trans_b_i,
  input  logic              g_acc_i,
  input  logic [2:0]        g_dt_a_i,
  input  logic [2:0]        g_dt_b_i,
  input  logic [2:0]        g_dt_c_i,
  input  logic [5:0]        g_bias_a_i,
  input  logic [5:0]        g_bias_b_i,
  input  logic [5:0]        g_bias_c_i,
  output logic              g_done_o,
  // VEC
  input  logic [8*72-1:0]   desc_i,
  input  logic              chk_start_i,
  output logic              chk_valid_o,
  output logic [7:0]        chk_status_o,
  input  logic              v_start_i,
  output logic              v_done_o,
  output logic              busy_o,
  // memory
  output logic              rd_en_o,
  output logic [AW-1:0]     rd_addr_o,
  input  logic [8*W-1:0]    rd_data_i,
  output logic              w_en_o,
  output logic [AW-1:0]     w_addr_o,
  output logic [8*W-1:0]    w_data_o,
  output logic [W-1:0]      w_be_o,
  // random source (one lane) and flags
  output logic              rng_take_o,
  input  logic [15:0]       rng_rnd_i,
  output logic [4:0]        ev_flags_o
);
  localparam logic [31:0] NEG0 = 32'h8000_0000;
  localparam logic [31:0] QNAN = 32'h7FC0_0000;
  localparam logic [31:0] MAXDIM = 32'h00FF_FFFF;
  localparam logic [7:0] ST_OK = 8'h00, ST_ADDR_RANGE = 8'h07, ST_BAD_DTYPE = 8'h08,
                         ST_BAD_ARG = 8'h09, ST_OVERLAP = 8'h0A;
  localparam logic [3:0] OP_ADD = 4'd1, OP_SUB = 4'd2, OP_MUL = 4'd3, OP_SCALE = 4'd4,
                         OP_BIAS = 4'd5, OP_RELU = 4'd6, OP_RELU_BWD = 4'd7,
                         OP_ROWSUM = 4'd8, OP_CONVERT = 4'd9, OP_SGD = 4'd10;
  localparam int SW = AW + 2;            // saturating check arithmetic: values up to 2^(AW+1)

  if (W < 4 || RD_LAT < 1 || RD_LAT > 2) begin : g_bad_param
    tatami_fpu_needs_W_4_RD_LAT_1_or_2 u_fail ();
  end

`include "tatami_vec_desc.svh"

  // ================================================================ state
  typedef enum logic [3:0] {
    S_IDLE, S_CHK, S_RUN, S_RD, S_RWAIT, S_MUL, S_ADD, S_FIN
  } state_e;
  state_e state_q;

  logic        gemm_q;                   // running a GEMM (else a VEC)
  logic [3:0]  op_q;                     // VEC op
  logic [3:0]  ph_q;                     // micro-program step
  logic [23:0] ci_q, cm_q, ct_q;         // inner (k), middle, top loop counters
  logic [4*AW-1:0] cur_q, mb_q, tb_q;    // per slot: element, middle base, top base
  logic [31:0] rx_q, ry_q, rz_q, t_q, s_q;
  logic [1:0]  slot_q;                   // RD: the slot being read
  logic        rw_q;                     // RD: wait count (RD_LAT 2)
  logic        chk_ok_q;                 // chk_valid_o
  logic [7:0]  chk_st_q;
  logic [4:0]  evf_q;

  // ================================================================ per-slot types, steps
  logic [4*3-1:0] s_dt;
  logic [4*6-1:0] s_bias;
  logic [4*2-1:0] s_lg;
  logic [4*AW-1:0] s_base, s_in, s_mid, s_top;
  logic [23:0] n_in, n_mid, n_top;       // loop lengths
  logic        sr;                       // stochastic rounding of the VEC
  always_comb begin
    logic [AW-1:0] lda_b, ldb_b, ldc_b, esz;
    lda_b = '0;
    ldb_b = '0;
    ldc_b = '0;
    for (int k = 0; k < 4; k++) begin
      s_dt[3*k +: 3]   = d_dt[8*k +: 3];
      s_bias[6*k +: 6] = d_bias[8*k +: 6];
      s_lg[2*k +: 2]   = dt_lg(d_dt[8*k +: 8]);
      s_base[AW*k +: AW] = d_addr[32*k +: AW];
      s_in[AW*k +: AW]   = '0;
      esz = AW'(1) << s_lg[2*k +: 2];
      if (op_q == OP_ROWSUM) begin
        // middle loop i, top loop j (Z is 1 x n: only j moves it)
        s_mid[AW*k +: AW] = d_row[k] ? '0 : AW'(d_ld[32*k +: 32]) << s_lg[2*k +: 2];
        s_top[AW*k +: AW] = esz;
      end else begin
        // middle loop j, top loop i (BIAS's Y is 1 x n)
        s_mid[AW*k +: AW] = esz;
        s_top[AW*k +: AW] = d_row[k] ? '0 : AW'(d_ld[32*k +: 32]) << s_lg[2*k +: 2];
      end
    end
    n_in  = 24'd1;
    n_mid = (op_q == OP_ROWSUM) ? d_m[23:0] : d_n[23:0];
    n_top = (op_q == OP_ROWSUM) ? d_n[23:0] : d_m[23:0];
    sr    = d_flags[0];
    if (gemm_q) begin
      s_dt   = {3'd0, g_dt_c_i, g_dt_b_i, g_dt_a_i};
      s_bias = {6'd0, g_bias_c_i, g_bias_b_i, g_bias_a_i};
      for (int k = 0; k < 3; k++) s_lg[2*k +: 2] = dt_lg({5'd0, s_dt[3*k +: 3]});
      s_base = {AW'(0), g_c_i, g_b_i, g_a_i};
      lda_b  = AW'(g_lda_i) << s_lg[1:0];
      ldb_b  = AW'(g_ldb_i) << s_lg[3:2];
      ldc_b  = AW'(g_ldc_i) << s_lg[5:4];
      // A: k steps along its row (or down its column with trans_a), i moves rows
      s_in[0 +: AW]    = g_trans_a_i ? lda_b : AW'(1) << s_lg[1:0];
      s_mid[0 +: AW]   = '0;
      s_top[0 +: AW]   = g_trans_a_i ? AW'(1) << s_lg[1:0] : lda_b;
      // B: k steps down its column (or along its row with trans_b), j moves columns
      s_in[AW +: AW]   = g_trans_b_i ? AW'(1) << s_lg[3:2] : ldb_b;
      s_mid[AW +: AW]  = g_trans_b_i ? ldb_b : AW'(1) << s_lg[3:2];
      s_top[AW +: AW]  = '0;
      // C: one element per (i, j)
      s_in[2*AW +: AW]  = '0;
      s_mid[2*AW +: AW] = AW'(1) << s_lg[5:4];
      s_top[2*AW +: AW] = ldc_b;
      s_in[3*AW +: AW]  = '0;
      s_mid[3*AW +: AW] = '0;
      s_top[3*AW +: AW] = '0;
      n_in  = g_k_i;
      n_mid = g_n_i;
      n_top = g_m_i;
      sr    = 1'b0;
    end
  end

  // ================================================================ micro-program
  typedef enum logic [2:0] { A_RD, A_MUL, A_ADD, A_FN, A_WR, A_LOOP, A_END, A_SKIP } act_e;
  localparam logic [2:0] R_X = 3'd0, R_Y = 3'd1, R_Z = 3'd2, R_T = 3'd3, R_S = 3'd4,
                         R_S0 = 3'd5, R_S1 = 3'd6, R_S2 = 3'd7;
  act_e       act;
  logic [1:0] a_slot;
  logic [2:0] a_src1, a_src2;
  logic       a_sub, a_to_s;             // ADD: subtract; MUL/ADD: result to s (else t)
  logic       last_mid, last_top, last_in;
  always_comb begin
    last_in  = (ci_q == n_in - 24'd1);
    last_mid = (cm_q == n_mid - 24'd1);
    last_top = (ct_q == n_top - 24'd1);
    act    = A_END;
    a_slot = 2'd0;
    a_src1 = R_X;
    a_src2 = R_Y;
    a_sub  = 1'b0;
    a_to_s = 1'b1;
    if (gemm_q) begin
      unique case (ph_q)
        4'd0: begin act = A_RD; a_slot = 2'd0; end
        4'd1: begin act = A_RD; a_slot = 2'd1; end
        4'd2: begin act = A_MUL; a_to_s = 1'b0; end
        4'd3: begin act = A_ADD; a_src1 = R_S; a_src2 = R_T; end
        4'd4: act = A_LOOP;
        4'd5: begin act = g_acc_i ? A_RD : A_SKIP; a_slot = 2'd2; end
        4'd6: begin act = g_acc_i ? A_ADD : A_SKIP; a_src1 = R_Z; a_src2 = R_S; end
        4'd7: begin act = A_WR; a_slot = 2'd2; end
        default: act = A_END;
      endcase
    end else if (op_q == OP_SGD) begin
      unique case (ph_q)
        4'd0:  begin act = A_RD; a_slot = 2'd0; end
        4'd1:  begin act = A_RD; a_slot = 2'd1; end
        4'd2:  begin act = A_RD; a_slot = 2'd2; end
        4'd3:  begin act = A_MUL; a_src1 = R_S2; a_src2 = R_Z; a_to_s = 1'b0; end
        4'd4:  begin act = A_ADD; a_src1 = R_X; a_src2 = R_T; end
        4'd5:  begin act = A_MUL; a_src1 = R_S1; a_src2 = R_Y; a_to_s = 1'b0; end
        4'd6:  begin act = A_ADD; a_src1 = R_T; a_src2 = R_S; end
        4'd7:  begin act = A_WR; a_slot = 2'd1; end
        4'd8:  begin act = A_MUL; a_src1 = R_S0; a_src2 = R_S; a_to_s = 1'b0; end
        4'd9:  begin act = A_ADD; a_src1 = R_Z; a_src2 = R_T; a_sub = 1'b1; end
        4'd10: begin act = A_WR; a_slot = 2'd2; end
        4'd11: begin act = A_WR; a_slot = 2'd3; end
        default: act = A_END;
      endcase
    end else begin
      unique case (ph_q)
        4'd0: begin act = A_RD; a_slot = 2'd0; end
        4'd1: begin
          act = (op_q == OP_ADD || op_q == OP_SUB || op_q == OP_MUL || op_q == OP_BIAS ||
                 op_q == OP_RELU_BWD) ? A_RD : A_SKIP;
          a_slot = 2'd1;
        end
        4'd2: begin
          unique case (op_q)
            OP_MUL:    act = A_MUL;
            OP_SCALE:  begin act = A_MUL; a_src2 = R_S0; end
            OP_ROWSUM: begin act = A_ADD; a_src1 = R_S; a_src2 = R_X; end
            OP_RELU, OP_RELU_BWD, OP_CONVERT: act = A_FN;
            default:   begin act = A_ADD; a_sub = (op_q == OP_SUB); end
          endcase
        end
        4'd3: begin act = (op_q != OP_ROWSUM || last_mid) ? A_WR : A_SKIP; a_slot = 2'd2; end
        default: act = A_END;
      endcase
    end
  end

  // operand selection
  function automatic logic [31:0] pick(input logic [2:0] sel, input logic [31:0] x,
                                       input logic [31:0] y, input logic [31:0] z,
                                       input logic [31:0] t, input logic [31:0] s,
                                       input logic [31:0] c0, input logic [31:0] c1,
                                       input logic [31:0] c2);
    unique case (sel)
      R_X:     pick = x;
      R_Y:     pick = y;
      R_Z:     pick = z;
      R_T:     pick = t;
      R_S:     pick = s;
      R_S0:    pick = c0;
      R_S1:    pick = c1;
      default: pick = c2;
    endcase
  endfunction
  logic [31:0] op1, op2;
  assign op1 = pick(a_src1, rx_q, ry_q, rz_q, t_q, s_q, d_s0, d_s1, d_s2);
  assign op2 = pick(a_src2, rx_q, ry_q, rz_q, t_q, s_q, d_s0, d_s1, d_s2);

  // ================================================================ arithmetic units
  logic        add_go, add_v, mul_go, mul_v, mul_busy;
  logic [31:0] add_y, mul_y;
  logic [4:0]  add_f, mul_f;
  logic [2:0]  add_cnt_q;                // add: clocks since the start
  assign add_go = (state_q == S_RUN) && act == A_ADD;
  assign mul_go = (state_q == S_RUN) && act == A_MUL;
  tatami_fpu_add u_add (
    .clk_i, .rst_ni, .valid_i(add_go), .a_i(op1), .b_i(op2), .sub_i(a_sub),
    .valid_o(add_v), .y_o(add_y), .flags_o(add_f)
  );
  tatami_fpu_mul u_mul (
    .clk_i, .rst_ni, .valid_i(mul_go), .a_i(op1), .b_i(op2),
    .busy_o(mul_busy), .valid_o(mul_v), .y_o(mul_y), .flags_o(mul_f)
  );

  // ---------------------------------------------------------------- read data, widening
  logic [31:0] rcode, wide;
  logic [1:0]  rlg;
  always_comb begin
    rlg = s_lg[2*slot_q +: 2];
    unique case (rlg)
      2'd2:    rcode = rd_data_i[31:0];
      2'd1:    rcode = {16'd0, rd_data_i[15:0]};
      default: rcode = {24'd0, rd_data_i[7:0]};
    endcase
  end
  tatami_fp_widen u_widen (.code_i(rcode), .dtype_i(s_dt[3*slot_q +: 3]),
                           .bias_i(s_bias[6*slot_q +: 6]), .fp32_o(wide));

  // ---------------------------------------------------------------- FN: RELU, RELU_BWD, CONVERT
  logic [31:0] xr, yr, fn_y;
  logic [4:0]  xrf, yrf, fn_f;
  always_comb begin
    {xrf, xr} = fp_read(rx_q);
    {yrf, yr} = fp_read(ry_q);
    unique case (op_q)
      OP_RELU: begin
        fn_y = (xr == QNAN || !xr[31]) ? xr : 32'd0; fn_f = xrf;
      end
      OP_RELU_BWD: begin
        fn_y = ((yr != QNAN) && !yr[31] && (yr[30:0] != 31'd0)) ? xr : 32'd0; fn_f = xrf | yrf;
      end
      default: begin fn_y = xr; fn_f = xrf; end     // CONVERT
    endcase
  end

  // ---------------------------------------------------------------- WR: output conversion
  logic [15:0] ncode;
  logic [4:0]  nf;
  logic        wnar;                     // the written operand is BF16 / CFloat8
  logic [1:0]  wlg;
  logic [31:0] wval;
  tatami_fp_narrow u_narrow (.x_i(s_q), .dtype_i(s_dt[3*a_slot +: 3]), .bias_i(s_bias[6*a_slot +: 6]),
                             .sr_i(sr), .rnd_i(rng_rnd_i), .code_o(ncode), .flags_o(nf));
  always_comb begin
    wnar = s_dt[3*a_slot +: 3] != 3'd4;
    wlg  = s_lg[2*a_slot +: 2];
    wval = wnar ? {16'd0, ncode} : s_q;
  end

  // ================================================================ VEC checks (serial)
  // ck_q: 0..3 slot k's arguments and extent (cs_q: 0 load, 1..24 the
  // multiply steps, 25 the end), then 4: the overlap pairs (cp_q 0..5),
  // then the status.
  logic [2:0]  ck_q;
  logic [4:0]  cs_q;
  logic [2:0]  cp_q;
  logic [SW-1:0] cacc_q;                 // (rows - 1) * ld, saturating
  logic        csat_q;
  logic        c_arg_q, c_range_q, c_ovl_q;
  logic [4*(AW+1)-1:0] c_end_q;          // per slot: end address (valid if in range)
  logic        c_dtype, c_arg0;
  logic [1:0]  ck;
  logic [31:0] ck_ld, ck_addr;
  logic [23:0] ck_rm1;
  logic        ck_arg, ck_big, ck_bit;
  logic [24:0] rm_ext;
  logic [SW:0] ck_step, ck_sum;
  logic [SW+1:0] ck_span, ck_end;
  always_comb begin
    c_dtype = 1'b0;
    for (int k = 0; k < 4; k++) begin
      if (d_used[k] && (d_dt[8*k +: 8] < 8'd1 || d_dt[8*k +: 8] > 8'd4)) c_dtype = 1'b1;
    end
    if (d_op == 8'd10 && (d_dt[8*1 +: 8] != 8'd4 || d_dt[8*2 +: 8] != 8'd4)) c_dtype = 1'b1;
    c_arg0 = (d_op < 8'd1 || d_op > 8'd10) || (d_flags[7:1] != 7'd0) || (d_res != 16'd0) ||
             (d_m == 32'd0) || (d_m > MAXDIM) || (d_n == 32'd0) || (d_n > MAXDIM);
    ck      = ck_q[1:0];
    ck_ld   = d_ld[32*ck +: 32];
    ck_addr = d_addr[32*ck +: 32];
    ck_rm1  = d_row[ck] ? 24'd0 : d_m[23:0] - 24'd1;
    ck_arg  = d_used[ck] && ((d_ores[16*ck +: 16] != 16'd0) || (d_bias[8*ck +: 8] > 8'd63) ||
                             (!d_row[ck] && ck_ld < d_n));
    // one multiply step (MSB first): acc = 2 acc + (bit ? ld : 0), saturating
    rm_ext  = {1'b0, ck_rm1};
    ck_bit  = (cs_q != 5'd0) && rm_ext[5'd24 - cs_q];
    ck_step = {cacc_q, 1'b0} + (ck_bit ? (SW+1)'(ck_ld[AW+1:0]) : '0);
    // span = (acc + n) << lg, end = addr + span; too big: beyond SRAM anyway
    ck_sum  = {1'b0, cacc_q} + (SW+1)'(d_n[AW+1:0]);
    ck_span = (SW+2)'(ck_sum[AW:0]) << dt_lg(d_dt[8*ck +: 8]);
    ck_end  = ck_span + (SW+2)'(ck_addr[AW:0]);
    ck_big  = csat_q || (d_n[31:AW+2] != '0) || (ck_addr[31:AW+1] != '0) ||
              (ck_sum[SW:AW+1] != '0) || (ck_end > (SW+2)'(SRAM_BYTES));
  end

  // the overlap pair cp_q
  logic [1:0]  pa, pb;
  logic        p_ovl;
  always_comb begin
    logic [AW:0] lo_a, hi_a, lo_b, hi_b;
    logic        same, rw;
    unique case (cp_q)
      3'd0: begin pa = 2'd0; pb = 2'd1; end
      3'd1: begin pa = 2'd0; pb = 2'd2; end
      3'd2: begin pa = 2'd0; pb = 2'd3; end
      3'd3: begin pa = 2'd1; pb = 2'd2; end
      3'd4: begin pa = 2'd1; pb = 2'd3; end
      default: begin pa = 2'd2; pb = 2'd3; end
    endcase
    lo_a = d_addr[32*pa +: AW+1];
    hi_a = c_end_q[(AW+1)*pa +: AW+1];
    lo_b = d_addr[32*pb +: AW+1];
    hi_b = c_end_q[(AW+1)*pb +: AW+1];
    same = (lo_a == lo_b) && (hi_a == hi_b) && (d_dt[8*pa +: 8] == d_dt[8*pb +: 8]);
    rw   = (d_rd[pa] && d_wr[pb]) || (d_wr[pa] && d_rd[pb]);
    p_ovl = d_used[pa] && d_used[pb] && (d_wr[pa] || d_wr[pb]) && lo_a < hi_b && lo_b < hi_a &&
            !(same && rw);
  end

  // ================================================================ control
  logic rd_issue, wr_issue, cap;
  always_comb begin
    rd_issue = (state_q == S_RUN) && act == A_RD;
    wr_issue = (state_q == S_RUN) && act == A_WR;
    cap      = (state_q == S_RWAIT) && (RD_LAT == 1 || rw_q);
  end

  always_comb begin
    rd_en_o   = rd_issue;
    rd_addr_o = cur_q[AW*a_slot +: AW];
    w_en_o    = wr_issue;
    w_addr_o  = cur_q[AW*a_slot +: AW];
    w_data_o  = (8*W)'(wval);
    w_be_o    = (wlg == 2'd2) ? W'(4'hF) : (wlg == 2'd1) ? W'(4'h3) : W'(4'h1);
    rng_take_o = wr_issue && wnar && sr;
    busy_o    = (state_q != S_IDLE) && (state_q != S_CHK);
    chk_valid_o  = chk_ok_q && !chk_start_i;
    chk_status_o = chk_st_q;
    ev_flags_o = evf_q;
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q   <= S_IDLE;
      gemm_q    <= 1'b0;
      op_q      <= '0;
      ph_q      <= '0;
      ci_q      <= '0;
      cm_q      <= '0;
      ct_q      <= '0;
      cur_q     <= '0;
      mb_q      <= '0;
      tb_q      <= '0;
      rx_q      <= '0;
      ry_q      <= '0;
      rz_q      <= '0;
      t_q       <= '0;
      s_q       <= NEG0;
      slot_q    <= '0;
      rw_q      <= 1'b0;
      chk_ok_q  <= 1'b0;
      chk_st_q  <= '0;
      evf_q     <= '0;
      ck_q      <= '0;
      cs_q      <= '0;
      cp_q      <= '0;
      cacc_q    <= '0;
      csat_q    <= 1'b0;
      c_arg_q   <= 1'b0;
      c_range_q <= 1'b0;
      c_ovl_q   <= 1'b0;
      c_end_q   <= '0;
      add_cnt_q <= '0;
      g_done_o  <= 1'b0;
      v_done_o  <= 1'b0;
    end else begin
      evf_q    <= '0;
      g_done_o <= 1'b0;
      v_done_o <= 1'b0;
      unique case (state_q)
        S_IDLE: begin
          if (chk_start_i) begin
            chk_ok_q  <= 1'b0;
            state_q   <= S_CHK;
            op_q      <= d_op[3:0];
            ck_q      <= '0;
            cs_q      <= '0;
            cp_q      <= '0;
            c_arg_q   <= 1'b0;
            c_range_q <= 1'b0;
            c_ovl_q   <= 1'b0;
          end else if (g_start_i || v_start_i) begin
            chk_ok_q <= 1'b0;
            gemm_q   <= g_start_i;
            op_q     <= g_start_i ? 4'd0 : d_op[3:0];
            state_q  <= S_FIN;           // one cycle: the walker loads below (S_FIN -> S_RUN)
            ph_q     <= 4'd15;
          end
        end

        S_CHK: begin
          if (ck_q[2] == 1'b0) begin
            // slot ck: arguments, then (rows - 1) * ld in 24 steps, then the end
            if (cs_q == 5'd0) begin
              if (ck_arg) c_arg_q <= 1'b1;
              cacc_q <= '0;
              csat_q <= 1'b0;
              cs_q   <= 5'd1;
            end else if (cs_q != 5'd25) begin
              if (ck_step[SW] || (ck_bit && ck_ld[31:AW+2] != '0)) csat_q <= 1'b1;
              cacc_q <= ck_step[SW-1:0];
              cs_q   <= cs_q + 5'd1;
            end else begin
              if (d_used[ck] && ck_big) c_range_q <= 1'b1;
              c_end_q[(AW+1)*ck +: AW+1] <= ck_end[AW:0];
              cs_q <= '0;
              ck_q <= ck_q + 3'd1;
            end
          end else begin
            if (p_ovl) c_ovl_q <= 1'b1;
            cp_q <= cp_q + 3'd1;
            if (cp_q == 3'd5) begin
              state_q  <= S_IDLE;
              chk_ok_q <= 1'b1;
              if (c_dtype)                  chk_st_q <= ST_BAD_DTYPE;
              else if (c_arg0 || c_arg_q)   chk_st_q <= ST_BAD_ARG;
              else if (c_range_q)           chk_st_q <= ST_ADDR_RANGE;
              else if (c_ovl_q || p_ovl)    chk_st_q <= ST_OVERLAP;
              else                          chk_st_q <= ST_OK;
            end
          end
        end

        S_RUN: begin
          unique case (act)
            A_RD: begin
              slot_q  <= a_slot;
              rw_q    <= 1'b0;
              state_q <= S_RWAIT;
            end
            A_MUL: state_q <= S_MUL;
            A_ADD: begin
              add_cnt_q <= '0;
              state_q   <= S_ADD;
            end
            A_FN: begin
              s_q   <= fn_y;
              evf_q <= fn_f;
              ph_q  <= ph_q + 4'd1;
            end
            A_WR: begin
              if (wnar) evf_q <= nf;
              ph_q <= ph_q + 4'd1;
            end
            A_SKIP: ph_q <= ph_q + 4'd1;
            A_LOOP: begin
              if (last_in) begin
                ci_q <= '0;
                ph_q <= ph_q + 4'd1;
              end else begin
                ci_q <= ci_q + 24'd1;
                ph_q <= '0;
                for (int k = 0; k < 2; k++) cur_q[AW*k +: AW] <= cur_q[AW*k +: AW] + s_in[AW*k +: AW];
              end
            end
            default: begin               // A_END: the next element
              ph_q <= '0;
              if (gemm_q || op_q != OP_ROWSUM || last_mid) s_q <= NEG0;
              if (!last_mid) begin
                cm_q <= cm_q + 24'd1;
                for (int k = 0; k < 4; k++) begin
                  mb_q[AW*k +: AW]  <= mb_q[AW*k +: AW] + s_mid[AW*k +: AW];
                  cur_q[AW*k +: AW] <= mb_q[AW*k +: AW] + s_mid[AW*k +: AW];
                end
              end else begin
                cm_q <= '0;
                ct_q <= ct_q + 24'd1;
                for (int k = 0; k < 4; k++) begin
                  tb_q[AW*k +: AW]  <= tb_q[AW*k +: AW] + s_top[AW*k +: AW];
                  mb_q[AW*k +: AW]  <= tb_q[AW*k +: AW] + s_top[AW*k +: AW];
                  cur_q[AW*k +: AW] <= tb_q[AW*k +: AW] + s_top[AW*k +: AW];
                end
                if (last_top) begin
                  state_q <= S_IDLE;
                  if (gemm_q) g_done_o <= 1'b1;
                  else        v_done_o <= 1'b1;
                end
              end
            end
          endcase
        end

        S_RWAIT: begin
          rw_q <= 1'b1;
          if (cap) begin
            unique case (slot_q)
              2'd0:    rx_q <= wide;
              2'd1:    ry_q <= wide;
              default: rz_q <= wide;
            endcase
            ph_q    <= ph_q + 4'd1;
            state_q <= S_RUN;
          end
        end

        S_MUL: begin
          if (mul_v) begin
            if (a_to_s) s_q <= mul_y;
            else        t_q <= mul_y;
            evf_q   <= mul_f;
            ph_q    <= ph_q + 4'd1;
            state_q <= S_RUN;
          end
        end

        S_ADD: begin
          add_cnt_q <= add_cnt_q + 3'd1;
          if (add_v) begin
            s_q     <= add_y;            // every ADD of the programs goes to s
            evf_q   <= add_f;
            ph_q    <= ph_q + 4'd1;
            state_q <= S_RUN;
          end
        end

        default: begin                   // S_FIN: load the walker, then run
          ph_q    <= '0;
          ci_q    <= '0;
          cm_q    <= '0;
          ct_q    <= '0;
          s_q     <= NEG0;
          cur_q   <= s_base;
          mb_q    <= s_base;
          tb_q    <= s_base;
          state_q <= S_RUN;
        end
      endcase
    end
  end

  // Unused: the upper read lanes, descriptor bits beyond the widths used
  // (checked), the multiplier's busy (the FSM waits for valid), the add
  // counter (debug aid in waveforms).
  /* verilator lint_off UNUSEDSIGNAL */
  logic unused;
  assign unused = (^rd_data_i) ^ mul_busy ^ (^add_cnt_q) ^ (^d_addr) ^ (^d_ld) ^ (^d_m) ^ (^d_n) ^
                  (^d_bias) ^ (^d_dt) ^ (^g_m_i) ^ (^g_lda_i) ^ (^g_ldb_i) ^ (^g_ldc_i);
  /* verilator lint_on UNUSEDSIGNAL */
endmodule

// Serial GEMM unit for the iCEBreaker FP variant (tatami_tile FPU = 1): every
// GEMM of the board's protocol, one multiply-accumulate at a time, on ONE FP32
// adder (tatami_fpu_add), ONE iterative FP32 multiplier (tatami_fpu_mul) and
// one signed 8 x 8 product (tatami_mul8x2, an SB_MAC16 on the board):
//  * int8 A, B -> int32 C (products exact, sums wrap modulo 2^32);
//  * BF16 A, B -> C in FP32 or BF16 (RNE), docs/numerics.md bit for bit:
//    S = -0; S = add(S, mul(a_k, b_k)) for k = 0..K-1 in order; with
//    accumulate S = add(C_old, S); then C = S (FP32) or narrow(S) (BF16).
// trans_a, trans_b, accumulate and the leading dimensions as tatami_gemm.
// CFloat8 and the vector unit are not here (the variant's INFO has neither:
// libtatami runs VEC on the host for it); the sequencer rejects CFloat8.
//
// PORTS. g_start_i: a GEMM the sequencer has checked; the g_* fields stay
// stable until g_done_o (the sequencer waits in S_GWAIT). g_done_o: a
// one-cycle pulse after the last write was issued. busy_o: the unit owns the
// memory ports (from the cycle after g_start_i until g_done_o inclusive); one
// request per clock at most: a read on rd_* (data RD_LAT clocks later on
// rd_data_i, the element's bytes in the low lanes) or a write on w_*.
// ev_flags_o: {X, U, O, D, I} of an operation that finished in the previous
// cycle (a pulse; the sequencer ORs it into the sticky flags). ev_mac_o: one
// multiply-accumulate finished (the MACS counter).
//
// SEQUENCE per element C[i][j] (ph_q): 0 read A[i][k], 1 read B[k][j],
// 2 multiply, 3 add, 4 next k (back to 0) or on; 5 read C (accumulate),
// 6 add C, 7 narrow S to BF16 (a clock of its own: 30 MHz), 8 write C,
// 9 next element. Addresses: A's k pointer pa walks
// from its row start ta, B's pb from its column start tb, C's pc along its
// row start tc, each by a step fixed for the GEMM (one adder per pointer:
// on the iCE40 a multiplexer in front of a shared adder costs more LUTs).
// CYCLES per BF16 MAC at RD_LAT 2: 2 reads of 3, multiply 11, add (its
// latency), loop 1; per int8 MAC 9.
module tatami_fpu #(
  parameter int SRAM_BYTES = 1 << 17,
  parameter int W          = 4,          // memory port bytes (>= 4; only the low 4 are used)
  parameter int RD_LAT     = 2,          // clocks from a read request to its data: 1 or 2
  parameter bit DSP        = 1'b0,       // the int8 product on an SB_MAC16 (iCE40 builds)
  localparam int AW        = $clog2(SRAM_BYTES)
) (
  input  logic              clk_i,
  input  logic              rst_ni,
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
  input  logic [2:0]        g_dt_c_i,
  output logic              g_done_o,
  output logic              busy_o,
  output logic              rd_en_o,
  output logic [AW-1:0]     rd_addr_o,
  input  logic [8*W-1:0]    rd_data_i,
  output logic              w_en_o,
  output logic [AW-1:0]     w_addr_o,
  output logic [8*W-1:0]    w_data_o,
  output logic [W-1:0]      w_be_o,
  output logic [4:0]        ev_flags_o,
  output logic              ev_mac_o
);
  // Dimensions are checked against the SRAM size (<= SRAM_BYTES): AW+1 bits.
  localparam int CW = AW + 1;
  localparam logic [31:0] NEG0 = 32'h8000_0000;

  if (W < 4 || RD_LAT < 1 || RD_LAT > 2) begin : g_bad_param
    tatami_fpu_needs_W_4_RD_LAT_1_or_2 u_fail ();
  end

`include "tatami_fp_funcs.svh"

  typedef enum logic [2:0] { S_IDLE, S_INIT, S_RUN, S_RWAIT, S_MUL, S_ADD } state_e;
  state_e state_q;

  logic          int_q;                  // int8 GEMM (else BF16)
  logic          cbf_q;                  // C is BF16 (else FP32 / int32)
  logic [3:0]    ph_q;
  logic [CW-1:0] ck_q, cj_q, ci_q;       // down-counters: k, j, i left (1 = last)
  logic [AW-1:0] pa_q, ta_q, pb_q, tb_q, pc_q, tc_q;
  logic [31:0]   x_q, y_q, t_q, s_q;
  logic          rw_q;                   // RWAIT: second clock (RD_LAT 2)
  logic [4:0]    evf_q;

  // ---------------------------------------------------------------- steps
  // Element sizes: A, B 1 (int8) or 2 (BF16); C 4 (int32, FP32) or 2 (BF16).
  logic [AW-1:0] esz_ab, esz_c, lda_b, ldb_b, ldc_b, sa_in, sa_top, sb_in, sb_mid;
  always_comb begin
    esz_ab = int_q ? AW'(1) : AW'(2);
    esz_c  = cbf_q ? AW'(2) : AW'(4);
    lda_b  = int_q ? AW'(g_lda_i) : AW'(g_lda_i) << 1;
    ldb_b  = int_q ? AW'(g_ldb_i) : AW'(g_ldb_i) << 1;
    ldc_b  = cbf_q ? AW'(g_ldc_i) << 1 : AW'(g_ldc_i) << 2;
    // A: k steps along its row (down its column with trans_a); i moves rows
    sa_in  = g_trans_a_i ? lda_b : esz_ab;
    sa_top = g_trans_a_i ? esz_ab : lda_b;
    // B: k steps down its column (along its row with trans_b); j moves columns
    sb_in  = g_trans_b_i ? esz_ab : ldb_b;
    sb_mid = g_trans_b_i ? ldb_b : esz_ab;
  end

  // ---------------------------------------------------------------- actions
  typedef enum logic [2:0] { A_RD, A_MUL, A_ADD, A_LOOP, A_NAR, A_WR, A_END, A_SKIP } act_e;
  act_e       act;
  logic [1:0] a_slot;                    // RD / WR: 0 A, 1 B, 2 C
  logic       a_accp;                    // ADD: the accumulate add (T holds C_old), else S + T
  logic       last_k, last_j, last_i;
  always_comb begin
    last_k = (ck_q == CW'(1));
    last_j = (cj_q == CW'(1));
    last_i = (ci_q == CW'(1));
    a_slot = 2'd2;
    a_accp = 1'b0;
    unique case (ph_q)
      4'd0:    begin act = A_RD; a_slot = 2'd0; end
      4'd1:    begin act = A_RD; a_slot = 2'd1; end
      4'd2:    act = A_MUL;
      4'd3:    act = A_ADD;
      4'd4:    act = A_LOOP;
      4'd5:    act = g_acc_i ? A_RD : A_SKIP;
      4'd6:    begin act = g_acc_i ? A_ADD : A_SKIP; a_accp = 1'b1; end
      4'd7:    act = cbf_q ? A_NAR : A_SKIP;
      4'd8:    act = A_WR;
      default: act = A_END;
    endcase
  end

  // ---------------------------------------------------------------- arithmetic
  logic [31:0] iadd;
  logic        add_go, add_v, add_busy, mul_go, mul_v, mul_busy;
  logic [31:0] add_y, mul_y;
  logic [4:0]  add_f, mul_f;
  logic [15:0] p8, p8_unused;
  // Both adds are S + T: the product, or C_old read into T (add is
  // commutative bit for bit, flags included), so the adder's inputs come
  // straight from registers (30 MHz: no multiplexer before its first stage).
  assign iadd = s_q + t_q;
  assign add_go = (state_q == S_RUN) && act == A_ADD && !int_q;
  assign mul_go = (state_q == S_RUN) && act == A_MUL && !int_q;
  tatami_fpu_add u_add (
    .clk_i, .rst_ni, .valid_i(add_go), .a_i(s_q), .b_i(t_q), .sub_i(1'b0),
    .busy_o(add_busy), .valid_o(add_v), .y_o(add_y), .flags_o(add_f)
  );
  tatami_fpu_mul u_mul (
    .clk_i, .rst_ni, .valid_i(mul_go), .a_i(x_q), .b_i(y_q),
    .busy_o(mul_busy), .valid_o(mul_v), .y_o(mul_y), .flags_o(mul_f)
  );
  tatami_mul8x2 #(.DSP(DSP), .PIPE(1'b0)) u_mul8 (
    .clk_i, .en_i(1'b1),
    .a0_i(x_q[7:0]), .b0_i(y_q[7:0]), .a1_i(8'd0), .b1_i(8'd0),
    .p0_o(p8), .p1_o(p8_unused)
  );

  // read data as the register holds it: int8 in the low byte, BF16 widened
  logic [31:0] wide;
  logic [1:0]  rlg;                      // log2 of the element read: A/B 0 or 1, C 2 or 1
  always_comb begin
    rlg = (a_slot == 2'd2) ? (cbf_q ? 2'd1 : 2'd2) : (int_q ? 2'd0 : 2'd1);
    unique case (rlg)
      2'd2:    wide = rd_data_i[31:0];
      2'd1:    wide = {rd_data_i[15:0], 16'd0};
      default: wide = {24'd0, rd_data_i[7:0]};
    endcase
  end

  // the write: S, or S narrowed to BF16 (RNE) into n_q in the clock before
  logic [15:0] ncode, n_q;
  logic [4:0]  nf;
  always_comb begin
    {nf, ncode} = tatami_fp_narrow_bf16_f(s_q);
  end

  logic rd_issue, wr_issue, cap;
  always_comb begin
    rd_issue  = (state_q == S_RUN) && act == A_RD;
    wr_issue  = (state_q == S_RUN) && act == A_WR;
    cap       = (state_q == S_RWAIT) && (RD_LAT == 1 || rw_q);
    rd_en_o   = rd_issue;
    unique case (a_slot)
      2'd0:    rd_addr_o = pa_q;
      2'd1:    rd_addr_o = pb_q;
      default: rd_addr_o = pc_q;
    endcase
    w_en_o    = wr_issue;
    w_addr_o  = pc_q;
    w_data_o  = (8*W)'(cbf_q ? {16'd0, n_q} : s_q);
    w_be_o    = cbf_q ? W'(4'h3) : W'(4'hF);
    busy_o    = (state_q != S_IDLE);
    ev_flags_o = evf_q;
  end

  // ---------------------------------------------------------------- control
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q  <= S_IDLE;
      int_q    <= 1'b0;
      cbf_q    <= 1'b0;
      ph_q     <= '0;
      ck_q     <= '0;
      cj_q     <= '0;
      ci_q     <= '0;
      pa_q     <= '0;
      ta_q     <= '0;
      pb_q     <= '0;
      tb_q     <= '0;
      pc_q     <= '0;
      tc_q     <= '0;
      x_q      <= '0;
      y_q      <= '0;
      t_q      <= '0;
      s_q      <= '0;
      rw_q     <= 1'b0;
      n_q      <= '0;
      evf_q    <= '0;
      g_done_o <= 1'b0;
      ev_mac_o <= 1'b0;
    end else begin
      evf_q    <= '0;
      g_done_o <= 1'b0;
      ev_mac_o <= 1'b0;
      unique case (state_q)
        S_IDLE: begin
          if (g_start_i) begin
            int_q   <= (g_dt_a_i == 3'd0);
            cbf_q   <= (g_dt_c_i == 3'd1);
            state_q <= S_INIT;
          end
        end

        S_INIT: begin                    // the walkers and counters from the (now stable) fields
          ph_q    <= '0;
          ck_q    <= CW'(g_k_i);
          cj_q    <= CW'(g_n_i);
          ci_q    <= CW'(g_m_i);
          pa_q    <= g_a_i;
          ta_q    <= g_a_i;
          pb_q    <= g_b_i;
          tb_q    <= g_b_i;
          pc_q    <= g_c_i;
          tc_q    <= g_c_i;
          s_q     <= int_q ? 32'd0 : NEG0;
          state_q <= S_RUN;
        end

        S_RUN: begin
          unique case (act)
            A_RD: begin
              rw_q    <= 1'b0;
              state_q <= S_RWAIT;
            end
            A_MUL: begin
              if (int_q) begin
                t_q  <= {{16{p8[15]}}, p8};
                ph_q <= ph_q + 4'd1;
              end else begin
                state_q <= S_MUL;
              end
            end
            A_ADD: begin
              if (int_q) begin
                s_q      <= iadd;
                ev_mac_o <= !a_accp;
                ph_q     <= ph_q + 4'd1;
              end else begin
                state_q <= S_ADD;
              end
            end
            A_LOOP: begin
              if (last_k) begin
                ck_q <= CW'(g_k_i);
                ph_q <= ph_q + 4'd1;
              end else begin
                ck_q <= ck_q - CW'(1);
                pa_q <= pa_q + sa_in;
                pb_q <= pb_q + sb_in;
                ph_q <= '0;
              end
            end
            A_NAR: begin
              n_q   <= ncode;
              evf_q <= nf;
              ph_q  <= ph_q + 4'd1;
            end
            A_WR: ph_q <= ph_q + 4'd1;
            A_SKIP: ph_q <= ph_q + 4'd1;
            default: begin               // A_END: the next element
              ph_q <= '0;
              s_q  <= int_q ? 32'd0 : NEG0;
              if (!last_j) begin
                cj_q <= cj_q - CW'(1);
                pa_q <= ta_q;
                tb_q <= tb_q + sb_mid;
                pb_q <= tb_q + sb_mid;
                pc_q <= pc_q + esz_c;
              end else begin
                cj_q <= CW'(g_n_i);
                ci_q <= ci_q - CW'(1);
                ta_q <= ta_q + sa_top;
                pa_q <= ta_q + sa_top;
                tb_q <= g_b_i;
                pb_q <= g_b_i;
                tc_q <= tc_q + ldc_b;
                pc_q <= tc_q + ldc_b;
                if (last_i) begin
                  state_q  <= S_IDLE;
                  g_done_o <= 1'b1;
                end
              end
            end
          endcase
        end

        S_RWAIT: begin
          rw_q <= 1'b1;
          if (cap) begin
            unique case (a_slot)
              2'd0:    x_q <= wide;
              2'd1:    y_q <= wide;
              default: t_q <= wide;      // C_old, for the accumulate add
            endcase
            ph_q    <= ph_q + 4'd1;
            state_q <= S_RUN;
          end
        end

        S_MUL: begin
          if (mul_v) begin
            t_q     <= mul_y;
            evf_q   <= mul_f;
            ph_q    <= ph_q + 4'd1;
            state_q <= S_RUN;
          end
        end

        default: begin                   // S_ADD
          if (add_v) begin
            s_q      <= add_y;
            evf_q    <= add_f;
            ev_mac_o <= !a_accp;
            ph_q     <= ph_q + 4'd1;
            state_q  <= S_RUN;
          end
        end
      endcase
    end
  end

  // Unused: the upper read lanes, the dimensions' bits above CW (the
  // sequencer bounds them by the SRAM size), the units' busy outputs (the FSM
  // waits for valid), the second product.
  /* verilator lint_off UNUSEDSIGNAL */
  logic unused;
  assign unused = (^rd_data_i) ^ add_busy ^ mul_busy ^ (^p8_unused) ^ (^g_m_i) ^ (^g_n_i) ^
                  (^g_k_i) ^ (^g_lda_i) ^ (^g_ldb_i) ^ (^g_ldc_i) ^ (^g_dt_a_i) ^ (^g_dt_c_i);
  /* verilator lint_on UNUSEDSIGNAL */
endmodule

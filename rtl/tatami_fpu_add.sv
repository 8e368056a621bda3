// FP32 add/sub of docs/numerics.md 4.3 (the result and flags of
// tatami_fp_add_f, bit for bit), iterative, for the serial FPU (tatami_fpu),
// which runs one add at a time: one 29-bit adder and two shift registers
// reused across clocks instead of a pipeline (area for the iCE40UP5K).
//   start: operands read (denormals flushed, sub applied), classified,
//          ordered by magnitude into m (x, the larger) and y (inverted for
//          an effective subtraction); exponent difference d (y zero or
//          d > 26: d = 28, y shifted out entirely, leaving its sticky bit)
//   ALIGN: y shifted right 4 or 1 places a clock (sticky kept) until d = 0,
//          then m = m +- y
//   NORM:  m shifted left 4 or 1 places a clock until its leading 1 is in
//          bit 26 or 27; the rounding increment decided
//   ROUND: m + increment on the same adder (low bits forced to 1 so that
//          the carry-in lands on the guard position)
//   PACK:  exponent range, special cases, flags into y_o / flags_o
// Contract: valid_i (with a_i, b_i, sub_i, sampled in that clock only)
// starts an operation when idle (busy_o low; never assert it while busy_o);
// busy_o is high from the next clock until the result is out; valid_o is a
// one-clock pulse (busy_o low again in that clock, a new start allowed), y_o
// and flags_o hold from then until the next start.
// Latency (clock edges from the start to valid_o high): 5 + n_a + n_n, with
// n_a = d/4 + d%4 alignment steps (7 if y is zero or d > 26, else <= 8) and
// n_n normalising steps (<= 8, more than 1 only if d <= 1): at most 14;
// 5-9 for exponent differences below 8; NaN, Inf and 0 + 0 take 2.
// Cost (yosys synth_ice40, standalone): ~480 LUT4 + ~130 FF (the 6-stage
// pipeline it replaces: 808 LUT4 + 465 FF).
// tests/rtl/tb_fpu_units compares it with tatami_fp_add_f.
module tatami_fpu_add (
  input  logic        clk_i,
  input  logic        rst_ni,
  input  logic        valid_i,
  input  logic [31:0] a_i,
  input  logic [31:0] b_i,
  input  logic        sub_i,
  output logic        busy_o,
  output logic        valid_o,
  output logic [31:0] y_o,
  output logic [4:0]  flags_o
);
  typedef enum logic [2:0] {S_IDLE, S_ALIGN, S_NORM, S_ROUND, S_PACK} state_e;
  state_e state_q, state_d;

  // ---------------------------------------------------------------- start
  // x > 26 as plain logic (yosys would build a carry chain: timing)
  function automatic logic gt26(input logic [7:0] x);
    gt26 = (x[7:5] != 3'd0) || (x[4] && x[3] && (x[2] || (x[1] && x[0])));
  endfunction
  logic        sb, a_fz, b_fz, a_e0, b_e0, a_e1, b_e1, swp, kill;
  logic        nan0, inf0, ynz0;
  logic [7:0]  ex0;
  logic [4:0]  d0;
  logic [8:0]  dab;
  logic [7:0]  dba;
  logic [22:0] fx0, fy0;
  always_comb begin
    sb   = b_i[31] ^ sub_i;
    a_fz = (a_i[22:0] == 23'd0);
    b_fz = (b_i[22:0] == 23'd0);
    a_e0 = (a_i[30:23] == 8'd0);
    b_e0 = (b_i[30:23] == 8'd0);
    a_e1 = (a_i[30:23] == 8'hFF);
    b_e1 = (b_i[30:23] == 8'hFF);
    nan0 = (a_e1 && !a_fz) || (b_e1 && !b_fz) || (a_e1 && b_e1 && (a_i[31] != sb));
    inf0 = a_e1 || b_e1;
    // raw magnitudes: a denormal differs from its flushed zero only against
    // zero or another denormal, and then both are zero (result a & b)
    swp  = (b_i[30:0] > a_i[30:0]);
    ex0  = swp ? b_i[30:23] : a_i[30:23];
    fx0  = swp ? b_i[22:0] : a_i[22:0];
    fy0  = swp ? a_i[22:0] : b_i[22:0];
    // d = |ea - eb| without waiting for the 31-bit compare (timing)
    dab  = {1'b0, a_i[30:23]} - {1'b0, b_i[30:23]};
    dba  = b_i[30:23] - a_i[30:23];
    d0   = dab[8] ? dba[4:0] : dab[4:0];   // used only if <= 26
    ynz0 = swp ? !a_e0 : !b_e0;
    // y zero (or denormal): contributes nothing; d > 26: only its sticky
    // bit. Both: y shifted out entirely (28 places), the sticky bit gated by
    // ynz (no XOR or clear in y's load path)
    kill = !ynz0 || (dab[8] ? gt26(dba) : gt26(dab[7:0]));
  end

  // ---------------------------------------------------------------- datapath
  logic [27:0] m_q, m_d;           // x's significand {0, 1.f, 000}, then the sum
  logic [26:0] y_q, y_d;           // y's significand {1.f, 000}, aligned, inverted if esub
  logic [4:0]  d_q, d_d;           // alignment places left
  logic signed [9:0] ex_q, ex_d;   // exponent of m's bit 26
  logic        st_q, st_d;         // sticky: a 1 shifted out of y
  logic        esub_q, esub_d;     // effective subtraction
  logic        co_q, co_d;         // carry out of the rounding add
  logic        inx_q, inx_d;       // inexact (guard or sticky)
  logic        inc_q, inc_d;       // the rounding increment (a clock ahead: timing)
  logic [5:0]  exr_q;             // ex >= 255, = 254, = 253, = 0, = -1, <= -2
  logic        sx_q, zs_q, den_q, nan_q, inf_q, zero_q, ynz_q;

  // the one adder: m +- y (ALIGN) or m + rounding increment (NORM)
  logic [27:0] add_a, add_b;
  logic        add_c;
  logic [28:0] sum;

  logic        mz, win, g, lsb, stk, inc, rnd;
  logic        rnd_q;              // state_q == S_ROUND, as its own flip-flop (timing)
  always_comb begin
    // m zero: exact cancellation (PACK: bits 2:0 are the forced rounding bits)
    mz  = (m_q[27:3] == 25'd0) && ((m_q[2:0] == 3'd0) || (state_q == S_PACK));
    // rounding: the kept 24 bits are m[27:4] if the sum carried, else m[26:3]
    win = m_q[27];
    g   = win ? m_q[3] : m_q[2];
    lsb = win ? m_q[4] : m_q[3];
    stk = st_q | (win ? (m_q[2:0] != 3'd0) : (m_q[1:0] != 2'd0));
    inc = g & (stk | lsb);
    rnd = rnd_q;                   // the adder's use in ROUND
    // m + 2^3 (or 2^4) * inc: ones below the guard bit carry it up
    add_a = rnd ? {m_q[27:4], m_q[3] | win, 3'b111} : m_q;
    add_b = {esub_q, y_q};                  // y_q and esub_q are 0 in ROUND
    add_c = rnd ? inc_q : (esub_q & ~st_q); // {0,mx} - {0,my} - st
  end
  assign sum = {1'b0, add_a} + {1'b0, add_b} + {28'd0, add_c};

  logic sh4;
  always_comb begin
    state_d = state_q;
    m_d     = m_q;
    y_d     = y_q;
    d_d     = d_q;
    ex_d    = ex_q;
    st_d    = st_q;
    esub_d  = esub_q;
    co_d    = co_q;
    inx_d   = inx_q;
    inc_d   = inc_q;
    sh4     = 1'b0;
    unique case (state_q)
      S_IDLE: begin
        if (valid_i) begin
          state_d = (nan0 || inf0 || (a_e0 && b_e0)) ? S_PACK : S_ALIGN;
          m_d     = {2'b01, fx0, 3'd0};
          // y stored inverted for a subtraction: the adder needs no XOR
          y_d     = {1'b1, fy0, 3'd0} ^ {27{a_i[31] ^ sb}};
          d_d     = kill ? 5'd28 : d0;
          st_d    = 1'b0;
          ex_d    = $signed({2'd0, ex0});
          esub_d  = a_i[31] ^ sb;
        end
      end
      S_ALIGN: begin
        if (d_q != 5'd0) begin
          sh4  = (d_q[4:2] != 3'd0);
          y_d  = sh4 ? {{4{esub_q}}, y_q[26:4]} : {esub_q, y_q[26:1]};
          d_d  = d_q - (sh4 ? 5'd4 : 5'd1);
          st_d = st_q | (ynz_q & (sh4 ? (y_q[3:0] != {4{esub_q}}) : (y_q[0] != esub_q)));
        end else begin
          m_d     = sum[27:0];
          y_d     = '0;            // so that the rounding add sees b = 0
          esub_d  = 1'b0;
          state_d = S_NORM;
        end
      end
      S_NORM: begin
        if (!m_q[27] && !m_q[26] && !mz) begin
          sh4  = (m_q[26:23] == 4'd0);
          m_d  = sh4 ? {m_q[23:0], 4'd0} : {m_q[26:0], 1'b0};
          ex_d = ex_q - (sh4 ? 10'sd4 : 10'sd1);
        end else begin
          inc_d   = inc;
          inx_d   = g | stk;
          state_d = S_ROUND;
        end
      end
      S_ROUND: begin
        m_d     = sum[27:0];
        co_d    = sum[28];
        state_d = S_PACK;
      end
      S_PACK: state_d = S_IDLE;
      default: ;
    endcase
  end

  // ---------------------------------------------------------------- pack
  logic [1:0]  einc;
  logic [7:0]  ey;
  logic        ovf, unf;
  logic [22:0] frac;
  logic [31:0] y;
  logic [4:0]  fl;
  always_comb begin
    // after rounding: the leading 1 in bit 28 (co), 27 or 26
    // result exponent ex + einc (einc <= 2); its range checks on ex alone
    // (constant compares registered in ROUND, when ex is final: timing)
    einc = {co_q, m_q[27]};
    ey   = ex_q[7:0] + {6'd0, einc};
    ovf  = exr_q[0] || (exr_q[1] && (einc != 2'd0)) || (exr_q[2] && (einc == 2'd2));
    unf  = exr_q[5] || (exr_q[4] && (einc != 2'd2)) || (exr_q[3] && (einc == 2'd0));
    frac = (co_q || m_q[27]) ? m_q[26:4] : m_q[25:3];
    fl    = '0;
    fl[1] = den_q;
    if (nan_q) begin
      y     = 32'h7FC00000;
      fl[0] = 1'b1;
    end else if (inf_q) begin
      y = {sx_q, 8'hFF, 23'd0};
    end else if (zero_q || mz) begin
      y = {zs_q, 31'd0};
    end else if (ovf) begin
      y     = {sx_q, 8'hFF, 23'd0};
      fl[2] = 1'b1;
      fl[4] = 1'b1;
    end else if (unf) begin
      y     = {sx_q, 31'd0};
      fl[3] = 1'b1;
      fl[4] = 1'b1;
    end else begin
      y     = {sx_q, ey, frac};
      fl[4] = inx_q;
    end
  end

  always_ff @(posedge clk_i) begin
    m_q    <= m_d;
    y_q    <= y_d;
    d_q    <= d_d;
    ex_q   <= ex_d;
    st_q   <= st_d;
    esub_q <= esub_d;
    co_q   <= co_d;
    inx_q  <= inx_d;
    inc_q  <= inc_d;
    if (state_q == S_IDLE && valid_i) begin
      sx_q   <= swp ? sb : a_i[31];
      zs_q   <= a_i[31] & sb;      // sign of an exact zero sum: a & b, else +0
      den_q  <= (a_e0 && !a_fz) || (b_e0 && !b_fz);
      nan_q  <= nan0;
      inf_q  <= inf0;
      zero_q <= a_e0 && b_e0;
      ynz_q  <= ynz0;
    end
    if (state_q == S_ROUND) begin
      exr_q <= {ex_q <= -10'sd2, ex_q == -10'sd1, ex_q == 10'sd0,
                ex_q == 10'sd253, ex_q == 10'sd254, ex_q >= 10'sd255};
    end
    if (state_q == S_PACK) begin
      y_o     <= y;
      flags_o <= fl;
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q <= S_IDLE;
      rnd_q   <= 1'b0;
      valid_o <= 1'b0;
    end else begin
      state_q <= state_d;
      rnd_q   <= (state_d == S_ROUND);
      valid_o <= (state_q == S_PACK);
    end
  end
  assign busy_o = (state_q != S_IDLE);
endmodule

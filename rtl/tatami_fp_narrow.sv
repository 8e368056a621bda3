// Narrowing conversion FP32 -> BF16 or CFloat8 (docs/numerics.md section 6),
// combinational, round to nearest even (sr_i = 0) or stochastic (sr_i = 1,
// rnd_i = the draw r of this element: the caller consumes one draw per element
// in SR mode, whatever the value).
//  dtype_i 1: BF16, code_o[15:0]
//          2: CFloat8 1-4-3, bias bias_i, code_o[7:0] (code_o[15:8] = 0)
//          3: CFloat8 1-5-2, bias bias_i, code_o[7:0]
//          0, 4..7: code_o = 0, no flags (FP32 outputs do not pass here)
// flags_o = {X, U, O, D, I} (bits 4..0).
//
// Both targets share one rounding step: K = the kept magnitude code, F = the
// 16 dropped bits just below K's LSB, st = OR of the dropped bits below F.
// RNE: u = F[15] & (F[14:0] != 0 | st | K[0]); SR: u = carry out of F + r.
// The dropped part D is never shorter than 16 bits (BF16: 16, CFloat8: 20 or
// more), so this is exactly the spec's rule. For CFloat8 with e = E + b < 1
// (a denormal or zero result) the significand is shifted right by 1 - e more;
// from 24 places on only the sticky remains (K = 0, F = 0), so the shift is
// clamped there.
// Not traced inside (FST traces stay small and the sim build quick); the
// ports are traced where the module is instantiated.
/* verilator tracing_off */
module tatami_fp_narrow (
  input  logic [31:0] x_i,
  input  logic [2:0]  dtype_i,
  input  logic [5:0]  bias_i,
  input  logic        sr_i,
  input  logic [15:0] rnd_i,
  output logic [15:0] code_o,
  output logic [4:0]  flags_o
);
  logic        sgn, is_nan, is_inf, is_den, is_zero;
  logic        is_bf, is_cf, is152;
  logic [23:0] sig;              // 1.f
  logic signed [9:0] e;          // CFloat8 exponent field if normal: E + b
  logic        ovf_e;            // e > emax
  logic [4:0]  k;                // extra right shift (1 - e), clamped to 24
  logic [47:0] w;                // {sig, 24'b0} >> k
  logic [14:0] kb;               // BF16 kept magnitude code
  logic [7:0]  kc;               // CFloat8 kept magnitude code (<= 0x7F)
  logic [14:0] kk;               // the selected K
  logic [15:0] f;                // 16 dropped bits below K's LSB
  logic        st;               // OR of the dropped bits below f
  logic        u;                // the increment
  /* verilator lint_off UNUSEDSIGNAL */
  logic [16:0] fr;               // F + r (only its carry is used)
  /* verilator lint_on UNUSEDSIGNAL */
  logic [15:0] r;                // K + u (16 bits: no wrap)
  logic        inexact;

  always_comb begin
    sgn     = x_i[31];
    is_nan  = (x_i[30:23] == 8'hFF) && (x_i[22:0] != 23'd0);
    is_inf  = (x_i[30:23] == 8'hFF) && (x_i[22:0] == 23'd0);
    is_den  = (x_i[30:23] == 8'd0) && (x_i[22:0] != 23'd0);
    is_zero = (x_i[30:23] == 8'd0);              // zero or flushed denormal
    is_bf   = (dtype_i == 3'd1);
    is152   = (dtype_i == 3'd3);
    is_cf   = (dtype_i == 3'd2) || is152;
    sig     = {1'b1, x_i[22:0]};

    // ---- CFloat8: e = (E_field - 127) + b
    e = $signed({2'd0, x_i[30:23]}) - 10'sd127 + $signed({4'd0, bias_i});
    ovf_e = is152 ? (e > 10'sd31) : (e > 10'sd15);
    if (e >= 10'sd1)       k = 5'd0;
    else if (e <= -10'sd23) k = 5'd24;
    else                   k = 5'(10'sd1 - e);
    w = {sig, 24'd0} >> k;
    // Normal: K = (e - 1) * 2^M + (S >> (23 - M)) = {e, top M fraction bits};
    // denormal: K = S >> (23 - M + k) (w[47] = 0 then, the exponent part 0).
    if (is152) begin
      kc = (e >= 10'sd1) ? {1'b0, e[4:0], x_i[22:21]} : {5'd0, w[47:45]};
      f  = w[44:29];
      st = (w[28:0] != 29'd0);
    end else begin
      kc = (e >= 10'sd1) ? {1'b0, e[3:0], x_i[22:20]} : {4'd0, w[47:44]};
      f  = w[43:28];
      st = (w[27:0] != 28'd0);
    end

    // ---- BF16: K = magnitude >> 16, F = low 16 bits
    kb = x_i[30:16];

    if (is_bf) begin
      kk = kb;
      f  = x_i[15:0];
      st = 1'b0;
    end else begin
      kk = {7'd0, kc};
    end

    fr = {1'b0, f} + {1'b0, rnd_i};
    if (sr_i) u = fr[16];
    else      u = f[15] & ((f[14:0] != 15'd0) | st | kk[0]);
    r = {1'b0, kk} + {15'd0, u};
    inexact = (f != 16'd0) | st;

    code_o  = '0;
    flags_o = '0;
    if (is_bf) begin
      if (is_nan) begin
        code_o = 16'h7FC0;
        flags_o[0] = 1'b1;
      end else if (is_inf) begin
        code_o = x_i[31:16];
      end else if (is_zero) begin
        code_o = {sgn, 15'd0};
        flags_o[1] = is_den;
      end else if (r >= 16'h7F80) begin
        code_o = {sgn, 15'h7F80};
        flags_o[2] = 1'b1;
        flags_o[4] = 1'b1;
      end else begin
        code_o = {sgn, r[14:0]};
        flags_o[4] = inexact;
      end
    end else if (is_cf) begin
      if (is_nan) begin
        code_o = {8'd0, sgn, 7'h7F};
        flags_o[0] = 1'b1;
      end else if (is_inf) begin
        code_o = {8'd0, sgn, 7'h7F};
        flags_o[2] = 1'b1;
        flags_o[4] = 1'b1;
      end else if (is_zero) begin
        code_o = {8'd0, sgn, 7'd0};
        flags_o[1] = is_den;
      end else if (ovf_e || r > 16'h007F) begin
        code_o = {8'd0, sgn, 7'h7F};
        flags_o[2] = 1'b1;
        flags_o[4] = 1'b1;
      end else if (r == 16'd0) begin
        code_o = {8'd0, sgn, 7'd0};
        flags_o[3] = 1'b1;
        flags_o[4] = 1'b1;
      end else begin
        code_o = {8'd0, sgn, r[6:0]};
        flags_o[4] = inexact;
      end
    end
  end
endmodule

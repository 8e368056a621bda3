// FP32 add/sub and multiply (docs/numerics.md sections 4.2, 4.3) and the
// conversions (sections 2, 3, 6) as functions: the bodies of tatami_fp_add,
// tatami_fp_mul, tatami_fp_widen and tatami_fp_narrow, which wrap them. The
// array's PEs, the GEMM drain and the vector lanes call them from a
// conditional branch of an always_comb: the simulation model evaluates them
// only when the branch is taken (a valid operand, a write), so idle units
// cost no simulation time. Included inside each module that uses them
// (functions are module-scoped; no include guard for that reason), once per
// module, not per instance of a small module: Verilator copies a module's
// functions into every inlined instance.
// no_inline_task: Verilator makes each one C++ function instead of pasting
// its body at every call site (the sim model's C++ was 70 MB, now 14 MB).
function automatic logic [36:0] tatami_fp_add_f(input logic [31:0] f_a_i, input logic [31:0] f_b_i,
                                                input logic f_sub_i);
  /* verilator no_inline_task */
  logic [31:0] f_a, f_b;           // operands as read (denormals flushed, sub applied)
  logic        f_a_den, f_b_den;
  logic        f_a_zero, f_b_zero, f_a_inf, f_b_inf, f_a_nan, f_b_nan;
  logic [31:0] f_x, f_y;           // x: the larger magnitude, y: the smaller
  logic [7:0]  f_d;              // exponent difference (x's - y's)
  logic        f_eff_sub;
  logic [26:0] f_mx, f_my_full;    // significands with 3 extra bits: {1.f, 000}
  logic [26:0] f_my;             // my_full aligned (shifted right by d)
  logic        f_st;             // sticky: a 1 was shifted out of my
  logic [27:0] f_s;              // |sum| in units of 2^(ex - 153), less st when subtracting
  logic [4:0]  f_lz;             // leading zeros of s (28 bits)
  logic [27:0] f_sn;             // s normalised: sn[27] = 1
  logic [23:0] f_sig;
  logic        f_g, f_stk, f_inc;
  /* verilator lint_off UNUSEDSIGNAL */
  logic [24:0] f_sig_r;          // rounded, may carry out to 2^24 (bit 23, the hidden bit, unused)
  /* verilator lint_on UNUSEDSIGNAL */
  logic signed [9:0] f_ey;       // biased result exponent, unbounded
  logic [31:0] f_y_o;
  logic [4:0]  f_flags_o;
  f_a_den = (f_a_i[30:23] == 8'd0) && (f_a_i[22:0] != 23'd0);
  f_b_den = (f_b_i[30:23] == 8'd0) && (f_b_i[22:0] != 23'd0);
  f_a = f_a_den ? {f_a_i[31], 31'd0} : f_a_i;
  f_b = f_b_den ? {f_b_i[31] ^ f_sub_i, 31'd0} : {f_b_i[31] ^ f_sub_i, f_b_i[30:0]};
  f_a_zero = (f_a[30:0] == 31'd0);
  f_b_zero = (f_b[30:0] == 31'd0);
  f_a_inf  = (f_a[30:0] == 31'h7F800000);
  f_b_inf  = (f_b[30:0] == 31'h7F800000);
  f_a_nan  = (f_a[30:23] == 8'hFF) && (f_a[22:0] != 23'd0);
  f_b_nan  = (f_b[30:23] == 8'hFF) && (f_b[22:0] != 23'd0);

  // Both normal from here on (the datapath result is used only then).
  if (f_b[30:0] > f_a[30:0]) begin
    f_x = f_b;
    f_y = f_a;
  end else begin
    f_x = f_a;
    f_y = f_b;
  end
  f_eff_sub = f_x[31] ^ f_y[31];
  f_d = f_x[30:23] - f_y[30:23];
  f_mx      = {1'b1, f_x[22:0], 3'd0};
  f_my_full = {1'b1, f_y[22:0], 3'd0};
  if (f_d > 8'd26) begin
    f_my = '0;
    f_st = 1'b1;
  end else begin
    f_my = f_my_full >> f_d[4:0];
    f_st = ((f_my_full & ~(27'h7FFFFFF << f_d[4:0])) != 27'd0);
  end
  if (f_eff_sub) f_s = {1'b0, f_mx} - {1'b0, f_my} - {27'd0, f_st};
  else         f_s = {1'b0, f_mx} + {1'b0, f_my};

  // Leading zeros of s (s = 0 only for exact cancellation, handled below).
  f_lz = 5'd27;
  for (int i = 0; i < 28; i++) begin
    if (f_s[i]) f_lz = 5'(27 - i);
  end
  f_sn = f_s << f_lz;
  // s has its leading 1 at bit 27 - lz; bit 26 is x's hidden bit position.
  f_ey = $signed({2'd0, f_x[30:23]}) + 10'sd1 - $signed({5'd0, f_lz});
  f_sig = f_sn[27:4];
  f_g   = f_sn[3];
  f_stk = (f_sn[2:0] != 3'd0) | f_st;
  f_inc = f_g & (f_stk | f_sig[0]);
  f_sig_r = {1'b0, f_sig} + {24'd0, f_inc};
  if (f_sig_r[24]) f_ey = f_ey + 10'sd1;

  f_flags_o = '0;
  f_flags_o[1] = f_a_den | f_b_den;
  if (f_a_nan || f_b_nan) begin
    f_y_o = 32'h7FC00000;
    f_flags_o[0] = 1'b1;
  end else if (f_a_inf && f_b_inf) begin
    if (f_a[31] != f_b[31]) begin
      f_y_o = 32'h7FC00000;
      f_flags_o[0] = 1'b1;
    end else begin
      f_y_o = f_a;
    end
  end else if (f_a_inf) begin
    f_y_o = f_a;
  end else if (f_b_inf) begin
    f_y_o = f_b;
  end else if (f_a_zero && f_b_zero) begin
    f_y_o = f_a & f_b;
  end else if (f_a_zero) begin
    f_y_o = f_b;
  end else if (f_b_zero) begin
    f_y_o = f_a;
  end else if (f_s == 28'd0) begin
    f_y_o = 32'd0;
  end else if (f_ey > 10'sd254) begin
    f_y_o = {f_x[31], 8'hFF, 23'd0};
    f_flags_o[2] = 1'b1;
    f_flags_o[4] = 1'b1;
  end else if (f_ey < 10'sd1) begin
    f_y_o = {f_x[31], 31'd0};
    f_flags_o[3] = 1'b1;
    f_flags_o[4] = 1'b1;
  end else begin
    f_y_o = {f_x[31], f_ey[7:0], f_sig_r[22:0]};
    f_flags_o[4] = f_g | f_stk;
  end
  tatami_fp_add_f = {f_flags_o, f_y_o};
endfunction

// The full FP32 multiply (MB = 24: tatami_fp_mul with a smaller MB zeroes
// the ignored fraction bits of its operands before calling it).
function automatic logic [36:0] tatami_fp_mul_f(input logic [31:0] f_a_i, input logic [31:0] f_b_i);
  /* verilator no_inline_task */
  logic          f_sa, f_sb, f_sy;
  logic [7:0]    f_ea, f_eb;
  logic [22:0]   f_fa, f_fb;
  logic          f_a_zero, f_b_zero, f_a_inf, f_b_inf, f_a_nan, f_b_nan, f_a_den, f_b_den;
  logic [47:0]   f_prod;
  logic [47:0]   f_p48;          // the product left-aligned in 48 bits (2^46 <= p48 < 2^48)
  logic [23:0]   f_sig;          // kept 24 bits (normalised)
  logic          f_g, f_st;        // first dropped bit, OR of the others
  logic          f_inc;
  /* verilator lint_off UNUSEDSIGNAL */
  logic [24:0]   f_sig_r;        // rounded, may carry out to 2^24 (bit 23, the hidden bit, unused)
  /* verilator lint_on UNUSEDSIGNAL */
  logic signed [10:0] f_ey;      // biased exponent of the result, unbounded
  logic          f_inexact;
  logic [31:0] f_y_o;
  logic [4:0]  f_flags_o;
  f_sa = f_a_i[31];
  f_sb = f_b_i[31];
  f_ea = f_a_i[30:23];
  f_eb = f_b_i[30:23];
  f_fa = f_a_i[22:0];
  f_fb = f_b_i[22:0];
  f_sy = f_sa ^ f_sb;

  f_a_den  = (f_ea == 8'd0) && (f_fa != '0);
  f_b_den  = (f_eb == 8'd0) && (f_fb != '0);
  f_a_zero = (f_ea == 8'd0);          // zero, or a denormal read as zero
  f_b_zero = (f_eb == 8'd0);
  f_a_inf  = (f_ea == 8'hFF) && (f_fa == '0);
  f_b_inf  = (f_eb == 8'hFF) && (f_fb == '0);
  f_a_nan  = (f_ea == 8'hFF) && (f_fa != '0);
  f_b_nan  = (f_eb == 8'hFF) && (f_fb != '0);

  // Both normal: (1.fa * 1.fb) * 2^(ea + eb - 254), product in [1, 4).
  f_prod = {1'b1, f_fa} * {1'b1, f_fb};
  f_p48  = f_prod;
  if (f_p48[47]) begin
    f_sig = f_p48[47:24];
    f_g   = f_p48[23];
    f_st  = (f_p48[22:0] != '0);
    f_ey  = $signed({3'd0, f_ea}) + $signed({3'd0, f_eb}) - 11'sd126;
  end else begin
    f_sig = f_p48[46:23];
    f_g   = f_p48[22];
    f_st  = (f_p48[21:0] != '0);
    f_ey  = $signed({3'd0, f_ea}) + $signed({3'd0, f_eb}) - 11'sd127;
  end
  f_inc   = f_g & (f_st | f_sig[0]);
  f_sig_r = {1'b0, f_sig} + {24'd0, f_inc};
  if (f_sig_r[24]) f_ey = f_ey + 11'sd1;   // rounded up to 2: 1.0 * 2^(E+1)
  f_inexact = f_g | f_st;

  f_flags_o = '0;
  f_flags_o[1] = f_a_den | f_b_den;
  if (f_a_nan || f_b_nan) begin
    f_y_o = 32'h7FC00000;
    f_flags_o[0] = 1'b1;
  end else if (f_a_inf || f_b_inf) begin
    if (f_a_zero || f_b_zero) begin
      f_y_o = 32'h7FC00000;
      f_flags_o[0] = 1'b1;
    end else begin
      f_y_o = {f_sy, 8'hFF, 23'd0};
    end
  end else if (f_a_zero || f_b_zero) begin
    f_y_o = {f_sy, 31'd0};
  end else if (f_ey > 11'sd254) begin
    f_y_o = {f_sy, 8'hFF, 23'd0};
    f_flags_o[2] = 1'b1;
    f_flags_o[4] = 1'b1;
  end else if (f_ey < 11'sd1) begin
    f_y_o = {f_sy, 31'd0};
    f_flags_o[3] = 1'b1;
    f_flags_o[4] = 1'b1;
  end else begin
    // sig_r[24] set: the fraction is 0 (2.0 renormalised), sig_r[22:0] is 0 then
    f_y_o = {f_sy, f_ey[7:0], f_sig_r[22:0]};
    f_flags_o[4] = f_inexact;
  end
  tatami_fp_mul_f = {f_flags_o, f_y_o};
endfunction

// Widening conversion to FP32 (tatami_fp_widen): exact, no flags.
function automatic logic [31:0] tatami_fp_widen_f(input logic [31:0] fw_code_i,
                                                  input logic [2:0] fw_dtype_i,
                                                  input logic [5:0] fw_bias_i);
  /* verilator no_inline_task */
  logic        fw_is152;   // layout 1-5-2 (else 1-4-3)
  logic [4:0]  fw_e;       // exponent field of the CFloat8 code (4 or 5 bits)
  logic [2:0]  fw_m;       // mantissa field, left-aligned to 3 bits (1-5-2: {m, 0})
  logic [2:0]  fw_frac;    // the 3 top FP32 fraction bits
  logic [7:0]  fw_eb;      // FP32 exponent field: 127 + e - b (normal), or of the normalised denormal
  logic [31:0] fw_y;
  fw_is152 = (fw_dtype_i == 3'd3);
  if (fw_is152) begin
    fw_e = fw_code_i[6:2];
    fw_m = {fw_code_i[1:0], 1'b0};
  end else begin
    fw_e = {1'b0, fw_code_i[6:3]};
    fw_m = fw_code_i[2:0];
  end
  // The mantissa left-aligned to 3 bits makes both layouts alike: the value
  // of a denormal is 0.m * 2^(1-b) either way.
  if (fw_e != 5'd0) begin
    fw_eb   = 8'd127 + {3'd0, fw_e} - {2'd0, fw_bias_i};
    fw_frac = fw_m;
  end else if (fw_m[2]) begin                 // 0.1xx * 2^(1-b) = 1.xx * 2^(-b)
    fw_eb   = 8'd127 - {2'd0, fw_bias_i};
    fw_frac = {fw_m[1:0], 1'b0};
  end else if (fw_m[1]) begin                 // 0.01x * 2^(1-b) = 1.x * 2^(-1-b)
    fw_eb   = 8'd126 - {2'd0, fw_bias_i};
    fw_frac = {fw_m[0], 2'b0};
  end else begin                              // 0.001 * 2^(1-b) = 2^(-2-b), or zero
    fw_eb   = (fw_m[0]) ? (8'd125 - {2'd0, fw_bias_i}) : 8'd0;
    fw_frac = 3'd0;
  end
  case (fw_dtype_i)
    3'd1:       fw_y = {fw_code_i[15:0], 16'd0};
    3'd2, 3'd3: fw_y = {fw_code_i[7], fw_eb, fw_frac, 20'd0};
    3'd4:       fw_y = fw_code_i;
    default:    fw_y = '0;
  endcase
  tatami_fp_widen_f = fw_y;
endfunction

// Narrowing conversion FP32 -> BF16 / CFloat8 (tatami_fp_narrow, which
// explains the shared rounding step). Returns {flags, code}.
function automatic logic [20:0] tatami_fp_narrow_f(input logic [31:0] fn_x_i,
                                                   input logic [2:0] fn_dtype_i,
                                                   input logic [5:0] fn_bias_i,
                                                   input logic fn_sr_i,
                                                   input logic [15:0] fn_rnd_i);
  /* verilator no_inline_task */
  logic        fn_sgn, fn_is_nan, fn_is_inf, fn_is_den, fn_is_zero;
  logic        fn_is_bf, fn_is_cf, fn_is152;
  logic [23:0] fn_sig;             // 1.f
  logic signed [9:0] fn_e;         // CFloat8 exponent field if normal: E + b
  logic        fn_ovf_e;           // e > emax
  logic [4:0]  fn_k;               // extra right shift (1 - e), clamped to 24
  logic [47:0] fn_w;               // {sig, 24'b0} >> k
  logic [14:0] fn_kb;              // BF16 kept magnitude code
  logic [7:0]  fn_kc;              // CFloat8 kept magnitude code (<= 0x7F)
  logic [14:0] fn_kk;              // the selected K
  logic [15:0] fn_f;               // 16 dropped bits below K's LSB
  logic        fn_st;              // OR of the dropped bits below f
  logic        fn_u;               // the increment
  /* verilator lint_off UNUSEDSIGNAL */
  logic [16:0] fn_fr;              // F + r (only its carry is used)
  /* verilator lint_on UNUSEDSIGNAL */
  logic [15:0] fn_r;               // K + u (16 bits: no wrap)
  logic        fn_inexact;
  logic [15:0] fn_code;
  logic [4:0]  fn_flags;
  fn_sgn     = fn_x_i[31];
  fn_is_nan  = (fn_x_i[30:23] == 8'hFF) && (fn_x_i[22:0] != 23'd0);
  fn_is_inf  = (fn_x_i[30:23] == 8'hFF) && (fn_x_i[22:0] == 23'd0);
  fn_is_den  = (fn_x_i[30:23] == 8'd0) && (fn_x_i[22:0] != 23'd0);
  fn_is_zero = (fn_x_i[30:23] == 8'd0);              // zero or flushed denormal
  fn_is_bf   = (fn_dtype_i == 3'd1);
  fn_is152   = (fn_dtype_i == 3'd3);
  fn_is_cf   = (fn_dtype_i == 3'd2) || fn_is152;
  fn_sig     = {1'b1, fn_x_i[22:0]};

  // ---- CFloat8: e = (E_field - 127) + b
  fn_e = $signed({2'd0, fn_x_i[30:23]}) - 10'sd127 + $signed({4'd0, fn_bias_i});
  fn_ovf_e = fn_is152 ? (fn_e > 10'sd31) : (fn_e > 10'sd15);
  if (fn_e >= 10'sd1)        fn_k = 5'd0;
  else if (fn_e <= -10'sd23) fn_k = 5'd24;
  else                       fn_k = 5'(10'sd1 - fn_e);
  fn_w = {fn_sig, 24'd0} >> fn_k;
  // Normal: K = (e - 1) * 2^M + (S >> (23 - M)) = {e, top M fraction bits};
  // denormal: K = S >> (23 - M + k) (w[47] = 0 then, the exponent part 0).
  if (fn_is152) begin
    fn_kc = (fn_e >= 10'sd1) ? {1'b0, fn_e[4:0], fn_x_i[22:21]} : {5'd0, fn_w[47:45]};
    fn_f  = fn_w[44:29];
    fn_st = (fn_w[28:0] != 29'd0);
  end else begin
    fn_kc = (fn_e >= 10'sd1) ? {1'b0, fn_e[3:0], fn_x_i[22:20]} : {4'd0, fn_w[47:44]};
    fn_f  = fn_w[43:28];
    fn_st = (fn_w[27:0] != 28'd0);
  end

  // ---- BF16: K = magnitude >> 16, F = low 16 bits
  fn_kb = fn_x_i[30:16];
  if (fn_is_bf) begin
    fn_kk = fn_kb;
    fn_f  = fn_x_i[15:0];
    fn_st = 1'b0;
  end else begin
    fn_kk = {7'd0, fn_kc};
  end

  fn_fr = {1'b0, fn_f} + {1'b0, fn_rnd_i};
  if (fn_sr_i) fn_u = fn_fr[16];
  else         fn_u = fn_f[15] & ((fn_f[14:0] != 15'd0) | fn_st | fn_kk[0]);
  fn_r = {1'b0, fn_kk} + {15'd0, fn_u};
  fn_inexact = (fn_f != 16'd0) | fn_st;

  fn_code  = '0;
  fn_flags = '0;
  if (fn_is_bf) begin
    if (fn_is_nan) begin
      fn_code = 16'h7FC0;
      fn_flags[0] = 1'b1;
    end else if (fn_is_inf) begin
      fn_code = fn_x_i[31:16];
    end else if (fn_is_zero) begin
      fn_code = {fn_sgn, 15'd0};
      fn_flags[1] = fn_is_den;
    end else if (fn_r >= 16'h7F80) begin
      fn_code = {fn_sgn, 15'h7F80};
      fn_flags[2] = 1'b1;
      fn_flags[4] = 1'b1;
    end else begin
      fn_code = {fn_sgn, fn_r[14:0]};
      fn_flags[4] = fn_inexact;
    end
  end else if (fn_is_cf) begin
    if (fn_is_nan) begin
      fn_code = {8'd0, fn_sgn, 7'h7F};
      fn_flags[0] = 1'b1;
    end else if (fn_is_inf) begin
      fn_code = {8'd0, fn_sgn, 7'h7F};
      fn_flags[2] = 1'b1;
      fn_flags[4] = 1'b1;
    end else if (fn_is_zero) begin
      fn_code = {8'd0, fn_sgn, 7'd0};
      fn_flags[1] = fn_is_den;
    end else if (fn_ovf_e || fn_r > 16'h007F) begin
      fn_code = {8'd0, fn_sgn, 7'h7F};
      fn_flags[2] = 1'b1;
      fn_flags[4] = 1'b1;
    end else if (fn_r == 16'd0) begin
      fn_code = {8'd0, fn_sgn, 7'd0};
      fn_flags[3] = 1'b1;
      fn_flags[4] = 1'b1;
    end else begin
      fn_code = {8'd0, fn_sgn, fn_r[6:0]};
      fn_flags[4] = fn_inexact;
    end
  end
  tatami_fp_narrow_f = {fn_flags, fn_code};
endfunction

// FP32 -> BF16 with RNE only (tatami_fp_narrow_f at dtype 1, sr 0, bit for
// bit), written for a short path: a finite K = x[30:16] is at most 0x7F7F,
// so the rounded code overflows to Inf only from K = 0x7F7F with the
// increment, known without the carry chain. The serial GEMM unit's BF16
// write (tatami_fpu); tb_fpu_units compares it with tatami_fp_narrow_f.
// Returns {flags, code}.
function automatic logic [20:0] tatami_fp_narrow_bf16_f(input logic [31:0] fb_x_i);
  /* verilator no_inline_task */
  logic [14:0] fb_k;
  logic [15:0] fb_f, fb_code;
  logic        fb_u, fb_e_max, fb_e_zero;
  logic [14:0] fb_r;
  logic [4:0]  fb_flags;
  fb_k      = fb_x_i[30:16];
  fb_f      = fb_x_i[15:0];
  fb_e_max  = (fb_x_i[30:23] == 8'hFF);
  fb_e_zero = (fb_x_i[30:23] == 8'd0);
  fb_u      = fb_f[15] & ((fb_f[14:0] != 15'd0) | fb_k[0]);
  fb_r      = fb_k + {14'd0, fb_u};
  fb_code   = '0;
  fb_flags  = '0;
  if (fb_e_max && fb_x_i[22:0] != 23'd0) begin          // NaN
    fb_code     = 16'h7FC0;
    fb_flags[0] = 1'b1;
  end else if (fb_e_max) begin                          // Inf
    fb_code = fb_x_i[31:16];
  end else if (fb_e_zero) begin                         // zero, or a denormal read as zero
    fb_code     = {fb_x_i[31], 15'd0};
    fb_flags[1] = (fb_x_i[22:0] != 23'd0);
  end else if (fb_k == 15'h7F7F && fb_u) begin          // rounds up past the largest
    fb_code     = {fb_x_i[31], 15'h7F80};
    fb_flags[2] = 1'b1;
    fb_flags[4] = 1'b1;
  end else begin
    fb_code     = {fb_x_i[31], fb_r};
    fb_flags[4] = (fb_f != 16'd0);
  end
  tatami_fp_narrow_bf16_f = {fb_flags, fb_code};
endfunction

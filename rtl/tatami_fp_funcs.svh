// FP32 add/sub and multiply (docs/numerics.md sections 4.2, 4.3) as
// functions: the bodies of tatami_fp_add and tatami_fp_mul, which wrap
// them. Also called from a conditional branch of an always_comb: there the
// simulation model evaluates them only when the branch is taken, so a PE
// (tatami_pe_fp) costs simulation time only on a valid operand of a
// floating-point GEMM. Return {flags, y}. Included inside each module that
// uses them (functions are module-scoped; no include guard for that reason).
// no_inline_task: Verilator makes each one C++ function instead of pasting
// its body at all 300-odd call sites (the sim model's C++ was 70 MB).
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

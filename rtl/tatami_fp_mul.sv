// FP32 multiply (docs/numerics.md section 4.2): y = mul(a, b), combinational.
// Operands are read per 4.1 (a denormal is the zero of its sign, flag D);
// NaN operand or Inf x 0 -> canonical NaN 0x7FC00000 (I); Inf x nonzero ->
// Inf; zero -> signed zero; both normal -> R(a * b) per 4.4: RNE to 24 bits
// with an unbounded exponent, then E > 127 -> Inf (O, X), E < -126 -> signed
// zero (U, X), X when inexact. flags_o = {X, U, O, D, I} (bits 4..0).
//
// MB (8..24): the operand significand bits actually used, hidden bit
// included; the low 24 - MB fraction bits of a_i and b_i are ignored (taken
// as 0), for classification too. MB = 8 serves BF16 values (low 16 bits zero),
// or any widened CFloat8: the product then has at most 16 significant bits
// and is never rounded, so the rounding logic folds away (constant zeros)
// and the multiplier is 8 x 8.
module tatami_fp_mul #(
  parameter int MB = 24
) (
  input  logic [31:0] a_i,
  input  logic [31:0] b_i,
  output logic [31:0] y_o,
  output logic [4:0]  flags_o
);
  localparam int FB = MB - 1;   // fraction bits used
  localparam int PW = 2 * MB;   // product width

  // The ignored fraction bits of the operands.
  /* verilator lint_off UNUSEDSIGNAL */
  logic [31:0] a_unused, b_unused;
  /* verilator lint_on UNUSEDSIGNAL */
  assign a_unused = a_i;
  assign b_unused = b_i;

  logic          sa, sb, sy;
  logic [7:0]    ea, eb;
  logic [FB-1:0] fa, fb;
  logic          a_zero, b_zero, a_inf, b_inf, a_nan, b_nan, a_den, b_den;
  logic [PW-1:0] prod;
  logic [47:0]   p48;          // the product left-aligned in 48 bits (2^46 <= p48 < 2^48)
  logic [23:0]   sig;          // kept 24 bits (normalised)
  logic          g, st;        // first dropped bit, OR of the others
  logic          inc;
  /* verilator lint_off UNUSEDSIGNAL */
  logic [24:0]   sig_r;        // rounded, may carry out to 2^24 (bit 23, the hidden bit, unused)
  /* verilator lint_on UNUSEDSIGNAL */
  logic signed [10:0] ey;      // biased exponent of the result, unbounded
  logic          inexact;

  always_comb begin
    sa = a_i[31];
    sb = b_i[31];
    ea = a_i[30:23];
    eb = b_i[30:23];
    fa = a_i[22 -: FB];
    fb = b_i[22 -: FB];
    sy = sa ^ sb;

    a_den  = (ea == 8'd0) && (fa != '0);
    b_den  = (eb == 8'd0) && (fb != '0);
    a_zero = (ea == 8'd0);          // zero, or a denormal read as zero
    b_zero = (eb == 8'd0);
    a_inf  = (ea == 8'hFF) && (fa == '0);
    b_inf  = (eb == 8'hFF) && (fb == '0);
    a_nan  = (ea == 8'hFF) && (fa != '0);
    b_nan  = (eb == 8'hFF) && (fb != '0);

    // Both normal: (1.fa * 1.fb) * 2^(ea + eb - 254), product in [1, 4).
    prod = {1'b1, fa} * {1'b1, fb};
    p48  = '0;
    p48[47 -: PW] = prod;
    if (p48[47]) begin
      sig = p48[47:24];
      g   = p48[23];
      st  = (p48[22:0] != '0);
      ey  = $signed({3'd0, ea}) + $signed({3'd0, eb}) - 11'sd126;
    end else begin
      sig = p48[46:23];
      g   = p48[22];
      st  = (p48[21:0] != '0);
      ey  = $signed({3'd0, ea}) + $signed({3'd0, eb}) - 11'sd127;
    end
    inc   = g & (st | sig[0]);
    sig_r = {1'b0, sig} + {24'd0, inc};
    if (sig_r[24]) ey = ey + 11'sd1;   // rounded up to 2: 1.0 * 2^(E+1)
    inexact = g | st;

    flags_o = '0;
    flags_o[1] = a_den | b_den;
    if (a_nan || b_nan) begin
      y_o = 32'h7FC00000;
      flags_o[0] = 1'b1;
    end else if (a_inf || b_inf) begin
      if (a_zero || b_zero) begin
        y_o = 32'h7FC00000;
        flags_o[0] = 1'b1;
      end else begin
        y_o = {sy, 8'hFF, 23'd0};
      end
    end else if (a_zero || b_zero) begin
      y_o = {sy, 31'd0};
    end else if (ey > 11'sd254) begin
      y_o = {sy, 8'hFF, 23'd0};
      flags_o[2] = 1'b1;
      flags_o[4] = 1'b1;
    end else if (ey < 11'sd1) begin
      y_o = {sy, 31'd0};
      flags_o[3] = 1'b1;
      flags_o[4] = 1'b1;
    end else begin
      // sig_r[24] set: the fraction is 0 (2.0 renormalised), sig_r[22:0] is 0 then
      y_o = {sy, ey[7:0], sig_r[22:0]};
      flags_o[4] = inexact;
    end
  end
endmodule

// FP32 add / subtract (docs/numerics.md section 4.3), combinational:
// y = add(a, b), or with sub_i y = sub(a, b) = add(a, b XOR 0x80000000).
// Operands read per 4.1 (denormal -> zero of its sign, D); NaN operand or
// +Inf + -Inf -> canonical NaN (I); an Inf operand gives that Inf; both zero
// -> -0 only for -0 + -0; one zero -> the other operand; exact cancellation
// -> +0; otherwise R(a + b) per 4.4 (RNE to 24 bits, unbounded exponent, then
// Inf with O, X or flush to a signed zero with U, X). flags_o = {X, U, O, D, I}.
//
// Datapath (single path): order the operands by magnitude (|a| >= |b| after
// the swap), align b with 3 extra bits below the significand and a sticky
// bit for what is shifted out; in an effective subtraction the sticky is
// subtracted as one unit of the last place (the exact value then lies
// strictly between the computed one and the next unit up), so the sum or
// difference plus the sticky carries everything RNE needs. Then normalise
// (leading-zero count, left shift, or one place right for a carry), round.
module tatami_fp_add (
  input  logic [31:0] a_i,
  input  logic [31:0] b_i,
  input  logic        sub_i,
  output logic [31:0] y_o,
  output logic [4:0]  flags_o
);
  logic [31:0] a, b;           // operands as read (denormals flushed, sub applied)
  logic        a_den, b_den;
  logic        a_zero, b_zero, a_inf, b_inf, a_nan, b_nan;
  logic [31:0] x, y;           // x: the larger magnitude, y: the smaller
  logic [7:0]  d;              // exponent difference (x's - y's)
  logic        eff_sub;
  logic [26:0] mx, my_full;    // significands with 3 extra bits: {1.f, 000}
  logic [26:0] my;             // my_full aligned (shifted right by d)
  logic        st;             // sticky: a 1 was shifted out of my
  logic [27:0] s;              // |sum| in units of 2^(ex - 153), less st when subtracting
  logic [4:0]  lz;             // leading zeros of s (28 bits)
  logic [27:0] sn;             // s normalised: sn[27] = 1
  logic [23:0] sig;
  logic        g, stk, inc;
  /* verilator lint_off UNUSEDSIGNAL */
  logic [24:0] sig_r;          // rounded, may carry out to 2^24 (bit 23, the hidden bit, unused)
  /* verilator lint_on UNUSEDSIGNAL */
  logic signed [9:0] ey;       // biased result exponent, unbounded

  always_comb begin
    a_den = (a_i[30:23] == 8'd0) && (a_i[22:0] != 23'd0);
    b_den = (b_i[30:23] == 8'd0) && (b_i[22:0] != 23'd0);
    a = a_den ? {a_i[31], 31'd0} : a_i;
    b = b_den ? {b_i[31] ^ sub_i, 31'd0} : {b_i[31] ^ sub_i, b_i[30:0]};
    a_zero = (a[30:0] == 31'd0);
    b_zero = (b[30:0] == 31'd0);
    a_inf  = (a[30:0] == 31'h7F800000);
    b_inf  = (b[30:0] == 31'h7F800000);
    a_nan  = (a[30:23] == 8'hFF) && (a[22:0] != 23'd0);
    b_nan  = (b[30:23] == 8'hFF) && (b[22:0] != 23'd0);

    // Both normal from here on (the datapath result is used only then).
    if (b[30:0] > a[30:0]) begin
      x = b;
      y = a;
    end else begin
      x = a;
      y = b;
    end
    eff_sub = x[31] ^ y[31];
    d = x[30:23] - y[30:23];
    mx      = {1'b1, x[22:0], 3'd0};
    my_full = {1'b1, y[22:0], 3'd0};
    if (d > 8'd26) begin
      my = '0;
      st = 1'b1;
    end else begin
      my = my_full >> d[4:0];
      st = ((my_full & ~(27'h7FFFFFF << d[4:0])) != 27'd0);
    end
    if (eff_sub) s = {1'b0, mx} - {1'b0, my} - {27'd0, st};
    else         s = {1'b0, mx} + {1'b0, my};

    // Leading zeros of s (s = 0 only for exact cancellation, handled below).
    lz = 5'd27;
    for (int i = 0; i < 28; i++) begin
      if (s[i]) lz = 5'(27 - i);
    end
    sn = s << lz;
    // s has its leading 1 at bit 27 - lz; bit 26 is x's hidden bit position.
    ey = $signed({2'd0, x[30:23]}) + 10'sd1 - $signed({5'd0, lz});
    sig = sn[27:4];
    g   = sn[3];
    stk = (sn[2:0] != 3'd0) | st;
    inc = g & (stk | sig[0]);
    sig_r = {1'b0, sig} + {24'd0, inc};
    if (sig_r[24]) ey = ey + 10'sd1;

    flags_o = '0;
    flags_o[1] = a_den | b_den;
    if (a_nan || b_nan) begin
      y_o = 32'h7FC00000;
      flags_o[0] = 1'b1;
    end else if (a_inf && b_inf) begin
      if (a[31] != b[31]) begin
        y_o = 32'h7FC00000;
        flags_o[0] = 1'b1;
      end else begin
        y_o = a;
      end
    end else if (a_inf) begin
      y_o = a;
    end else if (b_inf) begin
      y_o = b;
    end else if (a_zero && b_zero) begin
      y_o = a & b;
    end else if (a_zero) begin
      y_o = b;
    end else if (b_zero) begin
      y_o = a;
    end else if (s == 28'd0) begin
      y_o = 32'd0;
    end else if (ey > 10'sd254) begin
      y_o = {x[31], 8'hFF, 23'd0};
      flags_o[2] = 1'b1;
      flags_o[4] = 1'b1;
    end else if (ey < 10'sd1) begin
      y_o = {x[31], 31'd0};
      flags_o[3] = 1'b1;
      flags_o[4] = 1'b1;
    end else begin
      y_o = {x[31], ey[7:0], sig_r[22:0]};
      flags_o[4] = g | stk;
    end
  end
endmodule

// FP32 add/sub of docs/numerics.md 4.3 (the result and flags of
// tatami_fp_add_f, bit for bit) as a 6-stage pipeline for the serial FPU
// (tatami_fpu): the function's dataflow cut into pieces that fit one clock of
// the iCE40UP5K at 30 MHz.
//   stage 1: operands read (denormals flushed, sub applied), classified,
//            ordered by magnitude, exponent difference
//   stage 2: alignment shift with sticky (2a), significand add or subtract (2b)
//   stage 3: leading-zero count and normalising shift
//   stage 4: the rounding increment (4a); its addition, exponent range,
//            special cases, flags (4b)
// valid_i with a_i, b_i, sub_i in clock t gives y_o, flags_o from clock
// t + 6 (valid_o high in that clock), held until the next result. No stall.
// tests/rtl/tb_fpu_units compares it with tatami_fp_add_f.
module tatami_fpu_add (
  input  logic        clk_i,
  input  logic        rst_ni,
  input  logic        valid_i,
  input  logic [31:0] a_i,
  input  logic [31:0] b_i,
  input  logic        sub_i,
  output logic        valid_o,
  output logic [31:0] y_o,
  output logic [4:0]  flags_o
);
  // special-case classes carried down the pipeline
  localparam logic [2:0] K_NAN = 3'd0, K_INF = 3'd1, K_ZERO = 3'd2, K_NUM = 3'd3;

  // ---------------------------------------------------------------- stage 1
  logic [31:0] a, b, x1, y1;
  logic [7:0]  d1;
  logic        a_den, b_den, a_zero, b_zero, a_inf, b_inf, a_nan, b_nan;
  logic [2:0]  k1;
  logic [31:0] r1;                 // the special result (NaN, Inf, zero cases)
  logic        i1;                 // flag I of the special result
  always_comb begin
    a_den  = (a_i[30:23] == 8'd0) && (a_i[22:0] != 23'd0);
    b_den  = (b_i[30:23] == 8'd0) && (b_i[22:0] != 23'd0);
    a      = a_den ? {a_i[31], 31'd0} : a_i;
    b      = b_den ? {b_i[31] ^ sub_i, 31'd0} : {b_i[31] ^ sub_i, b_i[30:0]};
    a_zero = (a[30:0] == 31'd0);
    b_zero = (b[30:0] == 31'd0);
    a_inf  = (a[30:0] == 31'h7F800000);
    b_inf  = (b[30:0] == 31'h7F800000);
    a_nan  = (a[30:23] == 8'hFF) && (a[22:0] != 23'd0);
    b_nan  = (b[30:23] == 8'hFF) && (b[22:0] != 23'd0);
    // both exponent differences in parallel with the magnitude compare
    if (b[30:0] > a[30:0]) begin
      x1 = b;
      y1 = a;
      d1 = b[30:23] - a[30:23];
    end else begin
      x1 = a;
      y1 = b;
      d1 = a[30:23] - b[30:23];
    end
    i1 = 1'b0;
    r1 = '0;
    if (a_nan || b_nan) begin
      k1 = K_NAN; r1 = 32'h7FC00000; i1 = 1'b1;
    end else if (a_inf && b_inf) begin
      k1 = K_INF;
      if (a[31] != b[31]) begin
        r1 = 32'h7FC00000; i1 = 1'b1;
      end else begin
        r1 = a;
      end
    end else if (a_inf) begin
      k1 = K_INF; r1 = a;
    end else if (b_inf) begin
      k1 = K_INF; r1 = b;
    end else if (a_zero && b_zero) begin
      k1 = K_ZERO; r1 = a & b;
    end else if (a_zero) begin
      k1 = K_ZERO; r1 = b;
    end else if (b_zero) begin
      k1 = K_ZERO; r1 = a;
    end else begin
      k1 = K_NUM;
    end
  end

  logic        v1_q, v2_q, v3_q, v4_q;
  logic [31:0] x1_q, r1_q, r2_q, r3_q, rs_q;
  /* verilator lint_off UNUSEDSIGNAL */
  logic [31:0] y1_q;                       // its exponent is used as d1_q already
  /* verilator lint_on UNUSEDSIGNAL */
  logic [2:0]  k1_q, k2_q, k3_q, ks_q;
  logic [1:0]  fl1_q, fl2_q, fl3_q, fls_q; // {D, I} of the special result / operands
  logic [7:0]  d1_q;
  logic        vs_q;
  always_ff @(posedge clk_i) begin
    if (valid_i) begin
      x1_q  <= x1;
      y1_q  <= y1;
      d1_q  <= d1;
      r1_q  <= r1;
      k1_q  <= k1;
      fl1_q <= {a_den | b_den, i1};
    end
  end

  // ---------------------------------------------------------------- stage 2 (two clocks)
  // 2a: alignment shift with sticky; 2b: significand add or subtract
  logic        st;
  logic [26:0] my_full, my;
  always_comb begin
    my_full = {1'b1, y1_q[22:0], 3'd0};
    if (d1_q > 8'd26) begin
      my = '0;
      st = 1'b1;
    end else begin
      my = my_full >> d1_q[4:0];
      st = ((my_full & ~(27'h7FFFFFF << d1_q[4:0])) != 27'd0);
    end
  end

  logic [26:0] mx_s_q, my_s_q;
  logic        st_s_q, sub_s_q;
  logic [8:0]  sx_s_q;
  always_ff @(posedge clk_i) begin
    if (v1_q) begin
      mx_s_q  <= {1'b1, x1_q[22:0], 3'd0};
      my_s_q  <= my;
      st_s_q  <= st;
      sub_s_q <= x1_q[31] ^ y1_q[31];
      sx_s_q  <= x1_q[31:23];
      rs_q    <= r1_q;
      ks_q    <= k1_q;
      fls_q   <= fl1_q;
    end
  end

  logic [27:0] s2;
  always_comb begin
    if (sub_s_q) s2 = {1'b0, mx_s_q} - {1'b0, my_s_q} - {27'd0, st_s_q};
    else         s2 = {1'b0, mx_s_q} + {1'b0, my_s_q};
  end

  logic [27:0] s2_q;
  logic        st2_q;
  logic [8:0]  sx2_q;                     // {sign, exponent field} of x
  logic        sx3_q;                     // sign of x
  always_ff @(posedge clk_i) begin
    if (vs_q) begin
      s2_q  <= s2;
      st2_q <= st_s_q;
      sx2_q <= sx_s_q;
      r2_q  <= rs_q;
      k2_q  <= ks_q;
      fl2_q <= fls_q;
    end
  end

  // ---------------------------------------------------------------- stage 3
  logic [4:0]  lz;
  logic [27:0] sn;
  always_comb begin
    lz = 5'd27;
    for (int i = 0; i < 28; i++) begin
      if (s2_q[i]) lz = 5'(27 - i);
    end
    sn = s2_q << lz;
  end

  logic [27:0] sn3_q;
  logic        st3_q, z3_q;
  logic signed [9:0] ey3_q;
  always_ff @(posedge clk_i) begin
    if (v2_q) begin
      sn3_q <= sn;
      st3_q <= st2_q;
      z3_q  <= (s2_q == 28'd0);
      ey3_q <= $signed({2'd0, sx2_q[7:0]}) + 10'sd1 - $signed({5'd0, lz});
      sx3_q <= sx2_q[8];
      r3_q  <= r2_q;
      k3_q  <= k2_q;
      fl3_q <= fl2_q;
    end
  end

  // ---------------------------------------------------------------- stage 4 (two clocks)
  // 4a: the rounding increment; 4b: the increment added, exponent range,
  // special cases, flags
  logic [23:0] sig;
  logic        g, stk;
  always_comb begin
    sig = sn3_q[27:4];
    g   = sn3_q[3];
    stk = (sn3_q[2:0] != 3'd0) | st3_q;
  end

  logic        v4a_q, inc4_q, inx4_q, z4_q, sx4_q;
  logic [23:0] sig4_q;
  logic signed [9:0] ey4_q;
  logic [31:0] r4_q;
  logic [2:0]  k4_q;
  logic [1:0]  fl4_q;
  always_ff @(posedge clk_i) begin
    if (v3_q) begin
      sig4_q <= sig;
      inc4_q <= g & (stk | sig[0]);
      inx4_q <= g | stk;
      z4_q   <= z3_q;
      ey4_q  <= ey3_q;
      sx4_q  <= sx3_q;
      r4_q   <= r3_q;
      k4_q   <= k3_q;
      fl4_q  <= fl3_q;
    end
  end

  /* verilator lint_off UNUSEDSIGNAL */
  logic [24:0] sig_r;              // bit 23 (the hidden bit) unused
  /* verilator lint_on UNUSEDSIGNAL */
  logic signed [9:0] ey;
  logic [31:0] y;
  logic [4:0]  fl;
  always_comb begin
    sig_r = {1'b0, sig4_q} + {24'd0, inc4_q};
    ey    = ey4_q;
    if (sig_r[24]) ey = ey + 10'sd1;
    fl    = '0;
    fl[1] = fl4_q[1];
    if (k4_q != K_NUM) begin
      y     = r4_q;
      fl[0] = fl4_q[0];
    end else if (z4_q) begin
      y = 32'd0;
    end else if (ey > 10'sd254) begin
      y     = {sx4_q, 8'hFF, 23'd0};
      fl[2] = 1'b1;
      fl[4] = 1'b1;
    end else if (ey < 10'sd1) begin
      y     = {sx4_q, 31'd0};
      fl[3] = 1'b1;
      fl[4] = 1'b1;
    end else begin
      y     = {sx4_q, ey[7:0], sig_r[22:0]};
      fl[4] = inx4_q;
    end
  end

  always_ff @(posedge clk_i) begin
    if (v4a_q) begin
      y_o     <= y;
      flags_o <= fl;
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      v1_q <= 1'b0; vs_q <= 1'b0; v2_q <= 1'b0; v3_q <= 1'b0; v4a_q <= 1'b0; v4_q <= 1'b0;
    end else begin
      v1_q <= valid_i; vs_q <= v1_q; v2_q <= vs_q; v3_q <= v2_q; v4a_q <= v3_q; v4_q <= v4a_q;
    end
  end
  assign valid_o = v4_q;
endmodule

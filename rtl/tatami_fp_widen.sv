// Widening conversion of a BF16 or CFloat8 code to FP32 (docs/numerics.md
// sections 2 and 3): exact, no flags, no draws. Combinational.
//  dtype_i 1: BF16 code_i[15:0]          -> code << 16 (denormals, NaN payloads kept)
//          2: CFloat8 1-4-3 code_i[7:0], bias bias_i (0..63)
//          3: CFloat8 1-5-2 code_i[7:0], bias bias_i
//          4: FP32 code_i (passthrough)
//          0, 5..7: 0
// Every CFloat8 value of every bias is an FP32 normal or a signed zero
// (exponents -65..31), so the result never needs a range check; a CFloat8
// denormal m * 2^(1-b-M) is normalised by the position of its leading 1.
// Not traced inside (FST traces stay small and the sim build quick); the
// ports are traced where the module is instantiated.
/* verilator tracing_off */
module tatami_fp_widen (
  input  logic [31:0] code_i,
  input  logic [2:0]  dtype_i,
  input  logic [5:0]  bias_i,
  output logic [31:0] fp32_o
);
  logic        is152;      // layout 1-5-2 (else 1-4-3)
  logic        sgn;
  logic [4:0]  e;          // exponent field of the CFloat8 code (4 or 5 bits)
  logic [2:0]  m;          // mantissa field, left-aligned to 3 bits (1-5-2: {m, 0})
  logic [2:0]  frac;       // the 3 top FP32 fraction bits
  logic [7:0]  eb;         // FP32 exponent field: 127 + e - b (normal), or of the normalised denormal
  logic [31:0] cf;         // the CFloat8 result

  always_comb begin
    is152 = (dtype_i == 3'd3);
    sgn   = code_i[7];
    if (is152) begin
      e = code_i[6:2];
      m = {code_i[1:0], 1'b0};
    end else begin
      e = {1'b0, code_i[6:3]};
      m = code_i[2:0];
    end
    // The mantissa left-aligned to 3 bits makes both layouts alike: the value
    // of a denormal is 0.m * 2^(1-b) either way.
    if (e != 5'd0) begin
      eb   = 8'd127 + {3'd0, e} - {2'd0, bias_i};
      frac = m;
    end else if (m[2]) begin                 // 0.1xx * 2^(1-b) = 1.xx * 2^(-b)
      eb   = 8'd127 - {2'd0, bias_i};
      frac = {m[1:0], 1'b0};
    end else if (m[1]) begin                 // 0.01x * 2^(1-b) = 1.x * 2^(-1-b)
      eb   = 8'd126 - {2'd0, bias_i};
      frac = {m[0], 2'b0};
    end else begin                           // 0.001 * 2^(1-b) = 2^(-2-b), or zero
      eb   = (m[0]) ? (8'd125 - {2'd0, bias_i}) : 8'd0;
      frac = 3'd0;
    end
    cf = {sgn, eb, frac, 20'd0};

    unique case (dtype_i)
      3'd1:       fp32_o = {code_i[15:0], 16'd0};
      3'd2, 3'd3: fp32_o = cf;
      3'd4:       fp32_o = code_i;
      default:    fp32_o = '0;
    endcase
  end
endmodule

// Included in the body of each VEC unit (tatami_vec, tatami_fpu): the VEC
// descriptor (docs/protocol.md, 72 bytes on desc_i) sliced into its fields,
// and the operand roles of its op; the operand read x', y' of docs/numerics.md
// section 8. One copy for both units.
  // Operand slots: 0 X, 1 Y, 2 Z, 3 W. Roles per op: bit k = slot k.
  function automatic logic [3:0] op_reads(input logic [7:0] op);
    unique case (op)
      8'd1, 8'd2, 8'd3, 8'd5, 8'd7: op_reads = 4'b0011;
      8'd4, 8'd6, 8'd8, 8'd9:       op_reads = 4'b0001;
      8'd10:                        op_reads = 4'b0111;
      default:                      op_reads = 4'b0000;
    endcase
  endfunction
  function automatic logic [3:0] op_writes(input logic [7:0] op);
    unique case (op)
      8'd1, 8'd2, 8'd3, 8'd4, 8'd5, 8'd6, 8'd7, 8'd8, 8'd9: op_writes = 4'b0100;
      8'd10:   op_writes = 4'b1110;
      default: op_writes = 4'b0000;
    endcase
  endfunction
  // 1 x n operands: BIAS's Y, ROWSUM's Z
  function automatic logic [3:0] op_rows(input logic [7:0] op);
    unique case (op)
      8'd5:    op_rows = 4'b0010;
      8'd8:    op_rows = 4'b0100;
      default: op_rows = 4'b0000;
    endcase
  endfunction
  // log2 of the element size of a dtype code (1 BF16: 2 bytes, 4 FP32: 4, CFloat8: 1)
  function automatic logic [1:0] dt_lg(input logic [7:0] dt);
    unique case (dt)
      8'd1:    dt_lg = 2'd1;
      8'd4:    dt_lg = 2'd2;
      default: dt_lg = 2'd0;
    endcase
  endfunction

  // ================================================================ descriptor
  logic [7:0]  d_op, d_flags;
  logic [15:0] d_res;
  logic [31:0] d_m, d_n, d_s0, d_s1, d_s2;
  logic [4*32-1:0] d_addr, d_ld;
  logic [4*8-1:0]  d_dt, d_bias;
  logic [4*16-1:0] d_ores;
  logic [3:0]  d_rd, d_wr, d_row, d_used;

  always_comb begin
    d_op    = desc_i[0 +: 8];
    d_flags = desc_i[8 +: 8];
    d_res   = desc_i[16 +: 16];
    d_m     = desc_i[32 +: 32];
    d_n     = desc_i[64 +: 32];
    d_s0    = desc_i[96 +: 32];
    d_s1    = desc_i[128 +: 32];
    d_s2    = desc_i[160 +: 32];
    for (int k = 0; k < 4; k++) begin
      d_addr[32*k +: 32] = desc_i[8*(24 + 12*k) +: 32];
      d_ld[32*k +: 32]   = desc_i[8*(28 + 12*k) +: 32];
      d_dt[8*k +: 8]     = desc_i[8*(32 + 12*k) +: 8];
      d_bias[8*k +: 8]   = desc_i[8*(33 + 12*k) +: 8];
      d_ores[16*k +: 16] = desc_i[8*(34 + 12*k) +: 16];
    end
    d_rd   = op_reads(d_op);
    d_wr   = op_writes(d_op);
    d_row  = op_rows(d_op);
    d_used = d_rd | d_wr;
  end


  // An operand as read (numerics 8): a denormal is the zero of its sign (D),
  // a NaN the canonical NaN (I). Returns {flags, x'}.
  function automatic logic [36:0] fp_read(input logic [31:0] x);
    logic [31:0] xo;
    logic [4:0]  fl;
    xo = x;
    fl = '0;
    if (x[30:23] == 8'd0 && x[22:0] != 23'd0) begin
      xo    = {x[31], 31'd0};
      fl[1] = 1'b1;
    end else if (x[30:23] == 8'hFF && x[22:0] != 23'd0) begin
      xo    = 32'h7FC0_0000;
      fl[0] = 1'b1;
    end
    fp_read = {fl, xo};
  endfunction

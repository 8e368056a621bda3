// Two independent signed 8 x 8 -> 16-bit products: p0_o = a0_i * b0_i,
// p1_o = a1_i * b1_i. PIPE=0: combinational (clk_i, en_i unused). PIPE=1:
// two register stages, operands then products, both clocked when en_i
// (on the DSP they are the SB_MAC16's own A/B and 8x8 product registers, so
// the pipeline costs no fabric flops): products appear two enabled cycles
// after their operands.
//  * DSP=0: behavioural multipliers (LUT logic, or whatever synthesis maps).
//  * DSP=1: one iCE40 SB_MAC16 in dual 8x8 mode, every register bypassed:
//    A = {a1, a0}, B = {b1, b0}; O[31:16] = a1*b1 (TOPOUTPUT_SELECT=2: the
//    unregistered top 8x8 product), O[15:0] = a0*b0 (BOTOUTPUT_SELECT=2).
//    With MODE_8x8 and A_SIGNED/B_SIGNED the primitive sign-extends the low
//    bytes too (see yosys's ice40/cells_sim.v), so both halves are signed.
//    The primitive only exists for iCE40 builds: define TATAMI_ICE40 (board
//    synthesis; board simulation adds yosys's cells_sim.v). DSP=1 without it
//    is an elaboration error, never a silent fallback.
module tatami_mul8x2 #(
  parameter bit DSP  = 1'b0,
  parameter bit PIPE = 1'b0
) (
  /* verilator lint_off UNUSEDSIGNAL */
  input  logic        clk_i,       // PIPE=1 only
  input  logic        en_i,
  /* verilator lint_on UNUSEDSIGNAL */
  input  logic [7:0]  a0_i,
  input  logic [7:0]  b0_i,
  input  logic [7:0]  a1_i,
  input  logic [7:0]  b1_i,
  output logic [15:0] p0_o,
  output logic [15:0] p1_o
);
  if (DSP) begin : g_dsp
`ifdef TATAMI_ICE40
    logic [31:0] o;
    // carry and sign-extension outputs: unused (no cascading)
    /* verilator lint_off UNUSEDSIGNAL */
    logic co_nc, accumco_nc, signextout_nc;
    /* verilator lint_on UNUSEDSIGNAL */
    SB_MAC16 #(
      .NEG_TRIGGER              (1'b0),
      .C_REG                    (1'b0),
      .A_REG                    (PIPE),
      .B_REG                    (PIPE),
      .D_REG                    (1'b0),
      .TOP_8x8_MULT_REG         (PIPE),
      .BOT_8x8_MULT_REG         (PIPE),
      .PIPELINE_16x16_MULT_REG1 (1'b0),
      .PIPELINE_16x16_MULT_REG2 (1'b0),
      .TOPOUTPUT_SELECT         (2'd2),
      .TOPADDSUB_LOWERINPUT     (2'd0),
      .TOPADDSUB_UPPERINPUT     (1'b0),
      .TOPADDSUB_CARRYSELECT    (2'd0),
      .BOTOUTPUT_SELECT         (2'd2),
      .BOTADDSUB_LOWERINPUT     (2'd0),
      .BOTADDSUB_UPPERINPUT     (1'b0),
      .BOTADDSUB_CARRYSELECT    (2'd0),
      .MODE_8x8                 (1'b1),
      .A_SIGNED                 (1'b1),
      .B_SIGNED                 (1'b1)
    ) u_mac (
      .CLK        (PIPE ? clk_i : 1'b0),
      .CE         (PIPE ? en_i : 1'b0),
      .C          (16'h0000),
      .A          ({a1_i, a0_i}),
      .B          ({b1_i, b0_i}),
      .D          (16'h0000),
      .AHOLD      (1'b0),
      .BHOLD      (1'b0),
      .CHOLD      (1'b0),
      .DHOLD      (1'b0),
      .IRSTTOP    (1'b0),
      .IRSTBOT    (1'b0),
      .ORSTTOP    (1'b0),
      .ORSTBOT    (1'b0),
      .OLOADTOP   (1'b0),
      .OLOADBOT   (1'b0),
      .ADDSUBTOP  (1'b0),
      .ADDSUBBOT  (1'b0),
      .OHOLDTOP   (1'b0),
      .OHOLDBOT   (1'b0),
      .CI         (1'b0),
      .ACCUMCI    (1'b0),
      .SIGNEXTIN  (1'b0),
      .O          (o),
      .CO         (co_nc),
      .ACCUMCO    (accumco_nc),
      .SIGNEXTOUT (signextout_nc)
    );
    assign p1_o = o[31:16];
    assign p0_o = o[15:0];
`else
    // No such module: elaboration stops in every tool (an elaboration
    // $fatal is only a warning under -Wno-fatal, and Icarus rejects it).
    tatami_mul8x2_DSP_needs_TATAMI_ICE40 u_error ();
`endif
  end else if (PIPE) begin : g_lut_pipe
    logic [7:0]  a0_q, b0_q, a1_q, b1_q;
    logic [15:0] p0_q, p1_q;
    always_ff @(posedge clk_i) begin
      if (en_i) begin
        a0_q <= a0_i; b0_q <= b0_i; a1_q <= a1_i; b1_q <= b1_i;
        p0_q <= $signed(a0_q) * $signed(b0_q);
        p1_q <= $signed(a1_q) * $signed(b1_q);
      end
    end
    assign p0_o = p0_q;
    assign p1_o = p1_q;
  end else begin : g_lut
    // signed operands, 16-bit context: sign-extended before multiplying
    assign p0_o = $signed(a0_i) * $signed(b0_i);
    assign p1_o = $signed(a1_i) * $signed(b1_i);
  end
endmodule

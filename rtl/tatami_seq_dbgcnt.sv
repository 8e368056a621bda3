// Flip-flop copy of the sequencer's performance counters, for the
// dbg_cnt_sel_i / dbg_cnt_o port only: that port is read combinationally
// (select, evaluate, read, no clock), which the sequencer's RAM-held counters
// cannot serve. The boards leave dbg_cnt_o unconnected, so synthesis of a
// board removes this module; the simulator and the testbenches read it.
// Same semantics as the COUNTERS response (docs/protocol.md section 2).
`include "tatami_defs.svh"
module tatami_seq_dbgcnt #(
  parameter int CNT_W = 64,
  parameter int MW    = 9,
  localparam int NCNT = `TATAMI_NUM_COUNTERS
) (
  input  logic            clk_i,
  input  logic            rst_ni,
  // one bit per counter: count this cycle; the MACS bit is unused (macs_i),
  // the LAST_GEMM bit means "a GEMM is running" and the GEMM_COUNT bit "done"
  input  logic [NCNT-1:0] inc_i,
  input  logic [MW-1:0]   macs_i,
  input  logic            gstart_i,  // GEMM start pulse: last_gemm_cycles restarts at 1
  input  logic            clear_i,   // CLEAR: every counter to 0 (this cycle's events too)
  input  logic [3:0]      sel_i,
  output logic [63:0]     cnt_o
);
  logic [NCNT*CNT_W-1:0] cnt_q, cnt_d;
  logic [CNT_W-1:0]      gcyc_q, gcyc_d;

  always_comb begin
    cnt_d = cnt_q;
    gcyc_d = gcyc_q;
    if (gstart_i) gcyc_d = {{(CNT_W-1){1'b0}}, 1'b1};
    else if (inc_i[`TATAMI_CNT_LAST_GEMM]) gcyc_d = gcyc_q + 1'b1;
    for (int i = 0; i < NCNT; i++) begin
      if (i == `TATAMI_CNT_MACS)
        cnt_d[i*CNT_W +: CNT_W] = cnt_q[i*CNT_W +: CNT_W] + CNT_W'(macs_i);
      else if (i == `TATAMI_CNT_LAST_GEMM) begin
        if (inc_i[`TATAMI_CNT_GEMM_COUNT]) cnt_d[i*CNT_W +: CNT_W] = gcyc_d;  // includes done
      end else if (inc_i[i])
        cnt_d[i*CNT_W +: CNT_W] = cnt_q[i*CNT_W +: CNT_W] + 1'b1;
    end
    if (clear_i) cnt_d = '0;
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      cnt_q  <= '0;
      gcyc_q <= '0;
    end else begin
      cnt_q  <= cnt_d;
      gcyc_q <= gcyc_d;
    end
  end

  logic [63:0] cnt_o_c;
  always_comb begin
    cnt_o_c = '0;
    if (sel_i < 4'(NCNT)) cnt_o_c[CNT_W-1:0] = cnt_q[sel_i*CNT_W +: CNT_W];
    // written once per evaluation (Icarus wakes readers on every write)
    cnt_o = cnt_o_c;
  end
endmodule

// Command sequencer (docs/protocol.md sections 2-4). Takes one decoded frame
// at a time from tatami_rx, applies the destination check, the SEQ / dedup /
// replay rules and the per-opcode checks in the spec's order, executes the
// command (SRAM copy, SRAM read stream, GEMM start/wait, counters) and hands
// the response to tatami_tx. It acks the frame when its response payload has
// been handed over, so the decoder parses the next frame meanwhile.
// It also owns the performance counters.
`include "tatami_defs.svh"
module tatami_seq #(
  parameter int R          = 16,
  parameter int C          = 16,
  parameter int SRAM_BYTES = 1 << 20,
  parameter int W          = 16,
  parameter int PROFILE    = 0,
  parameter int TILE_X     = 0,
  parameter int TILE_Y     = 0,
  parameter int CREDITS    = 4,
  parameter int CNT_W      = 64,
  parameter int CLOCK_HZ   = 100000000,
  parameter int MW         = 9,          // width of the engine's ev_macs
  localparam int AW        = $clog2(SRAM_BYTES)
) (
  input  logic           clk_i,
  input  logic           rst_ni,

  // decoded frame (tatami_rx), held until frm_ack_o
  input  logic           frm_valid_i,
  input  logic [7:0]     frm_addr_i,
  input  logic [7:0]     frm_seq_i,
  input  logic [7:0]     frm_code_i,
  input  logic [15:0]    frm_len_i,
  input  logic [7:0]     frm_status_i,
  output logic           frm_ack_o,
  output logic [10:0]    fb_raddr_o,
  input  logic [7:0]     fb_rdata_i,     // one cycle after fb_raddr_o

  // response (tatami_tx)
  output logic           hdr_valid_o,
  input  logic           hdr_ready_i,
  output logic [7:0]     hdr_seq_o,
  output logic [7:0]     hdr_status_o,
  output logic [10:0]    hdr_len_o,
  output logic [7:0]     pl_data_o,
  output logic           pl_valid_o,
  input  logic           pl_ready_i,

  // SRAM read port C and write port (muxed to the engine while it is busy)
  output logic           rd_en_o,
  output logic [AW-1:0]  rd_addr_o,
  input  logic [8*W-1:0] rd_data_i,
  output logic           wr_en_o,
  output logic [AW-1:0]  wr_addr_o,
  output logic [8*W-1:0] wr_data_o,
  output logic [W-1:0]   wr_be_o,

  // GEMM engine
  output logic           g_start_o,
  output logic [AW-1:0]  g_a_o,
  output logic [AW-1:0]  g_b_o,
  output logic [AW-1:0]  g_c_o,
  output logic [23:0]    g_m_o,
  output logic [23:0]    g_n_o,
  output logic [23:0]    g_k_o,
  output logic [31:0]    g_lda_o,
  output logic [31:0]    g_ldb_o,
  output logic [31:0]    g_ldc_o,
  output logic           g_trans_a_o,
  output logic           g_trans_b_o,
  output logic           g_acc_o,
  input  logic           g_done_i,

  // per-cycle events for the counters
  input  logic           ev_busy_i,
  input  logic [MW-1:0]  ev_macs_i,
  input  logic           ev_stall_operand_i,
  input  logic           ev_stall_drain_i,
  input  logic           ev_stall_tx_i,
  input  logic           ev_rx_overrun_i,
  input  logic [3:0]     dbg_cnt_sel_i,
  output logic [63:0]    dbg_cnt_o,

  output logic           busy_o,          // executing a command
  output logic           error_o,         // last response was an error
  output logic           idle_o           // no frame in hand, nothing to execute
);
  // ------------------------------------------------------------ constants
  localparam logic [15:0] VERSION  = `TATAMI_VERSION;
  localparam logic [31:0] SRAM32   = SRAM_BYTES;
  localparam logic [32:0] SRAM33   = 33'(SRAM_BYTES);
  localparam int          MULW     = 60;  // > 2^32 + 2^24 * 2^34: any operand end fits
  localparam logic [MULW-1:0] SRAM_M = MULW'(SRAM_BYTES);
  localparam logic [31:0] CLK32    = CLOCK_HZ;
  localparam logic [31:0] PROF32   = PROFILE;
  localparam logic [31:0] X32      = TILE_X;
  localparam logic [31:0] Y32      = TILE_Y;
  localparam logic [31:0] R32      = R;
  localparam logic [31:0] C32      = C;
  localparam logic [31:0] CRED32   = CREDITS;
  localparam logic [7:0]  MY_ADDR  = {X32[3:0], Y32[3:0]};
  localparam int          NCNT     = `TATAMI_NUM_COUNTERS;
  // Status cache entry of a SEQ never executed since reset (not a status).
  localparam logic [7:0]  ST_NONE  = 8'hFF;

  typedef enum logic [3:0] {
    S_INIT, S_IDLE, S_DISPATCH, S_ARGS, S_CHECK, S_GMUL, S_GCHK2,
    S_GSTART, S_GWAIT, S_WRITE, S_RESP, S_PAYLOAD
  } state_e;

  // payload source of the response
  typedef enum logic [2:0] {
    K_NONE, K_INFO, K_SEQ, K_CNT, K_READ
  } kind_e;

  state_e      state_q, state_d;
  kind_e       kind_q, kind_d;
  logic [7:0]  expected_q, expected_d;
  logic        consume_q, consume_d;     // response stores the status and advances expected
  logic [7:0]  rsp_status_q, rsp_status_d;
  logic [10:0] rsp_len_q, rsp_len_d;
  logic        error_q, error_d;
  logic [7:0]  init_idx_q;

  // command arguments: the first 40 payload bytes, byte i at [8*i +: 8]
  // (always 40 are shifted in: cheaper than a byte demux, and the bytes
  // past LEN are never looked at)
  logic [319:0] args_q, args_d;
  logic [5:0]   ai_q, ai_d;

  // GEMM descriptor fields
  logic [31:0] d_a, d_b, d_c, d_m, d_n, d_k, d_lda, d_ldb, d_ldc;
  logic [7:0]  d_flags, d_dtype_ab, d_dtype_c;
  logic [23:0] rows_a, cols_a, rows_b, cols_b;

  // sequential multiplier for the range checks: end = base + (rows-1)*ld
  logic [MULW-1:0] acc_q, acc_d, mcand_q, mcand_d;
  logic [23:0] mplier_q, mplier_d;
  logic [4:0]  mcnt_q, mcnt_d;
  logic [1:0]  pass_q, pass_d;
  logic        range_bad_q, range_bad_d;
  logic [32:0] end_a_q, end_a_d, end_b_q, end_b_d, end_c_q, end_c_d;
  logic [MULW-1:0] mul_acc0;
  logic [MULW-1:0] mul_mcand0;
  logic [33:0]     mul_base_x, mul_base_y;
  logic [23:0]     mul_rows;
  logic [23:0] mul_mplier0;

  // WRITE copy and READ stream
  logic [10:0]   wi_q, wi_d, wr_n;
  logic          wv_q, wv_d;
  logic [AW-1:0] wa_q, wa_d;
  logic [10:0]   ri_q, ri_d;
  logic [AW-1:0] rptr_q, rptr_d;
  logic          rdv_q, rdv_d;
  logic [10:0]   pidx_q, pidx_d;
  logic [63:0]   snap_q, snap_d;

  // counters
  logic [NCNT*CNT_W-1:0] cnt_q, cnt_d;
  logic [CNT_W-1:0]      gcyc_q, gcyc_d;
  logic                  inc_ok, inc_err, inc_dup, gemm_done, cnt_clear;

  // status cache (block RAM)
  logic [7:0] cache [256];
  logic [7:0] cache_rd_q;
  logic       cache_we;
  logic [7:0] cache_waddr, cache_wdata;

  logic [7:0]  diff;
  logic        pl_take;
  logic [7:0]  info_byte;
  logic [63:0] cnt_live;
  logic [32:0] rd_addr_end, wr_addr_end;
  logic [32:0] a33, b33, c33;

  // ------------------------------------------------------------ fields
  assign d_a        = args_q[31:0];
  assign d_b        = args_q[63:32];
  assign d_c        = args_q[95:64];
  assign d_m        = args_q[127:96];
  assign d_n        = args_q[159:128];
  assign d_k        = args_q[191:160];
  assign d_lda      = args_q[223:192];
  assign d_ldb      = args_q[255:224];
  assign d_ldc      = args_q[287:256];
  assign d_flags    = args_q[295:288];
  assign d_dtype_ab = args_q[303:296];
  assign d_dtype_c  = args_q[311:304];
  // stored shapes (only used once m, n, k are known to fit in 24 bits)
  assign rows_a     = d_flags[0] ? d_k[23:0] : d_m[23:0];
  assign cols_a     = d_flags[0] ? d_m[23:0] : d_k[23:0];
  assign rows_b     = d_flags[1] ? d_n[23:0] : d_k[23:0];
  assign cols_b     = d_flags[1] ? d_k[23:0] : d_n[23:0];
  assign a33        = {1'b0, d_a};
  assign b33        = {1'b0, d_b};
  assign c33        = {1'b0, d_c};

  assign wr_n        = frm_len_i[10:0] - 11'd4;
  assign wr_addr_end = a33 + {22'b0, wr_n};
  assign rd_addr_end = a33 + {17'b0, args_q[47:32]};
  assign diff        = expected_q - frm_seq_i;

  // multiplier operands of pass_d (loaded when a pass starts)
  always_comb begin
    unique case (pass_d)
      2'd0: begin
        mul_base_x = {2'b0, d_a};
        mul_base_y = {10'b0, cols_a};
        mul_mcand0 = {{(MULW-32){1'b0}}, d_lda};
        mul_rows   = rows_a;
      end
      2'd1: begin
        mul_base_x = {2'b0, d_b};
        mul_base_y = {10'b0, cols_b};
        mul_mcand0 = {{(MULW-32){1'b0}}, d_ldb};
        mul_rows   = rows_b;
      end
      default: begin  // C in bytes: c + 4*n + (m-1)*4*ldc
        mul_base_x = {2'b0, d_c};
        mul_base_y = {8'b0, d_n[23:0], 2'b00};
        mul_mcand0 = {{(MULW-34){1'b0}}, d_ldc, 2'b00};
        mul_rows   = d_m[23:0];
      end
    endcase
    // one adder and one decrement shared by the three passes
    mul_acc0    = {{(MULW-34){1'b0}}, mul_base_x + mul_base_y};
    mul_mplier0 = mul_rows - 24'd1;
  end

  // INFO record (20 bytes)
  always_comb begin
    unique case (pidx_q[4:0])
      5'd0:    info_byte = VERSION[7:0];
      5'd1:    info_byte = VERSION[15:8];
      5'd2:    info_byte = PROF32[7:0];
      5'd3:    info_byte = MY_ADDR;
      5'd4:    info_byte = R32[7:0];
      5'd5:    info_byte = C32[7:0];
      5'd6:    info_byte = CRED32[7:0];
      5'd7:    info_byte = 8'h01;                 // int8 x int8 -> int32
      5'd8:    info_byte = SRAM32[7:0];
      5'd9:    info_byte = SRAM32[15:8];
      5'd10:   info_byte = SRAM32[23:16];
      5'd11:   info_byte = SRAM32[31:24];
      5'd12:   info_byte = 8'h00;                 // max data 1024 = 0x0400
      5'd13:   info_byte = 8'h04;
      5'd14:   info_byte = 8'(`TATAMI_DUP_WINDOW);
      5'd15:   info_byte = 8'h00;
      5'd16:   info_byte = CLK32[7:0];
      5'd17:   info_byte = CLK32[15:8];
      5'd18:   info_byte = CLK32[23:16];
      5'd19:   info_byte = CLK32[31:24];
      default: info_byte = 8'h00;
    endcase
  end

  // Counter pidx_q[6:3] of a COUNTERS response, zero-extended.
  logic [63:0] cnt_live_c;
  always_comb begin
    cnt_live_c = '0;
    if (pidx_q[6:3] < 4'(NCNT)) cnt_live_c[CNT_W-1:0] = cnt_q[pidx_q[6:3]*CNT_W +: CNT_W];
    // written once per evaluation (no intermediate values: Icarus wakes
    // every always_comb reading them on each write)
    cnt_live = cnt_live_c;
  end

  logic [63:0] dbg_cnt_o_c;
  always_comb begin
    dbg_cnt_o_c = '0;
    if (dbg_cnt_sel_i < 4'(NCNT)) dbg_cnt_o_c[CNT_W-1:0] = cnt_q[dbg_cnt_sel_i*CNT_W +: CNT_W];
    // written once per evaluation (no intermediate values: Icarus wakes
    // every always_comb reading them on each write)
    dbg_cnt_o = dbg_cnt_o_c;
  end

  // Response payload stream.
  logic pl_valid_o_c;
  logic [7:0] pl_data_o_c;
  always_comb begin
    pl_valid_o_c = 1'b0;
    pl_data_o_c  = 8'h00;
    if (state_q == S_PAYLOAD) begin
      unique case (kind_q)
        K_INFO: begin pl_valid_o_c = 1'b1; pl_data_o_c = info_byte; end
        K_SEQ:  begin pl_valid_o_c = 1'b1; pl_data_o_c = expected_q; end
        K_CNT: begin
          pl_valid_o_c = 1'b1;
          // Byte 0 of each counter comes live; the other 7 come from a
          // snapshot taken with it, so a counter is never torn.
          pl_data_o_c  = (pidx_q[2:0] == 3'd0) ? cnt_live[7:0] : snap_q[8*pidx_q[2:0] +: 8];
        end
        K_READ: begin pl_valid_o_c = rdv_q; pl_data_o_c = rd_data_i[7:0]; end
        default: ;
      endcase
    end
    // written once per evaluation (no intermediate values: Icarus wakes
    // every always_comb reading them on each write)
    pl_valid_o = pl_valid_o_c;
    pl_data_o  = pl_data_o_c;
  end
  assign pl_take = pl_valid_o && pl_ready_i;

  // ------------------------------------------------------------ main FSM
  logic inc_ok_c;
  logic inc_err_c;
  logic inc_dup_c;
  logic gemm_done_c;
  logic cnt_clear_c;
  logic [CNT_W-1:0] gcyc_d_c;
  logic [1:0] pass_d_c;
  logic frm_ack_o_c;
  logic g_start_o_c;
  logic rd_en_o_c;
  logic [AW-1:0] rd_addr_o_c;
  always_comb begin
    state_d      = state_q;
    kind_d       = kind_q;
    expected_d   = expected_q;
    consume_d    = consume_q;
    rsp_status_d = rsp_status_q;
    rsp_len_d    = rsp_len_q;
    error_d      = error_q;
    args_d       = args_q;
    ai_d         = ai_q;
    acc_d        = acc_q;
    mcand_d      = mcand_q;
    mplier_d     = mplier_q;
    mcnt_d       = mcnt_q;
    pass_d_c     = pass_q;
    range_bad_d  = range_bad_q;
    end_a_d      = end_a_q;
    end_b_d      = end_b_q;
    end_c_d      = end_c_q;
    wi_d         = wi_q;
    wv_d         = 1'b0;
    wa_d         = wa_q;
    ri_d         = ri_q;
    rptr_d       = rptr_q;
    rdv_d        = rdv_q;
    pidx_d       = pidx_q;
    snap_d       = snap_q;
    gcyc_d_c     = gcyc_q;
    frm_ack_o_c  = 1'b0;
    fb_raddr_o   = {5'b0, ai_q};
    rd_en_o_c    = 1'b0;
    rd_addr_o_c  = rptr_q;
    g_start_o_c  = 1'b0;
    inc_ok_c     = 1'b0;
    inc_err_c    = 1'b0;
    inc_dup_c    = 1'b0;
    gemm_done_c  = 1'b0;
    cnt_clear_c  = 1'b0;
    cache_we     = 1'b0;
    cache_waddr  = frm_seq_i;
    cache_wdata  = rsp_status_q;

    unique case (state_q)
      // Mark every cache entry "never executed" after reset.
      S_INIT: begin
        cache_we    = 1'b1;
        cache_waddr = init_idx_q;
        cache_wdata = ST_NONE;
        if (init_idx_q == 8'hFF) state_d = S_IDLE;
      end

      // The cache is read at frm_seq_i here, so its entry is ready next cycle.
      S_IDLE: begin
        consume_d = 1'b0;
        kind_d    = K_NONE;
        rsp_len_d = '0;
        if (frm_valid_i) state_d = S_DISPATCH;
      end

      S_DISPATCH: begin
        state_d = S_RESP;                 // unless something below executes
        if (frm_status_i != `TATAMI_ST_OK) begin
          rsp_status_d = frm_status_i;    // BAD_CRC / TRUNCATED / TOO_LONG
          inc_err_c    = 1'b1;
        end else if (frm_addr_i != MY_ADDR) begin
          rsp_status_d = `TATAMI_ST_BAD_DEST;
        end else begin
          inc_ok_c = 1'b1;
          // A "duplicate" of a SEQ that never ran since reset has no status
          // to replay; answering SEQ (not executed) is safer than a fake OK.
          if (frm_code_i != `TATAMI_OP_HELLO &&
              (diff > 8'd128 || (diff != 8'd0 && cache_rd_q == ST_NONE &&
                                 frm_code_i != `TATAMI_OP_INFO && frm_code_i != `TATAMI_OP_READ &&
                                 frm_code_i != `TATAMI_OP_COUNTERS))) begin
            rsp_status_d = `TATAMI_ST_SEQ;  // ahead: a frame was lost
            rsp_len_d    = 11'd1;
            kind_d       = K_SEQ;
          end else if (frm_code_i != `TATAMI_OP_HELLO && diff != 8'd0 &&
                       !(frm_code_i == `TATAMI_OP_INFO || frm_code_i == `TATAMI_OP_READ ||
                         frm_code_i == `TATAMI_OP_COUNTERS)) begin
            rsp_status_d = cache_rd_q;      // duplicate: replay, do not execute
            inc_dup_c    = 1'b1;
          end else begin
            // execute: HELLO, the expected SEQ, or an idempotent duplicate
            inc_dup_c    = (frm_code_i != `TATAMI_OP_HELLO) && (diff != 8'd0);
            consume_d    = (frm_code_i == `TATAMI_OP_HELLO) || (diff == 8'd0);
            rsp_status_d = `TATAMI_ST_OK;
            ai_d         = '0;
            unique case (frm_code_i)
              `TATAMI_OP_HELLO, `TATAMI_OP_INFO, `TATAMI_OP_COUNTERS, `TATAMI_OP_CLEAR: begin
                if (frm_len_i != 16'd0) begin
                  rsp_status_d = `TATAMI_ST_BAD_LEN;
                end else if (frm_code_i == `TATAMI_OP_COUNTERS) begin
                  rsp_len_d = 11'd96;
                  kind_d    = K_CNT;
                end else if (frm_code_i == `TATAMI_OP_CLEAR) begin
                  cnt_clear_c = 1'b1;
                end else begin
                  rsp_len_d = 11'd20;
                  kind_d    = K_INFO;
                end
              end
              `TATAMI_OP_WRITE: begin
                if (frm_len_i < 16'd5) rsp_status_d = `TATAMI_ST_BAD_LEN;
                else state_d = S_ARGS;
              end
              `TATAMI_OP_READ: begin
                if (frm_len_i != 16'd6) rsp_status_d = `TATAMI_ST_BAD_LEN;
                else state_d = S_ARGS;
              end
              `TATAMI_OP_GEMM: begin
                if (frm_len_i != 16'd40) rsp_status_d = `TATAMI_ST_BAD_LEN;
                else state_d = S_ARGS;
              end
              default: rsp_status_d = `TATAMI_ST_BAD_OPCODE;
            endcase
          end
        end
      end

      // Shift payload bytes 0..39 in from the frame buffer (one per cycle,
      // each arriving one cycle after its address).
      S_ARGS: begin
        if (ai_q != 6'd0) args_d = {fb_rdata_i, args_q[319:8]};
        ai_d = ai_q + 6'd1;
        if (ai_q == 6'd40) state_d = S_CHECK;
      end

      S_CHECK: begin
        state_d = S_RESP;
        unique case (frm_code_i)
          `TATAMI_OP_WRITE: begin
            if (wr_addr_end > SRAM33) rsp_status_d = `TATAMI_ST_ADDR_RANGE;
            else begin
              state_d = S_WRITE;
              wi_d    = '0;
            end
          end
          `TATAMI_OP_READ: begin
            if (args_q[47:32] == 16'd0 || args_q[47:32] > 16'(`TATAMI_MAX_DATA))
              rsp_status_d = `TATAMI_ST_BAD_ARG;
            else if (rd_addr_end > SRAM33)
              rsp_status_d = `TATAMI_ST_ADDR_RANGE;
            else begin
              rsp_len_d = args_q[42:32];
              kind_d    = K_READ;
            end
          end
          default: begin  // GEMM
            if (d_dtype_ab != 8'd0 || d_dtype_c != 8'd0) begin
              rsp_status_d = `TATAMI_ST_BAD_DTYPE;
            end else if (d_flags[7:3] != 5'd0 ||
                         d_m == 32'd0 || d_n == 32'd0 || d_k == 32'd0 ||
                         d_m[31:24] != 8'd0 || d_n[31:24] != 8'd0 || d_k[31:24] != 8'd0 ||
                         d_lda < (d_flags[0] ? d_m : d_k) ||
                         d_ldb < (d_flags[1] ? d_k : d_n) ||
                         d_ldc < d_n) begin
              rsp_status_d = `TATAMI_ST_BAD_ARG;
            end else begin
              state_d     = S_GMUL;
              pass_d_c    = 2'd0;
              range_bad_d = 1'b0;
              mcnt_d      = '0;
              acc_d       = mul_acc0;
              mcand_d     = mul_mcand0;
              mplier_d    = mul_mplier0;
            end
          end
        endcase
      end

      // Shift-add: 24 steps per operand, three operands (A, B, C).
      S_GMUL: begin
        if (mcnt_q != 5'd24) begin
          if (mplier_q[0]) acc_d = acc_q + mcand_q;
          mcand_d  = {mcand_q[MULW-2:0], 1'b0};
          mplier_d = {1'b0, mplier_q[23:1]};
          mcnt_d   = mcnt_q + 5'd1;
        end else begin
          if (acc_q > SRAM_M) range_bad_d = 1'b1;
          unique case (pass_q)
            2'd0:    end_a_d = acc_q[32:0];
            2'd1:    end_b_d = acc_q[32:0];
            default: end_c_d = acc_q[32:0];
          endcase
          if (pass_q == 2'd2) begin
            state_d = S_GCHK2;
          end else begin
            pass_d_c = pass_q + 2'd1;
            mcnt_d   = '0;
            acc_d    = mul_acc0;
            mcand_d  = mul_mcand0;
            mplier_d = mul_mplier0;
          end
        end
      end

      S_GCHK2: begin
        if (range_bad_q) begin
          state_d      = S_RESP;
          rsp_status_d = `TATAMI_ST_ADDR_RANGE;
        end else if ((c33 < end_a_q && a33 < end_c_q) || (c33 < end_b_q && b33 < end_c_q)) begin
          state_d      = S_RESP;
          rsp_status_d = `TATAMI_ST_OVERLAP;
        end else begin
          state_d = S_GSTART;
        end
      end

      S_GSTART: begin
        g_start_o_c = 1'b1;
        gcyc_d_c  = {{(CNT_W-1){1'b0}}, 1'b1};
        state_d   = S_GWAIT;
      end

      // last_gemm_cycles counts from the start pulse to done_o, inclusive.
      S_GWAIT: begin
        gcyc_d_c = gcyc_q + 1'b1;
        if (g_done_i) begin
          gemm_done_c = 1'b1;
          state_d   = S_RESP;
        end
      end

      // Copy payload bytes 4.. into SRAM, one per cycle (frame buffer read,
      // then SRAM write of that byte in the next cycle).
      S_WRITE: begin
        fb_raddr_o = wi_q + 11'd4;
        if (wi_q != wr_n) begin
          wi_d = wi_q + 11'd1;
          wv_d = 1'b1;
          wa_d = d_a[AW-1:0] + AW'(wi_q);
        end else if (!wv_q) begin
          state_d = S_RESP;
        end
      end

      S_RESP: begin
        if (hdr_ready_i) begin
          if (consume_q) begin
            cache_we   = 1'b1;
            expected_d = frm_seq_i + 8'd1;
          end
          error_d = (rsp_status_q != `TATAMI_ST_OK);
          pidx_d  = '0;
          ri_d    = '0;
          rdv_d   = 1'b0;
          rptr_d  = d_a[AW-1:0];
          if (rsp_len_q != '0) begin
            state_d = S_PAYLOAD;
          end else begin
            state_d   = S_IDLE;
            frm_ack_o_c = 1'b1;
          end
        end
      end

      S_PAYLOAD: begin
        // READ: SRAM read port C, one byte per cycle while the link takes
        // them; the SRAM holds its output while rd_en_o is low.
        if (kind_q == K_READ) begin
          if ((!rdv_q || pl_ready_i) && ri_q != rsp_len_q) begin
            rd_en_o_c = 1'b1;
            rptr_d  = rptr_q + 1'b1;
            ri_d    = ri_q + 11'd1;
            rdv_d   = 1'b1;
          end else if (pl_ready_i) begin
            rdv_d = 1'b0;
          end
        end
        if (pl_take) begin
          pidx_d = pidx_q + 11'd1;
          if (pidx_q[2:0] == 3'd0) snap_d = cnt_live;
          if (pidx_q == rsp_len_q - 11'd1) begin
            state_d   = S_IDLE;
            frm_ack_o_c = 1'b1;
          end
        end
      end

      default: state_d = S_IDLE;
    endcase
    // written once per evaluation (no intermediate values: Icarus wakes
    // every always_comb reading them on each write)
    inc_ok    = inc_ok_c;
    inc_err   = inc_err_c;
    inc_dup   = inc_dup_c;
    gemm_done = gemm_done_c;
    cnt_clear = cnt_clear_c;
    gcyc_d    = gcyc_d_c;
    pass_d    = pass_d_c;
    frm_ack_o = frm_ack_o_c;
    g_start_o = g_start_o_c;
    rd_en_o   = rd_en_o_c;
    rd_addr_o = rd_addr_o_c;
  end

  // ------------------------------------------------------------ counters
  always_comb begin
    cnt_d = cnt_q;
    cnt_d[`TATAMI_CNT_CYCLES*CNT_W +: CNT_W] = cnt_q[`TATAMI_CNT_CYCLES*CNT_W +: CNT_W] + 1'b1;
    if (ev_busy_i)
      cnt_d[`TATAMI_CNT_BUSY*CNT_W +: CNT_W] = cnt_q[`TATAMI_CNT_BUSY*CNT_W +: CNT_W] + 1'b1;
    cnt_d[`TATAMI_CNT_MACS*CNT_W +: CNT_W] = cnt_q[`TATAMI_CNT_MACS*CNT_W +: CNT_W] + CNT_W'(ev_macs_i);
    if (ev_stall_operand_i)
      cnt_d[`TATAMI_CNT_STALL_OPERAND*CNT_W +: CNT_W] =
          cnt_q[`TATAMI_CNT_STALL_OPERAND*CNT_W +: CNT_W] + 1'b1;
    if (ev_stall_drain_i)
      cnt_d[`TATAMI_CNT_STALL_DRAIN*CNT_W +: CNT_W] =
          cnt_q[`TATAMI_CNT_STALL_DRAIN*CNT_W +: CNT_W] + 1'b1;
    if (ev_stall_tx_i)
      cnt_d[`TATAMI_CNT_STALL_TX*CNT_W +: CNT_W] = cnt_q[`TATAMI_CNT_STALL_TX*CNT_W +: CNT_W] + 1'b1;
    if (inc_ok)
      cnt_d[`TATAMI_CNT_FRAMES_OK*CNT_W +: CNT_W] = cnt_q[`TATAMI_CNT_FRAMES_OK*CNT_W +: CNT_W] + 1'b1;
    if (inc_err)
      cnt_d[`TATAMI_CNT_FRAMES_ERR*CNT_W +: CNT_W] =
          cnt_q[`TATAMI_CNT_FRAMES_ERR*CNT_W +: CNT_W] + 1'b1;
    if (inc_dup)
      cnt_d[`TATAMI_CNT_FRAMES_DUP*CNT_W +: CNT_W] =
          cnt_q[`TATAMI_CNT_FRAMES_DUP*CNT_W +: CNT_W] + 1'b1;
    if (ev_rx_overrun_i)
      cnt_d[`TATAMI_CNT_RX_OVERRUN*CNT_W +: CNT_W] =
          cnt_q[`TATAMI_CNT_RX_OVERRUN*CNT_W +: CNT_W] + 1'b1;
    if (gemm_done) begin
      cnt_d[`TATAMI_CNT_LAST_GEMM*CNT_W +: CNT_W] = gcyc_d;  // includes the done cycle
      cnt_d[`TATAMI_CNT_GEMM_COUNT*CNT_W +: CNT_W] =
          cnt_q[`TATAMI_CNT_GEMM_COUNT*CNT_W +: CNT_W] + 1'b1;
    end
    if (cnt_clear) cnt_d = '0;
  end

  // ------------------------------------------------------------ registers
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q      <= S_INIT;
      kind_q       <= K_NONE;
      expected_q   <= '0;
      consume_q    <= 1'b0;
      rsp_status_q <= '0;
      rsp_len_q    <= '0;
      error_q      <= 1'b0;
      init_idx_q   <= '0;
      args_q       <= '0;
      ai_q         <= '0;
      acc_q        <= '0;
      mcand_q      <= '0;
      mplier_q     <= '0;
      mcnt_q       <= '0;
      pass_q       <= '0;
      range_bad_q  <= 1'b0;
      end_a_q      <= '0;
      end_b_q      <= '0;
      end_c_q      <= '0;
      wi_q         <= '0;
      wv_q         <= 1'b0;
      wa_q         <= '0;
      ri_q         <= '0;
      rptr_q       <= '0;
      rdv_q        <= 1'b0;
      pidx_q       <= '0;
      snap_q       <= '0;
      gcyc_q       <= '0;
      cnt_q        <= '0;
    end else begin
      state_q      <= state_d;
      kind_q       <= kind_d;
      expected_q   <= expected_d;
      consume_q    <= consume_d;
      rsp_status_q <= rsp_status_d;
      rsp_len_q    <= rsp_len_d;
      error_q      <= error_d;
      init_idx_q   <= init_idx_q + 8'd1;
      args_q       <= args_d;
      ai_q         <= ai_d;
      acc_q        <= acc_d;
      mcand_q      <= mcand_d;
      mplier_q     <= mplier_d;
      mcnt_q       <= mcnt_d;
      pass_q       <= pass_d;
      range_bad_q  <= range_bad_d;
      end_a_q      <= end_a_d;
      end_b_q      <= end_b_d;
      end_c_q      <= end_c_d;
      wi_q         <= wi_d;
      wv_q         <= wv_d;
      wa_q         <= wa_d;
      ri_q         <= ri_d;
      rptr_q       <= rptr_d;
      rdv_q        <= rdv_d;
      pidx_q       <= pidx_d;
      snap_q       <= snap_d;
      gcyc_q       <= gcyc_d;
      cnt_q        <= cnt_d;
    end
  end

  // Status cache: plain RAM, one write port, one synchronous read port.
  always_ff @(posedge clk_i) begin
    if (cache_we) cache[cache_waddr] <= cache_wdata;
    cache_rd_q <= cache[frm_seq_i];
  end

  // ------------------------------------------------------------ outputs
  assign hdr_valid_o  = (state_q == S_RESP);
  assign hdr_seq_o    = frm_seq_i;
  assign hdr_status_o = rsp_status_q;
  assign hdr_len_o    = rsp_len_q;

  assign wr_en_o   = (state_q == S_WRITE) && wv_q;
  assign wr_addr_o = wa_q;
  assign wr_data_o = {{(8*W-8){1'b0}}, fb_rdata_i};
  assign wr_be_o   = {{(W-1){1'b0}}, 1'b1};

  assign g_a_o       = d_a[AW-1:0];
  assign g_b_o       = d_b[AW-1:0];
  assign g_c_o       = d_c[AW-1:0];
  assign g_m_o       = d_m[23:0];
  assign g_n_o       = d_n[23:0];
  assign g_k_o       = d_k[23:0];
  assign g_lda_o     = d_lda;
  assign g_ldb_o     = d_ldb;
  assign g_ldc_o     = d_ldc;
  assign g_trans_a_o = d_flags[0];
  assign g_trans_b_o = d_flags[1];
  assign g_acc_o     = d_flags[2];

  // READ streams one byte per SRAM access; the other lanes are not needed.
  /* verilator lint_off UNUSEDSIGNAL */
  logic unused_rd;
  assign unused_rd = ^rd_data_i[8*W-1:8];
  /* verilator lint_on UNUSEDSIGNAL */

  assign busy_o  = (state_q != S_IDLE) && (state_q != S_INIT);
  assign error_o = error_q;
  assign idle_o  = (state_q == S_IDLE) && !frm_valid_i;
endmodule

// Command sequencer (docs/protocol.md sections 2-4). Takes one decoded frame
// at a time from tatami_rx, applies the destination check, the SEQ / dedup /
// replay rules and the per-opcode checks in the spec's order, executes the
// command (SRAM copy, SRAM read stream, GEMM start/wait, counters) and hands
// the response to tatami_tx. It acks the frame when its response payload has
// been handed over, so the decoder parses the next frame meanwhile.
// It also owns the performance counters.
//
// Area (iCE40): the argument checks run on one byte-serial 32-bit ALU. Its
// operand is re-read from the frame buffer (which holds the frame until the
// ack), its accumulator is a 4-byte ring, and a small micro-program walks the
// checks in the spec's order (one 6-cycle step per 32-bit operation; a GEMM
// takes about 600 cycles of checks). Arithmetic is exact: every 32-bit field
// is used whole and a carry out of bit 31 is an overflow, so nothing wraps.
//
// FP = 1 (protocol 1.1, docs/protocol.md): GEMM descriptors of 40 or 48
// bytes with data types and CFloat8 biases (element sizes scale the range
// checks: the micro-program doubles the end 0, 1 or 2 times per operand),
// the sticky flags register (set by ev_flags_i; FLAGS reads it,
// CLEAR_FLAGS clears by mask) and SEED (a pulse on seed_we_o); VEC (with
// VEC = 1: the descriptor goes to tatami_vec, which checks and runs it) and
// RUN (command programs): the records are fetched from SRAM through the read
// port into a record buffer (pbuf, read like the frame buffer), parameter-
// relative addresses resolved on the way in, and each record then takes the
// path of a command from the link (cur_code / cur_len select the record's
// opcode and length) except that its response is not sent: the first
// failing record, or the end, answers the RUN frame. FP = 0 is exactly the
// 1.0 sequencer.
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
  parameter int RD_LAT     = 1,          // clocks from rd_en_o to rd_data_i: 1, or 2 (tatami_sram1p ARB=0)
  parameter bit FP         = 1'b0,       // protocol 1.1: float GEMM, flags, seed, RUN
  parameter bit VEC        = 1'b0,       // FP: a vector unit is attached (VEC)
  parameter bit PROG       = 1'b1,       // FP: RUN (command programs); 0: RUN is BAD_OPCODE
                                         // (the host expands programs), any RD_LAT
  parameter bit CF8        = 1'b1,       // FP: CFloat8 GEMM dtypes; 0: BF16 only (BAD_DTYPE),
                                         // INFO features without bit 2
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
  output logic [2:0]     g_dtype_a_o,    // FP: protocol dtype codes, CFloat8 biases
  output logic [2:0]     g_dtype_b_o,
  output logic [2:0]     g_dtype_c_o,
  output logic [5:0]     g_bias_a_o,
  output logic [5:0]     g_bias_b_o,
  output logic [5:0]     g_bias_c_o,
  input  logic           g_done_i,

  // FP: sticky flags (docs/numerics.md 7) and the random source's seed
  input  logic [4:0]     ev_flags_i,     // flag bits raised this cycle
  output logic           seed_we_o,
  output logic [31:0]    seed_o,

  // FP, VEC: the vector unit; its descriptor is the captured VEC payload
  output logic [8*72-1:0] v_desc_o,
  output logic           v_chk_start_o,  // the descriptor is loaded: check it
  input  logic           v_chk_valid_i,
  input  logic [7:0]     v_chk_status_i,
  output logic           v_start_o,
  input  logic           v_done_i,

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
  localparam logic [15:0] VERSION  = FP ? `TATAMI_VERSION_1_1 : `TATAMI_VERSION;
  // INFO features: int8 GEMM; FP adds BF16 and CFloat8 GEMMs and FLAGS/SEED
  localparam logic [7:0]  FEATURES = FP ? ((VEC ? 8'h1B : 8'h13) | (CF8 ? 8'h04 : 8'h00) |
                                            (PROG ? 8'h20 : 8'h00)) : 8'h01;
  localparam logic [31:0] SRAM32   = SRAM_BYTES;
  localparam logic [31:0] CLK32    = CLOCK_HZ;
  localparam logic [31:0] PROF32   = PROFILE;
  localparam logic [31:0] X32      = TILE_X;
  localparam logic [31:0] Y32      = TILE_Y;
  localparam logic [31:0] R32      = R;
  localparam logic [31:0] C32      = C;
  localparam logic [31:0] CRED32   = CREDITS;
  localparam logic [7:0]  MY_ADDR  = {X32[3:0], Y32[3:0]};
  localparam int          NCNT     = `TATAMI_NUM_COUNTERS;
  // payload bytes captured: the GEMM descriptor's 0..36; FP: the 48-byte
  // float GEMM descriptor (types and biases are bytes 37..42), with VEC or
  // RUN up to the 72-byte VEC descriptor
  localparam int          NARGS    = FP ? ((VEC || PROG) ? 72 : 48) : 37;
  localparam int          AIW      = FP ? 7 : 6;   // payload byte index of S_ARGS
  localparam int          NRF      = (4 + 72 + W - 1) / W;   // RUN: reads per record
  // Status cache entry of a SEQ never executed since reset (not a status).
  localparam logic [7:0]  ST_NONE  = 8'hFF;

  typedef enum logic [3:0] {
    S_INIT, S_IDLE, S_DISPATCH, S_ARGS, S_CHECK, S_GSTART, S_GWAIT, S_WRITE, S_RESP, S_PAYLOAD,
    S_RFETCH, S_RSUB, S_VCHK, S_VWAIT      // FP: RUN records, VEC
  } state_e;

  // payload source of the response
  typedef enum logic [2:0] {
    K_NONE, K_INFO, K_SEQ, K_CNT, K_READ, K_FLAGS, K_RUN
  } kind_e;

  // ---- check micro-program (S_CHECK) ----
  // One step = one 32-bit operation on the accumulator, byte-serial, LSB
  // first: bj 0 addresses the first operand byte in the frame buffer, bj 1..4
  // process bytes 0..3, bj 5 evaluates the step's test.
  //   U_LOAD: acc = Y        U_ADD: acc = acc + Y
  //   U_DBL:  acc = 2*acc + Y (Horner step of the multiplication)
  //   U_CMP:  lt = Y < acc (acc unchanged)
  // Y is an operand field of the payload (U_FB, bytes past its width read 0;
  // in the Horner step it is gated by the current multiplier bit), 0, -1, or
  // the WRITE data length.
  typedef enum logic [1:0] {U_LOAD, U_ADD, U_DBL, U_CMP} uop_e;
  typedef enum logic [1:0] {Y_FB, Y_ZERO, Y_ONES, Y_WRN} ysrc_e;
  typedef enum logic [2:0] {
    T_NONE,   // no test
    T_DTYPE,  // fail if acc[23:8] != 0 (payload bytes 37, 38)
    T_ARG24,  // fail if acc == 0 or acc >= 2^24
    T_FLAGS,  // fail if acc[7:3] != 0
    T_LEN,    // fail if acc == 0 or acc > 1024 (READ length)
    T_RANGE,  // fail if the operation overflowed 32 bits or acc > SRAM
    T_LT,     // fail if lt
    T_RSV     // FP, 48-byte GEMM: step 21: a bias above 63 or byte 43 not 0; 22: acc != 0
  } test_e;

  // micro-program addresses
  localparam logic [4:0] P_WRITE  = 5'd0;   // 0..1
  localparam logic [4:0] P_READ   = 5'd2;   // 2..3
  localparam logic [4:0] P_GEMM   = 5'd4;   // 4..20 (19, 20: overlap)
  localparam logic [4:0] P_STRIDE = 5'd9;   // per operand: ld >= stored row
  localparam logic [4:0] P_RANGE  = 5'd11;  // per operand: end, range, overlap
  localparam logic [4:0] P_HORNER = 5'd14;
  localparam logic [4:0] P_BASE   = 5'd18;

  // payload offsets of the GEMM descriptor fields, in 32-bit words
  localparam logic [3:0] O_A = 4'd0, O_B = 4'd1, O_C = 4'd2, O_M = 4'd3, O_N = 4'd4,
                         O_K = 4'd5, O_LDA = 4'd6, O_LDB = 4'd7, O_LDC = 4'd8,
                         O_FLAGS = 4'd9,   // flags, dtype_a, dtype_c, dtype_b (48 bytes)
                         O_BIAS = 4'd10,   // FP: bias_a, bias_b, bias_c, reserved
                         O_RSV = 4'd11,    // FP: reserved bytes 44..47
                         O_RLEN = 4'd1;    // READ: len

  state_e      state_q, state_d;
  kind_e       kind_q, kind_d;
  logic [7:0]  expected_q, expected_d;
  logic        consume_q, consume_d;     // response stores the status and advances expected
  // Statuses are below 16 (tatami_rx only reports OK, BAD_CRC, TRUNCATED
  // and TOO_LONG), so 4 bits hold the response status.
  logic [3:0]  rsp_status_q;
  /* verilator lint_off UNUSEDSIGNAL */
  logic [7:0]  rsp_status_d;
  /* verilator lint_on UNUSEDSIGNAL */
  logic [10:0] rsp_len_q, rsp_len_d;
  logic        error_q, error_d;

  // Payload bytes 0..36, as the engine needs them (byte i at [8*i +: 8]);
  // bits nobody reads are removed by synthesis.
  /* verilator lint_off UNUSEDSIGNAL */
  logic [8*NARGS-1:0] args_q, args_d;
  /* verilator lint_on UNUSEDSIGNAL */
  logic [AIW-1:0] ai_q, ai_d;

  // check ALU and micro-sequencer
  logic [4:0]  upc_q, upc_d;
  logic [1:0]  pass_q, pass_d;          // operand of the per-operand steps: 0 A, 1 B, 2 C
  logic [2:0]  bj_q, bj_d;
  // a step's test result, registered at bj 5 and acted on at bj 6 (the test
  // and the state change after it do not fit one UP5K clock together)
  logic        ufail_q, ufail_d;
  logic [31:0] acc_q, acc_d;
  logic        cy_q, cy_d;              // carry between bytes; after byte 3 the carry out
  logic        msb_q, msb_d;            // U_DBL: bit shifted out of the previous byte
  logic [23:0] mr_q, mr_d;              // multiplier: rows - 1
  logic [4:0]  hcnt_q, hcnt_d;          // Horner: multiplier bit
  logic [1:0]  ovl_q, ovl_d;            // C starts before the end of A / B
  logic        ovf_q, ovf_d;            // C ends after the start of A or B as well: OVERLAP

  uop_e        u_op;
  ysrc_e       u_ysrc;
  logic [3:0]  u_off;                   // operand word in the payload
  logic        u_half;                  // operand is 2 bytes (else 4)
  test_e       u_test;
  logic [7:0]  u_st;                    // status when the test fails

  // FP, RUN: the command being executed is a record (run_q) or the frame;
  // fb_data is the frame buffer's byte, or the record buffer's.
  logic        run_q, run_last, rec_badp_q, rf_wait_q;
  logic [7:0]  cur_code, fb_data;
  logic [15:0] cur_len;
  logic [2:0]  rf_cnt_q;
  logic [3:0]  rf_hdr_bad;
  logic [31:0] run_idx_q;

  // WRITE copy and READ stream
  logic [10:0]   idx_q, idx_d, wr_n;    // WRITE: frame buffer address; READ: bytes read
  logic          wv_q, wv_d;
  logic          rdv_q, rdv_d;
  // READ: bytes left to request (idx != rsp_len), kept in a flop so that the
  // SRAM read enable does not wait for an 11-bit compare (UP5K timing).
  logic          rd_more_q, rd_more_d;
  // READ with RD_LAT = 2: a read is in flight (its byte shows next clock).
  // One byte at a time: 2 clocks per byte, far faster than any board link.
  logic          rdw_q, rdw_d;
  logic [10:0]   pidx_q, pidx_d;

  // counter events of this cycle, from the FSM
  logic          inc_ok, inc_err, inc_dup, gemm_done, cnt_clear;

  // status cache (block RAM). A read never meets a write to its entry where
  // its data is used (read in S_IDLE, written in S_INIT and S_RESP), so
  // synthesis need not add a bypass for that case.
  (* no_rw_check *) logic [7:0] cache [256];
  logic [7:0] cache_rd_q;
  logic       cache_we;
  logic [7:0] cache_waddr, cache_wdata;

  logic [7:0]  diff;
  logic        diff_gt128;
  logic        pl_take;
  logic [7:0]  info_byte;
  logic [7:0]  cnt_byte;                // COUNTERS payload byte pidx_q
  logic [7:0]  init_idx;
  logic [1:0]  fl_trans;

  assign wr_n     = cur_len[10:0] - 11'd4;
  assign diff     = expected_q - frm_seq_i;
  assign diff_gt128 = diff[7] && (diff[6:0] != 7'd0);
  // S_INIT walks the cache with idx_q (0, 1, 2, ... after reset).
  assign init_idx = idx_q[7:0];
  assign fl_trans = args_q[8*36 +: 2];

  // ------------------------------------------------------------ micro-program
  // Fields of operand pass_q (0 A, 1 B, 2 C) in its stored shape: A is M x K
  // (K x M if trans_a), B is K x N (N x K if trans_b), C is M x N.
  logic [3:0] p_rows, p_cols, p_ld, p_base;
  always_comb begin
    unique case (pass_q)
      2'd0: begin
        p_rows = fl_trans[0] ? O_K : O_M;
        p_cols = fl_trans[0] ? O_M : O_K;
        p_ld   = O_LDA;
        p_base = O_A;
      end
      2'd1: begin
        p_rows = fl_trans[1] ? O_N : O_K;
        p_cols = fl_trans[1] ? O_K : O_N;
        p_ld   = O_LDB;
        p_base = O_B;
      end
      default: begin
        p_rows = O_M;
        p_cols = O_N;
        p_ld   = O_LDC;
        p_base = O_C;
      end
    endcase
  end

  uop_e       u_op_c;
  ysrc_e      u_ysrc_c;
  logic [3:0] u_off_c;
  logic       u_half_c;
  test_e      u_test_c;
  logic [7:0] u_st_c;
  always_comb begin
    u_op_c   = U_LOAD;
    u_ysrc_c = Y_FB;
    u_off_c  = O_A;
    u_half_c = 1'b0;
    u_test_c = T_NONE;
    u_st_c   = `TATAMI_ST_OK;
    unique case (upc_q)
      // WRITE: a + (LEN - 4) > SRAM
      5'd0: begin u_op_c = U_LOAD; u_off_c = O_A; end
      5'd1: begin
        u_op_c = U_ADD; u_ysrc_c = Y_WRN; u_test_c = T_RANGE; u_st_c = `TATAMI_ST_ADDR_RANGE;
      end
      // READ: len, then a + len > SRAM
      5'd2: begin
        u_op_c = U_LOAD; u_off_c = O_RLEN; u_half_c = 1'b1; u_test_c = T_LEN;
        u_st_c = `TATAMI_ST_BAD_ARG;
      end
      5'd3: begin
        u_op_c = U_ADD; u_off_c = O_A; u_test_c = T_RANGE; u_st_c = `TATAMI_ST_ADDR_RANGE;
      end
      // GEMM: data types, flags, shapes
      5'd4: begin
        u_op_c = U_LOAD; u_off_c = O_FLAGS; u_test_c = T_DTYPE; u_st_c = `TATAMI_ST_BAD_DTYPE;
      end
      5'd5: begin
        u_op_c = U_LOAD; u_off_c = O_FLAGS; u_test_c = T_FLAGS; u_st_c = `TATAMI_ST_BAD_ARG;
      end
      5'd6: begin
        u_op_c = U_LOAD; u_off_c = O_M; u_test_c = T_ARG24; u_st_c = `TATAMI_ST_BAD_ARG;
      end
      5'd7: begin
        u_op_c = U_LOAD; u_off_c = O_N; u_test_c = T_ARG24; u_st_c = `TATAMI_ST_BAD_ARG;
      end
      5'd8: begin
        u_op_c = U_LOAD; u_off_c = O_K; u_test_c = T_ARG24; u_st_c = `TATAMI_ST_BAD_ARG;
      end
      // per operand (pass A, B, C): ld >= stored row length
      5'd9: begin u_op_c = U_LOAD; u_off_c = p_cols; end
      5'd10: begin
        u_op_c = U_CMP; u_off_c = p_ld; u_test_c = T_LT; u_st_c = `TATAMI_ST_BAD_ARG;
      end
      // per operand: end = (rows - 1) * ld + cols (C: times 4) + base <= SRAM
      5'd11: begin u_op_c = U_LOAD; u_off_c = p_rows; end
      5'd12: begin u_op_c = U_ADD; u_ysrc_c = Y_ONES; end            // rows - 1 -> mr
      5'd13: begin u_op_c = U_LOAD; u_ysrc_c = Y_ZERO; end
      5'd14: begin                                                // 24 Horner steps
        u_op_c = U_DBL; u_off_c = p_ld; u_test_c = T_RANGE; u_st_c = `TATAMI_ST_ADDR_RANGE;
      end
      5'd15: begin
        u_op_c = U_ADD; u_off_c = p_cols; u_test_c = T_RANGE;
        u_st_c = `TATAMI_ST_ADDR_RANGE;
      end
      5'd16, 5'd17: begin                                         // C: elements -> bytes
        u_op_c = U_DBL; u_ysrc_c = Y_ZERO; u_test_c = T_RANGE; u_st_c = `TATAMI_ST_ADDR_RANGE;
      end
      5'd18: begin
        u_op_c = U_ADD; u_off_c = p_base; u_test_c = T_RANGE; u_st_c = `TATAMI_ST_ADDR_RANGE;
      end
      // overlap: A, B: c < end; C: a < end_c, b < end_c
      5'd19: begin u_op_c = U_CMP; u_off_c = (pass_q == 2'd2) ? O_A : O_C; end
      5'd20: begin u_op_c = U_CMP; u_off_c = O_B; end
      // FP, after the shapes: the 48-byte descriptor's biases and reserved bytes
      5'd21: begin
        u_op_c = U_LOAD; u_off_c = O_BIAS; u_test_c = T_RSV; u_st_c = `TATAMI_ST_BAD_ARG;
      end
      5'd22: begin
        u_op_c = U_LOAD; u_off_c = O_RSV; u_test_c = T_RSV; u_st_c = `TATAMI_ST_BAD_ARG;
      end
      default: ;
    endcase
    // written once per evaluation (no intermediate values: Icarus wakes
    // every always_comb reading them on each write)
    u_op   = u_op_c;
    u_ysrc = u_ysrc_c;
    u_off  = u_off_c;
    u_half = u_half_c;
    u_test = u_test_c;
    u_st   = u_st_c;
  end

  // ------------------------------------------------------------ check ALU
  // One byte per cycle (bj 1..4 = byte j 0..3).
  logic [1:0] alu_j;
  logic [7:0] alu_x, alu_y;
  logic       alu_cin;
  logic [8:0] alu_sum;
  logic       acc_zero, acc_big24, acc_gt_len, acc_gt_sram, alu_ovf, alu_lt, u_fail;
  always_comb begin
    alu_j = bj_q[1:0] - 2'd1;
    unique case (u_ysrc)
      Y_FB:    alu_y = (!(u_half && alu_j[1]) && (u_op != U_DBL || mr_q[hcnt_q])) ? fb_data
                                                                                : 8'h00;
      Y_ONES:  alu_y = 8'hFF;
      Y_WRN:   alu_y = (alu_j == 2'd0) ? wr_n[7:0] : (alu_j == 2'd1) ? {5'b0, wr_n[10:8]} : 8'h00;
      default: alu_y = 8'h00;
    endcase
    unique case (u_op)
      U_LOAD:  alu_x = 8'h00;
      U_ADD:   alu_x = acc_q[7:0];
      U_DBL:   alu_x = {acc_q[6:0], msb_q};
      default: alu_x = ~acc_q[7:0];
    endcase
    alu_cin = (alu_j == 2'd0) ? (u_op == U_CMP) : cy_q;
    alu_sum = {1'b0, alu_x} + {1'b0, alu_y} + {8'b0, alu_cin};
  end

  // FP: the GEMM's data types (acc = payload word 9 in the T_DTYPE step;
  // a 40-byte descriptor's byte 39 is ignored: dtype_b = dtype_a) and the
  // element sizes of the operands (log2) for the range checks.
  logic       len48, dtypes_ok;
  /* verilator lint_off UNUSEDSIGNAL */
  logic [8*43-1:0] args_w;               // args_q, 43 bytes also when FP = 0
  /* verilator lint_on UNUSEDSIGNAL */
  assign args_w = (8*43)'(args_q);
  logic [7:0] dt_a, dt_b, dt_c;
  logic [1:0] esh_a, esh_b, esh_c, p_esh;
  always_comb begin
    len48 = FP && (cur_len == 16'd48) && (cur_code == `TATAMI_OP_GEMM);
    dt_a  = acc_q[15:8];
    dt_c  = acc_q[23:16];
    dt_b  = len48 ? acc_q[31:24] : acc_q[15:8];
    if (CF8)
      dtypes_ok = (dt_a == 8'd0 && dt_b == 8'd0 && dt_c == 8'd0) ||
                  (dt_a >= 8'd1 && dt_a <= 8'd3 && dt_b >= 8'd1 && dt_b <= 8'd3 &&
                   dt_c >= 8'd1 && dt_c <= 8'd4);
    else
      dtypes_ok = (dt_a == 8'd0 && dt_b == 8'd0 && dt_c == 8'd0) ||
                  (dt_a == 8'd1 && dt_b == 8'd1 && (dt_c == 8'd1 || dt_c == 8'd4));
    // from the captured descriptor (S_CHECK runs after S_ARGS)
    esh_a = (FP && args_w[8*37 +: 8] == 8'd1) ? 2'd1 : 2'd0;
    esh_b = (FP && g_dtype_b_o == 3'd1) ? 2'd1 : 2'd0;
    esh_c = (!FP || args_w[8*37 +: 8] == 8'd0 || args_w[8*38 +: 8] == 8'd4) ? 2'd2
          : (args_w[8*38 +: 8] == 8'd1) ? 2'd1 : 2'd0;
    unique case (pass_q)
      2'd0:    p_esh = esh_a;
      2'd1:    p_esh = esh_b;
      default: p_esh = esh_c;
    endcase
  end

  // tests on the finished step (bj 5; acted on at bj 6)
  assign acc_zero    = (acc_q == 32'd0);
  assign acc_big24   = (acc_q[31:24] != 8'd0);
  // comparisons with constants, spelled out (a generic '>' costs a carry chain)
  assign acc_gt_len  = (acc_q[31:11] != '0) || (acc_q[10] && acc_q[9:0] != '0);  // > 1024
  if ((SRAM_BYTES & (SRAM_BYTES - 1)) == 0) begin : g_gt_sram_pow2
    assign acc_gt_sram = (acc_q[31:AW+1] != '0) || (acc_q[AW] && acc_q[AW-1:0] != '0);
  end else begin : g_gt_sram
    assign acc_gt_sram = (acc_q > SRAM32);
  end
  assign alu_ovf     = cy_q || (u_op == U_DBL && msb_q);
  assign alu_lt      = !cy_q;             // U_CMP: Y + ~acc + 1 carries out iff Y >= acc
  always_comb begin
    unique case (u_test)
      T_DTYPE: u_fail = FP ? !dtypes_ok : (acc_q[23:8] != 16'd0);
      T_RSV:   u_fail = len48 && ((upc_q == 5'd21) ? (acc_q[7:6] != 2'd0 || acc_q[15:14] != 2'd0 ||
                                                       acc_q[23:22] != 2'd0 || acc_q[31:24] != 8'd0)
                                                    : (acc_q != 32'd0));
      T_ARG24: u_fail = acc_zero || acc_big24;
      T_FLAGS: u_fail = (acc_q[7:3] != 5'd0);
      T_LEN:   u_fail = acc_zero || acc_gt_len;
      T_RANGE: u_fail = alu_ovf || acc_gt_sram;
      T_LT:    u_fail = alu_lt;
      default: u_fail = 1'b0;
    endcase
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
      5'd7:    info_byte = FEATURES;
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
          pl_data_o_c  = cnt_byte;
        end
        K_READ: begin pl_valid_o_c = rdv_q; pl_data_o_c = rd_data_i[7:0]; end
        K_FLAGS: begin pl_valid_o_c = 1'b1; pl_data_o_c = {3'b0, flags_q}; end
        K_RUN:   begin pl_valid_o_c = 1'b1; pl_data_o_c = run_idx_q[8*pidx_q[1:0] +: 8]; end
        default: ;
      endcase
    end
    // written once per evaluation (no intermediate values: Icarus wakes
    // every always_comb reading them on each write)
    pl_valid_o = pl_valid_o_c;
    pl_data_o  = pl_data_o_c;
  end
  assign pl_take = pl_valid_o && pl_ready_i;

  // ------------------------------------------------------------ frame acceptance
  // The SEQ / destination / opcode / length decisions of S_DISPATCH,
  // computed a cycle early into flops: S_DISPATCH is entered only from
  // S_IDLE with the frame valid, the decoder holds frm_* until the ack and
  // expected_q changes only in S_RESP, so the flags registered in that
  // S_IDLE cycle are the frame's. Only the cache entry (read in S_IDLE) is
  // used as it arrives.
  logic       a_err_q, a_err_d;           // decoder error: frm_status_i
  logic       a_dest_q, a_dest_d;         // another tile's frame: BAD_DEST
  logic       a_new_q, a_new_d;           // HELLO or the expected SEQ: execute, consume
  logic       a_ahead_q, a_ahead_d;       // not HELLO and SEQ ahead: a frame was lost
  logic       a_idem_q, a_idem_d;         // INFO, READ, COUNTERS: a duplicate executes
  // what executing does: status, next state, payload
  logic [3:0] x_status_q, x_status_d;
  logic       x_args_q, x_args_d;         // to S_ARGS (WRITE, READ, GEMM of the right length)
  logic       x_clear_q, x_clear_d;
  kind_e      x_kind_q, x_kind_d;
  logic [6:0] x_len_q, x_len_d;           // response LEN: 0, 20 (INFO) or 96 (COUNTERS)

  logic [3:0] x_status_c;
  logic       x_args_c, x_clear_c;
  kind_e      x_kind_c;
  logic [6:0] x_len_c;
  always_comb begin
    a_err_d   = (frm_status_i != `TATAMI_ST_OK);
    a_dest_d  = (frm_addr_i != MY_ADDR);
    a_new_d   = (frm_code_i == `TATAMI_OP_HELLO) || (diff == 8'd0);
    a_ahead_d = (frm_code_i != `TATAMI_OP_HELLO) && diff_gt128;
    a_idem_d  = (frm_code_i == `TATAMI_OP_INFO) || (frm_code_i == `TATAMI_OP_READ) ||
                (frm_code_i == `TATAMI_OP_COUNTERS) || (FP && frm_code_i == `TATAMI_OP_FLAGS);
    x_status_c = 4'(`TATAMI_ST_OK);
    x_args_c   = 1'b0;
    x_clear_c  = 1'b0;
    x_kind_c   = K_NONE;
    x_len_c    = '0;
    unique case (cur_code)
      `TATAMI_OP_HELLO, `TATAMI_OP_INFO, `TATAMI_OP_COUNTERS, `TATAMI_OP_CLEAR: begin
        if (cur_len != 16'd0) begin
          x_status_c = 4'(`TATAMI_ST_BAD_LEN);
        end else if (cur_code == `TATAMI_OP_COUNTERS) begin
          x_len_c  = 7'd96;
          x_kind_c = K_CNT;
        end else if (cur_code == `TATAMI_OP_CLEAR) begin
          x_clear_c = 1'b1;
        end else begin
          x_len_c  = 7'd20;
          x_kind_c = K_INFO;
        end
      end
      `TATAMI_OP_WRITE: begin
        if (cur_len < 16'd5) x_status_c = 4'(`TATAMI_ST_BAD_LEN);
        else x_args_c = 1'b1;
      end
      `TATAMI_OP_READ: begin
        if (cur_len != 16'd6) x_status_c = 4'(`TATAMI_ST_BAD_LEN);
        else x_args_c = 1'b1;
      end
      `TATAMI_OP_GEMM: begin
        if (cur_len != 16'd40 && !(FP && cur_len == 16'd48)) x_status_c = 4'(`TATAMI_ST_BAD_LEN);
        else x_args_c = 1'b1;
      end
      `TATAMI_OP_FLAGS: begin
        if (!FP)                     x_status_c = 4'(`TATAMI_ST_BAD_OPCODE);
        else if (cur_len != 16'd0) x_status_c = 4'(`TATAMI_ST_BAD_LEN);
        else begin
          x_len_c  = 7'd1;
          x_kind_c = K_FLAGS;
        end
      end
      `TATAMI_OP_CLEAR_FLAGS: begin
        if (!FP)                     x_status_c = 4'(`TATAMI_ST_BAD_OPCODE);
        else if (cur_len != 16'd1) x_status_c = 4'(`TATAMI_ST_BAD_LEN);
        else                         x_args_c = 1'b1;
      end
      `TATAMI_OP_VEC: begin
        if (!FP || !VEC)              x_status_c = 4'(`TATAMI_ST_BAD_OPCODE);
        else if (cur_len != 16'd72)  x_status_c = 4'(`TATAMI_ST_BAD_LEN);
        else                         x_args_c = 1'b1;
      end
      `TATAMI_OP_RUN: begin
        // only from the link (a record with RUN fails before it gets here)
        if (!FP || !PROG)            x_status_c = 4'(`TATAMI_ST_BAD_OPCODE);
        else if (cur_len < 16'd8 || cur_len > 16'd40 || cur_len[1:0] != 2'd0)
                                     x_status_c = 4'(`TATAMI_ST_BAD_LEN);
        else                         x_args_c = 1'b1;
      end
      `TATAMI_OP_SEED: begin
        if (!FP)                     x_status_c = 4'(`TATAMI_ST_BAD_OPCODE);
        else if (cur_len != 16'd4) x_status_c = 4'(`TATAMI_ST_BAD_LEN);
        else                         x_args_c = 1'b1;
      end
      default: x_status_c = 4'(`TATAMI_ST_BAD_OPCODE);
    endcase
    // written once per evaluation (Icarus wakes readers on every write)
    x_status_d = x_status_c;
    x_args_d   = x_args_c;
    x_clear_d  = x_clear_c;
    x_kind_d   = x_kind_c;
    x_len_d    = x_len_c;
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      a_err_q    <= 1'b0;
      a_dest_q   <= 1'b0;
      a_new_q    <= 1'b0;
      a_ahead_q  <= 1'b0;
      a_idem_q   <= 1'b0;
      x_status_q <= '0;
      x_args_q   <= 1'b0;
      x_clear_q  <= 1'b0;
      x_kind_q   <= K_NONE;
      x_len_q    <= '0;
    end else begin
      a_err_q    <= a_err_d;
      a_dest_q   <= a_dest_d;
      a_new_q    <= a_new_d;
      a_ahead_q  <= a_ahead_d;
      a_idem_q   <= a_idem_d;
      x_status_q <= x_status_d;
      x_args_q   <= x_args_d;
      x_clear_q  <= x_clear_d;
      x_kind_q   <= x_kind_d;
      x_len_q    <= x_len_d;
    end
  end

  // ------------------------------------------------------------ main FSM
  logic inc_ok_c;
  logic inc_err_c;
  logic inc_dup_c;
  logic gemm_done_c;
  logic cnt_clear_c;
  logic frm_ack_o_c;
  logic g_start_o_c;
  logic rd_en_o_c;
  logic [10:0] fb_raddr_o_c;
  logic [4:0]  flags_clr_c;
  logic        seed_we_c;
  logic        run_start_c, run_next_c, run_stop_c, rec_load_c, rf_wait_c;
  logic        v_chk_start_c, v_start_c;
  always_comb begin
    flags_clr_c  = '0;
    seed_we_c    = 1'b0;
    run_start_c  = 1'b0;
    run_next_c   = 1'b0;
    run_stop_c   = 1'b0;
    rec_load_c   = 1'b0;
    rf_wait_c    = 1'b0;
    v_chk_start_c = 1'b0;
    v_start_c    = 1'b0;
    state_d      = state_q;
    kind_d       = kind_q;
    expected_d   = expected_q;
    consume_d    = consume_q;
    rsp_status_d = {4'b0, rsp_status_q};
    rsp_len_d    = rsp_len_q;
    error_d      = error_q;
    args_d       = args_q;
    ai_d         = ai_q;
    upc_d        = upc_q;
    pass_d       = pass_q;
    bj_d         = bj_q;
    ufail_d      = ufail_q;
    acc_d        = acc_q;
    cy_d         = cy_q;
    msb_d        = msb_q;
    mr_d         = mr_q;
    hcnt_d       = hcnt_q;
    ovl_d        = ovl_q;
    ovf_d        = ovf_q;
    idx_d        = idx_q;
    wv_d         = 1'b0;
    rdv_d        = rdv_q;
    rd_more_d    = rd_more_q;
    rdw_d        = 1'b0;
    pidx_d       = pidx_q;
    frm_ack_o_c  = 1'b0;
    fb_raddr_o_c = 11'(ai_q);
    rd_en_o_c    = 1'b0;
    g_start_o_c  = 1'b0;
    inc_ok_c     = 1'b0;
    inc_err_c    = 1'b0;
    inc_dup_c    = 1'b0;
    gemm_done_c  = 1'b0;
    cnt_clear_c  = 1'b0;
    cache_we     = 1'b0;
    cache_waddr  = frm_seq_i;
    cache_wdata  = {4'b0, rsp_status_q};

    unique case (state_q)
      // Mark every cache entry "never executed" after reset.
      S_INIT: begin
        cache_we    = 1'b1;
        cache_waddr = init_idx;
        cache_wdata = ST_NONE;
        idx_d       = idx_q + 11'd1;
        if (init_idx == 8'hFF) state_d = S_IDLE;
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
        if (a_err_q) begin
          rsp_status_d = frm_status_i;    // BAD_CRC / TRUNCATED / TOO_LONG
          inc_err_c    = 1'b1;
        end else if (a_dest_q) begin
          rsp_status_d = `TATAMI_ST_BAD_DEST;
        end else begin
          inc_ok_c = 1'b1;
          // A "duplicate" of a SEQ that never ran since reset has no status
          // to replay; answering SEQ (not executed) is safer than a fake OK.
          // Cached statuses are below 16: only ST_NONE has bit 7.
          if (a_ahead_q || (!a_new_q && cache_rd_q[7] && !a_idem_q)) begin
            rsp_status_d = `TATAMI_ST_SEQ;  // ahead: a frame was lost
            rsp_len_d    = 11'd1;
            kind_d       = K_SEQ;
          end else if (!a_new_q && !a_idem_q) begin
            rsp_status_d = cache_rd_q;      // duplicate: replay, do not execute
            inc_dup_c    = 1'b1;
          end else begin
            // execute: HELLO, the expected SEQ, or an idempotent duplicate
            inc_dup_c    = !a_new_q;
            consume_d    = a_new_q;
            rsp_status_d = {4'b0, x_status_q};
            rsp_len_d    = {4'b0, x_len_q};
            kind_d       = x_kind_q;
            cnt_clear_c  = x_clear_q;
            ai_d         = '0;
            if (x_args_q) state_d = S_ARGS;
          end
        end
      end

      // Copy payload bytes 0..36 from the frame buffer for the engine and
      // the DMA (byte ai_q - 1 arrives when ai_q is addressed).
      S_ARGS: begin
        for (int i = 0; i < NARGS; i++) begin
          // a 40-byte GEMM descriptor has no bytes 40.. (they read as 0)
          if (ai_q == AIW'(i + 1)) begin
            args_d[8*i +: 8] = (i >= 40 && cur_code == `TATAMI_OP_GEMM && !len48) ? 8'h00 : fb_data;
          end
        end
        ai_d = ai_q + 1'b1;
        if (FP && PROG && ai_q == AIW'(NARGS) && cur_code == `TATAMI_OP_RUN) begin
          // RUN's own checks; then the records
          if (args_d[63:32] == 32'd0) begin
            rsp_status_d = `TATAMI_ST_BAD_ARG;
            state_d      = S_RESP;
          end else if ({1'b0, args_d[31:0]} + {1'b0, args_d[63:32]} > 33'(SRAM_BYTES)) begin
            rsp_status_d = `TATAMI_ST_ADDR_RANGE;
            state_d      = S_RESP;
          end else begin
            run_start_c = 1'b1;
            state_d     = S_RFETCH;
          end
        end else if (FP && VEC && ai_q == AIW'(NARGS) && cur_code == `TATAMI_OP_VEC) begin
          v_chk_start_c = 1'b1;
          state_d       = S_VCHK;
        end else if (FP && ai_q == AIW'(NARGS) && cur_code == `TATAMI_OP_CLEAR_FLAGS) begin
          state_d = S_RESP;
          if (args_d[7:5] != 3'd0) rsp_status_d = `TATAMI_ST_BAD_ARG;
          else                     flags_clr_c  = args_d[4:0];
        end else if (FP && ai_q == AIW'(NARGS) && cur_code == `TATAMI_OP_SEED) begin
          state_d   = S_RESP;
          seed_we_c = 1'b1;
        end else if (ai_q == AIW'(NARGS)) begin
          state_d = S_CHECK;
          bj_d    = '0;
          pass_d  = '0;
          ovl_d   = '0;
          ovf_d   = 1'b0;
          if (cur_code == `TATAMI_OP_WRITE)     upc_d = P_WRITE;
          else if (cur_code == `TATAMI_OP_READ) upc_d = P_READ;
          else                                    upc_d = P_GEMM;
        end
      end

      // The micro-program of the opcode's checks.
      S_CHECK: begin
        fb_raddr_o_c = {5'b0, u_off, bj_q[1:0]};
        if (bj_q == 3'd0) begin
          msb_d = 1'b0;
          bj_d  = 3'd1;
        end else if (bj_q < 3'd5) begin
          acc_d = {(u_op == U_CMP) ? acc_q[7:0] : alu_sum[7:0], acc_q[31:8]};
          cy_d  = alu_sum[8];
          msb_d = acc_q[7];
          bj_d  = bj_q + 3'd1;
        end else if (bj_q == 3'd5) begin
          ufail_d = u_fail;
          bj_d    = 3'd6;
        end else begin
          bj_d  = 3'd0;
          upc_d = upc_q + 5'd1;
          if (ufail_q) begin
            rsp_status_d = u_st;
            rsp_len_d    = '0;
            state_d      = S_RESP;
          end else begin
            unique case (upc_q)
              5'd1: begin                   // WRITE checked
                state_d = S_WRITE;
                idx_d   = 11'd4;
              end
              5'd2: rsp_len_d = acc_q[10:0];  // READ length
              5'd3: begin                   // READ checked
                kind_d  = K_READ;
                state_d = S_RESP;
              end
              5'd10: begin
                if (pass_q != 2'd2) begin
                  pass_d = pass_q + 2'd1;
                  upc_d  = P_STRIDE;
                end else begin
                  pass_d = '0;
                end
              end
              5'd12: begin
                mr_d   = acc_q[23:0];
                hcnt_d = 5'd23;
              end
              5'd14: begin
                if (hcnt_q != 5'd0) begin
                  hcnt_d = hcnt_q - 5'd1;
                  upc_d  = P_HORNER;
                end
              end
              // the end in elements -> bytes: double it log2(element size) times
              5'd15: begin
                if (p_esh == 2'd0)      upc_d = P_BASE;
                else if (p_esh == 2'd1) upc_d = 5'd17;
              end
              5'd8:  if (FP) upc_d = 5'd21;        // then the biases, then P_STRIDE
              5'd22: upc_d = P_STRIDE;
              5'd19: begin
                if (pass_q != 2'd2) begin
                  ovl_d[pass_q[0]] = alu_lt;
                  pass_d = pass_q + 2'd1;
                  upc_d  = P_RANGE;
                end else begin
                  ovf_d = ovl_q[0] && alu_lt;
                end
              end
              5'd20: begin
                if (ovf_q || (ovl_q[1] && alu_lt)) begin
                  rsp_status_d = `TATAMI_ST_OVERLAP;
                  state_d      = S_RESP;
                end else begin
                  state_d = S_GSTART;
                end
              end
              default: ;
            endcase
          end
        end
      end

      // FP, RUN: read the record (header and up to 92 payload bytes) with
      // three W-byte reads, then decide its header and resolve parameters.
      S_RFETCH: begin
        if (rf_cnt_q < 3'(NRF)) begin
          rd_en_o_c = 1'b1;              // read rf_cnt_q (data next clock)
        end else if (rf_cnt_q == 3'(NRF + 1)) begin
          if (rf_hdr_bad != 4'd0) begin
            rsp_status_d = {4'b0, rf_hdr_bad};
            state_d      = S_RESP;
          end else begin
            rec_load_c = 1'b1;
            state_d    = S_RSUB;
          end
        end
      end

      // The record's opcode and length are in place (cur_code / cur_len):
      // one clock for the x_* decisions, then as S_DISPATCH executes.
      S_RSUB: begin
        rf_wait_c = 1'b1;
        if (rf_wait_q) begin
          rsp_status_d = {4'b0, x_status_q};
          rsp_len_d    = '0;
          kind_d       = K_NONE;
          ai_d         = '0;
          if (x_args_q) state_d = S_ARGS;
          else          state_d = S_RESP;
        end
      end

      // VEC: the unit checks the descriptor, then runs it.
      S_VCHK: begin
        if (v_chk_valid_i) begin
          if (v_chk_status_i != 8'd0) begin
            rsp_status_d = v_chk_status_i;
            state_d      = S_RESP;
          end else begin
            v_start_c = 1'b1;
            state_d   = S_VWAIT;
          end
        end
      end
      S_VWAIT: if (v_done_i) state_d = S_RESP;

      S_GSTART: begin
        g_start_o_c = 1'b1;
        state_d     = S_GWAIT;
      end

      // last_gemm_cycles counts from the start pulse to done_o, inclusive.
      S_GWAIT: begin
        if (g_done_i) begin
          gemm_done_c = 1'b1;
          state_d   = S_RESP;
        end
      end

      // Copy payload bytes 4.. into SRAM, one per cycle (frame buffer read,
      // then SRAM write of that byte in the next cycle).
      S_WRITE: begin
        fb_raddr_o_c = idx_q;
        if (wv_q) args_d[AW-1:0] = args_q[AW-1:0] + 1'b1;
        if (idx_q != cur_len[10:0]) begin
          idx_d = idx_q + 11'd1;
          wv_d  = 1'b1;
        end else if (!wv_q) begin
          state_d = S_RESP;
        end
      end

      // FP, RUN: a record has finished (its status in rsp_status): the next
      // record, or the RUN frame's answer (the failing record's index, or
      // the count). Nothing is sent for a record.
      S_RESP: begin
        if (FP && run_q) begin
          run_next_c = 1'b1;
          kind_d     = K_RUN;
          rsp_len_d  = 11'd4;
          if (rsp_status_q != 4'd0) begin
            // a parameter index not given: the record's address was made
            // out of range; the spec's status is BAD_ARG (docs/protocol.md)
            if (rec_badp_q && rsp_status_q == 4'(`TATAMI_ST_ADDR_RANGE)) rsp_status_d = `TATAMI_ST_BAD_ARG;
            run_stop_c = 1'b1;
          end else if (run_last) begin
            run_stop_c = 1'b1;                // count = index + 1, below
          end else begin
            state_d = S_RFETCH;
          end
        end else if (hdr_ready_i) begin
          if (consume_q) begin
            cache_we   = 1'b1;
            expected_d = frm_seq_i + 8'd1;
          end
          error_d = (rsp_status_q != 4'd0);
          pidx_d  = '0;
          idx_d   = '0;
          rdv_d   = 1'b0;
          rd_more_d = (kind_q == K_READ) && (rsp_len_q != '0);
          if (rsp_len_q != '0) begin
            state_d = S_PAYLOAD;
          end else begin
            state_d   = S_IDLE;
            frm_ack_o_c = 1'b1;
          end
        end
      end

      S_PAYLOAD: begin
        // READ: SRAM read port C, one byte per cycle (per 2 with RD_LAT = 2)
        // while the link takes them; the SRAM holds its output while no
        // read is made.
        if (kind_q == K_READ) begin
          if ((!rdv_q || pl_ready_i) && rd_more_q && !rdw_q) begin
            rd_en_o_c = 1'b1;
            args_d[AW-1:0] = args_q[AW-1:0] + 1'b1;
            idx_d   = idx_q + 11'd1;
            rd_more_d = (idx_q + 11'd1) != rsp_len_q;
            rdv_d   = RD_LAT == 1;
            rdw_d   = RD_LAT == 2;
          end else if (rdw_q) begin
            rdv_d = 1'b1;
          end else if (pl_ready_i) begin
            rdv_d = 1'b0;
          end
        end
        if (pl_take) begin
          pidx_d = pidx_q + 11'd1;
          if (pidx_q + 11'd1 == rsp_len_q) begin
            state_d   = S_IDLE;
            frm_ack_o_c = 1'b1;
          end
        end
      end

      default: state_d = S_IDLE;
    endcase
    // written once per evaluation (no intermediate values: Icarus wakes
    // every always_comb reading them on each write)
    inc_ok     = inc_ok_c;
    inc_err    = inc_err_c;
    inc_dup    = inc_dup_c;
    gemm_done  = gemm_done_c;
    cnt_clear  = cnt_clear_c;
    frm_ack_o  = frm_ack_o_c;
    g_start_o  = g_start_o_c;
    rd_en_o    = rd_en_o_c;
    fb_raddr_o = fb_raddr_o_c;
  end
  logic [AW-1:0] rf_addr;
  assign rd_addr_o = (FP && state_q == S_RFETCH) ? rf_addr     // RUN: record fetch
                                                 : args_q[AW-1:0];  // the DMA address advances in place

  // ------------------------------------------------------------ counters
  // Counter i is cmem[i] (0 while clr_q[i]) plus a few flops of pending
  // count (pend_q; pmac_q for macs) that take the events of each cycle: no
  // CNT_W-bit register or incrementer per counter. Every cycle the RAM reads
  // one counter (ridx) and writes back the one read the cycle before
  // (widx_q) plus its pending count, which restarts from that cycle's events.
  // Reads go round-robin (rr_q), a slot now and then lent to the COUNTERS
  // read-out (sload_q). Two consecutive reads never name the same counter
  // (rr_q != widx_q always), so no read meets a write to its word, and each
  // counter is written back at least every NCNT + 2 cycles (a lent slot per
  // 8 read-out bytes at most): PW and PWM bits hold what it gathers meanwhile.
  // last_gemm_cycles counts up in place while a GEMM runs (nothing can read
  // it then but dbg_cnt_o, which has its own copy, tatami_seq_dbgcnt).
  localparam int IW  = 4;
  localparam int PW  = $clog2(NCNT + 3);
  localparam int PWM = $clog2(((1 << MW) - 1) * (NCNT + 2) + 1);
  localparam int NBY = CNT_W / 8;                  // bytes of a counter (CNT_W >= 16)
  localparam logic [IW-1:0] I_MACS = IW'(`TATAMI_CNT_MACS);
  localparam logic [IW-1:0] I_LAST = IW'(`TATAMI_CNT_LAST_GEMM);
  localparam logic [IW-1:0] I_END  = IW'(NCNT - 1);

  (* no_rw_check *) logic [CNT_W-1:0] cmem [NCNT];  // see above: never read while written
  logic [CNT_W-1:0]   crd_q;             // cmem[widx_q]
  logic [CNT_W-1:0]   cwdata;
  logic [IW-1:0]      ridx, rr_q, rr_d, widx_q;
  logic               sforce;
  logic [NCNT-1:0]    clr_q, clr_d;      // the RAM word reads as 0 (after reset, CLEAR)
  /* verilator lint_off UNUSEDSIGNAL */
  logic [NCNT*PW-1:0] pend_q, pend_d;    // the MACS slot stays 0 (pmac_q)
  /* verilator lint_on UNUSEDSIGNAL */
  logic [PWM-1:0]     pmac_q, pmac_d;
  logic [NCNT-1:0]    cnt_inc;           // +1 this cycle (the MACS bit is unused)
  // The events reach the counters a cycle late, all alike (FSM, engine and
  // link events, GEMM start, CLEAR): the counters run as if undelayed, one
  // cycle behind, and the frame decision and the event logic stay out of the
  // paths into their adders. A COUNTERS payload starts 2 cycles after
  // S_DISPATCH at the earliest, so it still counts its own frame.
  // tatami_seq_dbgcnt (dbg_cnt_o) takes the events undelayed.
  logic [NCNT-1:0]    ev_inc_q;
  logic [MW-1:0]      ev_macs_q;
  logic               ev_gstart_q, ev_clear_q;

  // COUNTERS read-out. stg_q is the live value of counter sidx_q, the next
  // one to send: loaded from its write-back, then counting its events. Byte 0
  // of a counter comes from it live; when byte 0 is taken, its upper bytes
  // become the snapshot (snap_q) that bytes 1.. come from, so a counter is
  // never torn. sidx_q moves on, and stg_q reloads from the write-back of the
  // next counter (a lent read slot, sload_q) well before that counter's byte 0,
  // 8 bytes later.
  logic [CNT_W-1:0]   stg_q, stg_d;
  logic [IW-1:0]      sidx_q, sidx_d;
  logic               sload_q, sload_d;
  logic [CNT_W-9:0]   snap_q, snap_d;
  logic [MW-1:0]      inc_s;             // this cycle's events of counter sidx_q
  // inc_s, and widx_q == sidx_q, are computed a cycle early (from sidx_d and
  // the undelayed events, which are what ev_*_q hold next cycle) and kept in
  // flops: the staged counter's 32-bit add then starts from flops (UP5K timing)
  logic [MW-1:0]      inc_s_q;
  logic               ws_eq_q;
  logic               ro_b0, cnt_take;

  // Bits a pending count can need. The frame counters count at most once
  // per S_DISPATCH, 3 cycles apart (IDLE, DISPATCH, RESP): 5 in NCNT + 2
  // cycles. gemm_count counts once per GEMM, hundreds of cycles apart.
  function automatic logic [PW-1:0] pend_mask(input int i);
    if (i == `TATAMI_CNT_GEMM_COUNT) pend_mask = PW'(1);
    else if (i == `TATAMI_CNT_FRAMES_OK || i == `TATAMI_CNT_FRAMES_ERR ||
             i == `TATAMI_CNT_FRAMES_DUP) pend_mask = PW'(7);
    else pend_mask = {PW{1'b1}};
  endfunction

  logic [NCNT-1:0] cnt_inc_c;
  always_comb begin
    cnt_inc_c = '0;
    cnt_inc_c[`TATAMI_CNT_CYCLES]        = 1'b1;
    cnt_inc_c[`TATAMI_CNT_BUSY]          = ev_busy_i;
    cnt_inc_c[`TATAMI_CNT_STALL_OPERAND] = ev_stall_operand_i;
    cnt_inc_c[`TATAMI_CNT_STALL_DRAIN]   = ev_stall_drain_i;
    cnt_inc_c[`TATAMI_CNT_STALL_TX]      = ev_stall_tx_i;
    cnt_inc_c[`TATAMI_CNT_FRAMES_OK]     = inc_ok;
    cnt_inc_c[`TATAMI_CNT_FRAMES_ERR]    = inc_err;
    cnt_inc_c[`TATAMI_CNT_FRAMES_DUP]    = inc_dup;
    cnt_inc_c[`TATAMI_CNT_RX_OVERRUN]    = ev_rx_overrun_i;
    // from the start pulse to done, inclusive (the start cycle is the 1 below)
    cnt_inc_c[`TATAMI_CNT_LAST_GEMM]     = (state_q == S_GWAIT);
    cnt_inc_c[`TATAMI_CNT_GEMM_COUNT]    = gemm_done;
    // written once per evaluation (Icarus wakes readers on every write)
    cnt_inc = cnt_inc_c;
  end

  // one-hot AND-OR selects (a variable part-select becomes a shifter):
  // next cycle's events of counter sidx_d
  logic [MW-1:0] inc_s_c;
  always_comb begin
    inc_s_c = '0;
    for (int i = 0; i < NCNT; i++) begin
      if (i == `TATAMI_CNT_MACS) inc_s_c = inc_s_c | ((sidx_d == IW'(i)) ? ev_macs_i : '0);
      else                       inc_s_c = inc_s_c | MW'((sidx_d == IW'(i)) && cnt_inc[i]);
    end
  end
  assign inc_s = inc_s_q;
  // The write-back's pending count and clear flag are selected a cycle
  // early, when the counter is read (pend_w_q, clr_w_q: exactly pend_q and
  // clr_q of widx_q), so the 12-to-1 selects stay out of the adders' paths.
  logic [PWM-1:0]     pend_w_q, pend_w_d;
  logic               clr_w_q, clr_w_d;
  logic [CNT_W-1:0]   crd_g;
  logic [PWM:0]       stg_small;         // write-back pending + this cycle's events
  assign crd_g     = clr_w_q ? '0 : crd_q;
  assign cwdata    = crd_g + CNT_W'(pend_w_q);
  assign stg_small = {1'b0, pend_w_q} + (PWM+1)'(inc_s);

  // read scheduling: a lent slot unless the word is being written back anyway
  assign sforce = sload_q && !ws_eq_q;
  assign ridx   = sforce ? sidx_q : rr_q;
  assign rr_d   = (sforce && rr_q != sidx_q) ? rr_q : (rr_q == I_END) ? '0 : rr_q + 1'b1;

  logic [NCNT*PW-1:0] pend_d_c;
  logic [PWM-1:0]     pmac_d_c;
  logic [NCNT-1:0]    clr_d_c;
  logic [CNT_W-1:0]   stg_d_c;
  always_comb begin
    pend_d_c = pend_q;
    clr_d_c  = clr_q;
    for (int i = 0; i < NCNT; i++) begin
      if (i != `TATAMI_CNT_MACS)
        pend_d_c[i*PW +: PW] = (((widx_q == IW'(i)) ? '0 : pend_q[i*PW +: PW]) + PW'(ev_inc_q[i]))
                               & pend_mask(i);
      if (widx_q == IW'(i)) clr_d_c[i] = 1'b0;
    end
    pmac_d_c = ((widx_q == I_MACS) ? '0 : pmac_q) + PWM'(ev_macs_q);
    // the staged counter: its write-back plus this cycle's events (one
    // carry chain: the two small counts are added first), or itself plus them
    stg_d_c  = ws_eq_q ? crd_g + CNT_W'(stg_small) : stg_q + CNT_W'(inc_s);
    if (ev_gstart_q) begin                // last_gemm_cycles := 1
      pend_d_c[`TATAMI_CNT_LAST_GEMM*PW +: PW] = PW'(1);
      clr_d_c[`TATAMI_CNT_LAST_GEMM]           = 1'b1;
      if (sidx_q == I_LAST) stg_d_c = CNT_W'(1);
    end
    if (ev_clear_q) begin                 // drops this cycle's events, as CLEAR does
      pend_d_c = '0;
      pmac_d_c = '0;
      clr_d_c  = {NCNT{1'b1}};
      stg_d_c  = '0;
    end
    // written once per evaluation (Icarus wakes readers on every write)
    pend_d = pend_d_c;
    pmac_d = pmac_d_c;
    clr_d  = clr_d_c;
    stg_d  = stg_d_c;
  end

  logic [PWM-1:0] pend_w_d_c;
  logic           clr_w_d_c;
  always_comb begin
    pend_w_d_c = '0;
    clr_w_d_c  = 1'b0;
    for (int i = 0; i < NCNT; i++) begin
      if (ridx == IW'(i)) begin
        clr_w_d_c = clr_d[i];
        if (i == `TATAMI_CNT_MACS) pend_w_d_c = pmac_d;
        else                       pend_w_d_c = PWM'(pend_d[i*PW +: PW]);
      end
    end
    // written once per evaluation (Icarus wakes readers on every write)
    pend_w_d = pend_w_d_c;
    clr_w_d  = clr_w_d_c;
  end
  // byte pidx_q of the COUNTERS payload (counter pidx_q[6:3])
  assign ro_b0    = (pidx_q[2:0] == 3'd0);
  assign cnt_byte = ({1'b0, pidx_q[2:0]} >= 4'(NBY)) ? 8'h00 : ro_b0 ? stg_q[7:0] : snap_q[7:0];
  assign cnt_take = (state_q == S_PAYLOAD) && (kind_q == K_CNT) && pl_take;

  logic [IW-1:0]    sidx_d_c;
  logic             sload_d_c;
  logic [CNT_W-9:0] snap_d_c;
  always_comb begin
    sidx_d_c  = sidx_q;
    sload_d_c = 1'b0;
    snap_d_c  = snap_q;
    if (cnt_take) begin
      if (ro_b0) begin
        snap_d_c  = stg_q[CNT_W-1:8];
        sidx_d_c  = (pidx_q[6:3] == I_END) ? '0 : pidx_q[6:3] + 1'b1;
        sload_d_c = 1'b1;
      end else begin
        snap_d_c  = snap_q >> 8;
      end
    end
    // written once per evaluation (Icarus wakes readers on every write)
    sidx_d  = sidx_d_c;
    sload_d = sload_d_c;
    snap_d  = snap_d_c;
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      rr_q    <= IW'(1);                  // != widx_q
      widx_q  <= '0;
      pend_w_q <= '0;
      clr_w_q  <= 1'b1;                   // matches clr_q after reset
      ev_inc_q    <= '0;
      ev_macs_q   <= '0;
      ev_gstart_q <= 1'b0;
      ev_clear_q  <= 1'b0;
      clr_q   <= {NCNT{1'b1}};
      pend_q  <= '0;
      pmac_q  <= '0;
      stg_q   <= '0;                      // counter 0 reads 0: staged
      sidx_q  <= '0;
      inc_s_q <= '0;
      ws_eq_q <= 1'b1;                    // widx_q == sidx_q == 0
      sload_q <= 1'b0;
      snap_q  <= '0;
    end else begin
      rr_q    <= rr_d;
      widx_q  <= ridx;
      pend_w_q <= pend_w_d;
      clr_w_q  <= clr_w_d;
      ev_inc_q    <= cnt_inc;
      ev_macs_q   <= ev_macs_i;
      ev_gstart_q <= g_start_o;
      ev_clear_q  <= cnt_clear;
      clr_q   <= clr_d;
      pend_q  <= pend_d;
      pmac_q  <= pmac_d;
      stg_q   <= stg_d;
      sidx_q  <= sidx_d;
      inc_s_q <= inc_s_c;
      ws_eq_q <= ridx == sidx_d;
      sload_q <= sload_d;
      snap_q  <= snap_d;
    end
  end

  // the counter RAM: one write and one read port, written every cycle
  always_ff @(posedge clk_i) begin
    cmem[widx_q] <= cwdata;
    crd_q        <= cmem[ridx];
  end

  // dbg_cnt_o reads a counter combinationally: a flop copy serves it
  tatami_seq_dbgcnt #(.CNT_W(CNT_W), .MW(MW)) u_dbgcnt (
    .clk_i, .rst_ni,
    .inc_i(cnt_inc), .macs_i(ev_macs_i), .gstart_i(g_start_o), .clear_i(cnt_clear),
    .sel_i(dbg_cnt_sel_i), .cnt_o(dbg_cnt_o)
  );

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
      args_q       <= '0;
      ai_q         <= '0;
      upc_q        <= '0;
      pass_q       <= '0;
      bj_q         <= '0;
      ufail_q      <= 1'b0;
      acc_q        <= '0;
      cy_q         <= 1'b0;
      msb_q        <= 1'b0;
      mr_q         <= '0;
      hcnt_q       <= '0;
      ovl_q        <= '0;
      ovf_q        <= 1'b0;
      idx_q        <= '0;
      wv_q         <= 1'b0;
      rdv_q        <= 1'b0;
      rd_more_q    <= 1'b0;
      rdw_q        <= 1'b0;
      pidx_q       <= '0;
    end else begin
      state_q      <= state_d;
      kind_q       <= kind_d;
      expected_q   <= expected_d;
      consume_q    <= consume_d;
      rsp_status_q <= rsp_status_d[3:0];
      rsp_len_q    <= rsp_len_d;
      error_q      <= error_d;
      args_q       <= args_d;
      ai_q         <= ai_d;
      upc_q        <= upc_d;
      pass_q       <= pass_d;
      bj_q         <= bj_d;
      ufail_q      <= ufail_d;
      acc_q        <= acc_d;
      cy_q         <= cy_d;
      msb_q        <= msb_d;
      mr_q         <= mr_d;
      hcnt_q       <= hcnt_d;
      ovl_q        <= ovl_d;
      ovf_q        <= ovf_d;
      idx_q        <= idx_d;
      wv_q         <= wv_d;
      rdv_q        <= rdv_d;
      rd_more_q    <= rd_more_d;
      rdw_q        <= rdw_d;
      pidx_q       <= pidx_d;
    end
  end

  // Status cache: plain RAM, one write port, one synchronous read port.
  always_ff @(posedge clk_i) begin
    if (cache_we) cache[cache_waddr] <= cache_wdata;
    cache_rd_q <= cache[frm_seq_i];
  end

  // ------------------------------------------------------------ outputs
  assign hdr_valid_o  = (state_q == S_RESP) && !run_q;   // a RUN record answers nobody
  assign hdr_seq_o    = frm_seq_i;
  assign hdr_status_o = {4'b0, rsp_status_q};
  assign hdr_len_o    = rsp_len_q;

  assign wr_en_o   = (state_q == S_WRITE) && wv_q;
  assign wr_addr_o = args_q[AW-1:0];
  assign wr_data_o = {{(8*W-8){1'b0}}, fb_data};
  assign wr_be_o   = {{(W-1){1'b0}}, 1'b1};

  assign g_a_o       = args_q[8*0 +: AW];
  assign g_b_o       = args_q[8*4 +: AW];
  assign g_c_o       = args_q[8*8 +: AW];
  assign g_m_o       = args_q[8*12 +: 24];
  assign g_n_o       = args_q[8*16 +: 24];
  assign g_k_o       = args_q[8*20 +: 24];
  assign g_lda_o     = args_q[8*24 +: 32];
  assign g_ldb_o     = args_q[8*28 +: 32];
  assign g_ldc_o     = args_q[8*32 +: 32];
  assign g_trans_a_o = args_q[8*36];
  assign g_trans_b_o = args_q[8*36 + 1];
  assign g_acc_o     = args_q[8*36 + 2];

  // ------------------------------------------------------------ FP: types, flags, seed, RUN, VEC
  logic [4:0] flags_q;
  if (FP && PROG && RD_LAT != 1) begin : g_bad_fp
    tatami_seq_FP_needs_RD_LAT_1 u_fail ();   // no such module: stops elaboration
  end
  if (FP) begin : g_fp
    // ---- RUN: program state, the record fetch, parameters
    logic [32:0]       run_pc_q, run_end_q, rec_next;
    logic [8*32-1:0]   run_par_q;
    logic [3:0]        run_np_q;
    logic [7:0]        rec_code_q;
    logic [15:0]       rec_len_q, rf_rlen;
    /* verilator lint_off UNUSEDSIGNAL */
    logic [8*NRF*W-1:0] fbuf_q;       // bytes past the 72-byte payload are not needed
    /* verilator lint_on UNUSEDSIGNAL */
    logic [8*72-1:0]   pbuf_q, pb_sub;
    logic              pb_badp;
    logic [7:0]        pb_byte_q;
    logic [32:0]       rf_left;
    logic              v_chk_start_q, v_start_q;

    assign cur_code = run_q ? rec_code_q : frm_code_i;
    assign cur_len  = run_q ? rec_len_q : frm_len_i;
    assign fb_data  = run_q ? pb_byte_q : fb_rdata_i;
    assign rf_addr  = AW'(run_pc_q[31:0] + 32'(W) * 32'(rf_cnt_q));
    assign rec_next = run_pc_q + 33'd4 + 33'(rec_len_q);
    assign run_last = (rec_next == run_end_q);

    // the record's header (docs/protocol.md RUN; the order of the reference model)
    always_comb begin
      rf_left = run_end_q - run_pc_q;
      rf_rlen = {fbuf_q[31:24], fbuf_q[23:16]};
      if (rf_left < 33'd4 || 33'(rf_rlen) > rf_left - 33'd4) rf_hdr_bad = 4'(`TATAMI_ST_BAD_LEN);
      else if (fbuf_q[7:0] != `TATAMI_OP_GEMM && fbuf_q[7:0] != `TATAMI_OP_VEC &&
               fbuf_q[7:0] != `TATAMI_OP_CLEAR_FLAGS && fbuf_q[7:0] != `TATAMI_OP_SEED)
        rf_hdr_bad = 4'(`TATAMI_ST_BAD_OPCODE);
      else if (fbuf_q[15:8] != 8'd0) rf_hdr_bad = 4'(`TATAMI_ST_BAD_ARG);
      else if (rf_rlen > 16'(`TATAMI_MAX_PAYLOAD)) rf_hdr_bad = 4'(`TATAMI_ST_BAD_LEN);
      else rf_hdr_bad = 4'd0;
    end

    // parameter-relative address fields (bit 31) of the record's payload:
    // GEMM a, b, c; VEC the used operand slots. An index not given becomes
    // an address out of range and marks the record (BAD_ARG in S_RESP).
    always_comb begin
      logic [7:0] op;
      logic [3:0] used;                 // VEC slots X, Y, Z, W
      pb_sub  = fbuf_q[8*4 +: 8*72];
      pb_badp = 1'b0;
      op      = fbuf_q[8*4 +: 8];
      unique case (op)
        8'd1, 8'd2, 8'd3, 8'd5, 8'd7: used = 4'b0111;
        8'd4, 8'd6, 8'd8, 8'd9:       used = 4'b0101;
        8'd10:                        used = 4'b1111;
        default:                      used = 4'b0000;
      endcase
      for (int f = 0; f < 7; f++) begin
        int off;
        /* verilator lint_off UNUSEDSIGNAL */
        logic [31:0] v;                 // bits 30..27 are not looked at
        /* verilator lint_on UNUSEDSIGNAL */
        logic [32:0] sum;
        logic sel;
        off = (f < 3) ? 4 * f : 24 + 12 * (f - 3);
        sel = (fbuf_q[7:0] == `TATAMI_OP_GEMM) ? (f < 3)
            : (fbuf_q[7:0] == `TATAMI_OP_VEC) ? (f >= 3 && used[(f >= 3) ? f - 3 : 0]) : 1'b0;
        v   = pb_sub[8*off +: 32];
        sum = {1'b0, run_par_q[32*v[26:24] +: 32]} + {9'b0, v[23:0]};
        if (sel && v[31]) begin
          if ({1'b0, v[26:24]} >= run_np_q) begin
            pb_sub[8*off +: 32] = 32'hFFFFFFFF;
            pb_badp = 1'b1;
          end else begin
            pb_sub[8*off +: 32] = sum[32] ? 32'hFFFFFFFF : sum[31:0];
          end
        end
      end
    end

    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        run_q      <= 1'b0;
        run_pc_q   <= '0;
        run_end_q  <= '0;
        run_par_q  <= '0;
        run_np_q   <= '0;
        run_idx_q  <= '0;
        rec_code_q <= '0;
        rec_len_q  <= '0;
        rec_badp_q <= 1'b0;
        rf_cnt_q   <= '0;
        rf_wait_q  <= 1'b0;
        fbuf_q     <= '0;
        pbuf_q     <= '0;
        pb_byte_q  <= '0;
        v_chk_start_q <= 1'b0;
        v_start_q  <= 1'b0;
      end else begin
        rf_wait_q     <= rf_wait_c;
        v_chk_start_q <= v_chk_start_c;
        v_start_q     <= v_start_c;
        pb_byte_q     <= (fb_raddr_o < 11'd72) ? pbuf_q[8*fb_raddr_o[6:0] +: 8] : 8'h00;
        if (PROG && run_start_c) begin
          run_q     <= 1'b1;
          run_pc_q  <= {1'b0, args_d[31:0]};
          run_end_q <= {1'b0, args_d[31:0]} + {1'b0, args_d[63:32]};
          run_par_q <= args_d[64 +: 8*32];
          run_np_q  <= cur_len[5:2] - 4'd2;
          run_idx_q <= '0;
          rf_cnt_q  <= '0;
        end
        if (PROG && state_q == S_RFETCH && rf_cnt_q != 3'(NRF + 1)) begin
          rf_cnt_q <= rf_cnt_q + 3'd1;
          for (int i = 0; i < NRF; i++) begin
            if (rf_cnt_q == 3'(i + 1)) fbuf_q[8*W*i +: 8*W] <= rd_data_i;
          end
        end
        if (PROG && rec_load_c) begin
          rec_code_q <= fbuf_q[7:0];
          rec_len_q  <= rf_rlen;
          pbuf_q     <= pb_sub;
          rec_badp_q <= pb_badp;
        end
        if (PROG && run_next_c) begin
          rf_cnt_q <= '0;
          if (rsp_status_q == 4'd0) begin
            run_idx_q <= run_idx_q + 32'd1;
            run_pc_q  <= rec_next;
          end
        end
        if (run_stop_c) run_q <= 1'b0;
      end
    end
    assign v_desc_o      = (8*72)'(args_q);
    assign v_chk_start_o = v_chk_start_q;
    assign v_start_o     = v_start_q;

    assign g_dtype_a_o = args_w[8*37 +: 3];
    assign g_dtype_c_o = args_w[8*38 +: 3];
    assign g_dtype_b_o = len48 ? args_w[8*39 +: 3] : args_w[8*37 +: 3];
    assign g_bias_a_o  = args_w[8*40 +: 6];
    assign g_bias_b_o  = args_w[8*41 +: 6];
    assign g_bias_c_o  = args_w[8*42 +: 6];
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) flags_q <= '0;
      else         flags_q <= (flags_q & ~flags_clr_c) | ev_flags_i;
    end
    logic        seed_we_q;
    logic [31:0] seed_q;
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        seed_we_q <= 1'b0;
        seed_q    <= '0;
      end else begin
        seed_we_q <= seed_we_c;
        if (seed_we_c) seed_q <= args_q[31:0];
      end
    end
    assign seed_we_o = seed_we_q;
    assign seed_o    = seed_q;
  end else begin : g_no_fp
    assign g_dtype_a_o = '0;
    assign g_dtype_b_o = '0;
    assign g_dtype_c_o = '0;
    assign g_bias_a_o  = '0;
    assign g_bias_b_o  = '0;
    assign g_bias_c_o  = '0;
    assign flags_q     = '0;
    assign seed_we_o   = 1'b0;
    assign seed_o      = '0;
    assign cur_code    = frm_code_i;
    assign cur_len     = frm_len_i;
    assign fb_data     = fb_rdata_i;
    assign rf_addr     = '0;
    assign run_q       = 1'b0;
    assign run_last    = 1'b0;
    assign rec_badp_q  = 1'b0;
    assign rf_wait_q   = 1'b0;
    assign rf_cnt_q    = '0;
    assign rf_hdr_bad  = '0;
    assign run_idx_q   = '0;
    assign v_desc_o    = '0;
    assign v_chk_start_o = 1'b0;
    assign v_start_o   = 1'b0;
    /* verilator lint_off UNUSEDSIGNAL */
    logic unused_fp;
    assign unused_fp = (^ev_flags_i) ^ (^flags_clr_c) ^ seed_we_c ^ run_start_c ^ run_next_c
                     ^ run_stop_c ^ rec_load_c ^ rf_wait_c ^ v_chk_start_c ^ v_start_c
                     ^ v_chk_valid_i ^ (^v_chk_status_i) ^ v_done_i;
    /* verilator lint_on UNUSEDSIGNAL */
  end

  // READ streams one byte per SRAM access; the other lanes are not needed.
  /* verilator lint_off UNUSEDSIGNAL */
  logic unused_rd;
  assign unused_rd = ^rd_data_i[8*W-1:8];
  /* verilator lint_on UNUSEDSIGNAL */

  assign busy_o  = (state_q != S_IDLE) && (state_q != S_INIT);
  assign error_o = error_q;
  assign idle_o  = (state_q == S_IDLE) && !frm_valid_i;
endmodule

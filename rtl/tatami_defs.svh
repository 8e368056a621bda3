// Shared constants of the tatami tile. Included by modules that need them
// (no SystemVerilog packages: yosys 0.23 cannot import them into modules).
`ifndef TATAMI_DEFS_SVH
`define TATAMI_DEFS_SVH

`define TATAMI_VERSION      16'h0100
`define TATAMI_VERSION_1_1  16'h0101   // a tile with the 1.1 additions (FP = 1)

`define TATAMI_SYNC0        8'hA5
`define TATAMI_SYNC1        8'h5A
`define TATAMI_MAX_PAYLOAD  1028
`define TATAMI_MAX_DATA     1024
`define TATAMI_DUP_WINDOW   128

// Opcodes (docs/protocol.md section 2)
`define TATAMI_OP_HELLO     8'h00
`define TATAMI_OP_INFO      8'h01
`define TATAMI_OP_WRITE     8'h02
`define TATAMI_OP_READ      8'h03
`define TATAMI_OP_GEMM      8'h04
`define TATAMI_OP_COUNTERS  8'h05
`define TATAMI_OP_CLEAR     8'h06
`define TATAMI_OP_VEC       8'h07   // 1.1
`define TATAMI_OP_FLAGS     8'h08   // 1.1
`define TATAMI_OP_CLEAR_FLAGS 8'h09 // 1.1
`define TATAMI_OP_SEED      8'h0A   // 1.1
`define TATAMI_OP_RUN       8'h0B   // 1.1

// Status codes (docs/protocol.md section 3)
`define TATAMI_ST_OK         8'h00
`define TATAMI_ST_BAD_CRC    8'h01
`define TATAMI_ST_TRUNCATED  8'h02
`define TATAMI_ST_TOO_LONG   8'h03
`define TATAMI_ST_BAD_OPCODE 8'h04
`define TATAMI_ST_BAD_DEST   8'h05
`define TATAMI_ST_BAD_LEN    8'h06
`define TATAMI_ST_ADDR_RANGE 8'h07
`define TATAMI_ST_BAD_DTYPE  8'h08
`define TATAMI_ST_BAD_ARG    8'h09
`define TATAMI_ST_OVERLAP    8'h0A
`define TATAMI_ST_SEQ        8'h0B

// Counter indices (COUNTERS response and dbg_cnt_sel_i)
`define TATAMI_CNT_CYCLES        0
`define TATAMI_CNT_BUSY          1
`define TATAMI_CNT_MACS          2
`define TATAMI_CNT_STALL_OPERAND 3
`define TATAMI_CNT_STALL_DRAIN   4
`define TATAMI_CNT_STALL_TX      5
`define TATAMI_CNT_FRAMES_OK     6
`define TATAMI_CNT_FRAMES_ERR    7
`define TATAMI_CNT_FRAMES_DUP    8
`define TATAMI_CNT_RX_OVERRUN    9
`define TATAMI_CNT_LAST_GEMM     10
`define TATAMI_CNT_GEMM_COUNT    11
`define TATAMI_NUM_COUNTERS      12

`endif

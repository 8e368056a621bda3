/* libtatami: the host library of the tatami training tile.
 *
 * One API for every device, chosen by URI when opening it:
 *   "sim:"            the Verilator model of the tile, in-process.
 *                     Options after the colon, comma-separated key=value:
 *                     profile=sim, trace=FILE.fst, baud=N, clock=HZ,
 *                     faults=RATE, seed=N.   e.g. "sim:baud=3000000,faults=0.01"
 *   "ref:"            the software reference model (the golden model).
 *                     Options: sram=BYTES, rows=R, cols=C (the geometry);
 *                     features=MASK (TATAMI_FEAT_* it reports and implements,
 *                     default 0x3f: e.g. "ref:features=0x1f" has no RUN, so
 *                     programs are expanded on the host; "ref:features=0x13"
 *                     has no CF8, VEC or RUN, as the iCEBreaker FP variant,
 *                     so VEC is emulated by the library); version=0x100
 *                     models a protocol 1.0 tile (int8 GEMMs only).
 *   "check:URI"       runs URI and mirrors every command to "ref:" (with URI's
 *                     version and features); the first readback, status or
 *                     response that differs fails with TATAMI_EMISMATCH.
 *                     e.g. "check:sim:"
 *   "usb:..."         a board over USB through the FT2232H driver (driver/):
 *                     "usb:" the only board, "usb:serial=XXXX",
 *                     "usb:bus=1,port=2"; options vid=0x0403, pid=0x6010,
 *                     baud=N (default 6000000; must match the bitstream),
 *                     timeout=MS (quiet time before a retransmission),
 *                     latency=MS (the chip's latency timer, default 1).
 *
 * Errors are negative return codes (TATAMI_E*); tatami_strerror() names
 * them and tatami_last_error() gives the device's message about the last
 * failure.
 *
 * Thread-safety: a device handle is not thread-safe; use each handle from one
 * thread at a time (or lock around it). Different handles are independent
 * and may be used from different threads concurrently. tatami_strerror() is
 * thread-safe.
 *
 * Ordering: commands run in the order they are issued. WRITE and GEMM may be
 * queued (several in flight on the link); tatami_sync() waits for all of them
 * and reports the first device error among them. Reads wait for everything
 * issued before them.
 *
 * Protocol 1.1 calls (float GEMMs, the vector unit, flags, seed, programs)
 * are sent to any device; one that lacks them (a 1.0 tile: INFO version
 * 0x0100, features bit 0 only) answers and the call reports
 * TATAMI_EDEV_BAD_OPCODE (new commands) or TATAMI_EDEV_BAD_DTYPE (float
 * GEMMs), at tatami_sync for queued ones. Programs are the exception: see
 * tatami_program_run.
 */
#ifndef TATAMI_H
#define TATAMI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define TATAMI_VERSION_MAJOR 1
#define TATAMI_VERSION_MINOR 1

/* ------------------------------------------------------------ errors */
enum {
  TATAMI_OK = 0,
  TATAMI_EINVAL = -1,       /* invalid argument (NULL, zero size, bad flag) */
  TATAMI_ENOMEM = -2,       /* host out of memory */
  TATAMI_EDEVMEM = -3,      /* device memory exhausted */
  TATAMI_ESHAPE = -4,       /* tensor shapes do not match */
  TATAMI_EOVERFLOW = -5,    /* a size computation overflows */
  TATAMI_EURI = -6,         /* malformed device URI or unknown option */
  TATAMI_ENODEV = -7,       /* no such device */
  TATAMI_EIO = -8,          /* link I/O failure (e.g. device unplugged) */
  TATAMI_ETIMEOUT = -9,     /* no valid response after all retries */
  TATAMI_EPROTO = -10,      /* the device broke the protocol */
  TATAMI_EMISMATCH = -11,   /* check: device and reference disagree */
  TATAMI_EUNSUPPORTED = -12,/* not supported by this device or build */
  TATAMI_ESTATE = -13,      /* call not valid in the current state */
  /* Device status codes s (docs/protocol.md section 3) come back as -(100+s) */
  TATAMI_EDEV_BAD_CRC = -101,
  TATAMI_EDEV_TRUNCATED = -102,
  TATAMI_EDEV_TOO_LONG = -103,
  TATAMI_EDEV_BAD_OPCODE = -104,
  TATAMI_EDEV_BAD_DEST = -105,
  TATAMI_EDEV_BAD_LEN = -106,
  TATAMI_EDEV_ADDR_RANGE = -107,
  TATAMI_EDEV_BAD_DTYPE = -108,
  TATAMI_EDEV_BAD_ARG = -109,
  TATAMI_EDEV_OVERLAP = -110,
  TATAMI_EDEV_SEQ = -111
};

/* Name and meaning of an error code; never NULL. */
const char *tatami_strerror(int err);

/* ------------------------------------------------------------ devices */
typedef struct tatami_device tatami_device;

typedef enum tatami_dtype {
  TATAMI_INT8 = 0,
  TATAMI_INT32 = 1,
  /* 1.1, docs/numerics.md: */
  TATAMI_BF16 = 2,
  TATAMI_FP32 = 3,
  TATAMI_CF8_143 = 4,      /* CFloat8 1-4-3, with the tensor's bias */
  TATAMI_CF8_152 = 5       /* CFloat8 1-5-2, with the tensor's bias */
} tatami_dtype;

/* Size in bytes of one element of dtype (0 for an unknown dtype). */
size_t tatami_dtype_size(tatami_dtype dtype);

/* Features (tatami_info.features, the INFO record's bitmap). */
enum {
  TATAMI_FEAT_INT8 = 1 << 0,   /* int8 x int8 -> int32 GEMM */
  TATAMI_FEAT_BF16 = 1 << 1,   /* BF16 GEMM */
  TATAMI_FEAT_CF8 = 1 << 2,    /* CFloat8 GEMM, both layouts */
  TATAMI_FEAT_VEC = 1 << 3,    /* the vector unit (tatami_vec and its wrappers; emulated
                                  by the library on a 1.1 device without it) */
  TATAMI_FEAT_FLAGS = 1 << 4,  /* sticky flags and the random seed */
  TATAMI_FEAT_PROGRAM = 1 << 5 /* command programs (tatami_program_*) */
};

typedef struct tatami_info {
  uint32_t version;        /* major << 8 | minor */
  char profile[16];        /* "sim", "icebreaker", ... */
  char backend[16];        /* "sim", "ref", "check", "usb" */
  uint32_t rows, cols;     /* systolic array R x C */
  uint64_t sram_bytes;
  uint32_t dtypes;         /* the INFO features bitmap: TATAMI_FEAT_* */
  uint32_t credits;        /* frames the host may keep in flight */
  uint32_t max_data;       /* data bytes per WRITE/READ frame */
  uint32_t tile_x, tile_y;
  uint64_t clock_hz;       /* nominal tile clock */
  /* Added in 1.0 with the board driver (keep new fields at the end): */
  uint32_t link_baud;      /* the link's UART rate in baud (8N1: 10 bits a byte);
                              0 when the link is not a UART (sim: without baud=, ref:) */
} tatami_info;

typedef struct tatami_counters {
  /* tile counters (docs/protocol.md, COUNTERS) */
  uint64_t cycles, busy_cycles, macs;
  uint64_t stall_operand, stall_drain, stall_tx;
  uint64_t frames_ok, frames_err, frames_dup, rx_overrun;
  uint64_t last_gemm_cycles, gemm_count;
  /* host side of the link, since open */
  uint64_t tx_frames, retransmits, timeouts, bad_responses;
  /* VEC emulated by the library (a device without TATAMI_FEAT_VEC): operand
   * bytes it read from and wrote to the device; tatami_clear_counters zeroes
   * them with the tile's */
  uint64_t vec_emu_read_bytes, vec_emu_write_bytes;
} tatami_counters;

/* Open a device by URI. On failure *out is NULL and, where a message helps,
 * tatami_open_error() explains. */
int tatami_open(const char *uri, tatami_device **out);
/* Message about the last tatami_open() failure in this thread. */
const char *tatami_open_error(void);
void tatami_close(tatami_device *dev);

/* The device's message about its last failure ("" if none). */
const char *tatami_last_error(const tatami_device *dev);

int tatami_get_info(tatami_device *dev, tatami_info *info);
int tatami_get_counters(tatami_device *dev, tatami_counters *c);
int tatami_clear_counters(tatami_device *dev);

/* Wait until every issued command has finished; returns the first device
 * error among them (and clears it). */
int tatami_sync(tatami_device *dev);

/* ------------------------------------------------------------ memory */
/* Device SRAM allocation (first fit, 16-byte aligned). */
int tatami_malloc(tatami_device *dev, size_t bytes, uint64_t *addr);
int tatami_free(tatami_device *dev, uint64_t addr);
/* Raw byte copies between host memory and device SRAM, any size. */
int tatami_write(tatami_device *dev, uint64_t addr, const void *src, size_t n);
int tatami_read(tatami_device *dev, uint64_t addr, void *dst, size_t n);

/* ------------------------------------------------------------ tensors */
/* A 2-D row-major tensor in device SRAM: element (r, c) is at
 * addr + (r * ld + c) * element size. */
typedef struct tatami_tensor {
  tatami_device *dev;
  tatami_dtype dtype;
  uint32_t rows, cols;
  uint32_t ld;             /* row stride in elements, >= cols */
  uint64_t addr;           /* or a program parameter reference, see tatami_tensor_param */
  int owned;               /* allocated by tatami_tensor_create */
  unsigned bias;           /* CFloat8 exponent bias 0..63 (other dtypes: 0); set it after
                              create/view, before use (default 0) */
} tatami_tensor;

int tatami_tensor_create(tatami_device *dev, tatami_dtype dtype, uint32_t rows,
                         uint32_t cols, tatami_tensor *t);
/* Describe existing device memory (nothing is allocated). */
int tatami_tensor_view(tatami_device *dev, tatami_dtype dtype, uint32_t rows,
                       uint32_t cols, uint32_t ld, uint64_t addr, tatami_tensor *t);
int tatami_tensor_destroy(tatami_tensor *t);
/* Copy a dense row-major host array (rows*cols elements) in or out. */
int tatami_tensor_upload(tatami_tensor *t, const void *host);
int tatami_tensor_download(const tatami_tensor *t, void *host);

/* ------------------------------------------------------------ compute */
enum {
  TATAMI_TRANS_A = 1 << 0,
  TATAMI_TRANS_B = 1 << 1,
  TATAMI_ACCUMULATE = 1 << 2
};

/* C = op(A) op(B), or C += op(A) op(B) with TATAMI_ACCUMULATE.
 * A, B int8 and C int32; or A, B each BF16 / CFloat8 (any mix) and C FP32,
 * BF16 or CFloat8 (FP32 accumulation, docs/numerics.md section 5; a narrow C
 * is rounded to nearest even). op(X) is X or its transpose (TATAMI_TRANS_A/B).
 * Shapes are checked on the host (TATAMI_ESHAPE), data types too
 * (TATAMI_EINVAL). Queued: see tatami_sync. */
int tatami_gemm(tatami_device *dev, const tatami_tensor *a, const tatami_tensor *b,
                const tatami_tensor *c, unsigned flags);

/* The raw GEMM descriptor of the protocol (docs/protocol.md), sent as is:
 * for tests and for callers that manage SRAM themselves. */
typedef struct tatami_gemm_desc {
  uint32_t a, b, c;          /* SRAM byte addresses */
  uint32_t m, n, k;
  uint32_t lda, ldb, ldc;    /* strides in elements */
  uint8_t flags;             /* TATAMI_TRANS_A | TATAMI_TRANS_B | TATAMI_ACCUMULATE */
  uint8_t dtype_ab, dtype_c; /* protocol codes; 0, 0: int8 x int8 -> int32 */
  /* 1.1: dtype_ab is then dtype_a. With all of the following 0 the 40-byte
   * descriptor of 1.0 is sent, else the 48-byte one. */
  uint8_t dtype_b;           /* protocol code; 0 with a float dtype_ab means "same as A" */
  uint8_t bias_a, bias_b, bias_c;
} tatami_gemm_desc;

int tatami_gemm_desc_run(tatami_device *dev, const tatami_gemm_desc *d);

/* ------------------------------------------------------------ vector unit (1.1) */
/* docs/protocol.md VEC, docs/numerics.md section 8. FP32 inside; each tensor
 * has its own dtype (BF16, FP32, CFloat8 with its bias; not the integers).
 * flags: TATAMI_ROUND_SR rounds the BF16/CFloat8 outputs stochastically (the
 * tile's random source, tatami_seed), otherwise to nearest even. All are
 * queued like tatami_gemm.
 *
 * A protocol 1.1 device without TATAMI_FEAT_VEC (the iCEBreaker FP variant)
 * gets the vector unit from the library: each VEC waits for the commands
 * before it, is checked as the tile checks it (a refused descriptor writes
 * nothing and reports the tile's TATAMI_EDEV_* code at tatami_sync), then
 * its operands are READ, it is computed on the host by the reference model
 * (same bits, flags and stochastic-rounding draws as a tile with VEC), and
 * the elements it writes go back by WRITE. The cost is link traffic: every
 * operand byte crosses the link (results twice), one round trip per VEC,
 * and none of it is tile time in the counters. tatami_get_flags reports
 * the device's flags ORed with those of the emulated ops, tatami_clear_flags
 * clears both, tatami_seed seeds the host's random source too (from the
 * reset state at tatami_open: only the host's stream is drawn). Programs
 * on such a device are always expanded on the host (see tatami_program_run).
 * A 1.0 tile has no float types: VEC answers TATAMI_EDEV_BAD_OPCODE there. */
enum { TATAMI_ROUND_SR = 1 << 8 };

typedef enum tatami_vec_op {
  TATAMI_VEC_ADD = 1,       /* z = x + y */
  TATAMI_VEC_SUB = 2,       /* z = x - y */
  TATAMI_VEC_MUL = 3,       /* z = x * y */
  TATAMI_VEC_SCALE = 4,     /* z = x * s0 */
  TATAMI_VEC_BIAS = 5,      /* z = x + y[0][j] (y is 1 x n) */
  TATAMI_VEC_RELU = 6,      /* z = max(x, +0) */
  TATAMI_VEC_RELU_BWD = 7,  /* z = y > 0 ? x : +0 (x gradient, y saved forward values) */
  TATAMI_VEC_ROWSUM = 8,    /* z[0][j] = sum over i of x[i][j] (z is 1 x n) */
  TATAMI_VEC_CONVERT = 9,   /* z = x in z's dtype */
  TATAMI_VEC_SGD = 10       /* x grad, y velocity (FP32), z master (FP32), w low-precision copy */
} tatami_vec_op;

/* The raw VEC descriptor (docs/protocol.md), sent as is. */
typedef struct tatami_vec_operand {
  uint32_t addr, ld;         /* SRAM byte address (or parameter reference), stride in elements */
  uint8_t dtype, bias;       /* protocol dtype code (1 BF16, 2 CF8 1-4-3, 3 CF8 1-5-2, 4 FP32) */
} tatami_vec_operand;

typedef struct tatami_vec_desc {
  uint8_t op, flags;         /* flags bit 0: stochastic rounding */
  uint32_t m, n;
  uint32_t s[3];             /* FP32 scalars as bit patterns */
  tatami_vec_operand x, y, z, w;
} tatami_vec_desc;

int tatami_vec_desc_run(tatami_device *dev, const tatami_vec_desc *d);

/* Elementwise, all m x n of z's shape (x, y the same shape unless stated). */
int tatami_add(tatami_device *dev, const tatami_tensor *z, const tatami_tensor *x,
               const tatami_tensor *y, unsigned flags);
int tatami_sub(tatami_device *dev, const tatami_tensor *z, const tatami_tensor *x,
               const tatami_tensor *y, unsigned flags);
int tatami_mul(tatami_device *dev, const tatami_tensor *z, const tatami_tensor *x,
               const tatami_tensor *y, unsigned flags);
int tatami_scale(tatami_device *dev, const tatami_tensor *z, const tatami_tensor *x,
                 float s, unsigned flags);
/* z = x + bias broadcast over rows; bias is 1 x cols. */
int tatami_bias_add(tatami_device *dev, const tatami_tensor *z, const tatami_tensor *x,
                    const tatami_tensor *bias, unsigned flags);
int tatami_relu(tatami_device *dev, const tatami_tensor *z, const tatami_tensor *x,
                unsigned flags);
/* dx = saved > 0 ? dy : 0 (saved: the ReLU's input or output). */
int tatami_relu_backward(tatami_device *dev, const tatami_tensor *dx, const tatami_tensor *dy,
                         const tatami_tensor *saved, unsigned flags);
/* z (1 x cols) = sum of x's rows (the bias gradient). */
int tatami_row_sum(tatami_device *dev, const tatami_tensor *z, const tatami_tensor *x,
                   unsigned flags);
int tatami_convert(tatami_device *dev, const tatami_tensor *z, const tatami_tensor *x,
                   unsigned flags);
/* SGD with momentum and weight decay on FP32 master weights w (in place),
 * velocity v (FP32, in place), gradient g; writes the low-precision copy
 * w_low (may be NULL: then no copy is written; the descriptor's W operand is
 * then w itself, written in place with the same FP32 value). */
int tatami_sgd(tatami_device *dev, const tatami_tensor *w, const tatami_tensor *v,
               const tatami_tensor *w_low, const tatami_tensor *g, float lr, float momentum,
               float weight_decay, unsigned flags);

/* ------------------------------------------------------------ flags and random source (1.1) */
enum {
  TATAMI_FLAG_INVALID = 1 << 0,
  TATAMI_FLAG_DENORMAL = 1 << 1,
  TATAMI_FLAG_OVERFLOW = 1 << 2,
  TATAMI_FLAG_UNDERFLOW = 1 << 3,
  TATAMI_FLAG_INEXACT = 1 << 4,
  TATAMI_FLAG_ALL = 0x1F
};
/* The tile's sticky flags (waits for queued commands). */
int tatami_get_flags(tatami_device *dev, unsigned *flags);
/* Clear the flags in mask (TATAMI_FLAG_*). Queued. */
int tatami_clear_flags(tatami_device *dev, unsigned mask);
/* Seed the random source of stochastic rounding (0 selects the default). Queued. */
int tatami_seed(tatami_device *dev, uint32_t seed);

/* ------------------------------------------------------------ command programs (1.1) */
/* Record a sequence of GEMM / VEC / clear-flags / seed calls once, store it in
 * device SRAM, and run it with one command per launch (docs/protocol.md RUN).
 * Between tatami_program_begin and tatami_program_end those calls are
 * recorded, not run (they still check their arguments); every other call
 * (uploads, reads, tatami_get_flags, sync) runs at once as usual. begin while
 * recording, end without begin and program_run while recording are
 * TATAMI_ESTATE; an empty program is TATAMI_EINVAL at end. Tensors made with
 * tatami_tensor_param refer to launch parameters: their address is
 * params[index] + offset at each launch. */
typedef struct tatami_program tatami_program;

#define TATAMI_MAX_PARAMS 8

int tatami_program_begin(tatami_device *dev);
/* Stop recording; store the program in device SRAM (allocated). */
int tatami_program_end(tatami_device *dev, tatami_program **out);
/* Run it with nparams (<= TATAMI_MAX_PARAMS) parameter addresses. Queued;
 * a failing command inside reports its error at tatami_sync (the device's
 * TATAMI_EDEV_* code; tatami_last_error names the command's index); the
 * commands before it have run, none after it.
 *
 * Devices without TATAMI_FEAT_PROGRAM (e.g. the 1.0 RTL tile): the program
 * is kept on the host only (tatami_program_end allocates no SRAM) and
 * tatami_program_run expands it: each recorded command is sent on its own
 * with the parameters substituted, and waited for before the next one, so
 * that a failing command stops the program as RUN does. Same results and
 * errors, one round trip per command. The same on a device without
 * TATAMI_FEAT_VEC, whatever its RUN: its VEC records are emulated on the host. */
int tatami_program_run(tatami_device *dev, const tatami_program *p, const uint64_t *params,
                       unsigned nparams);
/* Commands in the program. */
unsigned tatami_program_length(const tatami_program *p);
/* Free the program and its device SRAM. */
void tatami_program_free(tatami_program *p);
/* A tensor whose address is launch parameter `index` + offset bytes, for use
 * while recording: its addr is the protocol's parameter reference
 * 0x80000000 | index << 24 | offset (index < 8, offset < 2^24; ld >= cols).
 * Outside recording, using it (compute calls, upload, download) fails with
 * TATAMI_ESTATE. */
int tatami_tensor_param(tatami_device *dev, tatami_dtype dtype, uint32_t rows, uint32_t cols,
                        uint32_t ld, unsigned index, uint32_t offset, tatami_tensor *t);

#ifdef __cplusplus
}
#endif
#endif

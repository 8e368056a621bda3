/* libtatami: the host library of the tatami training tile.
 *
 * One API for every device, chosen by URI when opening it:
 *   "sim:"            the Verilator model of the tile, in-process.
 *                     Options after the colon, comma-separated key=value:
 *                     profile=sim, trace=FILE.fst, baud=N, clock=HZ,
 *                     faults=RATE, seed=N.   e.g. "sim:baud=3000000,faults=0.01"
 *   "ref:"            the software reference model (the golden model).
 *   "check:URI"       runs URI and mirrors every command to "ref:"; the first
 *                     readback or status that differs fails with
 *                     TATAMI_EMISMATCH. e.g. "check:sim:"
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
 */
#ifndef TATAMI_H
#define TATAMI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define TATAMI_VERSION_MAJOR 1
#define TATAMI_VERSION_MINOR 0

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
  TATAMI_INT32 = 1
} tatami_dtype;

typedef struct tatami_info {
  uint32_t version;        /* major << 8 | minor */
  char profile[16];        /* "sim", "icebreaker", ... */
  char backend[16];        /* "sim", "ref", "check", "usb" */
  uint32_t rows, cols;     /* systolic array R x C */
  uint64_t sram_bytes;
  uint32_t dtypes;         /* bit 0: int8 x int8 -> int32 */
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
  uint64_t addr;
  int owned;               /* allocated by tatami_tensor_create */
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
 * A, B int8; C int32. op(X) is X or its transpose (TATAMI_TRANS_A/B).
 * Shapes are checked on the host (TATAMI_ESHAPE). Queued: see tatami_sync. */
int tatami_gemm(tatami_device *dev, const tatami_tensor *a, const tatami_tensor *b,
                const tatami_tensor *c, unsigned flags);

/* The raw GEMM descriptor of the protocol (docs/protocol.md), sent as is:
 * for tests and for callers that manage SRAM themselves. */
typedef struct tatami_gemm_desc {
  uint32_t a, b, c;          /* SRAM byte addresses */
  uint32_t m, n, k;
  uint32_t lda, ldb, ldc;    /* strides in elements */
  uint8_t flags;             /* TATAMI_TRANS_A | TATAMI_TRANS_B | TATAMI_ACCUMULATE */
  uint8_t dtype_ab, dtype_c; /* 0, 0: int8 x int8 -> int32 */
} tatami_gemm_desc;

int tatami_gemm_desc_run(tatami_device *dev, const tatami_gemm_desc *d);

#ifdef __cplusplus
}
#endif
#endif

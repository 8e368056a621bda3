/* libtatami core: opening devices by URI, errors, the SRAM allocator,
 * tensors and the host-side checks in front of every backend. */
#include "device.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ errors */

const char *tatami_strerror(int err) {
  switch (err) {
  case TATAMI_OK: return "TATAMI_OK: success";
  case TATAMI_EINVAL: return "TATAMI_EINVAL: invalid argument";
  case TATAMI_ENOMEM: return "TATAMI_ENOMEM: host out of memory";
  case TATAMI_EDEVMEM: return "TATAMI_EDEVMEM: device memory exhausted";
  case TATAMI_ESHAPE: return "TATAMI_ESHAPE: tensor shapes do not match";
  case TATAMI_EOVERFLOW: return "TATAMI_EOVERFLOW: size computation overflows";
  case TATAMI_EURI: return "TATAMI_EURI: malformed device URI or unknown option";
  case TATAMI_ENODEV: return "TATAMI_ENODEV: no such device";
  case TATAMI_EIO: return "TATAMI_EIO: link I/O failure";
  case TATAMI_ETIMEOUT: return "TATAMI_ETIMEOUT: no valid response after all retries";
  case TATAMI_EPROTO: return "TATAMI_EPROTO: the device broke the protocol";
  case TATAMI_EMISMATCH: return "TATAMI_EMISMATCH: device and reference disagree";
  case TATAMI_EUNSUPPORTED: return "TATAMI_EUNSUPPORTED: not supported by this device or build";
  case TATAMI_ESTATE: return "TATAMI_ESTATE: call not valid in the current state";
  case TATAMI_EDEV_BAD_CRC: return "TATAMI_EDEV_BAD_CRC: device: CRC mismatch";
  case TATAMI_EDEV_TRUNCATED: return "TATAMI_EDEV_TRUNCATED: device: frame truncated";
  case TATAMI_EDEV_TOO_LONG: return "TATAMI_EDEV_TOO_LONG: device: payload too long";
  case TATAMI_EDEV_BAD_OPCODE: return "TATAMI_EDEV_BAD_OPCODE: device: unknown opcode";
  case TATAMI_EDEV_BAD_DEST: return "TATAMI_EDEV_BAD_DEST: device: frame addressed to another tile";
  case TATAMI_EDEV_BAD_LEN: return "TATAMI_EDEV_BAD_LEN: device: payload length wrong for the opcode";
  case TATAMI_EDEV_ADDR_RANGE: return "TATAMI_EDEV_ADDR_RANGE: device: address range leaves the SRAM";
  case TATAMI_EDEV_BAD_DTYPE: return "TATAMI_EDEV_BAD_DTYPE: device: unsupported data type";
  case TATAMI_EDEV_BAD_ARG: return "TATAMI_EDEV_BAD_ARG: device: a field is out of its allowed range";
  case TATAMI_EDEV_OVERLAP: return "TATAMI_EDEV_OVERLAP: device: GEMM output overlaps an input";
  case TATAMI_EDEV_SEQ: return "TATAMI_EDEV_SEQ: device: sequence number ahead (frame lost)";
  default: return "unknown tatami error code";
  }
}

/* The only mutable global: per thread, so concurrent opens do not mix up
 * their messages. */
static _Thread_local char open_error[256];

void tatami_set_open_error(const char *fmt, ...) {
  /* fmt's arguments may point into open_error itself (a nested open being
   * wrapped): format into a copy first. */
  char buf[sizeof open_error];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  memcpy(open_error, buf, sizeof buf);
}

int tatami_uri_bad(const char *fmt, const char *a, const char *b) {
  tatami_set_open_error(fmt, a, b);
  return TATAMI_EURI;
}

int tatami_uri_num(const char *s, unsigned long long lo, unsigned long long hi,
                   unsigned long long *out) {
  char *end;
  if (!*s || *s == '-' || *s == '+') return -1;
  errno = 0;
  unsigned long long v = strtoull(s, &end, 0);
  if (errno || *end || v < lo || v > hi) return -1;
  *out = v;
  return 0;
}

const char *tatami_open_error(void) { return open_error; }

int tatami_dev_error(tatami_device *dev, int code, const char *fmt, ...) {
  if (!dev) return code;
  char buf[sizeof dev->err];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  memcpy(dev->err, buf, sizeof buf);
  return code;
}

const char *tatami_last_error(const tatami_device *dev) { return dev ? dev->err : ""; }

/* ------------------------------------------------------------ open/close */

int tatami_open(const char *uri, tatami_device **out) {
  open_error[0] = '\0';
  if (out) *out = NULL;
  if (!uri || !out) {
    tatami_set_open_error("tatami_open: %s is NULL", !uri ? "uri" : "out");
    return TATAMI_EINVAL;
  }
  const char *colon = strchr(uri, ':');
  if (!colon) {
    tatami_set_open_error("bad device URI '%s': expected SCHEME:[OPTIONS] with scheme "
                          "sim, ref, check or usb (e.g. \"sim:\")", uri);
    return TATAMI_EURI;
  }
  size_t slen = (size_t)(colon - uri);
  const char *opts = colon + 1;
  int (*open_fn)(tatami_device *, const char *) = NULL;
  if (slen == 3 && memcmp(uri, "sim", 3) == 0) open_fn = tatami_sim_dev_open;
  else if (slen == 3 && memcmp(uri, "ref", 3) == 0) open_fn = tatami_ref_open;
  else if (slen == 5 && memcmp(uri, "check", 5) == 0) open_fn = tatami_check_open;
  else if (slen == 3 && memcmp(uri, "usb", 3) == 0) open_fn = tatami_usb_open;
  if (!open_fn) {
    tatami_set_open_error("unknown device scheme '%.*s' in URI '%s' (known: sim, ref, "
                          "check, usb)", (int)(slen > 64 ? 64 : slen), uri, uri);
    return TATAMI_EURI;
  }

  tatami_device *dev = calloc(1, sizeof *dev);
  if (!dev) {
    tatami_set_open_error("out of memory");
    return TATAMI_ENOMEM;
  }
  int rc = open_fn(dev, opts);
  if (rc == 0 && (!dev->ops || !dev->ops->write || !dev->ops->read || !dev->ops->gemm ||
                  dev->info.sram_bytes == 0 || dev->info.rows == 0 || dev->info.cols == 0)) {
    /* A backend that "succeeds" without its basic operations or a usable
     * geometry would make every later call or check meaningless. */
    if (dev->ops && dev->ops->close) dev->ops->close(dev);
    tatami_set_open_error("%s: the backend is incomplete or reported an unusable geometry "
                          "(sram %llu bytes, %ux%u array)", uri,
                          (unsigned long long)dev->info.sram_bytes, dev->info.rows,
                          dev->info.cols);
    rc = TATAMI_EPROTO;
  }
  if (rc != 0) {
    if (rc > 0) rc = TATAMI_EPROTO; /* defensive: backends return negative codes */
    if (open_error[0] == '\0')
      tatami_set_open_error("%s: %s", uri, tatami_strerror(rc));
    free(dev);
    return rc;
  }
  *out = dev;
  return 0;
}

void tatami_close(tatami_device *dev) {
  if (!dev) return;
  if (dev->ops && dev->ops->close) dev->ops->close(dev);
  tatami_block *b = dev->allocated;
  while (b) {
    tatami_block *next = b->next;
    free(b);
    b = next;
  }
  free(dev);
}

/* Run a backend call; keep the previous failure message if it succeeds, and
 * make sure a failure always leaves a message behind. */
#define BACKEND_CALL(dev, what, call)                                              \
  do {                                                                             \
    char saved_[sizeof(dev)->err];                                                 \
    memcpy(saved_, (dev)->err, sizeof saved_);                                     \
    (dev)->err[0] = '\0';                                                          \
    int rc_ = (call);                                                              \
    if (rc_ == 0) memcpy((dev)->err, saved_, sizeof saved_);                       \
    else if ((dev)->err[0] == '\0')                                                \
      tatami_dev_error((dev), rc_, "%s: %s", (what), tatami_strerror(rc_));        \
    return rc_;                                                                    \
  } while (0)

int tatami_get_info(tatami_device *dev, tatami_info *info) {
  if (!dev || !info) return TATAMI_EINVAL;
  *info = dev->info;
  return 0;
}

int tatami_get_counters(tatami_device *dev, tatami_counters *c) {
  if (!dev) return TATAMI_EINVAL;
  if (!c) return tatami_dev_error(dev, TATAMI_EINVAL, "get_counters: counters pointer is NULL");
  if (!dev->ops->get_counters)
    return tatami_dev_error(dev, TATAMI_EUNSUPPORTED, "get_counters: the %s backend has no "
                            "counters", dev->ops->name);
  memset(c, 0, sizeof *c);
  BACKEND_CALL(dev, "get_counters", dev->ops->get_counters(dev, c));
}

int tatami_clear_counters(tatami_device *dev) {
  if (!dev) return TATAMI_EINVAL;
  if (!dev->ops->clear_counters)
    return tatami_dev_error(dev, TATAMI_EUNSUPPORTED, "clear_counters: the %s backend has "
                            "no counters", dev->ops->name);
  BACKEND_CALL(dev, "clear_counters", dev->ops->clear_counters(dev));
}

int tatami_sync(tatami_device *dev) {
  if (!dev) return TATAMI_EINVAL;
  if (!dev->ops->sync) return 0;
  BACKEND_CALL(dev, "sync", dev->ops->sync(dev));
}

/* ------------------------------------------------------------ raw memory */

/* [addr, addr + n) must be a non-empty range inside the SRAM. Checked on
 * the host so that an out-of-range copy fails at once, before any chunk of
 * it reaches the device. */
static int check_range(tatami_device *dev, const char *what, uint64_t addr, size_t n) {
  if (n == 0) return tatami_dev_error(dev, TATAMI_EINVAL, "%s: size is 0", what);
  if ((uint64_t)n > UINT64_MAX - addr)
    return tatami_dev_error(dev, TATAMI_EOVERFLOW, "%s: 0x%llx + %zu bytes overflows", what,
                            (unsigned long long)addr, n);
  if (addr + n > dev->info.sram_bytes)
    return tatami_dev_error(dev, TATAMI_EDEV_ADDR_RANGE, "%s: [0x%llx, 0x%llx) leaves the "
                            "%llu-byte SRAM", what, (unsigned long long)addr,
                            (unsigned long long)(addr + n),
                            (unsigned long long)dev->info.sram_bytes);
  return 0;
}

int tatami_write(tatami_device *dev, uint64_t addr, const void *src, size_t n) {
  if (!dev) return TATAMI_EINVAL;
  if (!src) return tatami_dev_error(dev, TATAMI_EINVAL, "write: source buffer is NULL");
  int rc = check_range(dev, "write", addr, n);
  if (rc) return rc;
  BACKEND_CALL(dev, "write", dev->ops->write(dev, addr, src, n));
}

int tatami_read(tatami_device *dev, uint64_t addr, void *dst, size_t n) {
  if (!dev) return TATAMI_EINVAL;
  if (!dst) return tatami_dev_error(dev, TATAMI_EINVAL, "read: destination buffer is NULL");
  int rc = check_range(dev, "read", addr, n);
  if (rc) return rc;
  BACKEND_CALL(dev, "read", dev->ops->read(dev, addr, dst, n));
}

/* ------------------------------------------------------------ allocator */

#define ALIGN 16u

int tatami_malloc(tatami_device *dev, size_t bytes, uint64_t *addr) {
  if (!dev) return TATAMI_EINVAL;
  if (!addr) return tatami_dev_error(dev, TATAMI_EINVAL, "malloc: addr pointer is NULL");
  if (bytes == 0) return tatami_dev_error(dev, TATAMI_EINVAL, "malloc: size is 0");
  if ((uint64_t)bytes > UINT64_MAX - (ALIGN - 1))
    return tatami_dev_error(dev, TATAMI_EOVERFLOW, "malloc: %zu bytes overflows when "
                            "rounded up to %u", bytes, ALIGN);
  uint64_t size = ((uint64_t)bytes + ALIGN - 1) & ~(uint64_t)(ALIGN - 1);
  uint64_t sram = dev->info.sram_bytes;

  /* First fit: walk the gaps between allocated blocks in address order. */
  tatami_block **link = &dev->allocated;
  uint64_t start = 0;
  for (;;) {
    tatami_block *next = *link;
    uint64_t gap_end = next ? next->addr : sram;
    if (gap_end >= start && gap_end - start >= size) break;
    if (!next)
      return tatami_dev_error(dev, TATAMI_EDEVMEM, "malloc: no free block of %llu bytes in "
                              "the %llu-byte SRAM", (unsigned long long)size,
                              (unsigned long long)sram);
    start = (next->addr + next->size + ALIGN - 1) & ~(uint64_t)(ALIGN - 1);
    link = &next->next;
  }
  tatami_block *b = malloc(sizeof *b);
  if (!b) return tatami_dev_error(dev, TATAMI_ENOMEM, "malloc: host out of memory");
  b->addr = start;
  b->size = size;
  b->next = *link;
  *link = b;
  *addr = start;
  return 0;
}

int tatami_free(tatami_device *dev, uint64_t addr) {
  if (!dev) return TATAMI_EINVAL;
  for (tatami_block **link = &dev->allocated; *link; link = &(*link)->next) {
    if ((*link)->addr == addr) {
      tatami_block *b = *link;
      *link = b->next;
      free(b);
      return 0;
    }
  }
  return tatami_dev_error(dev, TATAMI_EINVAL, "free: 0x%llx is not an allocated block",
                          (unsigned long long)addr);
}

/* ------------------------------------------------------------ tensors */

static uint32_t dtype_size(tatami_dtype dt) { return dt == TATAMI_INT32 ? 4 : 1; }
static int dtype_ok(tatami_dtype dt) { return dt == TATAMI_INT8 || dt == TATAMI_INT32; }
static const char *dtype_name(tatami_dtype dt) {
  return dt == TATAMI_INT8 ? "int8" : dt == TATAMI_INT32 ? "int32" : "unknown dtype";
}

/* Bytes spanned by a rows x cols tensor with stride ld: ((rows-1)*ld + cols)
 * elements. rows, cols, ld < 2^32 so this fits in 64 bits. */
static uint64_t tensor_span(const tatami_tensor *t) {
  return ((uint64_t)(t->rows - 1) * t->ld + t->cols) * dtype_size(t->dtype);
}

int tatami_tensor_create(tatami_device *dev, tatami_dtype dtype, uint32_t rows,
                         uint32_t cols, tatami_tensor *t) {
  if (!dev) return TATAMI_EINVAL;
  if (!t) return tatami_dev_error(dev, TATAMI_EINVAL, "tensor_create: tensor pointer is NULL");
  if (!dtype_ok(dtype))
    return tatami_dev_error(dev, TATAMI_EINVAL, "tensor_create: unknown dtype %d", (int)dtype);
  if (rows == 0 || cols == 0)
    return tatami_dev_error(dev, TATAMI_EINVAL, "tensor_create: shape %ux%u has a zero "
                            "dimension", rows, cols);
  /* rows * cols < 2^64; times the element size it may not be. */
  uint64_t elems = (uint64_t)rows * cols;
  uint64_t bytes = elems * dtype_size(dtype);
  if (elems > UINT64_MAX / 4 || bytes > (uint64_t)SIZE_MAX)
    return tatami_dev_error(dev, TATAMI_EOVERFLOW, "tensor_create: %ux%u %s overflows",
                            rows, cols, dtype_name(dtype));
  uint64_t addr;
  int rc = tatami_malloc(dev, (size_t)bytes, &addr);
  if (rc) {
    if (rc == TATAMI_EDEVMEM)
      tatami_dev_error(dev, rc, "tensor_create: no room for a %ux%u %s tensor (%llu bytes) "
                       "in the %llu-byte SRAM", rows, cols, dtype_name(dtype),
                       (unsigned long long)bytes, (unsigned long long)dev->info.sram_bytes);
    return rc;
  }
  *t = (tatami_tensor){.dev = dev, .dtype = dtype, .rows = rows, .cols = cols, .ld = cols,
                       .addr = addr, .owned = 1};
  return 0;
}

int tatami_tensor_view(tatami_device *dev, tatami_dtype dtype, uint32_t rows,
                       uint32_t cols, uint32_t ld, uint64_t addr, tatami_tensor *t) {
  if (!dev) return TATAMI_EINVAL;
  if (!t) return tatami_dev_error(dev, TATAMI_EINVAL, "tensor_view: tensor pointer is NULL");
  if (!dtype_ok(dtype))
    return tatami_dev_error(dev, TATAMI_EINVAL, "tensor_view: unknown dtype %d", (int)dtype);
  if (rows == 0 || cols == 0)
    return tatami_dev_error(dev, TATAMI_EINVAL, "tensor_view: shape %ux%u has a zero "
                            "dimension", rows, cols);
  if (ld < cols)
    return tatami_dev_error(dev, TATAMI_EINVAL, "tensor_view: stride %u is shorter than a "
                            "row of %u elements", ld, cols);
  tatami_tensor v = {.dev = dev, .dtype = dtype, .rows = rows, .cols = cols, .ld = ld,
                     .addr = addr, .owned = 0};
  uint64_t span = tensor_span(&v);
  if (addr > dev->info.sram_bytes || span > dev->info.sram_bytes - addr)
    return tatami_dev_error(dev, TATAMI_EDEV_ADDR_RANGE, "tensor_view: %ux%u %s (ld %u) at "
                            "0x%llx leaves the %llu-byte SRAM", rows, cols, dtype_name(dtype),
                            ld, (unsigned long long)addr,
                            (unsigned long long)dev->info.sram_bytes);
  *t = v;
  return 0;
}

int tatami_tensor_destroy(tatami_tensor *t) {
  if (!t || !t->dev) return TATAMI_EINVAL;
  int rc = 0;
  if (t->owned) rc = tatami_free(t->dev, t->addr);
  if (rc == 0) memset(t, 0, sizeof *t);
  return rc;
}

static int tensor_check(const tatami_tensor *t, const char *what) {
  if (!t || !t->dev) return TATAMI_EINVAL;
  if (!dtype_ok(t->dtype) || t->rows == 0 || t->cols == 0 || t->ld < t->cols)
    return tatami_dev_error(t->dev, TATAMI_EINVAL, "%s: malformed tensor (%ux%u, ld %u, "
                            "dtype %d)", what, t->rows, t->cols, t->ld, (int)t->dtype);
  return 0;
}

/* Host rows are dense; the device is little-endian. int32 values are
 * converted byte by byte so that the code is right on any host. A tensor
 * without padding (ld == cols) moves as one transfer, otherwise row by row. */
int tatami_tensor_upload(tatami_tensor *t, const void *host) {
  int rc = tensor_check(t, "tensor_upload");
  if (rc) return rc;
  if (!host) return tatami_dev_error(t->dev, TATAMI_EINVAL, "tensor_upload: host is NULL");
  uint32_t es = dtype_size(t->dtype);
  int dense = t->ld == t->cols;
  uint32_t pieces = dense ? 1 : t->rows;
  size_t piece_elems = dense ? (size_t)t->rows * t->cols : t->cols;
  size_t piece_bytes = piece_elems * es;
  uint8_t *buf = NULL;
  if (t->dtype == TATAMI_INT32 && !(buf = malloc(piece_bytes)))
    return tatami_dev_error(t->dev, TATAMI_ENOMEM, "tensor_upload: host out of memory");
  const uint8_t *src = host;
  for (uint32_t r = 0; r < pieces && rc == 0; r++) {
    const uint8_t *piece = src + (size_t)r * piece_bytes;
    if (buf) {
      const int32_t *v = (const int32_t *)(const void *)piece;
      for (size_t i = 0; i < piece_elems; i++) {
        uint32_t u = (uint32_t)v[i];
        buf[4 * i] = (uint8_t)u;
        buf[4 * i + 1] = (uint8_t)(u >> 8);
        buf[4 * i + 2] = (uint8_t)(u >> 16);
        buf[4 * i + 3] = (uint8_t)(u >> 24);
      }
      piece = buf;
    }
    rc = tatami_write(t->dev, t->addr + (uint64_t)r * t->ld * es, piece, piece_bytes);
  }
  free(buf);
  return rc;
}

int tatami_tensor_download(const tatami_tensor *t, void *host) {
  int rc = tensor_check(t, "tensor_download");
  if (rc) return rc;
  if (!host) return tatami_dev_error(t->dev, TATAMI_EINVAL, "tensor_download: host is NULL");
  uint32_t es = dtype_size(t->dtype);
  int dense = t->ld == t->cols;
  uint32_t pieces = dense ? 1 : t->rows;
  size_t piece_elems = dense ? (size_t)t->rows * t->cols : t->cols;
  size_t piece_bytes = piece_elems * es;
  uint8_t *dst = host;
  for (uint32_t r = 0; r < pieces && rc == 0; r++) {
    uint8_t *piece = dst + (size_t)r * piece_bytes;
    rc = tatami_read(t->dev, t->addr + (uint64_t)r * t->ld * es, piece, piece_bytes);
    if (rc == 0 && t->dtype == TATAMI_INT32) {
      /* in place: element i's bytes are exactly where element i goes */
      int32_t *v = (int32_t *)(void *)piece;
      for (size_t i = 0; i < piece_elems; i++) {
        const uint8_t *p = piece + 4 * i;
        uint32_t u = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
                     (uint32_t)p[3] << 24;
        v[i] = (int32_t)u;
      }
    }
  }
  return rc;
}

/* ------------------------------------------------------------ compute */

int tatami_gemm(tatami_device *dev, const tatami_tensor *a, const tatami_tensor *b,
                const tatami_tensor *c, unsigned flags) {
  if (!dev) return TATAMI_EINVAL;
  if (!a || !b || !c)
    return tatami_dev_error(dev, TATAMI_EINVAL, "gemm: tensor %s is NULL",
                            !a ? "A" : !b ? "B" : "C");
  const tatami_tensor *ts[3] = {a, b, c};
  for (int i = 0; i < 3; i++) {
    if (ts[i]->dev != dev)
      return tatami_dev_error(dev, TATAMI_EINVAL, "gemm: tensor %c belongs to another "
                              "device", "ABC"[i]);
    int rc = tensor_check(ts[i], "gemm");
    if (rc) return rc;
  }
  if (flags & ~(unsigned)(TATAMI_TRANS_A | TATAMI_TRANS_B | TATAMI_ACCUMULATE))
    return tatami_dev_error(dev, TATAMI_EINVAL, "gemm: unknown flag bits 0x%x",
                            flags & ~(unsigned)(TATAMI_TRANS_A | TATAMI_TRANS_B |
                                                TATAMI_ACCUMULATE));
  if (a->dtype != TATAMI_INT8 || b->dtype != TATAMI_INT8 || c->dtype != TATAMI_INT32)
    return tatami_dev_error(dev, TATAMI_EINVAL, "gemm: dtypes are %s x %s -> %s; only "
                            "int8 x int8 -> int32 is supported", dtype_name(a->dtype),
                            dtype_name(b->dtype), dtype_name(c->dtype));
  int ta = (flags & TATAMI_TRANS_A) != 0, tb = (flags & TATAMI_TRANS_B) != 0;
  uint32_t m = ta ? a->cols : a->rows, ka = ta ? a->rows : a->cols;
  uint32_t kb = tb ? b->cols : b->rows, n = tb ? b->rows : b->cols;
  if (ka != kb)
    return tatami_dev_error(dev, TATAMI_ESHAPE, "gemm: op(A) is %ux%u but op(B) is %ux%u "
                            "(k mismatch: %u != %u)", m, ka, kb, n, ka, kb);
  if (c->rows != m || c->cols != n)
    return tatami_dev_error(dev, TATAMI_ESHAPE, "gemm: op(A)·op(B) is %ux%u but C is %ux%u",
                            m, n, c->rows, c->cols);
  if (m > 0xFFFFFFu || n > 0xFFFFFFu || ka > 0xFFFFFFu)
    return tatami_dev_error(dev, TATAMI_EINVAL, "gemm: %ux%ux%u exceeds the device's "
                            "limit of 2^24-1 per dimension", m, n, ka);
  for (int i = 0; i < 3; i++) {
    if (ts[i]->addr > UINT32_MAX)
      return tatami_dev_error(dev, TATAMI_EINVAL, "gemm: tensor %c address 0x%llx does not "
                              "fit the descriptor", "ABC"[i],
                              (unsigned long long)ts[i]->addr);
  }
  tatami_gemm_desc d = {.a = (uint32_t)a->addr, .b = (uint32_t)b->addr,
                        .c = (uint32_t)c->addr, .m = m, .n = n, .k = ka,
                        .lda = a->ld, .ldb = b->ld, .ldc = c->ld, .flags = (uint8_t)flags,
                        .dtype_ab = 0, .dtype_c = 0};
  BACKEND_CALL(dev, "gemm", dev->ops->gemm(dev, &d));
}

int tatami_gemm_desc_run(tatami_device *dev, const tatami_gemm_desc *d) {
  if (!dev) return TATAMI_EINVAL;
  if (!d) return tatami_dev_error(dev, TATAMI_EINVAL, "gemm: descriptor is NULL");
  /* Sent as is: the device does every check, so tests can reach them. */
  BACKEND_CALL(dev, "gemm", dev->ops->gemm(dev, d));
}

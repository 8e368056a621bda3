/* libtatami core: opening devices by URI, errors, the SRAM allocator,
 * tensors and the host-side checks in front of every backend. */
#include "device.h"
#include "proto.h"

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
  dev->err_record = -1;
  tatami_num_init(&dev->vec_num, 0);   /* as a tile's reset: flags clear, seed 0 */
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
  if (dev->recording) tatami_program_discard(dev->recording);
  if (dev->ops && dev->ops->close) dev->ops->close(dev);
  tatami_block *b = dev->allocated;
  while (b) {
    tatami_block *next = b->next;
    free(b);
    b = next;
  }
  free(dev);
}

int tatami_get_info(tatami_device *dev, tatami_info *info) {
  if (!dev || !info) return TATAMI_EINVAL;
  *info = dev->info;
  return 0;
}

static int backend_counters(tatami_device *dev, tatami_counters *c) {
  BACKEND_CALL(dev, "get_counters", dev->ops->get_counters(dev, c));
}

int tatami_get_counters(tatami_device *dev, tatami_counters *c) {
  if (!dev) return TATAMI_EINVAL;
  if (!c) return tatami_dev_error(dev, TATAMI_EINVAL, "get_counters: counters pointer is NULL");
  if (!dev->ops->get_counters)
    return tatami_dev_error(dev, TATAMI_EUNSUPPORTED, "get_counters: the %s backend has no "
                            "counters", dev->ops->name);
  memset(c, 0, sizeof *c);
  int rc = backend_counters(dev, c);
  if (rc) return rc;
  /* after the backend's (it may fill the whole struct): the library's own */
  c->vec_emu_read_bytes = dev->vec_emu_read;
  c->vec_emu_write_bytes = dev->vec_emu_write;
  return 0;
}

int tatami_clear_counters(tatami_device *dev) {
  if (!dev) return TATAMI_EINVAL;
  if (!dev->ops->clear_counters)
    return tatami_dev_error(dev, TATAMI_EUNSUPPORTED, "clear_counters: the %s backend has "
                            "no counters", dev->ops->name);
  dev->vec_emu_read = dev->vec_emu_write = 0;
  BACKEND_CALL(dev, "clear_counters", dev->ops->clear_counters(dev));
}

static int backend_sync(tatami_device *dev) {
  if (!dev->ops->sync) return 0;
  BACKEND_CALL(dev, "sync", dev->ops->sync(dev));
}

int tatami_sync(tatami_device *dev) {
  if (!dev) return TATAMI_EINVAL;
  int rc = backend_sync(dev);
  if (dev->deferred && rc > -100 && rc != 0) return rc;  /* a link failure wins: keep it */
  if (dev->deferred) {
    /* Taken from the backend earlier, so it came before anything the
     * backend reports now. */
    rc = dev->deferred;
    dev->deferred = 0;
    dev->err_record = dev->deferred_record;
    memcpy(dev->err, dev->deferred_msg, sizeof dev->err);
  }
  return rc;
}

const char *tatami_opcode_name(uint8_t op) {
  static const char *const names[] = {"HELLO", "INFO", "WRITE", "READ", "GEMM", "COUNTERS",
                                      "CLEAR", "VEC", "FLAGS", "CLEAR_FLAGS", "SEED", "RUN"};
  return op < sizeof names / sizeof names[0] ? names[op] : "unknown opcode";
}

int tatami_dev_cmd_error(tatami_device *dev, int code, const char *what, uint8_t op,
                         const uint8_t *resp, size_t resp_len) {
  if (op == 0x0B && resp && resp_len == 4 && code <= -100) {
    /* RUN: a record failed; the payload is its index. */
    uint32_t index = (uint32_t)resp[0] | (uint32_t)resp[1] << 8 | (uint32_t)resp[2] << 16 |
                     (uint32_t)resp[3] << 24;
    tatami_dev_error(dev, code, "%s: RUN: program record %u failed: %s", what, index,
                     tatami_strerror(code));
    dev->err_record = (long)index;
    return code;
  }
  /* A pre-1.1 tile has none of the new opcodes and only the int8 GEMM. */
  const char *hint = "";
  if (dev->info.version < 0x0101 && ((code == TATAMI_EDEV_BAD_OPCODE && op >= 0x07) ||
                                     (op == 0x04 && (code == TATAMI_EDEV_BAD_DTYPE ||
                                                     code == TATAMI_EDEV_BAD_LEN))))
    hint = op == 0x04 ? " (a protocol 1.0 device: int8 GEMMs with 40-byte descriptors only)"
                      : " (a protocol 1.0 device: it has no such command)";
  return tatami_dev_error(dev, code, "%s: %s: device answered %s%s", what,
                          tatami_opcode_name(op), tatami_strerror(code), hint);
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

size_t tatami_dtype_size(tatami_dtype dt) {
  switch (dt) {
  case TATAMI_INT8: case TATAMI_CF8_143: case TATAMI_CF8_152: return 1;
  case TATAMI_BF16: return 2;
  case TATAMI_INT32: case TATAMI_FP32: return 4;
  default: return 0;
  }
}
static uint32_t dtype_size(tatami_dtype dt) { return (uint32_t)tatami_dtype_size(dt); }
static int dtype_ok(tatami_dtype dt) { return tatami_dtype_size(dt) != 0; }
const char *tatami_dtype_name(tatami_dtype dt) {
  switch (dt) {
  case TATAMI_INT8: return "int8";
  case TATAMI_INT32: return "int32";
  case TATAMI_BF16: return "bf16";
  case TATAMI_FP32: return "fp32";
  case TATAMI_CF8_143: return "cfloat8-143";
  case TATAMI_CF8_152: return "cfloat8-152";
  default: return "unknown dtype";
  }
}
static const char *dtype_name(tatami_dtype dt) { return tatami_dtype_name(dt); }

uint8_t tatami_dtype_code(tatami_dtype dt) {
  switch (dt) {
  case TATAMI_BF16: return 1;
  case TATAMI_CF8_143: return 2;
  case TATAMI_CF8_152: return 3;
  case TATAMI_FP32: return 4;
  default: return 0;   /* int8 (A, B) / int32 (C) */
  }
}

/* Parameter references have bit 31 set: no tile's SRAM reaches 2 GiB (the
 * INFO record's u32 and every profile are far below). */
int tatami_tensor_is_param(const tatami_tensor *t) {
  return t->addr <= UINT32_MAX && (t->addr & 0x80000000u) != 0 &&
         (!t->dev || t->dev->info.sram_bytes <= 0x80000000u);
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
  if (!dtype_ok(t->dtype) || t->rows == 0 || t->cols == 0 || t->ld < t->cols || t->bias > 63)
    return tatami_dev_error(t->dev, TATAMI_EINVAL, "%s: malformed tensor (%ux%u, ld %u, "
                            "dtype %d, bias %u)", what, t->rows, t->cols, t->ld, (int)t->dtype,
                            t->bias);
  return 0;
}

int tatami_tensor_arg(tatami_device *dev, const tatami_tensor *t, const char *what,
                      const char *name) {
  if (!t) return tatami_dev_error(dev, TATAMI_EINVAL, "%s: tensor %s is NULL", what, name);
  if (t->dev != dev)
    return tatami_dev_error(dev, TATAMI_EINVAL, "%s: tensor %s belongs to another device", what,
                            name);
  int rc = tensor_check(t, what);
  if (rc) return rc;
  if (tatami_tensor_is_param(t) && !dev->recording)
    return tatami_dev_error(dev, TATAMI_ESTATE, "%s: tensor %s is a program parameter "
                            "(0x%08llx): usable only while recording a program", what, name,
                            (unsigned long long)t->addr);
  if (t->addr > UINT32_MAX)
    return tatami_dev_error(dev, TATAMI_EINVAL, "%s: tensor %s address 0x%llx does not fit "
                            "a descriptor", what, name, (unsigned long long)t->addr);
  return 0;
}

/* Uploads and downloads move real memory: no parameter references. */
static int tensor_io_check(const tatami_tensor *t, const char *what) {
  int rc = tensor_check(t, what);
  if (rc == 0 && tatami_tensor_is_param(t))
    rc = tatami_dev_error(t->dev, TATAMI_ESTATE, "%s: a program parameter tensor has no "
                          "memory of its own", what);
  return rc;
}

/* Host rows are dense; the device is little-endian. int32 values are
 * converted byte by byte so that the code is right on any host. A tensor
 * without padding (ld == cols) moves as one transfer, otherwise row by row. */
int tatami_tensor_upload(tatami_tensor *t, const void *host) {
  int rc = tensor_io_check(t, "tensor_upload");
  if (rc) return rc;
  if (!host) return tatami_dev_error(t->dev, TATAMI_EINVAL, "tensor_upload: host is NULL");
  uint32_t es = dtype_size(t->dtype);
  int dense = t->ld == t->cols;
  uint32_t pieces = dense ? 1 : t->rows;
  size_t piece_elems = dense ? (size_t)t->rows * t->cols : t->cols;
  size_t piece_bytes = piece_elems * es;
  uint8_t *buf = NULL;
  if (es > 1 && !(buf = malloc(piece_bytes)))
    return tatami_dev_error(t->dev, TATAMI_ENOMEM, "tensor_upload: host out of memory");
  const uint8_t *src = host;
  for (uint32_t r = 0; r < pieces && rc == 0; r++) {
    const uint8_t *piece = src + (size_t)r * piece_bytes;
    if (buf) {
      /* int32 / FP32 (uint32_t or float) and BF16 (uint16_t) host values */
      for (size_t i = 0; i < piece_elems; i++) {
        uint32_t u;
        if (es == 4) {
          memcpy(&u, piece + 4 * i, 4);
        } else {
          uint16_t h;
          memcpy(&h, piece + 2 * i, 2);
          u = h;
        }
        for (uint32_t b = 0; b < es; b++) buf[es * i + b] = (uint8_t)(u >> (8 * b));
      }
      piece = buf;
    }
    rc = tatami_write(t->dev, t->addr + (uint64_t)r * t->ld * es, piece, piece_bytes);
  }
  free(buf);
  return rc;
}

int tatami_tensor_download(const tatami_tensor *t, void *host) {
  int rc = tensor_io_check(t, "tensor_download");
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
    if (rc == 0 && es > 1) {
      /* in place: element i's bytes are exactly where element i goes */
      for (size_t i = 0; i < piece_elems; i++) {
        uint8_t *p = piece + es * i;
        if (es == 4) {
          uint32_t u = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
                       (uint32_t)p[3] << 24;
          memcpy(p, &u, 4);
        } else {
          uint16_t h = (uint16_t)(p[0] | p[1] << 8);
          memcpy(p, &h, 2);
        }
      }
    }
  }
  return rc;
}

/* ------------------------------------------------------------ compute */

static int is_float_ab(tatami_dtype dt) {
  return dt == TATAMI_BF16 || dt == TATAMI_CF8_143 || dt == TATAMI_CF8_152;
}

/* GEMM and the recording of GEMMs: one descriptor, packed as the wire has it. */
static int issue_gemm(tatami_device *dev, const tatami_gemm_desc *d) {
  if (dev->recording) {
    uint8_t p[TATAMI_GEMM_DESC11_BYTES];
    size_t len = tatami_gemm_desc_pack(p, d);
    return tatami_program_record(dev, 0x04, p, len);
  }
  BACKEND_CALL(dev, "gemm", dev->ops->gemm(dev, d));
}

int tatami_gemm(tatami_device *dev, const tatami_tensor *a, const tatami_tensor *b,
                const tatami_tensor *c, unsigned flags) {
  if (!dev) return TATAMI_EINVAL;
  const tatami_tensor *ts[3] = {a, b, c};
  for (int i = 0; i < 3; i++) {
    if (!ts[i]) return tatami_dev_error(dev, TATAMI_EINVAL, "gemm: tensor %c is NULL", "ABC"[i]);
  }
  for (int i = 0; i < 3; i++) {
    char name[2] = {"ABC"[i], 0};
    int rc = tatami_tensor_arg(dev, ts[i], "gemm", name);
    if (rc) return rc;
  }
  if (flags & ~(unsigned)(TATAMI_TRANS_A | TATAMI_TRANS_B | TATAMI_ACCUMULATE))
    return tatami_dev_error(dev, TATAMI_EINVAL, "gemm: unknown flag bits 0x%x",
                            flags & ~(unsigned)(TATAMI_TRANS_A | TATAMI_TRANS_B |
                                                TATAMI_ACCUMULATE));
  int int8 = a->dtype == TATAMI_INT8 && b->dtype == TATAMI_INT8 && c->dtype == TATAMI_INT32;
  int fl = is_float_ab(a->dtype) && is_float_ab(b->dtype) &&
           (is_float_ab(c->dtype) || c->dtype == TATAMI_FP32);
  if (!int8 && !fl)
    return tatami_dev_error(dev, TATAMI_EINVAL, "gemm: dtypes are %s x %s -> %s; supported: "
                            "int8 x int8 -> int32, and A, B bf16/cfloat8 (any mix) -> C fp32, "
                            "bf16 or cfloat8", dtype_name(a->dtype), dtype_name(b->dtype),
                            dtype_name(c->dtype));
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
  tatami_gemm_desc d = {.a = (uint32_t)a->addr, .b = (uint32_t)b->addr,
                        .c = (uint32_t)c->addr, .m = m, .n = n, .k = ka,
                        .lda = a->ld, .ldb = b->ld, .ldc = c->ld, .flags = (uint8_t)flags,
                        .dtype_ab = tatami_dtype_code(a->dtype),
                        .dtype_c = tatami_dtype_code(c->dtype)};
  if (fl) {
    /* dtype_b 0 is "same as A": B's own code only when it differs, so a
     * GEMM without biases goes in the 40-byte form a 1.0 tile reads. */
    uint8_t cb = tatami_dtype_code(b->dtype);
    d.dtype_b = cb == d.dtype_ab ? 0 : cb;
    d.bias_a = (uint8_t)(a->dtype == TATAMI_BF16 ? 0 : a->bias);
    d.bias_b = (uint8_t)(b->dtype == TATAMI_BF16 ? 0 : b->bias);
    d.bias_c = (uint8_t)(is_float_ab(c->dtype) && c->dtype != TATAMI_BF16 ? c->bias : 0);
  }
  return issue_gemm(dev, &d);
}

int tatami_gemm_desc_run(tatami_device *dev, const tatami_gemm_desc *d) {
  if (!dev) return TATAMI_EINVAL;
  if (!d) return tatami_dev_error(dev, TATAMI_EINVAL, "gemm: descriptor is NULL");
  /* Sent as is: the device does every check, so tests can reach them. */
  return issue_gemm(dev, d);
}

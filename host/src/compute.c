/* libtatami 1.1: the vector unit, the sticky flags and the random seed, and
 * command programs (docs/protocol.md VEC, FLAGS, CLEAR_FLAGS, SEED, RUN).
 * Every command reaches the backend through its generic cmd operation, or is
 * recorded into the program being recorded. */
#include "device.h"
#include "proto.h"
#include "ref_model.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

_Static_assert(sizeof(float) == 4, "FP32 scalars are passed as C floats");

static int backend_cmd(tatami_device *dev, uint8_t op, const void *payload, size_t len, void *resp,
                       size_t resp_len, const char *what) {
  if (!dev->ops->cmd)
    return tatami_dev_error(dev, TATAMI_EUNSUPPORTED, "%s: the %s backend has no 1.1 commands",
                            what, dev->ops->name);
  BACKEND_CALL(dev, what, dev->ops->cmd(dev, op, payload, len, resp, resp_len));
}

static int sync_backend(tatami_device *dev) {
  if (!dev->ops->sync) return 0;
  BACKEND_CALL(dev, "program_run", dev->ops->sync(dev));
}

/* Remember an error for tatami_sync (the first one only). */
static void defer(tatami_device *dev, int rc, long record) {
  if (dev->deferred) return;
  dev->deferred = rc;
  dev->deferred_record = record;
  memcpy(dev->deferred_msg, dev->err, sizeof dev->deferred_msg);
}

/* ------------------------------------------------------------ VEC on the host */
/* A 1.1 device without the vector unit (the iCEBreaker FP variant) gets VEC
 * from the library: the reference model's VEC (the definition of its
 * results, flags and statuses) on the operands read from the device, and
 * the bytes it writes written back. A 1.0 tile keeps answering BAD_OPCODE:
 * it has no float types to compute on. */
static int vec_emulated(const tatami_device *dev) {
  return dev->info.version >= 0x0101 && !(dev->info.dtypes & TATAMI_FEAT_VEC);
}

/* The backends' read and write split a transfer into READ/WRITE commands of
 * at most max_data bytes themselves. */
static int emu_read(tatami_device *dev, uint64_t addr, void *dst, size_t n) {
  BACKEND_CALL(dev, "vec (emulated on the host): reading an operand",
               dev->ops->read(dev, addr, dst, n));
}
static int emu_write(tatami_device *dev, uint64_t addr, const void *src, size_t n) {
  BACKEND_CALL(dev, "vec (emulated on the host): writing a result",
               dev->ops->write(dev, addr, src, n));
}

/* Move [addr, addr + n) between the device and buf, counted for
 * tatami_counters. */
static int emu_xfer(tatami_device *dev, int write, uint64_t addr, uint8_t *buf, uint64_t n) {
  int rc = write ? emu_write(dev, addr, buf, (size_t)n) : emu_read(dev, addr, buf, (size_t)n);
  if (rc == 0) *(write ? &dev->vec_emu_write : &dev->vec_emu_read) += n;
  return rc;
}

/* An operand's bytes between the device and its image img (img[0] is the
 * byte at o->addr). A write moves the elements only, never the bytes between
 * strided rows (they are not the op's); a read takes the whole span when the
 * gaps are small (fewer commands), else row by row. */
static int emu_operand_io(tatami_device *dev, int write, const tatami_ref_vec *v,
                          const tatami_ref_vec_operand *o, uint8_t *img) {
  uint64_t row = (uint64_t)o->esize * v->n, stride = (uint64_t)o->esize * o->ld;
  if (o->rows == 1 || stride == row || (!write && stride - row < 32))
    return emu_xfer(dev, write, o->addr, img, o->len);
  for (uint32_t i = 0; i < o->rows; i++) {
    int rc = emu_xfer(dev, write, o->addr + i * stride, img + i * stride, row);
    if (rc) return rc;
  }
  return 0;
}

/* Emulate one VEC payload: the tile's checks first (when one fails, *status
 * gets the device's TATAMI_EDEV_* code and nothing is read or written), then
 * READ the operands, run the model's VEC with the host's flags and random
 * source, WRITE the bytes it writes. Commands issued before must have
 * completed. Returns 0 or the failure of a transfer (link, host memory). */
static int vec_emulate(tatami_device *dev, const uint8_t *payload, size_t len, int *status) {
  *status = 0;
  tatami_ref_vec v;
  uint8_t st = tatami_ref_vec_check(payload, len, dev->info.sram_bytes, NULL, 0, &v);
  if (st != TATAMI_REF_OK) {
    *status = -(100 + (int)st);
    return 0;
  }
  /* One image per distinct range: slots with the same range (an in-place
   * update; a written slot intersects another only so, the check's OVERLAP
   * rule) share it, as they share the tile's SRAM, and move once. */
  uint8_t *img[4] = {NULL, NULL, NULL, NULL};
  int own[4] = {0, 0, 0, 0};
  int rc = 0;
  for (int i = 0; i < 4 && rc == 0; i++) {
    const tatami_ref_vec_operand *o = &v.o[i];
    if (!o->read && !o->written) continue;
    for (int j = 0; j < i && !img[i]; j++)
      if (img[j] && v.o[j].addr == o->addr && v.o[j].len == o->len) img[i] = img[j];
    if (img[i]) continue;
    if (o->len > SIZE_MAX || !(img[i] = malloc((size_t)o->len)))
      rc = tatami_dev_error(dev, TATAMI_ENOMEM, "vec (emulated on the host): no host memory "
                            "for a %" PRIu64 "-byte operand", o->len);
    own[i] = 1;
  }
  /* Read what is read (a slot whose image an earlier slot already read
   * with the same rows and stride: once). */
  for (int i = 0; i < 4 && rc == 0; i++) {
    const tatami_ref_vec_operand *o = &v.o[i];
    if (!o->read) continue;
    int done = 0;
    for (int j = 0; j < i; j++)
      done |= v.o[j].read && img[j] == img[i] && v.o[j].rows == o->rows &&
              v.o[j].ld == o->ld && v.o[j].dtype == o->dtype;
    if (!done) rc = emu_operand_io(dev, 0, &v, o, img[i]);
  }
  if (rc == 0) tatami_ref_vec_exec(&v, img, &dev->vec_num);
  /* Write each written image once: slots sharing one have the same rows,
   * stride and dtype (the check allows nothing else). */
  for (int i = 0; i < 4 && rc == 0; i++) {
    if (!v.o[i].written) continue;
    int done = 0;
    for (int j = 0; j < i; j++) done |= v.o[j].written && img[j] == img[i];
    if (!done) rc = emu_operand_io(dev, 1, &v, &v.o[i], img[i]);
  }
  for (int i = 0; i < 4; i++)
    if (own[i]) free(img[i]);
  return rc;
}

/* The host's copies of the state a SEED or CLEAR_FLAGS changes, kept in
 * step with the device's when the host emulates VEC. */
static void emu_follow(tatami_device *dev, uint8_t op, const uint8_t *payload, size_t len) {
  if (!vec_emulated(dev)) return;
  if (op == TATAMI_OP_SEED && len == 4) tatami_num_seed(&dev->vec_num, tatami_get_u32(payload));
  if (op == TATAMI_OP_CLEAR_FLAGS && len == 1 && !(payload[0] & 0xE0))
    tatami_num_clear_flags(&dev->vec_num, payload[0]);
}

/* A VEC call on a device without VEC: queued semantics as the tile's. The
 * commands before it complete first (their errors, kept for tatami_sync,
 * come first); a descriptor the tile would refuse is reported at sync with
 * the tile's code. */
static int vec_issue_emulated(tatami_device *dev, const uint8_t *payload, size_t len) {
  int rc = tatami_sync(dev);
  if (rc && rc > -100) return rc;   /* the link failed: nothing more can run */
  if (rc) defer(dev, rc, dev->err_record);
  int status;
  rc = vec_emulate(dev, payload, len, &status);
  if (rc == 0 && status) {
    char saved[sizeof dev->err];
    memcpy(saved, dev->err, sizeof saved);
    tatami_dev_error(dev, status, "vec: %s (VEC emulated on the host: the device has no vector "
                     "unit; checked as the tile checks it, nothing written)",
                     tatami_strerror(status));
    defer(dev, status, -1);
    memcpy(dev->err, saved, sizeof saved);   /* the call itself succeeded */
  }
  return rc;
}

int tatami_dev_issue(tatami_device *dev, uint8_t op, const void *payload, size_t len,
                     const char *what) {
  if (dev->recording) return tatami_program_record(dev, op, payload, len);
  if (op == TATAMI_OP_VEC && vec_emulated(dev)) return vec_issue_emulated(dev, payload, len);
  int rc = backend_cmd(dev, op, payload, len, NULL, 0, what);
  if (rc == 0) emu_follow(dev, op, payload, len);
  return rc;
}

/* ------------------------------------------------------------ VEC */

int tatami_vec_desc_run(tatami_device *dev, const tatami_vec_desc *d) {
  if (!dev) return TATAMI_EINVAL;
  if (!d) return tatami_dev_error(dev, TATAMI_EINVAL, "vec: descriptor is NULL");
  /* Sent as is: the device does every check. */
  uint8_t p[TATAMI_VEC_DESC_BYTES];
  tatami_vec_desc_pack(p, d);
  return tatami_dev_issue(dev, TATAMI_OP_VEC, p, sizeof p, "vec");
}

static uint32_t fp32_bits(float f) {
  uint32_t u;
  memcpy(&u, &f, 4);
  return u;
}

/* A tensor argument of the vector unit: a float dtype. */
static int vec_arg(tatami_device *dev, const tatami_tensor *t, const char *what, const char *name,
                   tatami_vec_operand *o) {
  int rc = tatami_tensor_arg(dev, t, what, name);
  if (rc) return rc;
  if (t->dtype == TATAMI_INT8 || t->dtype == TATAMI_INT32)
    return tatami_dev_error(dev, TATAMI_EINVAL, "%s: tensor %s is %s; the vector unit takes "
                            "bf16, fp32 and cfloat8", what, name, tatami_dtype_name(t->dtype));
  *o = (tatami_vec_operand){.addr = (uint32_t)t->addr, .ld = t->ld,
                            .dtype = tatami_dtype_code(t->dtype),
                            .bias = (uint8_t)(t->dtype == TATAMI_CF8_143 ||
                                              t->dtype == TATAMI_CF8_152 ? t->bias : 0)};
  return 0;
}

static int same_shape(tatami_device *dev, const char *what, const char *na, const tatami_tensor *a,
                      const char *nb, const tatami_tensor *b) {
  if (a->rows == b->rows && a->cols == b->cols) return 0;
  return tatami_dev_error(dev, TATAMI_ESHAPE, "%s: %s is %ux%u but %s is %ux%u", what, na, a->rows,
                          a->cols, nb, b->rows, b->cols);
}

static int row_vector(tatami_device *dev, const char *what, const char *name, const tatami_tensor *t,
                      uint32_t cols) {
  if (t->rows == 1 && t->cols == cols) return 0;
  return tatami_dev_error(dev, TATAMI_ESHAPE, "%s: %s is %ux%u, expected 1x%u", what, name, t->rows,
                          t->cols, cols);
}

static int vec_flags(tatami_device *dev, const char *what, unsigned flags, uint8_t *out) {
  if (flags & ~(unsigned)TATAMI_ROUND_SR)
    return tatami_dev_error(dev, TATAMI_EINVAL, "%s: unknown flag bits 0x%x", what,
                            flags & ~(unsigned)TATAMI_ROUND_SR);
  *out = (flags & TATAMI_ROUND_SR) ? 1 : 0;
  return 0;
}

/* z = op(x, y) elementwise, every operand z's shape; y may be NULL. */
static int vec_binary(tatami_device *dev, uint8_t op, const char *what, const tatami_tensor *z,
                      const tatami_tensor *x, const tatami_tensor *y, uint32_t s0, unsigned flags) {
  if (!dev) return TATAMI_EINVAL;
  tatami_vec_desc d = {.op = op, .s = {s0, 0, 0}};
  int rc = vec_flags(dev, what, flags, &d.flags);
  if (!rc) rc = vec_arg(dev, z, what, "z", &d.z);
  if (!rc) rc = vec_arg(dev, x, what, "x", &d.x);
  if (!rc && y) rc = vec_arg(dev, y, what, "y", &d.y);
  if (!rc) rc = same_shape(dev, what, "z", z, "x", x);
  if (!rc && y) rc = same_shape(dev, what, "z", z, "y", y);
  if (rc) return rc;
  d.m = z->rows;
  d.n = z->cols;
  return tatami_vec_desc_run(dev, &d);
}

int tatami_add(tatami_device *dev, const tatami_tensor *z, const tatami_tensor *x,
               const tatami_tensor *y, unsigned flags) {
  if (dev && !y) return tatami_dev_error(dev, TATAMI_EINVAL, "add: tensor y is NULL");
  return vec_binary(dev, 1, "add", z, x, y, 0, flags);
}
int tatami_sub(tatami_device *dev, const tatami_tensor *z, const tatami_tensor *x,
               const tatami_tensor *y, unsigned flags) {
  if (dev && !y) return tatami_dev_error(dev, TATAMI_EINVAL, "sub: tensor y is NULL");
  return vec_binary(dev, 2, "sub", z, x, y, 0, flags);
}
int tatami_mul(tatami_device *dev, const tatami_tensor *z, const tatami_tensor *x,
               const tatami_tensor *y, unsigned flags) {
  if (dev && !y) return tatami_dev_error(dev, TATAMI_EINVAL, "mul: tensor y is NULL");
  return vec_binary(dev, 3, "mul", z, x, y, 0, flags);
}
int tatami_scale(tatami_device *dev, const tatami_tensor *z, const tatami_tensor *x, float s,
                 unsigned flags) {
  return vec_binary(dev, 4, "scale", z, x, NULL, fp32_bits(s), flags);
}
int tatami_relu(tatami_device *dev, const tatami_tensor *z, const tatami_tensor *x,
                unsigned flags) {
  return vec_binary(dev, 6, "relu", z, x, NULL, 0, flags);
}
int tatami_relu_backward(tatami_device *dev, const tatami_tensor *dx, const tatami_tensor *dy,
                         const tatami_tensor *saved, unsigned flags) {
  if (dev && !saved) return tatami_dev_error(dev, TATAMI_EINVAL, "relu_backward: tensor y is NULL");
  return vec_binary(dev, 7, "relu_backward", dx, dy, saved, 0, flags);
}
int tatami_convert(tatami_device *dev, const tatami_tensor *z, const tatami_tensor *x,
                   unsigned flags) {
  return vec_binary(dev, 9, "convert", z, x, NULL, 0, flags);
}

int tatami_bias_add(tatami_device *dev, const tatami_tensor *z, const tatami_tensor *x,
                    const tatami_tensor *bias, unsigned flags) {
  if (!dev) return TATAMI_EINVAL;
  const char *what = "bias_add";
  tatami_vec_desc d = {.op = 5};
  int rc = vec_flags(dev, what, flags, &d.flags);
  if (!rc) rc = vec_arg(dev, z, what, "z", &d.z);
  if (!rc) rc = vec_arg(dev, x, what, "x", &d.x);
  if (!rc) rc = vec_arg(dev, bias, what, "bias", &d.y);
  if (!rc) rc = same_shape(dev, what, "z", z, "x", x);
  if (!rc) rc = row_vector(dev, what, "bias", bias, z->cols);
  if (rc) return rc;
  d.m = z->rows;
  d.n = z->cols;
  return tatami_vec_desc_run(dev, &d);
}

int tatami_row_sum(tatami_device *dev, const tatami_tensor *z, const tatami_tensor *x,
                   unsigned flags) {
  if (!dev) return TATAMI_EINVAL;
  const char *what = "row_sum";
  tatami_vec_desc d = {.op = 8};
  int rc = vec_flags(dev, what, flags, &d.flags);
  if (!rc) rc = vec_arg(dev, z, what, "z", &d.z);
  if (!rc) rc = vec_arg(dev, x, what, "x", &d.x);
  if (!rc) rc = row_vector(dev, what, "z", z, x->cols);
  if (rc) return rc;
  d.m = x->rows;
  d.n = x->cols;
  return tatami_vec_desc_run(dev, &d);
}

int tatami_sgd(tatami_device *dev, const tatami_tensor *w, const tatami_tensor *v,
               const tatami_tensor *w_low, const tatami_tensor *g, float lr, float momentum,
               float weight_decay, unsigned flags) {
  if (!dev) return TATAMI_EINVAL;
  const char *what = "sgd";
  tatami_vec_desc d = {.op = 10, .s = {fp32_bits(lr), fp32_bits(momentum), fp32_bits(weight_decay)}};
  int rc = vec_flags(dev, what, flags, &d.flags);
  if (!rc) rc = vec_arg(dev, g, what, "g", &d.x);
  if (!rc) rc = vec_arg(dev, v, what, "v", &d.y);
  if (!rc) rc = vec_arg(dev, w, what, "w", &d.z);
  if (!rc && (w->dtype != TATAMI_FP32 || v->dtype != TATAMI_FP32))
    rc = tatami_dev_error(dev, TATAMI_EINVAL, "sgd: master weights and velocity must be fp32 "
                          "(w is %s, v is %s)", tatami_dtype_name(w->dtype),
                          tatami_dtype_name(v->dtype));
  /* Without a low-precision copy, W is the master weights themselves: the
   * same range as Z, an in-place write of the same FP32 value. */
  if (!rc) rc = w_low ? vec_arg(dev, w_low, what, "w_low", &d.w) : (d.w = d.z, 0);
  if (!rc) rc = same_shape(dev, what, "w", w, "v", v);
  if (!rc) rc = same_shape(dev, what, "w", w, "g", g);
  if (!rc && w_low) rc = same_shape(dev, what, "w", w, "w_low", w_low);
  if (rc) return rc;
  d.m = w->rows;
  d.n = w->cols;
  return tatami_vec_desc_run(dev, &d);
}

/* ------------------------------------------------------------ flags, seed */

int tatami_get_flags(tatami_device *dev, unsigned *flags) {
  if (!dev) return TATAMI_EINVAL;
  if (!flags) return tatami_dev_error(dev, TATAMI_EINVAL, "get_flags: flags pointer is NULL");
  uint8_t b = 0;
  int rc = backend_cmd(dev, TATAMI_OP_FLAGS, NULL, 0, &b, 1, "get_flags");
  /* with the flags of the VEC ops the host emulated (0 on a device with VEC) */
  if (rc == 0) *flags = b | (vec_emulated(dev) ? tatami_num_flags(&dev->vec_num) : 0);
  return rc;
}

int tatami_clear_flags(tatami_device *dev, unsigned mask) {
  if (!dev) return TATAMI_EINVAL;
  if (mask & ~(unsigned)TATAMI_FLAG_ALL)
    return tatami_dev_error(dev, TATAMI_EINVAL, "clear_flags: unknown flag bits 0x%x",
                            mask & ~(unsigned)TATAMI_FLAG_ALL);
  uint8_t b = (uint8_t)mask;
  return tatami_dev_issue(dev, TATAMI_OP_CLEAR_FLAGS, &b, 1, "clear_flags");
}

int tatami_seed(tatami_device *dev, uint32_t seed) {
  if (!dev) return TATAMI_EINVAL;
  uint8_t p[4];
  tatami_put_u32(p, seed);
  return tatami_dev_issue(dev, TATAMI_OP_SEED, p, sizeof p, "seed");
}

/* ------------------------------------------------------------ programs */

struct tatami_program {
  tatami_device *dev;
  uint8_t *bytes;       /* the records, as docs/protocol.md RUN lays them out */
  size_t len, cap;
  unsigned count;
  int stored;           /* in device SRAM at addr (devices with TATAMI_FEAT_PROGRAM) */
  uint64_t addr;
};

void tatami_program_discard(tatami_program *p) {
  if (!p) return;
  free(p->bytes);
  free(p);
}

int tatami_program_begin(tatami_device *dev) {
  if (!dev) return TATAMI_EINVAL;
  if (dev->recording)
    return tatami_dev_error(dev, TATAMI_ESTATE, "program_begin: already recording a program");
  tatami_program *p = calloc(1, sizeof *p);
  if (!p) return tatami_dev_error(dev, TATAMI_ENOMEM, "program_begin: host out of memory");
  p->dev = dev;
  dev->recording = p;
  return 0;
}

int tatami_program_record(tatami_device *dev, uint8_t op, const void *payload, size_t len) {
  tatami_program *p = dev->recording;
  if (len > 0xFFFF || p->len > UINT32_MAX - 4 - len)
    return tatami_dev_error(dev, TATAMI_EOVERFLOW, "program: record too long for a program");
  if (p->len + 4 + len > p->cap) {
    size_t cap = p->cap ? p->cap : 256;
    while (cap < p->len + 4 + len) cap *= 2;
    uint8_t *nb = realloc(p->bytes, cap);
    if (!nb) return tatami_dev_error(dev, TATAMI_ENOMEM, "program: host out of memory");
    p->bytes = nb;
    p->cap = cap;
  }
  uint8_t *r = p->bytes + p->len;
  r[0] = op;
  r[1] = 0;
  tatami_put_u16(r + 2, (uint16_t)len);
  if (len) memcpy(r + 4, payload, len);
  p->len += 4 + len;
  p->count++;
  return 0;
}

int tatami_program_end(tatami_device *dev, tatami_program **out) {
  if (!dev) return TATAMI_EINVAL;
  if (out) *out = NULL;
  tatami_program *p = dev->recording;
  if (!p) return tatami_dev_error(dev, TATAMI_ESTATE, "program_end: not recording a program");
  dev->recording = NULL;
  if (!out) {
    tatami_program_discard(p);
    return tatami_dev_error(dev, TATAMI_EINVAL, "program_end: out pointer is NULL");
  }
  if (p->count == 0) {
    tatami_program_discard(p);
    return tatami_dev_error(dev, TATAMI_EINVAL, "program_end: the program is empty");
  }
  if ((dev->info.dtypes & TATAMI_FEAT_PROGRAM) && !vec_emulated(dev)) {
    /* Only a device that runs programs needs them in its SRAM. (Without
     * VEC, the host expands them: it runs the VEC records and keeps its
     * random source and flags in step with the SEED and CLEAR_FLAGS ones.) */
    int rc = tatami_malloc(dev, p->len, &p->addr);
    if (rc == 0 && p->addr + p->len > UINT32_MAX) rc = TATAMI_EOVERFLOW;
    if (rc == 0) rc = tatami_write(dev, p->addr, p->bytes, p->len);
    if (rc) {
      if (rc == TATAMI_EDEVMEM)
        tatami_dev_error(dev, rc, "program_end: no room for the %zu-byte program in SRAM", p->len);
      tatami_free(dev, p->addr);
      tatami_program_discard(p);
      return rc;
    }
    p->stored = 1;
  }
  *out = p;
  return 0;
}

unsigned tatami_program_length(const tatami_program *p) { return p ? p->count : 0; }

void tatami_program_free(tatami_program *p) {
  if (!p) return;
  if (p->stored) tatami_free(p->dev, p->addr);
  tatami_program_discard(p);
}

int tatami_tensor_param(tatami_device *dev, tatami_dtype dtype, uint32_t rows, uint32_t cols,
                        uint32_t ld, unsigned index, uint32_t offset, tatami_tensor *t) {
  if (!dev) return TATAMI_EINVAL;
  if (!t) return tatami_dev_error(dev, TATAMI_EINVAL, "tensor_param: tensor pointer is NULL");
  if (tatami_dtype_size(dtype) == 0)
    return tatami_dev_error(dev, TATAMI_EINVAL, "tensor_param: unknown dtype %d", (int)dtype);
  if (rows == 0 || cols == 0 || ld < cols)
    return tatami_dev_error(dev, TATAMI_EINVAL, "tensor_param: shape %ux%u with stride %u",
                            rows, cols, ld);
  if (index >= TATAMI_MAX_PARAMS || offset >= (1u << 24))
    return tatami_dev_error(dev, TATAMI_EINVAL, "tensor_param: parameter %u + offset %u: the "
                            "index must be < %u and the offset < 2^24", index, offset,
                            TATAMI_MAX_PARAMS);
  *t = (tatami_tensor){.dev = dev, .dtype = dtype, .rows = rows, .cols = cols, .ld = ld,
                       .addr = 0x80000000u | (uint32_t)index << 24 | offset, .owned = 0};
  return 0;
}

/* A parameter-relative address field resolved on the host, as the tile's RUN
 * does. An index not given becomes an address past any SRAM (0xFFFFFFFF):
 * the device then stops the record at its ADDR_RANGE check at the latest,
 * after its BAD_LEN/BAD_DTYPE/BAD_ARG checks, and the ADDR_RANGE answer is
 * turned into the BAD_ARG the tile gives. */
static void subst(uint8_t *field, const uint32_t *params, unsigned nparams, int *bad_index) {
  uint32_t v = tatami_get_u32(field);
  if (!(v & 0x80000000u)) return;
  unsigned index = (v >> 24) & 7u;
  uint64_t a = index < nparams ? (uint64_t)params[index] + (v & 0xFFFFFFu) : UINT32_MAX;
  if (index >= nparams) *bad_index = 1;
  tatami_put_u32(field, a > UINT32_MAX ? UINT32_MAX : (uint32_t)a);  /* > 2^32-1: out of range */
}

/* The host expansion of RUN for a device without TATAMI_FEAT_PROGRAM: each
 * record is its own command, followed by a sync, so that the first failing
 * record stops the program as RUN does. Errors of commands issued earlier
 * are kept for the caller's tatami_sync (they came first). */
static int run_expanded(tatami_device *dev, const tatami_program *p, const uint32_t *params,
                        unsigned nparams) {
  int rc = tatami_sync(dev);
  if (rc && rc > -100) return rc;   /* the link failed: nothing more can run */
  if (rc) defer(dev, rc, dev->err_record);
  size_t off = 0;
  for (unsigned i = 0; i < p->count; i++) {
    const uint8_t *r = p->bytes + off;
    uint8_t op = r[0];
    size_t len = tatami_get_u16(r + 2);
    uint8_t payload[TATAMI_MAX_PAYLOAD];
    memcpy(payload, r + 4, len);   /* recorded by this library: len <= 72 */
    off += 4 + len;
    int bad_index = 0;
    if (op == TATAMI_OP_GEMM && len >= 12)
      for (int f = 0; f < 3; f++) subst(payload + 4 * f, params, nparams, &bad_index);
    if (op == TATAMI_OP_VEC && len == TATAMI_VEC_DESC_BYTES)
      for (int f = 0; f < 4; f++) subst(payload + 24 + 12 * f, params, nparams, &bad_index);
    int emulated = op == TATAMI_OP_VEC && vec_emulated(dev), status = 0;
    if (emulated) {
      rc = vec_emulate(dev, payload, len, &status);
    } else {
      rc = backend_cmd(dev, op, payload, len, NULL, 0, "program_run");
    }
    if (rc == 0) rc = sync_backend(dev);
    if (rc == 0 && !status) {
      if (!emulated) emu_follow(dev, op, payload, len);
      continue;
    }
    if (rc == 0) rc = status;   /* the tile's check refused the emulated VEC */
    else if (rc > -100 || emulated) return rc;   /* link or host failure: reported now */
    if (bad_index && rc == TATAMI_EDEV_ADDR_RANGE) rc = TATAMI_EDEV_BAD_ARG;
    tatami_dev_error(dev, rc, "program_run (expanded on the host): program record %u (%s%s) "
                     "failed: %s", i, tatami_opcode_name(op),
                     emulated ? ", emulated on the host: the device has no vector unit" : "",
                     tatami_strerror(rc));
    dev->err_record = (long)i;
    defer(dev, rc, (long)i);
    return 0;   /* queued semantics: reported at tatami_sync */
  }
  return 0;
}

int tatami_program_run(tatami_device *dev, const tatami_program *p, const uint64_t *params,
                       unsigned nparams) {
  if (!dev) return TATAMI_EINVAL;
  if (dev->recording)
    return tatami_dev_error(dev, TATAMI_ESTATE, "program_run: a program cannot be run while "
                            "recording one");
  if (!p || p->dev != dev)
    return tatami_dev_error(dev, TATAMI_EINVAL, "program_run: %s", !p ? "program is NULL" :
                            "the program belongs to another device");
  if (nparams > TATAMI_MAX_PARAMS || (nparams && !params))
    return tatami_dev_error(dev, TATAMI_EINVAL, "program_run: %u parameters (at most %u)%s",
                            nparams, TATAMI_MAX_PARAMS, nparams && !params ? ", params NULL" : "");
  uint32_t pv[TATAMI_MAX_PARAMS];
  for (unsigned i = 0; i < nparams; i++) {
    if (params[i] > UINT32_MAX)
      return tatami_dev_error(dev, TATAMI_EINVAL, "program_run: parameter %u (0x%" PRIx64 ") "
                              "does not fit 32 bits", i, params[i]);
    pv[i] = (uint32_t)params[i];
  }
  if (!p->stored) return run_expanded(dev, p, pv, nparams);
  uint8_t payload[8 + 4 * TATAMI_MAX_PARAMS];
  tatami_put_u32(payload, (uint32_t)p->addr);
  tatami_put_u32(payload + 4, (uint32_t)p->len);
  for (unsigned i = 0; i < nparams; i++) tatami_put_u32(payload + 8 + 4 * i, pv[i]);
  return backend_cmd(dev, TATAMI_OP_RUN, payload, 8 + 4 * nparams, NULL, 0, "program_run");
}

/* The host's emulation of VEC for a device without the vector unit (the
 * iCEBreaker FP variant: INT8, BF16, FLAGS; no CF8, VEC or RUN): a model of
 * such a tile ("ref:features=0x13") and the model with everything ("ref:")
 * side by side, from the same memory and seeds, through random VEC
 * descriptors (every op, BF16/FP32 mostly, RNE and SR, strides, row
 * operands, bad dtypes, bad fields, ranges past the SRAM, overlaps), seeds
 * and flag clears, directly and inside recorded programs: the same SRAM,
 * flags and error codes everywhere. Then the deferral of an emulated VEC's
 * error to tatami_sync. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "proto.h"
#include "ref_model.h"
#include "tatami_float_util.h"

#define SRAM 65536u
#define PROG_ROOM 4096u   /* ref: stores programs from address 0: VECs in programs stay above */

static const char *const emu_uris[] = {"ref:sram=65536,features=0x13",
                                       "check:ref:sram=65536,features=0x13"};
static const char *const full_uri = "ref:sram=65536";

static uint32_t rand_scalar(tt_rng *r) {
  uint8_t b[4];
  tf_rand_elem(r, b, TF_FP32);
  return tt_get_le32(b);
}

/* Operand dtype: BF16 and FP32 mostly, CFloat8 now and then, a bad code
 * (0, 5, 6) rarely. */
static uint8_t rand_dtype(tt_rng *r) {
  uint32_t k = tt_rng_range(r, 0, 39);
  if (k == 0) return (uint8_t)(tt_rng_range(r, 0, 2) == 0 ? 0 : tt_rng_range(r, 5, 6));
  if (k <= 3) return (uint8_t)tt_rng_range(r, 2, 3);
  return k & 1 ? TF_BF16 : TF_FP32;
}

/* A random descriptor with operands in [lo, SRAM): mostly valid, one field
 * made bad now and then; param >= 0: some address fields refer to launch
 * parameters 0..param (param itself not given: BAD_ARG). */
static void rand_desc(tt_rng *r, tatami_vec_desc *d, uint32_t lo, int param) {
  memset(d, 0, sizeof *d);
  d->op = (uint8_t)tt_rng_range(r, 1, 10);
  d->flags = (uint8_t)tt_rng_range(r, 0, 1);
  d->m = tt_rng_range(r, 1, tt_rng_range(r, 0, 3) ? 6 : 40);
  d->n = tt_rng_range(r, 1, tt_rng_range(r, 0, 3) ? 8 : 70);
  for (int k = 0; k < 3; k++) d->s[k] = rand_scalar(r);
  tatami_vec_operand *o[4] = {&d->x, &d->y, &d->z, &d->w};
  uint32_t span = (SRAM - lo) / 4;
  for (int k = 0; k < 4; k++) {
    o[k]->dtype = rand_dtype(r);
    o[k]->bias = (uint8_t)(o[k]->dtype == 2 || o[k]->dtype == 3 ? tt_rng_range(r, 0, 63) : 0);
    o[k]->ld = d->n + (tt_rng_range(r, 0, 2) ? 0 : tt_rng_range(r, 1, 20));
    /* each slot in its own quarter, at a random (even unaligned) offset */
    o[k]->addr = lo + span * (uint32_t)k + tt_rng_range(r, 0, span / 3);
  }
  /* shuffle the quarters now and then (Z below X, ...) */
  if (tt_rng_range(r, 0, 2) == 0) {
    uint32_t a = o[0]->addr;
    o[0]->addr = o[2]->addr, o[2]->addr = a;
  }
  if (d->op == TATAMI_VEC_SGD && tt_rng_range(r, 0, 5)) d->y.dtype = d->z.dtype = TF_FP32;
  switch (tt_rng_range(r, 0, 19)) {
  case 0: *o[2] = *o[0]; break;                                 /* in place: Z = X */
  case 1: *o[2] = *o[1]; break;                                 /* Z = Y */
  case 2: d->w = d->z; break;                                   /* SGD without a copy */
  case 3: d->z.addr = d->x.addr + tt_rng_range(r, 1, 40); break;        /* overlap */
  case 4: d->w.addr = d->z.addr + tt_rng_range(r, 0, 40); break;
  case 5: o[tt_rng_range(r, 0, 3)]->addr = SRAM - tt_rng_range(r, 0, 64); break;  /* past the end */
  case 6: o[tt_rng_range(r, 0, 3)]->addr = tt_rng_range(r, 0, 1) ? 0xFFFFFFF0u : 0x10000u; break;
  case 7: d->m = tt_rng_range(r, 0, 1) ? 0 : 0x1000000u; break;
  case 8: d->n = 0; break;
  case 9: o[tt_rng_range(r, 0, 3)]->ld = d->n - 1; break;        /* too short (unless a row) */
  case 10: o[tt_rng_range(r, 0, 3)]->bias = (uint8_t)tt_rng_range(r, 64, 255); break;
  case 11: d->flags = (uint8_t)tt_rng_range(r, 2, 255); break;
  case 12: d->op = (uint8_t)(tt_rng_range(r, 0, 1) ? 0 : tt_rng_range(r, 11, 255)); break;
  case 13: d->m = tt_rng_range(r, 300, 3000); break;             /* past the end by rows */
  default: break;
  }
  if (param >= 0) {
    for (int k = 0; k < 4; k++) {
      if (tt_rng_range(r, 0, 2)) continue;
      /* parameter i is the base of the slot's quarter; the offset is the rest */
      uint32_t idx = tt_rng_range(r, 0, (uint32_t)param), base = lo + span * (idx % 4);
      if (o[k]->addr >= base && o[k]->addr - base < (1u << 24))
        o[k]->addr = 0x80000000u | idx << 24 | (o[k]->addr - base);
    }
  }
}

typedef struct pair {
  tatami_device *emu, *full;
} pair;

static void open_pair(pair *p, const char *emu_uri, tt_rng *r) {
  assert_int_equal(tatami_open(emu_uri, &p->emu), 0);
  assert_int_equal(tatami_open(full_uri, &p->full), 0);
  tatami_info in;
  assert_int_equal(tatami_get_info(p->emu, &in), 0);
  assert_int_equal(in.dtypes & (TATAMI_FEAT_VEC | TATAMI_FEAT_CF8), 0);
  assert_int_equal(in.version, 0x0101);
  /* the same memory: BF16-like halves (FP32 reads see values near 1 too) */
  static uint8_t img[SRAM];
  tf_rand_fill(r, img, SRAM / 2, TF_BF16);
  assert_int_equal(tatami_write(p->emu, 0, img, SRAM), 0);
  assert_int_equal(tatami_write(p->full, 0, img, SRAM), 0);
  uint32_t seed = (uint32_t)tt_rng_next(r);
  assert_int_equal(tatami_seed(p->emu, seed), 0);
  assert_int_equal(tatami_seed(p->full, seed), 0);
  assert_int_equal(tatami_sync(p->emu), 0);
  assert_int_equal(tatami_sync(p->full), 0);
}

static void close_pair(pair *p) {
  tatami_close(p->emu);
  tatami_close(p->full);
}

/* Same SRAM from lo on, same flags. */
static void same_state(pair *p, uint32_t lo, const char *what, int t) {
  static uint8_t a[SRAM], b[SRAM];
  assert_int_equal(tatami_read(p->emu, lo, a, SRAM - lo), 0);
  assert_int_equal(tatami_read(p->full, lo, b, SRAM - lo), 0);
  if (memcmp(a, b, SRAM - lo) != 0) {
    uint32_t i = 0;
    while (a[i] == b[i]) i++;
    fail_msg("%s %d: SRAM differs first at 0x%x: 0x%02x emulated, 0x%02x ref:", what, t, lo + i,
             a[i], b[i]);
  }
  unsigned fa = tf_flags(p->emu), fb = tf_flags(p->full);
  if (fa != fb) fail_msg("%s %d: flags 0x%x emulated, 0x%x ref:", what, t, fa, fb);
}

/* Now and then the same seed or flag clear on both. */
static void maybe_state_cmd(pair *p, tt_rng *r) {
  uint32_t k = tt_rng_range(r, 0, 15);
  if (k == 0) {
    uint32_t seed = tt_rng_range(r, 0, 3) ? (uint32_t)tt_rng_next(r) : 0;
    assert_int_equal(tatami_seed(p->emu, seed), 0);
    assert_int_equal(tatami_seed(p->full, seed), 0);
  } else if (k == 1) {
    unsigned mask = tt_rng_range(r, 0, TATAMI_FLAG_ALL);
    assert_int_equal(tatami_clear_flags(p->emu, mask), 0);
    assert_int_equal(tatami_clear_flags(p->full, mask), 0);
  }
}

static void random_direct(const char *emu_uri, int iters) {
  tt_rng r = {tt_seed("test_vec_emu_direct", 0xE3u)};
  pair p;
  open_pair(&p, emu_uri, &r);
  int status[16] = {0}, op_ok[11] = {0}, sr_ok = 0;
  for (int t = 0; t < iters; t++) {
    maybe_state_cmd(&p, &r);
    tatami_vec_desc d;
    rand_desc(&r, &d, 0, -1);
    int ra = tf_status(p.emu, tatami_vec_desc_run(p.emu, &d));
    int rb = tf_status(p.full, tatami_vec_desc_run(p.full, &d));
    if (ra != rb)
      fail_msg("descriptor %d (op %u): %s emulated (%s), %s on ref:", t, d.op, tatami_strerror(ra),
               tatami_last_error(p.emu), tatami_strerror(rb));
    if (ra && !(ra <= -101 && ra >= -111)) fail_msg("descriptor %d: %s", t, tatami_strerror(ra));
    if (ra && !strstr(tatami_last_error(p.emu), "emulated on the host"))
      fail_msg("descriptor %d: message '%s' does not say VEC was emulated", t,
               tatami_last_error(p.emu));
    status[ra ? -ra - 100 : 0]++;
    if (ra == 0) op_ok[d.op]++, sr_ok += d.flags & 1;
    same_state(&p, 0, "descriptor", t);
  }
  print_message("%s: %d descriptors: OK %d, BAD_DTYPE %d, BAD_ARG %d, ADDR_RANGE %d, OVERLAP %d; "
                "%d with SR\n", emu_uri, iters, status[0], status[8], status[9], status[7],
                status[10], sr_ok);
  assert_true(status[0] > 0 && status[7] > 0 && status[8] > 0 && status[9] > 0 && status[10] > 0);
  for (int op = 1; op <= 10; op++)
    if (!op_ok[op]) fail_msg("op %d never ran", op);
  assert_true(sr_ok > 0);
  close_pair(&p);
}

static void test_random_direct(void **state) {
  (void)state;
  random_direct(emu_uris[0], tf_sanitized() ? 1000 : 4000);
  random_direct(emu_uris[1], tf_sanitized() ? 200 : 800);   /* check: mirrors the emulation's READs and WRITEs */
}

/* Programs of random VEC, SEED and CLEAR_FLAGS records (some VECs bad, some
 * with parameter addresses, a parameter not given now and then): ref:
 * stores and RUNs them, the emulated device expands them and runs the VEC
 * records on the host. */
static void random_programs(const char *emu_uri, int iters) {
  tt_rng r = {tt_seed("test_vec_emu_programs", 0x9A0u)};
  pair p;
  open_pair(&p, emu_uri, &r);
  int failed = 0, completed = 0;
  for (int t = 0; t < iters; t++) {
    tatami_device *devs[2] = {p.emu, p.full};
    tatami_program *prog[2];
    unsigned nrec = tt_rng_range(&r, 1, 6), nparams = tt_rng_range(&r, 0, 4);
    uint32_t span = (SRAM - PROG_ROOM) / 4, pv[4];
    uint64_t params[4];
    for (unsigned i = 0; i < 4; i++) pv[i] = PROG_ROOM + span * i, params[i] = pv[i];
    tt_rng rr[2] = {r, r};   /* the same records on both */
    for (int k = 0; k < 2; k++) {
      assert_int_equal(tatami_program_begin(devs[k]), 0);
      for (unsigned i = 0; i < nrec; i++) {
        uint32_t kind = tt_rng_range(&rr[k], 0, 9);
        if (kind == 0) {
          assert_int_equal(tatami_seed(devs[k], (uint32_t)tt_rng_next(&rr[k])), 0);
        } else if (kind == 1) {
          assert_int_equal(tatami_clear_flags(devs[k], tt_rng_range(&rr[k], 0, 31)), 0);
        } else {
          tatami_vec_desc d;
          /* mostly valid records (the model's check, only to choose them): a
           * bad one now and then stops the program */
          uint8_t b[TATAMI_REF_VEC_DESC_BYTES];
          tatami_ref_vec v;
          int tries = 0;
          do {
            rand_desc(&rr[k], &d, PROG_ROOM, (int)nparams);
            tatami_vec_desc_pack(b, &d);
          } while (++tries < 4 &&
                   tatami_ref_vec_check(b, sizeof b, SRAM, pv, nparams, &v) != TATAMI_REF_OK);
          assert_int_equal(tatami_vec_desc_run(devs[k], &d), 0);
        }
      }
      assert_int_equal(tatami_program_end(devs[k], &prog[k]), 0);
    }
    r = rr[0];
    int rc[2];
    for (int k = 0; k < 2; k++)
      rc[k] = tf_status(devs[k], tatami_program_run(devs[k], prog[k], params, nparams));
    if (rc[0] != rc[1])
      fail_msg("program %d: %s emulated (%s), %s on ref: (%s)", t, tatami_strerror(rc[0]),
               tatami_last_error(p.emu), tatami_strerror(rc[1]), tatami_last_error(p.full));
    if (rc[0]) {
      /* both name the same failing record */
      const char *ea = strstr(tatami_last_error(p.emu), "record ");
      const char *eb = strstr(tatami_last_error(p.full), "record ");
      assert_non_null(ea);
      assert_non_null(eb);
      if (atoi(ea + 7) != atoi(eb + 7))
        fail_msg("program %d: '%s' vs '%s'", t, tatami_last_error(p.emu), tatami_last_error(p.full));
    }
    failed += rc[0] != 0, completed += rc[0] == 0;
    /* ref: keeps its programs at the bottom of the SRAM: compared above it */
    uint64_t probe;
    assert_int_equal(tatami_malloc(p.full, 16, &probe), 0);
    assert_true(probe + 16 <= PROG_ROOM);
    assert_int_equal(tatami_free(p.full, probe), 0);
    same_state(&p, PROG_ROOM, "program", t);
    for (int k = 0; k < 2; k++) tatami_program_free(prog[k]);
  }
  print_message("%s: %d programs: %d completed, %d stopped at a failing record\n", emu_uri, iters,
                completed, failed);
  assert_true(completed > 0 && failed > 0);
  close_pair(&p);
}

static void test_random_programs(void **state) {
  (void)state;
  random_programs(emu_uris[0], tf_sanitized() ? 100 : 400);
  /* RUN but no VEC: the host still expands the programs (it runs their VEC
   * records and follows their SEED and CLEAR_FLAGS) */
  random_programs("ref:sram=65536,features=0x33", tf_sanitized() ? 50 : 200);
}

/* An emulated VEC's error is queued like the tile's: the call succeeds,
 * nothing is written, tatami_sync reports the tile's code and says VEC was
 * emulated; an earlier command's error comes first; the READs and WRITEs
 * are real link commands (counted). */
static void test_deferred(void **state) {
  (void)state;
  tatami_device *dev;
  assert_int_equal(tatami_open(emu_uris[0], &dev), 0);
  tatami_tensor x, z, row;
  assert_int_equal(tatami_tensor_create(dev, TATAMI_FP32, 4, 8, &x), 0);
  assert_int_equal(tatami_tensor_create(dev, TATAMI_BF16, 4, 8, &z), 0);
  assert_int_equal(tatami_tensor_create(dev, TATAMI_FP32, 1, 8, &row), 0);
  float xv[32];
  uint16_t z0[32], zr[32];
  for (int i = 0; i < 32; i++) xv[i] = (float)i - 10.5f, z0[i] = (uint16_t)(0x1234 + i);
  assert_int_equal(tatami_tensor_upload(&x, xv), 0);
  assert_int_equal(tatami_tensor_upload(&z, z0), 0);
  assert_int_equal(tatami_sync(dev), 0);

  /* overlap: Z one element into X */
  tatami_vec_desc d = {.op = TATAMI_VEC_RELU, .m = 4, .n = 8,
                       .x = {.addr = (uint32_t)x.addr, .ld = 8, .dtype = TF_FP32},
                       .z = {.addr = (uint32_t)x.addr + 4, .ld = 8, .dtype = TF_BF16}};
  assert_int_equal(tatami_vec_desc_run(dev, &d), 0);
  assert_int_equal(tatami_sync(dev), TATAMI_EDEV_OVERLAP);
  const char *msg = tatami_last_error(dev);
  if (!strstr(msg, "VEC") || !strstr(msg, "emulated on the host")) fail_msg("message: %s", msg);
  float xr[32];
  assert_int_equal(tatami_tensor_download(&x, xr), 0);
  assert_memory_equal(xr, xv, sizeof xv);
  assert_int_equal(tatami_sync(dev), 0);

  /* a bad dtype after a GEMM past the SRAM: the GEMM's error first, then
   * nothing more; a good VEC after both still runs */
  tatami_gemm_desc g = {.a = 0xFFFF0000u, .b = 0, .c = 0x8000, .m = 2, .n = 2, .k = 2,
                        .lda = 2, .ldb = 2, .ldc = 2};
  assert_int_equal(tatami_gemm_desc_run(dev, &g), 0);
  d.z.addr = (uint32_t)z.addr;
  d.z.dtype = 6;
  assert_int_equal(tatami_vec_desc_run(dev, &d), 0);
  d.z.dtype = TF_BF16;
  assert_int_equal(tatami_relu(dev, &z, &x, 0), 0);
  assert_int_equal(tatami_sync(dev), TATAMI_EDEV_ADDR_RANGE);
  assert_int_equal(tatami_sync(dev), 0);
  assert_int_equal(tatami_tensor_download(&z, zr), 0);
  for (int i = 0; i < 32; i++) {
    float want = xv[i] > 0 ? xv[i] : 0.0f;   /* exact in BF16: halves up to 21 */
    uint32_t u;
    memcpy(&u, &want, 4);
    assert_int_equal(zr[i], (uint16_t)(u >> 16));
  }

  /* inside a program: the failing record is named, the ones before ran */
  tatami_program *prog;
  assert_int_equal(tatami_program_begin(dev), 0);
  assert_int_equal(tatami_row_sum(dev, &row, &x, 0), 0);
  assert_int_equal(tatami_vec_desc_run(dev, &(tatami_vec_desc){.op = 11, .m = 1, .n = 1}), 0);
  assert_int_equal(tatami_relu(dev, &z, &x, 0), 0);
  assert_int_equal(tatami_program_end(dev, &prog), 0);
  assert_int_equal(tatami_program_run(dev, prog, NULL, 0), 0);
  assert_int_equal(tatami_sync(dev), TATAMI_EDEV_BAD_ARG);
  msg = tatami_last_error(dev);
  if (!strstr(msg, "record 1") || !strstr(msg, "emulated on the host")) fail_msg("message: %s", msg);
  float rs[8];
  assert_int_equal(tatami_tensor_download(&row, rs), 0);
  for (int j = 0; j < 8; j++) assert_true(rs[j] == xv[j] + xv[8 + j] + xv[16 + j] + xv[24 + j]);
  tatami_program_free(prog);

  /* the emulation's traffic is the link's: READs and WRITEs counted */
  tatami_counters c0, c1;
  assert_int_equal(tatami_get_counters(dev, &c0), 0);
  assert_int_equal(tatami_relu(dev, &z, &x, 0), 0);
  assert_int_equal(tatami_sync(dev), 0);
  assert_int_equal(tatami_get_counters(dev, &c1), 0);
  assert_true(c1.tx_frames >= c0.tx_frames + 2);   /* READ X, WRITE Z (and the counters) */
  /* and their operand bytes: X read, Z written (z and x are the same shape) */
  uint64_t zb = (uint64_t)z.rows * z.cols * tatami_dtype_size(z.dtype);
  uint64_t xb = (uint64_t)x.rows * x.cols * tatami_dtype_size(x.dtype);
  assert_int_equal(c1.vec_emu_read_bytes - c0.vec_emu_read_bytes, xb);
  assert_int_equal(c1.vec_emu_write_bytes - c0.vec_emu_write_bytes, zb);
  assert_int_equal(tatami_clear_counters(dev), 0);
  assert_int_equal(tatami_get_counters(dev, &c1), 0);
  assert_true(c1.vec_emu_read_bytes == 0 && c1.vec_emu_write_bytes == 0);

  /* flags: the emulated ops' ORed in; clear_flags clears them */
  float nan = NAN;
  tatami_tensor one;
  assert_int_equal(tatami_tensor_create(dev, TATAMI_FP32, 1, 1, &one), 0);
  assert_int_equal(tatami_tensor_upload(&one, &nan), 0);
  assert_int_equal(tatami_clear_flags(dev, TATAMI_FLAG_ALL), 0);
  assert_int_equal(tf_flags(dev), 0);
  assert_int_equal(tatami_add(dev, &one, &one, &one, 0), 0);
  assert_int_equal(tf_flags(dev), TATAMI_FLAG_INVALID);
  assert_int_equal(tatami_clear_flags(dev, TATAMI_FLAG_INVALID), 0);
  assert_int_equal(tf_flags(dev), 0);
  tatami_close(dev);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_random_direct),
      cmocka_unit_test(test_random_programs),
      cmocka_unit_test(test_deferred),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}

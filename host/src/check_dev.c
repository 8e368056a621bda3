/* The check: backend: runs an inner device and mirrors every command to a
 * ref: device of the same geometry. Reads are compared byte for byte and
 * device errors (statuses) are compared wherever the inner device reports
 * them; the first disagreement fails with TATAMI_EMISMATCH.
 *
 * The inner device may report a queued command's error at a later call or
 * only at sync, so the reference's statuses since the last sync are kept in
 * order and each device error the inner device reports must be the next one
 * of them. */
#include "device.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_QUEUED_ERRORS 64

typedef struct check_dev {
  tatami_device *inner, *ref;
  int errs[MAX_QUEUED_ERRORS];  /* reference device errors since the last sync */
  long recs[MAX_QUEUED_ERRORS]; /* and their RUN record indices (-1: none) */
  int nerr, head;               /* errs[head..nerr) not reported by inner yet */
  int lost;                     /* more errors than fit in errs */
} check_dev;

static int is_dev_error(int rc) { return rc <= -100; }

/* The reference ran one command: note its status (the ref: backend reports
 * a WRITE's or GEMM's status at sync). */
static void note_ref_status(check_dev *ck) {
  int e = tatami_sync(ck->ref);
  if (e == 0) return;
  if (ck->nerr < MAX_QUEUED_ERRORS) {
    ck->recs[ck->nerr] = ck->ref->err_record;
    ck->errs[ck->nerr++] = e;
  } else {
    ck->lost = 1;
  }
}

static int mismatch_status(tatami_device *dev, check_dev *ck, const char *what, int inner_rc) {
  const char *expected = ck->head < ck->nerr ? tatami_strerror(ck->errs[ck->head]) : "no error";
  return tatami_dev_error(dev, TATAMI_EMISMATCH, "check: %s: %s device reported %s (%s) but "
                          "the reference expected %s", what, ck->inner->info.backend,
                          inner_rc ? tatami_strerror(inner_rc) : "success",
                          inner_rc ? tatami_last_error(ck->inner) : "", expected);
}

/* Judge a status returned by the inner device for a command. */
static int inner_status(tatami_device *dev, check_dev *ck, const char *what, int rc) {
  if (rc == 0) return 0;
  if (!is_dev_error(rc)) /* host-side failure (link, memory): nothing to compare */
    return tatami_dev_error(dev, rc, "%s", tatami_last_error(ck->inner));
  if (ck->head < ck->nerr && ck->errs[ck->head] == rc) {
    long want = ck->recs[ck->head++];
    if (want != ck->inner->err_record)   /* a RUN failing at another record */
      return tatami_dev_error(dev, TATAMI_EMISMATCH, "check: %s: %s device reported %s at "
                              "program record %ld but the reference at record %ld", what,
                              ck->inner->info.backend, tatami_strerror(rc),
                              ck->inner->err_record, want);
    dev->err_record = want;
    return tatami_dev_error(dev, rc, "%s", tatami_last_error(ck->inner));
  }
  return mismatch_status(dev, ck, what, rc);
}

static int check_write(tatami_device *dev, uint64_t addr, const void *src, size_t n) {
  check_dev *ck = dev->impl;
  int rc = tatami_write(ck->inner, addr, src, n);
  int rr = tatami_write(ck->ref, addr, src, n);
  if (rr && !is_dev_error(rr))
    return tatami_dev_error(dev, rr, "check: reference: %s", tatami_last_error(ck->ref));
  note_ref_status(ck);
  return inner_status(dev, ck, "write", rc);
}

static int check_gemm(tatami_device *dev, const tatami_gemm_desc *d) {
  check_dev *ck = dev->impl;
  int rc = tatami_gemm_desc_run(ck->inner, d);
  int rr = tatami_gemm_desc_run(ck->ref, d);
  if (rr && !is_dev_error(rr))
    return tatami_dev_error(dev, rr, "check: reference: %s", tatami_last_error(ck->ref));
  note_ref_status(ck);
  return inner_status(dev, ck, "gemm", rc);
}

static int check_cmd(tatami_device *dev, uint8_t op, const void *payload, size_t len, void *resp,
                     size_t resp_len) {
  check_dev *ck = dev->impl;
  const char *what = tatami_opcode_name(op);
  if (!ck->inner->ops->cmd)
    return tatami_dev_error(dev, TATAMI_EUNSUPPORTED, "check: %s: the %s backend cannot send "
                            "it", what, ck->inner->ops->name);
  ck->inner->err_record = ck->ref->err_record = -1;   /* the backends are called directly */
  if (!resp) {   /* queued: statuses compared in order, as for GEMM */
    int rc = ck->inner->ops->cmd(ck->inner, op, payload, len, NULL, 0);
    int rr = ck->ref->ops->cmd(ck->ref, op, payload, len, NULL, 0);
    if (rr && !is_dev_error(rr))
      return tatami_dev_error(dev, rr, "check: reference: %s", tatami_last_error(ck->ref));
    note_ref_status(ck);
    return inner_status(dev, ck, what, rc);
  }
  uint8_t *mine = malloc(resp_len ? resp_len : 1);
  if (!mine) return tatami_dev_error(dev, TATAMI_ENOMEM, "check: %s: host out of memory", what);
  ck->inner->err[0] = ck->ref->err[0] = '\0';
  int rc = ck->inner->ops->cmd(ck->inner, op, payload, len, resp, resp_len);
  int rr = ck->ref->ops->cmd(ck->ref, op, payload, len, mine, resp_len);
  int out = 0;
  if (rc && !is_dev_error(rc)) {
    out = tatami_dev_error(dev, rc, "%s", tatami_last_error(ck->inner));
  } else if (rr && !is_dev_error(rr)) {
    out = tatami_dev_error(dev, rr, "check: reference: %s", tatami_last_error(ck->ref));
  } else if (rc != rr) {
    out = tatami_dev_error(dev, TATAMI_EMISMATCH, "check: %s: %s device returned %s but the "
                           "reference returned %s", what, ck->inner->info.backend,
                           rc ? tatami_strerror(rc) : "success", rr ? tatami_strerror(rr) : "success");
  } else if (rc) {
    out = tatami_dev_error(dev, rc, "%s", tatami_last_error(ck->inner));
  } else if (resp_len && memcmp(resp, mine, resp_len) != 0) {
    const uint8_t *got = resp;
    size_t i = 0;
    while (got[i] == mine[i]) i++;
    out = tatami_dev_error(dev, TATAMI_EMISMATCH, "check: %s: response byte %zu: %s has 0x%02x, "
                           "reference has 0x%02x", what, i, ck->inner->info.backend, got[i], mine[i]);
  }
  free(mine);
  return out;
}

static int check_read(tatami_device *dev, uint64_t addr, void *dst, size_t n) {
  check_dev *ck = dev->impl;
  uint8_t *mine = malloc(n);
  if (!mine) return tatami_dev_error(dev, TATAMI_ENOMEM, "check: read: host out of memory");
  int rc = tatami_read(ck->inner, addr, dst, n);
  int rr = tatami_read(ck->ref, addr, mine, n);
  int out;
  if (rc && !is_dev_error(rc)) {
    out = tatami_dev_error(dev, rc, "%s", tatami_last_error(ck->inner));
  } else if (rr && !is_dev_error(rr)) {
    out = tatami_dev_error(dev, rr, "check: reference: %s", tatami_last_error(ck->ref));
  } else if (rc == 0 && rr == 0) {
    out = 0;
    const uint8_t *got = dst;
    for (size_t i = 0; i < n; i++) {
      if (got[i] != mine[i]) {
        out = tatami_dev_error(dev, TATAMI_EMISMATCH, "check: read mismatch at SRAM address "
                               "0x%" PRIx64 ": %s has 0x%02x, reference has 0x%02x",
                               addr + i, ck->inner->info.backend, got[i], mine[i]);
        break;
      }
    }
  } else if (rc == rr) {
    out = tatami_dev_error(dev, rc, "%s", tatami_last_error(ck->inner));
  } else if (rr == 0) {
    /* The inner device may report an earlier queued command's error here. */
    out = inner_status(dev, ck, "read", rc);
  } else {
    out = tatami_dev_error(dev, TATAMI_EMISMATCH, "check: read of %zu bytes at 0x%" PRIx64
                           ": %s device returned %s but the reference returned %s", n, addr,
                           ck->inner->info.backend, rc ? tatami_strerror(rc) : "success",
                           tatami_strerror(rr));
  }
  free(mine);
  return out;
}

static int check_sync(tatami_device *dev) {
  check_dev *ck = dev->impl;
  int rc = tatami_sync(ck->inner);
  int out;
  if (rc && !is_dev_error(rc)) {
    out = tatami_dev_error(dev, rc, "%s", tatami_last_error(ck->inner));
  } else if (rc == 0) {
    /* Errors the inner device already reported at their calls are fine;
     * one it never reported is a disagreement. */
    int unreported = ck->head == 0 && ck->nerr > 0;
    out = unreported ? mismatch_status(dev, ck, "sync", 0) : 0;
  } else if (ck->head > 0 && ck->errs[ck->head - 1] == rc) {
    out = tatami_dev_error(dev, rc, "%s", tatami_last_error(ck->inner)); /* reported again */
  } else if (ck->lost && ck->head >= ck->nerr) {
    out = tatami_dev_error(dev, rc, "%s", tatami_last_error(ck->inner)); /* cannot judge */
  } else {
    out = inner_status(dev, ck, "sync", rc);
  }
  ck->nerr = ck->head = ck->lost = 0;
  return out;
}

static int check_get_counters(tatami_device *dev, tatami_counters *c) {
  check_dev *ck = dev->impl;
  int rc = tatami_get_counters(ck->inner, c);
  if (rc) return tatami_dev_error(dev, rc, "%s", tatami_last_error(ck->inner));
  return 0;
}

static int check_clear_counters(tatami_device *dev) {
  check_dev *ck = dev->impl;
  int rc = tatami_clear_counters(ck->inner);
  int rr = tatami_clear_counters(ck->ref);
  if (rc) return tatami_dev_error(dev, rc, "%s", tatami_last_error(ck->inner));
  if (rr) return tatami_dev_error(dev, rr, "check: reference: %s", tatami_last_error(ck->ref));
  return 0;
}

static void check_close(tatami_device *dev) {
  check_dev *ck = dev->impl;
  if (!ck) return;
  tatami_close(ck->inner);
  tatami_close(ck->ref);
  free(ck);
  dev->impl = NULL;
}

static const tatami_backend_ops check_ops = {
    .name = "check",
    .write = check_write,
    .read = check_read,
    .gemm = check_gemm,
    .cmd = check_cmd,
    .get_counters = check_get_counters,
    .clear_counters = check_clear_counters,
    .sync = check_sync,
    .close = check_close,
};

/* Wrap an open inner device (taking ownership of it, also on failure).
 * Internal, not in a header: tatami_check_open uses it, and tests use it to
 * put a deliberately faulty device under check. */
int tatami_check_attach(tatami_device *dev, tatami_device *inner, const char *inner_uri);

int tatami_check_attach(tatami_device *dev, tatami_device *inner, const char *inner_uri) {
  check_dev *ck = calloc(1, sizeof *ck);
  if (!ck) {
    tatami_close(inner);
    tatami_set_open_error("check: out of memory");
    return TATAMI_ENOMEM;
  }
  ck->inner = inner;
  const tatami_info *in = &inner->info;
  char ref_uri[96];
  /* The reference has the inner device's version and features: a 1.0 tile
   * is mirrored by a model of one (BAD_OPCODE, BAD_DTYPE, BAD_LEN where a
   * 1.0 tile answers them), not by a 1.1 model that disagrees. */
  snprintf(ref_uri, sizeof ref_uri, "ref:sram=%" PRIu64 ",rows=%" PRIu32 ",cols=%" PRIu32
           ",version=0x%" PRIx32 ",features=0x%" PRIx32, in->sram_bytes, in->rows, in->cols,
           in->version, in->dtypes);
  int rc = tatami_open(ref_uri, &ck->ref);
  if (rc) {
    tatami_set_open_error("check: cannot model inner device '%s' with '%s': %s", inner_uri,
                          ref_uri, tatami_open_error());
    tatami_close(inner);
    free(ck);
    return rc == TATAMI_EURI ? TATAMI_EUNSUPPORTED : rc;
  }
  dev->ops = &check_ops;
  dev->impl = ck;
  dev->info = *in;
  snprintf(dev->info.backend, sizeof dev->info.backend, "check");
  return 0;
}

int tatami_check_open(tatami_device *dev, const char *inner_uri) {
  if (!inner_uri || !*inner_uri) {
    tatami_set_open_error("check: needs an inner device URI, e.g. \"check:sim:\"");
    return TATAMI_EURI;
  }
  tatami_device *inner;
  int rc = tatami_open(inner_uri, &inner);
  if (rc) {
    tatami_set_open_error("check: inner device '%s': %s", inner_uri, tatami_open_error());
    return rc;
  }
  return tatami_check_attach(dev, inner, inner_uri);
}

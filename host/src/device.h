/* Internal: the device object and the interface every backend implements.
 * Not installed. */
#ifndef TATAMI_DEVICE_H
#define TATAMI_DEVICE_H

#include "numerics.h"
#include "tatami.h"
#include <stdarg.h>
#include <string.h>

typedef struct tatami_backend_ops {
  const char *name;
  /* Writes and GEMMs may be queued; errors from queued commands are
   * reported by sync (the first one). Reads wait for earlier commands. */
  int (*write)(tatami_device *dev, uint64_t addr, const void *src, size_t n);
  int (*read)(tatami_device *dev, uint64_t addr, void *dst, size_t n);
  int (*gemm)(tatami_device *dev, const tatami_gemm_desc *d);
  /* Any other command (1.1: VEC, FLAGS, CLEAR_FLAGS, SEED, RUN), opcode and
   * payload as on the link. resp == NULL: queued like a GEMM (an OK answer's
   * payload is dropped); its device error comes back at sync, where a RUN
   * record's failure also sets dev->err_record. resp != NULL: waits for the
   * answer (and for everything issued before); an OK answer's payload must
   * be exactly resp_len bytes (else TATAMI_EPROTO). Optional: without it the
   * 1.1 calls fail with TATAMI_EUNSUPPORTED. */
  int (*cmd)(tatami_device *dev, uint8_t opcode, const void *payload, size_t len, void *resp,
             size_t resp_len);
  int (*get_counters)(tatami_device *dev, tatami_counters *c);
  int (*clear_counters)(tatami_device *dev);
  int (*sync)(tatami_device *dev);
  void (*close)(tatami_device *dev);
} tatami_backend_ops;

/* First-fit allocator over device SRAM, host-side bookkeeping only. */
typedef struct tatami_block {
  uint64_t addr, size;
  struct tatami_block *next;  /* sorted by address */
} tatami_block;

struct tatami_device {
  const tatami_backend_ops *ops;
  void *impl;                 /* backend state */
  tatami_info info;           /* filled by the backend's open */
  tatami_block *allocated;    /* allocator: allocated blocks */
  char err[256];              /* message about the last failure */
  /* 1.1 */
  long err_record;            /* the program record behind the last error (RUN), or -1 */
  struct tatami_program *recording;  /* between tatami_program_begin and _end */
  /* An error the front end took from the backend early (a program run
   * expanded on the host syncs per record): tatami_sync reports it first. */
  int deferred;
  long deferred_record;
  char deferred_msg[256];
  /* A 1.1 device without TATAMI_FEAT_VEC gets VEC emulated by the library
   * (compute.c): the host's flags (ORed into tatami_get_flags) and random
   * source (seeded by tatami_seed) of the emulated ops. */
  tatami_num_ctx vec_num;
  uint64_t vec_emu_read, vec_emu_write;   /* their operand bytes (tatami_counters) */
};

/* The message of a failed command: "<what>: <opcode name> ..." naming a RUN
 * record's index when its error payload holds one (and setting
 * dev->err_record), with a hint when a pre-1.1 device lacks the opcode. */
int tatami_dev_cmd_error(tatami_device *dev, int code, const char *what, uint8_t opcode,
                         const uint8_t *resp, size_t resp_len);
/* Name of a protocol opcode ("VEC", "RUN", ...). */
const char *tatami_opcode_name(uint8_t opcode);

/* Run a backend call and return its result; keep the previous failure
 * message (and record index) if it succeeds, and make sure a failure always
 * leaves a message behind. */
#define BACKEND_CALL(dev, what, call)                                              \
  do {                                                                             \
    char saved_[sizeof(dev)->err];                                                 \
    long saved_record_ = (dev)->err_record;                                        \
    memcpy(saved_, (dev)->err, sizeof saved_);                                     \
    (dev)->err[0] = '\0';                                                          \
    (dev)->err_record = -1;                                                        \
    int rc_ = (call);                                                              \
    if (rc_ == 0) {                                                                \
      memcpy((dev)->err, saved_, sizeof saved_);                                   \
      (dev)->err_record = saved_record_;                                           \
    } else if ((dev)->err[0] == '\0') {                                            \
      tatami_dev_error((dev), rc_, "%s: %s", (what), tatami_strerror(rc_));        \
    }                                                                              \
    return rc_;                                                                    \
  } while (0)

/* Shared by the API files (device.c, compute.c). */
/* Protocol data type code (docs/protocol.md) of an API dtype. */
uint8_t tatami_dtype_code(tatami_dtype dt);
const char *tatami_dtype_name(tatami_dtype dt);
/* A tensor made by tatami_tensor_param (its addr is a parameter reference). */
int tatami_tensor_is_param(const tatami_tensor *t);
/* The checks every API call makes of a tensor argument: well formed, on
 * dev, and a parameter reference only while recording (TATAMI_ESTATE). */
int tatami_tensor_arg(tatami_device *dev, const tatami_tensor *t, const char *what,
                      const char *name);
/* A GEMM/VEC/CLEAR_FLAGS/SEED command: recorded while a program is being
 * recorded, else issued queued through the backend's cmd operation. */
int tatami_dev_issue(tatami_device *dev, uint8_t opcode, const void *payload, size_t len,
                     const char *what);
/* Append a record to the program being recorded. */
int tatami_program_record(tatami_device *dev, uint8_t opcode, const void *payload, size_t len);
void tatami_program_discard(struct tatami_program *p);

/* Record a message for tatami_last_error() and return code. */
int tatami_dev_error(tatami_device *dev, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Backend constructors. opts is the text after "name:". Each fills
 * dev->ops, dev->impl and dev->info, or returns an error (and may set
 * the open error message with tatami_set_open_error). */
int tatami_ref_open(tatami_device *dev, const char *opts);
int tatami_sim_dev_open(tatami_device *dev, const char *opts);
int tatami_check_open(tatami_device *dev, const char *inner_uri);
int tatami_usb_open(tatami_device *dev, const char *opts);

void tatami_set_open_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* URI option helpers shared by the backends' option parsers. */
/* Record the open error fmt(a, b) and return TATAMI_EURI. */
int tatami_uri_bad(const char *fmt, const char *a, const char *b);
/* An unsigned integer (decimal, 0x hex or 0 octal, no sign) in [lo, hi]: 0, else -1. */
int tatami_uri_num(const char *s, unsigned long long lo, unsigned long long hi,
                   unsigned long long *out);

#endif

/* Internal: the device object and the interface every backend implements.
 * Not installed. */
#ifndef TATAMI_DEVICE_H
#define TATAMI_DEVICE_H

#include "tatami.h"
#include <stdarg.h>

typedef struct tatami_backend_ops {
  const char *name;
  /* Writes and GEMMs may be queued; errors from queued commands are
   * reported by sync (the first one). Reads wait for earlier commands. */
  int (*write)(tatami_device *dev, uint64_t addr, const void *src, size_t n);
  int (*read)(tatami_device *dev, uint64_t addr, void *dst, size_t n);
  int (*gemm)(tatami_device *dev, const tatami_gemm_desc *d);
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
};

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

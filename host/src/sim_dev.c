/* Placeholder: the sim: backend (protocol + transport over tatami_sim) is being written. */
#include "device.h"

int tatami_sim_dev_open(tatami_device *dev, const char *opts) {
  (void)dev;
  (void)opts;
  tatami_set_open_error("sim: backend not built yet");
  return TATAMI_EUNSUPPORTED;
}

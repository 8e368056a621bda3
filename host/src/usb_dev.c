/* The usb: backend. Boards are reached through the board driver, which is
 * not part of this build yet: fail clearly instead of pretending. */
#include "device.h"

int tatami_usb_open(tatami_device *dev, const char *opts) {
  (void)dev;
  (void)opts;
  tatami_set_open_error("usb: not supported in this build: usb: comes with the board driver");
  return TATAMI_EUNSUPPORTED;
}

/* Internal: test hook of the sim: backend. Not installed. */
#ifndef TATAMI_SIM_DEV_H
#define TATAMI_SIM_DEV_H

#include "tatami.h"
#include "tatami_sim.h"

/* The simulated tile behind a sim: device (for its link statistics and
 * counters in tests); NULL if dev is not a sim: device. */
tatami_sim *tatami_sim_dev_handle(tatami_device *dev);

#endif

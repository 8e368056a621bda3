# driver/: the FT2232H userspace driver (libusb-1.0), part of libtatami.
# Included from the top Makefile after host/host.mk and tests/tests.mk:
# host.mk puts DRIVER_OBJS into both libraries; here they are built, and
# the sanitizer tests get ASan+UBSan copies.

DRIVER_SRCS     := $(sort $(wildcard driver/*.c))
DRIVER_OBJS     := $(patsubst driver/%.c,$(BUILD)/obj/driver/%.o,$(DRIVER_SRCS))
DRIVER_SAN_OBJS := $(patsubst driver/%.c,$(BUILD)/san/driver/%.o,$(DRIVER_SRCS))
DRIVER_HDRS     := $(wildcard driver/*.h) host/include/tatami.h

$(BUILD)/obj/driver/%.o: driver/%.c $(DRIVER_HDRS) | deps
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) -c $< -o $@

$(BUILD)/san/driver/%.o: driver/%.c $(DRIVER_HDRS) | deps
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) $(SAN_FLAGS) -c $< -o $@

$(LIBTATAMI_A) $(LIBTATAMI_SO): $(DRIVER_OBJS)

# The sanitizer test programs link SAN_OBJS (expanded when they are linked).
SAN_OBJS += $(DRIVER_SAN_OBJS)
$(TEST_SAN_BINS): $(DRIVER_SAN_OBJS)
.SECONDARY: $(DRIVER_SAN_OBJS)

# Tests may include the driver's header.
TEST_CFLAGS += -Idriver $(USB_CFLAGS)

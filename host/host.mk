# host/: libtatami (static and shared) and the tatami CLI.

LIB_SOVERSION := 1
LIB_VERSION   := 1.0.0
CC     ?= cc
CSTD_FLAGS := -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes
# libusb-1.0 for the usb: backend's FT2232H driver (driver/, driver/driver.mk).
# tatami.pc names it in Libs.private (-lusb-1.0), not Requires.private: a
# static libtatami then links the system's shared libusb, and
# `pkg-config --static` does not demand libusb's own static dependencies
# (libudev), which a static libusb would need but this one does not.
USB_CFLAGS := $(shell pkg-config --cflags libusb-1.0 2>/dev/null || echo -I/usr/include/libusb-1.0)
USB_LIBS   := $(shell pkg-config --libs libusb-1.0 2>/dev/null || echo -lusb-1.0)
HOST_CFLAGS := $(CSTD_FLAGS) -O2 -g -fPIC -Ihost/include -Ihost/src -Isim -Idriver $(USB_CFLAGS)
HOST_SRCS := $(sort $(wildcard host/src/*.c))
HOST_OBJS := $(patsubst host/src/%.c,$(BUILD)/obj/host/%.o,$(HOST_SRCS))
HOST_HDRS := $(wildcard host/include/*.h host/src/*.h driver/*.h) sim/tatami_sim.h

LIBTATAMI_A  := $(BUILD)/lib/libtatami.a
LIBTATAMI_SO := $(BUILD)/lib/libtatami.so.$(LIB_VERSION)
TATAMI_CLI   := $(BUILD)/bin/tatami
LIB_LDLIBS   := $(SIM_LDLIBS) $(USB_LIBS)
UDEVDIR      ?= $(PREFIX)/lib/udev/rules.d
# DRIVER_OBJS (driver/driver.mk, included after this file) go into both
# libraries: the recipes below expand it when they run.

$(BUILD)/obj/host/%.o: host/src/%.c $(HOST_HDRS) | deps
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) -c $< -o $@

# One static archive holding the host code, the sim wrapper and the Verilator models.
$(LIBTATAMI_A): $(HOST_OBJS) $(SIM_OBJ) $(SIM_MODEL_LIBS) $(SIM_VERILATED)
	@mkdir -p $(dir $@)
	rm -f $@
	{ echo "CREATE $@"; for o in $(HOST_OBJS) $(DRIVER_OBJS) $(SIM_OBJ); do echo "ADDMOD $$o"; done; \
	  for a in $(SIM_MODEL_LIBS) $(SIM_VERILATED); do echo "ADDLIB $$a"; done; \
	  echo SAVE; echo END; } | ar -M
	ranlib $@

$(LIBTATAMI_SO): $(HOST_OBJS) $(SIM_OBJ) $(SIM_MODEL_LIBS) $(SIM_VERILATED)
	@mkdir -p $(dir $@)
	g++ -shared -Wl,-soname,libtatami.so.$(LIB_SOVERSION) -o $@ $(HOST_OBJS) $(DRIVER_OBJS) $(SIM_OBJ) \
	  $(SIM_MODEL_LIBS) $(SIM_VERILATED) $(LIB_LDLIBS)
	ln -sf libtatami.so.$(LIB_VERSION) $(BUILD)/lib/libtatami.so.$(LIB_SOVERSION)
	ln -sf libtatami.so.$(LIB_SOVERSION) $(BUILD)/lib/libtatami.so

$(TATAMI_CLI): host/tools/tatami.c $(LIBTATAMI_A) host/include/tatami.h
	@mkdir -p $(dir $@)
	$(CC) $(CSTD_FLAGS) -O2 -g -Ihost/include -Ihost/src -Isim $< $(CLI_EXTRA_OBJS) -o $@ $(LIBTATAMI_A) \
	  $(LIB_LDLIBS) $(CLI_EXTRA_LDLIBS)

install: all
	install -d $(DESTDIR)$(PREFIX)/include $(DESTDIR)$(PREFIX)/lib/pkgconfig $(DESTDIR)$(PREFIX)/bin
	install -m 644 host/include/tatami.h $(DESTDIR)$(PREFIX)/include/
	install -m 644 $(LIBTATAMI_A) $(DESTDIR)$(PREFIX)/lib/
	install -m 755 $(LIBTATAMI_SO) $(DESTDIR)$(PREFIX)/lib/
	ln -sf libtatami.so.$(LIB_VERSION) $(DESTDIR)$(PREFIX)/lib/libtatami.so.$(LIB_SOVERSION)
	ln -sf libtatami.so.$(LIB_SOVERSION) $(DESTDIR)$(PREFIX)/lib/libtatami.so
	install -m 755 $(TATAMI_CLI) $(DESTDIR)$(PREFIX)/bin/
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@VERSION@|$(LIB_VERSION)|g' -e 's|@LIBS_PRIVATE@|$(LIB_LDLIBS)|g' \
	  host/tatami.pc.in > $(DESTDIR)$(PREFIX)/lib/pkgconfig/tatami.pc
	install -d $(DESTDIR)$(UDEVDIR)
	install -m 644 driver/60-tatami.rules $(DESTDIR)$(UDEVDIR)/

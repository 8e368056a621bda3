# tests/board: the virtual iCEBreaker (docs/vboard.md).
#   $(BUILD)/bin/tatami-vboard       FT2232H emulator (umockdev) + Verilator model of icebreaker_top (RTL)
#   $(BUILD)/bin/tatami-vboard-gate  the same with the synthesized netlist (gate-level simulation)
#   $(BUILD)/bin/tatami-vboard-fp    the same for the FP variant (boards.mk BOARD=icebreaker-fp:
#                                    icebreaker_top with BOARD_VARIANT_PARAMS_icebreaker-fp)
#   make vboard        build them       make test-board    run the board tests
#   make bench-board   link efficiency and GEMM cycles on the virtual board vs sim:
# The board's sources and parameters come from boards/boards.mk (BOARD_*_icebreaker): the
# RTL model is built for BOARD_CLOCK_HZ_icebreaker and BOARD_BAUD_icebreaker (CLOCK_HZ=...
# BAUD=... on the make command line change them, as for the bitstream; the tests use plain
# usb:, the driver's 6 Mbaud, so they need the default baud).

VB_DIR      := tests/board
VB_CLOCK_HZ := $(or $(BOARD_CLOCK_HZ_icebreaker),30000000)
VB_BAUD     := $(or $(BOARD_BAUD_icebreaker),6000000)
VB_PKGS     := umockdev-1.0 glib-2.0 gio-2.0
VB_PKG_CFLAGS = $(patsubst -I%,-isystem %,$(shell pkg-config --cflags $(VB_PKGS) 2>/dev/null))
VB_PKG_LIBS   = $(shell pkg-config --libs $(VB_PKGS) 2>/dev/null)
VB_CFLAGS   = $(CSTD_FLAGS) -O2 -g -I$(VB_DIR) $(VB_PKG_CFLAGS) -DVB_CLOCK_HZ=$(VB_CLOCK_HZ)
VB_CXXFLAGS := -std=c++17 -O2 -g -Wall -Wextra -Werror -I$(VB_DIR) $(VINC)
VB_OBJDIR   := $(BUILD)/obj/board

VB_BIN      := $(BUILD)/bin/tatami-vboard
VB_GATE_BIN := $(BUILD)/bin/tatami-vboard-gate
VB_FP_BIN   := $(BUILD)/bin/tatami-vboard-fp
VB_ECHO     := $(BUILD)/tests/board/ftdi_echo
VB_CHECK    := $(BUILD)/tests/board/vb_check
VB_COMMON_OBJS := $(VB_OBJDIR)/vboard.o $(VB_OBJDIR)/ft2232h.o $(VB_OBJDIR)/vboard_loop.o
VB_HDRS     := $(wildcard $(VB_DIR)/*.h)
VB_LDLIBS    = $(VB_PKG_LIBS) -lz -pthread -lstdc++ -lm

# the C flags (VB_CLOCK_HZ), rewritten only when they change
$(VB_OBJDIR)/cflags.txt: FORCE_VB_INPUTS
	@mkdir -p $(dir $@)
	@echo '$(VB_CFLAGS)' | cmp -s - $@ || echo '$(VB_CFLAGS)' > $@
$(VB_OBJDIR)/%.o: $(VB_DIR)/%.c $(VB_HDRS) $(VB_DIR)/board.mk $(VB_OBJDIR)/cflags.txt | deps
	@mkdir -p $(dir $@)
	$(CC) $(VB_CFLAGS) -c $< -o $@

$(VB_ECHO): $(VB_DIR)/ftdi_echo.c | deps
	@mkdir -p $(dir $@)
	$(CC) $(CSTD_FLAGS) -O2 -g $(shell pkg-config --cflags libusb-1.0) $< -o $@ $(shell pkg-config --libs libusb-1.0)

$(VB_CHECK): $(VB_DIR)/vb_check.c $(LIBTATAMI_A) host/include/tatami.h
	@mkdir -p $(dir $@)
	$(CC) $(CSTD_FLAGS) -O2 -g -Ihost/include $< -o $@ $(LIBTATAMI_A) $(LIB_LDLIBS)

# One Verilator model per flavour, each with its own class prefix.
#   $(1) flavour (rtl|gate)  $(2) sources  $(3) extra flags  $(4) make flags of the C++ build
define VB_MODEL_RULE
# the sources and flags, rewritten only when they change (a model built from
# another netlist or with other parameters is rebuilt)
$(BUILD)/vboard/$(1)/inputs.txt: FORCE_VB_INPUTS
	@mkdir -p $$(dir $$@)
	@echo '$(2) $(3) $(4)' | cmp -s - $$@ || echo '$(2) $(3) $(4)' > $$@
$(BUILD)/vboard/$(1)/Vvb_$(1)__ALL.a: $(2) $(BUILD)/vboard/$(1)/inputs.txt $(VB_DIR)/board.mk $(wildcard boards/boards.mk) | deps
	@mkdir -p $(BUILD)/vboard/$(1)
	nice $(VERILATOR) --cc --build -j $(JOBS) -O3 -Wno-fatal -Wno-lint -Wno-style $(3) \
	  --top-module icebreaker_top --prefix Vvb_$(1) --Mdir $(BUILD)/vboard/$(1) $(4) \
	  -CFLAGS "-std=c++17" -MAKEFLAGS "$(VMAKE_FLAGS)" $(foreach f,$(2),$(abspath $(f))) >$(BUILD)/vboard/$(1)/build.log 2>&1 \
	  || { tail -40 $(BUILD)/vboard/$(1)/build.log; exit 1; }
	@touch $$@
$(VB_OBJDIR)/model_$(1).o: $(VB_DIR)/vboard_model.cpp $(VB_DIR)/vboard_board.h $(BUILD)/vboard/$(1)/Vvb_$(1)__ALL.a
	@mkdir -p $$(dir $$@)
	g++ $(VB_CXXFLAGS) -isystem $(BUILD)/vboard/$(1) -DVB_TOP=Vvb_$(1) -c $$< -o $$@
endef

ifneq ($(strip $(BOARD_SIM_SRCS_icebreaker)),)
$(eval $(call VB_MODEL_RULE,rtl,$(BOARD_SIM_SRCS_icebreaker),$(BOARD_SIM_VFLAGS) -GCLOCK_HZ=$(VB_CLOCK_HZ) -GBAUD=$(VB_BAUD) $(BOARD_DEV_PARAMS_icebreaker)))
VB_RTL_OBJS := $(VB_OBJDIR)/model_rtl.o $(BUILD)/vboard/rtl/Vvb_rtl__ALL.a
else
VB_RTL_OBJS := $(VB_OBJDIR)/vboard_nomodel.o
endif

# The FP variant: the same RTL with the variant's parameters (FPU=1 R=1 C=1).
ifneq ($(strip $(BOARD_SIM_SRCS_icebreaker-fp)),)
$(eval $(call VB_MODEL_RULE,fp,$(BOARD_SIM_SRCS_icebreaker-fp),$(BOARD_SIM_VFLAGS) -GCLOCK_HZ=$(VB_CLOCK_HZ) -GBAUD=$(VB_BAUD) $(foreach p,$(BOARD_VARIANT_PARAMS_icebreaker-fp),-G$(p)) $(BOARD_DEV_PARAMS_icebreaker-fp)))
VB_FP_OBJS := $(VB_OBJDIR)/model_fp.o $(BUILD)/vboard/fp/Vvb_fp__ALL.a
else
VB_FP_OBJS := $(VB_OBJDIR)/vboard_nomodel.o
endif

# Gate level: the yosys netlist, yosys's iCE40 cell models (the PLL model
# passes the clock through). NO_ICE40_DEFAULT_ASSIGNMENTS: Verilator cannot
# take cells_sim.v's default port assignments.
VB_GATE_SRCS = $(BOARD_NETLIST_icebreaker) boards/common/sb_pll40_pad_sim.v $(ICE40_CELLS_SIM)
ifneq ($(strip $(BOARD_NETLIST_icebreaker)),)
# The netlist's C++ is large: -O0 compiles it several times faster and
# simulates about as fast as -Os (measured: 40k cycles in 9.7 s vs 8.6 s).
$(eval $(call VB_MODEL_RULE,gate,$(VB_GATE_SRCS),$(BOARD_SIM_VFLAGS) -DNO_ICE40_DEFAULT_ASSIGNMENTS -Wno-MULTIDRIVEN -Wno-UNOPTFLAT,-MAKEFLAGS "OPT_FAST=-O0 OPT_SLOW=-O0"))
VB_GATE_OBJS := $(VB_OBJDIR)/model_gate.o $(BUILD)/vboard/gate/Vvb_gate__ALL.a
endif

$(VB_BIN): $(VB_COMMON_OBJS) $(VB_RTL_OBJS) $(SIM_VERILATED)
	@mkdir -p $(dir $@)
	g++ -o $@ $(VB_COMMON_OBJS) $(VB_RTL_OBJS) $(SIM_VERILATED) $(VB_LDLIBS)

$(VB_FP_BIN): $(VB_COMMON_OBJS) $(VB_FP_OBJS) $(SIM_VERILATED)
	@mkdir -p $(dir $@)
	g++ -o $@ $(VB_COMMON_OBJS) $(VB_FP_OBJS) $(SIM_VERILATED) $(VB_LDLIBS)

$(VB_GATE_BIN): $(VB_COMMON_OBJS) $(VB_GATE_OBJS) $(SIM_VERILATED)
	@mkdir -p $(dir $@)
	@[ -n "$(VB_GATE_OBJS)" ] || { echo "vboard-gate: no netlist (BOARD_NETLIST_icebreaker) to simulate"; exit 1; }
	g++ -o $@ $(VB_COMMON_OBJS) $(VB_GATE_OBJS) $(SIM_VERILATED) $(VB_LDLIBS)

.PHONY: vboard vboard-gate test-board bench-board FORCE_VB_INPUTS
FORCE_VB_INPUTS:
vboard: $(VB_BIN) $(VB_FP_BIN) $(VB_ECHO) $(VB_CHECK) $(TATAMI_CLI)
vboard-gate: $(VB_GATE_BIN)

test-board: vboard
	@BUILD=$(BUILD) VB_BAUD=$(VB_BAUD) VB_CLOCK_HZ=$(VB_CLOCK_HZ) bash $(VB_DIR)/run.sh

bench-board: vboard
	@BUILD=$(BUILD) VB_BAUD=$(VB_BAUD) VB_CLOCK_HZ=$(VB_CLOCK_HZ) bash $(VB_DIR)/bench.sh

# RTL: sources, lint, synthesis check, and Verilator testbenches.
# Testbench convention: tests/rtl/tb_NAME.sv (top module tb_NAME) and
# tests/rtl/tb_NAME.cpp (its C++ driver) build to $(BUILD)/rtltb/tb_NAME/Vtb_NAME.

RTL_DIR   := rtl
RTL_SRCS  := $(sort $(wildcard $(RTL_DIR)/*.sv))
RTL_HDRS  := $(wildcard $(RTL_DIR)/*.svh)
VERILATOR ?= verilator
VFLAGS_COMMON := -I$(RTL_DIR) -Wno-fatal --x-assign unique --x-initial unique
# Make variables for the C++ build of every Verilator model (verilated.mk):
# the run-once "Slow" code (constructors, trace setup) unoptimised, as it is
# a third of the C++ and costs no simulation time; the models' fast code at
# verilated.mk's -Os unless a rule says otherwise (the sim library's models:
# -O2, 40 % faster simulation); ccache (make deps), so that the runtime
# (verilated.cpp) every testbench compiles again with the same flags is
# compiled once. The cache lives in $(BUILD)/ccache.
VMAKE_FLAGS := OPT_SLOW=-O0 $(if $(shell command -v ccache),OBJCACHE=ccache)
export CCACHE_DIR := $(abspath $(BUILD))/ccache

.PHONY: lint synth-check
lint: deps
	$(VERILATOR) --lint-only -Wall -I$(RTL_DIR) --top-module tatami_tile $(RTL_SRCS)

# The tile core through yosys synth_ice40 (tiny profile, so it is quick):
# keeps the RTL synthesizable by Debian's yosys 0.23.
synth-check: deps $(BUILD)/synth/tiny.json
TINY_PARAMS := -set R 4 -set C 4 -set SRAM_BYTES 4096 -set W 4 -set PROFILE 3 -set CREDITS 2 -set CNT_W 32
$(BUILD)/synth/tiny.json: $(RTL_SRCS) $(RTL_HDRS)
	@mkdir -p $(dir $@)
	yosys -q -l $(BUILD)/synth/tiny.log -p "read_verilog -sv -I$(RTL_DIR) $(RTL_SRCS); \
	  chparam $(TINY_PARAMS) tatami_tile; synth_ice40 -top tatami_tile -json $@; \
	  tee -o $(BUILD)/synth/tiny_stat.txt stat"

# Testbenches may include each other (tb_gemm_small includes tb_gemm): depend on all.
RTL_TB_FILES := $(wildcard tests/rtl/*.sv tests/rtl/*.cpp tests/rtl/*.h)
RTL_TBS := $(patsubst tests/rtl/%.cpp,%,$(wildcard tests/rtl/tb_*.cpp))
RTL_TB_BINS := $(foreach t,$(RTL_TBS),$(BUILD)/rtltb/$(t)/V$(t))

# Per-testbench extra Verilator arguments: TB_VFLAGS_tb_NAME. iCE40
# primitives (SB_MAC16, SB_SPRAM256KA) come from yosys's simulation models,
# whose warnings are not ours.
YOSYS_CELLS_SIM := /usr/share/yosys/ice40/cells_sim.v
ICE40_SIM := -DTATAMI_ICE40 -DNO_ICE40_DEFAULT_ASSIGNMENTS -Wno-lint -Wno-style $(YOSYS_CELLS_SIM)
TB_VFLAGS_tb_mul8x2  := $(ICE40_SIM)
TB_VFLAGS_tb_gemm_en := $(ICE40_SIM)
TB_VFLAGS_tb_gemm1p  := $(ICE40_SIM)
TB_VFLAGS_tb_sram1p  := $(ICE40_SIM)

# The floating-point testbenches (tb_fp_*) compare the RTL with the C
# reference host/src/numerics.c: its object, compiled as C11 by host/host.mk,
# is linked into the testbench (the driver includes numerics.h in extern "C").
FP_TBS := $(filter tb_fp_%,$(RTL_TBS))
NUMERICS_OBJ := $(BUILD)/obj/host/numerics.o
$(foreach t,$(FP_TBS),$(eval TB_VFLAGS_$(t) := -CFLAGS -I$(CURDIR)/host/src -LDFLAGS $(abspath $(NUMERICS_OBJ))))
$(foreach t,$(FP_TBS),$(eval $(BUILD)/rtltb/$(t)/V$(t): $(NUMERICS_OBJ)))

define RTL_TB_RULE
$(BUILD)/rtltb/$(1)/V$(1): tests/rtl/$(1).sv tests/rtl/$(1).cpp $(RTL_TB_FILES) $(RTL_SRCS) $(RTL_HDRS) | deps
	@mkdir -p $$(dir $$@)
	$(VERILATOR) --cc --exe --build -j $(JOBS) -O3 $(VFLAGS_COMMON) -Itests/rtl \
	  --top-module $(1) --Mdir $$(dir $$@) -o V$(1) $$(TB_VFLAGS_$(1)) \
	  -CFLAGS "-std=c++17" -MAKEFLAGS "$(VMAKE_FLAGS)" $(addprefix $(CURDIR)/,$(RTL_SRCS)) $(CURDIR)/tests/rtl/$(1).sv $(CURDIR)/tests/rtl/$(1).cpp >$$(dir $$@)build.log 2>&1 \
	  || { cat $$(dir $$@)build.log; exit 1; }
endef
$(foreach t,$(RTL_TBS),$(eval $(call RTL_TB_RULE,$(t))))

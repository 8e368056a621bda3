# boards/: tatami on iCE40 boards (docs/boards.md).
#   make bitstream BOARD=icebreaker|hx8k   yosys -> nextpnr-ice40 -> icepack: $(BUILD)/<board>/<board>.bin
#   make report    BOARD=...               utilisation, Fmax (nextpnr and icetime), GMAC/s:
#                                          prints and writes $(BUILD)/<board>/report.json
#   make prog      BOARD=...               iceprog (SPI flash);  make prog-sram: iceprog -S (SRAM)
#   make board-check                       both bitstreams; fails unless both fit and meet
#                                          timing on both timers (tests/run.sh runs it)
#   make board-lint                        verilator -Wall on both board tops
# Build parameters: BAUD=... (default 6000000 on both boards; must divide the board's clock,
# >= 3 clocks/bit), CLOCK_HZ=... (the iCEBreaker's tile clock: 30000000 (default) or 36000000;
# the HX8K's is 36 MHz), BOARD_PARAMS="NAME=VALUE ..." (tile parameters of the board top, e.g.
# "R=2 C=2"; applies to every board built), BOARD_PARAMS_<board> (one board only), SEED=...
# (nextpnr seed).
#
# Variables for the simulations of the board tops (the virtual board, gate-level simulation):
#   BOARD_SIM_SRCS_<board>   every source to verilate <board>_top (RTL), relative to the top dir
#   BOARD_SIM_VFLAGS         Verilator flags those need
#   BOARD_DEV_PARAMS_<board> temporary Verilator -G overrides until the board memory/DSP land
#   BOARD_CLOCK_HZ_<board>, BOARD_BAUD_<board>
#   BOARD_NETLIST_<board>    yosys write_verilog of the synthesis that made the bitstream
#   ICE40_CELLS_SIM          yosys's ice40 cells_sim.v without SB_PLL40_PAD/_CORE (our models,
#                            boards/common/sb_pll40_pad_sim.v, replace them)

BOARDS := icebreaker hx8k
# Variants: another board's top built with other tile parameters (make bitstream
# BOARD=icebreaker-fp). Not in board-check (make board-check-variants builds them; make
# test-long checks them).
#   icebreaker-fp: the iCEBreaker with the serial GEMM unit instead of the int8 array
#                  (int8 and BF16 GEMMs one MAC at a time, flags, seed: protocol 1.1 without
#                  VEC, RUN, CFloat8; docs/boards.md "The FP variant")
BOARD_VARIANTS := icebreaker-fp
BOARD_TOP_icebreaker-fp := icebreaker
BOARD_VARIANT_PARAMS_icebreaker-fp := FPU=1 R=1 C=1
board_top = $(or $(BOARD_TOP_$(1)),$(1))
BOARD  ?= icebreaker
YOSYS_ICE40_SHARE ?= $(shell yosys-config --datdir 2>/dev/null || echo /usr/share/yosys)/ice40
BOARD_COMMON_SRCS := boards/common/tatami_board_reset.sv

# ------------------------------------------------------------ simulation interface
ICE40_CELLS_SIM := $(BUILD)/ice40/cells_sim_nopll.v
$(ICE40_CELLS_SIM): $(YOSYS_ICE40_SHARE)/cells_sim.v boards/boards.mk
	@mkdir -p $(dir $@)
	awk 'function flush() { printf "%s", held; held = "" } \
	     /^\(\*.*\*\)[ \t]*$$/ && !skip { held = held $$0 "\n"; next } \
	     /^module SB_PLL40_(PAD|CORE)[ \t(]/ { skip = 1; held = ""; next } \
	     skip { if ($$0 ~ /^endmodule/) skip = 0; next } \
	     { flush(); print } END { flush() }' $< > $@.tmp
	@grep -qE '^module SB_PLL40_(PAD|CORE)' $@.tmp && { echo "cells_sim: PLL not removed"; exit 1; } || true
	@grep -q '^module SB_PLL40_2_PAD' $@.tmp || { echo "cells_sim: stripped too much"; exit 1; }
	@# unchanged content keeps its date: editing boards.mk does not rebuild every model
	@if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv $@.tmp $@; fi

BOARD_SIM_SRCS_icebreaker := $(RTL_SRCS) $(BOARD_COMMON_SRCS) boards/icebreaker/icebreaker_top.sv \
                             boards/common/sb_pll40_pad_sim.v $(ICE40_CELLS_SIM)
BOARD_SIM_SRCS_hx8k       := $(RTL_SRCS) $(BOARD_COMMON_SRCS) boards/hx8k/hx8k_top.sv \
                             boards/common/sb_pll40_pad_sim.v $(ICE40_CELLS_SIM)
# cells_sim.v is Verilog-2005 written for yosys/iverilog: these silence what Verilator says of it.
BOARD_SIM_VFLAGS := -DTATAMI_ICE40 -DNO_ICE40_DEFAULT_ASSIGNMENTS -I$(RTL_DIR) \
                    -Wno-fatal -Wno-lint -Wno-style -Wno-MULTIDRIVEN -Wno-COMBDLY \
                    -Wno-TIMESCALEMOD -Wno-PINMISSING -Wno-IMPLICIT
# Verilator -G overrides for the board models (for experiments only: empty, so the
# simulated boards run exactly the RTL that is flashed).
BOARD_DEV_PARAMS_icebreaker ?=
BOARD_DEV_PARAMS_hx8k       ?=
BOARD_CLOCK_HZ_icebreaker := $(if $(CLOCK_HZ),$(CLOCK_HZ),30000000)
BOARD_CLOCK_HZ_hx8k       := 36000000
BOARD_BAUD_icebreaker := $(if $(BAUD),$(BAUD),6000000)
BOARD_BAUD_hx8k       := $(if $(BAUD),$(BAUD),6000000)
BOARD_NETLIST_icebreaker := $(BUILD)/icebreaker/icebreaker_top_syn.v
BOARD_NETLIST_hx8k       := $(BUILD)/hx8k/hx8k_top_syn.v
BOARD_SIM_SRCS_icebreaker-fp := $(BOARD_SIM_SRCS_icebreaker)
BOARD_DEV_PARAMS_icebreaker-fp ?=
BOARD_CLOCK_HZ_icebreaker-fp := $(BOARD_CLOCK_HZ_icebreaker)
BOARD_BAUD_icebreaker-fp     := $(BOARD_BAUD_icebreaker)
BOARD_NETLIST_icebreaker-fp  := $(BUILD)/icebreaker-fp/icebreaker-fp_top_syn.v

# ------------------------------------------------------------ implementation
BOARD_NEXTPNR_icebreaker := --up5k --package sg48
BOARD_NEXTPNR_hx8k       := --hx8k --package ct256
BOARD_ICETIME_icebreaker := -d up5k -P sg48
BOARD_ICETIME_hx8k       := -d hx8k -P ct256
BOARD_NEXTPNR_icebreaker-fp := $(BOARD_NEXTPNR_icebreaker)
BOARD_ICETIME_icebreaker-fp := $(BOARD_ICETIME_icebreaker)
# the timing target (nextpnr --freq, icetime -c) in MHz: the clock, in whole MHz
BOARD_FREQ_MHZ_icebreaker := $(patsubst %000000,%,$(BOARD_CLOCK_HZ_icebreaker))
BOARD_FREQ_MHZ_hx8k       := $(patsubst %000000,%,$(BOARD_CLOCK_HZ_hx8k))
BOARD_FREQ_MHZ_icebreaker-fp := $(BOARD_FREQ_MHZ_icebreaker)
SEED ?= 1
NICE ?= nice -n 10

# tile parameters for the report (MACs per cycle = R*C), before overrides
BOARD_RC_icebreaker := R=4 C=4
BOARD_RC_hx8k       := R=2 C=2
BOARD_RC_icebreaker-fp := R=1 C=1

# The clock is a parameter of the iCEBreaker top (its PLL settings follow it); the
# HX8K top's is fixed at 36 MHz.
BOARD_CLOCK_PARAM_icebreaker := CLOCK_HZ=$(BOARD_CLOCK_HZ_icebreaker)
BOARD_CLOCK_PARAM_hx8k       :=
BOARD_CLOCK_PARAM_icebreaker-fp := $(BOARD_CLOCK_PARAM_icebreaker)

# $(1) = board. Parameters for yosys: "chparam -set NAME VALUE ..."
board_params = BAUD=$(BOARD_BAUD_$(1)) $(BOARD_CLOCK_PARAM_$(1)) $(BOARD_VARIANT_PARAMS_$(1)) \
               $(BOARD_PARAMS) $(BOARD_PARAMS_$(1))
board_chparam = $(foreach p,$(call board_params,$(1)),-set $(subst =, ,$(p)))

define BOARD_RULES
# the parameter set is a file, rewritten only when it changes: a new BAUD or
# BOARD_PARAMS rebuilds, an unchanged one does not
$(BUILD)/$(1)/params.txt: FORCE_BOARD_PARAMS
	@mkdir -p $$(dir $$@)
	@echo '$(call board_params,$(1))' | cmp -s - $$@ || echo '$(call board_params,$(1))' > $$@

$(BUILD)/$(1)/$(1)_top.json: $$(RTL_SRCS) $$(RTL_HDRS) $(BOARD_COMMON_SRCS) boards/$(call board_top,$(1))/$(call board_top,$(1))_top.sv \
                             $(BUILD)/$(1)/params.txt | deps
	@mkdir -p $$(dir $$@)
	@echo "yosys: $(1) ($$$$(cat $(BUILD)/$(1)/params.txt)), log $(BUILD)/$(1)/yosys.log"
	@cd $(BUILD)/$(1) && rm -f $(1)_top.json $(1)_top_syn.v yosys_stat.json yosys_stat.txt nextpnr.json \
	  nextpnr.log $(1).asc $(1).bin icetime.txt icetime.log report.json
	$(NICE) yosys -q -l $(BUILD)/$(1)/yosys.log -p "read_verilog -sv -DTATAMI_ICE40 -I$(RTL_DIR) \
	  $$(RTL_SRCS) $(BOARD_COMMON_SRCS) boards/$(call board_top,$(1))/$(call board_top,$(1))_top.sv; \
	  chparam $(call board_chparam,$(1)) $(call board_top,$(1))_top; \
	  synth_ice40 -top $(call board_top,$(1))_top -json $$@; \
	  write_verilog -noattr $(BUILD)/$(1)/$(1)_top_syn.v; \
	  tee -q -o $(BUILD)/$(1)/yosys_stat.json stat -json; tee -q -o $(BUILD)/$(1)/yosys_stat.txt stat"

$(BUILD)/$(1)/$(1)_top_syn.v: $(BUILD)/$(1)/$(1)_top.json

# nextpnr: --timing-allow-fail so that a slow design still gets its numbers; the
# report (and board-check) judges the timing. A design that does not fit fails here.
$(BUILD)/$(1)/$(1).asc: $(BUILD)/$(1)/$(1)_top.json boards/$(call board_top,$(1))/$(call board_top,$(1)).pcf
	@echo "nextpnr-ice40: $(1), log $(BUILD)/$(1)/nextpnr.log"
	@cd $(BUILD)/$(1) && rm -f nextpnr.json nextpnr.log icetime.txt icetime.log report.json $(1).asc $(1).bin
	$(NICE) nextpnr-ice40 $(BOARD_NEXTPNR_$(1)) --pcf boards/$(call board_top,$(1))/$(call board_top,$(1)).pcf --json $$< \
	  --freq $(BOARD_FREQ_MHZ_$(1)) --seed $(SEED) --threads 1 --timing-allow-fail \
	  --report $(BUILD)/$(1)/nextpnr.json --asc $$@.tmp -l $(BUILD)/$(1)/nextpnr.log -q \
	  || { grep -iE 'error|unable|not enough|too many' $(BUILD)/$(1)/nextpnr.log | tail -5; exit 1; }
	mv $$@.tmp $$@

$(BUILD)/$(1)/icetime.txt: $(BUILD)/$(1)/$(1).asc boards/$(call board_top,$(1))/$(call board_top,$(1)).pcf
	$(NICE) icetime $(BOARD_ICETIME_$(1)) -p boards/$(call board_top,$(1))/$(call board_top,$(1)).pcf -t -m -c $(BOARD_FREQ_MHZ_$(1)) \
	  -r $$@.tmp $$< >$(BUILD)/$(1)/icetime.log 2>&1 || true
	@grep -q 'Total path delay' $$@.tmp || { cat $(BUILD)/$(1)/icetime.log; exit 1; }
	mv $$@.tmp $$@

$(BUILD)/$(1)/$(1).bin: $(BUILD)/$(1)/$(1).asc
	icepack $$< $$@

.PHONY: bitstream-$(1) report-$(1) check-$(1)
bitstream-$(1): $(BUILD)/$(1)/$(1).bin $(BUILD)/$(1)/icetime.txt

# report: also after a failed place and route (it then says so, from yosys's numbers)
report-$(1): | deps
	-@$$(MAKE) --no-print-directory BUILD=$(BUILD) bitstream-$(1)
	@python3 boards/common/report.py --board $(1) --dir $(BUILD)/$(1) \
	  --target-mhz $(BOARD_FREQ_MHZ_$(1)) $(BOARD_RC_$(1)) $(BOARD_VARIANT_PARAMS_$(1)) $(BOARD_PARAMS) $(BOARD_PARAMS_$(1)) \
	  --baud $(BOARD_BAUD_$(1)) --clock-hz $(BOARD_CLOCK_HZ_$(1))

check-$(1): | deps
	-@$$(MAKE) --no-print-directory BUILD=$(BUILD) bitstream-$(1)
	@python3 boards/common/report.py --board $(1) --dir $(BUILD)/$(1) --check \
	  --target-mhz $(BOARD_FREQ_MHZ_$(1)) $(BOARD_RC_$(1)) $(BOARD_VARIANT_PARAMS_$(1)) $(BOARD_PARAMS) $(BOARD_PARAMS_$(1)) \
	  --baud $(BOARD_BAUD_$(1)) --clock-hz $(BOARD_CLOCK_HZ_$(1))
endef
$(foreach b,$(BOARDS) $(BOARD_VARIANTS),$(eval $(call BOARD_RULES,$(b))))

# Where the logic goes: the same synthesis without flattening, cells per module
# (SB_LUT4, SB_CARRY, flops, RAM, DSP) in $(BUILD)/<board>/area.txt. Estimates only:
# flattening lets yosys optimise across modules.
.PHONY: area
area: $(BUILD)/$(BOARD)/area.txt
	@cat $<
define BOARD_AREA_RULE
$(BUILD)/$(1)/area.txt: $$(RTL_SRCS) $$(RTL_HDRS) $(BOARD_COMMON_SRCS) boards/$(call board_top,$(1))/$(call board_top,$(1))_top.sv \
                        $(BUILD)/$(1)/params.txt boards/common/area.py | deps
	$(NICE) yosys -q -l $(BUILD)/$(1)/area.log -p "read_verilog -sv -DTATAMI_ICE40 -I$(RTL_DIR) \
	  $$(RTL_SRCS) $(BOARD_COMMON_SRCS) boards/$(call board_top,$(1))/$(call board_top,$(1))_top.sv; \
	  chparam $(call board_chparam,$(1)) $(call board_top,$(1))_top; synth_ice40 -noflatten -top $(call board_top,$(1))_top; \
	  tee -q -o $(BUILD)/$(1)/area_stat.json stat -json"
	python3 boards/common/area.py $(BUILD)/$(1)/area_stat.json > $$@
endef
$(foreach b,$(BOARDS) $(BOARD_VARIANTS),$(eval $(call BOARD_AREA_RULE,$(b))))

.PHONY: FORCE_BOARD_PARAMS bitstream report prog prog-sram board-check board-check-variants board-lint boards-sim-cells
FORCE_BOARD_PARAMS:

bitstream: bitstream-$(BOARD)
report: report-$(BOARD)
prog: bitstream-$(BOARD)
	iceprog $(BUILD)/$(BOARD)/$(BOARD).bin
prog-sram: bitstream-$(BOARD)
	iceprog -S $(BUILD)/$(BOARD)/$(BOARD).bin

# Both boards, each must fit and meet its clock target on nextpnr's and icetime's timing.
board-check:
	@rc=0; for b in $(BOARDS); do \
	  $(MAKE) --no-print-directory BUILD=$(BUILD) check-$$b || rc=1; done; exit $$rc

board-check-variants:
	@rc=0; for b in $(BOARD_VARIANTS); do \
	  $(MAKE) --no-print-directory BUILD=$(BUILD) check-$$b || rc=1; done; exit $$rc

# -Wall lint of the board tops and the variants (RTL + board files, with the dev overrides); cells_sim.v's
# warnings are off for that file only (boards/common/cells_sim.vlt).
board-lint: $(ICE40_CELLS_SIM) | deps
	@rc=0; $(foreach b,$(BOARDS),echo "lint $(b)_top $(BOARD_DEV_PARAMS_$(b))"; \
	  $(VERILATOR) --lint-only -Wall --timescale 1ps/1ps \
	  -DTATAMI_ICE40 -DNO_ICE40_DEFAULT_ASSIGNMENTS -I$(RTL_DIR) --top-module $(b)_top \
	  $(BOARD_DEV_PARAMS_$(b)) boards/common/cells_sim.vlt $(RTL_SRCS) $(BOARD_COMMON_SRCS) \
	  boards/$(b)/$(b)_top.sv boards/common/sb_pll40_pad_sim.v $(ICE40_CELLS_SIM) || rc=1;) \
	$(foreach v,$(BOARD_VARIANTS),echo "lint $(v) ($(call board_top,$(v))_top $(BOARD_VARIANT_PARAMS_$(v)))"; \
	  $(VERILATOR) --lint-only -Wall --timescale 1ps/1ps \
	  -DTATAMI_ICE40 -DNO_ICE40_DEFAULT_ASSIGNMENTS -I$(RTL_DIR) --top-module $(call board_top,$(v))_top \
	  $(foreach p,$(BOARD_VARIANT_PARAMS_$(v)),-G$(p)) boards/common/cells_sim.vlt $(RTL_SRCS) $(BOARD_COMMON_SRCS) \
	  boards/$(call board_top,$(v))/$(call board_top,$(v))_top.sv boards/common/sb_pll40_pad_sim.v $(ICE40_CELLS_SIM) || rc=1;) exit $$rc

# The UART PHY on the board top, RTL and gate level: icebreaker_top with LOOPBACK=1 (an
# echo, no tile) at the board's clock and baud, verilated from BOARD_SIM_SRCS_icebreaker and
# from the netlist of its own yosys synth_ice40 run (+ ICE40_CELLS_SIM + the PLL model);
# boards/common/tb_board_echo.cpp drives the pins at CLOCK_HZ / BAUD clocks per bit and
# checks both the same way.
BOARD_ECHO_DIR    := $(BUILD)/boards-echo
BOARD_ECHO_TB     := boards/common/tb_board_echo.cpp
BOARD_ECHO_PARAMS := LOOPBACK=1 BAUD=$(BOARD_BAUD_icebreaker) CLOCK_HZ=$(BOARD_CLOCK_HZ_icebreaker)
BOARD_ECHO_TBDEFS := -DTB_CLOCK_HZ=$(BOARD_CLOCK_HZ_icebreaker) -DTB_BAUD=$(BOARD_BAUD_icebreaker)
# rewritten only when the parameters change (as params.txt above)
$(BOARD_ECHO_DIR)/params.txt: FORCE_BOARD_PARAMS
	@mkdir -p $(dir $@)
	@echo '$(BOARD_ECHO_PARAMS)' | cmp -s - $@ || echo '$(BOARD_ECHO_PARAMS)' > $@
$(BOARD_ECHO_DIR)/icebreaker_echo_syn.v: $(RTL_SRCS) $(RTL_HDRS) $(BOARD_COMMON_SRCS) \
                                         boards/icebreaker/icebreaker_top.sv $(BOARD_ECHO_DIR)/params.txt | deps
	@mkdir -p $(dir $@)
	$(NICE) yosys -q -l $(BOARD_ECHO_DIR)/yosys.log -p "read_verilog -sv -DTATAMI_ICE40 -I$(RTL_DIR) \
	  $(RTL_SRCS) $(BOARD_COMMON_SRCS) boards/icebreaker/icebreaker_top.sv; \
	  chparam $(foreach p,$(BOARD_ECHO_PARAMS),-set $(subst =, ,$(p))) icebreaker_top; \
	  synth_ice40 -top icebreaker_top; write_verilog -noattr $@"

# $(1) rtl|gate, $(2) sources, $(3) extra flags
define BOARD_ECHO_RULE
$(BOARD_ECHO_DIR)/$(1)/Vicebreaker_top: $(2) $(BOARD_ECHO_TB) boards/boards.mk $(BOARD_ECHO_DIR)/params.txt | deps
	@mkdir -p $$(dir $$@)
	@# the testbench's object: its -D flags may have changed, which its own make does not see
	@rm -f $$(dir $$@)tb_board_echo.o
	$(NICE) $(VERILATOR) --cc --exe --build -j $(JOBS) -O1 $(BOARD_SIM_VFLAGS) $(3) \
	  --top-module icebreaker_top --Mdir $$(dir $$@) -o Vicebreaker_top -CFLAGS "-O1 $(BOARD_ECHO_TBDEFS)" -MAKEFLAGS "$(VMAKE_FLAGS)" \
	  $$(abspath $(2) $(BOARD_ECHO_TB)) >$$(dir $$@)build.log 2>&1 || { tail -30 $$(dir $$@)build.log; exit 1; }
endef
$(eval $(call BOARD_ECHO_RULE,rtl,$(BOARD_SIM_SRCS_icebreaker),$(foreach p,$(BOARD_ECHO_PARAMS),-G$(p))))
$(eval $(call BOARD_ECHO_RULE,gate,$(BOARD_ECHO_DIR)/icebreaker_echo_syn.v boards/common/sb_pll40_pad_sim.v $(ICE40_CELLS_SIM),))

.PHONY: board-echo
board-echo: $(BOARD_ECHO_DIR)/rtl/Vicebreaker_top $(BOARD_ECHO_DIR)/gate/Vicebreaker_top
	$(BOARD_ECHO_DIR)/rtl/Vicebreaker_top
	$(BOARD_ECHO_DIR)/gate/Vicebreaker_top

# sim/: the tile built by Verilator into libtatami, behind sim/tatami_sim.h.
# Each profile is a Verilator model with its own class prefix (Vtile_<profile>).

SIM_PROFILES := sim tiny icebreaker icebreaker_fp
SIM_PARAMS_sim  := -GR=16 -GC=16 -GSRAM_BYTES=1048576 -GW=32 -GPROFILE=0 -GFP=1\'b1 -GCREDITS=4 -GCNT_W=64
SIM_PARAMS_tiny := -GR=4 -GC=4 -GSRAM_BYTES=65536 -GW=4 -GPROFILE=3 -GCREDITS=2 -GCNT_W=64
# The iCEBreaker board's tile (boards/icebreaker/icebreaker_top.sv) at the tile
# level: the same RTL with the SPRAM memory and SB_MAC16 products, simulated on
# yosys's models of the iCE40 primitives. Its clock is the board's 30 MHz
# (BOARD_CLOCK_HZ_icebreaker in boards/boards.mk, the default of icebreaker_top).
SIM_PARAMS_icebreaker := -GR=4 -GC=4 -GSRAM_BYTES=131072 -GW=4 -GPROFILE=1 -GCREDITS=4 -GCNT_W=32 \
                         -GCLOCK_HZ=30000000 -GMEM=1 -GDSP=1 -GDW=18 -GENGINE=1 -GPL_SKID=1 -GRX_TIMEOUT=4096
SIM_EXTRA_icebreaker := $(ICE40_SIM)
# The iCEBreaker FP variant (boards.mk BOARD=icebreaker-fp; URI sim:profile=icebreaker-fp):
# the board tile with the serial GEMM unit (FPU=1: int8 and BF16 GEMMs one MAC at a time,
# flags, seed; no VEC, RUN, CFloat8) in place of the int8 array (R=C=1).
SIM_PARAMS_icebreaker_fp := -GR=1 -GC=1 -GSRAM_BYTES=131072 -GW=4 -GPROFILE=1 -GCREDITS=4 -GCNT_W=32 \
                         -GCLOCK_HZ=30000000 -GMEM=1 -GDSP=1 -GDW=18 -GENGINE=1 -GPL_SKID=1 -GRX_TIMEOUT=4096 \
                         -GFPU=1\'b1
SIM_EXTRA_icebreaker_fp := $(ICE40_SIM)

VERILATOR_ROOT ?= /usr/share/verilator
# Verilator's own headers are not warning-clean: include them as system headers.
VINC := -isystem $(VERILATOR_ROOT)/include -isystem $(VERILATOR_ROOT)/include/vltstd
SIM_CXXFLAGS := -std=c++17 -O2 -g -fPIC -Wall -Wextra -Werror -Isim $(VINC) \
                $(foreach p,$(SIM_PROFILES),-isystem $(BUILD)/vobj/$(p))

SIM_MODEL_LIBS := $(foreach p,$(SIM_PROFILES),$(BUILD)/vobj/$(p)/Vtile_$(p)__ALL.a)
SIM_VERILATED  := $(BUILD)/vobj/rt/libverilated.a
SIM_OBJ        := $(BUILD)/obj/sim/tatami_sim.o
SIM_LDLIBS     := -lz -pthread -lstdc++ -lm

define SIM_MODEL_RULE
$(BUILD)/vobj/$(1)/Vtile_$(1)__ALL.a: $(RTL_SRCS) $(RTL_HDRS) sim/sim.mk | deps
	@mkdir -p $(BUILD)/vobj/$(1)
	$(VERILATOR) --cc --build -j $(JOBS) -O3 --trace-fst $(VFLAGS_COMMON) -Wno-lint -Wno-style \
	  --top-module tatami_tile --prefix Vtile_$(1) $(SIM_PARAMS_$(1)) $(SIM_EXTRA_$(1)) --Mdir $(BUILD)/vobj/$(1) \
	  -CFLAGS "-fPIC -std=c++17" -MAKEFLAGS "$(VMAKE_FLAGS) OPT_FAST=-O2" $(RTL_SRCS) >$(BUILD)/vobj/$(1)/build.log 2>&1 \
	  || { cat $(BUILD)/vobj/$(1)/build.log; exit 1; }
	@touch $(BUILD)/vobj/$(1)/Vtile_$(1)__ALL.a
endef
$(foreach p,$(SIM_PROFILES),$(eval $(call SIM_MODEL_RULE,$(p))))

$(SIM_OBJ): sim/tatami_sim.cpp sim/tatami_sim.h $(SIM_MODEL_LIBS)
	@mkdir -p $(dir $@)
	g++ $(SIM_CXXFLAGS) -c $< -o $@

# The Verilator runtime (without --exe, verilator --build makes only the model).
VRT_SRCS := verilated verilated_fst_c verilated_threads
VRT_OBJS := $(foreach f,$(VRT_SRCS),$(BUILD)/vobj/rt/$(f).o)
$(BUILD)/vobj/rt/%.o: $(VERILATOR_ROOT)/include/%.cpp | deps
	@mkdir -p $(dir $@)
	g++ -std=c++17 -O2 -fPIC -DVM_TRACE=1 -DVM_TRACE_FST=1 -DVM_TRACE_VCD=0 $(VINC) -c $< -o $@
$(SIM_VERILATED): $(VRT_OBJS)
	rm -f $@ && ar rcs $@ $^

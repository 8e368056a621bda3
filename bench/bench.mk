# Simulator speed: the same RTL and the same command bytes under Verilator
# (libtatami's sim model) and Icarus Verilog. 'make bench-simspeed'.
BENCH_SHAPE ?= 32 32 32
ICARUS_MAX_CYCLES ?= 0
.PHONY: bench-simspeed
$(BUILD)/bench/sim_speed: bench/sim_speed.c $(LIBTATAMI_A)
	@mkdir -p $(dir $@)
	$(CC) $(CSTD_FLAGS) -O2 -Isim $< -o $@ $(LIBTATAMI_A) $(LIB_LDLIBS)
$(BUILD)/bench/icarus.vvp: bench/icarus_tb.sv $(RTL_SRCS) $(RTL_HDRS)
	@mkdir -p $(dir $@)
	iverilog -g2012 -I$(RTL_DIR) -s icarus_tb -o $@ bench/icarus_tb.sv $(RTL_SRCS) 2>$(BUILD)/bench/iverilog.log \
	  || { cat $(BUILD)/bench/iverilog.log; exit 1; }
bench-simspeed: all $(BUILD)/bench/sim_speed $(BUILD)/bench/icarus.vvp
	python3 bench/gen_stream.py $(BENCH_SHAPE) $(BUILD)/bench/stream.hex
	$(BUILD)/bench/sim_speed $(BUILD)/bench/stream.hex
	@t0=$$(date +%s.%N); vvp -n $(BUILD)/bench/icarus.vvp +stream=$(BUILD)/bench/stream.hex +max_cycles=$(ICARUS_MAX_CYCLES) | grep icarus; \
	  t1=$$(date +%s.%N); awk -v a=$$t0 -v b=$$t1 'BEGIN { printf "icarus: seconds=%.3f\n", b - a }'

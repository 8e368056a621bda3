# tests/: C unit and end-to-end tests (cmocka), their sanitizer builds, fuzzers.
#   tests/c/test_*.c     cmocka programs -> $(BUILD)/tests/test_*      (and ASan+UBSan: $(BUILD)/tests-san/)
#   tests/fuzz/fuzz_*.c  libFuzzer targets built with clang -> $(BUILD)/fuzz/fuzz_*
#   tests/sh/*.sh        shell checks, run by tests/run.sh
#   tests/rtl/tb_*       Verilator testbenches (rtl/rtl.mk)

TEST_SRCS := $(sort $(wildcard tests/c/test_*.c))
TEST_BINS := $(patsubst tests/c/%.c,$(BUILD)/tests/%,$(TEST_SRCS))
TEST_SAN_BINS := $(patsubst tests/c/%.c,$(BUILD)/tests-san/%,$(TEST_SRCS))
TEST_CFLAGS := $(CSTD_FLAGS) -O1 -g -Ihost/include -Ihost/src -Isim -Itests/c

SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
SAN_OBJS  := $(patsubst host/src/%.c,$(BUILD)/san/host/%.o,$(HOST_SRCS))
TEST_HELPERS := $(wildcard tests/c/*.h)

$(BUILD)/san/host/%.o: host/src/%.c $(HOST_HDRS) | deps
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) $(SAN_FLAGS) -c $< -o $@

$(BUILD)/tests/%: tests/c/%.c $(TEST_HELPERS) $(LIBTATAMI_A)
	@mkdir -p $(dir $@)
	$(CC) $(TEST_CFLAGS) $< -o $@ $(LIBTATAMI_A) -lcmocka $(LIB_LDLIBS)

$(BUILD)/tests-san/%: tests/c/%.c $(TEST_HELPERS) $(SAN_OBJS) $(SIM_OBJ) $(SIM_MODEL_LIBS)
	@mkdir -p $(dir $@)
	$(CC) $(TEST_CFLAGS) $(SAN_FLAGS) $< -o $@ $(SAN_OBJS) $(SIM_OBJ) $(SIM_MODEL_LIBS) $(SIM_VERILATED) \
	  -lcmocka $(LIB_LDLIBS)

FUZZ_SRCS := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BINS := $(patsubst tests/fuzz/%.c,$(BUILD)/fuzz/%,$(FUZZ_SRCS))
# The fuzzers exercise the host's protocol code only (no simulator).
FUZZ_DEPS := host/src/proto.c host/src/link.c

$(BUILD)/fuzz/%: tests/fuzz/%.c $(FUZZ_DEPS) $(HOST_HDRS) | deps
	@mkdir -p $(dir $@)
	clang -std=c11 -g -O1 -fsanitize=fuzzer,address,undefined -Ihost/include -Ihost/src \
	  $< $(FUZZ_DEPS) -o $@

.PHONY: test-build
test-build: $(RTL_TB_BINS) $(TEST_BINS) $(TEST_SAN_BINS) $(FUZZ_BINS) synth-check

# Keep the sanitizer objects (make would delete them as intermediates).
.SECONDARY: $(SAN_OBJS)

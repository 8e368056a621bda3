# examples/: the training example (tatami train), linked into the tatami CLI.
# hello_gemm.c stays a stand-alone program built against an installed libtatami.

TRAIN_SRCS   := $(sort $(wildcard examples/train*.c))
TRAIN_OBJS   := $(patsubst examples/%.c,$(BUILD)/obj/examples/%.o,$(TRAIN_SRCS))
TRAIN_CFLAGS := $(CSTD_FLAGS) -O2 -g -Ihost/include -Ihost/src -Iexamples
# train_host.c uses the spec's numerics from libtatami (host/src/numerics.h).
CLI_EXTRA_OBJS   := $(TRAIN_OBJS)
CLI_EXTRA_LDLIBS := -lm
$(TATAMI_CLI): $(TRAIN_OBJS)

$(BUILD)/obj/examples/%.o: examples/%.c examples/train.h $(HOST_HDRS) | deps
	@mkdir -p $(dir $@)
	$(CC) $(TRAIN_CFLAGS) -c $< -o $@

# The device trainer needs the 1.1 float API, which host/include/tatami.h
# declares before every backend implements it: while the library does not
# define all of these, train_dev.c is still compiled (for its errors) but built
# as a stub that says so (TRAIN_HAVE_API=0), and the rest of tatami train works.
TRAIN_API_SYMS := tatami_gemm tatami_bias_add tatami_relu tatami_relu_backward tatami_row_sum \
                  tatami_sgd tatami_seed tatami_clear_flags tatami_get_flags tatami_sync \
                  tatami_program_begin tatami_program_end tatami_program_run \
                  tatami_program_free tatami_tensor_param
$(BUILD)/obj/examples/train_dev.o: examples/train_dev.c examples/train.h $(HOST_HDRS) $(LIBTATAMI_A)
	@mkdir -p $(dir $@)
	@defined=$$(nm -g --defined-only $(LIBTATAMI_A) 2>/dev/null | awk 'NF == 3 {print $$3}' | sort -u); \
	api=1; missing=; \
	for s in $(TRAIN_API_SYMS); do grep -qx "$$s" <<< "$$defined" || { api=0; missing="$$missing $$s"; }; done; \
	if [ $$api = 0 ]; then \
	  echo "examples: libtatami does not define$$missing: tatami train is built without its device trainer"; \
	  $(CC) $(TRAIN_CFLAGS) -DTRAIN_HAVE_API=1 -fsyntax-only $< || exit 1; \
	fi; \
	echo "$(CC) $(TRAIN_CFLAGS) -DTRAIN_HAVE_API=$$api -c $< -o $@"; \
	$(CC) $(TRAIN_CFLAGS) -DTRAIN_HAVE_API=$$api -c $< -o $@

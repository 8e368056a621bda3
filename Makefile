# tatami: top-level build. Two commands matter:
#   make demo   installs what is missing (apt-get), builds, runs a GEMM on the simulated tile
#   make test   builds and runs every test; the last line is "N passed, N failed"
# Other targets: all, lint, bench, test-long, install PREFIX=..., clean.

SHELL := /bin/bash
.DEFAULT_GOAL := all

PREFIX ?= /usr/local
BUILD  := build
JOBS   ?= $(shell nproc 2>/dev/null || echo 2)

# ------------------------------------------------------------------ packages
# Everything the project needs, from Debian 12. 'make deps' installs what is missing.
DEB_PACKAGES := build-essential g++ make pkg-config python3 verilator zlib1g-dev \
                yosys iverilog libcmocka-dev libusb-1.0-0-dev clang libclang-rt-14-dev \
                nextpnr-ice40 fpga-icestorm gnuplot-nox umockdev libumockdev-dev gtkwave ccache

.PHONY: deps
deps: $(BUILD)/.deps-ok
$(BUILD)/.deps-ok: Makefile
	@missing=$$(for p in $(DEB_PACKAGES); do \
	    dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; \
	  done); \
	if [ -n "$$missing" ]; then \
	  cmd="apt-get update && apt-get install -y --no-install-recommends $$(echo $$missing)"; \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "deps: installing: $$missing"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing) || exit 1; \
	  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then \
	    echo "deps: installing with sudo: $$missing"; \
	    (sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing) || exit 1; \
	  else \
	    echo "deps: missing Debian packages: $$missing"; \
	    echo "deps: run as root:  $$cmd"; \
	    exit 1; \
	  fi; \
	fi
	@mkdir -p $(BUILD) && touch $@

# ------------------------------------------------------------------ parts
include rtl/rtl.mk
include sim/sim.mk
include host/host.mk
include examples/examples.mk
include tests/tests.mk
include driver/driver.mk
-include boards/boards.mk
include bench/bench.mk
include tests/board/board.mk

.PHONY: all demo test test-long bench lint install clean

all: deps $(TATAMI_CLI) $(LIBTATAMI_A) $(LIBTATAMI_SO)

demo: all
	@echo "== tatami demo: one int8 GEMM on the simulated tile, checked against the reference =="
	$(TATAMI_CLI) info -d sim:
	$(TATAMI_CLI) gemm 64 64 64 --check -d sim:
	@echo "== training a 2-layer MLP on the simulated tile (BF16, FP32 accumulation; a few minutes) =="
	$(TATAMI_CLI) train -d sim: --steps 150

# tests/run.sh builds (all test-build) itself, after starting the bitstreams'
# place and route in the background, so that they overlap the build.
test: deps
	@TATAMI_BUILD=1 bash tests/run.sh

test-long: deps
	@TATAMI_BUILD=1 TATAMI_LONG=1 bash tests/run.sh

bench: all
	$(TATAMI_CLI) bench

clean:
	rm -rf $(BUILD)

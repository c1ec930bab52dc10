# dnpu: one build entry. `make help` lists the targets.
BUILD   ?= $(CURDIR)/build
JOBS    ?= 2
# Kernel to build the module against; default: the newest installed 6.1.
KVER    ?= $(shell ls -d /lib/modules/6.1.*/build 2>/dev/null | sort -V | tail -n 1 | cut -d/ -f4)
KDIR    ?= /lib/modules/$(KVER)/build
CMAKE_FLAGS ?=

.PHONY: all help deps userspace firmware module module-all run check bench \
	fuzz vmtest fpga install clean

all: userspace firmware

help:
	@echo "make            build everything buildable (installs dependencies first)"
	@echo "make run        the main job: train, quantize and run a model through libaccel"
	@echo "make check      all tests (unit, sanitizers, golden models, RTL, firmware, kernel)"
	@echo "make bench      benchmarks, results in bench/results/"
	@echo "make fuzz       the libFuzzer targets for longer (FUZZ_SECONDS_LONG each, default 180), RTL replay of their corpus"
	@echo "make vmtest     boot 6.1 and 6.12 in QEMU with dnpu-cosim and dnpu.ko (docs/COSIM.md)"
	@echo "make module KVER=<kernel release>   build dnpu.ko against that kernel's headers"
	@echo "make install    install libaccel, tools and firmware (DESTDIR, PREFIX)"
	@echo "make clean      remove build/"

deps:
	@tools/deps.sh

userspace: deps
	@cmake -S . -B $(BUILD)/main -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(BUILD)/main -j$(JOBS)

firmware: deps
	@if [ -f firmware/Makefile ]; then $(MAKE) -s -C firmware O=$(BUILD)/firmware && \
		$(MAKE) -s -C firmware SOFT=1 O=$(BUILD)/firmware-soft; fi

module:
	@test -n "$(KVER)" -a -d "$(KDIR)" || { echo "make module: no kernel headers for KVER='$(KVER)' (run tools/deps.sh)"; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

# The main job builds only what it runs (not the RTL testbenches).
RUN_TARGETS = train-fmnist quantize fmnist-eval accel-run

run: deps firmware
	@cmake -S . -B $(BUILD)/main -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(BUILD)/main -j$(JOBS) --target $(RUN_TARGETS)
	@echo "make run: building the RTL device model (Verilator)..."
	@cmake --build $(BUILD)/main -j$(JOBS) --target dnpu_rtl >$(BUILD)/rtl-device.log 2>&1 || \
		echo "make run: RTL device not built, see $(BUILD)/rtl-device.log (its line is skipped)"
	@tools/run.sh

check: deps
	@tests/check.sh

bench: all
	@bench/run.sh

fuzz: deps
	@tests/check.sh --fuzz-long

# QEMU co-simulation tests (also part of `make check`): docs/COSIM.md
vmtest: userspace
	@cd $(BUILD)/main && ctest -L vm --output-on-failure

fpga: firmware
	@tools/fpga/fpga-build.sh --no-fit-fail ice40 ecp5 ecp5-min && tools/fpga/fpga-build.sh --pnr-device lp8k ctrl-pnr

install: all
	@cmake --install $(BUILD)/main $(if $(PREFIX),--prefix $(PREFIX))
	@if [ -f firmware/Makefile ]; then $(MAKE) -s -C firmware O=$(BUILD)/firmware install && \
		$(MAKE) -s -C firmware SOFT=1 O=$(BUILD)/firmware-soft install; fi

clean:
	rm -rf $(BUILD)
	@if [ -n "$(KVER)" ] && [ -d "$(KDIR)" ]; then $(MAKE) -s -C $(KDIR) M=$(CURDIR) clean; fi

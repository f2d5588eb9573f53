# atoll: one non-recursive Makefile; folders add rules through their *.mk
# fragments.  Host objects go to build/ (build-san/ with SAN=1), guest
# programs to build/guest/.

SHELL := /bin/bash
.DEFAULT_GOAL := all

# Parallel by default: one job per core (a -j on the command line wins).
# Quiet by default: one line per target (scripts/make-shell.sh); V=1
# prints every command as make runs it.
ifeq ($(MAKELEVEL),0)
MAKEFLAGS += -j$(shell nproc) # sub-makes share the top one's jobserver
endif
V ?= 0
ifneq ($(V),1)
MAKEFLAGS += -s
SHELL := $(CURDIR)/scripts/make-shell.sh
.SHELLFLAGS := -c
endif

SAN ?= 0
ifeq ($(SAN),1)
BUILD ?= build-san
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
OPT := -O1 -g
else
BUILD ?= build
SANFLAGS :=
OPT := -O2 -g
endif

CC ?= gcc
CFLAGS := -std=gnu11 $(OPT) -Wall -Wextra -Werror -Wno-unused-parameter \
	-Wno-missing-field-initializers -fno-strict-aliasing -pthread \
	-Isrc -Iinclude $(SANFLAGS) $(EXTRA_CFLAGS)
LDFLAGS := -pthread $(SANFLAGS)
LDLIBS := -lfdt -lm -linih -lcjson -lslirp -luring -lmicrohttpd -lncursesw

# Guest (RISC-V) toolchain: Debian's bare-metal GCC with picolibc.
GUEST_CC := riscv64-unknown-elf-gcc
GUEST_OBJCOPY := riscv64-unknown-elf-objcopy
GUEST_CFLAGS := -march=rv64gc -mabi=lp64d -mcmodel=medany -O2 -g \
	-ffreestanding -fno-builtin -Wall -Werror -Itests/rt -Iinclude
GUEST_LDFLAGS := -nostartfiles -nostdlib -static -Wl,--no-relax -Wl,--no-warn-rwx-segments

# Every host source file outside cli/ forms the core library that tests
# link against; cli/ holds main().  The folders are listed in their layer
# order (docs/architecture.md, make deps-check); a folder not created yet
# (virtio/ until its devices land) just adds nothing.
CORE_SRC := $(sort $(wildcard src/lib/*.c src/cpu/*.c src/mem/*.c src/io/*.c \
	src/virtio/*.c src/machine/*.c src/vmm/*.c \
	src/control/*.c))
CLI_SRC := $(sort $(wildcard src/cli/*.c))
# The live page (web/*) is compiled in (scripts/embed-web.py).
WEB_FILES := $(sort $(wildcard web/*))
WEB_C := $(BUILD)/gen/web_files.c
CORE_OBJ := $(CORE_SRC:%.c=$(BUILD)/%.o) $(BUILD)/gen/web_files.o
CLI_OBJ := $(CLI_SRC:%.c=$(BUILD)/%.o)
ATOLL := $(BUILD)/atoll

all: $(ATOLL)

$(ATOLL): $(CLI_OBJ) $(BUILD)/libatoll.a
	$(CC) $(LDFLAGS) -o $@ $(CLI_OBJ) $(BUILD)/libatoll.a $(LDLIBS)

$(BUILD)/libatoll.a: $(CORE_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<

$(WEB_C): $(WEB_FILES) scripts/embed-web.py
	@mkdir -p $(dir $@)
	scripts/embed-web.py $@ $(WEB_FILES)

$(BUILD)/gen/web_files.o: $(WEB_C)
	$(CC) $(CFLAGS) -c -o $@ $<

-include $(CORE_OBJ:.o=.d) $(CLI_OBJ:.o=.d)

# Fragments: guest runtime, tests, benchmarks, Linux guest.
include tests/rt/rt.mk
-include tests/tests.mk
-include bench/bench.mk
-include tests/linux/linux.mk
-include guest/guest.mk

# After every fragment has added its programs.
guest-programs: $(GUEST_PROGRAMS)

setup:
	@scripts/setup.sh

demo: setup
	@$(MAKE) --no-print-directory all guest-programs linux-guest
	@scripts/demo.sh $(ATOLL)

demo-linux: setup
	@$(MAKE) --no-print-directory all guest-programs
	@scripts/demo-linux.sh $(ATOLL)

# Each src/ folder includes only folders below it (docs/architecture.md);
# tests/cli/deps-check.sh runs this in `make test` and shows it can fail.
deps-check:
	@scripts/deps-check.sh

# Generated test-vector tables (*_vectors.h) are data, not formatted code.
format-check:
	@clang-format --dry-run --Werror $$(git ls-files 'src/*.[ch]' \
		'include/*.h' 'tests/*.[ch]' 'bench/*.[ch]' | grep -v '_vectors\.h$$')
	@echo "format-check: ok"

clean:
	rm -rf build build-san build-fuzz

.PHONY: all setup demo demo-linux format-check deps-check clean guest-programs \
	test bench

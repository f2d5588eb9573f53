# Tests: bare-metal ISA programs (tests/isa), differential-only programs
# (tests/diff), host unit tests (tests/unit) and the `make test` runner.

ISA_LIB := tests/isa/lib.c tests/isa/lib_pt.c tests/isa/lib_entry.S
ISA_LIB_HDR := tests/isa/lib.h tests/isa/lib_asm.h

# $(call isa_prog,NAME,SOURCES[,CFLAGS]) -> $(GUEST_OUT)/NAME.elf, linked
# with the ISA test library.
define isa_prog
$(eval $(call guest_prog,$(1),$(2) $(ISA_LIB),-Itests/isa $(3)))
$(GUEST_OUT)/$(1).elf: $(ISA_LIB_HDR)
endef

# Every tests/isa/NAME.c is the program isa-NAME (with its helpers
# tests/isa/NAME_*.S), found by glob; apart from the library (lib*.c), the
# FP programs (fp_*.c, tests/isa/fp.mk) and the paging test (vm*.c, built
# twice below).
ISA_TESTS := $(filter-out lib lib_% fp_% vm vm_%,\
	$(patsubst tests/isa/%.c,%,$(sort $(wildcard tests/isa/*.c))))
$(foreach t,$(ISA_TESTS),$(eval $(call isa_prog,isa-$(t),\
	tests/isa/$(t).c $(wildcard tests/isa/$(t)_*.S))))
VM_SRC := tests/isa/vm.c tests/isa/vm_perm.c
$(eval $(call isa_prog,isa-vm39,$(VM_SRC),-DPT_LEVELS=3))
$(eval $(call isa_prog,isa-vm48,$(VM_SRC),-DPT_LEVELS=4))
$(GUEST_OUT)/isa-vm39.elf $(GUEST_OUT)/isa-vm48.elf: tests/isa/vm.h

# Differential-only programs (tests/diff/NAME.c plus its NAME_*.S helpers):
# random operands and instruction streams, transcripts compared with QEMU.
DIFF_TESTS := $(patsubst tests/diff/%.c,%,$(sort $(wildcard tests/diff/*.c)))
$(foreach t,$(DIFF_TESTS),$(eval $(call isa_prog,diff-$(t),\
	tests/diff/$(t).c $(wildcard tests/diff/$(t)_*.S))))

# The FP engineer's programs (tests/isa/fp_*.c) add themselves here.
-include tests/isa/fp.mk

include tests/unit/unit.mk

# Memory workloads for the system tests (tests/system/*.sh).
include tests/mem/workloads.mk
# Guest tests of the memory hypercalls (run by tests/system/hypercalls.sh).
include tests/mem/mem.mk
# Guest tests of grant tables and event channels (tests/system/io-pv.sh).
include tests/io/io.mk
# libFuzzer targets (clang, build-fuzz/): `make fuzz`, smoke runs in `make test`.
include tests/fuzz/fuzz.mk

# What the runner must find: every ISA program (isa-*), every diff program.
TEST_ISA_ELFS := $(filter $(GUEST_OUT)/isa-%,$(GUEST_PROGRAMS))
TEST_DIFF_ELFS := $(filter $(GUEST_OUT)/diff-%,$(GUEST_PROGRAMS))

# Everything the runner needs.  linux-guest (tests/linux/linux.mk, if
# present) builds or reuses the cached kernel of the Linux boot test.
test-build: $(ATOLL) guest-programs $(UNIT_BINS) \
	$(if $(LINUX_IMAGE),linux-guest)

# Build what can be built (-k: a broken part fails its own tests in the
# runner instead of hiding the others), then run every group.
test:
	@$(MAKE) --no-print-directory -k test-build || \
		echo "test: some targets failed to build"
	@BUILD=$(BUILD) SAN=$(SAN) TEST_ISA="$(TEST_ISA_ELFS)" \
		TEST_DIFF="$(TEST_DIFF_ELFS)" TEST_UNIT="$(UNIT_BINS)" \
		tests/run.sh

.PHONY: test test-build

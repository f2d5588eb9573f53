# Guest tests of the memory hypercalls (S-mode, run on atoll only: QEMU has
# no atoll hypercalls).  Each prints "... ok" / "FAIL ..." lines and exits
# through the test device with 0 only if every check passed.
HCALL_LIB := tests/mem/hcall_lib.c
$(eval $(call guest_prog_s,mem-hcall,tests/mem/hcall.c $(HCALL_LIB) \
	tests/mem/lib_cmdline.c))
$(eval $(call guest_prog_s,mem-balloon,tests/mem/balloon.c $(HCALL_LIB)))
$(GUEST_OUT)/mem-hcall.elf $(GUEST_OUT)/mem-balloon.elf: tests/mem/hcall_lib.h
$(GUEST_OUT)/mem-hcall.elf: tests/mem/lib_cmdline.h

# What a runner boots (each: atoll boot -m 128M ELF, exit status 0).
TEST_MEM_HCALL_ELFS := $(GUEST_OUT)/mem-hcall.elf $(GUEST_OUT)/mem-balloon.elf

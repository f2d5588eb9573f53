# Memory workloads (S-mode guests that read their parameters from
# /chosen/bootargs): memhog and isolation, used by tests/system/*.sh and by
# the memory benchmark.  tests/mem/mem.mk holds the hypercall tests.
# Included from tests/tests.mk; the guard makes a second include harmless.
ifndef MEM_WORKLOADS
MEM_WL_LIB := tests/mem/lib_cmdline.c
MEM_WL_HDR := tests/mem/lib_cmdline.h

$(eval $(call guest_prog_s,mem-memhog,tests/mem/memhog.c $(MEM_WL_LIB),-Itests/mem))
$(eval $(call guest_prog_s,mem-isolation,tests/mem/isolation.c $(MEM_WL_LIB),-Itests/mem))
$(GUEST_OUT)/mem-memhog.elf $(GUEST_OUT)/mem-isolation.elf: $(MEM_WL_HDR)

MEM_WORKLOADS := $(GUEST_OUT)/mem-memhog.elf $(GUEST_OUT)/mem-isolation.elf
endif

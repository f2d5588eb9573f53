# Benchmarks: guest workloads (bare-metal, run with --bios none on atoll and
# QEMU alike) and the side-by-side runner.  `make bench` runs everything;
# `make bench-callgrind` measures host instructions per guest instruction.
BENCH_CFLAGS := -Ibench -fno-tree-loop-distribute-patterns

$(eval $(call guest_prog,bench-intloop,bench/intloop.c bench/intloop.S,$(BENCH_CFLAGS)))
$(eval $(call guest_prog,bench-mixed,bench/mixed.c bench/mixed_kern.c,$(BENCH_CFLAGS)))
$(eval $(call guest_prog,bench-tlbmiss,bench/tlbmiss.c bench/tlbmiss.S,$(BENCH_CFLAGS)))

BENCH_ELFS := $(GUEST_OUT)/bench-intloop.elf $(GUEST_OUT)/bench-mixed.elf \
	$(GUEST_OUT)/bench-tlbmiss.elf

# The memory benchmark (bench/mem_bench.c) and its guest workload.
-include bench/mem.mk
BENCH_ELFS += $(GUEST_OUT)/mem-memhog.elf

# The PV I/O benchmark: the host ring microbenchmark (bench/io.mk).
-include bench/io.mk

# The runner builds atoll itself so that a broken atoll is reported in the
# results rather than stopping make before QEMU's numbers.
bench: $(BENCH_ELFS)
	@BUILD=$(BUILD) ATOLL=$(ATOLL) bench/run.sh

# Short intloops for callgrind: two sizes, so start-up cost cancels out.
$(eval $(call guest_prog,bench-intloop-short,bench/intloop.c bench/intloop.S,$(BENCH_CFLAGS) -DINTLOOP_ITERS=1000000ULL))
$(eval $(call guest_prog,bench-intloop-long,bench/intloop.c bench/intloop.S,$(BENCH_CFLAGS) -DINTLOOP_ITERS=3000000ULL))

bench-callgrind: $(ATOLL) $(GUEST_OUT)/bench-intloop-short.elf \
		$(GUEST_OUT)/bench-intloop-long.elf
	@bench/callgrind.sh $(ATOLL) $(GUEST_OUT)/bench-intloop-short.elf \
		$(GUEST_OUT)/bench-intloop-long.elf

# The memory policy's figures (bench/policy.sh, docs/policy.md).
bench-policy: $(ATOLL) $(GUEST_OUT)/atoll-os.elf
	@BUILD=$(BUILD) ATOLL=$(ATOLL) bench/policy.sh

.PHONY: bench bench-callgrind bench-policy

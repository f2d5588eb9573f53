# Benchmarks: guest workloads (bare-metal, run with --bios none on atoll and
# QEMU alike) and the side-by-side runner.  `make bench` runs everything
# (paired runs, medians with spreads; build/bench/result.json and .txt);
# `make bench-compare A=old.json` compares two result files;
# `make bench-callgrind` measures host instructions per unit of guest work.
BENCH_CFLAGS := -Ibench -fno-tree-loop-distribute-patterns

$(eval $(call guest_prog,bench-intloop,bench/intloop.c bench/intloop.S,$(BENCH_CFLAGS)))
$(eval $(call guest_prog,bench-mixed,bench/mixed.c bench/mixed_kern.c,$(BENCH_CFLAGS)))
$(eval $(call guest_prog,bench-tlbmiss,bench/tlbmiss.c bench/tlbmiss.S,$(BENCH_CFLAGS)))
$(eval $(call guest_prog,bench-cmark,bench/cmark.c bench/cmark_kern.c,$(BENCH_CFLAGS)))

# The miss loop and the one-page control alone, for CPU-time differences.
$(eval $(call guest_prog,bench-tlbwalk,bench/tlbmiss.c bench/tlbmiss.S,$(BENCH_CFLAGS) -DTLB_NO_CONTROL))
$(eval $(call guest_prog,bench-tlbhit,bench/tlbmiss.c bench/tlbmiss.S,$(BENCH_CFLAGS) -DTLB_NO_MISS))

BENCH_ELFS := $(GUEST_OUT)/bench-intloop.elf $(GUEST_OUT)/bench-mixed.elf \
	$(GUEST_OUT)/bench-cmark.elf \
	$(GUEST_OUT)/bench-tlbmiss.elf $(GUEST_OUT)/bench-tlbwalk.elf \
	$(GUEST_OUT)/bench-tlbhit.elf $(GUEST_OUT)/bench-intloop-short.elf

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

# The same for mixed and cmark (1,000 and 3,000 rounds; checksums from a
# native build of their kernels) and for the TLB-miss loop alone (16 and 48 passes).
$(eval $(call guest_prog,bench-mixed-short,bench/mixed.c bench/mixed_kern.c,$(BENCH_CFLAGS) -DMIXED_ROUNDS=1000u -DMIXED_EXPECT=0x268e95fau))
$(eval $(call guest_prog,bench-mixed-long,bench/mixed.c bench/mixed_kern.c,$(BENCH_CFLAGS) -DMIXED_ROUNDS=3000u -DMIXED_EXPECT=0x74963a02u))
$(eval $(call guest_prog,bench-cmark-short,bench/cmark.c bench/cmark_kern.c,$(BENCH_CFLAGS) -DCMARK_ROUNDS=1000u -DCMARK_EXPECT=0xeef2874bu))
$(eval $(call guest_prog,bench-cmark-long,bench/cmark.c bench/cmark_kern.c,$(BENCH_CFLAGS) -DCMARK_ROUNDS=3000u -DCMARK_EXPECT=0xbb530478u))
$(eval $(call guest_prog,bench-tlbmiss-short,bench/tlbmiss.c bench/tlbmiss.S,$(BENCH_CFLAGS) -DTLB_NO_CONTROL -DTLB_ACCESSES=262144ULL))
$(eval $(call guest_prog,bench-tlbmiss-long,bench/tlbmiss.c bench/tlbmiss.S,$(BENCH_CFLAGS) -DTLB_NO_CONTROL -DTLB_ACCESSES=786432ULL))
CALLGRIND_ELFS := $(foreach w,intloop mixed cmark tlbmiss,\
	$(GUEST_OUT)/bench-$(w)-short.elf $(GUEST_OUT)/bench-$(w)-long.elf)

bench-callgrind: $(ATOLL) $(CALLGRIND_ELFS)
	@bench/callgrind.sh $(ATOLL) $(GUEST_OUT)

# The memory policy's figures (bench/policy.sh, docs/policy.md).
bench-policy: $(ATOLL) $(GUEST_OUT)/atoll-os.elf
	@BUILD=$(BUILD) ATOLL=$(ATOLL) RESULT=$(BUILD)/bench/policy.json \
		bench/policy.sh

# The change between two result files: make bench-compare A=old.json
# B=new.json (default B: this tree's last `make bench`).
bench-compare:
	@bench/compare $(or $(A),$(error A=old result JSON required)) \
		$(or $(B),$(BUILD)/bench/result.json)

.PHONY: bench bench-callgrind bench-policy bench-compare

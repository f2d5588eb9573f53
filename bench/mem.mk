# The memory benchmark: a host program linked with the core library (see
# bench/mem_bench.c), run by bench/run.sh after the CPU workloads together
# with the guest-visible first-touch cost of memhog on atoll and QEMU.
MEM_BENCH := $(BUILD)/bench/mem_bench

$(MEM_BENCH): bench/mem_bench.c $(BUILD)/libatoll.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(BUILD)/libatoll.a $(LDLIBS)

mem-bench: $(MEM_BENCH)
	@$(MEM_BENCH) -d $(BUILD)/bench

.PHONY: mem-bench

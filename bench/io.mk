# The PV I/O benchmark (bench/io.sh, run by bench/run.sh's `io` section):
# the host ring microbenchmark, atoll's ring against Xen's <xen/io/ring.h>
# (Debian's libxen-dev), plus atoll-os workloads on atoll.
RINGBENCH_HOST := $(BUILD)/bench/ringbench_host

$(RINGBENCH_HOST): bench/ringbench_host.c bench/ringbench_loop.h \
		include/atoll/abi/ring.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $<

ringbench-host: $(RINGBENCH_HOST)
	@$(RINGBENCH_HOST)

# The correctness mode runs in `make test` (tests/system/io-echo.sh).
test-build: $(RINGBENCH_HOST)

.PHONY: ringbench-host

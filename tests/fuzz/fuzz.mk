# libFuzzer targets (tests/fuzz/fuzz_NAME.c): each drives the real src/mem
# and src/io code with bytes standing for a hostile guest's memory and
# hypercall arguments.  Built with clang (libFuzzer + ASan + UBSan) into
# build-fuzz/, separate from the gcc build.  `make fuzz` runs each target
# for FUZZ_SECONDS with a corpus under build-fuzz/corpus/NAME;
# `make test` runs each briefly (tests/system/fuzz-smoke.sh).  See
# docs/fuzzing.md.

FUZZ_CC := clang
FUZZ_OUT := build-fuzz
FUZZ_SECONDS ?= 60
FUZZ_MAX_LEN ?= 2048 # bytes: room for long operation sequences
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=undefined \
	-fno-omit-frame-pointer
FUZZ_CFLAGS := -std=gnu11 -O1 -g -Wall -Wextra -Werror \
	-Wno-unused-parameter -Wno-missing-field-initializers \
	-fno-strict-aliasing -pthread -Isrc -Iinclude -Itests/unit $(FUZZ_SAN)

# The code under test: the memory manager, the PV I/O core, virtio, the
# control plane's parsers (and the logging they use).
FUZZ_LIB_SRC := $(sort $(wildcard src/lib/*.c src/mem/*.c src/io/*.c \
	src/virtio/*.c src/control/*.c))
FUZZ_LIB_OBJ := $(FUZZ_LIB_SRC:%.c=$(FUZZ_OUT)/%.o)
FUZZ_NAMES := $(patsubst tests/fuzz/fuzz_%.c,%,\
	$(sort $(wildcard tests/fuzz/fuzz_*.c)))
FUZZ_BINS := $(FUZZ_NAMES:%=$(FUZZ_OUT)/fuzz_%)

$(FUZZ_OUT)/src/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP \
		-c -o $@ $<

$(FUZZ_OUT)/tests/fuzz/%.o: tests/fuzz/%.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -Itests/fuzz -fsanitize=fuzzer-no-link \
		-MMD -MP -c -o $@ $<

# An archive, so each target links only the objects it reaches.
$(FUZZ_OUT)/libatoll-fuzz.a: $(FUZZ_LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(FUZZ_OUT)/fuzz_%: $(FUZZ_OUT)/tests/fuzz/fuzz_%.o $(FUZZ_OUT)/libatoll-fuzz.a
	$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer -pthread -o $@ $^ -lcjson

.SECONDARY: $(FUZZ_NAMES:%=$(FUZZ_OUT)/tests/fuzz/fuzz_%.o)

-include $(FUZZ_LIB_OBJ:.o=.d) $(FUZZ_BINS:$(FUZZ_OUT)/%=$(FUZZ_OUT)/tests/fuzz/%.d)

fuzz-build: $(FUZZ_BINS)

# The smoke run in `make test` (tests/system/fuzz-smoke.sh) needs them.
test-build: fuzz-build

# Each target for FUZZ_SECONDS, keeping its corpus (not committed).
fuzz: fuzz-build
	@for n in $(FUZZ_NAMES); do \
		mkdir -p $(FUZZ_OUT)/corpus/$$n $(FUZZ_OUT)/crashes/$$n; \
		echo "fuzz: $$n for $(FUZZ_SECONDS) s"; \
		$(FUZZ_OUT)/fuzz_$$n -max_total_time=$(FUZZ_SECONDS) \
			-len_control=0 -max_len=$(FUZZ_MAX_LEN) \
			-artifact_prefix=$(FUZZ_OUT)/crashes/$$n/ \
			-print_final_stats=1 $(FUZZ_OUT)/corpus/$$n \
			2>$(FUZZ_OUT)/fuzz_$$n.log || \
			{ tail -n 40 $(FUZZ_OUT)/fuzz_$$n.log; exit 1; }; \
		grep -E 'stat::number_of_executed_units|cov:' \
			$(FUZZ_OUT)/fuzz_$$n.log | tail -n 2; \
	done

.PHONY: fuzz fuzz-build

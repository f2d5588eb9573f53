# Host unit tests: every tests/unit/test_NAME.c is one program, built with
# the host CFLAGS together with its own helpers tests/unit/NAME_*.c (if any)
# and linked against the shared test helpers and the core library (the real
# src/ objects).
#
# Shared helpers (code several tests use) are tests/unit/lib/*.c with their
# headers: they form one archive linked into every unit test, so a test
# uses one by including its header (only what it uses is linked).
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_NAMES := $(UNIT_SRC:tests/unit/test_%.c=%)
UNIT_BINS := $(UNIT_NAMES:%=$(BUILD)/tests/unit/test_%)
UNIT_LIB_OBJ := $(patsubst %.c,$(BUILD)/%.o,$(wildcard tests/unit/lib/*.c))
UNIT_OBJ := $(patsubst %.c,$(BUILD)/%.o,$(wildcard tests/unit/*.c)) \
	$(UNIT_LIB_OBJ)

$(BUILD)/tests/unit/%.o: tests/unit/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itests/unit -MMD -MP -c -o $@ $<

$(BUILD)/tests/unit/libunit.a: $(UNIT_LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

define unit_test
$(BUILD)/tests/unit/test_$(1): $(BUILD)/tests/unit/test_$(1).o \
		$(patsubst %.c,$(BUILD)/%.o,$(wildcard tests/unit/$(1)_*.c)) \
		$(BUILD)/tests/unit/libunit.a $(BUILD)/libatoll.a
	$$(CC) $$(LDFLAGS) -o $$@ $$(filter %.o %.a,$$^) $$(LDLIBS)
endef
$(foreach n,$(UNIT_NAMES),$(eval $(call unit_test,$(n))))

-include $(UNIT_OBJ:.o=.d)

unit-tests: $(UNIT_BINS)

.PHONY: unit-tests

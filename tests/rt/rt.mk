# Bare-metal runtime for guest test and benchmark programs.
# A program P built from sources S links as:
#   $(call guest_prog,NAME,SOURCES)  ->  build/guest/NAME.elf
GUEST_OUT := $(BUILD)/guest
RT_SRC := tests/rt/crt0.S tests/rt/rt.c
RT_LD := tests/rt/link.ld

define guest_prog
$(GUEST_OUT)/$(1).elf: $(2) $(RT_SRC) $(RT_LD) tests/rt/rt.h
	@mkdir -p $$(dir $$@)
	$$(GUEST_CC) $$(GUEST_CFLAGS) $(3) $$(GUEST_LDFLAGS) -T $$(RT_LD) -o $$@ $$(RT_SRC) $(2) -lgcc
GUEST_PROGRAMS += $(GUEST_OUT)/$(1).elf
endef

$(eval $(call guest_prog,hello,tests/rt/hello.c))


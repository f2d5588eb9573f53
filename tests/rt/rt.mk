# Bare-metal runtime for guest test and benchmark programs.
# A program P built from sources S links as:
#   $(call guest_prog,NAME,SOURCES)  ->  build/guest/NAME.elf
GUEST_OUT := $(BUILD)/guest
RT_SRC := tests/rt/crt0.S tests/rt/rt.c
RT_LD := tests/rt/link.ld
RT_S_LD := tests/rt/link_s.ld

define guest_prog
$(GUEST_OUT)/$(1).elf: $(2) $(RT_SRC) $(RT_LD) tests/rt/link_sections.ld tests/rt/rt.h tests/rt/trap_entry.S
	@mkdir -p $$(dir $$@)
	$$(GUEST_CC) $$(GUEST_CFLAGS) $(3) $$(GUEST_LDFLAGS) -T $$(RT_LD) -o $$@ $$(RT_SRC) $(2) -lgcc
GUEST_PROGRAMS += $(GUEST_OUT)/$(1).elf
endef

# The same for S-mode programs started by the default boot (atoll's SBI):
#   $(call guest_prog_s,NAME,SOURCES)  ->  build/guest/NAME.elf
RT_S_SRC := tests/rt/crt0_s.S tests/rt/rt.c
define guest_prog_s
$(GUEST_OUT)/$(1).elf: $(2) $(RT_S_SRC) $(RT_S_LD) tests/rt/link_sections.ld tests/rt/rt.h tests/rt/trap_entry.S
	@mkdir -p $$(dir $$@)
	$$(GUEST_CC) $$(GUEST_CFLAGS) $(3) $$(GUEST_LDFLAGS) -T $$(RT_S_LD) -o $$@ $$(RT_S_SRC) $(2) -lgcc
GUEST_PROGRAMS += $(GUEST_OUT)/$(1).elf
endef

$(eval $(call guest_prog,hello,tests/rt/hello.c))
$(eval $(call guest_prog_s,hello-s,tests/rt/hello_s.c))


# atoll-os, atoll's own guest kernel (guest/): an S-mode RISC-V kernel
# linked at 0x80200000, built with picolibc -> build/guest/atoll-os.elf.
GOS_SRC := $(sort $(wildcard guest/kernel/*.c guest/kernel/*.S \
	guest/workloads/*.c))
GOS_HDR := $(wildcard guest/kernel/*.h)
GOS_ELF := $(GUEST_OUT)/atoll-os.elf
GOS_CFLAGS := -march=rv64gc -mabi=lp64d -mcmodel=medany -O2 -g \
	--specs=picolibc.specs -ffreestanding -Wall -Wextra -Werror \
	-Wno-unused-parameter -Iguest/kernel -Iinclude

$(GOS_ELF): $(GOS_SRC) $(GOS_HDR) guest/kernel/link.ld guest/guest.mk
	@mkdir -p $(dir $@)
	$(GUEST_CC) $(GOS_CFLAGS) -nostartfiles -static \
		-Wl,--no-relax -Wl,--no-warn-rwx-segments \
		-T guest/kernel/link.ld -o $@ $(GOS_SRC)

all: $(GOS_ELF)
GUEST_PROGRAMS += $(GOS_ELF)

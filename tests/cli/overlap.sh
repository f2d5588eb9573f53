#!/bin/bash
# Images may not overlap the device tree or each other.
. "$(dirname "$0")/lib/usage.bash"
# A segment covering all of a 4 MiB RAM leaves no room for the DTB.
riscv_elf_header "$TMP/all-ram.elf"
riscv_elf_phdr "$TMP/all-ram.elf" 0 $((0x80000000)) 120 $((4 << 20))
expect_usage_error "ELF over the device tree" boot -m 4M "$TMP/all-ram.elf"
expect_stderr_mentions "ELF over the device tree" "device tree"
# An initrd goes to kernel + RAM/2: with the kernel covering it, refused.
riscv_elf_header "$TMP/half.elf"
riscv_elf_phdr "$TMP/half.elf" 0 $((0x80000000)) 120 $((3 << 20))
printf 'initrd' >"$TMP/rd"
expect_usage_error "initrd over the kernel" boot -m 4M --initrd "$TMP/rd" "$TMP/half.elf"
expect_stderr_mentions "initrd over the kernel" "$TMP/rd"
exit 0

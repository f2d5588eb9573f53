#!/bin/bash
# An ELF for another machine (atoll itself, an x86-64 program) is refused.
. "$(dirname "$0")/lib/usage.bash"
expect_usage_error "x86-64 ELF as kernel" boot "$ATOLL"
expect_stderr_mentions "x86-64 ELF as kernel" "RISC-V"
expect_usage_error "x86-64 ELF as firmware" boot --bios "$ATOLL" "$ATOLL"
# A 32-bit ELF header.
printf '\177ELF\001\001\001\000\000\000\000\000\000\000\000\000' >"$TMP/elf32"
head -c 64 /dev/zero >>"$TMP/elf32"
expect_usage_error "32-bit ELF" boot "$TMP/elf32"
exit 0

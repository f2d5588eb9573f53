#!/bin/bash
# ELF files cut short anywhere are refused with a message naming the file.
. "$(dirname "$0")/lib/usage.bash"
printf '\177ELF\002\001\001' >"$TMP/magic-only.elf"
expect_usage_error "ELF header cut short" boot "$TMP/magic-only.elf"
expect_stderr_mentions "ELF header cut short" "$TMP/magic-only.elf"

riscv_elf_header "$TMP/no-phdr.elf"
expect_usage_error "program headers missing" boot "$TMP/no-phdr.elf"
expect_stderr_mentions "program headers missing" "$TMP/no-phdr.elf"

riscv_elf_header "$TMP/short-seg.elf"
riscv_elf_phdr "$TMP/short-seg.elf" 120 $((0x80000000)) 4096 4096
expect_usage_error "segment beyond end of file" boot "$TMP/short-seg.elf"
expect_stderr_mentions "segment beyond end of file" "$TMP/short-seg.elf"
exit 0

#!/bin/bash
# Images that do not fit in guest RAM are refused (raw and ELF).
. "$(dirname "$0")/lib/usage.bash"
truncate -s 2M "$TMP/big.bin"
expect_usage_error "raw image larger than RAM" boot -m 1M "$TMP/big.bin"
expect_stderr_mentions "raw image larger than RAM" "$TMP/big.bin"
expect_usage_error "initrd larger than RAM" boot -m 1M --initrd "$TMP/big.bin" "$TMP/big.bin"

# An ELF whose segment runs past the end of a 1 MiB RAM.
riscv_elf_header "$TMP/big.elf"
riscv_elf_phdr "$TMP/big.elf" 0 $((0x80000000)) 120 $((2 << 20))
expect_usage_error "ELF segment beyond RAM" boot -m 1M "$TMP/big.elf"
expect_stderr_mentions "ELF segment beyond RAM" "outside RAM"
exit 0

/* Instruction decoder: raw bits -> one pre-decoded slot. */
#ifndef ATOLL_CPU_DECODE_H
#define ATOLL_CPU_DECODE_H

#include <stdint.h>

#include "cpu/insn.h"

/* Expand a 16-bit RVC instruction into its 32-bit equivalent, or return 0 if
 * it is illegal/reserved. */
uint32_t decode_expand_rvc(uint16_t c);

/* Fill *out for raw (16- or 32-bit; len = 2 or 4).  Illegal encodings get a
 * handler that raises EXC_ILLEGAL. */
void decode_insn(uint32_t raw, unsigned len, struct insn *out);

#endif

/* F and D extensions: decode and execute, bit-exact with the spec (IEEE
 * 754-2008 results, all five rounding modes incl. RMM and dynamic, fflags,
 * NaN boxing, canonical NaN). */
#ifndef ATOLL_CPU_FP_H
#define ATOLL_CPU_FP_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu/insn.h"

/* Decode a 32-bit F/D instruction (opcodes LOAD-FP, STORE-FP, OP-FP,
 * MADD/MSUB/NMSUB/NMADD) into *out.  Returns false if it is not a valid
 * F/D encoding (the caller makes it illegal).  Compressed FP loads/stores
 * are expanded to 32-bit form before they arrive here. */
bool fp_decode(uint32_t raw, struct insn *out);

/* Switch a slot fp_decode() filled for flw/fld/fsw/fsd to the variant that
 * advances by 2 bytes; the decoder calls it for C.FLD, C.FSD, C.FLDSP,
 * C.FSDSP (and C.FLW/C.FSW forms) after expanding them.  Any other slot is
 * left as it is. */
void fp_make_compressed(struct insn *out);

#endif

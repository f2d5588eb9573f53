/* Constants shared by the ISA test library's C and assembly halves. */
#ifndef ISA_LIB_ASM_H
#define ISA_LIB_ASM_H

/* a7 of the ecall with which a function run by lib_run() returns. */
#define LIB_EXIT_MAGIC 0x4c494245 /* "LIBE" */

#define MSTATUS_MPP (3 << 11)

#endif

/* Control and status registers: numbers, mstatus fields, access rules. */
#ifndef ATOLL_CPU_CSR_H
#define ATOLL_CPU_CSR_H

#include <stdint.h>

#include "cpu/hart.h"

#define MSTATUS_SIE (1ULL << 1)
#define MSTATUS_MIE (1ULL << 3)
#define MSTATUS_SPIE (1ULL << 5)
#define MSTATUS_UBE (1ULL << 6)
#define MSTATUS_MPIE (1ULL << 7)
#define MSTATUS_SPP (1ULL << 8)
#define MSTATUS_VS (3ULL << 9)
#define MSTATUS_MPP_SHIFT 11
#define MSTATUS_MPP (3ULL << 11)
#define MSTATUS_FS_SHIFT 13
#define MSTATUS_FS (3ULL << 13)
#define MSTATUS_XS (3ULL << 15)
#define MSTATUS_MPRV (1ULL << 17)
#define MSTATUS_SUM (1ULL << 18)
#define MSTATUS_MXR (1ULL << 19)
#define MSTATUS_TVM (1ULL << 20)
#define MSTATUS_TW (1ULL << 21)
#define MSTATUS_TSR (1ULL << 22)
#define MSTATUS_UXL (3ULL << 32)
#define MSTATUS_SXL (3ULL << 34)
#define MSTATUS_SD (1ULL << 63)

#define FS_OFF 0
#define FS_INITIAL 1
#define FS_CLEAN 2
#define FS_DIRTY 3

/* Interrupt numbers (bits of mip/mie). */
#define IRQ_SSI 1
#define IRQ_MSI 3
#define IRQ_STI 5
#define IRQ_MTI 7
#define IRQ_SEI 9
#define IRQ_MEI 11
#define MIP_SSIP (1ULL << IRQ_SSI)
#define MIP_MSIP (1ULL << IRQ_MSI)
#define MIP_STIP (1ULL << IRQ_STI)
#define MIP_MTIP (1ULL << IRQ_MTI)
#define MIP_SEIP (1ULL << IRQ_SEI)
#define MIP_MEIP (1ULL << IRQ_MEI)

#define SATP_MODE_BARE 0ULL
#define SATP_MODE_SV39 8ULL
#define SATP_MODE_SV48 9ULL

enum csr_num {
	CSR_FFLAGS = 0x001,
	CSR_FRM = 0x002,
	CSR_FCSR = 0x003,
	CSR_CYCLE = 0xc00,
	CSR_TIME = 0xc01,
	CSR_INSTRET = 0xc02,
	CSR_SSTATUS = 0x100,
	CSR_SIE = 0x104,
	CSR_STVEC = 0x105,
	CSR_SCOUNTEREN = 0x106,
	CSR_SENVCFG = 0x10a,
	CSR_SSCRATCH = 0x140,
	CSR_SEPC = 0x141,
	CSR_SCAUSE = 0x142,
	CSR_STVAL = 0x143,
	CSR_SIP = 0x144,
	CSR_SATP = 0x180,
	CSR_MVENDORID = 0xf11,
	CSR_MARCHID = 0xf12,
	CSR_MIMPID = 0xf13,
	CSR_MHARTID = 0xf14,
	CSR_MCONFIGPTR = 0xf15,
	CSR_MSTATUS = 0x300,
	CSR_MISA = 0x301,
	CSR_MEDELEG = 0x302,
	CSR_MIDELEG = 0x303,
	CSR_MIE = 0x304,
	CSR_MTVEC = 0x305,
	CSR_MCOUNTEREN = 0x306,
	CSR_MENVCFG = 0x30a,
	CSR_MCOUNTINHIBIT = 0x320,
	CSR_MSCRATCH = 0x340,
	CSR_MEPC = 0x341,
	CSR_MCAUSE = 0x342,
	CSR_MTVAL = 0x343,
	CSR_MIP = 0x344,
	CSR_PMPCFG0 = 0x3a0,
	CSR_PMPADDR0 = 0x3b0,
	CSR_MCYCLE = 0xb00,
	CSR_MINSTRET = 0xb02,
	CSR_MHPMCOUNTER3 = 0xb03,
	CSR_MHPMEVENT3 = 0x323,
	CSR_HPMCOUNTER3 = 0xc03,
	CSR_TSELECT = 0x7a0,
	CSR_TDATA1 = 0x7a1,
};

/* Read/write a CSR with all privilege, existence and WARL rules of the
 * privileged spec.  Return 0, or EXC_ILLEGAL.  csr_write may change priv-
 * relevant state (satp, mstatus...): it updates the TLB context itself.
 * `write_mask` semantics are the caller's (CSRRS/CSRRC compute the value). */
int csr_read(struct hart *h, unsigned csr, uint64_t *val);
int csr_write(struct hart *h, unsigned csr, uint64_t val);

/* mstatus with SD recomputed; sstatus view of it. */
uint64_t csr_sstatus(const struct hart *h);

/* Mark the F/D state dirty (any instruction that writes f[] or fflags). */
static inline void csr_fs_dirty(struct hart *h)
{
	h->mstatus |= MSTATUS_FS | MSTATUS_SD;
}

static inline int csr_fs_off(const struct hart *h)
{
	return (h->mstatus & MSTATUS_FS) == 0;
}

#endif

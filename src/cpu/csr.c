/* Control and status registers of an RV64GC hart with M, S and U modes and
 * Zicntr, with the privileged spec's access rules: the CSR number's bits
 * 9:8 give the lowest privilege that may access it, bits 11:10 == 3 mark it
 * read-only, an unknown number is illegal, and every WARL field is
 * legalized on write.  Where the spec leaves a choice, QEMU 7.2 decides,
 * except where it lets a field take a value the spec forbids (mepc[0],
 * mstatus.MPP = 2, medeleg[11]).
 *
 * Not modelled: PMP is stored (with its lock rules) but not enforced; the
 * hpm counters and events read zero; mcountinhibit is stored but does not
 * stop mcycle/minstret; debug triggers: tselect reads 0 and tdata1 says
 * "no trigger here" (Sdtrig with zero triggers). */
#include "cpu/csr.h"
#include "cpu/mmu.h"
#include "cpu/trap.h"

#define MSTATUS_WMASK                                                          \
	(MSTATUS_SIE | MSTATUS_MIE | MSTATUS_SPIE | MSTATUS_MPIE |             \
	 MSTATUS_SPP | MSTATUS_MPP | MSTATUS_FS | MSTATUS_MPRV | MSTATUS_SUM | \
	 MSTATUS_MXR | MSTATUS_TVM | MSTATUS_TW | MSTATUS_TSR)
#define SSTATUS_RMASK                                                          \
	(MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_UBE | MSTATUS_SPP | MSTATUS_VS | \
	 MSTATUS_FS | MSTATUS_XS | MSTATUS_SUM | MSTATUS_MXR | MSTATUS_UXL |   \
	 MSTATUS_SD)
#define SSTATUS_WMASK                                                          \
	(MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_FS | MSTATUS_SUM | \
	 MSTATUS_MXR)
/* mstatus fields the TLB contexts depend on. */
#define MSTATUS_CTX (MSTATUS_MPRV | MSTATUS_MPP | MSTATUS_SUM | MSTATUS_MXR)

#define MIE_MASK                                                               \
	(MIP_SSIP | MIP_MSIP | MIP_STIP | MIP_MTIP | MIP_SEIP | MIP_MEIP)
#define S_INTS (MIP_SSIP | MIP_STIP | MIP_SEIP)
/* Every exception that can happen below M: 0-9, 12, 13, 15. */
#define MEDELEG_MASK 0xb3ffULL
#define COUNTINHIBIT_MASK 0xfffffffdU /* TM (bit 1) is hardwired to 0 */
#define ENVCFG_FIOM 1ULL
#define PMPADDR_MASK ((1ULL << 54) - 1)
#define PMP_R 0x01
#define PMP_W 0x02
#define PMP_A 0x18
#define PMP_TOR 0x08
#define PMP_L 0x80

static uint64_t csr_mstatus(const struct hart *h)
{
	uint64_t ms = h->mstatus & ~MSTATUS_SD;

	if ((ms & MSTATUS_FS) == MSTATUS_FS || (ms & MSTATUS_XS) == MSTATUS_XS)
		ms |= MSTATUS_SD;
	return ms;
}

uint64_t csr_sstatus(const struct hart *h)
{
	return csr_mstatus(h) & SSTATUS_RMASK;
}

/* Write the `mask` fields of mstatus (mstatus or sstatus view). */
static void csr_write_mstatus(struct hart *h, uint64_t val, uint64_t mask)
{
	uint64_t old = h->mstatus;
	uint64_t ms;

	/* MPP is WARL: the reserved value 2 leaves the field unchanged. */
	if (((val & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT) == 2)
		val = (val & ~MSTATUS_MPP) | (old & MSTATUS_MPP);
	ms = (old & ~mask) | (val & mask);
	h->mstatus = ms;
	h->mstatus = csr_mstatus(h);
	if ((old ^ ms) & MSTATUS_CTX)
		mmu_update_ctx(h);
}

/* Interrupt-pending bits under `mask` take their values from val.  Devices
 * change other bits concurrently, so each change is one atomic op. */
static void csr_write_mip(struct hart *h, uint64_t val, uint64_t mask)
{
	uint64_t set = val & mask;
	uint64_t clr = ~val & mask;

	if (set)
		atomic_fetch_or(&h->mip, set);
	if (clr)
		atomic_fetch_and(&h->mip, ~clr);
}

static uint64_t csr_mip(struct hart *h)
{
	trap_poll_timers(h); /* a guest polling mip sees timers on time */
	return atomic_load(&h->mip);
}

/* May the current privilege read counter idx (0 cycle, 1 time, 2 instret,
 * 3.. hpm)?  S needs mcounteren; U needs mcounteren and scounteren. */
static bool csr_counter_ok(const struct hart *h, unsigned idx)
{
	if (h->priv == PRIV_M)
		return true;
	if (!((h->mcounteren >> idx) & 1))
		return false;
	return h->priv == PRIV_S || ((h->scounteren >> idx) & 1);
}

/* 0xb00-0xb1f (mcycle, minstret, mhpmcounter) and 0xc00-0xc1f. */
static int csr_read_counter(struct hart *h, unsigned csr, uint64_t *val)
{
	unsigned idx = csr & 0x1f;

	if ((csr & 0xe0) || (csr == CSR_MCYCLE + 1))
		return EXC_ILLEGAL; /* RV32 high halves; no "mtime" CSR */
	if ((csr >> 8) == 0xc && !csr_counter_ok(h, idx))
		return EXC_ILLEGAL;
	if (idx == 0 || idx == 2)
		*val = h->instret; /* one instruction per cycle */
	else if (idx == 1)
		*val = hart_time(h);
	else
		*val = 0;
	return 0;
}

static int csr_read_fp(struct hart *h, unsigned csr, uint64_t *val)
{
	if (csr < CSR_FFLAGS || csr > CSR_FCSR || csr_fs_off(h))
		return EXC_ILLEGAL;
	if (csr == CSR_FFLAGS)
		*val = h->fflags;
	else if (csr == CSR_FRM)
		*val = h->frm;
	else
		*val = (uint64_t)h->fflags | (uint64_t)h->frm << 5;
	return 0;
}

static int csr_write_fp(struct hart *h, unsigned csr, uint64_t val)
{
	if (csr < CSR_FFLAGS || csr > CSR_FCSR || csr_fs_off(h))
		return EXC_ILLEGAL;
	if (csr == CSR_FFLAGS) {
		h->fflags = val & 0x1f;
	} else if (csr == CSR_FRM) {
		h->frm = val & 7;
	} else {
		h->fflags = val & 0x1f;
		h->frm = (val >> 5) & 7;
	}
	csr_fs_dirty(h);
	return 0;
}

static int csr_read_s(struct hart *h, unsigned csr, uint64_t *val)
{
	switch (csr) {
	case CSR_SSTATUS: *val = csr_sstatus(h); break;
	case CSR_SIE: *val = h->mie & h->mideleg; break;
	case CSR_STVEC: *val = h->stvec; break;
	case CSR_SCOUNTEREN: *val = h->scounteren; break;
	case CSR_SENVCFG: *val = h->senvcfg; break;
	case CSR_SSCRATCH: *val = h->sscratch; break;
	case CSR_SEPC: *val = h->sepc; break;
	case CSR_SCAUSE: *val = h->scause; break;
	case CSR_STVAL: *val = h->stval; break;
	case CSR_SIP: *val = csr_mip(h) & h->mideleg; break;
	case CSR_SATP:
		if (h->priv == PRIV_S && (h->mstatus & MSTATUS_TVM))
			return EXC_ILLEGAL;
		*val = h->satp;
		break;
	default: return EXC_ILLEGAL;
	}
	return 0;
}

/* mtvec/stvec: modes 0 (direct) and 1 (vectored); a reserved mode makes the
 * whole write ignored, as QEMU does. */
static void csr_write_tvec(uint64_t *tvec, uint64_t val)
{
	if ((val & 3) < 2)
		*tvec = val;
}

static int csr_write_satp(struct hart *h, uint64_t val)
{
	if (h->priv == PRIV_S && (h->mstatus & MSTATUS_TVM))
		return EXC_ILLEGAL;
	/* An unsupported mode leaves satp unchanged entirely: this is how
	 * Linux probes for Sv57 and Sv48. */
	if (!mmu_satp_mode_ok(val))
		return 0;
	h->satp = val;
	mmu_update_ctx(h);
	return 0;
}

static int csr_write_s(struct hart *h, unsigned csr, uint64_t val)
{
	switch (csr) {
	case CSR_SSTATUS: csr_write_mstatus(h, val, SSTATUS_WMASK); break;
	case CSR_SIE:
		h->mie = (h->mie & ~h->mideleg) | (val & h->mideleg);
		break;
	case CSR_STVEC: csr_write_tvec(&h->stvec, val); break;
	case CSR_SCOUNTEREN: h->scounteren = (uint32_t)val; break;
	case CSR_SENVCFG: h->senvcfg = val & ENVCFG_FIOM; break;
	case CSR_SSCRATCH: h->sscratch = val; break;
	case CSR_SEPC: h->sepc = val & ~1ULL; break;
	case CSR_SCAUSE: h->scause = val; break;
	case CSR_STVAL: h->stval = val; break;
	case CSR_SIP: csr_write_mip(h, val, MIP_SSIP & h->mideleg); break;
	case CSR_SATP: return csr_write_satp(h, val);
	default: return EXC_ILLEGAL;
	}
	return 0;
}

/* The pmpcfg byte of entry i. */
static unsigned csr_pmpcfg_byte(const struct hart *h, unsigned i)
{
	return (unsigned)(h->pmpcfg[i / 8] >> (8 * (i % 8))) & 0xff;
}

/* pmpcfg0 (n = 0) or pmpcfg2 (n = 1): locked bytes keep their value, the
 * reserved bits 6:5 read zero and R=0/W=1 (reserved) drops W. */
static void csr_write_pmpcfg(struct hart *h, unsigned n, uint64_t val)
{
	uint64_t out = 0;

	for (unsigned b = 0; b < 8; b++) {
		unsigned old = csr_pmpcfg_byte(h, n * 8 + b);
		unsigned v = (unsigned)(val >> (8 * b)) & 0x9f;

		if (old & PMP_L)
			v = old;
		else if ((v & (PMP_R | PMP_W)) == PMP_W)
			v &= ~PMP_W;
		out |= (uint64_t)v << (8 * b);
	}
	h->pmpcfg[n] = out;
}

/* pmpaddr i is locked by its own L bit, or by entry i+1's if that one is
 * a locked TOR range (whose bottom is pmpaddr i). */
static void csr_write_pmpaddr(struct hart *h, unsigned i, uint64_t val)
{
	unsigned next = i + 1 < 16 ? csr_pmpcfg_byte(h, i + 1) : 0;

	if (csr_pmpcfg_byte(h, i) & PMP_L)
		return;
	if ((next & PMP_L) && (next & PMP_A) == PMP_TOR)
		return;
	h->pmpaddr[i] = val & PMPADDR_MASK;
}

/* Machine CSRs in 0x3xx that have no field in struct hart of their own:
 * PMP and the hpm event selectors.  Read side. */
static int csr_read_m_array(struct hart *h, unsigned csr, uint64_t *val)
{
	if (csr == CSR_PMPCFG0 || csr == CSR_PMPCFG0 + 2)
		*val = h->pmpcfg[(csr - CSR_PMPCFG0) / 2];
	else if (csr >= CSR_PMPADDR0 && csr < CSR_PMPADDR0 + 16)
		*val = h->pmpaddr[csr - CSR_PMPADDR0];
	else if (csr >= CSR_MHPMEVENT3 && csr <= CSR_MHPMEVENT3 + 28)
		*val = 0;
	else
		return EXC_ILLEGAL;
	return 0;
}

static int csr_write_m_array(struct hart *h, unsigned csr, uint64_t val)
{
	if (csr == CSR_PMPCFG0 || csr == CSR_PMPCFG0 + 2)
		csr_write_pmpcfg(h, (csr - CSR_PMPCFG0) / 2, val);
	else if (csr >= CSR_PMPADDR0 && csr < CSR_PMPADDR0 + 16)
		csr_write_pmpaddr(h, csr - CSR_PMPADDR0, val);
	else if (!(csr >= CSR_MHPMEVENT3 && csr <= CSR_MHPMEVENT3 + 28))
		return EXC_ILLEGAL;
	return 0;
}

static int csr_read_m(struct hart *h, unsigned csr, uint64_t *val)
{
	switch (csr) {
	case CSR_MSTATUS: *val = csr_mstatus(h); break;
	case CSR_MISA: *val = h->misa; break;
	case CSR_MEDELEG: *val = h->medeleg; break;
	case CSR_MIDELEG: *val = h->mideleg; break;
	case CSR_MIE: *val = h->mie; break;
	case CSR_MTVEC: *val = h->mtvec; break;
	case CSR_MCOUNTEREN: *val = h->mcounteren; break;
	case CSR_MENVCFG: *val = h->menvcfg; break;
	case CSR_MCOUNTINHIBIT: *val = h->mcountinhibit; break;
	case CSR_MSCRATCH: *val = h->mscratch; break;
	case CSR_MEPC: *val = h->mepc; break;
	case CSR_MCAUSE: *val = h->mcause; break;
	case CSR_MTVAL: *val = h->mtval; break;
	case CSR_MIP: *val = csr_mip(h); break;
	default: return csr_read_m_array(h, csr, val);
	}
	return 0;
}

static int csr_write_m(struct hart *h, unsigned csr, uint64_t val)
{
	switch (csr) {
	case CSR_MSTATUS: csr_write_mstatus(h, val, MSTATUS_WMASK); break;
	case CSR_MISA: break; /* read-only: one fixed ISA */
	case CSR_MEDELEG: h->medeleg = val & MEDELEG_MASK; break;
	case CSR_MIDELEG: h->mideleg = val & S_INTS; break;
	case CSR_MIE: h->mie = val & MIE_MASK; break;
	case CSR_MTVEC: csr_write_tvec(&h->mtvec, val); break;
	case CSR_MCOUNTEREN: h->mcounteren = (uint32_t)val; break;
	case CSR_MENVCFG: h->menvcfg = val & ENVCFG_FIOM; break;
	case CSR_MCOUNTINHIBIT:
		h->mcountinhibit = (uint32_t)val & COUNTINHIBIT_MASK;
		break;
	case CSR_MSCRATCH: h->mscratch = val; break;
	case CSR_MEPC: h->mepc = val & ~1ULL; break;
	case CSR_MCAUSE: h->mcause = val; break;
	case CSR_MTVAL: h->mtval = val; break;
	case CSR_MIP: csr_write_mip(h, val, S_INTS); break;
	default: return csr_write_m_array(h, csr, val);
	}
	return 0;
}

/* Debug triggers (0x7a0-0x7a4): Sdtrig with no trigger at all. */
static int csr_read_debug(unsigned csr, uint64_t *val)
{
	if (csr < CSR_TSELECT || csr > CSR_TSELECT + 4)
		return EXC_ILLEGAL;
	/* tselect 0; tdata1 type 0 = "no trigger"; tinfo 1 = same. */
	*val = csr == CSR_TSELECT + 4 ? 1 : 0;
	return 0;
}

static int csr_read_id(struct hart *h, unsigned csr, uint64_t *val)
{
	switch (csr) {
	case CSR_MVENDORID:
	case CSR_MARCHID:
	case CSR_MIMPID:
	case CSR_MCONFIGPTR: *val = 0; break;
	case CSR_MHARTID: *val = h->mhartid; break;
	default: return EXC_ILLEGAL;
	}
	return 0;
}

int csr_read(struct hart *h, unsigned csr, uint64_t *val)
{
	if (csr > 0xfff || h->priv < ((csr >> 8) & 3))
		return EXC_ILLEGAL;
	switch (csr >> 8) {
	case 0x0: return csr_read_fp(h, csr, val);
	case 0x1: return csr_read_s(h, csr, val);
	case 0x3: return csr_read_m(h, csr, val);
	case 0x7: return csr_read_debug(csr, val);
	case 0xb:
	case 0xc: return csr_read_counter(h, csr, val);
	case 0xf: return csr_read_id(h, csr, val);
	}
	return EXC_ILLEGAL;
}

int csr_write(struct hart *h, unsigned csr, uint64_t val)
{
	uint64_t dummy;

	if (csr > 0xfff || ((csr >> 10) & 3) == 3 || h->priv < ((csr >> 8) & 3))
		return EXC_ILLEGAL;
	switch (csr >> 8) {
	case 0x0: return csr_write_fp(h, csr, val);
	case 0x1: return csr_write_s(h, csr, val);
	case 0x3: return csr_write_m(h, csr, val);
	case 0x7: return csr_read_debug(csr, &dummy); /* writes ignored */
	case 0xb:
		if (csr_read_counter(h, csr, &dummy))
			return EXC_ILLEGAL;
		if (csr == CSR_MCYCLE || csr == CSR_MINSTRET)
			h->instret = val; /* the same counter */
		return 0;
	}
	return EXC_ILLEGAL;
}

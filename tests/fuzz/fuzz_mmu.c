/* The MMU's page walk (src/cpu/mmu.c) over page tables the guest wrote: a
 * hart on a fake bus whose RAM (16 pages) holds the input's page tables.
 *
 * The input picks the translation mode (Bare, Sv39, Sv48, or a satp the
 * hart must refuse), the privilege (U, S, or M with MPRV), SUM and MXR,
 * then a sequence of operations: map a virtual address as a kernel would
 * (following and completing the tables to a leaf at any level), write a PTE (mostly pointing into RAM or
 * at the device page, with any flags and sometimes reserved bits), write
 * raw bytes, or access a virtual address (load, store, fetch or host
 * pointer, of 1-8 bytes, aligned) built from page-table indices the
 * tables use.  Every access runs twice, the second a TLB hit where the
 * first filled one; the TLB is flushed (sfence.vma) whenever the tables
 * changed, and now and then anyway.
 *
 * Checks, against a reference walk written from the privileged spec (A and
 * D updated by hardware, as atoll does): the same outcome, a fault with
 * the right cause (page fault, access fault for a PTE outside RAM or a
 * device fetch) or a success; a success reaches exactly the reference's
 * guest-physical address — a load returns RAM's bytes there, a store puts
 * its bytes there, a fetch or host pointer lies inside guest RAM at that
 * address — and the leaf PTE then has A (and D for a store) set. */
#include "cpu/csr.h"
#include "cpu/hart.h"
#include "cpu/mmu.h"
#include "cpu/tlb.h"
#include "cpu/trap.h"
#include "fuzz_util.h"

#define RAM_BASE 0x80000000ULL
#define RAM_PAGES 16u
#define RAM_SIZE (RAM_PAGES * 4096ULL)
#define DEV_PAGE 0x10000000ULL /* reads 0x5a..., writes accepted */

#define PTE_V (1ULL << 0)
#define PTE_R (1ULL << 1)
#define PTE_W (1ULL << 2)
#define PTE_X (1ULL << 3)
#define PTE_U (1ULL << 4)
#define PTE_A (1ULL << 6)
#define PTE_D (1ULL << 7)

enum { ACC_LOAD, ACC_STORE, ACC_FETCH, ACC_HOST };

struct fz_mmu {
	struct hart h;
	uint8_t ram[RAM_SIZE];
	uint64_t satp;
};

static struct fz_mmu *fm;
static bool tables_changed; /* since the last TLB flush (sfence.vma) */

static void *m_ram_page(void *ctx, uint64_t gpa_page, bool write)
{
	struct fz_mmu *m = ctx;

	CHECK((gpa_page & 0xfff) == 0);
	if (gpa_page < RAM_BASE || gpa_page >= RAM_BASE + RAM_SIZE)
		return NULL;
	return m->ram + (gpa_page - RAM_BASE);
}

static int m_mmio_read(void *ctx, struct hart *h, uint64_t gpa, unsigned size,
		       uint64_t *val)
{
	if ((gpa & ~0xfffULL) != DEV_PAGE)
		return -1;
	*val = 0x5a5a5a5a5a5a5a5aULL >> (64 - 8 * size);
	return 0;
}

static int m_mmio_write(void *ctx, struct hart *h, uint64_t gpa, unsigned size,
			uint64_t val)
{
	return (gpa & ~0xfffULL) == DEV_PAGE ? 0 : -1;
}

static const struct cpu_bus_ops m_ops = {
	.ram_page = m_ram_page,
	.mmio_read = m_mmio_read,
	.mmio_write = m_mmio_write,
};

static bool in_ram(uint64_t gpa, unsigned len)
{
	return gpa >= RAM_BASE && gpa - RAM_BASE <= RAM_SIZE - len;
}

static uint64_t ram_get(uint64_t gpa, unsigned n)
{
	uint64_t v = 0;

	memcpy(&v, fm->ram + (gpa - RAM_BASE), n);
	return v;
}

/* ---- the reference walk (privileged spec, hardware A/D) ---------------- */

struct ref {
	int cause; /* 0 or enum exc */
	uint64_t gpa;
	uint64_t leaf_gpa; /* the leaf PTE, 0 if none (Bare) */
};

static const int ref_page[] = { EXC_LOAD_PAGE, EXC_STORE_PAGE, EXC_INSN_PAGE,
				0 };
static const int ref_access[] = { EXC_LOAD_ACCESS, EXC_STORE_ACCESS,
				  EXC_INSN_ACCESS, 0 };

/* Privilege that translates an access of kind acc (MPRV for data). */
static unsigned ref_priv(const struct hart *h, int acc)
{
	if (acc != ACC_FETCH && h->priv == PRIV_M &&
	    (h->mstatus & MSTATUS_MPRV))
		return (h->mstatus & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT;
	return h->priv;
}

static bool ref_allows(uint64_t pte, int acc, unsigned priv, uint64_t mstatus)
{
	if (priv == PRIV_U && !(pte & PTE_U))
		return false;
	if (priv == PRIV_S && (pte & PTE_U) &&
	    (acc == ACC_FETCH || !(mstatus & MSTATUS_SUM)))
		return false;
	if (acc == ACC_FETCH)
		return pte & PTE_X;
	if (acc == ACC_STORE)
		return pte & PTE_W;
	return (pte & PTE_R) || ((mstatus & MSTATUS_MXR) && (pte & PTE_X));
}

static struct ref ref_walk(const struct hart *h, uint64_t va, int acc)
{
	unsigned priv = ref_priv(h, acc);
	uint64_t mode = h->satp >> 60, base, pte = 0;
	int k = acc == ACC_HOST ? ACC_LOAD : acc;
	unsigned levels, vabits;
	struct ref r = { 0, va, 0 };

	if (priv == PRIV_M || mode == SATP_MODE_BARE)
		return r;
	levels = mode == SATP_MODE_SV48 ? 4 : 3;
	vabits = 12 + 9 * levels;
	if ((int64_t)va >> (vabits - 1) != 0 &&
	    (int64_t)va >> (vabits - 1) != -1)
		return (struct ref){ ref_page[k], 0, 0 };
	base = (h->satp & ((1ULL << 44) - 1)) << 12;
	for (int l = (int)levels - 1; l >= 0; l--) {
		uint64_t a = base + ((va >> (12 + 9 * l)) & 511) * 8;
		uint64_t ppn;

		if (!in_ram(a, 8))
			return (struct ref){ ref_access[k], 0, 0 };
		pte = ram_get(a, 8);
		if (!(pte & PTE_V) || (pte >> 54) ||
		    ((pte & (PTE_R | PTE_W)) == PTE_W))
			return (struct ref){ ref_page[k], 0, 0 };
		ppn = (pte >> 10) & ((1ULL << 44) - 1);
		if (!(pte & (PTE_R | PTE_X))) {
			if (l == 0 || (pte & (PTE_A | PTE_D | PTE_U)))
				return (struct ref){ ref_page[k], 0, 0 };
			base = ppn << 12;
			continue;
		}
		if (!ref_allows(pte, k, priv, h->mstatus) ||
		    (ppn & ((1ULL << (9 * l)) - 1)))
			return (struct ref){ ref_page[k], 0, 0 };
		r.gpa = (ppn << 12 & ~((1ULL << (12 + 9 * l)) - 1)) |
			(va & ((1ULL << (12 + 9 * l)) - 1));
		r.leaf_gpa = a;
		return r;
	}
	return (struct ref){ ref_page[k], 0, 0 };
}

/* ---- one access, compared with the reference --------------------------- */

static void access_once(uint64_t va, int acc, unsigned size, uint64_t val)
{
	struct hart *h = &fm->h;
	struct ref r = ref_walk(h, va, acc);
	bool ram = in_ram(r.gpa, size);
	uint64_t got = 0, before = 0;
	struct tlb_entry *e;
	void *host = NULL;
	int rc;

	/* Past translation: RAM, the device page, or nothing. */
	if (!r.cause && !ram) {
		if (acc == ACC_FETCH)
			r.cause = EXC_INSN_ACCESS;
		else if ((r.gpa & ~0xfffULL) != DEV_PAGE)
			r.cause = acc == ACC_STORE  ? EXC_STORE_ACCESS
				  : acc == ACC_LOAD ? EXC_LOAD_ACCESS
						    : 0;
		if (acc == ACC_HOST)
			r.cause = EXC_LOAD_ACCESS;
	}
	if (!r.cause && ram)
		before = ram_get(r.gpa, size);
	switch (acc) {
	case ACC_LOAD: rc = mmu_load(h, va, size, &got); break;
	case ACC_STORE: rc = mmu_store(h, va, size, val); break;
	case ACC_FETCH: rc = mmu_fetch(h, va, &e); break;
	default: rc = mmu_host_ptr(h, va, 0, &host); break;
	}
	if (rc != r.cause) {
		fprintf(stderr,
			"va %#llx acc %d size %u satp %#llx priv %u "
			"mstatus %#llx: cause %d, reference %d\n",
			(unsigned long long)va, acc, size,
			(unsigned long long)h->satp, h->priv,
			(unsigned long long)h->mstatus, rc, r.cause);
		CHECK(rc == r.cause);
	}
	if (rc)
		return;
	if (acc == ACC_LOAD)
		CHECK(got == (ram ? before
				  : 0x5a5a5a5a5a5a5a5aULL >> (64 - 8 * size)));
	if (acc == ACC_STORE && ram)
		CHECK(ram_get(r.gpa, size) ==
		      (size == 8 ? val : val & ((1ULL << 8 * size) - 1)));
	if (acc == ACC_FETCH) {
		uint8_t *p = (uint8_t *)(uintptr_t)(va + e->addend);

		CHECK(e->gpa_page == (r.gpa & ~0xfffULL));
		CHECK(p == fm->ram + (r.gpa - RAM_BASE));
	}
	if (acc == ACC_HOST)
		CHECK(host == fm->ram + (r.gpa - RAM_BASE));
	if (r.leaf_gpa && (acc != ACC_STORE || r.leaf_gpa != (r.gpa & ~7ULL))) {
		uint64_t need = PTE_A | (acc == ACC_STORE ? PTE_D : 0);

		CHECK((ram_get(r.leaf_gpa, 8) & need) == need);
	}
}

/* ---- the input --------------------------------------------------------- */

/* A PTE as a guest would write it: mostly a RAM page or the device page
 * with any low flags, sometimes any bits at all. */
static uint64_t gen_pte(struct fz_in *in)
{
	uint8_t how = fz_u8(in);
	uint64_t flags = fz_u8(in) | (uint64_t)(fz_u8(in) & 3) << 8;
	uint64_t ppn;

	if (how < 16)
		return fz_u64(in);
	if (how < 200)
		ppn = (RAM_BASE >> 12) + how % (RAM_PAGES + 1);
	else if (how < 220)
		ppn = DEV_PAGE >> 12;
	else /* a superpage, aligned or not */
		ppn = ((RAM_BASE >> 12) & ~((1ULL << (9 * (how % 3))) - 1)) |
		      (how & 8);
	if (how % 7 == 0)
		flags |= (uint64_t)fz_u8(in) << 54; /* reserved bits */
	return ppn << 10 | flags;
}

static uint64_t recent_va[4]; /* where the last mappings were made */

/* A virtual address from four page-table indices (as the tables use
 * them), an offset and a sign; sometimes any value at all. */
static uint64_t gen_va(struct fz_in *in, unsigned size)
{
	uint8_t how = fz_u8(in);
	uint64_t va = 0;

	if (how < 16)
		return fz_u64(in) & ~(uint64_t)(size - 1);
	if (how < 128) /* near a recent mapping */
		return (recent_va[how % 4] & ~0xfffULL) |
		       (fz_u16(in) & 0xfff & ~(size - 1)) |
		       (how & 16 ? (uint64_t)(how & 7) << 12 : 0);
	for (int l = 3; l >= 0; l--)
		va |= (uint64_t)(fz_u8(in) % 8) << (12 + 9 * l);
	va |= fz_u16(in) & 0xfff & ~(size - 1);
	if (how & 1) /* sign-extend from bit 38 or 47 */
		va |= how & 2 ? ~((1ULL << 38) - 1) : ~((1ULL << 47) - 1);
	return va;
}

/* Map va with a leaf at the input's level as a kernel would: follow the
 * tables from the root, making a missing (invalid) pointer point to a RAM
 * page the input picks, then write the leaf (gen_pte's value, made valid). */
static void map_va(struct fz_in *in, uint64_t va)
{
	struct hart *h = &fm->h;
	unsigned levels = (h->satp >> 60) == SATP_MODE_SV48 ? 4 : 3;
	unsigned leaf = fz_u8(in) % levels;
	uint64_t table = (h->satp & ((1ULL << 44) - 1)) << 12;

	for (int l = (int)levels - 1; l >= 0; l--) {
		uint64_t a = table + ((va >> (12 + 9 * l)) & 511) * 8, pte;

		if (!in_ram(a, 8))
			return;
		if ((unsigned)l == leaf) {
			pte = gen_pte(in) | PTE_V;
			memcpy(fm->ram + (a - RAM_BASE), &pte, 8);
			return;
		}
		pte = ram_get(a, 8);
		if (!(pte & PTE_V) || (pte & (PTE_R | PTE_X))) {
			pte = ((RAM_BASE >> 12) + fz_u8(in) % RAM_PAGES) << 10 |
			      PTE_V;
			memcpy(fm->ram + (a - RAM_BASE), &pte, 8);
		}
		table = ((pte >> 10) & ((1ULL << 44) - 1)) << 12;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_in in = { data, size };
	struct cpu_bus bus;
	struct hart *h;
	uint8_t mode, priv, bits;
	uint64_t satp;

	if (!fm)
		fm = calloc(1, sizeof(*fm));
	CHECK(fm);
	h = &fm->h;
	bus = (struct cpu_bus){ &m_ops, fm };
	memset(fm->ram, 0, sizeof(fm->ram));
	memset(recent_va, 0, sizeof(recent_va));
	tables_changed = false;
	CHECK(hart_init(h, 0, RAM_BASE, &bus) == 0);
	mode = fz_u8(&in);
	priv = fz_u8(&in);
	bits = fz_u8(&in);
	satp = (uint64_t)(mode & 3 ? (mode & 3) == 1   ? SATP_MODE_SV39
				     : (mode & 3) == 2 ? SATP_MODE_SV48
						       : (uint64_t)(mode >> 4)
				   : SATP_MODE_BARE)
		       << 60 |
	       (uint64_t)(fz_u8(&in) & 0xff) << 44 |
	       ((RAM_BASE >> 12) + (mode >> 2) % RAM_PAGES);
	/* As M-mode firmware: satp (refused if the mode is unsupported),
	 * then the privilege and mstatus bits the input chose. */
	h->priv = PRIV_M;
	csr_write(h, CSR_SATP, satp);
	CHECK(mmu_satp_mode_ok(h->satp));
	h->mstatus &= ~(MSTATUS_SUM | MSTATUS_MXR | MSTATUS_MPRV | MSTATUS_MPP);
	h->mstatus |=
		(bits & 1 ? MSTATUS_SUM : 0) | (bits & 2 ? MSTATUS_MXR : 0) |
		(bits & 4 ? MSTATUS_MPRV : 0) |
		(uint64_t)(bits & 8 ? PRIV_S : PRIV_U) << MSTATUS_MPP_SHIFT;
	h->priv = priv % 3 == 2 ? PRIV_M : priv % 3;
	mmu_update_ctx(h);
	while (in.n) {
		uint8_t op = fz_u8(&in);
		unsigned pg = fz_u8(&in) % RAM_PAGES;

		if (op < 64) { /* a mapping */
			uint64_t va = gen_va(&in, 1);

			recent_va[op % 4] = va;
			map_va(&in, va);
			tables_changed = true;
		} else if (op < 96) { /* a PTE */
			unsigned idx = fz_u16(&in) % 512;

			if (op & 1)
				idx %= 8; /* where gen_va's indices look */
			uint64_t pte = gen_pte(&in);
			memcpy(fm->ram + pg * 4096 + idx * 8, &pte, 8);
			tables_changed = true;
		} else if (op < 112) { /* raw bytes */
			unsigned off = fz_u16(&in) % 4096, n = fz_u8(&in) % 64;

			n = n > 4096 - off ? 4096 - off : n;
			fz_bytes(&in, fm->ram + pg * 4096 + off, n);
			tables_changed = true;
		} else { /* an access, twice */
			int acc = op % 4;
			unsigned sz = acc == ACC_FETCH || acc == ACC_HOST
					      ? 1
					      : 1u << (op >> 2) % 4;
			uint64_t va = gen_va(&in, sz), val = fz_u64(&in);

			for (int k = 0; k < 2; k++) {
				/* sfence.vma after the tables changed (a
				 * store may have hit a PTE): the TLB never
				 * holds what the tables no longer say. */
				if (tables_changed || (op & 0x40))
					tlb_flush_all(&h->tlb);
				tables_changed = false;
				access_once(va, acc, sz, val);
				tables_changed |= acc == ACC_STORE;
			}
		}
	}
	hart_destroy(h);
	return 0;
}

/* Address translation (Bare, Sv39, Sv48) and the slow paths of guest memory
 * access: page walks with A/D updates, permission checks, soft-TLB fills,
 * misaligned and page-crossing accesses, MMIO dispatch.
 *
 * Everything here reads guest page tables, which are hostile: a walk has a
 * fixed number of levels, every PTE is read through bus->ram_page, and any
 * pointer outside RAM becomes an access fault for the guest.
 *
 * PMP is not enforced: pmpcfg/pmpaddr are stored (csr.c) and ignored here.
 * Svpbmt and Svnapot are not implemented, so PTE bits 63:54 must be zero.
 * A and D are updated by the walker (atomically), as QEMU does. */
#include <string.h>

#include "cpu/csr.h"
#include "cpu/exec.h"
#include "cpu/mmu.h"
#include "cpu/mmu_impl.h"
#include "cpu/trap.h"

/* A PTE that another hart keeps changing under our CAS: give up after this
 * many restarts and report a page fault (the guest retries). */
#define MMU_WALK_RETRIES 64

static const uint8_t cause_page[3] = { EXC_LOAD_PAGE, EXC_STORE_PAGE,
				       EXC_INSN_PAGE };
static const uint8_t cause_access[3] = { EXC_LOAD_ACCESS, EXC_STORE_ACCESS,
					 EXC_INSN_ACCESS };

/* Where an access goes: host bytes (RAM), or MMIO at gpa when host is NULL. */
struct mmu_target {
	uint8_t *host;
	uint64_t gpa;
};

int mmu_satp_mode_ok(uint64_t v)
{
	uint64_t mode = v >> 60;

	return mode == SATP_MODE_BARE || mode == SATP_MODE_SV39 ||
	       mode == SATP_MODE_SV48;
}

/* TLB class for data or fetch accesses at privilege p (U or S). */
static unsigned mmu_class(unsigned p, uint64_t mstatus, int fetch)
{
	bool mxr = !fetch && (mstatus & MSTATUS_MXR);

	if (p == PRIV_U)
		return mxr ? TLB_CLASS_U_MXR : TLB_CLASS_U;
	if (fetch || !(mstatus & MSTATUS_SUM))
		return mxr ? TLB_CLASS_S_MXR : TLB_CLASS_S;
	return mxr ? TLB_CLASS_S_SUM_MXR : TLB_CLASS_S_SUM;
}

/* A pre-shifted TLB context (tlb.h): slot and class. */
static inline uint32_t mmu_ctx(unsigned slot, unsigned cls)
{
	return (slot * 8 + cls) << 3;
}

void mmu_update_ctx(struct hart *h)
{
	unsigned slot = tlb_select_slot(&h->tlb, h->satp);
	unsigned dpriv = h->priv;

	/* MPRV makes M-mode loads and stores (not fetches) use MPP. */
	if (dpriv == PRIV_M && (h->mstatus & MSTATUS_MPRV))
		dpriv = (h->mstatus & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT;
	h->ctx_fetch = 0;
	h->ctx_data = 0;
	if (!slot)
		return;
	if (h->priv != PRIV_M)
		h->ctx_fetch = mmu_ctx(slot, mmu_class(h->priv, h->mstatus, 1));
	if (dpriv != PRIV_M)
		h->ctx_data = mmu_ctx(slot, mmu_class(dpriv, h->mstatus, 0));
}

/* A PTE page that is RAM but cannot be had now (PAGE_RETRY). */
#define MMU_PTE_RETRY ((uint64_t *)PAGE_RETRY)

/* The walk cache's miss: look the page-table page up and cache it. */
static __attribute__((noinline)) uint64_t *mmu_pte_fill(struct hart *h,
							uint64_t gpa,
							bool write)
{
	uint64_t page = gpa & ~PAGE_MASK;
	struct tlb_walk_cache *c = tlb_walk_slot(&h->tlb, page);
	uint8_t *p = mmu_ram_page(h, page, write);

	if (!p || p == PAGE_RETRY)
		return (uint64_t *)(void *)p;
	c->gpa_page = page;
	c->host = p;
	c->writable = write;
	return (uint64_t *)(void *)(p + (gpa & PAGE_MASK));
}

/* Host pointer to the PTE at gpa, through the walk cache.  NULL when the
 * page-table page is not RAM, MMU_PTE_RETRY when it must be retried later.
 * Inline: a walk asks once per level, and the cache almost always hits. */
static inline uint64_t *mmu_pte_ptr(struct hart *h, uint64_t gpa, bool write)
{
	uint64_t page = gpa & ~PAGE_MASK;
	const struct tlb_walk_cache *c = tlb_walk_slot(&h->tlb, page);

	if (__builtin_expect(c->gpa_page != page || (write && !c->writable), 0))
		return mmu_pte_fill(h, gpa, write);
	return (uint64_t *)(void *)(c->host + (gpa & PAGE_MASK));
}

/* Set A (and D for a store) in the leaf PTE at pte_gpa with a CAS, as the
 * hardware updater of the spec does.  Returns 0, 1 if the PTE changed under
 * us (restart the walk), or a negative value if the PTE is not in RAM. */
static int mmu_set_ad(struct hart *h, uint64_t pte_gpa, uint64_t pte,
		      uint64_t need)
{
	uint64_t *p = mmu_pte_ptr(h, pte_gpa, true);

	if (p == MMU_PTE_RETRY)
		return -2;
	if (!p)
		return -1;
	if (__atomic_compare_exchange_n(p, &pte, pte | need, false,
					__ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
		return 0;
	return 1;
}

/* One pass of the walk: 0 with the guest-physical address and the log2
 * mapping size set, a cause, or -1 to restart (the A/D CAS lost a race). */
static int mmu_walk_once(struct hart *h, uint64_t va, enum mmu_access acc,
			 unsigned cls, uint64_t *gpa, unsigned *shift)
{
	unsigned levels = (h->satp >> 60) == SATP_MODE_SV48 ? 4 : 3;
	uint64_t base = (h->satp & SATP_PPN_MASK) << 12;

	for (int lvl = (int)levels - 1; lvl >= 0; lvl--) {
		unsigned sh = 12 + 9 * (unsigned)lvl;
		uint64_t pte_gpa = base + ((va >> sh) & 511) * 8;
		uint64_t *p = mmu_pte_ptr(h, pte_gpa, false);
		uint64_t pte, ppn, need;

		if (p == MMU_PTE_RETRY)
			return EXC_RETRY;
		if (!p)
			return cause_access[acc];
		pte = __atomic_load_n(p, __ATOMIC_ACQUIRE);
		if (!(pte & PTE_V) || (pte & PTE_RESERVED) ||
		    ((pte & (PTE_R | PTE_W)) == PTE_W))
			return cause_page[acc];
		ppn = (pte >> 10) & PTE_PPN_MASK;
		if (!(pte & (PTE_R | PTE_X))) {
			/* A pointer to the next level.  Its D, A and U bits
			 * are reserved; QEMU faults on them, so do we. */
			if (pte & (PTE_D | PTE_A | PTE_U))
				return cause_page[acc];
			base = ppn << 12;
			continue;
		}
		if (!mmu_pte_allows(pte, acc, cls))
			return cause_page[acc];
		if (ppn & ((1ULL << (sh - 12)) - 1))
			return cause_page[acc]; /* misaligned superpage */
		need = PTE_A | (acc == MMU_STORE ? PTE_D : 0);
		if ((pte & need) != need) {
			int rc = mmu_set_ad(h, pte_gpa, pte, need);
			if (rc == -2)
				return EXC_RETRY;
			if (rc < 0)
				return cause_access[acc];
			if (rc > 0)
				return -1;
		}
		*gpa = ((ppn << 12) & ~((1ULL << sh) - 1)) |
		       (va & ((1ULL << sh) - 1));
		*shift = sh;
		return 0;
	}
	return cause_page[acc]; /* no leaf at the last level */
}

/* Translate va for acc in context ctx (pre-shifted).  Returns 0 with the
 * guest-physical address and the mapping's log2 size, or the cause. */
static int mmu_translate(struct hart *h, uint64_t va, enum mmu_access acc,
			 uint32_t ctx, uint64_t *gpa, unsigned *shift)
{
	unsigned vabits;
	int64_t top;

	*shift = 12;
	if (!ctx) {
		*gpa = va;
		return 0;
	}
	/* Bits above the VA width must all equal its top bit. */
	vabits = (h->satp >> 60) == SATP_MODE_SV48 ? 48 : 39;
	top = (int64_t)va >> (vabits - 1);
	if (top != 0 && top != -1)
		return cause_page[acc];
	h->stat_page_walks++;
	for (int n = 0; n < MMU_WALK_RETRIES; n++) {
		int rc = mmu_walk_once(h, va, acc, (ctx >> 3) & 7, gpa, shift);

		if (rc >= 0)
			return rc;
	}
	return cause_page[acc];
}

static struct tlb_entry *mmu_array(struct hart *h, enum mmu_access acc)
{
	if (acc == MMU_LOAD)
		return h->tlb.load;
	return acc == MMU_STORE ? h->tlb.store : h->tlb.fetch;
}

/* Translate va and find its host page, filling the TLB entry for RAM (a
 * store first invalidates pre-decoded code on the page).  0 or a cause. */
static int mmu_resolve(struct hart *h, uint64_t va, enum mmu_access acc,
		       struct mmu_target *t)
{
	uint32_t ctx = acc == MMU_FETCH ? h->ctx_fetch : h->ctx_data;
	struct tlb_entry *e = tlb_index(mmu_array(h, acc), va);
	uint64_t gpa = 0, page;
	unsigned shift;
	uint8_t *host;
	int rc;

	/* The page may be mapped although the access (misaligned) missed. */
	if (tlb_hit(mmu_array(h, acc), ctx, va, 1)) {
		t->host = (uint8_t *)(uintptr_t)(va + e->addend);
		t->gpa = e->gpa_page | (va & PAGE_MASK);
		return 0;
	}
	if (ctx) {
		t->host = mmu_fill_fast(h, va, acc, ctx, mmu_array(h, acc), e);
		if (t->host) {
			t->gpa = e->gpa_page | (va & PAGE_MASK);
			return 0;
		}
	}
	h->stat_tlb_miss++;
	rc = mmu_translate(h, va, acc, ctx, &gpa, &shift);
	if (rc)
		return rc;
	page = gpa & ~PAGE_MASK;
	t->gpa = gpa;
	t->host = NULL;
	host = mmu_ram_page(h, page, acc == MMU_STORE);
	if ((void *)host == PAGE_RETRY)
		return EXC_RETRY;
	if (!host)
		return acc == MMU_FETCH ? EXC_INSN_ACCESS : 0; /* MMIO */
	t->host = host + (va & PAGE_MASK);
	if (acc == MMU_STORE && code_cache_find(h, page)) {
		code_cache_invalidate(h, page);
		if (code_cache_find(h, page))
			return 0; /* still code: no store entry */
	}
	mmu_tlb_set(h, acc, mmu_array(h, acc), e, va, ctx, host, page, shift);
	return 0;
}

int mmu_host_ptr(struct hart *h, uint64_t va, int store, void **host)
{
	enum mmu_access acc = store ? MMU_STORE : MMU_LOAD;
	struct mmu_target t;
	int rc = mmu_resolve(h, va, acc, &t);

	if (rc)
		return rc;
	if (!t.host)
		return cause_access[acc]; /* MMIO: no host bytes to copy */
	*host = t.host;
	return 0;
}

/* Device access of `size` bytes at gpa (0 or 1 = access fault).  Devices
 * see naturally aligned 1/2/4/8-byte accesses only: anything else (the
 * part of a page-crossing access, a misaligned one) goes byte by byte. */
static int mmu_mmio(struct hart *h, uint64_t gpa, unsigned size, uint64_t *val,
		    bool write)
{
	const struct cpu_bus_ops *ops = h->bus.ops;
	uint64_t v = write ? *val : 0;

	if (!(size & (size - 1)) && !(gpa & (size - 1))) {
		if (write)
			return ops->mmio_write(h->bus.ctx, h, gpa, size, v) < 0;
		return ops->mmio_read(h->bus.ctx, h, gpa, size, val) < 0;
	}
	for (unsigned i = 0; i < size; i++) {
		uint64_t b = (v >> (8 * i)) & 0xff;

		if (write) {
			if (ops->mmio_write(h->bus.ctx, h, gpa + i, 1, b) < 0)
				return 1;
		} else {
			if (ops->mmio_read(h->bus.ctx, h, gpa + i, 1, &b) < 0)
				return 1;
			v |= (b & 0xff) << (8 * i);
		}
	}
	if (!write)
		*val = v;
	return 0;
}

/* n (1..8) bytes of guest RAM into / from the low bytes of v.  Sizes are
 * switched so that the common ones compile to one move (a libc call per
 * access shows in TLB-miss profiles). */
static inline uint64_t mmu_host_read(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;
	uint32_t w;
	uint16_t hw;

	switch (n) {
	case 1: return *p;
	case 2: memcpy(&hw, p, 2); return hw;
	case 4: memcpy(&w, p, 4); return w;
	case 8: memcpy(&v, p, 8); return v;
	default: memcpy(&v, p, n); return v;
	}
}

static inline void mmu_host_write(uint8_t *p, uint64_t v, unsigned n)
{
	uint32_t w = (uint32_t)v;
	uint16_t hw = (uint16_t)v;

	switch (n) {
	case 1: *p = (uint8_t)v; break;
	case 2: memcpy(p, &hw, 2); break;
	case 4: memcpy(p, &w, 4); break;
	default: memcpy(p, &v, n); break;
	}
}

/* Read or write n bytes (of *val, from byte `shift`) at a resolved target. */
static int mmu_target_access(struct hart *h, const struct mmu_target *t,
			     unsigned n, unsigned shift, uint64_t *val,
			     bool write)
{
	uint64_t part = *val >> (8 * shift);

	if (t->host) {
		if (write) {
			mmu_host_write(t->host, part, n);
			return 0;
		}
		part = mmu_host_read(t->host, n);
	} else if (mmu_mmio(h, t->gpa, n, &part, write)) {
		return write ? EXC_STORE_ACCESS : EXC_LOAD_ACCESS;
	}
	if (!write) {
		if (n < 8)
			part &= (1ULL << (8 * n)) - 1;
		*val |= part << (8 * shift);
	}
	return 0;
}

/* Load or store that crosses a page: both pages are translated before any
 * byte moves, so a fault leaves memory untouched.  A fault on the second
 * page reports that page's address (recorded for trap_raise). */
static int mmu_access_split(struct hart *h, uint64_t va, unsigned size,
			    uint64_t *val, enum mmu_access acc)
{
	uint64_t va2 = (va | PAGE_MASK) + 1;
	unsigned n1 = (unsigned)(va2 - va);
	struct mmu_target t1, t2;
	bool write = acc == MMU_STORE;
	int rc;

	h->tlb.fault_split = false;
	for (int tries = 0;; tries++) {
		uint64_t served = h->stat_shootdowns;

		rc = mmu_resolve(h, va, acc, &t1);
		if (rc)
			return rc;
		rc = mmu_resolve(h, va2, acc, &t2);
		if (rc) {
			h->tlb.fault_va = va;
			h->tlb.fault_tval = va2;
			h->tlb.fault_split = true;
			return rc;
		}
		/* The second page's slow path may have served a shootdown
		 * (a copy-on-write break waits for one): the first page's
		 * frame may be gone, so translate it again. */
		if (h->stat_shootdowns == served)
			break;
		if (tries == 3)
			return EXC_RETRY;
	}
	if (!write)
		*val = 0;
	rc = mmu_target_access(h, &t1, n1, 0, val, write);
	if (!rc)
		rc = mmu_target_access(h, &t2, size - n1, n1, val, write);
	return rc;
}

int mmu_load(struct hart *h, uint64_t va, unsigned size, uint64_t *val)
{
	struct mmu_target t;
	int rc;

	if ((va & PAGE_MASK) + size > 4096)
		return mmu_access_split(h, va, size, val, MMU_LOAD);
	/* Aligned and translated: the caller's TLB lookup missed for real,
	 * so the usual miss goes straight to the fast fill. */
	if (h->ctx_data && !(va & (size - 1))) {
		uint8_t *p =
			mmu_fill_fast(h, va, MMU_LOAD, h->ctx_data, h->tlb.load,
				      tlb_index(h->tlb.load, va));

		if (p) {
			*val = mmu_host_read(p, size);
			return 0;
		}
	}
	rc = mmu_resolve(h, va, MMU_LOAD, &t);
	if (rc)
		return rc;
	if (__builtin_expect(t.host != 0, 1)) { /* RAM: the common miss */
		*val = mmu_host_read(t.host, size);
		return 0;
	}
	*val = 0;
	return mmu_target_access(h, &t, size, 0, val, false);
}

int mmu_store(struct hart *h, uint64_t va, unsigned size, uint64_t val)
{
	struct mmu_target t;
	int rc;

	if ((va & PAGE_MASK) + size > 4096)
		return mmu_access_split(h, va, size, &val, MMU_STORE);
	if (h->ctx_data && !(va & (size - 1))) {
		uint8_t *p = mmu_fill_fast(h, va, MMU_STORE, h->ctx_data,
					   h->tlb.store,
					   tlb_index(h->tlb.store, va));

		if (p) {
			mmu_host_write(p, val, size);
			return 0;
		}
	}
	rc = mmu_resolve(h, va, MMU_STORE, &t);
	if (rc)
		return rc;
	if (__builtin_expect(t.host != 0, 1)) {
		mmu_host_write(t.host, val, size);
		return 0;
	}
	return mmu_target_access(h, &t, size, 0, &val, true);
}

int mmu_atomic_ptr(struct hart *h, uint64_t va, unsigned size, int is_lr,
		   void **host)
{
	enum mmu_access acc = is_lr ? MMU_LOAD : MMU_STORE;
	struct mmu_target t;
	int rc;

	/* Alignment is checked before translation, as QEMU does. */
	if (va & (size - 1))
		return is_lr ? EXC_LOAD_MISALIGNED : EXC_STORE_MISALIGNED;
	rc = mmu_resolve(h, va, acc, &t);
	if (rc)
		return rc;
	if (!t.host)
		return cause_access[acc]; /* no atomics on devices */
	*host = t.host;
	return 0;
}

int mmu_fetch(struct hart *h, uint64_t va, struct tlb_entry **e)
{
	struct mmu_target t;
	int rc;

	if (!tlb_hit(h->tlb.fetch, h->ctx_fetch, va, 1)) {
		rc = mmu_resolve(h, va, MMU_FETCH, &t);
		if (rc)
			return rc;
	}
	*e = tlb_index(h->tlb.fetch, va);
	return 0;
}

int mmu_fetch_bytes(struct hart *h, uint64_t va, void *buf, unsigned len,
		    uint64_t *fault_va)
{
	uint8_t *out = buf;

	while (len) {
		unsigned n = 4096 - (unsigned)(va & PAGE_MASK);
		struct tlb_entry *e;
		int rc = mmu_fetch(h, va, &e);

		if (rc) {
			*fault_va = va;
			return rc;
		}
		if (n > len)
			n = len;
		memcpy(out, (const void *)(uintptr_t)(va + e->addend), n);
		va += n;
		out += n;
		len -= n;
	}
	return 0;
}

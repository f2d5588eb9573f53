/* Soft TLB management: ASID slots, flushes and reverse (guest-physical)
 * invalidation.  The lookup fast path is inline in tlb.h; mmu.c fills.
 *
 * Slot life cycle: FREE (no entry in the arrays carries its number) ->
 * LIVE (stands for one satp value) -> RETIRED (flushed: its entries are
 * dead but still in the arrays) -> FREE again only when the arrays are
 * wiped.  The current slot is never retired, since the hart's contexts
 * carry its number: its entries are dropped by scanning instead. */
#include <string.h>

#include "cpu/csr.h"
#include "cpu/tlb.h"

enum { SLOT_FREE = 0, SLOT_LIVE = 1, SLOT_RETIRED = 2 };

static inline unsigned tlb_tag_slot(uint64_t tag)
{
	return (unsigned)(tag >> 6) & (TLB_ASID_SLOTS - 1);
}

static inline uint16_t tlb_satp_asid(uint64_t satp)
{
	return (uint16_t)(satp >> 44);
}

static void tlb_clear_array(struct tlb_entry *arr)
{
	for (unsigned i = 0; i < TLB_ENTRIES; i++) {
		arr[i].tag = TLB_TAG_INVALID;
		arr[i].code = NULL;
	}
}

static void tlb_drop(struct tlb_entry *e)
{
	e->tag = TLB_TAG_INVALID;
	e->code = NULL;
}

static void tlb_walk_forget(struct tlb *t)
{
	for (unsigned i = 0; i < TLB_WALK_ENTRIES; i++)
		t->walk[i].gpa_page = TLB_TAG_INVALID;
}

/* Every page-walk cache entry goes: a new generation, and when the
 * generation's 16 bits wrap, an empty array (no old key can match). */
static void tlb_pwc_forget(struct tlb *t)
{
	if (!(++t->pwc_gen & 0xffff))
		for (unsigned i = 0; i < TLB_PWC_ENTRIES; i++)
			t->pwc[i].key = TLB_TAG_INVALID;
}

void tlb_init(struct tlb *t)
{
	memset(t, 0, sizeof(*t));
	tlb_clear_array(t->load);
	tlb_clear_array(t->store);
	tlb_clear_array(t->fetch);
	tlb_walk_forget(t);
	for (unsigned i = 0; i < TLB_PWC_ENTRIES; i++)
		t->pwc[i].key = TLB_TAG_INVALID;
}

/* Empty every array; keep live slots (they now have no entries), free the
 * retired ones. */
void tlb_wipe(struct tlb *t)
{
	tlb_clear_array(t->load);
	tlb_clear_array(t->store);
	tlb_clear_array(t->fetch);
	tlb_walk_forget(t);
	tlb_pwc_forget(t);
	t->slots_used = 0;
	for (unsigned s = 1; s < TLB_ASID_SLOTS; s++) {
		if (t->slot_live[s] == SLOT_RETIRED)
			t->slot_live[s] = SLOT_FREE;
		if (t->slot_live[s] == SLOT_LIVE)
			t->slots_used++;
	}
	t->super_n = 0;
	t->has_superpage = false;
	t->stat_wipes++;
}

static unsigned tlb_find_free(const struct tlb *t)
{
	for (unsigned s = 1; s < TLB_ASID_SLOTS; s++)
		if (t->slot_live[s] == SLOT_FREE)
			return s;
	return 0;
}

/* A free slot number.  When none is left, wipe the arrays (retired slots
 * become free); if every slot is live, the wipe left them all empty, so all
 * but the current one can be forgotten. */
static unsigned tlb_alloc_slot(struct tlb *t)
{
	unsigned s = tlb_find_free(t);

	if (s)
		return s;
	tlb_wipe(t);
	s = tlb_find_free(t);
	if (s)
		return s;
	for (s = 1; s < TLB_ASID_SLOTS; s++)
		if (s != t->cur_slot)
			t->slot_live[s] = SLOT_FREE;
	t->slots_used = t->cur_slot ? 1 : 0;
	return tlb_find_free(t);
}

unsigned tlb_select_slot(struct tlb *t, uint64_t satp)
{
	unsigned s = t->cur_slot;

	if ((satp >> 60) == SATP_MODE_BARE) {
		t->cur_slot = 0;
		return 0;
	}
	if (s && t->slot_live[s] == SLOT_LIVE && t->slot_satp[s] == satp)
		return s;
	for (s = 1; s < TLB_ASID_SLOTS; s++) {
		if (t->slot_live[s] == SLOT_LIVE && t->slot_satp[s] == satp) {
			t->cur_slot = (uint8_t)s;
			return s;
		}
	}
	s = tlb_alloc_slot(t);
	t->slot_live[s] = SLOT_LIVE;
	t->slot_satp[s] = satp;
	t->slots_used++;
	t->cur_slot = (uint8_t)s;
	return s;
}

/* Drop the entries of slot s from every array (the current slot, which
 * cannot be renumbered). */
static void tlb_scan_slot(struct tlb *t, unsigned s)
{
	struct tlb_entry *arrs[3] = { t->load, t->store, t->fetch };

	for (unsigned a = 0; a < 3; a++) {
		struct tlb_entry *arr = arrs[a];

		for (unsigned i = 0; i < TLB_ENTRIES; i++)
			if (arr[i].tag != TLB_TAG_INVALID &&
			    tlb_tag_slot(arr[i].tag) == s)
				tlb_drop(&arr[i]);
	}
}

/* Flush the translated entries of slot s (retire it, or scan if current). */
static void tlb_flush_slot(struct tlb *t, unsigned s)
{
	if (s == t->cur_slot)
		tlb_scan_slot(t, s);
	else
		t->slot_live[s] = SLOT_RETIRED;
}

void tlb_flush_all(struct tlb *t)
{
	for (unsigned s = 1; s < TLB_ASID_SLOTS; s++)
		if (t->slot_live[s] == SLOT_LIVE)
			tlb_flush_slot(t, s);
	/* Only untranslated entries are left, and none is a superpage.  The
	 * walk cache goes too: this also serves REQ_TLB_FLUSH (P2M changes). */
	tlb_walk_forget(t);
	tlb_pwc_forget(t);
	t->super_n = 0;
	t->has_superpage = false;
	t->stat_flush_all++;
}

void tlb_flush_asid(struct tlb *t, uint16_t asid)
{
	for (unsigned s = 1; s < TLB_ASID_SLOTS; s++)
		if (t->slot_live[s] == SLOT_LIVE &&
		    tlb_satp_asid(t->slot_satp[s]) == asid)
			tlb_flush_slot(t, s);
	tlb_pwc_forget(t);
	t->stat_flush_all++;
}

/* Drop every translated entry whose page lies in [lo, hi]. */
static void tlb_flush_range(struct tlb *t, uint64_t lo, uint64_t hi)
{
	struct tlb_entry *arrs[3] = { t->load, t->store, t->fetch };

	for (unsigned a = 0; a < 3; a++) {
		struct tlb_entry *arr = arrs[a];

		for (unsigned i = 0; i < TLB_ENTRIES; i++) {
			uint64_t tag = arr[i].tag;
			uint64_t page = tag & ~0xfffULL;

			if (tag != TLB_TAG_INVALID && (tag & 0xff8) != 0 &&
			    page >= lo && page <= hi)
				tlb_drop(&arr[i]);
		}
	}
}

void tlb_flush_va(struct tlb *t, uint64_t va)
{
	unsigned i = (unsigned)(va >> 12) & TLB_MASK;

	tlb_drop(&t->load[i]);
	tlb_drop(&t->store[i]);
	tlb_drop(&t->fetch[i]);
	tlb_drop(&t->load[i + TLB_SIZE]);
	tlb_drop(&t->store[i + TLB_SIZE]);
	tlb_drop(&t->fetch[i + TLB_SIZE]);
	/* The guest may have changed a non-leaf PTE too (Linux uses the
	 * address form when it frees page tables of a small range). */
	tlb_pwc_forget(t);
	/* va may lie in a cached superpage, whose 4 KiB pieces sit at other
	 * indices: drop the whole range that covers them. */
	for (unsigned r = 0; r < t->super_n;) {
		if (va < t->super_lo[r] || va > t->super_hi[r]) {
			r++;
			continue;
		}
		tlb_flush_range(t, t->super_lo[r], t->super_hi[r]);
		/* Nothing cached is left in that range: forget it. */
		t->super_n--;
		t->super_lo[r] = t->super_lo[t->super_n];
		t->super_hi[r] = t->super_hi[t->super_n];
	}
	t->has_superpage = t->super_n != 0;
	t->stat_flush_page++;
}

/* Four gpfns compared at once (SSE2 on x86-64, whatever the target has
 * elsewhere): GCC does not vectorize the scalar loop at -O2, which cost
 * 1.4 us per tlb_flush_gpa on this host against 0.3 us this way. */
typedef uint32_t tlb_v4u __attribute__((vector_size(16)));

/* Drop arr's entries of gpa_page.  The compact gpfn array says where to
 * look: a block of 64 with no candidate is skipped after 16 vector
 * compares. */
static void tlb_flush_gpa_array(struct tlb_entry *arr, const uint32_t *gpfn,
				uint64_t gpa_page)
{
	uint32_t want = (uint32_t)(gpa_page >> 12);
	tlb_v4u w = { want, want, want, want };

	for (unsigned b = 0; b < TLB_ENTRIES; b += 64) {
		tlb_v4u cand = { 0, 0, 0, 0 };

		for (unsigned i = b; i < b + 64; i += 4) {
			tlb_v4u x;

			memcpy(&x, &gpfn[i], sizeof(x));
			cand |= (tlb_v4u)(x == w);
		}
		if (!(cand[0] | cand[1] | cand[2] | cand[3]))
			continue;
		for (unsigned i = b; i < b + 64; i++)
			if (gpfn[i] == want && arr[i].tag != TLB_TAG_INVALID &&
			    arr[i].gpa_page == gpa_page)
				tlb_drop(&arr[i]);
	}
}

void tlb_flush_gpa(struct tlb *t, uint64_t gpa_page)
{
	gpa_page &= ~0xfffULL;
	tlb_flush_gpa_array(t->load, t->gpfn[0], gpa_page);
	tlb_flush_gpa_array(t->store, t->gpfn[1], gpa_page);
	tlb_flush_gpa_array(t->fetch, t->gpfn[2], gpa_page);
	if (tlb_walk_slot(t, gpa_page)->gpa_page == gpa_page)
		tlb_walk_slot(t, gpa_page)->gpa_page = TLB_TAG_INVALID;
	t->stat_flush_gpa++;
}

void tlb_flush_gpa_store(struct tlb *t, uint64_t gpa_page)
{
	tlb_flush_gpa_array(t->store, t->gpfn[1], gpa_page & ~0xfffULL);
}

void tlb_forget_code(struct tlb *t, const struct code_page *cp)
{
	for (unsigned i = 0; i < TLB_ENTRIES; i++)
		if (t->fetch[i].code == cp)
			t->fetch[i].code = NULL;
}

/* Add [lo, hi] to the superpage ranges, merging with one it touches; when
 * all are taken, widen the last one (an over-approximation is safe). */
void tlb_note_superpage(struct tlb *t, uint64_t va, unsigned shift)
{
	uint64_t lo = va & ~((1ULL << shift) - 1);
	uint64_t hi = lo + ((1ULL << shift) - 1);
	unsigned r;

	t->has_superpage = true;
	for (r = 0; r < t->super_n; r++) {
		bool below = hi < t->super_lo[r] && t->super_lo[r] - hi > 1;
		bool above = lo > t->super_hi[r] && lo - t->super_hi[r] > 1;

		if (!below && !above)
			break;
	}
	if (r == t->super_n) {
		if (r < TLB_SUPER_RANGES) {
			t->super_lo[r] = lo;
			t->super_hi[r] = hi;
			t->super_n++;
			return;
		}
		r = TLB_SUPER_RANGES - 1;
	}
	if (lo < t->super_lo[r])
		t->super_lo[r] = lo;
	if (hi > t->super_hi[r])
		t->super_hi[r] = hi;
}

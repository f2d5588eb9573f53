/* The soft TLB: guest-virtual page -> host pointer, tagged by context.
 *
 * It is atoll's shadow page table.  Three direct-mapped arrays (load, store,
 * fetch), indexed by virtual page number.  An entry's tag is
 *
 *     (va & ~0xfff) | ctx << 3
 *
 * where ctx (9 bits) = asid_slot * 8 + class.  A lookup computes
 * (va & (~0xfff | (size - 1))) | ctx << 3, so ONE compare checks page,
 * context and natural alignment: a misaligned access never hits and goes to
 * the slow path.  ctx 0 means "no translation" (M-mode, or satp = Bare);
 * ctx 511 is never used, so TLB_TAG_INVALID (all ones) never matches.
 *
 * Classes (access rights differ, so entries are not shared among them):
 *   0 untranslated, 1 U, 2 U+MXR, 3 S, 4 S+SUM, 5 S+MXR, 6 S+SUM+MXR.
 * asid_slot (1..63) names one satp value (mode, ASID, root) this hart has
 * used.  Flushing an ASID retires its slot instead of scanning; the arrays
 * are wiped only when slots run out.  So traps, privilege changes and satp
 * writes flush nothing, and sfence.vma with an address drops one index.
 *
 * Victims: each array holds TLB_SIZE entries more, arr[i + TLB_SIZE] being
 * the last entry a load or store fill evicted from arr[i] (fetch fills
 * keep none).  Every lookup tries arr[i] first; a miss there tries the
 * victim (the translator's inline check out of line, mmu_fill_fast for
 * the interpreter, which swaps the two).  Two hot pages sharing an index
 * no longer evict each other on every access: in a Linux guest's 1 MiB
 * direct I/O path they did, several hundred times a request
 * (docs/jit.md, "Linux's block I/O path").  Every flush drops victims as it
 * drops the entries they came from.
 */
#ifndef ATOLL_CPU_TLB_H
#define ATOLL_CPU_TLB_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* tlb_load/tlb_store move the low bytes of a uint64_t. */
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
	       "the soft TLB assumes a little-endian host");

#define TLB_BITS 10
#define TLB_SIZE (1u << TLB_BITS)
#define TLB_MASK (TLB_SIZE - 1)
/* Entries per array: TLB_SIZE indexed ones, then their victims. */
#define TLB_ENTRIES (2 * TLB_SIZE)
#define TLB_TAG_INVALID (~0ULL)
#define TLB_ASID_SLOTS 64

enum tlb_class {
	TLB_CLASS_BARE = 0,
	TLB_CLASS_U = 1,
	TLB_CLASS_U_MXR = 2,
	TLB_CLASS_S = 3,
	TLB_CLASS_S_SUM = 4,
	TLB_CLASS_S_MXR = 5,
	TLB_CLASS_S_SUM_MXR = 6,
};

struct code_page;

/* Superpage VA ranges and walk-cache levels tracked (see struct tlb). */
#define TLB_SUPER_RANGES 4
#define TLB_WALK_ENTRIES 64 /* page-table pages cached, a power of two */
#define TLB_PWC_ENTRIES 64 /* 2 MiB regions' leaf tables, a power of two */

struct tlb_entry {
	uint64_t tag;
	uintptr_t addend; /* host address = va + addend */
	uint64_t gpa_page; /* guest-physical page, for reverse invalidation */
	struct code_page
		*code; /* fetch array only: pre-decoded page, or NULL */
};

struct tlb {
	struct tlb_entry load[TLB_ENTRIES];
	struct tlb_entry store[TLB_ENTRIES];
	struct tlb_entry fetch[TLB_ENTRIES];
	uint64_t slot_satp
		[TLB_ASID_SLOTS]; /* satp value a live slot stands for */
	uint8_t slot_live[TLB_ASID_SLOTS];
	uint8_t slots_used; /* slots handed out since the last wipe */
	uint8_t cur_slot; /* slot of the current satp, 0 if Bare */
	bool has_superpage; /* a superpage was cached: sfence.vma addr flushes all */
	uint64_t stat_flush_all, stat_flush_page, stat_flush_gpa, stat_wipes;

	/* Added by the MMU (mmu.c/tlb.c internals, not for the fast path).
	 *
	 * Inclusive VA ranges that cover every cached superpage entry (merged,
	 * so an over-approximation).  sfence.vma addr drops the whole range
	 * only when addr falls in one, instead of flushing everything as soon
	 * as any superpage is cached (Linux maps its linear map with them). */
	uint64_t super_lo[TLB_SUPER_RANGES], super_hi[TLB_SUPER_RANGES];
	uint8_t super_n;
	/* Walk cache: host page that bus->ram_page gave for a page-table
	 * page, direct-mapped by its gpa (gpa_page = TLB_TAG_INVALID: none).
	 * It keeps the leaf tables of a large mapping, so a TLB miss usually
	 * costs no P2M lookup for the PTE.  Dropped with the gpa's other
	 * mappings by tlb_flush_gpa, and by tlb_flush_all and tlb_wipe (which
	 * also serve REQ_TLB_FLUSH after P2M changes). */
	struct tlb_walk_cache {
		uint64_t gpa_page;
		uint8_t *host;
		bool writable;
	} walk[TLB_WALK_ENTRIES];
	/* Page-walk cache (mmu_fast.c): for a 2 MiB region of a context's
	 * address space, the guest-physical address of the leaf page table
	 * that its walk reached through plain pointer PTEs, so a miss reads
	 * one PTE instead of three or four.  Direct-mapped by va >> 21; the
	 * key holds the region, the ASID slot and pwc_gen.  It caches
	 * non-leaf PTEs, as the privileged spec lets a hart do until the
	 * next sfence.vma: every sfence.vma (any form), ASID flush and wipe
	 * bumps pwc_gen (tlb_pwc_forget).  P2M changes need nothing: the
	 * host address of the table comes from the walk cache. */
	struct tlb_pwc {
		uint64_t key;
		uint64_t leaf_pt;
	} pwc[TLB_PWC_ENTRIES];
	uint32_t pwc_gen;
	/* A misaligned access whose SECOND page faulted: mmu_load/mmu_store
	 * return the cause and the caller raises it with tval = va, but the
	 * spec (and QEMU) report the faulting page's address.  trap_raise
	 * substitutes fault_tval when it sees tval == fault_va. */
	uint64_t fault_va, fault_tval;
	bool fault_split;
	/* Per entry of load, store and fetch (enum mmu_access order): the
	 * low 32 bits of its gpa_page >> 12, written with the entry (mmu.c),
	 * so tlb_flush_gpa scans 24 KiB instead of the 192 KiB of the entries
	 * (6 us on this host, paid by every copy-on-write break).  A stale
	 * value only costs a look at the entry itself. */
	uint32_t gpfn[3][TLB_ENTRIES];
};

static inline struct tlb_walk_cache *tlb_walk_slot(struct tlb *t,
						   uint64_t gpa_page)
{
	return &t->walk[(gpa_page >> 12) & (TLB_WALK_ENTRIES - 1)];
}

/* The page-walk cache's key of va's 2 MiB region in ASID slot `slot`. */
static inline uint64_t tlb_pwc_key(const struct tlb *t, uint64_t va,
				   unsigned slot)
{
	return ((va >> 21) & ((1ULL << 27) - 1)) << 24 | (uint64_t)slot << 16 |
	       (t->pwc_gen & 0xffff);
}

static inline uint64_t tlb_key(uint64_t va, unsigned size, uint32_t ctx_shifted)
{
	return (va & (~0xfffULL | (uint64_t)(size - 1))) | ctx_shifted;
}

static inline struct tlb_entry *tlb_index(struct tlb_entry *arr, uint64_t va)
{
	return &arr[(va >> 12) & TLB_MASK];
}

/* THE soft-TLB fast path, the one lookup every guest access uses (loads,
 * stores, FP, atomics, fetch): the entry of arr that maps a `size`-byte
 * access at va in context ctx, or NULL on a miss (also for a misaligned
 * access, see above).  One index, one compare; no calls, no locks.  The
 * JIT emits the same check inline, so the entry layout (tag, addend) and
 * the key are an interface: change them together. */
static inline __attribute__((always_inline)) struct tlb_entry *tlb_hit(
	struct tlb_entry *arr, uint32_t ctx, uint64_t va, unsigned size)
{
	struct tlb_entry *e = tlb_index(arr, va);

	if (__builtin_expect(e->tag != tlb_key(va, size, ctx), 0))
		return 0;
	return e;
}

/* Load/store of `size` (1, 2, 4, 8) bytes through the TLB: true on a hit,
 * with the access done; on a miss the caller uses mmu_load()/mmu_store(). */
static inline __attribute__((always_inline)) bool tlb_load(
	struct tlb *t, uint32_t ctx, uint64_t va, unsigned size, uint64_t *val)
{
	const struct tlb_entry *e = tlb_hit(t->load, ctx, va, size);
	uint64_t v = 0; /* little-endian host: the low bytes */

	if (!e)
		return false;
	memcpy(&v, (const void *)(uintptr_t)(va + e->addend), size);
	*val = v;
	return true;
}

static inline __attribute__((always_inline)) bool tlb_store(
	struct tlb *t, uint32_t ctx, uint64_t va, unsigned size, uint64_t val)
{
	const struct tlb_entry *e = tlb_hit(t->store, ctx, va, size);

	if (!e)
		return false;
	/* little-endian host: the low bytes */
	memcpy((void *)(uintptr_t)(va + e->addend), &val, size);
	return true;
}

/* Management (tlb.c).  All run on the hart's own thread; other threads ask
 * through hart_request(REQ_TLB_FLUSH). */
void tlb_init(struct tlb *t);
/* satp changed (or privilege made translation start/stop): pick the slot
 * for this satp value, allocating or recycling one.  Returns the slot. */
unsigned tlb_select_slot(struct tlb *t, uint64_t satp);
/* Flushes never renumber the current slot (its entries are dropped by a
 * scan instead), so h->ctx_fetch/ctx_data stay valid across every call
 * below: no mmu_update_ctx is needed after a flush or wipe. */
/* sfence.vma x0, x0: every translated entry goes (slots retired). */
void tlb_flush_all(struct tlb *t);
/* sfence.vma va, asid-or-all: the entry at va's index, any context. */
void tlb_flush_va(struct tlb *t, uint64_t va);
/* sfence.vma x0, asid: retire the slots of that ASID. */
void tlb_flush_asid(struct tlb *t, uint16_t asid);
/* Shadow coherence: drop every entry (load, store, fetch; all contexts,
 * including untranslated) that maps guest-physical page gpa_page.  This is
 * what the memory manager calls when a P2M entry changes. */
void tlb_flush_gpa(struct tlb *t, uint64_t gpa_page);
/* Drop only store entries of gpa_page (a page became code). */
void tlb_flush_gpa_store(struct tlb *t, uint64_t gpa_page);
/* Forget pre-decoded page pointers cached in fetch entries. */
void tlb_forget_code(struct tlb *t, const struct code_page *cp);
void tlb_wipe(struct tlb *t);
/* mmu.c filled an entry from a superpage of 2^shift bytes that holds va:
 * remember its range for tlb_flush_va. */
void tlb_note_superpage(struct tlb *t, uint64_t va, unsigned shift);

#endif

/* Internals shared by the translator (jit_translate.c) and the code cache
 * and dispatcher (jit_cache.c). */
#ifndef ATOLL_CPU_JIT_IMPL_H
#define ATOLL_CPU_JIT_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cpu/exec.h"
#include "cpu/hart.h"
#include "cpu/jit.h"

/* What a block returns to the dispatcher (h->pc is always set):
 *   JIT_EXIT_LOOKUP  continue at h->pc (look it up);
 *   JIT_EXIT_HOT     continue at h->pc, an inner loop's head left when
 *                    the budget ran out: translate it now if it is not
 *                    (it runs often; interpreting from the middle of a
 *                    loop would land anywhere, at pcs rarely hot);
 *   JIT_EXIT_STEP    the interpreter runs the instruction at h->pc (one
 *                    the translator left out, or a load/store that missed
 *                    the soft TLB: it takes the slow path there);
 *   JIT_EXIT_OUT     continue at h->pc after hart_run looked outside (a
 *                    CSR write that may have enabled an interrupt, or
 *                    changed translation: as the interpreter leaves its
 *                    loop after one);
 *   anything else    the executable address of a jmp rel32 that leads to
 *                    h->pc in the same page: patch it once that block
 *                    exists (direct chaining). */
#define JIT_EXIT_LOOKUP 0
#define JIT_EXIT_STEP 1
#define JIT_EXIT_HOT 2
#define JIT_EXIT_OUT 3

#define JIT_CACHE_SIZE (4u << 20) /* code cache per hart (docs/jit.md) */
/* The size new code caches get: JIT_CACHE_SIZE, smaller in tests that
 * fill it (at least 2 * JIT_BLOCK_ROOM). */
extern size_t jit_cache_size;
#define JIT_BLOCK_MAX_INSNS 64 /* guest instructions per block */
#define JIT_BLOCK_ROOM (32u << 10) /* bytes a block may need, at most */
/* Generated code holds the hart in rbp, this many bytes past its start
 * (x1..x31 then sit within an 8-bit displacement). */
#define JIT_HART_BIAS 128
#define JIT_JC_BITS 15 /* lookup table: 32768 entries */
#define JIT_JC_SIZE (1u << JIT_JC_BITS)

/* Lookup entry: block for guest-virtual pc in the code page instance gen
 * (code_page.gen: a decoded page that is dropped never comes back with
 * the same gen, so its translations are unreachable at once). */
struct jit_entry {
	uint64_t pc;
	uint64_t gen;
	const uint8_t *code; /* executable address; JIT_NONE: interpret */
};

/* A block in the map of translations (jit_map.c): what a lookup table
 * entry says, kept until the next flush, and the next record whose pc
 * has the same hash. */
struct jit_rec {
	uint64_t pc;
	uint64_t gen;
	const uint8_t *code;
	uint32_t next;
};
/* Blocks (and pcs found untranslatable) between two flushes: the map is
 * full at JIT_MAP_MAX - 1 (docs/jit.md, "The lookup table"). */
#define JIT_MAP_BITS 13
#define JIT_MAP_HEADS (1u << JIT_MAP_BITS)
#define JIT_MAP_MAX (1u << 14)
/* Visits to a pc not translated yet, in the page instance gen; last: the
 * hart's count of cold visits (jit.cold_seq) at its latest (pc 0: free). */
struct jit_cold {
	uint64_t pc;
	uint64_t gen;
	uint32_t seen;
	uint32_t last;
};
/* Counts of cold pcs: 8192 in sets of two (jit_map.c says why two). */
#define JIT_COLD_SET_BITS 12
#define JIT_COLD_WAYS 2
/* A count not visited for this many cold visits of the hart is stale:
 * any newcomer may take its way. */
#define JIT_COLD_IDLE (1u << 14)

/* "No translation starts here": the first instruction is one the
 * translator leaves to the interpreter. */
#define JIT_NONE ((const uint8_t *)1)
/* Not translated yet: the dispatcher has come to pc fewer than jit_hot
 * times (cold code runs in the interpreter until then; code that runs a
 * few times, as most of a boot does, costs more to translate than to
 * interpret).  Those visits are counted in a table of their own, so a
 * cold pc never takes a translated block's place.  Any code below
 * JIT_CODE_MIN is not a translation. */
#define JIT_COLD 2u
#define JIT_CODE_MIN 256u
#define JIT_HOT 16 /* jit_hot's default */
#define JIT_HOT_MAX 250 /* the most ATOLL_JIT_HOT may ask (docs/jit.md) */
/* Times the dispatcher comes to a pc before it is translated (1: at once,
 * as tests that compare translations need; at most JIT_HOT_MAX;
 * ATOLL_JIT_HOT in the environment sets it). */
extern unsigned jit_hot;
/* The host has BMI2 (rorx shortens the inline soft-TLB check); set before
 * main, cleared by tests of the other form. */
extern bool jit_bmi2;
/* Instructions between two looks outside (timers, interrupts, requests
 * from other threads): JIT_BUDGET, four times the interpreter's
 * EXEC_BUDGET, about as long at the translator's speed (a few
 * microseconds) for a quarter of the trips through the dispatcher; the
 * fuzzer makes it small, so blocks and loops run out of it anywhere. */
#define JIT_BUDGET (4 * EXEC_BUDGET)
extern unsigned jit_budget;
/* Instructions the interpreter runs per visit of cold code. */
#define JIT_COLD_RUN 32

typedef uintptr_t (*jit_enter_fn)(struct hart *h, const uint8_t *code);

struct jit {
	uint8_t *rw, *rx; /* the two views of the code cache */
	size_t size, used, base; /* base: end of the fixed stubs */
	/* The writable view's pages below trimmed were dropped from it, but
	 * for those chain patches wrote since, from patched on (jit_trim). */
	size_t trimmed, patched;
	jit_enter_fn enter; /* prologue: (h, code) -> exit value */
	const uint8_t *epilogue; /* executable address blocks jump to */
	struct jit_stats st; /* translate_ns: see jit_get_stats */
	/* Translation time, sampled (jit_cache.c): the CPU time of the
	 * timed translations, their instructions, translations since the
	 * last timed one (mod JIT_TIME_EVERY); the writable view's trims,
	 * all timed. */
	uint64_t timed_ns, timed_insns, trim_ns;
	unsigned untimed;
	struct jit_entry jc[JIT_JC_SIZE];
	/* jit_map.c: every block translated since the last flush. */
	uint32_t nmap; /* records in use: map[1..nmap] (0: end of chain) */
	uint32_t heads[JIT_MAP_HEADS]; /* chains by jit_map_hash(pc) */
	struct jit_rec map[JIT_MAP_MAX];
	struct jit_cold cold[JIT_COLD_WAYS << JIT_COLD_SET_BITS];
	uint32_t cold_seq; /* cold visits counted (wraps) */
};

/* Fibonacci hashing: the top bits of the product depend on all of pc's. */
static inline uint32_t jit_hash(uint64_t pc, unsigned bits)
{
	return (uint32_t)((pc >> 1) * 0x9e3779b97f4a7c15ULL >> (64 - bits));
}

/* The set of the cold counts where pc is counted (JIT_COLD_WAYS ways). */
static inline struct jit_cold *jit_cold_set(struct jit *j, uint64_t pc)
{
	return &j->cold[jit_hash(pc, JIT_COLD_SET_BITS) * JIT_COLD_WAYS];
}

static inline struct jit_entry *jit_slot(struct jit *j, uint64_t pc)
{
	return &j->jc[((pc >> 1) ^ (pc >> (JIT_JC_BITS + 1))) &
		      (JIT_JC_SIZE - 1)];
}

/* jit_map.c: the code of the block for pc in page instance gen translated
 * since the last flush, or NULL; *again: a block for pc in another
 * instance of its page was (the page was dropped and decoded again). */
const uint8_t *jit_map_find(const struct jit *j, uint64_t pc, uint64_t gen,
			    bool *again);
/* Record the block for (pc, gen); the map must not be full. */
void jit_map_add(struct jit *j, uint64_t pc, uint64_t gen, const uint8_t *code);
static inline bool jit_map_full(const struct jit *j)
{
	return j->nmap >= JIT_MAP_MAX - 1;
}
/* Forget every record and empty the lookup table (the code cache was
 * flushed; the table holds only blocks of the map). */
void jit_map_clear(struct jit *j);
/* Count a visit of the dispatcher to pc (in page instance gen), which has
 * no translation; returns the visits counted so far, this one included.
 * A count lost to another cold pc sharing its set starts again, but pcs
 * taking turns in one set each reach jit_hot (jit_map.c). */
unsigned jit_cold_visit(struct jit *j, uint64_t pc, uint64_t gen);

/* jit_translate.c: translate the block at pc, whose page is the hart's
 * current one (h->cur_va, h->cur_host).  The caller made JIT_BLOCK_ROOM
 * bytes available at j->rw + j->used.  Returns the executable address and
 * advances j->used, or JIT_NONE if the first instruction is not
 * translated. */
const uint8_t *jit_translate(struct hart *h, struct jit *j, uint64_t pc);
/* jit_cache.c: run hart h from slot i of its current page (exec.c set it
 * up) until the budget is spent, a request arrives or the interpreter
 * leaves its loop; h->instret is counted. */
struct insn;
void jit_run(struct hart *h, struct insn *i);
/* Drop every translation: the code cache starts over (between blocks
 * only: exec.c's code_cache_flush, when every decoded page is dropped and
 * so every translation is unreachable anyway). */
void jit_drop(struct jit *j);
/* Emit the fixed prologue and epilogue at the start of the cache. */
void jit_emit_stubs(struct jit *j);

#endif

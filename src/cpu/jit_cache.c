/* The translating engine's code cache and dispatcher.
 *
 * Code cache: a memfd mapped twice, once writable (the translator writes
 * there) and once executable (W^X: no page is both).  Blocks are appended;
 * when fewer than JIT_BLOCK_ROOM bytes are left the whole cache is dropped
 * (a flush happens only here, between blocks, so no translated code is
 * running).  A dropped pre-decoded page takes its translations with it:
 * the lookup table is keyed by the page instance (code_page.gen).
 *
 * Dispatcher: look up the block for h->pc (translating it on first sight),
 * run it, and do what it returns: continue, let the interpreter run one
 * instruction (exactly as exec.c would), or patch a direct jump so the
 * next time the two blocks run without coming back here.  h->instret is
 * kept exact after every block and every interpreted instruction.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "cpu/exec.h"
#include "cpu/jit_impl.h"
#include "cpu/jit_x86.h"
#include "cpu/ops.h"
#include "lib/log.h"

/* Under valgrind, code patched through the writable view is not seen as
 * changed (its smc check misses the alias): say so, or every chained
 * jump keeps going back to the dispatcher and callgrind's counts are not
 * the translator's.  A few no-op instructions otherwise. */
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#else
#define VALGRIND_DISCARD_TRANSLATIONS(addr, len) ((void)0)
#endif

int cpu_engine_parse(const char *s, enum cpu_engine *e)
{
	if (!strcmp(s, "interp"))
		*e = CPU_ENGINE_INTERP;
	else if (!strcmp(s, "jit"))
		*e = CPU_ENGINE_JIT;
	else
		return -EINVAL;
	return 0;
}

#if defined(__x86_64__)

size_t jit_cache_size = JIT_CACHE_SIZE;
unsigned jit_hot = JIT_HOT;
unsigned jit_budget = JIT_BUDGET;
bool jit_bmi2;

/* Before main: no hart translates yet, and tests may clear it after. */
__attribute__((constructor)) static void jit_host_features(void)
{
	__builtin_cpu_init();
	jit_bmi2 = __builtin_cpu_supports("bmi2");
}

bool jit_supported(void)
{
	return true;
}

/* enter(h, code): save the callee-saved registers, pin h (biased) in rbp
 * and the budget in r15, jump to the block.  Blocks leave through the
 * epilogue (budget back to the hart) with the exit value in rax.  Six
 * pushes and 8 bytes keep the stack 16-byte aligned for the helpers
 * blocks call. */
static const int8_t jit_saved[] = { RBP, RBX, R12, R13, R14, R15 };

void jit_emit_stubs(struct jit *j)
{
	const int32_t budget =
		(int32_t)offsetof(struct hart, budget) - JIT_HART_BIAS;
	struct xbuf b = { j->rw };
	int k;

	for (k = 0; k < (int)sizeof(jit_saved); k++)
		x_push(&b, jit_saved[k]);
	x_alu_ri(&b, 1, ALU_SUB, RSP, 8);
	x_lea(&b, RBP, RDI, JIT_HART_BIAS);
	x_load64(&b, R15, RBP, budget);
	x_b(&b, 0xff); /* jmp rsi */
	x_b(&b, 0xe6);
	j->epilogue = j->rx + (b.p - j->rw);
	x_store64(&b, R15, RBP, budget);
	x_alu_ri(&b, 1, ALU_ADD, RSP, 8);
	for (k = (int)sizeof(jit_saved) - 1; k >= 0; k--)
		x_pop(&b, jit_saved[k]);
	x_b(&b, 0xc3); /* ret */
	j->enter = (jit_enter_fn)(uintptr_t)j->rx;
	j->base = (size_t)((b.p - j->rw + 63) & ~63);
	j->used = j->base;
	j->trimmed = (j->base + 4095) & ~(size_t)4095;
	j->patched = SIZE_MAX;
}

static void jit_unmap(struct jit *j)
{
	if (j->rw && j->rw != MAP_FAILED)
		munmap(j->rw, j->size);
	if (j->rx && j->rx != MAP_FAILED)
		munmap(j->rx, j->size);
}

static int jit_map(struct jit *j)
{
	int fd = memfd_create("atoll-jit", MFD_CLOEXEC), err = 0;

	if (fd < 0)
		return -errno;
	j->size = jit_cache_size < 2 * JIT_BLOCK_ROOM ? 2 * JIT_BLOCK_ROOM
						      : jit_cache_size;
	if (ftruncate(fd, (off_t)j->size) < 0) {
		err = -errno;
		goto out;
	}
	j->rw = mmap(0, j->size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	j->rx = mmap(0, j->size, PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0);
	if (j->rw == MAP_FAILED || j->rx == MAP_FAILED) {
		err = -errno;
		jit_unmap(j);
	}
out:
	close(fd); /* the mappings keep the memory */
	return err;
}

/* ATOLL_JIT_HOT=N (1-250) in the environment sets jit_hot: 1 translates
 * code the first time it runs, as the ISA and differential tests want
 * (they run most code once).  Anything else there is ignored, said once. */
static void jit_hot_from_env(void)
{
	const char *v = getenv("ATOLL_JIT_HOT");
	char *end;
	unsigned long n;

	if (!v)
		return;
	n = strtoul(v, &end, 10);
	if (*v < '0' || *v > '9' || *end || n < 1 || n > JIT_HOT_MAX) {
		static atomic_bool said;

		if (!atomic_exchange(&said, true))
			log_warn("ATOLL_JIT_HOT='%s' ignored: must be 1 to %u",
				 v, JIT_HOT_MAX);
		return;
	}
	if (jit_hot != n)
		jit_hot = (unsigned)n;
}

int hart_set_engine(struct hart *h, enum cpu_engine e)
{
	struct jit *j;
	int err;

	if (e == CPU_ENGINE_AUTO)
		e = CPU_ENGINE_DEFAULT;
	if (e == CPU_ENGINE_INTERP) {
		jit_free(h);
		return 0;
	}
	if (h->jit)
		return 0;
	jit_hot_from_env();
	j = calloc(1, sizeof(*j));
	if (!j)
		return -ENOMEM;
	err = jit_map(j);
	if (err) {
		free(j);
		return err;
	}
	jit_emit_stubs(j);
	j->st.code_size = j->size;
	h->jit = j;
	return 0;
}

void jit_free(struct hart *h)
{
	if (!h->jit)
		return;
	jit_unmap(h->jit);
	free(h->jit);
	h->jit = 0;
}

/* Drop every translation (the cache is full). */
static void jit_flush(struct jit *j)
{
	VALGRIND_DISCARD_TRANSLATIONS(j->rx + j->base, j->used - j->base);
	jit_map_clear(j);
	j->used = j->base;
	j->trimmed = (j->base + 4095) & ~(size_t)4095;
	j->patched = SIZE_MAX;
	j->st.flushes++;
}

void jit_drop(struct jit *j)
{
	/* Dead code would otherwise stay until the cache is full, and the
	 * pages it fills stay resident. */
	if (j->used != j->base || j->nmap)
		jit_flush(j);
}

/* The vCPU thread's CPU time: translation time as --stats reports it,
 * not stretched by a loaded host's preemption (wall time said 200 ms for
 * what took 4 at load 25).  That clock is a system call on some hosts
 * (1.8 us a read here, against 30 ns for the vDSO's CLOCK_MONOTONIC), so
 * only one translation in JIT_TIME_EVERY is timed and the total is
 * scaled by the instructions translated (jit_get_stats): two reads per
 * translation were a quarter of its cost (docs/jit.md "Statistics"). */
#define JIT_TIME_EVERY 16
static uint64_t jit_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* Once JIT_TRIM bytes of code were written since the last time, drop
 * from the writable view the pages written since (those below the one
 * being written, and the pages chain patches mapped again): the memfd
 * keeps them, the executable view maps them, so code is resident once,
 * not twice (each view's pages count in the process's resident size).
 * By bytes, over what was written since, not every few translations over
 * the whole cache: a call costs about the same whether it drops 27 or
 * 128 KiB (0.15 ms of CPU here; docs/jit.md "Code cache"). */
#define JIT_TRIM (128u << 10)
static void jit_trim(struct jit *j)
{
	size_t end = j->used & ~(size_t)4095;
	size_t start = j->trimmed;
	uint64_t t0;

	if (end < start + JIT_TRIM)
		return;
	if (j->patched < start)
		start = j->patched & ~(size_t)4095;
	t0 = jit_now_ns(); /* a system call itself: always timed */
	madvise(j->rw + start, end - start, MADV_DONTNEED);
	j->trim_ns += jit_now_ns() - t0;
	j->trimmed = end;
	j->patched = SIZE_MAX;
}

/* The block for pc in the current page (slot i's), translated now if it
 * has none and the dispatcher has come here jit_hot times.  JIT_NONE: the
 * interpreter runs the instruction at pc; JIT_COLD: it runs from pc for a
 * while.  The table jc holds only translations (and JIT_NONE): what it
 * misses is in the map if it was translated since the last flush. */
static const uint8_t *jit_find(struct hart *h, struct jit *j, uint64_t pc,
			       bool hot)
{
	const struct code_page *cp =
		(const struct code_page *)((const char *)h->cur_slots -
					   offsetof(struct code_page, slot));
	struct jit_entry *e = jit_slot(j, pc);
	const uint8_t *code;
	uint64_t t0 = 0, n0;
	bool again, timed;

	j->st.lookups++;
	if (e->pc == pc && e->gen == cp->gen && e->code) {
		j->st.hits++;
		return e->code;
	}
	code = jit_map_find(j, pc, cp->gen, &again);
	if (code) {
		j->st.hits++;
		j->st.refills++;
	} else {
		if (!hot && jit_cold_visit(j, pc, cp->gen) < jit_hot) {
			j->st.cold++;
			return (const uint8_t *)JIT_COLD;
		}
		if (j->size - j->used < JIT_BLOCK_ROOM || jit_map_full(j)) {
			jit_flush(j);
			again = false;
		}
		j->st.retrans += again;
		timed = j->untimed == 0; /* the first, then 1 in 16 */
		j->untimed = (j->untimed + 1) % JIT_TIME_EVERY;
		n0 = j->st.insns;
		if (timed)
			t0 = jit_now_ns();
		code = jit_translate(h, j, pc);
		if (timed) {
			j->timed_ns += jit_now_ns() - t0;
			j->timed_insns += j->st.insns - n0;
		}
		jit_map_add(j, pc, cp->gen, code);
		jit_trim(j);
	}
	e->pc = pc;
	e->gen = cp->gen;
	e->code = code;
	return code;
}

/* Make the jump whose displacement is at executable address site go to
 * code (both blocks belong to one page instance). */
static void jit_chain(struct jit *j, uintptr_t site, const uint8_t *code)
{
	uint8_t *at = j->rw + (site - (uintptr_t)j->rx);

	x_patch(at, j->rw + (code - j->rx));
	if ((size_t)(at - j->rw) < j->patched)
		j->patched = (size_t)(at - j->rw);
	VALGRIND_DISCARD_TRANSLATIONS(site, 4);
	j->st.chains++;
}

/* Run from slot i with the interpreter, n instructions at most (fewer if
 * the hart's budget has fewer left): exec.c's loop with a budget of n - 1
 * (a handler spends a unit per instruction and returns its successor
 * instead of running it when the budget is exhausted; see exec_loop).
 * Returns false if a handler left the dispatch loop (trap, CSR write,
 * jump the interpreter does not follow...): hart_run looks outside first,
 * as it does for the interpreter. */
static bool jit_interp(struct hart *h, struct insn *i, int64_t n)
{
	int64_t budget = h->budget, start;
	uint64_t retired;

	if (n > budget)
		n = budget > 0 ? budget : 1;
	start = n - 1;
	h->budget = start;
	h->exit_retired = 0;
	while ((i = i->fn(h, i)) != 0) {
		if (h->budget < 0 || --h->budget < 0) {
			h->pc = insn_pc(h, i);
			h->exit_retired = 0;
			break;
		}
	}
	retired = (uint64_t)(start - h->budget) + h->exit_retired;
	h->budget = budget - (int64_t)retired;
	h->instret += retired;
	h->exit_retired = 0;
	h->jit->st.steps += retired;
	return i != 0;
}

void jit_run(struct hart *h, struct insn *i)
{
	struct jit *j = h->jit;
	uintptr_t site = 0;
	uint64_t site_flushes = 0;
	bool hot = false; /* h->pc is known hot: translate it at once */

	h->budget = jit_budget;
	for (;;) {
		const uint8_t *code = jit_find(h, j, h->pc, hot);

		if (site && (uintptr_t)code >= JIT_CODE_MIN &&
		    j->st.flushes == site_flushes)
			jit_chain(j, site, code);
		site = 0;
		if ((uintptr_t)code >= JIT_CODE_MIN) {
			int64_t before = h->budget;
			uintptr_t r = j->enter(h, code);

			h->instret += (uint64_t)(before - h->budget);
			hot = r == JIT_EXIT_HOT;
			if (r == JIT_EXIT_STEP) {
				i = exec_follow(h, h->pc);
				if (!i || !jit_interp(h, i, 1))
					break;
			} else if (r == JIT_EXIT_OUT) {
				break;
			} else if (r != JIT_EXIT_LOOKUP && !hot) {
				site = r;
				site_flushes = j->st.flushes;
			}
		} else if (!jit_interp(h, i,
				       code == JIT_NONE ? 1 : JIT_COLD_RUN)) {
			break;
		}
		if (h->budget <= 0 ||
		    atomic_load_explicit(&h->requests, memory_order_relaxed))
			break;
		i = exec_follow(h, h->pc);
		if (!i)
			break;
	}
	if (h->budget <= 0)
		h->budget = -1; /* exec.c polls the timers */
}

bool jit_get_stats(const struct hart *h, struct jit_stats *s)
{
	const struct jit *j = h->jit;

	if (!j)
		return false;
	*s = j->st;
	s->code_bytes = j->used;
	/* The timed translations' time per instruction, for all of them. */
	s->translate_ns = j->trim_ns;
	if (j->timed_insns)
		s->translate_ns +=
			(uint64_t)((double)j->timed_ns * (double)j->st.insns /
				   (double)j->timed_insns);
	return true;
}

#else /* not an x86-64 host: the interpreter only */

bool jit_supported(void)
{
	return false;
}

int hart_set_engine(struct hart *h, enum cpu_engine e)
{
	return e == CPU_ENGINE_JIT ? -ENOTSUP : 0;
}

void jit_free(struct hart *h)
{
}

void jit_drop(struct jit *j)
{
}

void jit_run(struct hart *h, struct insn *i)
{
}

bool jit_get_stats(const struct hart *h, struct jit_stats *s)
{
	return false;
}

#endif

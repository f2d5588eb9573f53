/* What a block is, before any code is emitted: its instructions (jt_scan)
 * and the host registers its guest registers get (jt_alloc).
 *
 * The block is the path its code takes when no conditional branch is
 * taken, inside one guest page: straight-line code, and through a `j` or
 * `jal` whose target is in the page and not on the path yet (the path goes
 * on there, so an if/else or a call of a function in the same page does
 * not split the block).  It ends at a jump it does not follow, a `jalr`,
 * the page end, JIT_BLOCK_MAX_INSNS or the first instruction left to the
 * interpreter.  A conditional branch whose target is an instruction
 * further on the path becomes a jump inside the block (the instructions
 * it skips are given back to the budget) instead of a side exit: the
 * taken side of an `if` then stays in the block, with every register in
 * place.  A branch or jump to an earlier instruction on the path (not the
 * start) is an inner loop's back edge: it spends the pass, checks the
 * budget and jumps back inside the block, so a loop nest is one block.
 *
 * Decoding goes through decode.c: the handler it picks names the
 * operation, so both engines read the same fields.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "cpu/jit_block.h"
#include "cpu/ops.h"

#if defined(__x86_64__)

/* The halfword at the start of the page `next` as the fetch TLB maps it
 * now (no walk, no fill: a page not fetched from yet is left alone), or
 * -1. */
static int32_t jt_next_half(struct hart *h, uint64_t next)
{
	const struct tlb_entry *e =
		tlb_hit(h->tlb.fetch, h->ctx_fetch, next, 1);
	uint16_t v;

	if (!e)
		return -1;
	memcpy(&v, (const void *)(uintptr_t)(next + e->addend), 2);
	return v;
}

/* Decode the instruction at pc (in the current page) into k; 0 if it
 * cannot be translated (not in the table; or it straddles the page end
 * and the next page is not in the fetch TLB, or it transfers control).
 * A straddling one is decoded from the next page's bytes now, which the
 * block checks again each time it runs (jt_straddle): a Linux kernel ran
 * one in its spinlock's unlock 250 times a 1 MiB I/O request, each a
 * trip through the interpreter (docs/jit.md, "Linux's block I/O path"). */
static unsigned jt_decode(struct hart *h, uint64_t pc, struct jt_insn *k)
{
	unsigned off = (unsigned)(pc & 0xfff), len, kind;
	const uint8_t *p = h->cur_host + off;
	uint32_t raw = (uint32_t)p[0] | (uint32_t)p[1] << 8;
	int32_t hi;

	k->straddle = false;
	len = (raw & 3) == 3 ? 4 : 2;
	if (len == 4 && off == 4096 - 2) {
		hi = jt_next_half(h, pc + 2);
		if (hi < 0)
			return 0;
		raw |= (uint32_t)hi << 16;
		k->straddle = true;
		k->hi = (uint16_t)hi;
	} else if (len == 4) {
		raw |= (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
	}
	decode_insn(raw, len, &k->in);
	k->m = jk_find(k->in.fn);
	if (!k->m)
		return 0;
	kind = k->m->kind;
	if (k->straddle && (kind == JK_BR || kind == JK_J || kind == JK_JAL ||
			    kind == JK_JALR))
		return 0;
	return len;
}

/* Guest registers an instruction reads (bit mask) and writes (or 0). */
static uint64_t jt_reads(const struct jt_insn *k)
{
	const struct insn *in = &k->in;

	switch (k->m->kind) {
	case JK_NOP:
	case JK_FENCE:
	case JK_LI:
	case JK_AUIPC:
	case JK_J:
	case JK_JAL: return 0;
	case JK_CSR: /* a source register, not a uimm */
		return k->m->aux < CSR_KIND_READ ? 1ULL << in->rs1 : 0;
	case JK_MV:
	case JK_ALUI:
	case JK_SLTI:
	case JK_SLTIU:
	case JK_SHI:
	case JK_ADDIW:
	case JK_SHIW:
	case JK_EXT:
	case JK_JALR: return 1ULL << in->rs1;
	case JK_LOAD: return 1ULL << in->rs1 | 1ULL << JR_CTX;
	case JK_STORE:
	case JK_AMO: return 1ULL << in->rs1 | 1ULL << in->rs2 | 1ULL << JR_CTX;
	default: return 1ULL << in->rs1 | 1ULL << in->rs2;
	}
}

static uint64_t jt_writes(const struct jt_insn *k)
{
	switch (k->m->kind) {
	case JK_NOP:
	case JK_FENCE:
	case JK_J:
	case JK_BR:
	case JK_STORE: return 0;
	default: return k->in.rd < 32 ? 1ULL << k->in.rd : 0;
	}
}

/* True if pc is the start of ins[0..n-1]. */
static bool jt_on_path(const struct jt *t, uint64_t pc)
{
	for (unsigned k = 0; k < t->n; k++)
		if (t->ins[k].pc == pc)
			return true;
	return false;
}

/* Conditional branches to an instruction further on the path jump there
 * inside the block, and branches or jumps (not followed) to an earlier
 * instruction but the start are inner loops' back edges.  With an
 * unrolled loop, only within the body or within the rest: the body is
 * emitted once per copy, the rest once. */
static void jt_links(struct jt *t)
{
	for (unsigned k = 0; k < t->n; k++) {
		struct jt_insn *e = &t->ins[k];
		uint64_t target = e->pc + (uint64_t)(int64_t)e->in.imm;
		bool jump = e->m->kind == JK_J || e->m->kind == JK_JAL;

		e->fwd = -1;
		e->bwd = -1;
		if ((e->m->kind != JK_BR && !(jump && !e->follow)) ||
		    (t->loops && target == t->start))
			continue;
		for (unsigned m = 0; m < t->n; m++) {
			if (t->ins[m].pc != target || m == k ||
			    (jump && m > k) ||
			    (t->unroll && (k <= t->back) != (m <= t->back)))
				continue;
			if (m > k)
				e->fwd = (int8_t)m;
			else if (m > 0)
				e->bwd = (int8_t)m;
			break;
		}
	}
}

/* What `slli rd, rs, S` ... `srli/srai rd, rd, S` computes, by the kind of
 * the pair and its right shift (an extension, EXT_N: none). */
static unsigned jt_ext_kind(const struct jt_insn *l, const struct jt_insn *r)
{
	bool sar = r->m->aux == SH_SAR;

	if (l->m->kind != r->m->kind || l->in.imm != r->in.imm ||
	    r->m->aux == SH_SHL)
		return EXT_N;
	if (l->m->kind == JK_SHIW) /* the 32-bit result is sign-extended */
		return l->in.imm == 16	 ? (sar ? EXT_SH : EXT_ZH)
		       : l->in.imm == 24 ? (sar ? EXT_SB : EXT_ZB)
					 : EXT_N;
	return l->in.imm == 32	 ? (sar ? EXT_SW : EXT_ZW)
	       : l->in.imm == 48 ? (sar ? EXT_SH : EXT_ZH)
	       : l->in.imm == 56 ? (sar ? EXT_SB : EXT_ZB)
				 : EXT_N;
}

/* A left shift whose result the same right shift undoes later (zero- or
 * sign-extending a word, half or byte: what compilers emit for casts)
 * becomes one movzx/movsx there, the right shift a NOP.  Only when
 * nothing between reads or writes rd, no instruction between can leave
 * the block (ALU only) and nothing jumps into the range: no exit and no
 * landing point ever sees rd's value in between.  Counting is unchanged
 * (the NOP is an instruction). */
static void jt_fuse(struct jt *t)
{
	uint64_t target = 0;

	for (unsigned k = 0; k < t->n; k++) {
		if (t->ins[k].fwd >= 0)
			target |= 1ULL << t->ins[k].fwd;
		if (t->ins[k].bwd >= 0)
			target |= 1ULL << t->ins[k].bwd;
	}
	for (unsigned k = 0; k < t->n; k++) {
		struct jt_insn *l = &t->ins[k];
		unsigned rd = l->in.rd;

		if ((l->m->kind != JK_SHI && l->m->kind != JK_SHIW) ||
		    l->m->aux != SH_SHL || rd == 0 || rd >= 32)
			continue;
		for (unsigned j = k + 1; j < t->n; j++) {
			struct jt_insn *r = &t->ins[j];
			unsigned kind = r->m->kind, ext;

			if ((target >> j & 1) ||
			    (t->unroll && (k <= t->back) != (j <= t->back)) ||
			    kind == JK_BR || kind == JK_J || kind == JK_JAL ||
			    kind == JK_JALR || kind == JK_LOAD ||
			    kind == JK_STORE || kind == JK_AMO)
				break;
			if (r->in.rd == rd && r->in.rs1 == rd &&
			    (kind == JK_SHI || kind == JK_SHIW) &&
			    (ext = jt_ext_kind(l, r)) != EXT_N) {
				l->m = &jk_ext_map[ext];
				r->m = &jk_nop_map;
				break;
			}
			if ((jt_reads(r) | jt_writes(r)) >> rd & 1)
				break;
		}
	}
}

bool jt_scan(struct hart *h, struct jt *t, uint64_t pc)
{
	t->n = 0;
	t->step_after = false;
	t->loops = false;
	while (t->n < JIT_BLOCK_MAX_INSNS) {
		struct jt_insn *k = &t->ins[t->n];
		unsigned len = jt_decode(h, pc, k);
		uint64_t target = pc + (uint64_t)(int64_t)k->in.imm;
		bool jump;

		if (!len) {
			t->step_after = true;
			break;
		}
		jump = k->m->kind == JK_J || k->m->kind == JK_JAL;
		k->pc = pc;
		k->len = (uint8_t)len;
		k->follow = jump && target != t->start &&
			    (target & ~0xfffULL) == t->page &&
			    !jt_on_path(t, target);
		k->next = k->follow ? target : pc + len;
		t->n++;
		if ((k->m->kind == JK_BR || jump) && target == t->start &&
		    !t->loops) {
			t->loops = true;
			t->back = t->n - 1;
		}
		pc = k->next;
		if ((jump && !k->follow) || k->m->kind == JK_JALR ||
		    (!k->follow && (pc & 0xfff) == 0) || k->straddle)
			break;
	}
	t->unroll = t->loops && (t->back + 1) * 2 <= JIT_UNROLL_INSNS;
	jt_links(t);
	jt_fuse(t);
	return t->n != 0;
}

void jt_alloc(struct jt *t)
{
	unsigned uses[JR_N] = { 0 };
	uint64_t written = 0, live_in = 0, inner = 0, in_loop = 0;
	int next = 0;

	/* Inner loops: what their bodies write, and which instructions
	 * repeat (uses there weigh more). */
	for (unsigned k = 0; k < t->n; k++) {
		if (t->ins[k].bwd < 0)
			continue;
		for (unsigned m = (unsigned)t->ins[k].bwd; m <= k; m++) {
			inner |= jt_writes(&t->ins[m]);
			in_loop |= 1ULL << m;
		}
	}
	for (unsigned k = 0; k < t->n; k++) {
		uint64_t rd = jt_reads(&t->ins[k]), wr = jt_writes(&t->ins[k]);

		live_in |= rd & ~written;
		written |= wr;
		/* a loop body's uses repeat: they weigh more */
		unsigned w = (t->loops && k <= t->back) || (in_loop >> k & 1)
				     ? 8
				     : 1;

		for (uint64_t u = rd | wr; u; u &= u - 1) {
			unsigned r = (unsigned)__builtin_ctzll(u);

			uses[r] +=
				w * (unsigned)((rd >> r & 1) + (wr >> r & 1));
		}
	}
	/* A jump inside the block skips writes: the registers they write
	 * must hold the hart's value where it lands, so they are loaded. */
	for (unsigned k = 0; k < t->n; k++)
		for (int m = k + 1; m < t->ins[k].fwd; m++)
			live_in |= jt_writes(&t->ins[m]);
	/* Pointers the block loads: an access through one is a chase step,
	 * whose latency the addend prediction shortens (jit_ops.c). */
	t->chase = 0;
	for (unsigned k = 0; k < t->n; k++)
		if (t->ins[k].m->kind == JK_LOAD && t->ins[k].in.rd < 32)
			t->chase |= 1u << t->ins[k].in.rd;
	t->chase &= ~1u;
	for (unsigned r = 0; r < JR_N; r++)
		t->map[r] = NOREG;
	uses[0] = uses[32] = 0;
	/* Guest registers first: one left in the hart costs a load on the
	 * path of every read; the context left there costs a load beside
	 * each access's TLB check only. */
	while (next < ALLOC_N) {
		unsigned best = 0;

		for (unsigned r = 1; r < 32; r++)
			if (t->map[r] == NOREG && uses[r] > uses[best])
				best = r;
		if (uses[best] < 2)
			break;
		t->map[best] = alloc_order[next++];
	}
	if (next < ALLOC_N && uses[JR_CTX] >= 2)
		t->map[JR_CTX] = alloc_order[next++];
	t->dirty = 0;
	t->loop_dirty = 0;
	t->inner_dirty = 0;
	for (unsigned r = 1; r < JR_N; r++) {
		if (t->map[r] == NOREG)
			continue;
		if (r == JR_CTX)
			x_load32(&t->b, t->map[r], RBP, HCTX);
		else if (t->loops || ((live_in | inner) >> r & 1))
			x_load64(&t->b, t->map[r], RBP, HX(r));
		if (t->loops && r < 32 && (written >> r & 1))
			t->loop_dirty |= 1ULL << r;
		if (r < 32 && (inner >> r & 1))
			t->inner_dirty |= 1ULL << r;
	}
	/* In a loop every register the body changes may be dirty anywhere;
	 * so may one an inner loop changes (an exit before the write, after
	 * the inner back edge ran, must store it), and it was loaded. */
	t->dirty = t->loop_dirty | t->inner_dirty;
}

#endif

/* The translator: one block of guest code (straight-line, inside one guest
 * page, at most JIT_BLOCK_MAX_INSNS instructions, conditional branches
 * leave by side exits) becomes x86-64 code.
 *
 * A block is decoded first (jt_scan), so that its most used guest
 * registers get host registers (jt_alloc; jit_block.h says how), then
 * emitted instruction by instruction (jit_ops.c), then its out-of-line
 * exits.  rbp holds the hart, r15 the budget.  Every exit writes back the
 * registers the block changed, subtracts from the budget the instructions
 * the block retired before it, and either chains (a patchable jump, or the
 * inline lookup for other pages and jalr) or leaves to the dispatcher with
 * pc set: to look up, or for the interpreter to run the instruction there
 * (one not translated, or a load/store that missed the soft TLB).  Every
 * block starts with the exit check (the budget: requests from other
 * threads wait for it to run out, as under the interpreter), so chained
 * edges count; a branch or jump back to the block's own start is a loop
 * run without leaving, its body unrolled when small, and one back to an
 * earlier instruction an inner loop, with the same check on each back
 * edge.
 *
 * Decoding goes through decode.c: the handler it picks names the
 * operation, so both engines read the same fields.
 */
#include <stddef.h>
#include <stdint.h>

#include "cpu/jit_block.h"

#if defined(__x86_64__)

struct stub *jt_stub(struct jt *t, uint8_t *fix, uint64_t pc, uint32_t retired,
		     enum stub_kind kind)
{
	struct stub *s = &t->stubs[t->nstubs++];

	s->fix[0] = fix;
	s->fix[1] = 0;
	s->to = 0;
	s->pc = pc;
	s->retired = retired;
	s->kind = (uint8_t)kind;
	s->dirty = t->dirty;
	return s;
}

/* Store the allocated registers in mask back to the hart. */
static void jt_writeback(struct jt *t, uint64_t mask)
{
	for (unsigned r = 1; r < 32; r++)
		if (mask >> r & 1)
			x_store64(&t->b, t->map[r], RBP, HX(r));
}

/* budget -= retired (r15 holds it) */
static void jt_spend(struct jt *t, uint32_t retired)
{
	if (retired)
		x_alu_ri(&t->b, 1, ALU_SUB, R15, (int32_t)retired);
}

static void jt_set_pc(struct jt *t, uint64_t pc)
{
	x_mov_imm(&t->b, RAX, pc);
	x_store64(&t->b, RAX, RBP, HPC);
}

/* Leave with h->pc = pc and return value `ret` (epilogue). */
static void jt_leave(struct jt *t, uint64_t pc, uint64_t ret)
{
	uint8_t *rel;

	jt_set_pc(t, pc);
	x_mov_imm(&t->b, RAX, ret);
	rel = x_jmp(&t->b);
	x_patch(rel, t->j->rw + (t->j->epilogue - t->j->rx));
}

/* Continue at the guest address in rdx, in any page: the dispatcher's
 * lookup done inline (fetch TLB entry of the target, its decoded page's
 * gen, the lookup table entry), jumping straight to the block when it
 * exists; otherwise leave with pc = rdx.  The target block's entry check
 * counts the budget as every chained edge does.  Registers are written
 * back. */
static void jt_lookup(struct jt *t)
{
	struct xbuf *b = &t->b;
	uint8_t *miss[6], *rel;
	unsigned n = 0;

	x_store64(b, RDX, RBP, HPC);
	x_mov_rr(b, RAX, RDX);
	x_shift_ri(b, 1, SH_SHR, RAX, 7);
	x_alu_ri(b, 0, ALU_AND, RAX, (int32_t)(TLB_MASK << 5));
	x_mov_rr(b, RCX, RDX);
	x_alu_ri(b, 1, ALU_AND, RCX, -4096);
	x_load32(b, RSI, RBP, HCTXF);
	x_alu_rr(b, 1, ALU_OR, RCX, RSI);
	x_alu_rm(b, 1, ALU_CMP, RCX, RBP, RAX, HFETCH);
	miss[n++] = x_jcc(b, CC_NE);
	x_op_mem(b, 1, X_OP(0x8b), 1, RSI, RBP, RAX, HFETCH + 24); /* code */
	x_test_rr(b, RSI);
	miss[n++] = x_jcc(b, CC_E);
	x_load64(b, RSI, RSI, (int32_t)offsetof(struct code_page, gen));
	x_mov_rr(b, RCX, RDX);
	x_shift_ri(b, 1, SH_SHR, RCX, 1);
	x_mov_rr(b, RAX, RDX);
	x_shift_ri(b, 1, SH_SHR, RAX, JIT_JC_BITS + 1);
	x_alu_rr(b, 1, ALU_XOR, RCX, RAX);
	x_alu_ri(b, 0, ALU_AND, RCX, JIT_JC_SIZE - 1);
	/* lea rcx, [rcx + rcx * 2]; then * 8: the entry's offset */
	x_b(b, 0x48);
	x_b(b, 0x8d);
	x_b(b, 0x0c);
	x_b(b, 0x49);
	x_shift_ri(b, 1, SH_SHL, RCX, 3);
	x_mov_imm(b, RAX, (uint64_t)(uintptr_t)t->j->jc);
	x_alu_rr(b, 1, ALU_ADD, RCX, RAX);
	x_alu_rm(b, 1, ALU_CMP, RDX, RCX, NOREG, 0);
	miss[n++] = x_jcc(b, CC_NE);
	x_alu_rm(b, 1, ALU_CMP, RSI, RCX, NOREG, 8);
	miss[n++] = x_jcc(b, CC_NE);
	x_load64(b, RAX, RCX, 16);
	x_alu_ri(b, 1, ALU_CMP, RAX, JIT_CODE_MIN - 1);
	miss[n++] = x_jcc(b, CC_BE); /* empty, or JIT_NONE */
	x_b(b, 0xff); /* jmp rax */
	x_b(b, 0xe0);
	for (unsigned k = 0; k < n; k++)
		x_patch(miss[k], b->p);
	x_mov_imm(b, RAX, JIT_EXIT_LOOKUP);
	rel = x_jmp(b);
	x_patch(rel, t->j->rw + (t->j->epilogue - t->j->rx));
}

/* Continue at pc after `retired` instructions, with the registers in
 * dirty written back: a patchable jump when pc is in the block's page,
 * else the inline lookup. */
static void jt_goto(struct jt *t, uint64_t pc, uint32_t retired, uint64_t dirty)
{
	jt_writeback(t, dirty);
	jt_spend(t, retired);
	if ((pc & ~0xfffULL) == t->page) {
		uint8_t *site = x_jmp(&t->b);

		jt_stub(t, site, pc, 0, STUB_CHAIN);
	} else {
		x_mov_imm(&t->b, RDX, pc);
		jt_lookup(t);
	}
}

/* A jump back to the block's start after `retired` instructions: the
 * budget spent, then straight to the loop head with every register still
 * in place, or out (pc = start) once it is spent. */
void jt_back_edge(struct jt *t, uint32_t retired)
{
	struct xbuf *b = &t->b;

	x_alu_ri(b, 1, ALU_SUB, R15, (int32_t)retired);
	x_patch(x_jcc(b, CC_G), t->head);
	jt_stub(t, x_jmp(b), t->start, 0, STUB_EXIT);
}

/* An inner loop's back edge, from ins[k] to ins[m] (m < k, emitted
 * already; base: as jt_emit_insn's): the budget spent for ins[m..k], then
 * back to ins[m] with every register in place, or out (pc = ins[m]) once
 * it is spent.  Exits count the block's instructions before them once
 * (their position); each back edge taken spends the pass over ins[m..k]
 * that position leaves out, so the way out here spends ins[0..m-1]. */
static void jt_inner_back(struct jt *t, unsigned k, unsigned m, uint32_t base)
{
	struct xbuf *b = &t->b;

	x_alu_ri(b, 1, ALU_SUB, R15, (int32_t)(k - m + 1));
	x_patch(x_jcc(b, CC_G), t->label[m]);
	jt_stub(t, x_jmp(b), t->ins[m].pc, base + m, STUB_HOT);
}

/* The out-of-line exits, in order; SIDE stubs add CHAIN stubs, which the
 * loop reaches in turn. */
static void jt_emit_stubs(struct jt *t)
{
	for (unsigned k = 0; k < t->nstubs; k++) {
		struct stub *s = &t->stubs[k];

		x_patch(s->fix[0], t->b.p);
		if (s->fix[1])
			x_patch(s->fix[1], t->b.p);
		switch (s->kind) {
		case STUB_CHAIN:
			/* Report where the jump's displacement is. */
			jt_leave(t, s->pc, (uintptr_t)jt_rx(t, s->fix[0]));
			break;
		case STUB_SIDE: jt_goto(t, s->pc, s->retired, s->dirty); break;
		case STUB_FWD:
			x_alu_ri(&t->b, 1, ALU_ADD, R15, (int32_t)s->retired);
			x_patch(x_jmp(&t->b), s->to);
			break;
		case STUB_VICTIM: {
			int32_t v = s->arr + (int32_t)(TLB_SIZE * 32);

			x_alu_rm(&t->b, 1, ALU_CMP, RCX, RBP, RAX, v);
			jt_stub(t, x_jcc(&t->b, CC_NE), s->pc, s->retired,
				STUB_STEP)
				->dirty = s->dirty;
			x_op_mem(&t->b, 1, X_OP(0x8b), 1, s->reg, RBP, RAX,
				 v + 8);
			x_patch(x_jmp(&t->b), s->to);
			break;
		}
		default:
			jt_writeback(t, s->dirty);
			jt_spend(t, s->retired);
			jt_leave(t, s->pc,
				 s->kind == STUB_STEP  ? JIT_EXIT_STEP
				 : s->kind == STUB_HOT ? JIT_EXIT_HOT
				 : s->kind == STUB_OUT ? JIT_EXIT_OUT
						       : JIT_EXIT_LOOKUP);
			break;
		}
	}
}

/* ins[k] is about to be emitted: what the flags hold on the way in
 * (nothing known where a jump lands). */
static void jt_flags_enter(struct jt *t, unsigned k)
{
	t->flags_in = (t->landing >> k & 1) ? -1 : t->flags_reg;
	t->flags_reg = -1;
}

/* Compare for a conditional branch; returns the condition for taken. */
static enum x86_cc jt_compare(struct jt *t, const struct jk_map *m,
			      const struct insn *in)
{
	int a;

	/* beqz/bnez on the register the previous instruction computed with
	 * an x86 ALU operation: its ZF is already the test's. */
	if (in->rs2 == 0 && in->rs1 != 0 && t->flags_in == (int8_t)in->rs1 &&
	    (m->aux == CC_E || m->aux == CC_NE))
		return (enum x86_cc)m->aux;

	if (H(t, in->rs1) == NOREG &&
	    (in->rs2 == 0 || H(t, in->rs2) != NOREG)) {
		/* cmp [x[rs1]], 0 or cmp [x[rs1]], reg: no load first */
		if (in->rs2 == 0)
			x_alu_mi8(&t->b, 1, ALU_CMP, RBP, HX(in->rs1), 0);
		else
			x_op_mem(&t->b, 1, X_OP(0x39), 1, H(t, in->rs2), RBP,
				 NOREG, HX(in->rs1));
		return (enum x86_cc)m->aux;
	}
	a = jt_src(t, in->rs1, RAX);
	if (in->rs2 == 0)
		x_test_rr(&t->b, a);
	else
		jt_alu_x(t, 1, ALU_CMP, a, in->rs2);
	return (enum x86_cc)m->aux;
}

/* ins[k] is emitted here: jumps inside the block waiting for it land. */
static void jt_label(struct jt *t, unsigned k)
{
	unsigned p = 0;

	t->label[k] = t->b.p;
	for (unsigned q = 0; q < t->npend; q++) {
		if (t->pend[q].to != k) {
			t->pend[p++] = t->pend[q];
			continue;
		}
		if (t->pend[q].s)
			t->pend[q].s->to = t->b.p;
		else
			x_patch(t->pend[q].fix, t->b.p);
	}
	t->npend = p;
}

/* A branch from ins[k] to ins[to] further on the path: taken, it gives
 * back the instructions it skips (exits after ins[to] spend them). */
static void jt_branch_fwd(struct jt *t, enum x86_cc cc, unsigned k, unsigned to)
{
	unsigned q = t->npend++;

	t->pend[q].to = to;
	t->pend[q].s = 0;
	t->pend[q].fix = x_jcc(&t->b, cc);
	if (to - k - 1)
		t->pend[q].s =
			jt_stub(t, t->pend[q].fix, 0, to - k - 1, STUB_FWD);
}

/* Conditional branch: fall through, jump inside the block, or a side exit
 * to the target (in a loop back to the start, the back edge inline). */
static void jt_branch(struct jt *t, const struct jk_map *m, unsigned k,
		      uint32_t retired)
{
	const struct insn *in = &t->ins[k].in;
	struct xbuf *b = &t->b;
	uint64_t pc = t->ins[k].pc;
	uint64_t target = pc + (uint64_t)(int64_t)in->imm;
	enum x86_cc cc = jt_compare(t, m, in);
	uint8_t *fix;

	if (t->ins[k].fwd >= 0) {
		jt_branch_fwd(t, cc, k, (unsigned)t->ins[k].fwd);
		return;
	}
	if (t->ins[k].bwd >= 0) {
		fix = x_jcc(b, x_cc_not(cc));
		jt_inner_back(t, k, (unsigned)t->ins[k].bwd, retired - 1 - k);
		x_patch(fix, b->p);
		return;
	}

	if (target == t->start && t->loops) {
		fix = x_jcc(b, x_cc_not(cc));
		jt_back_edge(t, retired);
		x_patch(fix, b->p);
		return;
	}
	fix = x_jcc(b, cc);
	jt_stub(t, fix, target, retired,
		(target & ~0xfffULL) == t->page ? STUB_SIDE : STUB_EXIT);
}

/* jalr/jr: the target is computed before rd is written (rd may be rs1). */
static void jt_jalr(struct jt *t, const struct insn *in, uint64_t pc,
		    unsigned len, uint32_t retired)
{
	struct xbuf *b = &t->b;

	jt_get(t, RDX, in->rs1);
	if (in->imm)
		x_alu_ri(b, 1, ALU_ADD, RDX, in->imm);
	x_alu_ri(b, 1, ALU_AND, RDX, -2);
	if (in->rd < 32) {
		x_mov_imm(b, RAX, pc + len);
		jt_put(t, RAX, in->rd);
	}
	jt_writeback(t, t->dirty);
	jt_spend(t, retired);
	jt_lookup(t);
}

/* ins[k] straddles the page end: its upper half lies in the next page,
 * which may be remapped or rewritten apart from this one (the block is
 * keyed by this page's instance only).  So each time, before it runs: the
 * fetch TLB must still map the next page in the current context (an
 * entry there means it is executable) and the halfword there must still
 * be the one translated; otherwise the interpreter runs the instruction
 * (exec_straddle fetches it anew, walking and faulting as it must). */
static void jt_straddle(struct jt *t, const struct jt_insn *e, uint32_t retired)
{
	struct xbuf *b = &t->b;
	uint64_t next = e->pc + 2;
	int32_t ent = HFETCH + (int32_t)(((next >> 12) & TLB_MASK) * 32);

	x_mov_imm(b, RCX, next);
	x_load32(b, RDX, RBP, HCTXF);
	x_alu_rr(b, 1, ALU_OR, RCX, RDX);
	x_alu_rm(b, 1, ALU_CMP, RCX, RBP, NOREG, ent);
	jt_stub(t, x_jcc(b, CC_NE), e->pc, retired, STUB_STEP);
	x_load64(b, RAX, RBP, ent + 8);
	x_mov_imm(b, RCX, next);
	x_alu_rr(b, 1, ALU_ADD, RAX, RCX);
	x_b(b, 0x66); /* cmp word [rax], hi */
	x_op_mem(b, 0, X_OP(0x81), 1, ALU_CMP, RAX, NOREG, 0);
	x_b(b, (uint8_t)e->hi);
	x_b(b, (uint8_t)(e->hi >> 8));
	jt_stub(t, x_jcc(b, CC_NE), e->pc, retired, STUB_STEP);
}

/* Emit ins[k]; base: instructions retired since the loop head before this
 * copy of the body (unrolled copies).  Returns false if it ends the
 * block. */
static bool jt_emit_insn(struct jt *t, unsigned k, uint32_t base)
{
	const struct jt_insn *e = &t->ins[k];
	const struct jk_map *m = e->m;
	uint64_t target = e->pc + (uint64_t)(int64_t)e->in.imm;
	uint32_t n = base + k;

	jt_label(t, k);
	jt_flags_enter(t, k);
	if (e->straddle)
		jt_straddle(t, e, n);
	switch (m->kind) {
	case JK_NOP: break;
	case JK_BR: jt_branch(t, m, k, n + 1); break;
	case JK_JAL:
		x_mov_imm(&t->b, RAX, e->pc + e->len);
		jt_put(t, RAX, e->in.rd);
		/* fall through */
	case JK_J:
		if (e->follow)
			break;
		if (e->bwd >= 0)
			jt_inner_back(t, k, (unsigned)e->bwd, base);
		else if (target == t->start)
			jt_back_edge(t, n + 1);
		else
			jt_goto(t, target, n + 1, t->dirty);
		return false;
	case JK_JALR: jt_jalr(t, &e->in, e->pc, e->len, n + 1); return false;
	case JK_LOAD: jt_load(t, &e->in, m->aux, e->pc, n); break;
	case JK_STORE: jt_store(t, &e->in, m->aux, e->pc, n); break;
	case JK_AMO: jt_amo(t, &e->in, m->aux, e->pc, n); break;
	case JK_CSR: jt_csr(t, &e->in, m->aux, e->pc, n); break;
	case JK_FENCE: jt_fence(t); break;
	default: jt_alu(t, m, &e->in, e->pc); break;
	}
	return true;
}

/* A loop whose body (ins[0..back]) is small: copies-1 copies of it where
 * the back edge just goes on to the next copy (a conditional one leaves
 * for the rest of the block, *exits[c], when not taken), then the last
 * copy with the real back edge; then the exits to the rest of the block,
 * each spending the copies it skipped.  Returns false if the block ends
 * with the loop. */
static bool jt_emit_unrolled(struct jt *t, unsigned copies)
{
	const struct jt_insn *e = &t->ins[t->back];
	uint32_t body = t->back + 1;
	uint8_t *exits[JIT_UNROLL];
	unsigned c;

	for (c = 0; c < copies; c++) {
		for (unsigned k = 0; k < t->back; k++)
			jt_emit_insn(t, k, c * body);
		jt_label(t, t->back);
		jt_flags_enter(t, t->back);
		if (e->m->kind != JK_BR) { /* j/jal back: the block ends */
			if (e->m->kind == JK_JAL) {
				x_mov_imm(&t->b, RAX, e->pc + e->len);
				jt_put(t, RAX, e->in.rd);
			}
			if (c == copies - 1)
				jt_back_edge(t, copies * body);
			continue;
		}
		exits[c] = x_jcc(&t->b, x_cc_not(jt_compare(t, e->m, &e->in)));
		if (c == copies - 1)
			jt_back_edge(t, copies * body);
	}
	if (e->m->kind != JK_BR)
		return false;
	/* Copy c's exit spends the c bodies the rest's counts leave out;
	 * copy 0's falls through to the rest. */
	for (c = copies; c-- > 1;) {
		x_patch(exits[c], t->b.p);
		jt_spend(t, c * body);
		exits[c] = x_jmp(&t->b);
	}
	x_patch(exits[0], t->b.p);
	for (c = 1; c < copies; c++)
		x_patch(exits[c], t->b.p);
	return true;
}

const uint8_t *jit_translate(struct hart *h, struct jit *j, uint64_t pc)
{
	static __thread struct jt t; /* ~12 KiB: off the vCPU stack */
	uint8_t *start = j->rw + j->used;
	unsigned k = 0, copies = 1;
	bool open = true;

	t.j = j;
	t.b.p = start;
	t.page = pc & ~0xfffULL;
	t.start = pc;
	t.nstubs = 0;
	t.npend = 0;
	if (!jt_scan(h, &t, pc))
		return JIT_NONE;
	/* The exit check: the budget (requests from other threads wait for
	 * it to run out, as under the interpreter). */
	t.dirty = 0;
	x_test_rr(&t.b, R15);
	jt_stub(&t, x_jcc(&t.b, CC_LE), pc, 0, STUB_EXIT);
	jt_alloc(&t);
	t.head = t.b.p;
	t.landing = 1;
	for (k = 0; k < t.n; k++) {
		if (t.ins[k].fwd >= 0)
			t.landing |= 1ULL << t.ins[k].fwd;
		if (t.ins[k].bwd >= 0)
			t.landing |= 1ULL << t.ins[k].bwd;
	}
	k = 0;
	t.flags_reg = -1;

	if (t.unroll) {
		copies = JIT_UNROLL_INSNS / (t.back + 1);
		if (copies > JIT_UNROLL)
			copies = JIT_UNROLL;
		open = jt_emit_unrolled(&t, copies);
		k = t.back + 1;
	}
	for (; open && k < t.n; k++)
		open = jt_emit_insn(&t, k, 0);
	if (t.npend) /* a jump inside the block with nowhere to land */
		return JIT_NONE;
	pc = t.ins[t.n - 1].next;
	if (t.step_after) {
		jt_writeback(&t, t.dirty);
		jt_spend(&t, t.n);
		jt_leave(&t, pc, JIT_EXIT_STEP);
	} else if (open) {
		jt_goto(&t, pc, t.n, t.dirty);
	}
	jt_emit_stubs(&t);
	j->st.blocks++;
	j->st.insns += t.n;
	j->used = (size_t)((t.b.p - j->rw + 15) & ~(ptrdiff_t)15);
	return jt_rx(&t, start);
}

#endif

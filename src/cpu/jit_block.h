/* What the translator's two halves share: jit_translate.c (blocks:
 * scanning, register allocation, exits, chaining) and jit_ops.c (the
 * instructions: ALU, M, loads and stores with the inline soft TLB). */
#ifndef ATOLL_CPU_JIT_BLOCK_H
#define ATOLL_CPU_JIT_BLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cpu/decode.h"
#include "cpu/jit_impl.h"
#include "cpu/jit_x86.h"

/* What a decoded instruction becomes (jit_ops.c's table). */
enum jk {
	JK_NONE,
	JK_NOP,
	JK_LI,
	JK_MV,
	JK_ALUI, /* addi xori ori andi: aux = enum x86_alu */
	JK_SLTI,
	JK_SLTIU,
	JK_SHI, /* slli srli srai: aux = enum x86_shift */
	JK_ADDIW,
	JK_SHIW,
	JK_AUIPC,
	JK_ALU, /* add sub xor or and */
	JK_SLT,
	JK_SLTU,
	JK_SH, /* sll srl sra */
	JK_ALUW, /* addw subw */
	JK_SHW,
	JK_MUL,
	JK_MULW,
	JK_MULH, /* aux = 5 imul, 4 mul */
	JK_CALL, /* rd = helper(rs1, rs2) */
	JK_DIV, /* aux = DIV_REM | DIV_U | DIV_W */
	JK_BR, /* aux = condition; beqz/bnez: rs2 = 0 */
	JK_J,
	JK_JAL,
	JK_JALR,
	JK_LOAD, /* aux = size | 16 for sign extension */
	JK_STORE, /* aux = size */
	JK_EXT, /* a shift pair fused (jt_fuse): aux = enum jk_ext */
	JK_AMO, /* aux = size | enum jk_amo << 4 (LR and SC too) */
	JK_CSR, /* aux = enum op_csr_kind */
	JK_FENCE, /* a fence x86-TSO needs (writes before reads) */
};

/* The AMOs translated inline (jit_ops.c's jt_amo). */
enum jk_amo { AMO_ADD, AMO_SWAP, AMO_AND, AMO_OR, AMO_XOR, AMO_LR, AMO_SC };

/* What a JK_DIV computes: the remainder, unsigned, on 32 bits. */
enum { DIV_REM = 1, DIV_U = 2, DIV_W = 4 };

/* Extensions a left shift and a right shift by the same amount make. */
enum jk_ext { EXT_ZW, EXT_ZH, EXT_ZB, EXT_SW, EXT_SH, EXT_SB, EXT_N };

struct jk_map {
	insn_fn f4, f2;
	uint8_t kind, aux;
	void *helper;
};

/* The table entry of the handler decode.c picked, or NULL: not translated. */
const struct jk_map *jk_find(insn_fn fn);
/* Entries for fused shift pairs (JK_EXT, by enum jk_ext) and the NOP the
 * pair's second instruction becomes. */
extern const struct jk_map jk_ext_map[EXT_N], jk_nop_map;

/* Hart field offsets, as the generated code addresses them from rbp, which
 * points JIT_HART_BIAS bytes into the hart so that x1..x31 are reached
 * with 8-bit displacements. */
#define HOFF(f) ((int32_t)offsetof(struct hart, f) - JIT_HART_BIAS)
#define HX(r) ((int32_t)(offsetof(struct hart, x) + 8u * (r)) - JIT_HART_BIAS)
#define HPC HOFF(pc)
#define HCTX HOFF(ctx_data)
#define HLOAD HOFF(tlb.load)
#define HSTORE HOFF(tlb.store)
#define HFETCH HOFF(tlb.fetch)
#define HCTXF HOFF(ctx_fetch)
#define HADD(r)                                                                \
	((int32_t)(offsetof(struct hart, jit_addend) + 8u * (r)) -             \
	 JIT_HART_BIAS)

_Static_assert(offsetof(struct hart, x) == 0, "x[] first: 8-bit offsets");
_Static_assert(sizeof(struct tlb_entry) == 32, "tlb entry is 32 bytes");
_Static_assert(offsetof(struct tlb_entry, tag) == 0, "tag first");
_Static_assert(offsetof(struct tlb_entry, addend) == 8, "addend second");
_Static_assert(offsetof(struct tlb_entry, code) == 24, "code last");
_Static_assert(sizeof(struct jit_entry) == 24, "jc entry: 3 words");
_Static_assert(JIT_JC_BITS == 15, "hash below");
_Static_assert(JIT_CODE_MIN == 256, "jbe below");
_Static_assert(TLB_SIZE == 1024, "index mask below");

/* Register allocation.  Within a block the guest registers it uses most
 * live in host registers: callee-saved ones first (the enter stub saves
 * them), then caller-saved ones (r8-r11 and rdi, saved around helper
 * calls); the data TLB context (pseudo-register JR_CTX) gets one of those
 * left over when the block has several loads and stores.  A block loads
 * its allocated registers on entry (only those it reads before writing,
 * unless it loops), writes the ones it has changed back at every exit,
 * and so hands the next block, the interpreter and the dispatcher a hart
 * whose x[] is exact.  rax, rcx, rdx and rsi are scratch; rbp is the
 * hart, r15 the budget. */
#define JR_CTX 33 /* pseudo guest register: h->ctx_data */
#define JR_N 34
extern const int8_t alloc_order[];
#define ALLOC_N 9

/* An exit the block body jumps to, emitted after the body. */
/* EXIT/STEP: spend, leave with JIT_EXIT_LOOKUP/STEP.  CHAIN: the initial
 * target of a patchable jump.  SIDE: the taken side of an in-page branch:
 * spend, then a patchable jump (which adds its CHAIN stub).  Every kind
 * but CHAIN and FWD first writes back the registers dirty at its exit.
 * FWD: the taken side of a branch inside the block, which skips
 * `retired` instructions of the path (jit_scan.c). */
/* HOT, OUT: as EXIT, leaving with JIT_EXIT_HOT, _OUT.  VICTIM: a load or store
 * whose soft-TLB entry missed: try the victim entry (tlb.h; rax and rcx
 * still hold the index and the key), on a hit take its addend into `reg`
 * and go back to `to`, else a STEP stub. */
enum stub_kind {
	STUB_EXIT,
	STUB_STEP,
	STUB_CHAIN,
	STUB_SIDE,
	STUB_FWD,
	STUB_HOT,
	STUB_OUT,
	STUB_VICTIM
};
struct stub {
	uint8_t *fix[2]; /* rel32 fields that jump here */
	uint8_t *to; /* FWD: give back `retired` to the budget, jump here */
	int32_t arr; /* VICTIM: the array's offset from rbp */
	int8_t reg; /* VICTIM: the register the access adds */
	uint64_t pc;
	uint64_t dirty; /* guest registers to write back */
	uint32_t retired; /* instructions of the block retired before */
	uint8_t kind;
};

/* A loop body of at most JIT_UNROLL_INSNS instructions is emitted
 * JIT_UNROLL times (the exit check only on the last copy's back edge), so
 * a block emits at most JIT_UNROLL_INSNS + JIT_BLOCK_MAX_INSNS
 * instructions, each with at most two exits; at ~200 bytes of code each
 * (a store's TLB check and its exit writing back eight registers) that
 * stays within JIT_BLOCK_ROOM. */
#define JIT_UNROLL 4
#define JIT_UNROLL_INSNS 32
#define JIT_STUBS_MAX (2 * (JIT_UNROLL_INSNS + JIT_BLOCK_MAX_INSNS) + 8)
_Static_assert((JIT_UNROLL_INSNS + JIT_BLOCK_MAX_INSNS) * 200 < JIT_BLOCK_ROOM,
	       "room for the largest block");

/* One decoded instruction of the block.  ins[] is the path the block
 * follows when no branch is taken: a `j` or `jal` to an address in the
 * page not in the block yet is followed (the scan goes on there), a
 * conditional branch to an instruction further on that path is a jump
 * inside the block (fwd) instead of a side exit, and a branch or jump to
 * an earlier one (not the start) is an inner loop's back edge (bwd). */
struct jt_insn {
	struct insn in;
	const struct jk_map *m;
	uint64_t pc;
	uint64_t next; /* the pc run after it on the path */
	uint8_t len;
	bool follow; /* a j/jal the path follows */
	bool straddle; /* at the page's last halfword, 32 bits: the upper
			* half `hi` is the next page's, checked each time
			* (jit_translate.c's jt_straddle) */
	uint16_t hi;
	int8_t fwd; /* a branch: ins[] index of its target, or -1 */
	int8_t bwd; /* a branch or j/jal back to ins[bwd] (not the start):
		     * an inner loop run inside the block, or -1 */
};

struct jt {
	struct jit *j;
	struct xbuf b;
	uint64_t page; /* guest-virtual page of the block */
	uint64_t start; /* its first pc */
	struct stub stubs[JIT_STUBS_MAX];
	unsigned nstubs;
	struct jt_insn ins[JIT_BLOCK_MAX_INSNS];
	unsigned n; /* instructions in ins[] */
	bool step_after; /* ins[n] exists but is left to the interpreter */
	bool loops; /* a jump or branch back to start */
	bool unroll; /* loops, and the body is emitted several times */
	unsigned back; /* loops: ins[] index of the first one */
	int8_t map[JR_N]; /* host register of a guest register, or NOREG */
	uint64_t dirty; /* allocated registers changed so far */
	uint64_t loop_dirty; /* loops: every allocated register it changes */
	uint64_t inner_dirty; /* every allocated one an inner loop changes */
	uint64_t landing; /* ins[] indices jumps land at (and 0) */
	uint32_t chase; /* guest registers a load of the block writes: the
			 * accesses based on them predict the addend */
	int8_t flags_reg; /* the guest register whose value the last emitted
			   * instruction set ZF from, or -1 */
	int8_t flags_in; /* flags_reg before the instruction being emitted
			  * (-1 where jumps land) */
	uint8_t *head; /* loops: the code after entry check and loads */
	uint8_t *label[JIT_BLOCK_MAX_INSNS]; /* where ins[k] was emitted */
	struct {
		uint8_t *fix; /* rel32 of a jump inside the block, or */
		struct stub *s; /* the FWD stub that jumps */
		unsigned to;
	} pend[JIT_BLOCK_MAX_INSNS]; /* jumps to ins[] not emitted yet */
	unsigned npend;
};

static inline const uint8_t *jt_rx(struct jt *t, const uint8_t *rw)
{
	return t->j->rx + (rw - t->j->rw);
}

static inline int H(const struct jt *t, unsigned r)
{
	return r < JR_N ? t->map[r] : NOREG;
}

/* jit_scan.c: decode the block at pc into t->ins (false if its first
 * instruction is not translated), then give its most used guest registers
 * host registers and emit their loads. */
bool jt_scan(struct hart *h, struct jt *t, uint64_t pc);
void jt_alloc(struct jt *t);

/* Record an out-of-line exit whose rel32 field is fix. */
struct stub *jt_stub(struct jt *t, uint8_t *fix, uint64_t pc, uint32_t retired,
		     enum stub_kind kind);
/* A jump back to the block's start after `retired` instructions. */
void jt_back_edge(struct jt *t, uint32_t retired);

/* jit_ops.c: guest register access through the allocation. */
void jt_get(struct jt *t, int reg, unsigned r);
int jt_src(struct jt *t, unsigned r, int scratch);
void jt_put(struct jt *t, int reg, unsigned r);
void jt_alu_x(struct jt *t, int w, enum x86_alu op, int reg, unsigned r);
/* jit_ops.c: one instruction each; retired = instructions of the block
 * before this one (a TLB miss leaves with them spent). */
void jt_alu(struct jt *t, const struct jk_map *m, const struct insn *in,
	    uint64_t pc);
void jt_load(struct jt *t, const struct insn *in, unsigned aux, uint64_t pc,
	     uint32_t retired);
void jt_store(struct jt *t, const struct insn *in, unsigned size, uint64_t pc,
	      uint32_t retired);
/* An AMO (aux: size | enum jk_amo << 4), inline on a store TLB hit. */
void jt_amo(struct jt *t, const struct insn *in, unsigned aux, uint64_t pc,
	    uint32_t retired);
/* Around a call from generated code: push the caller-saved host registers
 * that hold guest registers (and one more if needed: an even number keeps
 * the stack aligned) into saved[], *n of them; pop them again (rax and
 * rdx, the call's results, are kept). */
void jt_save_caller(struct jt *t, int *saved, int *n);
void jt_restore_caller(struct jt *t, const int *saved, int n);

/* jit_sys.c: a CSR instruction (aux: enum op_csr_kind) through the
 * interpreter's own code, staying in the block unless it must leave. */
void jt_csr(struct jt *t, const struct insn *in, unsigned aux, uint64_t pc,
	    uint32_t retired);
/* A full fence. */
void jt_fence(struct jt *t);

#endif

/* AMOs under the translator (jit_ops.c's jt_amo): a loop of every AMO it
 * translates (add, swap, and, or, xor; .W and .D; with and without the old
 * value) and an LR/SC increment gives the interpreter's results, runs
 * without leaving translated code (the interpreter's instruction count
 * stays near zero: before, every AMO left the block and was interpreted),
 * an amoadd.d and the LR/SC stay atomic against a host thread adding to
 * the same word with __atomic while the loop runs (another vCPU's
 * interpreter does exactly that; without the lock prefix adds are lost),
 * and SCs without the right reservation fail without storing.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "lib/jit_harness.h"

#define RAM_SIZE 0x10000u
#define PROG 0x1000u
#define DATA 0x4000u
#define ITERS 1000000u /* loop iterations */

enum { ADD = 0, SWAP = 1, LR = 2, SC = 3, XOR = 4, OR = 8, AND = 12 };

static uint32_t amo(unsigned f5, unsigned d, unsigned rd, unsigned rs1,
		    unsigned rs2)
{
	return f5 << 27 | 1u << 26 | rs2 << 20 | rs1 << 15 | (2u + d) << 12 |
	       rd << 7 | 0x2f;
}

static uint32_t addi(unsigned rd, unsigned rs1, int imm)
{
	return (uint32_t)imm << 20 | rs1 << 15 | rd << 7 | 0x13;
}

/* bne rs1, x0, off (off < 0, within 4 KiB) */
static uint32_t bnez(unsigned rs1, int32_t off)
{
	uint32_t o = (uint32_t)off;

	return (o >> 12 & 1) << 31 | (o >> 5 & 0x3f) << 25 | rs1 << 15 |
	       1u << 12 | (o >> 1 & 0xf) << 8 | (o >> 11 & 1) << 7 | 0x63;
}

/* From the guest's first add to its end, add to the same word. */
static atomic_bool guest_done;
static uint64_t host_adds;

static void *host_adder(void *arg)
{
	uint64_t *p = arg;

	while (!__atomic_load_n(p, __ATOMIC_SEQ_CST) &&
	       !atomic_load(&guest_done))
		;
	while (!atomic_load(&guest_done)) {
		__atomic_fetch_add(p, 1, __ATOMIC_SEQ_CST);
		host_adds++;
	}
	return NULL;
}

int main(void)
{
	static struct jh m;
	/* x10 = DATA; x11 counts down; x12 = 1; x13 = a bit pattern. */
	const uint32_t prog[] = {
		amo(ADD, 1, 0, 10, 12), /* d[0] += 1 (no old value) */
		amo(ADD, 0, 15, 14, 12), /* w[8] += 1, x15 = old */
		amo(OR, 1, 16, 17, 13), /* d[16] |= x13, x16 = old */
		amo(XOR, 0, 0, 18, 12), /* w[24] ^= 1 */
		amo(AND, 0, 19, 18, 20), /* w[24] &= ~2, x19 = old */
		amo(SWAP, 1, 21, 22, 11), /* d[32] = x11, x21 = old */
		amo(XOR, 1, 23, 24, 13), /* d[40] ^= x13, x23 = old */
		amo(AND, 1, 0, 24, 25), /* d[40] &= x25 */
		amo(OR, 0, 0, 18, 28), /* w[24] |= 4 */
		amo(LR, 1, 5, 10, 0), /* d[0] += 1 by LR/SC, retried */
		addi(5, 5, 1),
		amo(SC, 1, 6, 10, 5),
		bnez(6, -12),
		amo(LR, 0, 7, 14, 0), /* x7 = w[8] (sign-extended) */
		amo(LR, 0, 29, 30, 0), /* reserve w[56] (0) */
		amo(SC, 0, 8, 31, 12), /* fails: w[60] (0) is not reserved */
		amo(SC, 0, 9, 30, 12), /* fails: no reservation left */
		addi(11, 11, -1),
		bnez(11, -72),
		26u << 15 | 3u << 12 | 0x23, /* sd x0, 0(x26): stop */
	};
	uint8_t *d;
	uint64_t w40 = 0, x23 = 0, x13 = 0x0f0f0000f0f0ff00ULL;
	uint32_t w24 = 0x80000003u, x19 = 0;
	struct jit_stats s;
	pthread_t th;

	if (jh_no_jit("test_jit_amo"))
		return 0;
	jh_init(&m, RAM_SIZE, CPU_ENGINE_JIT);
	jit_hot = 1;
	jh_put(&m, PROG, prog, sizeof(prog));
	d = m.ram + DATA;
	memcpy(d + 8, &(uint32_t){ 0x80000000u }, 4); /* old values < 0 */
	memcpy(d + 24, &w24, 4);
	m.h.x[10] = JH_RAM_BASE + DATA;
	m.h.x[11] = ITERS;
	m.h.x[12] = 1;
	m.h.x[13] = x13;
	m.h.x[14] = JH_RAM_BASE + DATA + 8;
	m.h.x[17] = JH_RAM_BASE + DATA + 16;
	m.h.x[18] = JH_RAM_BASE + DATA + 24;
	m.h.x[20] = ~2ULL;
	m.h.x[22] = JH_RAM_BASE + DATA + 32;
	m.h.x[24] = JH_RAM_BASE + DATA + 40;
	m.h.x[25] = ~0x100ULL;
	m.h.x[26] = JH_STOP;
	m.h.x[28] = 4;
	m.h.x[30] = JH_RAM_BASE + DATA + 56;
	m.h.x[31] = JH_RAM_BASE + DATA + 60;

	if (pthread_create(&th, NULL, host_adder, d)) {
		printf("FAIL thread\n");
		return 2;
	}
	CHECK(jh_run(&m, JH_RAM_BASE + PROG) == HART_EXIT_STOP);
	atomic_store(&guest_done, true);
	pthread_join(th, NULL);

	/* What the interpreter's semantics give. */
	for (unsigned k = 0; k < ITERS; k++) {
		x23 = w40;
		w40 = (w40 ^ x13) & ~0x100ULL;
		w24 ^= 1;
		x19 = w24;
		w24 = (w24 & ~2u) | 4;
	}
	CHECK(*(uint64_t *)d == 2 * ITERS + host_adds);
	CHECK(m.h.x[7] == (uint64_t)(int64_t)(int32_t)(0x80000000u + ITERS));
	CHECK(m.h.x[8] == 1 && m.h.x[9] == 1);
	CHECK(*(uint64_t *)(d + 56) == 0);
	CHECK(m.h.x[6] == 0);
	CHECK(*(uint32_t *)(d + 8) == 0x80000000u + ITERS);
	CHECK(m.h.x[15] ==
	      (uint64_t)(int64_t)(int32_t)(0x80000000u + ITERS - 1));
	CHECK(*(uint64_t *)(d + 16) == x13);
	CHECK(m.h.x[16] == x13);
	CHECK(*(uint32_t *)(d + 24) == w24);
	CHECK(m.h.x[19] == (uint64_t)(int64_t)(int32_t)x19);
	CHECK(*(uint64_t *)(d + 32) == 1);
	CHECK(m.h.x[21] == 2);
	CHECK(*(uint64_t *)(d + 40) == w40);
	CHECK(m.h.x[23] == x23);
	CHECK(m.h.x[11] == 0);

	/* Translated: the interpreter ran only the first misses of the
	 * soft TLB (one per page and array) and the stop, not an AMO per
	 * iteration (9 * ITERS before; LR/SC too before the session
	 * after). */
	CHECK(jit_get_stats(&m.h, &s));
	CHECK(s.steps < 100);
	if (s.steps >= 100)
		printf("  interpreted %llu instructions\n",
		       (unsigned long long)s.steps);

	jh_destroy(&m);
	return check_done("test_jit_amo");
}

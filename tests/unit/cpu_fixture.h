/* Test fixture for the cpu layer's privileged parts (MMU, TLB, CSRs, traps):
 * a hart on a fake cpu_bus with RAM in a malloc'd buffer, a fake device, a
 * page-table builder, and stand-ins for the code cache (exec.c) so the tests
 * need no decoder or run loop.  Header-only: each test includes it once. */
#ifndef ATOLL_TESTS_CPU_FIXTURE_H
#define ATOLL_TESTS_CPU_FIXTURE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/csr.h"
#include "cpu/exec.h"
#include "cpu/hart.h"
#include "cpu/mmu.h"
#include "cpu/tlb.h"
#include "cpu/trap.h"

#include "check.h"

#define FX_RAM_BASE 0x80000000ULL
#define FX_RAM_SIZE (16ULL << 20)
#define FX_PT_BASE (FX_RAM_BASE + (8ULL << 20)) /* page-table pool */
#define FX_DEV 0x10000000ULL /* fake device: reads 0x5a per byte */
#define FX_DEV_BAD 0x10001000ULL /* device page whose accesses fail */

#define PTE_V (1ULL << 0)
#define PTE_R (1ULL << 1)
#define PTE_W (1ULL << 2)
#define PTE_X (1ULL << 3)
#define PTE_U (1ULL << 4)
#define PTE_G (1ULL << 5)
#define PTE_A (1ULL << 6)
#define PTE_D (1ULL << 7)

struct fx {
	struct hart h;
	uint8_t *ram;
	uint64_t pt_next;
	unsigned ram_page_calls, mmio_reads, mmio_writes, sbi_calls;
	uint64_t mmio_addr, mmio_val;
	unsigned mmio_size;
	uint64_t code_gpa[4]; /* pages "with pre-decoded code" */
	unsigned invalidations;
	bool code_sticky; /* invalidation deferred: the code stays */
};

static struct fx *fx_cur; /* for the code-cache stand-ins */
static void *fx_ram_page(void *ctx, uint64_t gpa_page, bool write)
{
	struct fx *f = ctx;

	f->ram_page_calls++;
	if (gpa_page < FX_RAM_BASE || gpa_page >= FX_RAM_BASE + FX_RAM_SIZE)
		return NULL;
	return f->ram + (gpa_page - FX_RAM_BASE);
}

static int fx_mmio_read(void *ctx, struct hart *h, uint64_t gpa, unsigned size,
			uint64_t *val)
{
	struct fx *f = ctx;

	f->mmio_reads++;
	f->mmio_addr = gpa;
	f->mmio_size = size;
	if ((size & (size - 1)) || size > 8 || (gpa & (size - 1)))
		FAIL("device read of %u bytes at %#llx", size,
		     (unsigned long long)gpa);
	if ((gpa & ~0xfffULL) != FX_DEV)
		return -1;
	*val = 0x5a5a5a5a5a5a5a5aULL >> (64 - 8 * size);
	return 0;
}

static int fx_mmio_write(void *ctx, struct hart *h, uint64_t gpa, unsigned size,
			 uint64_t val)
{
	struct fx *f = ctx;

	f->mmio_writes++;
	f->mmio_addr = gpa;
	f->mmio_size = size;
	f->mmio_val = val;
	if ((size & (size - 1)) || size > 8 || (gpa & (size - 1)))
		FAIL("device write of %u bytes at %#llx", size,
		     (unsigned long long)gpa);
	return (gpa & ~0xfffULL) == FX_DEV ? 0 : -1;
}

static void fx_sbi_call(void *ctx, struct hart *h)
{
	struct fx *f = ctx;

	f->sbi_calls++;
	h->x[10] = 0; /* a0 = SBI_SUCCESS */
}

static const struct cpu_bus_ops fx_ops = {
	.ram_page = fx_ram_page,
	.mmio_read = fx_mmio_read,
	.mmio_write = fx_mmio_write,
	.sbi_call = fx_sbi_call,
};

/* Stand-ins for exec.c's code cache.  Weak, so a link against the real
 * one still works (then the code-page checks are skipped). */
static int fx_dummy_cache;
__attribute__((weak)) struct code_cache *code_cache_new(void)
{
	return (struct code_cache *)&fx_dummy_cache;
}

__attribute__((weak)) void code_cache_free(struct code_cache *cc)
{
	(void)cc;
}

__attribute__((weak)) struct code_page *code_cache_find(struct hart *h,
							uint64_t gpa_page)
{
	static struct code_page *fake = (struct code_page *)&fx_dummy_cache;

	for (unsigned i = 0; fx_cur && i < 4; i++)
		if (fx_cur->code_gpa[i] == gpa_page)
			return fake;
	return NULL;
}

__attribute__((weak)) void code_cache_invalidate(struct hart *h,
						 uint64_t gpa_page)
{
	for (unsigned i = 0; fx_cur && i < 4; i++) {
		if (fx_cur->code_gpa[i] == gpa_page) {
			if (!fx_cur->code_sticky)
				fx_cur->code_gpa[i] = 0;
			fx_cur->invalidations++;
		}
	}
}

/* True when the stand-ins above are the ones linked in. */
static inline bool fx_stub_cache(struct fx *f)
{
	return f->h.code == (struct code_cache *)&fx_dummy_cache;
}

static inline struct fx *fx_new(void)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct cpu_bus bus = { .ops = &fx_ops, .ctx = f };

	if (!f || !(f->ram = calloc(1, FX_RAM_SIZE))) {
		printf("FAIL out of memory\n");
		exit(2);
	}
	if (hart_init(&f->h, 0, FX_RAM_BASE, &bus)) {
		printf("FAIL hart_init\n");
		exit(2);
	}
	f->pt_next = FX_PT_BASE;
	fx_cur = f;
	return f;
}

static inline void fx_free(struct fx *f)
{
	hart_destroy(&f->h);
	free(f->ram);
	free(f);
	fx_cur = NULL;
}

static inline uint64_t *fx_ram64(struct fx *f, uint64_t gpa)
{
	return (uint64_t *)(void *)(f->ram + (gpa - FX_RAM_BASE));
}

/* A zeroed page-table page (guest-physical address). */
static inline uint64_t fx_pt_page(struct fx *f)
{
	uint64_t p = f->pt_next;

	f->pt_next += 4096;
	memset(f->ram + (p - FX_RAM_BASE), 0, 4096);
	return p;
}

/* Map va -> pa with a leaf at `level` (0 = 4 KiB) in the table at root
 * with `levels` levels; returns a pointer to the leaf PTE. */
static inline uint64_t *fx_map(struct fx *f, uint64_t root, int levels,
			       uint64_t va, uint64_t pa, int level,
			       uint64_t flags)
{
	uint64_t table = root;

	for (int l = levels - 1; l > level; l--) {
		uint64_t *e =
			fx_ram64(f, table + ((va >> (12 + 9 * l)) & 511) * 8);

		if (!(*e & PTE_V))
			*e = ((fx_pt_page(f) >> 12) << 10) | PTE_V;
		table = ((*e >> 10) & ((1ULL << 44) - 1)) << 12;
	}
	uint64_t *pte =
		fx_ram64(f, table + ((va >> (12 + 9 * level)) & 511) * 8);
	*pte = ((pa >> 12) << 10) | flags | PTE_V;
	return pte;
}

static inline uint64_t fx_satp(uint64_t mode, uint64_t asid, uint64_t root)
{
	return mode << 60 | asid << 44 | root >> 12;
}

/* Switch to privilege p with satp (written as M-mode would), mstatus bits
 * `set` set and `clr` cleared. */
static inline void fx_enter(struct fx *f, unsigned p, uint64_t satp,
			    uint64_t set, uint64_t clr)
{
	f->h.priv = PRIV_M;
	CHECK_EQ(csr_write(&f->h, CSR_SATP, satp), 0);
	f->h.mstatus = (f->h.mstatus & ~clr) | set;
	f->h.priv = (uint8_t)p;
	mmu_update_ctx(&f->h);
}

#endif

/* Fuzz target: grant tables (src/io/grant.c, grant_hcall.c).  The input
 * is a sequence of operations of two hostile guests (domains 1 and 2) and
 * of atoll's back-ends: the guests write their own memory (grant entries
 * included), register tables and issue GNTTABOP_copy with arguments from
 * the input; back-ends map, unmap and copy grants; the memory manager
 * swaps and balloons frames underneath.
 *
 * Invariants, after every operation: the memory accounting adds up
 * (mem_host_check); every live mapping's frame is still the P2M's frame
 * of its gfn, present and pinned, and its whole page is reachable; at the
 * end, once everything is unmapped and the domains are gone, every frame
 * and swap slot is free. */
#include "atoll/abi/hypercall.h"
#include "io/grant.h"
#include "mem/p2m.h"

#include "fuzz_io.h"

#define FZ_MAPS 8
#define FZ_OPS 64 /* operations per input: bound the work */

static struct grant_mapping fz_map[FZ_MAPS];
static bool fz_live[FZ_MAPS];

static struct io_dom *pick(struct fz_in *in)
{
	return fz_dom[fz_u8(in) & 1];
}

/* A guest writes bytes of the input into its own memory. */
static void op_guest_write(struct fz_in *in)
{
	struct io_dom *d = pick(in);
	uint64_t g = fz_gfn(in);
	unsigned off = fz_u16(in) % PAGE_SIZE, len = fz_u8(in) % 65;
	uint8_t buf[64];

	fz_bytes(in, buf, len);
	if (len > PAGE_SIZE - off)
		len = PAGE_SIZE - off;
	dom_mem_write(d->mem, (g << PAGE_SHIFT) + off, buf, len);
}

/* A guest writes a grant entry: flags, grantee and frame. */
static void op_guest_entry(struct fz_in *in)
{
	struct io_dom *d = pick(in);
	uint16_t ref = fz_u16(in) % (GRANT_MAX_ENTRIES + 8);
	struct grant_entry_v1 e;

	e.flags = fz_u16(in);
	e.domid = fz_domid(in);
	e.frame = (uint32_t)fz_gfn(in);
	if (ref / GRANT_PER_FRAME < d->gt.nr_frames)
		dom_mem_write(d->mem,
			      (d->gt.gfn[ref / GRANT_PER_FRAME] << PAGE_SHIFT) +
				      (ref % GRANT_PER_FRAME) * sizeof(e),
			      &e, sizeof(e));
}

static void op_set_table(struct fz_in *in)
{
	struct gnttab_atoll_set_table t;
	struct io_dom *d = pick(in);
	uint64_t count = fz_u8(in) % 8 ? 1 : fz_u8(in);

	t.nr_frames = fz_u8(in) % 8 ? fz_u8(in) % 6 : fz_u32(in);
	t.pad = 0;
	for (unsigned k = 0; k < ATOLL_GNTTAB_MAX_FRAMES; k++)
		t.gfn[k] = fz_gfn(in);
	memcpy(it_gmem, &t, sizeof(t));
	grant_hcall(d, &it_guest, GNTTABOP_atoll_set_table,
		    fz_u8(in) % 8 ? 0 : fz_arg(in, sizeof(t)), count);
}

static void copy_ptr(struct fz_in *in, struct gnttab_copy_ptr *p)
{
	if (fz_u8(in) & 1)
		p->u.ref = fz_u16(in) % (GRANT_MAX_ENTRIES + 8);
	else
		p->u.gmfn = fz_gfn(in);
	p->domid = fz_domid(in);
	p->offset = fz_u8(in) % 4 ? fz_u16(in) % (PAGE_SIZE + 1) : fz_u16(in);
}

/* GNTTABOP_copy: a few ops built from the input, or raw bytes. */
static void op_copy(struct fz_in *in)
{
	struct gnttab_copy ops[4];
	struct io_dom *d = pick(in);
	uint8_t n = fz_u8(in), cmd = fz_u8(in);

	memset(ops, 0, sizeof(ops));
	for (unsigned k = 0; k < 4; k++) {
		copy_ptr(in, &ops[k].source);
		copy_ptr(in, &ops[k].dest);
		ops[k].len = fz_u8(in) % 4 ? fz_u16(in) % (PAGE_SIZE + 1)
					   : fz_u16(in);
		ops[k].flags = fz_u8(in) % 8 ? fz_u8(in) & 3 : fz_u16(in);
	}
	memcpy(it_gmem, ops, sizeof(ops));
	grant_hcall(d, &it_guest, cmd < 240 ? GNTTABOP_copy : cmd,
		    n < 240 ? 0 : fz_arg(in, sizeof(ops)),
		    n < 240 ? n % 5 : fz_u16(in));
}

/* A back-end (or the other domain) maps a grant; writes the whole page. */
static void op_map(struct fz_in *in)
{
	unsigned s = fz_u8(in) % FZ_MAPS;
	struct io_dom *d = pick(in);
	domid_t grantee = fz_domid(in);
	grant_ref_t ref = fz_u16(in) % (GRANT_MAX_ENTRIES + 8);
	bool ro = fz_u8(in) & 1;

	if (fz_live[s])
		return;
	if (grant_map(d, grantee, ref, ro, &fz_map[s]))
		return;
	fz_live[s] = true;
	if (ro) {
		volatile uint8_t sum = 0;

		for (unsigned k = 0; k < PAGE_SIZE; k++)
			sum += ((uint8_t *)fz_map[s].ptr)[k];
		(void)sum;
	} else {
		memset(fz_map[s].ptr, 0xa5, PAGE_SIZE);
	}
}

static void op_unmap(struct fz_in *in)
{
	unsigned s = fz_u8(in) % FZ_MAPS;

	if (!fz_live[s])
		return;
	grant_unmap(&fz_map[s]);
	fz_live[s] = false;
}

static void op_backend_copy(struct fz_in *in)
{
	struct io_dom *d = pick(in);
	grant_ref_t ref = fz_u16(in) % (GRANT_MAX_ENTRIES + 8);
	unsigned off = fz_u16(in), len = fz_u16(in) % (PAGE_SIZE + 2);
	static uint8_t buf[PAGE_SIZE + 2];

	if (fz_u8(in) & 1)
		grant_copy_from(d, DOMID_BACKEND, ref, off, buf,
				len > sizeof(buf) ? sizeof(buf) : len);
	else
		grant_copy_to(d, DOMID_BACKEND, ref, off, buf,
			      len > sizeof(buf) ? sizeof(buf) : len);
}

/* The memory manager moves frames: swap out, balloon, repopulate. */
static void op_memory(struct fz_in *in)
{
	struct io_dom *d = pick(in);
	uint8_t what = fz_u8(in) % 3;
	uint64_t g = fz_gfn(in);

	if (what == 0)
		dom_mem_swap_out(d->mem, fz_u8(in) % 32);
	else if (what == 1)
		dom_mem_decrease(d->mem, &g, 1, 0);
	else
		dom_mem_populate(d->mem, &g, 1, 0);
}

/* Every live mapping still reaches the P2M's frame, pinned. */
static void check_maps(void)
{
	for (unsigned s = 0; s < FZ_MAPS; s++) {
		struct grant_mapping *m = &fz_map[s];
		struct p2m_entry e;

		if (!fz_live[s])
			continue;
		e = p2m_get(&m->granter->mem->p2m, gfn(m->gfn));
		CHECK(e.type == P2M_PRESENT && e.val == m->mfn);
		CHECK(atomic_load(&fz_mh.pool.ft[m->mfn].refs) > 0);
		CHECK(m->ptr == fz_mh.pool.base + (uint64_t)m->mfn * PAGE_SIZE);
	}
	fz_check();
}

static void (*const fz_ops[])(struct fz_in *) = {
	op_guest_write, op_guest_entry, op_guest_entry,	 op_set_table, op_copy,
	op_map,		op_unmap,	op_backend_copy, op_memory,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_in in = { data, size };

	fz_doms_create(NULL);
	for (unsigned k = 0; k < FZ_OPS && in.n; k++) {
		fz_ops[fz_u8(&in) % (sizeof(fz_ops) / sizeof(fz_ops[0]))](&in);
		check_maps();
	}
	for (unsigned s = 0; s < FZ_MAPS; s++) {
		if (fz_live[s])
			grant_unmap(&fz_map[s]);
		fz_live[s] = false;
	}
	fz_doms_destroy();
	return 0;
}

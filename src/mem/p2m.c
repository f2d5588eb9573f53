/* P2M storage and its printed form (see p2m.h). */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>

#include "mem/p2m.h"

static const char *const p2m_type_names[] = {
	[P2M_UNPOPULATED] = "unpopulated", [P2M_PRESENT] = "present",
	[P2M_BALLOONED] = "ballooned",	   [P2M_SWAPPED] = "swapped",
	[P2M_SHARED] = "shared",	   [P2M_BUSY] = "busy",
};

#define P2M_NTYPES (P2M_BUSY + 1)

int p2m_init(struct p2m *p, uint64_t base_gfn, uint64_t nr)
{
	p->base = base_gfn;
	p->nr = nr;
	/* All zero: every entry starts P2M_UNPOPULATED. */
	p->e = calloc(nr ? nr : 1, sizeof(*p->e));
	return p->e ? 0 : -ENOMEM;
}

void p2m_destroy(struct p2m *p)
{
	free(p->e);
	p->e = NULL;
	p->nr = 0;
}

/* Does entry b continue the range that ends with entry a? */
static bool p2m_continues(struct p2m_entry a, struct p2m_entry b)
{
	if (a.type != b.type)
		return false;
	switch (a.type) {
	case P2M_PRESENT:
	case P2M_SHARED:
	case P2M_SWAPPED: return b.val == a.val + 1;
	default: return true;
	}
}

static void p2m_print_range(FILE *out, uint64_t g0, uint64_t g1,
			    struct p2m_entry first, struct p2m_entry last,
			    uint32_t refs)
{
	const char *name = p2m_type_names[first.type];
	uint64_t n = g1 - g0 + 1;

	fprintf(out, "  0x%05" PRIx64 "-0x%05" PRIx64, g0, g1);
	switch (first.type) {
	case P2M_PRESENT:
		fprintf(out, " -> mfn 0x%05x-0x%05x %s (%" PRIu64 ")\n",
			first.val, last.val, name, n);
		break;
	case P2M_SHARED:
		/* refs: gfns of all domains mapping each of these frames. */
		fprintf(out,
			" -> mfn 0x%05x-0x%05x %s (%" PRIu64 ") refs %" PRIu32
			"\n",
			first.val, last.val, name, n, refs);
		break;
	case P2M_SWAPPED:
		fprintf(out, " -> slot 0x%05x-0x%05x %s (%" PRIu64 ")\n",
			first.val, last.val, name, n);
		break;
	default: fprintf(out, " %s (%" PRIu64 ")\n", name, n);
	}
}

const char *p2m_type_name(enum p2m_type t)
{
	return (unsigned)t < P2M_NTYPES ? p2m_type_names[t] : "?";
}

uint64_t p2m_for_each_range(const struct p2m *p, p2m_refs_fn *refs, void *rctx,
			    void (*fn)(const struct p2m_range *r, void *arg),
			    void *arg, uint64_t count[P2M_BUSY + 1])
{
	uint64_t ranges = 0, start = 0;
	struct p2m_entry first = { 0 }, prev = { 0 };
	uint32_t rfirst = 0;
	struct p2m_range r;

	for (uint64_t i = 0; i <= p->nr; i++) {
		struct p2m_entry e = { 0 };
		uint32_t n = 0;

		if (i < p->nr) {
			e = p2m_get(p, gfn(p->base + i));
			if (e.type >= P2M_NTYPES)
				e.type =
					P2M_BUSY; /* cannot happen: don't trust */
			if (e.type == P2M_SHARED && refs)
				n = refs(rctx, e.val);
			count[e.type]++;
			if (i && p2m_continues(prev, e) && n == rfirst) {
				prev = e;
				continue;
			}
		}
		if (i) {
			r = (struct p2m_range){
				p->base + start, p->base + i - 1, first.type,
				first.val,	 prev.val,	  rfirst
			};
			fn(&r, arg);
			ranges++;
		}
		start = i;
		first = prev = e;
		rfirst = n;
	}
	return ranges;
}

static void p2m_print_one(const struct p2m_range *r, void *out)
{
	struct p2m_entry first = { r->type, r->first_val };
	struct p2m_entry last = { r->type, r->last_val };

	p2m_print_range(out, r->gfn_first, r->gfn_last, first, last, r->refs);
}

void p2m_print(const struct p2m *p, FILE *out)
{
	p2m_print_refs(p, out, NULL, NULL);
}

void p2m_print_refs(const struct p2m *p, FILE *out, p2m_refs_fn *refs,
		    void *ctx)
{
	uint64_t count[P2M_NTYPES] = { 0 }, ranges;

	ranges = p2m_for_each_range(p, refs, ctx, p2m_print_one, out, count);
	fprintf(out, "  %" PRIu64 " gfns in %" PRIu64 " ranges:", p->nr,
		ranges);
	for (int t = 0; t < P2M_NTYPES; t++)
		fprintf(out, " %s %" PRIu64, p2m_type_names[t], count[t]);
	fputc('\n', out);
}

/* The picture of machine memory as runs (see memmap.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mem/mem_internal.h"
#include "mem/memmap.h"

const char *const memmap_state_names[MEMMAP_NSTATES] = {
	[MEMMAP_FREE] = "free",	      [MEMMAP_PRIVATE] = "private",
	[MEMMAP_SHARED] = "shared",   [MEMMAP_BALLOONED] = "ballooned",
	[MEMMAP_SWAPPED] = "swapped", [MEMMAP_UNPOPULATED] = "unpopulated",
	[MEMMAP_BUSY] = "busy",
};

/* Append one cell to a run list that has room for one more run. */
static void memmap_add(struct memmap_run *runs, size_t *n, domid_t owner,
		       uint8_t state)
{
	struct memmap_run *r = *n ? &runs[*n - 1] : NULL;

	if (r && r->owner == owner && r->state == state) {
		r->count++;
		return;
	}
	runs[(*n)++] = (struct memmap_run){ 1, owner, state };
}

static uint8_t memmap_guest_state(enum p2m_type t)
{
	switch (t) {
	case P2M_PRESENT: return MEMMAP_PRIVATE;
	case P2M_SHARED: return MEMMAP_SHARED;
	case P2M_BALLOONED: return MEMMAP_BALLOONED;
	case P2M_SWAPPED: return MEMMAP_SWAPPED;
	case P2M_UNPOPULATED: return MEMMAP_UNPOPULATED;
	default: return MEMMAP_BUSY;
	}
}

/* One domain's guest view, and its mapped frames into the machine view
 * (owner[], state[] per MFN).  0 or -ENOMEM. */
static int memmap_dom(struct memmap *m, struct dom_mem *d, domid_t *owner,
		      uint8_t *state, bool view)
{
	struct memmap_dom *md = view ? &m->dom[m->ndom] : NULL;

	if (md) {
		memset(md, 0, sizeof(*md));
		md->id = d->domid;
		memcpy(md->name, d->name, sizeof(md->name));
		md->base_gfn = d->p2m.base;
		md->nr = d->p2m.nr;
		/* At most one run per gfn: bounded, freed at once. */
		md->runs =
			malloc((d->p2m.nr ? d->p2m.nr : 1) * sizeof(*md->runs));
		if (!md->runs)
			return -ENOMEM;
		m->ndom++;
	}
	for (uint64_t i = 0; i < d->p2m.nr; i++) {
		struct p2m_entry e = p2m_get(&d->p2m, gfn(d->p2m.base + i));
		uint8_t s = memmap_guest_state(e.type);

		if ((s == MEMMAP_PRIVATE || s == MEMMAP_SHARED) &&
		    e.val < m->nframes) {
			owner[e.val] =
				s == MEMMAP_SHARED ? DOMID_NONE : d->domid;
			state[e.val] = s;
		}
		if (md) {
			memmap_add(md->runs, &md->nruns, 0, s);
			md->count[s]++;
		}
	}
	return 0;
}

int memmap_build(struct mem_host *mh, domid_t only, struct memmap *m)
{
	uint32_t n = mh->pool.nframes;
	domid_t *owner = calloc(n ? n : 1, sizeof(*owner));
	uint8_t *state = calloc(n ? n : 1, 1);
	struct dom_mem **doms = NULL;
	unsigned ndom = 0;
	int err = -ENOMEM;

	memset(m, 0, sizeof(*m));
	m->nframes = n;
	m->machine = malloc((n ? n : 1) * sizeof(*m->machine));
	if (!owner || !state || !m->machine)
		goto out;
	/* Owned frames no P2M maps now are in transit (busy). */
	for (uint32_t f = 0; f < n; f++) {
		owner[f] = atomic_load_explicit(&mh->pool.ft[f].owner,
						memory_order_relaxed);
		state[f] = owner[f] == DOMID_NONE ? MEMMAP_FREE : MEMMAP_BUSY;
	}
	/* wss.busy keeps every domain listed now alive (dom_mem_destroy
	 * waits for it after unlinking), without holding mh->lock, which
	 * every populate takes, over the P2M scans (read lock-free). */
	pthread_mutex_lock(&mh->wss.busy);
	pthread_mutex_lock(&mh->lock);
	for (struct dom_mem *d = mh->domains; d; d = d->next)
		ndom++;
	doms = calloc(ndom ? ndom : 1, sizeof(*doms));
	m->dom = calloc(ndom ? ndom : 1, sizeof(*m->dom));
	ndom = 0;
	for (struct dom_mem *d = mh->domains; d && doms; d = d->next)
		doms[ndom++] = d;
	pthread_mutex_unlock(&mh->lock);
	err = doms && m->dom ? 0 : -ENOMEM;
	for (unsigned i = ndom; i-- > 0 && !err;)
		err = memmap_dom(m, doms[i], owner, state,
				 !only || doms[i]->domid == only);
	pthread_mutex_unlock(&mh->wss.busy);
	for (uint32_t f = 0; f < n && !err; f++) {
		memmap_add(m->machine, &m->nmachine, owner[f], state[f]);
		m->count[state[f]]++;
	}
out:
	free(doms);
	free(owner);
	free(state);
	if (err)
		memmap_free(m);
	return err;
}

void memmap_free(struct memmap *m)
{
	for (unsigned i = 0; m->dom && i < m->ndom; i++)
		free(m->dom[i].runs);
	free(m->dom);
	free(m->machine);
	memset(m, 0, sizeof(*m));
}

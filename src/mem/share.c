/* The share table and the reference counts of shared frames (share.h):
 * merging a write-protected gfn into it, copy-on-write breaks, and the
 * gfns that stop mapping a shared frame (balloon, destroy).
 *
 * Lock order: d->lock -> s->lock -> mh->lock -> pool lock.  Every change
 * of a P2M entry to or from SHARED holds the domain's lock and s->lock. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define XXH_INLINE_ALL /* header-only: the hash inlined, no library */
#include <xxhash.h>

#include "lib/log.h"
#include "mem/mem_internal.h"
#include "mem/share_impl.h"

int share_init(struct share *s, uint32_t nframes)
{
	uint32_t nb = 1;

	memset(s, 0, sizeof(*s));
	while (nb < nframes)
		nb <<= 1;
	s->nframes = nframes;
	s->mask = nb - 1;
	s->zero = MFN_NONE;
	s->bucket = malloc((size_t)nb * sizeof(*s->bucket));
	s->next = calloc(nframes, sizeof(*s->next));
	s->hash = calloc(nframes, sizeof(*s->hash));
	s->refs = calloc(nframes, sizeof(*s->refs));
	if (!s->bucket || !s->next || !s->hash || !s->refs) {
		share_destroy(s);
		return -ENOMEM;
	}
	memset(s->bucket, 0xff, (size_t)nb * sizeof(*s->bucket));
	pthread_mutex_init(&s->lock, NULL);
	pthread_mutex_init(&s->scan_lock, NULL);
	return 0;
}

void share_destroy(struct share *s)
{
	if (s->bucket) {
		pthread_mutex_destroy(&s->lock);
		pthread_mutex_destroy(&s->scan_lock);
	}
	free(s->bucket);
	free(s->next);
	free(s->hash);
	free(s->refs);
	memset(s, 0, sizeof(*s));
}

uint64_t share_hash(const void *page)
{
	return XXH3_64bits(page, PAGE_SIZE);
}

bool share_is_zero(const void *page)
{
	const uint64_t *w = page;

	for (unsigned i = 0; i < PAGE_SIZE / 8; i += 4)
		if (w[i] | w[i + 1] | w[i + 2] | w[i + 3])
			return false;
	return true;
}

/* Insert frame m (its contents hash to h) with one reference.  Caller
 * holds s->lock. */
static void share_insert_locked(struct share *s, uint32_t m, uint64_t h)
{
	uint32_t b = (uint32_t)h & s->mask;

	s->hash[m] = h;
	s->refs[m] = 1;
	s->next[m] = s->bucket[b];
	s->bucket[b] = m;
	s->frames++;
	s->mappings++;
}

/* Take frame m out of the table (its count is 0 or about to be reused).
 * Caller holds s->lock. */
static void share_remove_locked(struct share *s, uint32_t m)
{
	uint32_t *pp = &s->bucket[(uint32_t)s->hash[m] & s->mask];

	while (*pp != MFN_NONE && *pp != m)
		pp = &s->next[*pp];
	if (*pp == m)
		*pp = s->next[m];
	s->frames--;
	if (s->zero == m)
		s->zero = MFN_NONE;
}

/* A shared frame with the same contents as page (hash h), or MFN_NONE.
 * Byte for byte: a hash only says where to look. */
static uint32_t share_find_locked(struct mem_host *mh, const void *page,
				  uint64_t h)
{
	struct share *s = &mh->share;

	for (uint32_t m = s->bucket[(uint32_t)h & s->mask]; m != MFN_NONE;
	     m = s->next[m])
		if (s->hash[m] == h &&
		    !memcmp(mpool_ptr(&mh->pool, mfn(m)), page, PAGE_SIZE))
			return m;
	return MFN_NONE;
}

bool share_merge_locked(struct dom_mem *d, uint64_t g, uint32_t m, bool zero,
			uint64_t h)
{
	struct mem_host *mh = d->host;
	struct share *s = &mh->share;
	const void *page = mpool_ptr(&mh->pool, mfn(m));
	uint32_t to = zero ? s->zero : share_find_locked(mh, page, h);

	atomic_fetch_add(&d->shared, 1);
	if (to == MFN_NONE) {
		/* The first of its kind: the frame itself becomes shared,
		 * read-only from now on, so later copies merge into it. */
		struct frame *f = &mh->pool.ft[m];

		atomic_store(&f->owner, DOMID_COW);
		atomic_fetch_or(&f->flags, FRAME_SHARED);
		share_insert_locked(s, m, h);
		if (zero) {
			s->zero = m;
			atomic_fetch_add(&d->share_zero, 1);
		}
		p2m_set(&d->p2m, gfn(g), P2M_SHARED, m);
		return false;
	}
	s->refs[to]++;
	s->mappings++;
	if (to == s->zero)
		atomic_fetch_add(&d->share_zero, 1);
	p2m_set(&d->p2m, gfn(g), P2M_SHARED, to);
	return true;
}

/* A gfn of d stopped mapping m: d's counters.  Caller holds s->lock. */
static void share_unmapped_locked(struct dom_mem *d, uint32_t m)
{
	if (m == d->host->share.zero)
		atomic_fetch_sub(&d->share_zero, 1);
	atomic_fetch_sub(&d->shared, 1);
}

/* One reference less.  True when nothing maps m any more and nothing pins
 * it: the caller frees it.  Caller holds s->lock. */
static bool share_put_locked(struct mem_host *mh, uint32_t m)
{
	struct share *s = &mh->share;

	s->mappings--;
	if (--s->refs[m])
		return false;
	share_remove_locked(s, m);
	/* A frame still pinned for I/O (read) stays until its last unpin
	 * (share_unpinned): no one else may see it reused under the I/O. */
	return atomic_load(&mh->pool.ft[m].refs) == 0;
}

void share_unmap(struct dom_mem *d, uint32_t m)
{
	pthread_mutex_lock(&d->host->share.lock);
	share_unmapped_locked(d, m);
	pthread_mutex_unlock(&d->host->share.lock);
}

bool share_put(struct mem_host *mh, uint32_t m)
{
	bool freeit;

	pthread_mutex_lock(&mh->share.lock);
	freeit = share_put_locked(mh, m);
	pthread_mutex_unlock(&mh->share.lock);
	return freeit;
}

bool share_drop(struct dom_mem *d, uint32_t m)
{
	struct share *s = &d->host->share;
	bool freeit;

	pthread_mutex_lock(&s->lock);
	share_unmapped_locked(d, m);
	freeit = share_put_locked(d->host, m);
	pthread_mutex_unlock(&s->lock);
	return freeit;
}

void share_unpinned(struct mem_host *mh, mfn_t m)
{
	struct share *s = &mh->share;
	bool freeit;

	pthread_mutex_lock(&s->lock);
	freeit = atomic_load(&mh->pool.ft[m.v].owner) == DOMID_COW &&
		 s->refs[m.v] == 0 && atomic_load(&mh->pool.ft[m.v].refs) == 0;
	pthread_mutex_unlock(&s->lock);
	if (freeit)
		mpool_free(&mh->pool, &m, 1);
}

/* The writer is the only one mapping m and nothing pins it: the frame
 * goes back to it, no copy, and its vCPUs' translations stay right.
 * Caller holds d->lock and s->lock. */
static void *share_take_back(struct dom_mem *d, uint64_t g, uint32_t m)
{
	struct mem_host *mh = d->host;
	struct share *s = &mh->share;
	struct frame *f = &mh->pool.ft[m];

	if (m == s->zero)
		atomic_fetch_sub(&d->share_zero, 1);
	s->refs[m] = 0;
	s->mappings--;
	share_remove_locked(s, m);
	atomic_fetch_and(&f->flags, (uint16_t)~FRAME_SHARED);
	f->gfn_lo = (uint32_t)g;
	atomic_store(&f->owner, d->domid);
	p2m_set(&d->p2m, gfn(g), P2M_PRESENT, m);
	atomic_fetch_sub(&d->shared, 1);
	return mpool_ptr(&mh->pool, mfn(m));
}

void *share_break(struct dom_mem *d, uint64_t g, uint32_t m, uint32_t *put,
		  uint64_t *copy_ns)
{
	struct mem_host *mh = d->host;
	struct share *s = &mh->share;
	mfn_t copy;
	void *p;

	pthread_mutex_lock(&s->lock);
	atomic_fetch_add(&d->cow_breaks, 1);
	atomic_fetch_add(&s->cow_breaks, 1);
	*put = MFN_NONE;
	if (s->refs[m] == 1 && !atomic_load(&mh->pool.ft[m].refs)) {
		p = share_take_back(d, g, m);
		pthread_mutex_unlock(&s->lock);
		return p;
	}
	/* A frame the domain is already charged for: only the pool's
	 * other domains' reservations limit it, and a warm one if the pool
	 * has one, so the copy costs no host page fault (memhost.c). */
	if (mem_host_take_copy(mh, d, &copy)) {
		atomic_fetch_sub(&d->cow_breaks, 1);
		atomic_fetch_sub(&s->cow_breaks, 1);
		pthread_mutex_unlock(&s->lock);
		mem_host_kick_reclaim(mh);
		atomic_fetch_add(&d->retries, 1);
		return PAGE_RETRY;
	}
	p = mpool_ptr(&mh->pool, copy);
	if (copy_ns)
		*copy_ns = policy_now_ns();
	memcpy(p, mpool_ptr(&mh->pool, mfn(m)), PAGE_SIZE);
	if (copy_ns)
		*copy_ns = policy_now_ns() - *copy_ns;
	mh->pool.ft[copy.v].gfn_lo = (uint32_t)g;
	share_unmapped_locked(d, m);
	p2m_set(&d->p2m, gfn(g), P2M_PRESENT, copy.v);
	pthread_mutex_unlock(&s->lock);
	/* Its vCPUs may still read the shared frame through g: they must
	 * forget it before the writer's store lands in the copy, and the
	 * reference goes only then (so m cannot be taken back by its last
	 * other sharer while a stale translation reads it). */
	*put = m;
	return p;
}

uint32_t share_refs(struct mem_host *mh, mfn_t m)
{
	uint32_t r;

	if (m.v >= mh->share.nframes)
		return 0;
	pthread_mutex_lock(&mh->share.lock);
	r = mh->share.refs[m.v];
	pthread_mutex_unlock(&mh->share.lock);
	return r;
}

void share_get_stats(struct mem_host *mh, struct share_stats *st)
{
	struct share *s = &mh->share;

	memset(st, 0, sizeof(*st));
	pthread_mutex_lock(&s->lock);
	st->frames = s->frames;
	st->mappings = s->mappings;
	st->zero_mappings = s->zero != MFN_NONE ? s->refs[s->zero] : 0;
	pthread_mutex_unlock(&s->lock);
	st->spares = mpool_nwarm(&mh->pool);
	st->saved = st->mappings - st->frames;
	st->scanned = atomic_load(&s->scanned);
	st->merged = atomic_load(&s->merged);
	st->cow_breaks = atomic_load(&s->cow_breaks);
	st->passes = atomic_load(&s->passes);
	st->rate = atomic_load(&s->rate);
	st->scan_rate = atomic_load(&s->scan_rate);
	st->cpu_ns = atomic_load(&s->cpu_ns);
	share_time_get(&s->cow_times, &st->cow_time);
}

/* Is m in the chain of its hash, and does the hash match its contents? */
static bool share_chained_locked(struct mem_host *mh, uint32_t m)
{
	struct share *s = &mh->share;
	uint32_t k = s->bucket[(uint32_t)s->hash[m] & s->mask];

	while (k != MFN_NONE && k != m)
		k = s->next[k];
	return k == m && share_hash(mpool_ptr(&mh->pool, mfn(m))) == s->hash[m];
}

/* Count, per frame, the SHARED entries of every domain naming it, and
 * compare with the table.  Caller holds mh->share.lock and mh->lock. */
int share_check_locked(struct mem_host *mh)
{
	struct share *s = &mh->share;
	uint32_t *cnt = calloc(s->nframes ? s->nframes : 1, sizeof(*cnt));
	uint64_t frames = 0;
	int err = 0;

	if (!cnt)
		return -ENOMEM;
	for (struct dom_mem *d = mh->domains; d; d = d->next)
		for (uint64_t i = 0; i < d->p2m.nr; i++) {
			struct p2m_entry e =
				p2m_get(&d->p2m, gfn(d->p2m.base + i));

			if (e.type == P2M_SHARED && e.val < s->nframes)
				cnt[e.val]++;
		}
	for (uint32_t m = 0; m < s->nframes && !err; m++) {
		bool cow = atomic_load(&mh->pool.ft[m].owner) == DOMID_COW;

		frames += s->refs[m] != 0;
		if (cnt[m] != s->refs[m] || (s->refs[m] && !cow) ||
		    (s->refs[m] && !share_chained_locked(mh, m))) {
			log_error("share: frame 0x%x: %u mappings, count %u%s",
				  m, cnt[m], s->refs[m],
				  cow ? "" : ", not owned by the share table");
			err = -EINVAL;
		}
	}
	if (!err && frames != s->frames) {
		log_error("share: %llu frames counted, %llu in the table",
			  (unsigned long long)frames,
			  (unsigned long long)s->frames);
		err = -EINVAL;
	}
	free(cnt);
	return err;
}

/* A domain's memory (see dom_mem.h): creation with admission control,
 * destruction, the CPU's page lookup and its slow path (populate on first
 * touch, swap-in), host-side copies, statistics. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/log.h"
#include "lib/size.h"
#include "mem/mem_internal.h"

/* 0 if the configuration is consistent; else one line and -EINVAL. */
static int dom_mem_check_config(const struct dom_mem_config *c, uint64_t limit)
{
	const char *why = NULL;

	if (c->domid == DOMID_NONE)
		why = "domain id 0 is reserved";
	else if (!c->maxmem || c->maxmem > UINT32_MAX ||
		 c->base_gfn + c->maxmem < c->base_gfn)
		why = "bad maxmem";
	else if (c->memory > c->maxmem || c->reservation > c->memory)
		why = "need reservation <= memory <= maxmem";
	else if (limit > c->maxmem || c->memory > limit)
		why = "need memory <= limit <= maxmem";
	else if (c->shares > POLICY_SHARES_MAX)
		why = "shares above 1000000";
	if (!why)
		return 0;
	log_dom_error(c->name ? c->name : "?", "%s", why);
	return -EINVAL;
}

/* Link d into mh's list if its reservation fits (admission control). */
static int dom_mem_admit(struct mem_host *mh, struct dom_mem *d)
{
	int err = 0;

	pthread_mutex_lock(&mh->lock);
	for (struct dom_mem *o = mh->domains; o; o = o->next)
		if (o->domid == d->domid)
			err = -EEXIST;
	if (err) {
		log_dom_error(d->name, "id %u is in use", d->domid);
	} else if (mh->reserved + d->reservation > mh->pool.nframes) {
		log_dom_error(d->name,
			      "reservation of %" PRIu64
			      " frames does not fit: %" PRIu64
			      " of %u frames are reserved already",
			      d->reservation, mh->reserved, mh->pool.nframes);
		err = -ENOMEM;
	} else {
		mh->reserved += d->reservation;
		d->next = mh->domains;
		mh->domains = d;
	}
	pthread_mutex_unlock(&mh->lock);
	return err;
}

int dom_mem_create(struct mem_host *mh, const struct dom_mem_config *cfg,
		   struct dom_mem **out)
{
	uint64_t limit = cfg->limit ? cfg->limit : cfg->maxmem;
	struct dom_mem *d;
	int err = dom_mem_check_config(cfg, limit);

	if (err)
		return err;
	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->host = mh;
	d->domid = cfg->domid;
	snprintf(d->name, sizeof(d->name), "%s", cfg->name ? cfg->name : "?");
	d->reservation = cfg->reservation;
	d->target = cfg->memory;
	d->limit = limit;
	d->maxmem = cfg->maxmem;
	d->shares = cfg->shares ? cfg->shares : POLICY_SHARES_DEFAULT;
	d->shootdown = cfg->shootdown;
	d->shootdown_ctx = cfg->shootdown_ctx;
	d->crash = cfg->crash;
	d->crash_ctx = cfg->crash_ctx;
	d->share_ok = !cfg->no_sharing;
	err = p2m_init(&d->p2m, cfg->base_gfn, cfg->maxmem);
	if (err)
		goto err_free;
	pthread_mutex_init(&d->lock, NULL);
	err = dom_mem_admit(mh, d);
	if (err)
		goto err_p2m;
	*out = d;
	return 0;

err_p2m:
	pthread_mutex_destroy(&d->lock);
	p2m_destroy(&d->p2m);
err_free:
	free(d);
	return err;
}

/* Free every frame and swap slot the P2M names (no vCPU runs); shared
 * frames lose one reference each, and go when nothing maps them. */
static void dom_mem_release_all(struct dom_mem *d)
{
	struct mem_host *mh = d->host;
	mfn_t batch[512];
	uint32_t nb = 0;

	for (uint64_t i = 0; i < d->p2m.nr; i++) {
		gfn_t g = gfn(d->p2m.base + i);
		struct p2m_entry e = p2m_get(&d->p2m, g);

		if (e.type == P2M_SWAPPED)
			swap_free(&mh->swap, e.val);
		if (e.type == P2M_PRESENT || e.type == P2M_BUSY ||
		    (e.type == P2M_SHARED && share_drop(d, e.val)))
			batch[nb++] = mfn(e.val);
		p2m_set(&d->p2m, g, P2M_UNPOPULATED, 0);
		if (nb == 512 || (nb && i + 1 == d->p2m.nr)) {
			mpool_free(&mh->pool, batch, nb);
			nb = 0;
		}
	}
	atomic_store(&d->populated, 0);
	atomic_store(&d->swapped, 0);
	atomic_store(&d->ballooned, 0);
}

void dom_mem_destroy(struct dom_mem *d)
{
	struct mem_host *mh;

	if (!d)
		return;
	mh = d->host;
	/* The manager and request_more walk the list under policy_lock. */
	pthread_mutex_lock(&mh->policy_lock);
	pthread_mutex_lock(&mh->lock);
	for (struct dom_mem **pp = &mh->domains; *pp; pp = &(*pp)->next)
		if (*pp == d) {
			*pp = d->next;
			mh->reserved -= d->reservation;
			break;
		}
	pthread_mutex_unlock(&mh->lock);
	pthread_mutex_unlock(&mh->policy_lock);
	/* The reclaimer or the sharing scanner may still be working on d:
	 * wait until they let go. */
	pthread_mutex_lock(&mh->reclaim_lock);
	pthread_mutex_unlock(&mh->reclaim_lock);
	pthread_mutex_lock(&mh->share.scan_lock);
	pthread_mutex_unlock(&mh->share.scan_lock);
	pthread_mutex_lock(&mh->wss.busy); /* and the sampler */
	pthread_mutex_unlock(&mh->wss.busy);
	pthread_mutex_lock(&d->lock);
	d->dying = true;
	dom_mem_release_all(d);
	pthread_mutex_unlock(&d->lock);
	pthread_mutex_destroy(&d->lock);
	p2m_destroy(&d->p2m);
	free(d->sh.seen);
	free(d);
}

void *dom_mem_page(struct dom_mem *d, uint64_t gpa_page, bool write)
{
	gfn_t g = gfn(gpa_page >> PAGE_SHIFT);
	uint64_t w;

	if (!p2m_contains(&d->p2m, g))
		return NULL;
	/* The fast path: one acquire load, no lock.  A frame named by a
	 * PRESENT entry stays the domain's until a shootdown that comes
	 * after this lookup's TLB fill. */
	w = p2m_word(&d->p2m, g);
	if (__builtin_expect(w >> 56 == P2M_PRESENT, 1)) /* not sampled */
		return mpool_ptr(&d->host->pool, mfn((uint32_t)w));
	/* A shared frame is read the same way (the same rule holds: it is
	 * freed only after a shootdown); a write copies it (share_break). */
	if (w >> 56 == P2M_SHARED && !write)
		return mpool_ptr(&d->host->pool, mfn((uint32_t)w));
	return dom_mem_fault(d, g, write, false);
}

void dom_mem_view(const struct dom_mem *d, struct dom_mem_view *v)
{
	*v = (struct dom_mem_view){ d->p2m.e, d->p2m.base, d->p2m.nr,
				    d->host->pool.base, P2M_PRESENT };
}

bool dom_mem_contains(const struct dom_mem *d, uint64_t gpa, uint64_t len)
{
	uint64_t lo = d->p2m.base << PAGE_SHIFT;
	uint64_t size = d->p2m.nr << PAGE_SHIFT;

	return len && gpa >= lo && gpa - lo <= size && len <= size - (gpa - lo);
}

/* Copy within one page under the domain lock, so the frame cannot be
 * stolen in the middle.  0, or 1 when the page must be faulted in. */
static int dom_mem_copy_page(struct dom_mem *d, uint64_t gpa, void *buf,
			     uint64_t len, bool write)
{
	gfn_t g = gfn(gpa >> PAGE_SHIFT);
	struct p2m_entry e;
	uint8_t *p;

	pthread_mutex_lock(&d->lock);
	e = p2m_get(&d->p2m, g);
	if (e.type != P2M_PRESENT && (write || e.type != P2M_SHARED)) {
		pthread_mutex_unlock(&d->lock);
		return 1;
	}
	p = (uint8_t *)mpool_ptr(&d->host->pool, mfn(e.val)) +
	    (gpa & (PAGE_SIZE - 1));
	if (write)
		memcpy(p, buf, len);
	else
		memcpy(buf, p, len);
	pthread_mutex_unlock(&d->lock);
	return 0;
}

/* Host-side copy: fault pages in as needed, waiting at most ~5 s for
 * each (then -EAGAIN). */
static int dom_mem_copy(struct dom_mem *d, uint64_t gpa, void *buf,
			uint64_t len, bool write)
{
	if (!len)
		return 0;
	if (!dom_mem_contains(d, gpa, len))
		return -EFAULT;
	while (len) {
		uint64_t off = gpa & (PAGE_SIZE - 1);
		uint64_t n = PAGE_SIZE - off < len ? PAGE_SIZE - off : len;
		unsigned tries = 0;

		while (dom_mem_copy_page(d, gpa, buf, n, write)) {
			void *p = dom_mem_fault(d, gfn(gpa >> PAGE_SHIFT),
						write, true);

			if (!p)
				return -EFAULT;
			if (p == PAGE_RETRY && ++tries > 5000)
				return -EAGAIN;
			if (p == PAGE_RETRY)
				dom_mem_wait(d);
		}
		gpa += n;
		buf = (uint8_t *)buf + n;
		len -= n;
	}
	return 0;
}

int dom_mem_read(struct dom_mem *d, uint64_t gpa, void *buf, uint64_t len)
{
	return dom_mem_copy(d, gpa, buf, len, false);
}

int dom_mem_write(struct dom_mem *d, uint64_t gpa, const void *buf,
		  uint64_t len)
{
	return dom_mem_copy(d, gpa, (void *)buf, len, true);
}

/* Frames sharing saves, credited to d: each of its SHARED gfns on a frame
 * with n sharers counts (n - 1) / n, so the domains' figures add up to the
 * host's.  O(P2M size): statistics only. */
static uint64_t dom_mem_share_saved(struct dom_mem *d)
{
	struct share *s = &d->host->share;
	double saved = 0;

	pthread_mutex_lock(&d->lock);
	pthread_mutex_lock(&s->lock);
	for (uint64_t i = 0; i < d->p2m.nr; i++) {
		struct p2m_entry e = p2m_get(&d->p2m, gfn(d->p2m.base + i));

		if (e.type == P2M_SHARED && s->refs[e.val])
			saved += 1.0 - 1.0 / s->refs[e.val];
	}
	pthread_mutex_unlock(&s->lock);
	pthread_mutex_unlock(&d->lock);
	return (uint64_t)(saved + 0.5);
}

void dom_mem_get_stats(struct dom_mem *d, struct dom_mem_stats *st)
{
	uint64_t over, now;

	pthread_mutex_lock(&d->lock);
	st->reservation = d->reservation;
	st->target = d->target;
	st->limit = d->limit;
	st->maxmem = d->maxmem;
	st->shares = d->shares;
	pthread_mutex_unlock(&d->lock);
	st->pressure = atomic_load(&d->guest_pressure);
	st->guest_free = atomic_load(&d->guest_free_frames);
	st->reclaimed_by_balloon = atomic_load(&d->reclaimed_balloon);
	st->reclaimed_by_swap = atomic_load(&d->swap_outs);
	st->time_to_target_ms = atomic_load(&d->ttt_ms);
	over = atomic_load(&d->over_since_ns);
	now = policy_now_ns();
	st->over_target_ms = over && now > over ? (now - over) / 1000000u : 0;
	st->ignoring_balloon = atomic_load(&d->ignoring);
	st->user_target = atomic_load(&d->user_target);
	st->populated = atomic_load(&d->populated);
	st->ballooned = atomic_load(&d->ballooned);
	st->swapped = atomic_load(&d->swapped);
	st->shared = atomic_load(&d->shared);
	st->share_zero = atomic_load(&d->share_zero);
	st->cow_breaks = atomic_load(&d->cow_breaks);
	share_time_get(&d->cow_times, &st->cow_time);
	st->sharing = d->share_ok;
	st->share_saved = st->shared ? dom_mem_share_saved(d) : 0;
	st->populate_faults = atomic_load(&d->populate_faults);
	st->swap_ins = atomic_load(&d->swap_ins);
	st->swap_outs = atomic_load(&d->swap_outs);
	st->shootdowns = atomic_load(&d->shootdowns);
	st->retries = atomic_load(&d->retries);
	st->wss_active = atomic_load(&d->wss.active);
	st->wss_last = atomic_load(&d->wss.last);
	st->wss_periods = atomic_load(&d->wss.periods);
}

static uint32_t dom_mem_refs(void *ctx, uint32_t m)
{
	return share_refs(ctx, mfn(m));
}

uint64_t dom_mem_for_each_range(struct dom_mem *d,
				void (*fn)(const struct p2m_range *r,
					   void *arg),
				void *arg, uint64_t count[P2M_BUSY + 1])
{
	return p2m_for_each_range(&d->p2m, dom_mem_refs, d->host, fn, arg,
				  count);
}

void dom_mem_print_p2m(struct dom_mem *d, FILE *out)
{
	struct dom_mem_stats st;
	char b[4][SIZE_BUF];

	dom_mem_get_stats(d, &st);
	fprintf(out,
		"domain %u (%s): P2M of %" PRIu64 " frames from gfn 0x%" PRIx64
		"; holds %s, target %s, reservation %s, limit %s\n",
		d->domid, d->name, d->p2m.nr, d->p2m.base,
		size_format(st.populated << PAGE_SHIFT, b[0]),
		size_format(st.target << PAGE_SHIFT, b[1]),
		size_format(st.reservation << PAGE_SHIFT, b[2]),
		size_format(st.limit << PAGE_SHIFT, b[3]));
	p2m_print_refs(&d->p2m, out, dom_mem_refs, d->host);
}

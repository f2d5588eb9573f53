/* Machine memory pool (see pool.h): one anonymous mapping, a frame table
 * and two stacks of free MFNs in one array: cold frames (given back to the
 * host when freed) and a bounded number of warm ones (zeroed, kept). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "lib/log.h"
#include "mem/pool.h"

/* Map the pool 2 MiB-aligned and ask for transparent huge pages: a first
 * touch then faults in 2 MiB at once (host page faults dominate populate
 * cost otherwise; QEMU does the same for guest RAM).  NORESERVE: the host
 * commits memory only when a domain touches it, and gets a frame back with
 * MADV_DONTNEED (which splits a huge page), so RSS still tracks what the
 * domains hold, to within the huge pages they hold partly. */
static uint8_t *pool_map(uint64_t bytes)
{
	const size_t huge = 2u << 20;
	size_t len = bytes + huge, head, tail;
	uint8_t *raw, *base;

	raw = mmap(NULL, len, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (raw == MAP_FAILED)
		return NULL;
	base = (uint8_t *)(((uintptr_t)raw + huge - 1) &
			   ~(uintptr_t)(huge - 1));
	head = (size_t)(base - raw);
	tail = len - head - bytes;
	if (head)
		munmap(raw, head);
	if (tail)
		munmap(base + bytes, tail);
	madvise(base, bytes, MADV_HUGEPAGE); /* a hint: failure is fine */
	return base;
}

int mpool_init(struct mpool *p, uint64_t bytes)
{
	pthread_condattr_t ca;
	uint64_t n = bytes / PAGE_SIZE;

	memset(p, 0, sizeof(*p));
	if (bytes % PAGE_SIZE || bytes < (1u << 20) || n >= MFN_NONE)
		return -EINVAL;
	p->nframes = (uint32_t)n;
	p->base = pool_map(bytes);
	if (!p->base)
		return -errno;
	p->ft = calloc(n, sizeof(*p->ft));
	p->free_stack = malloc(n * sizeof(*p->free_stack));
	p->free_pos = malloc(n * sizeof(*p->free_pos));
	if (!p->ft || !p->free_stack || !p->free_pos)
		goto err_mem;
	/* Pop low MFNs first: the stack top is the end of the array. */
	for (uint32_t k = 0; k < p->nframes; k++) {
		p->free_stack[k] = p->nframes - 1 - k;
		p->free_pos[p->nframes - 1 - k] = k;
	}
	p->nfree = p->ncold = p->nframes;
	p->warm_max = p->nframes / MPOOL_WARM_DIV;
	pthread_mutex_init(&p->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&p->freed, &ca);
	pthread_condattr_destroy(&ca);
	return 0;

err_mem:
	free(p->ft);
	free(p->free_stack);
	free(p->free_pos);
	munmap(p->base, bytes);
	p->base = NULL;
	return -ENOMEM;
}

void mpool_destroy(struct mpool *p)
{
	if (!p->base)
		return;
	munmap(p->base, (size_t)p->nframes * PAGE_SIZE);
	free(p->ft);
	free(p->free_stack);
	free(p->free_pos);
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->freed);
	p->base = NULL;
}

/* Pop one frame: from the warm stack (its top is free_stack[nframes -
 * nwarm]) or the cold one.  Caller holds p->lock; the stack is not empty. */
static uint32_t pool_pop_locked(struct mpool *p, bool warm)
{
	uint32_t m;

	if (p->ncold && !(warm && p->nwarm))
		return p->free_stack[--p->ncold];
	m = p->free_stack[p->nframes - p->nwarm];
	/* Atomic: mpool_nwarm and mpool_free_warm read it unlocked. */
	__atomic_store_n(&p->nwarm, p->nwarm - 1, __ATOMIC_RELAXED);
	return m;
}

/* Take free frame m out of the middle of its stack: the stack's top
 * fills its place.  Caller holds p->lock. */
static void pool_take_locked(struct mpool *p, uint32_t m)
{
	uint32_t k = p->free_pos[m], top, moved;

	if (k < p->ncold) {
		top = --p->ncold;
	} else {
		top = p->nframes - p->nwarm;
		__atomic_store_n(&p->nwarm, p->nwarm - 1, __ATOMIC_RELAXED);
	}
	moved = p->free_stack[top];
	p->free_stack[k] = moved;
	p->free_pos[moved] = k;
}

int mpool_alloc_at(struct mpool *p, domid_t owner, uint32_t want, mfn_t *out)
{
	uint32_t m;

	pthread_mutex_lock(&p->lock);
	if (!p->nfree) {
		p->stat_alloc_fail++;
		pthread_mutex_unlock(&p->lock);
		return -ENOMEM;
	}
	if (want < p->nframes &&
	    atomic_load(&p->ft[want].owner) == DOMID_NONE) {
		m = want;
		pool_take_locked(p, m);
	} else {
		m = pool_pop_locked(p, false);
	}
	atomic_store(&p->ft[m].owner, owner);
	*out = mfn(m);
	__atomic_store_n(&p->nfree, p->nfree - 1, __ATOMIC_RELAXED);
	p->stat_allocs++;
	pthread_mutex_unlock(&p->lock);
	return 0;
}

static int pool_alloc(struct mpool *p, domid_t owner, uint32_t n, mfn_t *out,
		      bool warm)
{
	pthread_mutex_lock(&p->lock);
	if (p->nfree < n) {
		p->stat_alloc_fail++;
		pthread_mutex_unlock(&p->lock);
		return -ENOMEM;
	}
	for (uint32_t k = 0; k < n; k++) {
		uint32_t m = pool_pop_locked(p, warm);

		atomic_store(&p->ft[m].owner, owner);
		out[k] = mfn(m);
	}
	/* Atomic: mpool_nfree reads it without the lock. */
	__atomic_store_n(&p->nfree, p->nfree - n, __ATOMIC_RELAXED);
	p->stat_allocs += n;
	pthread_mutex_unlock(&p->lock);
	return 0;
}

int mpool_alloc(struct mpool *p, domid_t owner, uint32_t n, mfn_t *out)
{
	return pool_alloc(p, owner, n, out, false);
}

int mpool_alloc_warm(struct mpool *p, domid_t owner, uint32_t n, mfn_t *out)
{
	return pool_alloc(p, owner, n, out, true);
}

/* Give frames [first, first + n) back to the host; the next touch reads
 * zeros.  memset is the fallback should madvise ever refuse. */
static void pool_scrub_run(struct mpool *p, uint32_t first, uint32_t n)
{
	void *a = p->base + (size_t)first * PAGE_SIZE;

	if (madvise(a, (size_t)n * PAGE_SIZE, MADV_DONTNEED))
		memset(a, 0, (size_t)n * PAGE_SIZE);
}

/* Length of the run of consecutive MFNs (ascending or descending) that
 * starts at mfns[k]; *first gets its lowest MFN. */
static uint32_t pool_run(const mfn_t *mfns, uint32_t k, uint32_t n,
			 uint32_t *first)
{
	uint32_t len = 1;

	while (k + len < n && mfns[k + len].v == mfns[k].v + len)
		len++;
	if (len > 1) {
		*first = mfns[k].v;
		return len;
	}
	while (k + len < n && mfns[k + len].v == mfns[k].v - len)
		len++;
	*first = mfns[k].v - (len - 1);
	return len;
}

/* Push n scrubbed frames (cold: given back; warm: zeroed and kept) and
 * wake waiters. */
static void pool_push(struct mpool *p, const mfn_t *mfns, uint32_t n, bool warm)
{
	pthread_mutex_lock(&p->lock);
	/* Pushed last to first: the next batch pops them in this order, so
	 * runs stay runs. */
	for (uint32_t k = n; k-- > 0;) {
		struct frame *f = &p->ft[mfns[k].v];

		atomic_store(&f->flags, 0);
		atomic_store(&f->refs, 0);
		f->gfn_lo = 0;
		atomic_store(&f->owner, DOMID_NONE);
		/* A warm frame beyond warm_max (two frees raced for the
		 * last room) goes on the cold stack: zero all the same. */
		if (warm && p->nwarm < p->warm_max) {
			__atomic_store_n(&p->nwarm, p->nwarm + 1,
					 __ATOMIC_RELAXED);
			p->free_stack[p->nframes - p->nwarm] = mfns[k].v;
			p->free_pos[mfns[k].v] = p->nframes - p->nwarm;
		} else {
			p->free_pos[mfns[k].v] = p->ncold;
			p->free_stack[p->ncold++] = mfns[k].v;
		}
	}
	__atomic_store_n(&p->nfree, p->nfree + n, __ATOMIC_RELAXED);
	p->stat_frees += n;
	pthread_cond_broadcast(&p->freed);
	pthread_mutex_unlock(&p->lock);
	if (p->on_free)
		p->on_free(p->on_free_ctx);
}

void mpool_free(struct mpool *p, const mfn_t *mfns, uint32_t n)
{
	uint32_t first, len;

	if (!n)
		return;
	/* Scrub before the frames become visible on the free stack, so no
	 * new owner can see the old contents. */
	for (uint32_t k = 0; k < n; k += len) {
		len = pool_run(mfns, k, n, &first);
		pool_scrub_run(p, first, len);
	}
	pool_push(p, mfns, n, false);
}

void mpool_free_warm(struct mpool *p, const mfn_t *mfns, uint32_t n)
{
	uint32_t nwarm = __atomic_load_n(&p->nwarm, __ATOMIC_RELAXED);
	uint32_t k = nwarm < p->warm_max ? p->warm_max - nwarm : 0;

	k = k < n ? k : n;
	/* memset, not madvise: the frame keeps its host memory, so its
	 * next owner's first write costs no host page fault. */
	for (uint32_t i = 0; i < k; i++)
		memset(mpool_ptr(p, mfns[i]), 0, PAGE_SIZE);
	if (k)
		pool_push(p, mfns, k, true);
	mpool_free(p, mfns + k, n - k);
}

uint32_t mpool_nfree(struct mpool *p)
{
	return __atomic_load_n(&p->nfree, __ATOMIC_RELAXED);
}

uint32_t mpool_nwarm(struct mpool *p)
{
	return __atomic_load_n(&p->nwarm, __ATOMIC_RELAXED);
}

/* Absolute CLOCK_MONOTONIC deadline `ms` from now. */
static struct timespec pool_deadline(unsigned ms)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (long)(ms % 1000) * 1000000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	return ts;
}

void mpool_wait_free(struct mpool *p, uint32_t want, unsigned ms)
{
	struct timespec ts = pool_deadline(ms);

	pthread_mutex_lock(&p->lock);
	if (p->nfree < want)
		pthread_cond_timedwait(&p->freed, &p->lock, &ts);
	pthread_mutex_unlock(&p->lock);
}

uint64_t mpool_owned_by(struct mpool *p, domid_t owner)
{
	uint64_t n = 0;

	for (uint32_t m = 0; m < p->nframes; m++)
		n += atomic_load(&p->ft[m].owner) == owner;
	return n;
}

int mpool_check(struct mpool *p)
{
	uint8_t *seen = calloc(p->nframes, 1);
	uint64_t owned = 0;
	int err = 0;

	if (!seen)
		return -ENOMEM;
	pthread_mutex_lock(&p->lock);
	if (p->ncold + p->nwarm != p->nfree || p->nwarm > p->warm_max) {
		log_error("mpool: %u cold + %u warm (at most %u) != %u free",
			  p->ncold, p->nwarm, p->warm_max, p->nfree);
		err = -EINVAL;
	}
	for (uint32_t i = 0; i < p->nfree && !err; i++) {
		/* The cold stack, then the warm one. */
		uint32_t k = i < p->ncold ? i : p->nframes - 1 - (i - p->ncold);
		uint32_t m = p->free_stack[k];

		if (m >= p->nframes || seen[m] || p->free_pos[m] != k ||
		    atomic_load(&p->ft[m].owner) != DOMID_NONE) {
			log_error("mpool: free frame 0x%x is bad", m);
			err = -EINVAL;
		} else {
			seen[m] = 1;
		}
	}
	for (uint32_t m = 0; m < p->nframes; m++)
		if (!seen[m])
			owned += atomic_load(&p->ft[m].owner) != DOMID_NONE;
	if (owned + p->nfree != p->nframes) {
		log_error("mpool: %llu owned + %u free != %u frames",
			  (unsigned long long)owned, p->nfree, p->nframes);
		err = -EINVAL;
	}
	pthread_mutex_unlock(&p->lock);
	free(seen);
	return err;
}

/* Host ring microbenchmark: atoll's ring (atoll/abi/ring.h) against Xen's
 * own macros (<xen/io/ring.h> from libxen-dev), in the same process, on
 * the same workload: a front-end thread sends 64-byte requests (an id and
 * 56 bytes of payload), a back-end thread copies each out once, checks it
 * and answers with its id; the front checks every response.  Pushes carry
 * `batch` messages (1 = unbatched, 32); notifications follow each
 * implementation's push-and-check-notify and final-check rules, and are
 * delivered as a counter the other thread spins on (no syscalls while the
 * peer runs; sched_yield only after a long spin, when the peer has
 * evidently lost its cpu, and counted).
 *
 * 256 slots of 64 bytes do not fit one 4 KiB page (after the 64-byte
 * header, a page holds 63 slots, rounded down to 32), so the shared area
 * is 64 + 256 * 64 bytes, the size for which both implementations' ring
 * size computation (Xen's __RING_SIZE) gives 256 slots, as Xen's
 * multi-page rings do.
 *
 * A run ends after MSGS messages or, with -t, once MS milliseconds have
 * passed (the front stops sending; the figure is the messages completed
 * per second), so that a loaded host, where the two threads rarely run at
 * once, stretches no run beyond its budget.
 *
 * usage: ringbench_host [-n MSGS] [-t MS] [-r REPS] [-c]
 *   -c  correctness mode: small runs from an index near the 32-bit wrap,
 *       batch 1, 7 and 32, every payload byte and the order checked. */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "atoll/abi/ring.h"

/* Xen's macros with the same barriers as atoll's ring.h (mfence for the
 * full barrier, compiler-only release/acquire fences on x86-64). */
#define xen_mb() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define xen_wmb() __atomic_thread_fence(__ATOMIC_RELEASE)
#define xen_rmb() __atomic_thread_fence(__ATOMIC_ACQUIRE)
#define __XEN_INTERFACE_VERSION__ 0x00040e00
#include <xen/io/ring.h>

#define rb_rmb() __atomic_thread_fence(__ATOMIC_ACQUIRE)

#define RB_SLOTS 256u
#define RB_BYTES (64u + RB_SLOTS * 64u) /* header + 256 slots */
#define RB_AREA 20480u /* RB_BYTES rounded up to whole pages */
#define RB_SPINS 2000 /* pauses before a sched_yield */

struct rb_req {
	uint64_t id;
	uint64_t w[7];
};
struct rb_rsp {
	uint64_t id;
	int16_t status;
	uint8_t pad[6];
};

ATOLL_RING_DEFINE(rba, struct rb_req, struct rb_rsp)
DEFINE_RING_TYPES(rbx, struct rb_req, struct rb_rsp);

/* One run: what both threads share, and their counters. */
struct rb_run {
	_Atomic uint64_t count; /* lowered once by the front at the deadline */
	uint64_t deadline_ns; /* 0: none */
	unsigned batch;
	void *front, *back;
	_Alignas(64) _Atomic uint64_t req_bell; /* front -> back events */
	_Alignas(64) _Atomic uint64_t rsp_bell; /* back -> front events */
	_Alignas(64) uint64_t req_notifies, rsp_notifies;
	_Atomic uint64_t yields;
	_Atomic bool failed;
	const char *why;
	uint64_t why_val;
};

#define RB_CLOCK_EVERY 64 /* sends between deadline checks */

static uint64_t rb_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static inline uint64_t rb_count(struct rb_run *run)
{
	return atomic_load_explicit(&run->count, memory_order_relaxed);
}

static inline bool rb_past_deadline(const struct rb_run *run)
{
	return run->deadline_ns && rb_now_ns() >= run->deadline_ns;
}

static inline uint64_t rb_word(uint64_t id, unsigned k)
{
	return id * 0x9E3779B97F4A7C15ull + k;
}

static inline void rb_fill(struct rb_req *r, uint64_t id)
{
	r->id = id;
	for (unsigned k = 0; k < 7; k++)
		r->w[k] = rb_word(id, k);
}

/* Is r request number id with its payload intact? */
static inline bool rb_check(const struct rb_req *r, uint64_t id)
{
	uint64_t bad = r->id ^ id;

	for (unsigned k = 0; k < 7; k++)
		bad |= r->w[k] ^ rb_word(id, k);
	return !bad;
}

/* Send an event: the waiter sees our ring stores before the bell. */
static inline void rb_ring(_Atomic uint64_t *bell, uint64_t *count)
{
	atomic_fetch_add_explicit(bell, 1, memory_order_release);
	(*count)++;
}

static inline uint64_t rb_bell(_Atomic uint64_t *bell)
{
	return atomic_load_explicit(bell, memory_order_acquire);
}

/* The front's deadline passed after `sent` requests: end the run there,
 * and ring the back-end so that a back waiting for more sees the end. */
static void rb_stop_at(struct rb_run *run, uint64_t sent)
{
	uint64_t unused = 0;

	atomic_store_explicit(&run->count, sent, memory_order_relaxed);
	rb_ring(&run->req_bell, &unused);
}

/* Wait until the bell moves past `seen` (or the run failed). */
static void rb_wait(struct rb_run *run, _Atomic uint64_t *bell, uint64_t seen)
{
	unsigned spins = 0;

	while (rb_bell(bell) == seen && !atomic_load(&run->failed)) {
		__builtin_ia32_pause();
		if (++spins == RB_SPINS) {
			sched_yield();
			atomic_fetch_add(&run->yields, 1);
			spins = 0;
		}
	}
}

static void *rb_fail(struct rb_run *run, const char *why, uint64_t val)
{
	if (!atomic_exchange(&run->failed, true)) {
		run->why = why;
		run->why_val = val;
	}
	return NULL;
}

static int rb_threads(struct rb_run *run, void *(*front)(void *),
		      void *(*back)(void *))
{
	pthread_t t;
	int err = pthread_create(&t, NULL, back, run);

	if (err)
		return -err;
	front(run);
	pthread_join(t, NULL);
	return 0;
}

/* atoll's ring.h */
#define RB_NAME(x) rba_##x
#define RB_FRONT struct rba_front
#define RB_BACK struct rba_back
#define RB_SRING struct rba_sring
#define RB_SETUP(f, b, s, bytes, start)                                        \
	do {                                                                   \
		rba_sring_init(s);                                             \
		(s)->req_prod = (s)->rsp_prod = (start);                       \
		(s)->req_event = (s)->rsp_event = (start) + 1;                 \
		rba_front_init(f, s, bytes); /* both attach at start */        \
		rba_back_init(b, s, bytes);                                    \
	} while (0)
#define RB_FREE(f) rba_free_requests(f)
#define RB_REQ(f, i) rba_request_slot(f, i)
#define RB_PUSH_REQ(f, n) ((n) = rba_push_requests(f))
#define RB_RSP_PROD(f) ring_read_once((f)->sring->rsp_prod)
#define RB_RSP_OVERFLOW(f, p) rba_response_prod_overflow(f, p)
#define RB_COPY_RSP(f, i, out) rba_copy_response(f, i, out)
#define RB_FINAL_RSP(f, m) ((m) = rba_final_check_responses(f))
#define RB_REQ_PROD(b) ring_read_once((b)->sring->req_prod)
#define RB_REQ_OVERFLOW(b, p) rba_request_prod_overflow(b, p)
#define RB_COPY_REQ(b, i, out) rba_copy_request(b, i, out)
#define RB_RSP(b, i) rba_response_slot(b, i)
#define RB_PUSH_RSP(b, n) ((n) = rba_push_responses(b))
#define RB_FINAL_REQ(b, m) ((m) = rba_final_check_requests(b))
#include "ringbench_loop.h"
#undef RB_NAME
#undef RB_FRONT
#undef RB_BACK
#undef RB_SRING
#undef RB_SETUP
#undef RB_FREE
#undef RB_REQ
#undef RB_PUSH_REQ
#undef RB_RSP_PROD
#undef RB_RSP_OVERFLOW
#undef RB_COPY_RSP
#undef RB_FINAL_RSP
#undef RB_REQ_PROD
#undef RB_REQ_OVERFLOW
#undef RB_COPY_REQ
#undef RB_RSP
#undef RB_PUSH_RSP
#undef RB_FINAL_REQ

/* Xen's <xen/io/ring.h> */
#define RB_NAME(x) rbx_##x
#define RB_FRONT struct rbx_front_ring
#define RB_BACK struct rbx_back_ring
#define RB_SRING struct rbx_sring
#define RB_SETUP(f, b, s, bytes, start)                                        \
	do {                                                                   \
		SHARED_RING_INIT(s);                                           \
		(s)->req_prod = (s)->rsp_prod = (start);                       \
		(s)->req_event = (s)->rsp_event = (start) + 1;                 \
		FRONT_RING_ATTACH(f, s, start, bytes);                         \
		BACK_RING_ATTACH(b, s, start, bytes);                          \
	} while (0)
#define RB_FREE(f) RING_FREE_REQUESTS(f)
#define RB_REQ(f, i) RING_GET_REQUEST(f, i)
#define RB_PUSH_REQ(f, n) RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(f, n)
#define RB_RSP_PROD(f) ((f)->sring->rsp_prod)
#define RB_RSP_OVERFLOW(f, p) RING_RESPONSE_PROD_OVERFLOW(f, p)
#define RB_COPY_RSP(f, i, out) RING_COPY_RESPONSE(f, i, out)
#define RB_FINAL_RSP(f, m) RING_FINAL_CHECK_FOR_RESPONSES(f, m)
#define RB_REQ_PROD(b) ((b)->sring->req_prod)
#define RB_REQ_OVERFLOW(b, p) RING_REQUEST_PROD_OVERFLOW(b, p)
#define RB_COPY_REQ(b, i, out) RING_COPY_REQUEST(b, i, out)
#define RB_RSP(b, i) RING_GET_RESPONSE(b, i)
#define RB_PUSH_RSP(b, n) RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(b, n)
#define RB_FINAL_REQ(b, m) RING_FINAL_CHECK_FOR_REQUESTS(b, m)
#include "ringbench_loop.h"

static const char *const rb_impl_names[] = { "atoll", "xen" };

/* One timed run of implementation impl; its line; 0 if it checked out. */
static uint64_t rb_limit_ns; /* -t, per run; 0: none */

static int rb_one(int impl, uint64_t count, unsigned batch, RING_IDX start,
		  void *area, double *mps)
{
	struct rb_run run = { .count = count, .batch = batch };
	uint64_t t0, ns;
	int err;

	memset(area, 0xA5, RB_AREA); /* no stale ids from the last run */
	t0 = rb_now_ns();
	run.deadline_ns = rb_limit_ns ? t0 + rb_limit_ns : 0;
	err = impl ? rbx_run(&run, area, RB_BYTES, start)
		   : rba_run(&run, area, RB_BYTES, start);
	ns = rb_now_ns() - t0;
	if (err)
		return err;
	count = rb_count(&run);
	*mps = ns ? (double)count * 1e9 / (double)ns : 0;
	printf("RINGBENCH impl=%s batch=%u msgs=%llu ns=%llu msgs_per_s=%.0f "
	       "req_notifies=%llu rsp_notifies=%llu yields=%llu check=%s\n",
	       rb_impl_names[impl], batch, (unsigned long long)count,
	       (unsigned long long)ns, *mps,
	       (unsigned long long)run.req_notifies,
	       (unsigned long long)run.rsp_notifies,
	       (unsigned long long)run.yields, run.failed ? "bad" : "ok");
	if (run.failed) {
		printf("ringbench: %s FAIL %s (%llu)\n", rb_impl_names[impl],
		       run.why, (unsigned long long)run.why_val);
		return -EIO;
	}
	return 0;
}

static int rb_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Correctness: both implementations across the index wrap. */
static int rb_correct(void *area, uint64_t count)
{
	static const unsigned batches[] = { 1, 7, 32 };
	int failed = 0;
	double mps;

	for (unsigned i = 0; i < 3; i++)
		for (int impl = 0; impl < 2; impl++)
			failed |=
				rb_one(impl, count, batches[i],
				       (RING_IDX)(0u - 1000u), area, &mps) != 0;
	printf("ringbench: correctness %s\n", failed ? "FAIL" : "ok");
	return failed;
}

/* reps runs per implementation and batch, alternating; medians, ratio. */
static int rb_bench(void *area, uint64_t count, int reps)
{
	static const unsigned batches[] = { 1, 32 };
	double mps[2][64];
	int failed = 0;

	for (unsigned i = 0; i < 2; i++) {
		for (int r = 0; r < reps; r++)
			for (int k = 0; k < 2; k++) {
				int impl = (r + k) % 2; /* alternate first */
				failed |= rb_one(impl, count, batches[i], 0,
						 area, &mps[impl][r]) != 0;
			}
		qsort(mps[0], (size_t)reps, sizeof(double), rb_cmp);
		qsort(mps[1], (size_t)reps, sizeof(double), rb_cmp);
		double a = mps[0][(reps - 1) / 2], x = mps[1][(reps - 1) / 2];
		double ab = mps[0][reps - 1], xb = mps[1][reps - 1];
		/* The best run is the one the host's load disturbed least. */
		printf("RINGBENCH median batch=%u reps=%d "
		       "atoll_msgs_per_s=%.0f "
		       "xen_msgs_per_s=%.0f ratio=%.3f atoll_best=%.0f "
		       "xen_best=%.0f best_ratio=%.3f\n",
		       batches[i], reps, a, x, x > 0 ? a / x : 0, ab, xb,
		       xb > 0 ? ab / xb : 0);
	}
	return failed;
}

int main(int argc, char **argv)
{
	uint64_t count = 2000000;
	int reps = 5, correct = 0, opt, rc;
	void *area;

	while ((opt = getopt(argc, argv, "n:t:r:c")) != -1) {
		switch (opt) {
		case 'n': count = strtoull(optarg, NULL, 0); break;
		case 't':
			rb_limit_ns = strtoull(optarg, NULL, 0) * 1000000u;
			break;
		case 'r': reps = atoi(optarg); break;
		case 'c': correct = 1; break;
		default:
			fprintf(stderr,
				"usage: %s [-n MSGS] [-t MS] [-r REPS] [-c]\n",
				argv[0]);
			return 2;
		}
	}
	if (!count || reps < 1 || reps > 64) {
		fprintf(stderr, "ringbench: -n must be > 0, -r 1..64\n");
		return 2;
	}
	area = aligned_alloc(4096, RB_AREA);
	if (!area)
		return 1;
	rc = correct ? rb_correct(area, count) : rb_bench(area, count, reps);
	free(area);
	return rc ? 1 : 0;
}

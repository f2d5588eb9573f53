/* Memory-virtualization benchmark (host side, linked with libatoll.a):
 * the costs atoll pays below the guest, measured through src/mem's and
 * src/cpu's own interfaces.
 *
 *   mem_bench [-d SWAP_DIR] [-n FRAMES]
 *
 *  populate   dom_mem_page on fresh gfns (P2M update + frame allocation),
 *             ns per frame, then the same plus the first host write to the
 *             frame (the host kernel's page fault: what a guest really
 *             pays on first touch)
 *  swap-out   dom_mem_swap_out over FRAMES frames to a swap file in
 *             SWAP_DIR (default: the current folder), MB/s, as atoll
 *             writes them (page cache, no fsync); then fdatasync alone
 *  swap-in    touching every swapped frame back with dom_mem_page, after
 *             dropping the file from the page cache (from disk), MB/s
 *  shootdown  hart_shootdown_post + wait against 1, 2 and 4 real harts
 *             running a guest load/store loop on their own threads, ns per
 *             shootdown of one page on every hart (the protocol the vmm's
 *             callback runs for each P2M change)
 *
 * Output: one "MEMBENCH key=value ..." line per figure, then a summary. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cpu/bus.h"
#include "cpu/hart.h"
#include "cpu/shootdown.h"
#include "cpu/trap.h"
#include "mem/dom_mem.h"
#include "mem/memhost.h"

#define RAM_BASE 0x80000000ull
#define BATCH 4096

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void noop_shootdown(void *ctx, const uint64_t *pages, unsigned n)
{
	(*(uint64_t *)ctx)++;
}

static uint64_t gpa_of(uint64_t i)
{
	return RAM_BASE + i * PAGE_SIZE;
}

/* dom_mem_page until it gives a page (waiting on RETRY); NULL if none. */
static void *page_get(struct dom_mem *d, uint64_t gpa, bool write)
{
	for (int tries = 0; tries < 10000; tries++) {
		void *p = dom_mem_page(d, gpa, write);
		if (p != PAGE_RETRY)
			return p;
		dom_mem_wait(d);
	}
	return NULL;
}

/* Populate frames [from, to); if touch, write each one.  ns per frame. */
static double bench_populate(struct dom_mem *d, uint64_t from, uint64_t to,
			     bool touch)
{
	double t0 = now_ns();

	for (uint64_t i = from; i < to; i++) {
		uint64_t *p = page_get(d, gpa_of(i), true);
		if (!p) {
			fprintf(stderr, "mem_bench: no page for gfn %llx\n",
				(unsigned long long)(gpa_of(i) >> 12));
			exit(1);
		}
		if (touch)
			*p = i;
	}
	return (now_ns() - t0) / (double)(to - from);
}

/* Steal every frame; MB/s of the swap-outs (0 if none). */
static double bench_swap_out(struct dom_mem *d, uint64_t n, uint64_t *done)
{
	double t0 = now_ns(), t;
	int stuck = 0;

	*done = 0;
	while (*done < n && stuck < 3) {
		long r = dom_mem_swap_out(d,
					  n - *done < 1024 ? n - *done : 1024);
		if (r <= 0) {
			stuck++;
			continue;
		}
		*done += (uint64_t)r;
	}
	t = now_ns() - t0;
	return *done ? *done * PAGE_SIZE / t * 1e3 : 0;
}

/* Touch back every swapped frame and check its first word; MB/s. */
static double bench_swap_in(struct dom_mem *d, uint64_t n, uint64_t *done,
			    uint64_t *bad)
{
	double t0 = now_ns(), t;

	*done = *bad = 0;
	for (uint64_t i = 0; i < n; i++) {
		struct p2m_entry e = p2m_get(&d->p2m, gfn(gpa_of(i) >> 12));
		if (e.type != P2M_SWAPPED)
			continue;
		uint64_t *p = page_get(d, gpa_of(i), false);
		if (!p || *p != i)
			(*bad)++;
		(*done)++;
	}
	t = now_ns() - t0;
	return *done ? *done * PAGE_SIZE / t * 1e3 : 0;
}

static int bench_memory(const char *dir, uint64_t frames)
{
	struct mem_host mh;
	struct dom_mem *d;
	uint64_t sd_calls = 0, out, in, bad;
	char path[4096];
	double pop, touch, mbs_out, mbs_in, t0, sync_s;

	snprintf(path, sizeof(path), "%s/mem_bench.swap", dir);
	struct mem_host_config hc = { .machine_memory =
					      (frames + 1024) * PAGE_SIZE,
				      .swap_path = path,
				      .swap_size = frames * PAGE_SIZE };
	if (mem_host_init(&mh, &hc))
		return -1;
	struct dom_mem_config dc = { .domid = 1,
				     .name = "bench",
				     .base_gfn = RAM_BASE >> 12,
				     .memory = frames,
				     .maxmem = frames,
				     .reservation = 1,
				     .shootdown = noop_shootdown,
				     .shootdown_ctx = &sd_calls };
	if (dom_mem_create(&mh, &dc, &d)) {
		mem_host_destroy(&mh);
		return -1;
	}
	pop = bench_populate(d, 0, frames / 2, false);
	touch = bench_populate(d, frames / 2, frames, true);
	for (uint64_t i = 0; i < frames / 2; i++)
		*(uint64_t *)page_get(d, gpa_of(i), true) = i;
	printf("MEMBENCH name=populate frames=%llu ns_per_frame=%.1f "
	       "with_touch_ns_per_frame=%.1f\n",
	       (unsigned long long)frames, pop, touch);

	mbs_out = bench_swap_out(d, frames, &out);
	t0 = now_ns();
	fdatasync(mh.swap.fd);
	sync_s = (now_ns() - t0) / 1e9;
	printf("MEMBENCH name=swapout frames=%llu mb_s=%.1f fdatasync_s=%.3f "
	       "shootdown_calls=%llu\n",
	       (unsigned long long)out, mbs_out, sync_s,
	       (unsigned long long)sd_calls);
	/* Read back from the disk, not the page cache. */
	posix_fadvise(mh.swap.fd, 0, 0, POSIX_FADV_DONTNEED);
	mbs_in = bench_swap_in(d, frames, &in, &bad);
	printf("MEMBENCH name=swapin frames=%llu mb_s=%.1f check=%s\n",
	       (unsigned long long)in, mbs_in, bad ? "bad" : "ok");
	dom_mem_destroy(d);
	mem_host_destroy(&mh);
	return bad || !out ? -1 : 0;
}

/* ---- shootdown against running harts ------------------------------- */

#define SD_HARTS 4
#define SD_RAM_PAGES 8

/* M-mode loop: lw t0,0(a0); addi t0,t0,1; sw t0,0(a0); j .-12 */
static const uint32_t sd_loop[] = { 0x00052283, 0x00128293, 0x00552023,
				    0xff5ff06f };
static uint8_t sd_ram[SD_RAM_PAGES * PAGE_SIZE] __attribute__((aligned(4096)));

static void *sd_ram_page(void *ctx, uint64_t gpa, bool write)
{
	uint64_t off = gpa - RAM_BASE;

	return off < sizeof(sd_ram) ? sd_ram + off : NULL;
}

static int sd_mmio_read(void *ctx, struct hart *h, uint64_t gpa, unsigned size,
			uint64_t *val)
{
	return -1;
}

static int sd_mmio_write(void *ctx, struct hart *h, uint64_t gpa, unsigned size,
			 uint64_t val)
{
	return -1;
}

static const struct cpu_bus_ops sd_bus_ops = {
	.ram_page = sd_ram_page,
	.mmio_read = sd_mmio_read,
	.mmio_write = sd_mmio_write,
};

static void *sd_thread(void *arg)
{
	struct hart *h = arg;

	while (hart_run(h) != HART_EXIT_STOP)
		;
	return NULL;
}

/* ns per shootdown of one page on each of n running harts: the mean over
 * up to `rounds` rounds or about one second. */
static double bench_shootdown(unsigned n, unsigned rounds)
{
	static struct hart harts[SD_HARTS];
	struct cpu_bus bus = { &sd_bus_ops, NULL };
	pthread_t th[SD_HARTS];
	uint32_t ticket[SD_HARTS];
	double t0, t;

	memcpy(sd_ram, sd_loop, sizeof(sd_loop));
	for (unsigned i = 0; i < n; i++) {
		if (hart_init(&harts[i], i, RAM_BASE, &bus))
			return -1;
		harts[i].x[10] = RAM_BASE + (1 + i) * PAGE_SIZE;
		pthread_create(&th[i], NULL, sd_thread, &harts[i]);
	}
	usleep(20000); /* let them enter their loops */
	t0 = now_ns();
	unsigned r;
	for (r = 0; r < rounds && now_ns() - t0 < 1e9; r++) {
		for (unsigned i = 0; i < n; i++) {
			uint64_t page = RAM_BASE + (1 + i) * PAGE_SIZE;
			ticket[i] =
				hart_shootdown_post(&harts[i], &page, 1, false);
		}
		for (unsigned i = 0; i < n; i++)
			hart_shootdown_wait(&harts[i], ticket[i]);
	}
	t = (now_ns() - t0) / r;
	for (unsigned i = 0; i < n; i++) {
		hart_request(&harts[i], REQ_STOP);
		pthread_join(th[i], NULL);
		hart_destroy(&harts[i]);
	}
	return t;
}

int main(int argc, char **argv)
{
	const char *dir = ".";
	uint64_t frames = 16384;
	int opt, err = 0;

	while ((opt = getopt(argc, argv, "d:n:")) != -1) {
		if (opt == 'd')
			dir = optarg;
		else if (opt == 'n' && atoll(optarg) >= 1024)
			frames = (uint64_t)atoll(optarg);
		else {
			fprintf(stderr, "usage: mem_bench [-d SWAP_DIR] "
					"[-n FRAMES >= 1024]\n");
			return 2;
		}
	}
	if (bench_memory(dir, frames)) {
		fprintf(stderr, "mem_bench: the memory benchmark failed\n");
		err = 1;
	}
	for (unsigned n = 1; n <= SD_HARTS; n *= 2) {
		double ns = bench_shootdown(n, 20000);
		printf("MEMBENCH name=shootdown harts=%u ns=%.0f cpus=%ld\n", n,
		       ns, sysconf(_SC_NPROCESSORS_ONLN));
		if (ns < 0)
			err = 1;
	}
	return err;
}

/* share: pages for atoll's content-based sharing (docs/sharing.md).
 * Fills `pages` pages with a pattern every domain running it with the
 * same `common` value holds (and as many zero pages), and `unique` pages
 * (default 0) with a pattern of its own `id` that no other domain holds
 * (the part sharing cannot save: bench/density.sh), says
 * "share: filled", then waits (up to `ticks` ticks) for console lines on
 * the PV console:
 *   check  every page still holds what this domain wrote;
 *   write  each page gets data of this domain's own (`id`): a write to a
 *          shared page must break the share, never reach another domain
 *          (the time it took is printed: bench/share.sh);
 *   quit   check once more and end (status 0 if every check held).
 * Checks run at every command, so a page another domain wrote (or a stale
 * translation) shows up as "share: FAIL". */
#include <string.h>

#include "kernel.h"

#define SHARE_MAX_PAGES 4096 /* 16 MiB */
#define WORDS (PAGE_SIZE / 8)

static uint64_t *pages[SHARE_MAX_PAGES];
static uint64_t *zeros[SHARE_MAX_PAGES];
static uint64_t *uniq[SHARE_MAX_PAGES];
static uint64_t npages, nuniq, common, id, bad;
static int own; /* pages hold this domain's own data */

static uint64_t share_word(uint64_t who, uint64_t i, uint64_t j)
{
	uint64_t x = (who << 40) ^ (i << 16) ^ j;

	x ^= x >> 31;
	x *= 0x9e3779b97f4a7c15ull;
	return x ^ x >> 29;
}

static void share_fill(uint64_t who)
{
	for (uint64_t i = 0; i < npages; i++)
		for (uint64_t j = 0; j < WORDS; j++) {
			pages[i][j] = share_word(who, i, j);
			zeros[i][j] = who == common ? 0 : ~j;
		}
}

/* The pattern of this domain's unique pages (never written again). */
#define UNIQUE_WHO (id + 2000)

static void share_check(const char *when)
{
	uint64_t who = own ? id + 1000 : common, n = 0;

	for (uint64_t i = 0; i < nuniq; i++)
		for (uint64_t j = 0; j < WORDS; j++) {
			if (uniq[i][j] == share_word(UNIQUE_WHO, i, j))
				continue;
			if (n++ < 4)
				printf("share: FAIL %s: unique page %lu word "
				       "%lu: %#lx\n",
				       when, (unsigned long)i, (unsigned long)j,
				       (unsigned long)uniq[i][j]);
			break;
		}

	for (uint64_t i = 0; i < npages; i++)
		for (uint64_t j = 0; j < WORDS; j++) {
			uint64_t z = who == common ? 0 : ~j;

			if (pages[i][j] == share_word(who, i, j) &&
			    zeros[i][j] == z)
				continue;
			if (n++ < 4)
				printf("share: FAIL %s: page %lu word %lu: "
				       "%#lx, zero page %p: %#lx\n",
				       when, (unsigned long)i, (unsigned long)j,
				       (unsigned long)pages[i][j],
				       (void *)zeros[i],
				       (unsigned long)zeros[i][j]);
			break;
		}
	bad += n;
	printf("share: %s: %lu pages %s\n", when, (unsigned long)npages,
	       n ? "WRONG" : "ok");
}

int wl_share(void)
{
	long left = cmdline_long("ticks", 6000);
	char line[32];

	npages = (uint64_t)cmdline_long("pages", 256);
	common = (uint64_t)cmdline_long("common", 1);
	id = (uint64_t)cmdline_long("id", 1);
	nuniq = (uint64_t)cmdline_long("unique", 0);
	if (!npages || npages > SHARE_MAX_PAGES || nuniq > SHARE_MAX_PAGES ||
	    left < 1) {
		printf("share: bad parameters\n");
		return 1;
	}
	for (uint64_t i = 0; i < npages; i++) {
		pages[i] = page_alloc();
		zeros[i] = page_alloc();
		if (!pages[i] || !zeros[i]) {
			printf("share: FAIL out of memory at page %lu\n",
			       (unsigned long)i);
			return 1;
		}
	}
	for (uint64_t i = 0; i < nuniq; i++) {
		uniq[i] = page_alloc();
		if (!uniq[i]) {
			printf("share: FAIL out of memory at unique page %lu\n",
			       (unsigned long)i);
			return 1;
		}
		for (uint64_t j = 0; j < WORDS; j++)
			uniq[i][j] = share_word(UNIQUE_WHO, i, j);
	}
	share_fill(common);
	printf("share: filled %lu pages (common %lu, id %lu, unique %lu)\n",
	       (unsigned long)npages, (unsigned long)common, (unsigned long)id,
	       (unsigned long)nuniq);
	while (!consfront_getline(line, sizeof(line), &left)) {
		if (!strcmp(line, "write")) {
			uint64_t t0;

			share_check("before write");
			own = 1;
			/* Timed: every page written once (bench/share.sh). */
			t0 = timer_now_us();
			share_fill(id + 1000);
			printf("share: wrote %lu pages in %lu us\n",
			       (unsigned long)(2 * npages),
			       (unsigned long)(timer_now_us() - t0));
			share_check("written");
		} else if (!strcmp(line, "check")) {
			share_check("check");
		} else if (!strcmp(line, "quit")) {
			share_check("end");
			if (bad) {
				printf("share: FAIL %lu wrong pages\n",
				       (unsigned long)bad);
				return 1;
			}
			printf("share: ok\n");
			return 0;
		}
	}
	printf("share: FAIL no 'quit' within the ticks\n");
	return 1;
}

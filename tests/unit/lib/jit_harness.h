/* The small machine of the tests that run guest code through the
 * interpreter or the translator (test_jit_*.c, test_decode.c): a hart on a
 * fake bus with zeroed RAM at JH_RAM_BASE (or pages the test maps itself),
 * where a store to the stop address ends hart_run with HART_EXIT_STOP and
 * every other device access faults unless the test adds a device.
 *
 * The harness checks nothing itself (check.h's count belongs to the file
 * that includes it): it returns what happened and the test checks that,
 * so a failure names the test's own line. */
#ifndef ATOLL_TESTS_UNIT_JIT_HARNESS_H
#define ATOLL_TESTS_UNIT_JIT_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cpu/exec.h"
#include "cpu/hart.h"
#include "cpu/jit.h"
#include "cpu/jit_impl.h"

#define JH_RAM_BASE 0x80000000ULL
#define JH_STOP 0x10001000ULL /* the default stop address */

struct jh {
	struct hart h;
	uint8_t *ram; /* ram_size bytes at JH_RAM_BASE */
	uint64_t ram_size;
	uint64_t stop; /* a store here stops the hart */
	void *user; /* the test's own state, for its hooks */
	/* Optional hooks, set after jh_init.  page: the host page of a
	 * guest page (NULL: not RAM), used instead of ram. */
	void *(*page)(struct jh *m, uint64_t gpa_page, bool write);
	/* dev_read, dev_write: device accesses other than the stop; 0, or
	 * -1 for an access fault (the default without them). */
	int (*dev_read)(struct jh *m, uint64_t gpa, unsigned size,
			uint64_t *val);
	int (*dev_write)(struct jh *m, uint64_t gpa, unsigned size,
			 uint64_t val);
};

/* True (after a line saying so) when this host has no translator; a
 * translator test then ends with status 0 without running. */
bool jh_no_jit(const char *test);

/* Zero m, then give it ram_size bytes of zeroed RAM (0: none, the page
 * hook maps it), a hart at pc JH_RAM_BASE, the stop address JH_STOP and
 * engine e.  On failure prints "FAIL setup: why" and exits 2 (a test that
 * cannot set up is broken).  hart_set_engine reads ATOLL_JIT_HOT: a test
 * sets jit_hot after this. */
void jh_init(struct jh *m, uint64_t ram_size, enum cpu_engine e);

/* Copy n bytes to RAM offset off (from JH_RAM_BASE); exits 2 if they do
 * not fit (a bug of the test). */
void jh_put(struct jh *m, uint64_t off, const void *p, size_t n);
void jh_put32(struct jh *m, uint64_t off, uint32_t w);

/* Run from pc; hart_run's result (HART_EXIT_STOP after the stop store). */
int jh_run(struct jh *m, uint64_t pc);

/* Instructions the interpreter ran on the translator's behalf so far (the
 * translator's statistics); exits 2 if the hart runs the interpreter. */
uint64_t jh_steps(struct jh *m);

/* Free what jh_init allocated. */
void jh_destroy(struct jh *m);

#endif

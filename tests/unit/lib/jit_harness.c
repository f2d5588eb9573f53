/* The translator tests' small machine (jit_harness.h). */
#include "lib/jit_harness.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void *jh_ram_page(void *ctx, uint64_t gpa_page, bool write)
{
	struct jh *m = ctx;

	if (m->page)
		return m->page(m, gpa_page, write);
	if (gpa_page < JH_RAM_BASE || gpa_page - JH_RAM_BASE >= m->ram_size)
		return NULL;
	return m->ram + (gpa_page - JH_RAM_BASE);
}

static int jh_mmio_read(void *ctx, struct hart *h, uint64_t gpa, unsigned size,
			uint64_t *val)
{
	struct jh *m = ctx;

	return m->dev_read ? m->dev_read(m, gpa, size, val) : -1;
}

static int jh_mmio_write(void *ctx, struct hart *h, uint64_t gpa, unsigned size,
			 uint64_t val)
{
	struct jh *m = ctx;

	if (gpa == m->stop) {
		hart_request(h, REQ_STOP);
		return 0;
	}
	return m->dev_write ? m->dev_write(m, gpa, size, val) : -1;
}

static const struct cpu_bus_ops jh_ops = {
	.ram_page = jh_ram_page,
	.mmio_read = jh_mmio_read,
	.mmio_write = jh_mmio_write,
};

bool jh_no_jit(const char *test)
{
	if (jit_supported())
		return false;
	printf("%s: no translator on this host, skipped\n", test);
	return true;
}

void jh_init(struct jh *m, uint64_t ram_size, enum cpu_engine e)
{
	struct cpu_bus bus = { .ops = &jh_ops, .ctx = m };
	int err = -ENOMEM;

	memset(m, 0, sizeof(*m));
	m->stop = JH_STOP;
	m->ram_size = ram_size;
	if (ram_size && !(m->ram = calloc(1, ram_size)))
		goto fail;
	err = hart_init(&m->h, 0, JH_RAM_BASE, &bus);
	if (err)
		goto fail;
	err = hart_set_engine(&m->h, e);
	if (err)
		goto fail;
	return;
fail:
	printf("FAIL setup: %s\n", strerror(-err));
	exit(2);
}

void jh_put(struct jh *m, uint64_t off, const void *p, size_t n)
{
	if (off > m->ram_size || n > m->ram_size - off) {
		printf("FAIL %zu bytes at RAM offset %#llx: outside RAM\n", n,
		       (unsigned long long)off);
		exit(2);
	}
	memcpy(m->ram + off, p, n);
}

void jh_put32(struct jh *m, uint64_t off, uint32_t w)
{
	jh_put(m, off, &w, 4);
}

int jh_run(struct jh *m, uint64_t pc)
{
	m->h.pc = pc;
	return hart_run(&m->h);
}

uint64_t jh_steps(struct jh *m)
{
	struct jit_stats s;

	if (!jit_get_stats(&m->h, &s)) {
		printf("FAIL jh_steps: the hart has no translator\n");
		exit(2);
	}
	return s.steps;
}

void jh_destroy(struct jh *m)
{
	hart_destroy(&m->h);
	free(m->ram);
	m->ram = NULL;
}

/* Unit tests of the P2M: states, bounds, and the printed ranges (the
 * contiguous guest view over scattered machine frames). */
#include <string.h>

#include "mem/p2m.h"
#include "check.h"

/* p2m_print into a string (caller frees). */
static char *print_str(const struct p2m *p)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	p2m_print(p, f);
	fclose(f);
	return buf;
}

static void test_states(void)
{
	struct p2m p;

	CHECK_EQ(p2m_init(&p, 0x80000, 1024), 0);
	CHECK(p2m_contains(&p, gfn(0x80000)));
	CHECK(p2m_contains(&p, gfn(0x803ff)));
	CHECK(!p2m_contains(&p, gfn(0x80400)));
	CHECK(!p2m_contains(&p, gfn(0x7ffff)));
	CHECK(!p2m_contains(&p, gfn(0)));
	CHECK_EQ(p2m_get(&p, gfn(0x80010)).type, P2M_UNPOPULATED);
	p2m_set(&p, gfn(0x80010), P2M_PRESENT, 0xfffffffe);
	CHECK_EQ(p2m_get(&p, gfn(0x80010)).type, P2M_PRESENT);
	CHECK_EQ(p2m_get(&p, gfn(0x80010)).val, 0xfffffffe);
	p2m_set(&p, gfn(0x80010), P2M_SWAPPED, 7);
	CHECK_EQ(p2m_get(&p, gfn(0x80010)).type, P2M_SWAPPED);
	CHECK_EQ(p2m_get(&p, gfn(0x80010)).val, 7);
	p2m_set(&p, gfn(0x80010), P2M_BALLOONED, 0);
	CHECK_EQ(p2m_get(&p, gfn(0x80010)).type, P2M_BALLOONED);
	p2m_destroy(&p);
}

static void test_print(void)
{
	struct p2m p;
	char *s;

	CHECK_EQ(p2m_init(&p, 0x80000, 1024), 0);
	/* 0x80000-0x800ff over mfns 0x1200.., then a jump in mfns. */
	for (unsigned k = 0; k < 256; k++)
		p2m_set(&p, gfn(0x80000 + k), P2M_PRESENT, 0x1200 + k);
	for (unsigned k = 256; k < 260; k++)
		p2m_set(&p, gfn(0x80000 + k), P2M_PRESENT, 0x40 + k);
	p2m_set(&p, gfn(0x80200), P2M_SWAPPED, 3);
	p2m_set(&p, gfn(0x80201), P2M_SWAPPED, 4);
	p2m_set(&p, gfn(0x80202), P2M_BALLOONED, 0);
	s = print_str(&p);
	CHECK(strstr(s, "  0x80000-0x800ff -> mfn 0x01200-0x012ff present "
			"(256)\n") != NULL);
	CHECK(strstr(s, "  0x80100-0x80103 -> mfn 0x00140-0x00143 present "
			"(4)\n") != NULL);
	CHECK(strstr(s, "  0x80104-0x801ff unpopulated (252)\n") != NULL);
	CHECK(strstr(s, "  0x80200-0x80201 -> slot 0x00003-0x00004 swapped "
			"(2)\n") != NULL);
	CHECK(strstr(s, "  0x80202-0x80202 ballooned (1)\n") != NULL);
	CHECK(strstr(s, "  0x80203-0x803ff unpopulated (509)\n") != NULL);
	CHECK(strstr(s, "1024 gfns in 6 ranges: unpopulated 761 present 260 "
			"ballooned 1 swapped 2 shared 0 busy 0\n") != NULL);
	if (check_failures)
		fputs(s, stdout);
	free(s);
	p2m_destroy(&p);
}

int main(void)
{
	test_states();
	test_print();
	return check_done("test_p2m");
}

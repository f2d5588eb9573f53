/* Unit tests of the swap file: slots, page round trips, the file's
 * lifetime, a path that cannot be created, and a write error (the swap
 * breaks once, with one line, and refuses further slots). */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mem/swap.h"
#include "mem/types.h"
#include "check.h"

static char dir[64];
static char path[128];

static void test_roundtrip(void)
{
	static uint8_t page[PAGE_SIZE], back[PAGE_SIZE];
	uint32_t slots[16], extra;
	struct swap s;
	struct stat st;

	CHECK_EQ(swap_init(&s, path, 16 * PAGE_SIZE), 0);
	CHECK_EQ(s.nslots, 16);
	CHECK_EQ(stat(path, &st), 0);
	CHECK_EQ(st.st_size, 16 * PAGE_SIZE);
	for (int k = 0; k < 16; k++) {
		CHECK_EQ(swap_alloc(&s, &slots[k]), 0);
		memset(page, k + 1, sizeof(page));
		CHECK_EQ(swap_write(&s, slots[k], page), 0);
	}
	CHECK_EQ(swap_alloc(&s, &extra), -ENOSPC);
	CHECK_EQ(swap_nfree(&s), 0);
	for (int k = 15; k >= 0; k--) {
		CHECK_EQ(swap_read(&s, slots[k], back), 0);
		CHECK(back[0] == k + 1 && back[PAGE_SIZE - 1] == k + 1);
		swap_free(&s, slots[k]);
	}
	CHECK_EQ(swap_nfree(&s), 16);
	CHECK_EQ(s.stat_out, 16);
	CHECK_EQ(s.stat_in, 16);
	swap_destroy(&s);
	CHECK(stat(path, &st) != 0); /* unlinked */
}

static void test_none_and_bad_path(void)
{
	char bad[160];
	uint32_t slot;
	struct swap s;

	swap_init_none(&s);
	CHECK_EQ(swap_alloc(&s, &slot), -ENODEV);
	swap_destroy(&s);
	snprintf(bad, sizeof(bad), "%s/no/such/dir/swap", dir);
	printf("(one error line about %s is expected)\n", bad);
	CHECK_EQ(swap_init(&s, bad, 16 * PAGE_SIZE), -ENOENT);
	CHECK_EQ(swap_init(&s, path, 0), -EINVAL);
}

/* The descriptor is swapped for a read-only one: every write fails. */
static void test_write_error(void)
{
	static uint8_t page[PAGE_SIZE];
	uint32_t slot;
	struct swap s;
	int ro;

	CHECK_EQ(swap_init(&s, path, 16 * PAGE_SIZE), 0);
	ro = open(path, O_RDONLY);
	CHECK(ro >= 0);
	dup2(ro, s.fd);
	close(ro);
	CHECK_EQ(swap_alloc(&s, &slot), 0);
	printf("(one 'write failed' line is expected)\n");
	CHECK_EQ(swap_write(&s, slot, page), -EBADF);
	CHECK(s.broken);
	CHECK_EQ(swap_write(&s, slot, page), -EBADF); /* no second line */
	swap_free(&s, slot);
	CHECK_EQ(swap_alloc(&s, &slot), -ENODEV);
	CHECK_EQ(s.stat_errors, 2);
	swap_destroy(&s);
}

int main(void)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(dir, sizeof(dir), "%s/atoll-swap-XXXXXX", tmp ? tmp : "/tmp");
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(path, sizeof(path), "%s/swap", dir);
	test_roundtrip();
	test_none_and_bad_path();
	test_write_error();
	unlink(path);
	rmdir(dir);
	return check_done("test_swap");
}

/* Unit tests of the swap file: slots, page round trips, the file's
 * lifetime (a lock file at the path, the data unnamed), one owner at a
 * time, checksums, a path that cannot be created, and a write error (the
 * swap breaks once, with one line, and refuses further slots). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mem/swap.h"
#include "mem/types.h"
#include "mem_test.h"

static char dir[64];
static char path[128];

/* Names in the test folder (the data file must not be one of them). */
static int dir_entries(void)
{
	DIR *dp = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (!dp)
		return -1;
	while ((e = readdir(dp)))
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(dp);
	return n;
}

static void test_roundtrip(void)
{
	static uint8_t page[PAGE_SIZE], back[PAGE_SIZE];
	uint32_t slots[16], extra;
	struct swap s;
	struct stat st;

	CHECK_EQ(swap_init(&s, path, 16 * PAGE_SIZE), 0);
	CHECK_EQ(s.nslots, 16);
	CHECK_EQ(stat(path, &st), 0);
	CHECK_EQ(st.st_size, 0); /* the lock file: no page ever goes there */
	CHECK_EQ(st.st_mode & 0777, 0600);
	CHECK_EQ(fstat(s.fd, &st), 0);
	CHECK_EQ(st.st_size, 16 * PAGE_SIZE);
	CHECK_EQ(st.st_nlink, 0); /* the data has no name */
	CHECK_EQ(dir_entries(), 1);
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

/* A second owner of the same path is refused and changes nothing: the
 * first one's pages read back intact. */
static void test_exclusive(void)
{
	static uint8_t page[PAGE_SIZE], back[PAGE_SIZE];
	struct swap a, b;
	uint32_t slot;
	struct stat st;

	CHECK_EQ(swap_init(&a, path, 16 * PAGE_SIZE), 0);
	CHECK_EQ(swap_alloc(&a, &slot), 0);
	memset(page, 0x3c, sizeof(page));
	CHECK_EQ(swap_write(&a, slot, page), 0);
	printf("(one 'in use by another atoll' line is expected)\n");
	CHECK_EQ(swap_init(&b, path, 64 * PAGE_SIZE), -EBUSY);
	CHECK_EQ(stat(path, &st), 0);
	CHECK_EQ(st.st_size, 0);
	CHECK_EQ(swap_read(&a, slot, back), 0);
	CHECK(!memcmp(page, back, sizeof(page)));
	swap_destroy(&a);
	/* Free again: the next owner gets it. */
	CHECK_EQ(swap_init(&b, path, 16 * PAGE_SIZE), 0);
	swap_destroy(&b);
	CHECK(stat(path, &st) != 0);
}

/* What a kill -9 leaves (an empty lock file, unlocked) is taken over; a
 * file with data in it is not atoll's and is left alone. */
static void test_leftovers(void)
{
	struct swap s;
	struct stat st;
	int fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0600);

	CHECK(fd >= 0);
	CHECK_EQ(swap_init(&s, path, 16 * PAGE_SIZE), 0);
	swap_destroy(&s);
	CHECK(stat(path, &st) != 0);
	close(fd);
	fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0600);
	CHECK_EQ(write(fd, "data", 4), 4);
	close(fd);
	printf("(one 'is not empty' line is expected)\n");
	CHECK_EQ(swap_init(&s, path, 16 * PAGE_SIZE), -EEXIST);
	CHECK_EQ(stat(path, &st), 0);
	CHECK_EQ(st.st_size, 4);
	unlink(path);
}

/* A slot changed behind atoll's back fails its checksum: -EBADMSG, never
 * the changed page as if it were the one written. */
static void test_checksum(void)
{
	static uint8_t page[PAGE_SIZE], back[PAGE_SIZE];
	uint32_t s1, s2;
	struct swap s;
	char name[64];
	int fd;

	CHECK_EQ(swap_init(&s, path, 16 * PAGE_SIZE), 0);
	CHECK_EQ(swap_alloc(&s, &s1), 0);
	CHECK_EQ(swap_alloc(&s, &s2), 0);
	memset(page, 0x11, sizeof(page));
	CHECK_EQ(swap_write(&s, s1, page), 0);
	CHECK_EQ(swap_write(&s, s2, page), 0);
	snprintf(name, sizeof(name), "/proc/self/fd/%d", s.fd);
	fd = open(name, O_RDWR);
	CHECK(fd >= 0);
	CHECK_EQ(pwrite(fd, "\x12", 1, (off_t)s1 * PAGE_SIZE + 4095), 1);
	close(fd);
	CHECK_EQ(swap_read(&s, s1, back), -EBADMSG);
	CHECK_EQ(s.stat_corrupt, 1);
	CHECK_EQ(swap_read(&s, s2, back), 0);
	CHECK(!memcmp(page, back, sizeof(page)));
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
	test_exclusive();
	test_leftovers();
	test_checksum();
	unlink(path);
	rmdir(dir);
	return mt_finish("test_swap");
}

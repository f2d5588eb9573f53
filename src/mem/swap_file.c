/* The swap file's place on the host (see swap.h and docs/memory.md).
 *
 * `swap_file` names a lock file, never the data: atoll creates it (0600)
 * or reuses an empty one, and holds flock(LOCK_EX) on it for its whole
 * life, taken before anything else is touched, so a second atoll naming
 * the same path fails with one line and changes nothing.  The guest pages
 * go to an unnamed file in the same folder (O_TMPFILE; where the file
 * system cannot, a file created and unlinked at once): nothing can open it
 * from outside, and the kernel frees it when atoll ends, however it ends.
 * After a kill -9 only the empty lock file is left; the next atoll takes
 * it over. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/hostfile.h"
#include "lib/log.h"
#include "mem/swap.h"

/* A lock file that another atoll unlinks while we wait is stale: retry. */
#define SWAP_LOCK_TRIES 8

/* Open and lock the file at path; the descriptor or -errno (one line
 * printed). */
static int swap_lock(const char *path)
{
	struct stat fst, pst;

	for (unsigned t = 0; t < SWAP_LOCK_TRIES; t++) {
		int fd = hostfile_open(path, O_RDWR | O_CREAT | O_NOFOLLOW,
				       0600);
		int err;

		if (fd < 0) {
			log_error("swap file %s: %s", path,
				  hostfile_strerror(fd));
			return fd;
		}
		if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
			err = errno == EWOULDBLOCK ? -EBUSY : -errno;
			log_error("swap file %s: %s", path,
				  err == -EBUSY ? "in use by another atoll"
						: strerror(-err));
			close(fd);
			return err;
		}
		/* Locked the file the path still names (not one its owner
		 * unlinked at exit meanwhile)? */
		if (fstat(fd, &fst) == 0 && lstat(path, &pst) == 0 &&
		    fst.st_dev == pst.st_dev && fst.st_ino == pst.st_ino) {
			if (fst.st_size == 0)
				return fd;
			/* Not ours: an atoll lock file is always empty. */
			log_error("swap file %s: exists and is not empty "
				  "(not an atoll swap file; remove it or name "
				  "another)",
				  path);
			close(fd);
			return -EEXIST;
		}
		close(fd);
	}
	log_error("swap file %s: keeps changing under atoll", path);
	return -EAGAIN;
}

/* The folder of path ("." for a bare name), in buf. */
static void swap_dir(const char *path, char *buf, size_t size)
{
	const char *slash = strrchr(path, '/');
	size_t n = slash ? (size_t)(slash - path) : 0;

	if (!slash)
		snprintf(buf, size, ".");
	else if (n == 0)
		snprintf(buf, size, "/");
	else
		snprintf(buf, size, "%.*s", (int)n, path);
}

/* An unnamed file for the data next to path: the descriptor or -errno. */
static int swap_data_open(const char *path)
{
	char dir[4096], name[4200];
	int fd;

	if (strlen(path) >= sizeof(dir))
		return -ENAMETOOLONG;
	swap_dir(path, dir, sizeof(dir));
	fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd >= 0 || (errno != EOPNOTSUPP && errno != EISDIR))
		return fd >= 0 ? fd : -errno;
	/* No O_TMPFILE here: a fresh name, unlinked before any use. */
	snprintf(name, sizeof(name), "%s.XXXXXX", path);
	fd = mkostemp(name, O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (unlink(name) < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

int swap_file_open(struct swap *s, const char *path, uint64_t bytes)
{
	int err;

	s->lock_fd = swap_lock(path);
	if (s->lock_fd < 0)
		return s->lock_fd;
	s->fd = swap_data_open(path);
	if (s->fd < 0) {
		err = s->fd;
		log_error("swap file %s: cannot create its data file in that "
			  "folder: %s",
			  path, strerror(-err));
		goto err_unlock;
	}
	/* Sparse: disk blocks are used only by slots written. */
	if (ftruncate(s->fd, (off_t)bytes)) {
		err = -errno;
		log_error("swap file %s: cannot size it: %s", path,
			  strerror(-err));
		goto err_close;
	}
	return 0;

err_close:
	close(s->fd);
	s->fd = -1;
err_unlock:
	swap_file_close(s, path);
	return err;
}

void swap_file_close(struct swap *s, const char *path)
{
	if (s->fd >= 0)
		close(s->fd); /* the data goes with its last descriptor */
	s->fd = -1;
	if (s->lock_fd < 0)
		return;
	/* Still locked: the path names our lock file (see swap_lock). */
	if (path)
		unlink(path);
	close(s->lock_fd);
	s->lock_fd = -1;
}

/* The control socket's place and its owners (control_sock.h). */
#define _GNU_SOURCE /* struct ucred */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "control/control_sock.h"
#include "lib/log.h"

const char *control_default_dir(void)
{
	static char buf[PATH_MAX];
	const char *run = getenv("XDG_RUNTIME_DIR");

	if (run && *run &&
	    snprintf(buf, sizeof(buf), "%s/atoll", run) < (int)sizeof(buf))
		return buf;
	/* A predictable name in a shared directory, but checked before use:
	 * a squatter makes atoll refuse (one line), never listen for it. */
	snprintf(buf, sizeof(buf), "/tmp/atoll-%u", (unsigned)geteuid());
	return buf;
}

const char *control_default_path(void)
{
	static char buf[PATH_MAX];
	const char *s = getenv("ATOLL_SOCKET");

	if (s && *s)
		return s;
	snprintf(buf, sizeof(buf), "%s/atoll.sock", control_default_dir());
	return buf;
}

int control_private_dir(const char *dir, bool create)
{
	struct stat st;

	if (create && mkdir(dir, 0700) && errno != EEXIST) {
		int err = errno;

		log_error("control socket directory %s: %s", dir,
			  strerror(err));
		return -err;
	}
	if (lstat(dir, &st)) {
		int err = errno;

		if (err != ENOENT || create)
			log_error("control socket directory %s: %s", dir,
				  strerror(err));
		return -err;
	}
	if (!S_ISDIR(st.st_mode)) {
		log_error("control socket directory %s: not a directory (a "
			  "symlink or a file): refusing it",
			  dir);
		return -ENOTDIR;
	}
	if (st.st_uid != geteuid()) {
		log_error("control socket directory %s: owned by uid %u, not "
			  "by you (uid %u): refusing it",
			  dir, (unsigned)st.st_uid, (unsigned)geteuid());
		return -EPERM;
	}
	if (st.st_mode & 077) {
		log_error("control socket directory %s: mode %04o lets others "
			  "in (must be 0700): refusing it",
			  dir, (unsigned)(st.st_mode & 07777));
		return -EPERM;
	}
	return 0;
}

int control_peer_uid(int fd, uid_t *uid)
{
	struct ucred cr;
	socklen_t n = sizeof(cr);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &n))
		return -errno;
	*uid = cr.uid;
	return 0;
}

int control_check_socket_file(const char *path)
{
	struct stat st;

	if (lstat(path, &st))
		return -errno;
	if (!S_ISSOCK(st.st_mode)) {
		log_error("%s is not a socket (not an atoll control socket)",
			  path);
		return -ENOTSOCK;
	}
	if (st.st_uid != geteuid()) {
		log_error("%s belongs to uid %u, not to you (uid %u): refusing "
			  "to talk to it",
			  path, (unsigned)st.st_uid, (unsigned)geteuid());
		return -EPERM;
	}
	return 0;
}

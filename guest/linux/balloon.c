/* balloon: what the virtio balloon has taken, as the guest sees it.  The
 * driver takes ballooned pages out of MemTotal (without DEFLATE_ON_OOM)
 * or leaves them counted but used; either way MemTotal - MemFree and
 * MemTotal against the boot-time total show it.  With SECS, prints a line
 * every second for SECS seconds, so a test can watch a target being met.
 *
 *   balloon [SECS] */
#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include "util.h"

static long long meminfo(const char *key)
{
	char buf[4096], *p;
	int fd = open("/proc/meminfo", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);

	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	p = strstr(buf, key);
	return p ? strtoll(p + strlen(key) + 1, 0, 10) : -1;
}

// The virtio device with device id 5 (balloon), or "" when there is none.
static void find_device(char *name, size_t size)
{
	DIR *d = opendir("/sys/bus/virtio/devices");
	struct dirent *e;

	name[0] = '\0';
	while (d && (e = readdir(d))) {
		char path[512], id[32] = "";
		int fd;
		ssize_t n;

		snprintf(path, sizeof(path),
			 "/sys/bus/virtio/devices/%s/device", e->d_name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		n = read(fd, id, sizeof(id) - 1);
		close(fd);
		if (n > 0 && strtol(id, 0, 0) == 5) {
			snprintf(name, size, "%s", e->d_name);
			break;
		}
	}
	if (d)
		closedir(d);
}

int main(int argc, char **argv)
{
	long long secs = argc > 1 ? parse_count(argv[1]) : 0;
	char dev[256];

	setvbuf(stdout, 0, _IOLBF, 0);
	if (secs < 0) {
		fprintf(stderr, "usage: balloon [SECS]\n");
		return 2;
	}
	find_device(dev, sizeof(dev));
	printf("balloon: device %s\n", dev[0] ? dev : "none");
	for (long long i = 0; i <= secs; i++) {
		if (i)
			sleep(1);
		printf("balloon: MemTotal %lld kB MemFree %lld kB"
		       " MemAvailable %lld kB\n",
		       meminfo("MemTotal:"), meminfo("MemFree:"),
		       meminfo("MemAvailable:"));
	}
	return dev[0] ? 0 : 1;
}

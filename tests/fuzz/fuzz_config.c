/* The configuration file of `atoll run` (src/control/config*.c): the input is
 * the INI file a user wrote, loaded through a memfd.  A third of the
 * inputs add "key = value" lines to a valid file; a third are assembled
 * from the format's own words (sections, every known key, sizes, yes/no,
 * MAC addresses, hostfwd rules, a readable kernel image, a missing one)
 * with pieces of raw input mixed in; the others are raw text.
 *
 * Checks, as config.h promises: config_load returns 0, -EINVAL or
 * -ENOENT; a refusal prints exactly one line, which names the file; a
 * success prints nothing and yields 1 to CONFIG_MAX_DOMAINS domains, each
 * with a kernel (or firmware), at least one vCPU, memory and reservation
 * within maxmem; config_free releases everything (LeakSanitizer). */
#define _GNU_SOURCE /* memfd_create */
#include <errno.h>
#include <sys/mman.h>
#include <unistd.h>
#include <sys/stat.h>

#include "fuzz_util.h"
#include "control/config.h"

static int mfd = -1, err_fd;
static char path[64], kernel[64];

static const char *const words[] = {
	"[host]\n",
	"[domain a]\n",
	"[domain b]\n",
	"[domain a b]\n",
	"[domain]\n",
	"[guest]\n",
	"machine_memory",
	"swap_file",
	"swap_size",
	"control_socket",
	"policy_period",
	"policy_high",
	"policy_soft",
	"policy_hard",
	"policy_low",
	"balloon_timeout",
	"nat",
	"hostfwd",
	"vcpus",
	"memory",
	"maxmem",
	"reservation",
	"limit",
	"kernel",
	"cmdline",
	"bios",
	"initrd",
	"disk",
	"net",
	"mac",
	"shares",
	" = ",
	"=",
	"\n",
	"16M",
	"64M",
	"4K",
	"1G",
	"0",
	"1",
	"8",
	"100",
	"18446744073709551615",
	"-1",
	"yes",
	"no",
	"none",
	"sbi",
	"12.5",
	"02:00:00:00:00:0b",
	"03:00:00:00:00:01",
	"tcp::2222-:22",
	"udp:127.0.0.1:53-10.0.2.15:53",
	"; comment\n",
	"# comment\n",
	"  ",
	"\t",
	"/nonexistent/kernel",
	"50%",
	"90%",
	"2s",
	"500ms",
};

/* The INI text from the input into the memfd; its length. */
static size_t gen_text(struct fz_in *in, char *buf, size_t cap)
{
	size_t n = 0;

	while (in->n && n + 64 < cap) {
		uint8_t w = fz_u8(in);
		const char *s;
		size_t len;

		if (w < 2 * sizeof(words) / sizeof(words[0])) {
			s = words[w / 2];
		} else if (w < 200) { /* a line "key = kernel" */
			s = w & 1 ? "kernel = " : "bios = ";
			len = strlen(s);
			memcpy(buf + n, s, len);
			n += len;
			s = kernel;
		} else { /* raw bytes */
			len = fz_u8(in) % 16;
			len = len < in->n ? len : in->n;
			fz_bytes(in, buf + n, len);
			n += len;
			continue;
		}
		len = strlen(s);
		memcpy(buf + n, s, len);
		n += len;
	}
	return n;
}

/* A valid file, then lines the input adds to its sections: "key = value"
 * with words of the format (or raw bytes) as value. */
static size_t gen_from_valid(struct fz_in *in, char *buf, size_t cap)
{
	static const char *const keys[] = {
		"machine_memory",
		"swap_size",
		"policy_period",
		"policy_high",
		"policy_low",
		"balloon_timeout",
		"nat",
		"hostfwd",
		"vcpus",
		"memory",
		"maxmem",
		"reservation",
		"limit",
		"cmdline",
		"net",
		"mac",
		"shares",
		"initrd",
		"disk",
		"kernel",
	};
	size_t n = (size_t)snprintf(buf, cap,
				    "[host]\nmachine_memory = 64M\n"
				    "[domain a]\nmemory = 16M\nkernel = %s\n",
				    kernel);

	while (in->n && n + 128 < cap) {
		uint8_t k = fz_u8(in), v = fz_u8(in);
		const char *val;
		char raw[24];

		if (k >= 240) { /* a new section */
			n += (size_t)snprintf(
				buf + n, cap - n,
				k & 1 ? "[domain d%u]\nkernel = %s\n"
				      : "[host]\n",
				k % 8, kernel);
			continue;
		}
		if (v < 2 * sizeof(words) / sizeof(words[0])) {
			val = words[v / 2];
		} else {
			size_t len = fz_u8(in) % 16;

			len = len < in->n ? len : in->n;
			fz_bytes(in, raw, len);
			raw[len] = 0;
			val = raw;
		}
		n += (size_t)snprintf(
			buf + n, cap - n, "%s = %s\n",
			keys[k % (sizeof(keys) / sizeof(keys[0]))], val);
	}
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char text[8192];
	struct fz_in in = { data, size };
	struct run_config c;
	char err[4096];
	ssize_t got;
	size_t n;
	int rc, lines = 0, saved;

	if (mfd < 0) {
		char dir[] = "/tmp/atoll-fuzz-config.XXXXXX";
		FILE *f;

		CHECK(mkdtemp(dir));
		snprintf(kernel, sizeof(kernel), "%s/kernel", dir);
		f = fopen(kernel, "w");
		CHECK(f && fwrite("\x13\0\0\0", 4, 1, f) == 1 && !fclose(f));
		mfd = memfd_create("fuzz-config", 0);
		err_fd = memfd_create("fuzz-config-stderr", 0);
		CHECK(mfd >= 0 && err_fd >= 0);
		snprintf(path, sizeof(path), "/proc/self/fd/%d", mfd);
	}
	uint8_t mode = fz_u8(&in) % 3;

	if (mode == 0) {
		n = gen_from_valid(&in, text, sizeof(text));
	} else if (mode == 1) {
		n = gen_text(&in, text, sizeof(text));
	} else {
		n = in.n < sizeof(text) ? in.n : sizeof(text);
		fz_bytes(&in, text, n);
	}
	CHECK(ftruncate(mfd, 0) == 0 && pwrite(mfd, text, n, 0) == (ssize_t)n);
	CHECK(ftruncate(err_fd, 0) == 0 && lseek(err_fd, 0, SEEK_SET) == 0);

	/* Its messages into err_fd. */
	fflush(stderr);
	saved = dup(STDERR_FILENO);
	CHECK(saved >= 0 && dup2(err_fd, STDERR_FILENO) >= 0);
	memset(&c, 0, sizeof(c));
	rc = config_load(&c, path);
	fflush(stderr);
	CHECK(dup2(saved, STDERR_FILENO) >= 0);
	close(saved);
	got = pread(err_fd, err, sizeof(err) - 1, 0);
	CHECK(got >= 0);
	err[got] = 0;
	for (ssize_t i = 0; i < got; i++)
		lines += err[i] == '\n';

	CHECK(rc == 0 || rc == -EINVAL || rc == -ENOENT);
	if (rc) {
		if (lines != 1 || !strstr(err, path))
			fprintf(stderr, "config_load %d said: %s", rc, err);
		CHECK(lines == 1 && strstr(err, path));
		return 0;
	}
	if (lines)
		fprintf(stderr, "config_load accepted, said: %s", err);
	CHECK(lines == 0);
	CHECK(c.nr_domains >= 1 && c.nr_domains <= CONFIG_MAX_DOMAINS);
	for (unsigned i = 0; i < c.nr_domains; i++) {
		const struct domain_config *d = &c.dom[i];

		CHECK(d->machine.kernel || d->machine.bios);
		CHECK(d->memory <= d->machine.ram_size);
		CHECK(d->reservation <= d->machine.ram_size);
		CHECK(d->machine.nr_harts >= 1);
	}
	config_free(&c);
	return 0;
}

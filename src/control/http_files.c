/* The files of the live page: web/ as embedded at build time, or the
 * folder ATOLL_WEB_DIR names (to work on the page without rebuilding),
 * and Debian's Chart.js (libjs-chart.js) as "chart.js", read once from
 * where the package puts it: nothing is fetched from elsewhere. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/hostfile.h"
#include "lib/log.h"
#include "control/http.h"
#include "control/http_files.h"
#include "control/web_files.h"

#define HTTP_FILE_MAX (8u << 20) /* a page file (Chart.js is ~200 KiB) */

/* A name the page may ask for: [a-z0-9_.-], not starting with '.'. */
static bool http_file_name_ok(const char *name)
{
	if (!*name || *name == '.' || strlen(name) > 64)
		return false;
	for (const char *p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		      *p == '_' || *p == '.' || *p == '-'))
			return false;
	return true;
}

/* The whole regular file at path, malloc'd, at most HTTP_FILE_MAX. */
static int http_read_file(const char *path, char **data, size_t *len)
{
	int fd = hostfile_open(path, O_RDONLY, 0);
	size_t cap = 65536, n = 0;
	char *buf = NULL, *nb;
	ssize_t r;

	if (fd < 0)
		return fd;
	do {
		if (n == cap || !buf) {
			cap = buf ? cap * 2 : cap;
			nb = cap <= HTTP_FILE_MAX ? realloc(buf, cap) : NULL;
			if (!nb) {
				free(buf);
				close(fd);
				return -EFBIG;
			}
			buf = nb;
		}
		r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			r = -errno;
			free(buf);
			close(fd);
			return (int)r;
		}
		n += (size_t)r;
	} while (r > 0);
	close(fd);
	*data = buf;
	*len = n;
	return 0;
}

static const char *http_type(const char *name)
{
	const char *dot = strrchr(name, '.');

	if (dot && !strcmp(dot, ".html"))
		return "text/html; charset=utf-8";
	if (dot && !strcmp(dot, ".css"))
		return "text/css; charset=utf-8";
	if (dot && !strcmp(dot, ".svg"))
		return "image/svg+xml";
	return "text/javascript; charset=utf-8";
}

/* Chart.js, read on first use and kept (it does not change). */
static pthread_once_t chart_once = PTHREAD_ONCE_INIT;
static char *chart_data;
static size_t chart_len;

static void http_chart_load(void)
{
	int err = http_read_file(HTTP_CHARTJS, &chart_data, &chart_len);

	if (err)
		log_warn("--http: %s: %s (install Debian's libjs-chart.js: the "
			 "page cannot draw without it)",
			 HTTP_CHARTJS, hostfile_strerror(err));
}

int http_file(const char *name, struct http_file_data *f)
{
	const char *dir = getenv("ATOLL_WEB_DIR");
	char path[4096];
	int err;

	memset(f, 0, sizeof(*f));
	if (!http_file_name_ok(name))
		return -ENOENT;
	f->type = http_type(name);
	if (!strcmp(name, "chart.js")) {
		pthread_once(&chart_once, http_chart_load);
		f->data = chart_data;
		f->len = chart_len;
		return chart_data ? 0 : -ENOENT;
	}
	if (dir && *dir) {
		snprintf(path, sizeof(path), "%s/%s", dir, name);
		err = http_read_file(path, &f->owned, &f->len);
		f->data = f->owned;
		return err;
	}
	for (unsigned i = 0; i < web_files_nr; i++)
		if (!strcmp(web_files[i].name, name)) {
			f->data = (const char *)web_files[i].data;
			f->len = web_files[i].len;
			f->type = web_files[i].type;
			return 0;
		}
	return -ENOENT;
}

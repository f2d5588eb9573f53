/* The files of the live page (http_files.c). */
#ifndef ATOLL_CONTROL_HTTP_FILES_H
#define ATOLL_CONTROL_HTTP_FILES_H

#include <stddef.h>

struct http_file_data {
	const char *data; /* the bytes (owned or static) */
	size_t len;
	const char *type; /* Content-Type */
	char *owned; /* to free() after use, or NULL */
};

/* The page file called name ("index.html", "app.js", "chart.js"): 0, or
 * -ENOENT for a name that is not one (or unsafe: only [a-z0-9_.-]). */
int http_file(const char *name, struct http_file_data *f);

#endif

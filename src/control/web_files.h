/* The live page's files (web/), embedded at build time by
 * scripts/embed-web.py ($(BUILD)/gen/web_files.c). */
#ifndef ATOLL_CONTROL_WEB_FILES_H
#define ATOLL_CONTROL_WEB_FILES_H

struct web_file {
	const char *name; /* "index.html" */
	const char *type; /* Content-Type */
	const unsigned char *data;
	unsigned long len;
};

extern const struct web_file web_files[];
extern const unsigned web_files_nr;

#endif

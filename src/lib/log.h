/* atoll's one logging module: every line goes to stderr as
 * "atoll: [domain NAME: ]MESSAGE", written with one call so lines from
 * different threads never interleave.  Levels filter what is printed
 * (ATOLL_LOG=error|warn|info|debug, default info); the text itself carries
 * no level, so the lines users and tests read stay what they were.
 *
 * Guest behaviour must not be able to flood the host's terminal: callers
 * that log because of something a guest did log once (a flag, a counter).
 * The bottom of the folder order: includes nothing of atoll. */
#ifndef ATOLL_LIB_LOG_H
#define ATOLL_LIB_LOG_H

#include <stdbool.h>

enum log_level {
	LOG_ERROR, /* something failed: a refusal, a broken device */
	LOG_WARN, /* a guest or the host misbehaved; atoll carries on */
	LOG_INFO, /* what atoll did: domains created, state changes, stats */
	LOG_DEBUG, /* for developers; off by default */
};

/* Print one line at level if the level is enabled; dom (may be NULL)
 * names the domain the line is about. */
void log_write(enum log_level level, const char *dom, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Whether lines of level are printed (to skip expensive formatting). */
bool log_enabled(enum log_level level);

/* Print lines up to level from now on (overrides ATOLL_LOG). */
void log_set_level(enum log_level level);

#define log_error(...) log_write(LOG_ERROR, NULL, __VA_ARGS__)
#define log_warn(...) log_write(LOG_WARN, NULL, __VA_ARGS__)
#define log_info(...) log_write(LOG_INFO, NULL, __VA_ARGS__)
#define log_debug(...) log_write(LOG_DEBUG, NULL, __VA_ARGS__)
#define log_dom_error(dom, ...) log_write(LOG_ERROR, dom, __VA_ARGS__)
#define log_dom_warn(dom, ...) log_write(LOG_WARN, dom, __VA_ARGS__)
#define log_dom_info(dom, ...) log_write(LOG_INFO, dom, __VA_ARGS__)

#endif

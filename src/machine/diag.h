/* Diagnostics for the user: one line on stderr, prefixed "atoll: ".  Used
 * while atoll starts (bad options, bad images); never for guest behaviour,
 * which must not be able to flood the host's terminal. */
#ifndef ATOLL_MACHINE_DIAG_H
#define ATOLL_MACHINE_DIAG_H

void diag_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif

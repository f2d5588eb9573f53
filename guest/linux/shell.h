/* The console prompt of atoll's Linux init: a few built-in commands, and
 * any other word runs /bin/WORD with the rest as arguments. */
#ifndef ATOLL_GUEST_LINUX_SHELL_H
#define ATOLL_GUEST_LINUX_SHELL_H

/* Run one command line (words separated by blanks); returns its status. */
int shell_run_line(char *line);
/* Prompt, read, run until end of input. */
void shell_loop(void);
/* Power off (or reboot) after syncing; returns only on failure. */
void shell_halt(int reboot_instead);

#endif

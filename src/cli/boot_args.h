/* What `atoll boot` collects from its command line (boot.c), with the
 * QEMU spellings it accepts (boot_qemu.c). */
#ifndef ATOLL_CLI_BOOT_ARGS_H
#define ATOLL_CLI_BOOT_ARGS_H

#include <stdbool.h>

#include "io/netnat.h"
#include "machine/machine.h"

#define BOOT_MAX_IDS 8 /* -drive if=none and -netdev ids */
#define BOOT_ID_MAX 32

struct boot_args {
	struct machine_config machine;
	bool stats;
	struct netnat_config nat; /* -netdev user */
	/* -drive if=none,id=ID: waiting for -device virtio-blk-device. */
	struct boot_drive {
		char id[BOOT_ID_MAX];
		const char *file;
		bool readonly, used;
	} drive[BOOT_MAX_IDS];
	unsigned nr_drive;
	struct boot_netdev {
		char id[BOOT_ID_MAX];
		bool used;
	} netdev[BOOT_MAX_IDS];
	unsigned nr_netdev;
	/* Copies of the values cut out of comma lists. */
	char strings[4096];
	unsigned strings_used;
};

/* QEMU's -drive, -netdev, -device (boot_qemu.c): 0 or -EINVAL after one
 * line naming the flag and what is wrong with it. */
int boot_qemu_drive(struct boot_args *a, const char *v);
int boot_qemu_netdev(struct boot_args *a, const char *v);
int boot_qemu_device(struct boot_args *a, const char *v);
/* After the whole command line: every -drive if=none and -netdev used. */
int boot_qemu_finish(struct boot_args *a);

#endif

/* The power key of atoll's Linux init (powerkey.c). */
#ifndef ATOLL_GUEST_LINUX_POWERKEY_H
#define ATOLL_GUEST_LINUX_POWERKEY_H

/* Start a child that powers the guest off in order when KEY_POWER is
 * pressed on the "gpio-keys" input device (atoll's `atoll shutdown`; the
 * same as QEMU's system_powerdown on Arm virt).  Prints one line if there
 * is no such device. */
void powerkey_watch(void);

#endif

/* Interface configuration through the classic ioctls (no netlink needed). */
#ifndef ATOLL_GUEST_LINUX_NETIF_H
#define ATOLL_GUEST_LINUX_NETIF_H

#include <stdint.h>

/* Bring interface `name` up; 0 or -errno. */
int netif_up(const char *name);
/* The interface's index and MAC; 0 or -errno. */
int netif_info(const char *name, int *ifindex, uint8_t mac[6]);
/* Address and netmask (network byte order) on `name`; 0 or -errno. */
int netif_set_addr(const char *name, uint32_t addr, uint32_t mask);
/* Default route via gw (network byte order); 0 or -errno. */
int netif_set_gateway(const char *name, uint32_t gw);
/* Print "name addr/prefix" for `name` (or that it has none). */
void netif_show(const char *name);

#endif

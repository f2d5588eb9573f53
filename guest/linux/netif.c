/* Interface configuration through SIOCSIF* and SIOCADDRT. */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <net/route.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "netif.h"

static int netif_ioctl(unsigned long req, void *arg)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int err = 0;

	if (fd < 0)
		return -errno;
	if (ioctl(fd, req, arg) < 0)
		err = -errno;
	close(fd);
	return err;
}

static void netif_name(struct ifreq *ifr, const char *name)
{
	memset(ifr, 0, sizeof(*ifr));
	snprintf(ifr->ifr_name, sizeof(ifr->ifr_name), "%s", name);
}

int netif_up(const char *name)
{
	struct ifreq ifr;
	int err;

	netif_name(&ifr, name);
	err = netif_ioctl(SIOCGIFFLAGS, &ifr);
	if (err)
		return err;
	ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
	return netif_ioctl(SIOCSIFFLAGS, &ifr);
}

int netif_info(const char *name, int *ifindex, uint8_t mac[6])
{
	struct ifreq ifr;
	int err;

	netif_name(&ifr, name);
	err = netif_ioctl(SIOCGIFINDEX, &ifr);
	if (err)
		return err;
	*ifindex = ifr.ifr_ifindex;
	netif_name(&ifr, name);
	err = netif_ioctl(SIOCGIFHWADDR, &ifr);
	if (!err)
		memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	return err;
}

static void netif_sin(struct sockaddr *sa, uint32_t addr)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };

	sin.sin_addr.s_addr = addr;
	memcpy(sa, &sin, sizeof(sin));
}

int netif_set_addr(const char *name, uint32_t addr, uint32_t mask)
{
	struct ifreq ifr;
	int err;

	netif_name(&ifr, name);
	netif_sin(&ifr.ifr_addr, addr);
	err = netif_ioctl(SIOCSIFADDR, &ifr);
	if (err)
		return err;
	netif_name(&ifr, name);
	netif_sin(&ifr.ifr_netmask, mask);
	return netif_ioctl(SIOCSIFNETMASK, &ifr);
}

int netif_set_gateway(const char *name, uint32_t gw)
{
	struct rtentry rt;
	char dev[IFNAMSIZ];

	memset(&rt, 0, sizeof(rt));
	snprintf(dev, sizeof(dev), "%s", name);
	netif_sin(&rt.rt_dst, 0);
	netif_sin(&rt.rt_genmask, 0);
	netif_sin(&rt.rt_gateway, gw);
	rt.rt_flags = RTF_UP | RTF_GATEWAY;
	rt.rt_dev = dev;
	return netif_ioctl(SIOCADDRT, &rt);
}

void netif_show(const char *name)
{
	struct ifreq ifr;
	char a[INET_ADDRSTRLEN];
	uint32_t mask;
	int prefix;

	netif_name(&ifr, name);
	if (netif_ioctl(SIOCGIFADDR, &ifr)) {
		printf("%s: no address\n", name);
		return;
	}
	inet_ntop(AF_INET, &((struct sockaddr_in *)&ifr.ifr_addr)->sin_addr, a,
		  sizeof(a));
	netif_name(&ifr, name);
	netif_ioctl(SIOCGIFNETMASK, &ifr);
	mask = ntohl(((struct sockaddr_in *)&ifr.ifr_netmask)->sin_addr.s_addr);
	prefix = __builtin_popcount(mask);
	printf("%s: %s/%d\n", name, a, prefix);
}

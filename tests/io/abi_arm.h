/* The shared-info, event-channel and grant-copy layouts atoll shares with
 * Xen, as a row list expanded twice (tests/system/io-abi.sh): once over
 * Xen's public headers and once over atoll's, both compiled for aarch64
 * (Xen's Arm64 layout is the one atoll follows: shared_info.h).  Each side
 * names the types before expanding IO_ABI_ROWS. */
#ifndef ATOLL_TESTS_IO_ABI_ARM_H
#define ATOLL_TESTS_IO_ABI_ARM_H

#include <stddef.h>

#define IO_SZ(t) sizeof(t)
#define IO_OFF(t, f) offsetof(t, f)
#define IO_FSZ(t, f) sizeof(((t *)0)->f)

#define IO_ABI_ROWS(X)                                                         \
	X(IO_SZ(VCPU_TIME)), X(IO_OFF(VCPU_TIME, system_time)),                \
		X(IO_OFF(VCPU_TIME, tsc_to_system_mul)),                       \
		X(IO_OFF(VCPU_TIME, tsc_shift)), X(IO_OFF(VCPU_TIME, flags)),  \
		X(IO_SZ(VCPU_INFO)),                                           \
		X(IO_OFF(VCPU_INFO, evtchn_upcall_pending)),                   \
		X(IO_OFF(VCPU_INFO, evtchn_upcall_mask)),                      \
		X(IO_OFF(VCPU_INFO, evtchn_pending_sel)),                      \
		X(IO_FSZ(VCPU_INFO, evtchn_pending_sel)),                      \
		X(IO_OFF(VCPU_INFO, time)), X(IO_SZ(SHINFO)),                  \
		X(IO_FSZ(SHINFO, vcpu_info)),                                  \
		X(IO_OFF(SHINFO, evtchn_pending)),                             \
		X(IO_FSZ(SHINFO, evtchn_pending)),                             \
		X(IO_OFF(SHINFO, evtchn_mask)),                                \
		X(IO_FSZ(SHINFO, evtchn_mask)), X(IO_OFF(SHINFO, wc_version)), \
		X(IO_OFF(SHINFO, wc_sec)), X(IO_OFF(SHINFO, wc_nsec)),         \
		X(IO_SZ(ALLOC_UNBOUND)), X(IO_OFF(ALLOC_UNBOUND, dom)),        \
		X(IO_OFF(ALLOC_UNBOUND, remote_dom)),                          \
		X(IO_OFF(ALLOC_UNBOUND, port)), X(IO_SZ(BIND_INTERDOMAIN)),    \
		X(IO_OFF(BIND_INTERDOMAIN, remote_dom)),                       \
		X(IO_OFF(BIND_INTERDOMAIN, remote_port)),                      \
		X(IO_OFF(BIND_INTERDOMAIN, local_port)), X(IO_SZ(SEND)),       \
		X(IO_SZ(CLOSE)), X(IO_SZ(UNMASK)), X(IO_SZ(STATUS)),           \
		X(IO_OFF(STATUS, port)), X(IO_OFF(STATUS, status)),            \
		X(IO_OFF(STATUS, vcpu)), X(IO_OFF(STATUS, u)),                 \
		X(IO_OFF(STATUS, u.interdomain.port)), X(IO_SZ(GCOPY)),        \
		X(IO_OFF(GCOPY, source.u.ref)),                                \
		X(IO_OFF(GCOPY, source.domid)),                                \
		X(IO_OFF(GCOPY, source.offset)), X(IO_OFF(GCOPY, dest)),       \
		X(IO_OFF(GCOPY, len)), X(IO_OFF(GCOPY, flags)),                \
		X(IO_OFF(GCOPY, status)), X(EVTCHNOP_bind_interdomain),        \
		X(EVTCHNOP_close), X(EVTCHNOP_send), X(EVTCHNOP_status),       \
		X(EVTCHNOP_alloc_unbound), X(EVTCHNOP_unmask),                 \
		X(EVTCHNSTAT_closed), X(EVTCHNSTAT_unbound),                   \
		X(EVTCHNSTAT_interdomain), X(GNTTABOP_copy),                   \
		X(GNTCOPY_source_gref), X(GNTCOPY_dest_gref),                  \
		X(GNTST_okay + 100), X(GNTST_general_error + 100),             \
		X(GNTST_bad_domain + 100), X(GNTST_bad_gntref + 100),          \
		X(GNTST_permission_denied + 100), X(GNTST_bad_page + 100),     \
		X(GNTST_bad_copy_arg + 100), X(GNTST_eagain + 100),            \
		X(DOMID_SELF)

/* Each row becomes a number and its text. */
#define IO_VAL(e) (unsigned long)(e)
#define IO_NAME(e) #e

#endif

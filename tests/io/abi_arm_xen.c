/* Xen's side of tests/io/abi_arm.h (Debian's libxen-dev, for aarch64). */
#include <stdint.h>

/* vcpu_time_info.flags exists from interface 4.6 on. */
#define __XEN_INTERFACE_VERSION__ 0x00040e00

#include <xen/xen.h>
#include <xen/event_channel.h>
#include <xen/grant_table.h>

#include "abi_arm.h"

/* Xen for Arm has no PV upcall mask (the GIC masks the interrupt) and
 * calls the byte pad0; atoll gives it x86's meaning (shared_info.h). */
#define evtchn_upcall_mask pad0

#define VCPU_TIME struct vcpu_time_info
#define VCPU_INFO struct vcpu_info
#define SHINFO struct shared_info
#define ALLOC_UNBOUND struct evtchn_alloc_unbound
#define BIND_INTERDOMAIN struct evtchn_bind_interdomain
#define SEND struct evtchn_send
#define CLOSE struct evtchn_close
#define UNMASK struct evtchn_unmask
#define STATUS struct evtchn_status
#define GCOPY struct gnttab_copy

const unsigned long io_abi_values[] = { IO_ABI_ROWS(IO_VAL) };

/* atoll's side of tests/io/abi_arm.h, with the row names for messages. */
#include "atoll/abi/event_channel.h"
#include "atoll/abi/grant_table_op.h"
#include "atoll/abi/hypercall.h"
#include "atoll/abi/shared_info.h"

#include "abi_arm.h"

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
const char *const io_abi_names[] = { IO_ABI_ROWS(IO_NAME) };

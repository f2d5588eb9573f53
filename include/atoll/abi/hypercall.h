/* How a guest calls atoll: `ecall` from S-mode into an SBI extension in the
 * experimental range, one function per Xen hypercall.
 *
 *   a7 = ATOLL_SBI_EXT (extension id)
 *   a6 = hypercall number (Xen's __HYPERVISOR_* value)
 *   a0 = the operation (e.g. XENMEM_*), a1.. = its arguments; pointers are
 *        guest-VIRTUAL addresses, translated with the caller's page tables
 *        and permissions, as Xen does for PV and Arm guests
 * returns
 *   a0 = SBI error: 0, or SBI_ERR_NOT_SUPPORTED (-2) for an unknown
 *        hypercall number
 *   a1 = the hypercall's own result, Xen's convention: >= 0 on success,
 *        -errno (Linux values: EINVAL 22, EFAULT 14, ESRCH 3, EPERM 1,
 *        ENOMEM 12, ENOSYS 38) on failure
 * The call is synchronous; it may take a while (swap-in) but never blocks
 * the guest's other vCPUs. */
#ifndef ATOLL_ABI_HYPERCALL_H
#define ATOLL_ABI_HYPERCALL_H

#define ATOLL_SBI_EXT 0x08A70000 /* "atoll", experimental SBI range */

#define __HYPERVISOR_memory_op 12
#define __HYPERVISOR_console_io 18
#define __HYPERVISOR_grant_table_op 20
#define __HYPERVISOR_sched_op 29
#define __HYPERVISOR_event_channel_op 32

#define DOMID_SELF 0x7FF0

#endif

/* atoll's SBI implementation (RISC-V SBI v2.0) for S-mode guests booted
 * without firmware: BASE, TIME, IPI, RFENCE, HSM, SRST, DBCN and the legacy
 * v0.1 calls.  An ecall from S-mode reaches sbi_call() on the calling
 * hart's own thread (hart->sbi_in_host); arguments are in a0-a5, the
 * function ID in a6, the extension ID in a7; the result goes to a0 (error)
 * and a1 (value).  Every argument is guest input and is checked. */
#ifndef ATOLL_MACHINE_SBI_H
#define ATOLL_MACHINE_SBI_H

#include <stdint.h>

#include "machine/machine.h"

/* Error codes (sbiret.error). */
#define SBI_SUCCESS 0
#define SBI_ERR_FAILED (-1)
#define SBI_ERR_NOT_SUPPORTED (-2)
#define SBI_ERR_INVALID_PARAM (-3)
#define SBI_ERR_DENIED (-4)
#define SBI_ERR_INVALID_ADDRESS (-5)
#define SBI_ERR_ALREADY_AVAILABLE (-6)
#define SBI_ERR_ALREADY_STARTED (-7)
#define SBI_ERR_ALREADY_STOPPED (-8)

/* Extension IDs. */
#define SBI_EXT_LEGACY_SET_TIMER 0x00
#define SBI_EXT_LEGACY_PUTCHAR 0x01
#define SBI_EXT_LEGACY_GETCHAR 0x02
#define SBI_EXT_LEGACY_CLEAR_IPI 0x03
#define SBI_EXT_LEGACY_SEND_IPI 0x04
#define SBI_EXT_LEGACY_FENCE_I 0x05
#define SBI_EXT_LEGACY_SFENCE_VMA 0x06
#define SBI_EXT_LEGACY_SFENCE_VMA_ASID 0x07
#define SBI_EXT_LEGACY_SHUTDOWN 0x08
#define SBI_EXT_LEGACY_LAST 0x0f
#define SBI_EXT_BASE 0x10
#define SBI_EXT_TIME 0x54494d45
#define SBI_EXT_IPI 0x735049
#define SBI_EXT_RFENCE 0x52464e43
#define SBI_EXT_HSM 0x48534d
#define SBI_EXT_SRST 0x53525354
#define SBI_EXT_DBCN 0x4442434e

#define SBI_SPEC_VERSION (2u << 24 | 0) /* v2.0 */
/* Implementation ID: the registered ones are small integers (0 BBL,
 * 1 OpenSBI, ... 11 bhyve); atoll uses "atol" in ASCII, far from them. */
#define SBI_IMPL_ID_ATOLL 0x61746f6c
#define SBI_IMPL_VERSION 0x00000100 /* atoll 0.1.0: major << 16 | minor << 8 */

/* HSM states (sbi_hart_get_status). */
enum sbi_hsm_state {
	SBI_HSM_STARTED = 0,
	SBI_HSM_STOPPED = 1,
	SBI_HSM_START_PENDING = 2,
	SBI_HSM_STOP_PENDING = 3,
	SBI_HSM_SUSPENDED = 4,
	SBI_HSM_SUSPEND_PENDING = 5,
	SBI_HSM_RESUME_PENDING = 6,
};

#define SBI_HSM_SUSPEND_RETENTIVE 0x00000000
#define SBI_HSM_SUSPEND_NON_RETENTIVE 0x80000000

struct sbiret {
	long error;
	uint64_t value;
};

/* Extensions that act on other harts (sbi_hart.c). */
struct sbiret sbi_ext_ipi(struct machine *m, struct hart *h, uint64_t fid,
			  const uint64_t *a);
struct sbiret sbi_ext_rfence(struct machine *m, struct hart *h, uint64_t fid,
			     const uint64_t *a);
struct sbiret sbi_ext_hsm(struct machine *m, struct hart *h, uint64_t fid,
			  const uint64_t *a);
/* Legacy send_ipi / remote fences: mask is a bitmap of harts 0..63. */
long sbi_send_ipi_mask(struct machine *m, uint64_t mask);
long sbi_fence_mask(struct machine *m, struct hart *h, uint64_t mask,
		    uint64_t fid, uint64_t start, uint64_t size, uint64_t asid);

#endif

/* SBI dispatch and the extensions local to the calling hart: BASE, TIME,
 * SRST, DBCN and the legacy v0.1 calls.
 *
 * System reset: shutdown ends the VM with status 0; cold and warm reboot
 * end it too (status 0, or 1 when the reason is "system failure"), marked
 * as a reset: `atoll run` restarts it (on_reboot), `atoll boot` ends as
 * QEMU with -no-reboot. */
#include <stddef.h>

#include "atoll/abi/hypercall.h"
#include "cpu/csr.h"
#include "cpu/exec.h"
#include "cpu/mmu.h"
#include "cpu/trap.h"
#include "io/chardev.h"
#include "machine/hypercall.h"
#include "machine/sbi.h"

#define DBCN_MAX_WRITE 4096 /* per call; the spec allows partial writes */

#define SBI_RET(e, v) ((struct sbiret){ (e), (v) })

typedef struct sbiret (*sbi_ext_fn)(struct machine *m, struct hart *h,
				    uint64_t fid, const uint64_t *a);

static sbi_ext_fn sbi_find(uint64_t eid);

static uint64_t sbi_probe(uint64_t eid)
{
	return eid <= SBI_EXT_LEGACY_SHUTDOWN || sbi_find(eid);
}

/* mvendorid & co. as the hart's own CSRs report them.  They are M-mode
 * CSRs and the hart is in S-mode: read them as M, on its own thread. */
static uint64_t sbi_machine_csr(struct hart *h, unsigned csr)
{
	uint8_t priv = h->priv;
	uint64_t v = 0;

	h->priv = PRIV_M;
	if (csr_read(h, csr, &v))
		v = 0;
	h->priv = priv;
	return v;
}

static struct sbiret sbi_ext_base(struct machine *m, struct hart *h,
				  uint64_t fid, const uint64_t *a)
{
	switch (fid) {
	case 0: return SBI_RET(SBI_SUCCESS, SBI_SPEC_VERSION);
	case 1: return SBI_RET(SBI_SUCCESS, SBI_IMPL_ID_ATOLL);
	case 2: return SBI_RET(SBI_SUCCESS, SBI_IMPL_VERSION);
	case 3: return SBI_RET(SBI_SUCCESS, sbi_probe(a[0]));
	case 4: return SBI_RET(SBI_SUCCESS, sbi_machine_csr(h, CSR_MVENDORID));
	case 5: return SBI_RET(SBI_SUCCESS, sbi_machine_csr(h, CSR_MARCHID));
	case 6: return SBI_RET(SBI_SUCCESS, sbi_machine_csr(h, CSR_MIMPID));
	}
	return SBI_RET(SBI_ERR_NOT_SUPPORTED, 0);
}

/* Program the S-mode timer; the pending bit follows the new deadline at
 * once (a deadline in the past fires immediately). */
static void sbi_set_timer(struct hart *h, uint64_t when)
{
	atomic_store(&h->stimecmp, when);
	hart_set_mip(h, MIP_STIP, hart_time(h) >= when);
}

static struct sbiret sbi_ext_time(struct machine *m, struct hart *h,
				  uint64_t fid, const uint64_t *a)
{
	if (fid != 0)
		return SBI_RET(SBI_ERR_NOT_SUPPORTED, 0);
	sbi_set_timer(h, a[0]);
	return SBI_RET(SBI_SUCCESS, 0);
}

static struct sbiret sbi_ext_srst(struct machine *m, struct hart *h,
				  uint64_t fid, const uint64_t *a)
{
	uint64_t type = a[0], reason = a[1];

	if (fid != 0)
		return SBI_RET(SBI_ERR_NOT_SUPPORTED, 0);
	/* Types 0 shutdown, 1 cold reboot, 2 warm reboot; reasons 0 none,
	 * 1 system failure.  Everything else is reserved or vendor-specific,
	 * and atoll implements none of those. */
	if (type > 2 || reason > 1)
		return SBI_RET(SBI_ERR_INVALID_PARAM, 0);
	if (type == 0)
		machine_exit(m, reason == 1);
	else
		machine_reboot(m, reason == 1);
	/* The exit posted REQ_STOP to this hart: it runs no further. */
	return SBI_RET(SBI_SUCCESS, 0);
}

/* Guest buffer for DBCN: physical, in RAM; base_addr_hi must be 0 on
 * RV64 (addresses are 64 bits). */
static bool sbi_dbcn_buf_ok(struct machine *m, const uint64_t *a)
{
	return a[2] == 0 && ram_contains(&m->ram, a[1], a[0]);
}

/* Bytes the host wrote into guest RAM may hold code this hart has
 * pre-decoded: drop those pages from its code cache. */
static void sbi_invalidate_code(struct hart *h, uint64_t gpa, uint64_t len)
{
	for (uint64_t p = gpa & ~0xfffULL; p < gpa + len; p += 4096)
		code_cache_invalidate(h, p);
}

/* DBCN: write (0), read (1), write_byte (2) on the host console.  Guest
 * bytes are copied once through a bounce buffer: guest RAM is scattered
 * machine frames, not one host range. */
static struct sbiret sbi_ext_dbcn(struct machine *m, struct hart *h,
				  uint64_t fid, const uint64_t *a)
{
	uint8_t buf[DBCN_MAX_WRITE];
	uint64_t n = a[0] < DBCN_MAX_WRITE ? a[0] : DBCN_MAX_WRITE;
	ssize_t r;

	if (fid > 2)
		return SBI_RET(SBI_ERR_NOT_SUPPORTED, 0);
	if (fid == 2) {
		uint8_t c = (uint8_t)a[0];
		r = chardev_write(m->console, &c, 1);
		return SBI_RET(r == 1 ? SBI_SUCCESS : SBI_ERR_FAILED, 0);
	}
	if (!sbi_dbcn_buf_ok(m, a))
		return SBI_RET(SBI_ERR_INVALID_PARAM, 0);
	if (fid == 1) {
		n = chardev_read(m->console, buf, n);
		if (ram_write(&m->ram, a[1], buf, n))
			return SBI_RET(SBI_ERR_FAILED, 0);
		sbi_invalidate_code(h, a[1], n);
		return SBI_RET(SBI_SUCCESS, n);
	}
	if (ram_read(&m->ram, a[1], buf, n))
		return SBI_RET(SBI_ERR_FAILED, 0);
	r = chardev_write(m->console, buf, n);
	if (r < 0)
		return SBI_RET(SBI_ERR_FAILED, 0);
	return SBI_RET(SBI_SUCCESS, (uint64_t)r);
}

/* Legacy hart masks are passed by (S-mode virtual) address; 0 = all. */
static long sbi_legacy_mask(struct machine *m, struct hart *h, uint64_t va,
			    uint64_t *set)
{
	if (va == 0) {
		*set = (1ULL << m->nr_harts) - 1;
		return SBI_SUCCESS;
	}
	if (mmu_load(h, va, 8, set))
		return SBI_ERR_INVALID_ADDRESS;
	*set &= (1ULL << m->nr_harts) - 1;
	return SBI_SUCCESS;
}

/* The v0.1 calls return one value in a0. */
static long sbi_legacy(struct machine *m, struct hart *h, uint64_t eid,
		       const uint64_t *a)
{
	uint64_t set;
	uint8_t c;
	long err;

	switch (eid) {
	case SBI_EXT_LEGACY_SET_TIMER: sbi_set_timer(h, a[0]); return 0;
	case SBI_EXT_LEGACY_PUTCHAR:
		c = (uint8_t)a[0];
		chardev_write(m->console, &c, 1);
		return 0;
	case SBI_EXT_LEGACY_GETCHAR:
		return chardev_read(m->console, &c, 1) == 1 ? c : -1;
	case SBI_EXT_LEGACY_CLEAR_IPI: hart_set_mip(h, MIP_SSIP, 0); return 0;
	case SBI_EXT_LEGACY_SHUTDOWN: machine_exit(m, 0); return 0;
	}
	if (eid > SBI_EXT_LEGACY_SFENCE_VMA_ASID)
		return SBI_ERR_NOT_SUPPORTED;
	err = sbi_legacy_mask(m, h, a[0], &set);
	if (err)
		return err;
	if (eid == SBI_EXT_LEGACY_SEND_IPI)
		return sbi_send_ipi_mask(m, set);
	return sbi_fence_mask(m, h, set, eid - SBI_EXT_LEGACY_FENCE_I, a[1],
			      a[2], a[3]);
}

static sbi_ext_fn sbi_find(uint64_t eid)
{
	switch (eid) {
	case SBI_EXT_BASE: return sbi_ext_base;
	case SBI_EXT_TIME: return sbi_ext_time;
	case SBI_EXT_IPI: return sbi_ext_ipi;
	case SBI_EXT_RFENCE: return sbi_ext_rfence;
	case SBI_EXT_HSM: return sbi_ext_hsm;
	case SBI_EXT_SRST: return sbi_ext_srst;
	case SBI_EXT_DBCN: return sbi_ext_dbcn;
	case ATOLL_SBI_EXT: return hypercall_sbi; /* Xen-style hypercalls */
	}
	return 0;
}

void sbi_call(struct machine *m, struct hart *h)
{
	uint64_t a[6], eid = h->x[17], fid = h->x[16];
	struct sbiret r = SBI_RET(SBI_ERR_NOT_SUPPORTED, 0);
	sbi_ext_fn fn;

	for (int i = 0; i < 6; i++)
		a[i] = h->x[10 + i];
	if (eid <= SBI_EXT_LEGACY_LAST) {
		h->x[10] = (uint64_t)sbi_legacy(m, h, eid, a);
		return;
	}
	fn = sbi_find(eid);
	if (fn)
		r = fn(m, h, fid, a);
	h->x[10] = (uint64_t)r.error;
	h->x[11] = r.value;
}

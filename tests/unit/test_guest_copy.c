/* Unit tests of guest_copy.c: copies through the hart's translation (Bare
 * and Sv39), page-crossing copies, faults (unmapped, read-only, MMIO) with
 * nothing written, and the wait-and-retry path when RAM is not available
 * now (PAGE_RETRY), including giving up when the hart must stop. */
#include <errno.h>

#include "cpu/guest_copy.h"
#include "cpu_fixture.h"

#define VA 0x40000000ULL
#define PA (FX_RAM_BASE + 0x100000)
#define RW (PTE_R | PTE_W | PTE_A | PTE_D)
#define RO (PTE_R | PTE_A)

/* RAM pages answer PAGE_RETRY this many times before they come. */
static unsigned retries_left, waits;

static void *retry_ram_page(void *ctx, uint64_t gpa_page, bool write)
{
	if (retries_left && gpa_page >= FX_RAM_BASE) {
		retries_left--;
		return PAGE_RETRY;
	}
	return fx_ram_page(ctx, gpa_page, write);
}

static void retry_mem_wait(void *ctx, struct hart *h)
{
	waits++;
}

static const struct cpu_bus_ops retry_ops = {
	.ram_page = retry_ram_page,
	.mem_wait = retry_mem_wait,
	.mmio_read = fx_mmio_read,
	.mmio_write = fx_mmio_write,
	.sbi_call = fx_sbi_call,
};

static void test_bare(void)
{
	struct fx *f = fx_new();
	struct hart *h = &f->h;
	uint8_t buf[6000], back[6000];

	for (unsigned i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 7);
	fx_enter(f, PRIV_S, 0, 0, 0);
	/* Crosses a page boundary. */
	CHECK_EQ(copy_to_guest(h, PA + 4000, buf, sizeof(buf)), 0);
	CHECK(memcmp(f->ram + 0x100000 + 4000, buf, sizeof(buf)) == 0);
	CHECK_EQ(copy_from_guest(h, back, PA + 4000, sizeof(back)), 0);
	CHECK(memcmp(back, buf, sizeof(buf)) == 0);
	/* MMIO and holes are -EFAULT, never a device access. */
	CHECK_EQ(copy_from_guest(h, back, FX_DEV, 8), -EFAULT);
	CHECK_EQ(copy_to_guest(h, FX_DEV, buf, 8), -EFAULT);
	CHECK_EQ(copy_from_guest(h, back, 0x1000, 8), -EFAULT);
	CHECK_EQ(f->mmio_reads + f->mmio_writes, 0);
	/* RAM that ends inside the copy: -EFAULT, and nothing written. */
	memset(f->ram + FX_RAM_SIZE - 16, 0xee, 16);
	CHECK_EQ(copy_to_guest(h, FX_RAM_BASE + FX_RAM_SIZE - 16, buf, 32),
		 -EFAULT);
	CHECK_EQ(f->ram[FX_RAM_SIZE - 16], 0xee);
	fx_free(f);
}

static void test_sv39(void)
{
	struct fx *f = fx_new();
	struct hart *h = &f->h;
	uint64_t root = fx_pt_page(f);
	uint8_t buf[8192], back[8192];

	fx_map(f, root, 3, VA, PA, 0, RW);
	fx_map(f, root, 3, VA + 0x1000, PA + 0x1000, 0, RW);
	fx_map(f, root, 3, VA + 0x2000, PA + 0x2000, 0, RO);
	fx_map(f, root, 3, VA + 0x4000, FX_DEV, 0, RW);
	fx_enter(f, PRIV_S, fx_satp(SATP_MODE_SV39, 0, root), 0, 0);
	memset(buf, 0x3c, sizeof(buf));
	CHECK_EQ(copy_to_guest(h, VA + 100, buf, 5000), 0);
	CHECK_EQ(f->ram[0x100000 + 100 + 4999], 0x3c);
	CHECK_EQ(copy_from_guest(h, back, VA + 100, 5000), 0);
	CHECK(memcmp(back, buf, 5000) == 0);
	/* Into the read-only page: fails before the first byte moves. */
	memset(f->ram + 0x101000, 0, 4096);
	CHECK_EQ(copy_to_guest(h, VA + 0x1f00, buf, 512), -EFAULT);
	CHECK_EQ(f->ram[0x101f00], 0);
	CHECK_EQ(copy_from_guest(h, back, VA + 0x2000, 64), 0);
	/* Unmapped page 3, device page 4. */
	CHECK_EQ(copy_from_guest(h, back, VA + 0x2ff8, 16), -EFAULT);
	CHECK_EQ(copy_from_guest(h, back, VA + 0x4000, 8), -EFAULT);
	CHECK_EQ(f->mmio_reads, 0);
	/* A non-canonical address. */
	CHECK_EQ(copy_from_guest(h, back, 1ULL << 40, 8), -EFAULT);
	fx_free(f);
}

static void test_retry(void)
{
	struct fx *f = fx_new();
	struct hart *h = &f->h;
	uint64_t v = 0x1234, got = 0;

	h->bus.ops = &retry_ops;
	fx_enter(f, PRIV_S, 0, 0, 0);
	retries_left = 3;
	waits = 0;
	CHECK_EQ(copy_to_guest(h, PA, &v, 8), 0);
	CHECK_EQ(waits, 3);
	retries_left = 2;
	CHECK_EQ(copy_from_guest(h, &got, PA, 8), 0);
	CHECK_EQ(got, 0x1234);
	/* A hart asked to stop gives up instead of waiting. */
	retries_left = 1000;
	atomic_fetch_or(&h->requests, REQ_STOP);
	CHECK_EQ(copy_from_guest(h, &got, PA + 0x3000, 8), -EAGAIN);
	CHECK(retries_left == 999);
	fx_free(f);
}

int main(void)
{
	test_bare();
	test_sv39();
	test_retry();
	return fx_done("guest_copy");
}

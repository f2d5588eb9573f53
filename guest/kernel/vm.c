/* Sv39 page tables: the kernel's mappings (devices, the RAM direct map that
 * holds the kernel image) and a user space with one program. */
#include <string.h>

#include "kernel.h"

#define PTE_V 0x01ul
#define PTE_R 0x02ul
#define PTE_W 0x04ul
#define PTE_X 0x08ul
#define PTE_U 0x10ul
#define PTE_G 0x20ul
#define PTE_A 0x40ul
#define PTE_D 0x80ul
#define PTE_KRW (PTE_V | PTE_R | PTE_W | PTE_A | PTE_D | PTE_G)
#define MEGA (2ul << 20)
#define GIGA (1ul << 30)
#define SATP_SV39 (8ul << 60)

extern char _kernel_start[], _kernel_end[], user_prog[], user_prog_end[];
extern long user_exit_code;
extern unsigned long user_interrupts;

static uint64_t root[512] __attribute__((aligned(4096)));
static uint64_t l1_dev[512] __attribute__((aligned(4096)));
static uint64_t l1_ram[4][512] __attribute__((aligned(4096)));

static uint64_t pte(uint64_t pa, uint64_t flags)
{
	return (pa >> 12) << 10 | flags;
}

static uint64_t *table_of(uint64_t e)
{
	return (uint64_t *)(uintptr_t)((e >> 10) << 12);
}

/* Map [pa, pa+len) at the same address with 2 MiB pages; the kernel
 * image's megapages are also executable. */
static void vm_map_ram(uint64_t pa, uint64_t len)
{
	uint64_t ks = (uintptr_t)_kernel_start & ~(MEGA - 1);
	uint64_t ke = (uintptr_t)_kernel_end;

	for (uint64_t a = pa & ~(MEGA - 1); a < pa + len; a += MEGA) {
		unsigned g = (unsigned)((a >> 30) - 2);
		uint64_t fl = PTE_KRW;

		if (a >= ks && a < ke)
			fl |= PTE_X;
		root[a >> 30] = pte((uintptr_t)l1_ram[g], PTE_V);
		l1_ram[g][(a >> 21) & 511] = pte(a, fl);
	}
}

/* Build the kernel's tables and turn paging on; 0 or -22. */
int vm_init(const struct boot_info *bi)
{
	if (bi->ram_base < 2 * GIGA || bi->ram_base + bi->ram_size > 6 * GIGA)
		return -22;
	root[0] = pte((uintptr_t)l1_dev, PTE_V);
	l1_dev[0] = pte(0, PTE_KRW); /* test device at 0x100000 */
	l1_dev[0x10000000 >> 21] = pte(0x10000000, PTE_KRW); /* UART */
	for (uint64_t a = PLIC_BASE; a < PLIC_BASE + PLIC_SIZE; a += MEGA)
		l1_dev[a >> 21] = pte(a, PTE_KRW); /* PLIC (pv_evtchn.c) */
	vm_map_ram(bi->ram_base, bi->ram_size);
	__asm__ volatile("sfence.vma" ::: "memory");
	csr_write(satp, SATP_SV39 | ((uintptr_t)root >> 12));
	__asm__ volatile("sfence.vma" ::: "memory");
	return 0;
}

/* A zeroed page-table page, or NULL. */
static uint64_t *vm_table_alloc(void)
{
	uint64_t *t = page_alloc();

	if (t)
		memset(t, 0, PAGE_SIZE);
	return t;
}

/* Map one user page at va (in GiB 1) to pa. */
static int vm_map_user(uint64_t va, uint64_t pa, uint64_t flags)
{
	uint64_t *l1, *l0;

	if (!(root[va >> 30] & PTE_V)) {
		l1 = vm_table_alloc();
		if (!l1)
			return -12;
		root[va >> 30] = pte((uintptr_t)l1, PTE_V);
	}
	l1 = table_of(root[va >> 30]);
	if (!(l1[(va >> 21) & 511] & PTE_V)) {
		l0 = vm_table_alloc();
		if (!l0)
			return -12;
		l1[(va >> 21) & 511] = pte((uintptr_t)l0, PTE_V);
	}
	l0 = table_of(l1[(va >> 21) & 511]);
	l0[(va >> 12) & 511] = pte(pa, flags | PTE_V | PTE_U | PTE_A | PTE_D);
	__asm__ volatile("sfence.vma" ::: "memory");
	return 0;
}

/* The user thread: enter U-mode at USER_BASE; comes back only through
 * the exit system call (trap.c), which ends the thread. */
static void vm_user_thread(void *arg)
{
	struct trap_frame *f;

	(void)arg;
	f = (struct trap_frame *)((char *)thread_kstack_top() - FRAME_SIZE);
	memset(f, 0, sizeof(*f));
	f->x[0] = USER_BASE;
	f->x[2] = USER_BASE + 3 * PAGE_SIZE;
	f->sstatus = (csr_read(sstatus) & ~SSTATUS_SPP & ~SSTATUS_SIE) |
		     SSTATUS_SPIE;
	irq_save();
	trap_enter(f);
}

/* Run the user program in its own address range; 0 if it exited with
 * the right sum. */
int vm_user_selftest(void)
{
	size_t len = (size_t)(user_prog_end - user_prog);
	void *code = page_alloc(), *stack = page_alloc();
	struct thread *t;

	if (!code || !stack || len > PAGE_SIZE)
		return -12;
	memcpy(code, user_prog, len);
	__asm__ volatile("fence.i" ::: "memory");
	if (vm_map_user(USER_BASE, (uintptr_t)code, PTE_R | PTE_X) ||
	    vm_map_user(USER_BASE + 2 * PAGE_SIZE, (uintptr_t)stack,
			PTE_R | PTE_W))
		return -12;
	t = thread_create("user", vm_user_thread, NULL);
	if (!t)
		return -12;
	thread_join(t);
	printf("user: exit code %ld, interrupted %lu times in U-mode\n",
	       user_exit_code, user_interrupts);
	return user_exit_code == (long)USER_SUM_N * (USER_SUM_N + 1) / 2 ? 0
									 : -1;
}

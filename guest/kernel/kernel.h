/* atoll-os: the kernel's internal interfaces, one section per file. */
#ifndef ATOLL_OS_KERNEL_H
#define ATOLL_OS_KERNEL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "frame.h"

#define PAGE_SIZE 4096ul
#define PAGE_SHIFT 12

#define csr_read(csr)                                                          \
	({                                                                     \
		unsigned long __v;                                             \
		__asm__ volatile("csrr %0, " #csr : "=r"(__v));                \
		__v;                                                           \
	})
#define csr_write(csr, v)                                                      \
	__asm__ volatile("csrw " #csr ", %0" ::"r"((unsigned long)(v)))
#define csr_set(csr, v)                                                        \
	__asm__ volatile("csrs " #csr ", %0" ::"r"((unsigned long)(v)))
#define csr_clear(csr, v)                                                      \
	__asm__ volatile("csrc " #csr ", %0" ::"r"((unsigned long)(v)))

#define SSTATUS_SIE (1ul << 1)
#define SSTATUS_SPIE (1ul << 5)
#define SSTATUS_SPP (1ul << 8)
#define SSTATUS_FS_INITIAL (1ul << 13)

struct trap_frame {
	uint64_t x[32]; /* x[0] holds sepc */
	uint64_t sstatus, scause, stval;
	uint64_t f[32];
	uint64_t fcsr;
};
_Static_assert(sizeof(struct trap_frame) == FRAME_SIZE, "frame layout");

/* Interrupts on this hart: off (returning whether they were on), back. */
static inline unsigned long irq_save(void)
{
	unsigned long s;
	__asm__ volatile("csrrci %0, sstatus, 2" : "=r"(s)::"memory");
	return s & SSTATUS_SIE;
}
static inline void irq_restore(unsigned long s)
{
	if (s)
		__asm__ volatile("csrsi sstatus, 2" ::: "memory");
}

/* console.c */
void console_init(void);
void console_putc(char c);
void console_pv_start(void);
void console_flush(void);
/* consfront.c: the PV console (after pv_init). */
int consfront_init(void);
int consfront_write(const char *buf, size_t len, int can_sleep);
int consfront_getc(void);
/* A line from the PV console (without its end), waiting at most *left
 * ticks (decremented as they pass); 0, or -1 when the time is up. */
int consfront_getline(char *buf, size_t len, long *left);
void consfront_drain(void);
__attribute__((noreturn, format(printf, 1, 2))) void panic(const char *fmt,
							   ...);

/* sbi.c */
struct sbiret {
	long error, value;
};
struct sbiret sbi_call(long ext, long fid, long a0, long a1, long a2);
int sbi_on_atoll(void);
void sbi_set_timer(uint64_t when);
__attribute__((noreturn)) void poweroff(int status);
__attribute__((noreturn)) void reboot(void);
long hypercall(long nr, long a0, long a1);

/* fdt.c: what the kernel needs from the device tree. */
struct boot_info {
	uint64_t ram_base, ram_size;
	uint64_t timebase_hz;
	const char *bootargs;
	uint64_t dtb_pa, dtb_size;
};
int fdt_parse(const void *dtb, struct boot_info *bi);
/* The one device-tree walker (fdt.c): calls begin at each node (depth 0
 * is the root), prop at each of its properties (value bounds-checked),
 * end when it closes.  A call's nonzero return stops the walk and is
 * returned; else 0 at the end of the tree, -22 if the blob is not a sane
 * FDT (nodes deeper than 16 included).  Any call may be NULL. */
struct fdt_visitor {
	int (*begin)(void *ctx, int depth, const char *name);
	int (*end)(void *ctx, int depth);
	int (*prop)(void *ctx, int depth, const char *name, const uint8_t *val,
		    uint32_t len);
};
int fdt_walk(const void *dtb, const struct fdt_visitor *v, void *ctx);
uint32_t fdt_be32(const void *p);
/* pv_fdt.c: a property (first cell) of the node compatible with compat. */
int fdt_find_u32(const void *dtb, const char *compat, const char *prop,
		 uint32_t *out);

/* cmdline.c: `workload=NAME k=v ...` */
void cmdline_init(const char *args);
const char *cmdline_get(const char *key, const char *dflt);
long cmdline_long(const char *key, long dflt);

/* timer.c */
#define TICK_HZ 100
void timer_init(uint64_t timebase_hz);
void timer_interrupt(void);
uint64_t timer_ticks(void);
uint64_t timer_now_us(void);

/* trap.c */
extern unsigned long kernel_hartid;
extern const void *kernel_dtb; /* main.c: the boot device tree */
void trap_init(void);
void trap_handle(struct trap_frame *f);
void trap_enter(struct trap_frame *f) __attribute__((noreturn));

/* vm.c: Sv39 */
#define USER_BASE 0x40000000ul
#define PLIC_BASE 0x0c000000ul
#define PLIC_SIZE 0x600000ul
#define PLIC_PRIO(src) (PLIC_BASE + 4 * (src))
#define PLIC_ENABLE(ctx) (PLIC_BASE + 0x2000 + 0x80 * (ctx))
#define PLIC_THRESHOLD(ctx) (PLIC_BASE + 0x200000 + 0x1000 * (ctx))
#define PLIC_CLAIM(ctx) (PLIC_THRESHOLD(ctx) + 4)
int vm_init(const struct boot_info *bi);
int vm_user_selftest(void);

/* page.c: physical pages, some of which atoll may hold back (ballooned). */
int page_init(const struct boot_info *bi, uint64_t used_lo, uint64_t used_hi);
void *page_alloc(void);
void *page_alloc_wait(void);
void page_free(void *p);
uint64_t page_free_count(void);
uint64_t page_total(void);
uint64_t page_fail_count(void);
uint64_t page_base_gfn(void);

/* sched.c: kernel threads, round robin, preempted by the tick. */
#define THREAD_MAX 16
struct thread;
struct thread *thread_create(const char *name, void (*fn)(void *), void *arg);
void thread_exit(void) __attribute__((noreturn));
void thread_yield(void);
void thread_sleep(uint64_t ticks);
void thread_wake(struct thread *t);
struct thread *thread_current(void);
/* The current thread's slot, 0..THREAD_MAX-1 (0 before threads start). */
unsigned thread_index(void);
void sched_kick(void);
void sched_init(void);
void sched_tick(void);
void *thread_kstack_top(void);
int thread_alive(const struct thread *t);
void thread_join(struct thread *t);
int sched_selftest(void);

/* balloon.c */
void balloon_start(void);
void balloon_stop(void);
void balloon_kick(void);
uint64_t balloon_size(void);
/* Pages to give back (> 0) or take again (< 0) toward `target` frames,
 * as atoll set it (above maxmem: maxmem, logged once), with `free` pages
 * free: never inflating under pressure or below a floor of free pages.
 * balloon_step's decision; pvhostile feeds it hostile targets. */
long balloon_plan(long target, uint64_t free, uint32_t pressure);

/* workloads (guest/workloads) */
int wl_idle(void);
int wl_cpu(void);
int wl_memhog(void);
int wl_fault(void);
int wl_echo(void); /* console input back as output */
int wl_blkbench(void);
int wl_netstream(void); /* net.h: netfront, inet */
int wl_pingpong(void);
int wl_ringbench(void); /* atoll/abi/echo.h */
int wl_udpecho(void);
int wl_iostream(void); /* blkbench + a UDP stream through the NAT */
int wl_pvhostile(void); /* front-ends against a hostile back-end */
int wl_share(void); /* pages for content-based sharing, then its own */

/* plic.c: route PLIC source src to this hart's S-mode context, fn run
 * on its interrupt (0, or -22 out of range); the trap's dispatch. */
typedef void (*plic_handler_t)(void);
int plic_route(unsigned src, plic_handler_t fn);
void plic_external_interrupt(void);

/* powerkey.c: power off when atoll presses the power key (if any). */
void powerkey_init(const void *dtb);

#endif

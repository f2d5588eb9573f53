/* virtio devices behind the virtio-mmio transport (virtio_mmio.c, version
 * 2), each device a thin file on a host back-end atoll already has
 * (virtio_blk.c on io/disk.h, virtio_rng.c on getrandom, ...).
 *
 * The board (src/machine) creates a device, gives it a slot (MMIO window
 * and an interrupt line) and forwards the slot's loads and stores to
 * virtio_mmio_read/write; this layer knows neither the PLIC nor the bus.
 *
 * Threads and locks, in the order they nest:
 *   lock      the transport registers (status, features, queue setup);
 *             taken by the vCPU threads' MMIO accesses.
 *   qlock     the queues: whoever serves them (the device's I/O thread,
 *             or the notifying vCPU for trivial devices) holds it for a
 *             bounded pass; reset and QueueReady take it to change them.
 *   cfg_lock  the config space and its generation (a leaf).
 *   irq_lock  InterruptStatus and the line's level (a leaf).
 * A device's I/O thread never takes `lock`.  A vCPU never blocks on
 * qlock: a pass may wait for a TLB shootdown only vCPUs serve (balloon
 * inflation, reclaim), so the transport tries it and returns -EAGAIN, and
 * the board retries the store after serving the hart's shootdowns. */
#ifndef ATOLL_VIRTIO_VIRTIO_H
#define ATOLL_VIRTIO_VIRTIO_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "io/io_thread.h"
#include "virtio/virtq.h"

struct dom_mem;
struct virtio_dev;

#define VIRTIO_MAX_QUEUES 4
#define VIRTIO_CONFIG_MAX 64 /* bytes of device config space */

struct virtio_dev_ops {
	const char *kind; /* "blk", "net", ... for log lines */
	uint32_t device_id; /* VIRTIO_ID_* */
	/* Serve the queues, qlock held and the device live: a bounded
	 * amount of work.  1 if more may be waiting, 0 if every queue is
	 * empty, < 0 after virtio_dev_fail. */
	int (*serve)(struct virtio_dev *dev);
	/* The driver stores `size` bytes `val` at config offset `off`
	 * (inside config_len, size 1, 2 or 4), cfg_lock held: 0, or -EINVAL
	 * if that field is not writable (the device breaks).  NULL: none. */
	int (*config_write)(struct virtio_dev *dev, unsigned off, unsigned size,
			    uint32_t val);
	/* The driver reset the device (qlock held, queues still set up):
	 * forget requests in progress.  NULL: nothing to forget. */
	void (*reset)(struct virtio_dev *dev);
	/* The I/O thread stopped for good (qlock held): finish or abandon
	 * host I/O in flight, so nothing touches guest memory after.  NULL:
	 * the device has none outside a pass. */
	void (*stop)(struct virtio_dev *dev);
	/* Requests in flight on the host (qlock held): their completions
	 * wake the I/O thread (kick_fd), so an idle thread sleeps without
	 * asking the driver for notifications; the driver's new chains are
	 * taken when a completion comes.  NULL: never. */
	bool (*busy)(struct virtio_dev *dev);
	/* Work waiting (qlock held, the device live)?  NULL: chains on
	 * any ready queue.  A device with a queue of buffers it fills only
	 * when the host has data (net and console receive) counts that
	 * queue only then: the driver keeps buffers posted there, and an
	 * idle thread that saw them as work would never sleep. */
	bool (*pending)(struct virtio_dev *dev);
	/* After the I/O thread (if any) stopped: free the device, dev
	 * included (it is embedded in the device's own struct). */
	void (*destroy)(struct virtio_dev *dev);
	/* Serve on an I/O thread of its own (else on the notifying vCPU). */
	bool threaded;
	/* The thread's long busy-poll before sleeping (virtio_dev.c: while
	 * its interrupt is unacknowledged, then an adaptive window): for a
	 * device whose requests come only from the guest (blk).  Without
	 * it, the PV back-ends' fixed spin: a net or console thread that
	 * kept polling would take cpu from the host threads feeding it. */
	bool busy_poll;
	/* Threaded devices: every tick_ms (0: never), tick(dev) with qlock
	 * held while the device is live (periodic work: balloon targets and
	 * statistics). */
	void (*tick)(struct virtio_dev *dev);
	unsigned tick_ms;
};

struct virtio_stats {
	uint64_t notifies; /* QueueNotify writes (the guest's kicks) */
	uint64_t interrupts; /* used-ring interrupts raised */
	uint64_t requests, bytes, errors; /* device-defined units */
	uint64_t passes; /* serve calls */
	uint64_t sleeps; /* idle: asked the driver for notifications */
	uint64_t poll_us; /* the busy-poll window now (virtio_dev.c) */
	uint64_t poll_busy; /* busy-polls that found the host busy */
	/* Latency (docs/virtio.md "Where a sequential request's time
	 * goes"), medians in ns (0 if none; within 19 %, the histogram's
	 * steps): from taking a data request to answering it, where the
	 * device measures it (virtio-blk reads and writes), and from raising
	 * a used-ring interrupt to the driver's ACK of it. */
	uint64_t io_ns, ack_ns;
};

/* A latency histogram: bucket i >= 4 holds [2^(i/4), 2^((i+1)/4)) us,
 * bucket 0 what is shorter than 2 us. */
#define VIRTIO_LAT_BUCKETS 64
struct virtio_lat {
	_Atomic uint64_t n[VIRTIO_LAT_BUCKETS];
};
/* Count one latency of ns nanoseconds (any thread). */
void virtio_lat_add(struct virtio_lat *l, uint64_t ns);
/* The median of what l counted, in ns (its bucket's geometric middle:
 * within 19 %); 0 if nothing. */
uint64_t virtio_lat_median(const struct virtio_lat *l);

struct virtio_dev {
	const struct virtio_dev_ops *ops;
	void *priv;
	char name[32]; /* "virtio-blk@10008000", for log lines */
	struct dom_mem *mem;
	uint64_t features; /* offered (device), fixed */

	pthread_mutex_t lock;
	uint32_t dev_fsel, drv_fsel, queue_sel;
	uint64_t driver_features;
	_Atomic uint32_t status;

	pthread_mutex_t qlock;
	struct virtq vq[VIRTIO_MAX_QUEUES];
	unsigned nr_vq;

	pthread_mutex_t cfg_lock;
	uint8_t config[VIRTIO_CONFIG_MAX];
	unsigned config_len;
	uint32_t config_gen;

	pthread_mutex_t irq_lock;
	_Atomic uint32_t isr; /* changed under irq_lock; the poll reads it */
	uint64_t raised_ns; /* when VIRTIO_ISR_QUEUE went up (irq_lock) */
	void (*set_irq)(void *ctx, int level);
	void *irq_ctx;
	/* The board's count of requests whose completion will interrupt
	 * soon (machine.h's io_busy: the vCPUs' WFI polls while it is
	 * non-zero), or NULL; a device that counts sets it up itself. */
	_Atomic uint32_t *io_busy;
	/* A driver's kick is counted in *io_busy until the device's next
	 * pass took its requests (virtio_dev_kick_taken). */
	_Atomic bool kick_busy;

	/* The I/O thread (ops->threaded), run by io/io_thread.h (its stop
	 * eventfd ends it): kick_fd counts work to look at (notifies,
	 * back-end wake-ups, host I/O completions), made by virtio_dev_init
	 * so a device can hand it to its back-end before the thread starts. */
	int kick_fd;
	struct io_thread thread;
	/* The I/O thread's busy-poll window before it sleeps: adaptive,
	 * from VIRTIO_POLL_MIN_NS up to poll_max_ns (docs/virtio.md); the
	 * window now is st.poll_ns. */
	uint64_t poll_max_ns;
	/* Busy-polls still to make with naps, and how many the last sign
	 * of a busy host cost (doubling while the host stays busy): the I/O
	 * thread's own. */
	unsigned poll_naps, poll_backoff;

	_Atomic bool logged; /* the device's one log line is out */
	struct {
		_Atomic uint64_t notifies, interrupts, requests, bytes, errors,
			passes, sleeps, poll_ns, poll_busy;
		struct virtio_lat io, ack; /* virtio_stats' io_ns, ack_ns */
	} st;
};

/* Fill the transport part of dev for a device with nr_vq queues of up to
 * num_max entries offering `features` (VERSION_1 is added) with
 * config_len bytes of config space; the device sets ops/priv/config.
 * Interrupts go to set_irq(irq_ctx, level).  0 or -errno. */
int virtio_dev_init(struct virtio_dev *dev, const struct virtio_dev_ops *ops,
		    void *priv, const char *name, struct dom_mem *mem,
		    uint64_t features, unsigned nr_vq, uint16_t num_max,
		    unsigned config_len, void (*set_irq)(void *ctx, int level),
		    void *irq_ctx);
/* Check the environment's ATOLL_VIRTIO_POLL_US (docs/virtio.md) before
 * making devices: 0, or -EINVAL after one log line naming it. */
int virtio_poll_check(void);
/* Start the I/O thread if the device has one.  0 or -errno. */
int virtio_dev_start(struct virtio_dev *dev);
/* Stop the I/O thread, if running: nothing touches guest memory after
 * (idempotent). */
void virtio_dev_stop(struct virtio_dev *dev);
/* Stop the thread and free the device (ops->destroy). */
void virtio_dev_destroy(struct virtio_dev *dev);

/* The driver's features include bit n (fixed after FEATURES_OK). */
static inline bool virtio_has(const struct virtio_dev *dev, unsigned n)
{
	return dev->driver_features & VIRTIO_BIT(n);
}

/* The driver broke the protocol: DEVICE_NEEDS_RESET, a config interrupt
 * and one log line for the device's lifetime.  Returns -EPROTO. */
int virtio_dev_fail(struct virtio_dev *dev, const char *why);

/* Queue q's used ring moved: interrupt the driver if it asked. */
void virtio_dev_used(struct virtio_dev *dev, unsigned q);

/* The guest kicked a queue (the transport, without locks): serve on the
 * I/O thread, or here for a device without one.  0, or -EAGAIN if
 * another thread is serving it now (retry). */
int virtio_dev_notify(struct virtio_dev *dev);
/* CLOCK_MONOTONIC in ns (the latency figures). */
uint64_t virtio_now_ns(void);
/* The device's pass has taken the requests the driver's kicks announced
 * (each now counted in io_busy on its own, if at all): the kick's count
 * ends (I/O thread, under qlock). */
void virtio_dev_kick_taken(struct virtio_dev *dev);

/* One bounded pass over the queues on the caller's thread, as the I/O
 * thread makes (tests and fuzz targets without threads): true if more
 * work may be waiting. */
bool virtio_dev_serve_once(struct virtio_dev *dev);

/* Wake the I/O thread (a back-end has something for the device). */
void virtio_dev_kick(struct virtio_dev *dev);

/* Update config bytes from the device's side (cfg_lock NOT held): bumps
 * ConfigGeneration and raises a config interrupt once the driver is on. */
void virtio_config_update(struct virtio_dev *dev, unsigned off, const void *buf,
			  unsigned len);

/* Set up and served: DRIVER_OK, not NEEDS_RESET or FAILED. */
static inline bool virtio_dev_live(const struct virtio_dev *dev)
{
	uint32_t s = atomic_load(&dev->status);

	return (s & VIRTIO_STATUS_DRIVER_OK) &&
	       !(s & (VIRTIO_STATUS_NEEDS_RESET | VIRTIO_STATUS_FAILED));
}

/* The slot's MMIO window (offsets from its base), as struct mmio_ops of
 * the board: 0 (a bad access is ignored, as QEMU does), or, for a write,
 * -EAGAIN when it needs the queues while a pass holds them: the vCPU
 * must serve its TLB shootdowns (the pass may be waiting for them) and
 * retry, rather than block. */
int virtio_mmio_read(void *opaque, uint64_t off, unsigned size, uint64_t *val);
int virtio_mmio_write(void *opaque, uint64_t off, unsigned size, uint64_t val);

void virtio_dev_get_stats(const struct virtio_dev *dev, struct virtio_stats *s);

#endif

/* The PV block back-end (blkback.c): its counters, per device. */
#ifndef ATOLL_IO_BLKBACK_H
#define ATOLL_IO_BLKBACK_H

struct pvdev;
struct pvdev_stats;

/* A snapshot (racy by a few counts while the thread runs); the same as
 * blkback_ops.get_stats. */
void blkback_get_stats(const struct pvdev *dev, struct pvdev_stats *st);

#endif

/* Layout of a trap frame, shared by entry.S and C (struct trap_frame). */
#ifndef ATOLL_OS_FRAME_H
#define ATOLL_OS_FRAME_H

#define FRAME_SEPC 0 /* slot of x0 */
#define FRAME_SSTATUS 256
#define FRAME_SCAUSE 264
#define FRAME_STVAL 272
#define FRAME_F 280
#define FRAME_FCSR 536
#define FRAME_SIZE 544

/* The U-mode test program sums 1..USER_SUM_N. */
#define USER_SUM_N 3000000

#endif

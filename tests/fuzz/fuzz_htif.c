/* HTIF (src/machine/htif.c): tohost and fromhost are RAM words on a
 * trapped page, served through their MMIO window (fuzz_mmio.h).  The
 * input also writes guest RAM (syscall blocks for SYS_write, their
 * buffers).  Commands are mostly well formed: device 0 exit or syscall
 * (pointer into RAM, aligned or not), device 1 putchar/getchar, or any
 * 64-bit value.  Checks, besides fuzz_mmio.h's: no access faults; the
 * page behaves as RAM (a read gives the RAM bytes; a write that does not
 * touch tohost lands in RAM as written); a write that makes tohost
 * non-zero runs the command and clears tohost; an exit command (device 0,
 * odd payload) ends the machine with payload >> 1 and nothing else ends
 * it; a served command answers in fromhost with its device and command. */
#include "fuzz_mmio.h"

static uint64_t ram64(uint64_t gpa)
{
	uint64_t v = 0;

	CHECK(ram_read(&fzb.m->ram, gpa, &v, 8) == 0);
	return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mmio_region *r = fzb_region(FZ_TOHOST & ~0xfffULL);
	struct fz_in in = { data, size };
	uint64_t zero = 0;
	struct fz_access a;

	ram_write(&fzb.m->ram, FZ_TOHOST, &zero, 8);
	ram_write(&fzb.m->ram, FZ_FROMHOST, &zero, 8);
	while (in.n) {
		uint8_t how = fz_u8(&in);
		int exits = fzb.exits;

		if (how < 32) { /* guest RAM bytes (a syscall block) */
			uint64_t gpa =
				FZ_RAM_BASE + 0x2000 + fz_u16(&in) % 0x2000;
			uint64_t v[4] = { 64, fz_u8(&in) % 3,
					  FZ_RAM_BASE + 0x3000 + fz_u8(&in),
					  fz_u16(&in) % 600 };

			if (how & 1)
				fz_bytes(&in, v, sizeof(v));
			CHECK(ram_write(&fzb.m->ram, gpa, v, sizeof(v)) == 0);
			continue;
		}
		fzb_next(&in, r, 0x48, &a);
		if (how < 160) { /* a command into tohost */
			uint64_t p = fz_u16(&in);

			a.write = true;
			a.size = 8;
			a.off = FZ_TOHOST & 0xfff;
			if (how < 64)
				a.val = p << 1 | 1; /* exit */
			else if (how < 96)
				a.val = FZ_RAM_BASE + 0x2000 + p % 0x2000;
			else if (how < 128)
				a.val = 1ULL << 56 | 1ULL << 48 | (p & 0xff);
			else if (how < 136)
				a.val = 1ULL << 56;
		}
		uint64_t gpa = r->base + a.off;
		bool tohost = a.write && gpa < FZ_TOHOST + 8 &&
			      FZ_TOHOST < gpa + a.size;
		uint64_t before = ram64(gpa & ~7ULL);

		fzb_access(r, &a);
		CHECK(a.rc == 0);
		if (!a.write) {
			uint64_t raw[2] = { ram64(gpa & ~7ULL),
					    ram64((gpa & ~7ULL) + 8) };
			uint64_t want = 0;

			memcpy(&want, (uint8_t *)raw + (gpa & 7), a.size);
			CHECK(a.val == want);
			CHECK(fzb.exits == exits);
			continue;
		}
		if (!tohost) {
			uint64_t got = 0;

			CHECK(ram_read(&fzb.m->ram, gpa, &got, a.size) == 0);
			CHECK(memcmp(&got, &a.val, a.size) == 0);
			CHECK(fzb.exits == exits);
			continue;
		}
		if (gpa != FZ_TOHOST)
			continue; /* a partial write: the RAM check only */
		/* What tohost held after the write, as the device saw it. */
		uint64_t cmd = before;

		memcpy(&cmd, &a.val, a.size);
		if (!cmd) {
			CHECK(fzb.exits == exits);
			continue;
		}
		uint64_t dev = cmd >> 56, c = cmd >> 48 & 0xff;
		uint64_t payload = cmd & 0xffffffffffffULL;

		/* (Unless a syscall block was put over tohost itself.) */
		if (!(dev == 0 && c == 0 && payload + 64 > FZ_TOHOST &&
		      payload < FZ_TOHOST + 8))
			CHECK(ram64(FZ_TOHOST) == 0);
		bool ends = dev == 0 && c == 0 && (payload & 1);

		CHECK(fzb.exits == exits + ends);
		if (ends)
			CHECK(fzb.exit_status == (int)(payload >> 1));
		else if ((dev == 0 && c == 0) || (dev == 1 && c == 1))
			CHECK(ram64(FZ_FROMHOST) >> 48 == cmd >> 48);
	}
	return 0;
}

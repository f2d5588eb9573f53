/* The NS16550A UART (src/machine/uart.c) through its MMIO window: any
 * sequence of accesses (fuzz_mmio.h).  Checks, besides fuzz_mmio.h's: no
 * access faults (any width reaches the byte register at its offset); every
 * read is one byte; LSR always shows the transmitter empty (THRE, TEMT);
 * IIR names one of the 16550's interrupt identifications, with the FIFO
 * bits set exactly when FIFOs are on; the scratch register (offset 7 and
 * the undecoded offsets above the eight registers) reads back what was
 * last written there; IER keeps only its four defined bits. */
#include "fuzz_mmio.h"

#define UART_LSR 5
#define UART_IIR 2
#define UART_IER 1
#define UART_LCR 3

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mmio_region *r = fzb_region(VIRT_UART0_BASE);
	struct fz_in in = { data, size };
	struct fz_access a, b;
	int scr = -1, lcr = -1, fcr_fe = -1;

	while (in.n) {
		fzb_next(&in, r, 8, &a);
		fzb_access(r, &a);
		CHECK(a.rc == 0);
		if (a.write) {
			if (a.off >= 7)
				scr = (uint8_t)a.val;
			if (a.off == UART_LCR)
				lcr = (uint8_t)a.val;
			if (a.off == UART_IIR) /* FCR */
				fcr_fe = -1; /* toggling rules: re-learn */
			continue;
		}
		CHECK(a.val <= 0xff);
		if (a.off == UART_LSR)
			CHECK((a.val & 0x60) == 0x60);
		if (a.off == UART_IIR) {
			unsigned id = a.val & 0x0f;

			CHECK(id == 1 || id == 0 || id == 2 || id == 4 ||
			      id == 6);
			CHECK((a.val & 0x30) == 0);
			CHECK((a.val & 0xc0) == 0 || (a.val & 0xc0) == 0xc0);
			if (fcr_fe < 0)
				fcr_fe = (a.val & 0xc0) != 0;
			CHECK(fcr_fe == ((a.val & 0xc0) != 0));
		}
		if (a.off == UART_IER && lcr >= 0 && !(lcr & 0x80))
			CHECK((a.val & 0xf0) == 0);
		if (a.off >= 7 && scr >= 0)
			CHECK(a.val == (uint64_t)scr);
		/* A second read of SCR agrees with the first. */
		if (a.off >= 7) {
			b = (struct fz_access){ false, 1, 7, 0, 0 };
			fzb_access(r, &b);
			CHECK(b.val == a.val);
		}
	}
	return 0;
}

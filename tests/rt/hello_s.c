/* S-mode check: print through the UART and the SBI, then pass. */
#include "rt.h"

int main(void)
{
	long v = 0;

	rt_sbi(0x10, 0, 0, 0, 0, 0); /* BASE get_spec_version */
	rt_sbi(0x10, 0, 0, 0, 0, &v);
	rt_printf("hello from S-mode, dtb at %lx, SBI spec %lx\n",
		  (unsigned long)rt_boot_dtb, v);
	return 0;
}

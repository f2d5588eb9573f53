/* Smallest end-to-end check: print, then pass through the test device. */
#include "rt.h"

int main(void)
{
	rt_printf("hello from atoll guest, hart %lu\n", rt_csr_read(mhartid));
	return 0;
}

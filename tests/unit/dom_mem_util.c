/* Helpers of the dom_mem tests (see dom_mem_util.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dom_mem_util.h"

static char util_dir[64];
static char util_path[96];

int util_host(struct mem_host *mh, uint32_t frames, uint32_t swap_frames)
{
	const char *tmp = getenv("TMPDIR");
	struct mem_host_config cfg = {
		.machine_memory = (uint64_t)frames * PAGE_SIZE,
		.swap_path = util_path,
		.swap_size = (uint64_t)swap_frames * PAGE_SIZE,
	};

	snprintf(util_dir, sizeof(util_dir), "%s/atoll-dm-XXXXXX",
		 tmp ? tmp : "/tmp");
	if (!mkdtemp(util_dir))
		return -1;
	snprintf(util_path, sizeof(util_path), "%s/swap", util_dir);
	return mem_host_init(mh, &cfg) ? -1 : 0;
}

void util_host_done(struct mem_host *mh)
{
	mem_host_destroy(mh);
	unlink(util_path);
	rmdir(util_dir);
}

void *util_touch(struct dom_mem *d, uint64_t gpa, bool write)
{
	for (int k = 0; k < 10000; k++) {
		void *p = dom_mem_page(d, gpa & ~0xfffull, write);

		if (p != PAGE_RETRY)
			return p;
		dom_mem_wait(d);
	}
	return NULL;
}

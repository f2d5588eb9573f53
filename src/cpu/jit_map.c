/* The map of every block the translator made since the last flush (per
 * hart, as the code cache): records appended in order, chained by a hash
 * of the pc.  The lookup table jc in front of it (jit_impl.h) holds one
 * block per slot, for the dispatcher's and translated code's one-probe
 * lookup; the map is where the dispatcher looks when the table misses,
 * so a block the table lost to another pc is found again rather than
 * translated again.  Clearing walks the records, so a flush costs what
 * was translated, not the size of the tables.
 */
#include "cpu/jit_impl.h"

#if defined(__x86_64__)

static inline uint32_t jit_map_hash(uint64_t pc)
{
	return (uint32_t)((pc >> 1) * 0x9e3779b97f4a7c15ULL >>
			  (64 - JIT_MAP_BITS));
}

const uint8_t *jit_map_find(const struct jit *j, uint64_t pc, uint64_t gen,
			    bool *again)
{
	uint32_t k;

	*again = false;
	for (k = j->heads[jit_map_hash(pc)]; k; k = j->map[k].next) {
		const struct jit_rec *r = &j->map[k];

		if (r->pc != pc)
			continue;
		if (r->gen == gen)
			return r->code;
		*again = true;
	}
	return 0;
}

void jit_map_add(struct jit *j, uint64_t pc, uint64_t gen, const uint8_t *code)
{
	uint32_t h = jit_map_hash(pc), k = ++j->nmap;

	j->map[k] = (struct jit_rec){ pc, gen, code, j->heads[h] };
	j->heads[h] = k;
}

void jit_map_clear(struct jit *j)
{
	for (uint32_t k = 1; k <= j->nmap; k++)
		j->heads[jit_map_hash(j->map[k].pc)] = 0;
	j->nmap = 0;
}

#endif

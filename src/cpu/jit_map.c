/* The translator's lookup structures besides the table jc (per hart, as
 * the code cache):
 *
 * the map of every block translated since the last flush: records
 * appended in order, chained by a hash of the pc.  The table jc in front
 * of it holds one block per slot for the dispatcher's and translated
 * code's one-probe lookup; the map is where the dispatcher looks when the
 * table misses, so a block the table lost to another block sharing its
 * slot is found again, not translated again.  Clearing walks the
 * records, so a flush costs what was translated, not the tables' size;
 *
 * the visits to pcs not translated yet, in a direct-mapped table of
 * their own: before, they were counted in jc's slots, and the first cold
 * pc sharing a slot with a translated block evicted it (docs/jit.md,
 * "The lookup table").
 */
#include "cpu/jit_impl.h"

#if defined(__x86_64__)

/* Fibonacci hashing: the top bits of the product depend on all of pc's. */
static inline uint32_t jit_hash(uint64_t pc, unsigned bits)
{
	return (uint32_t)((pc >> 1) * 0x9e3779b97f4a7c15ULL >> (64 - bits));
}

static inline uint32_t jit_map_hash(uint64_t pc)
{
	return jit_hash(pc, JIT_MAP_BITS);
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
	for (uint32_t k = 1; k <= j->nmap; k++) {
		uint64_t pc = j->map[k].pc;

		j->heads[jit_map_hash(pc)] = 0;
		*jit_slot(j, pc) = (struct jit_entry){ 0, 0, 0 };
	}
	j->nmap = 0;
}

unsigned jit_cold_visit(struct jit *j, uint64_t pc, uint64_t gen)
{
	struct jit_cold *c = &j->cold[jit_hash(pc, JIT_COLD_BITS)];

	if (c->pc != pc || c->gen != gen)
		*c = (struct jit_cold){ pc, gen, 0 };
	return ++c->seen;
}

#endif

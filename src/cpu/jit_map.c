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
 * the visits to pcs not translated yet, in a table of their own: before,
 * they were counted in jc's slots, and the first cold pc sharing a slot
 * with a translated block evicted it (docs/jit.md, "The lookup table").
 * The table is two-way: direct-mapped, two pcs that a workload runs in
 * turn and that shared a slot reset each other's count at every visit and
 * were interpreted forever (a Linux guest's block I/O: about 45 such
 * visits of 32 instructions per request, docs/jit.md "Linux's block I/O
 * path").
 */
#include "cpu/jit_impl.h"

#if defined(__x86_64__)

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

/* The way a newcomer takes in set s: a free one, one whose pc reached
 * jit_hot (translated since), or a stale one; else the one with fewer
 * visits, the second on a tie.  So the first way keeps counting while any
 * number of pcs take turns in the second, reaches jit_hot and makes room;
 * a count left behind by code that stopped running goes stale instead of
 * holding its way. */
static struct jit_cold *jit_cold_victim(struct jit_cold *s, uint32_t seq)
{
	for (unsigned w = 0; w < JIT_COLD_WAYS; w++)
		if (!s[w].pc || s[w].seen >= jit_hot ||
		    seq - s[w].last > JIT_COLD_IDLE)
			return &s[w];
	return s[1].seen <= s[0].seen ? &s[1] : &s[0];
}

unsigned jit_cold_visit(struct jit *j, uint64_t pc, uint64_t gen)
{
	struct jit_cold *s = jit_cold_set(j, pc);
	uint32_t seq = ++j->cold_seq;
	struct jit_cold *c = 0;

	for (unsigned w = 0; w < JIT_COLD_WAYS; w++)
		if (s[w].pc == pc)
			c = &s[w];
	if (!c)
		c = jit_cold_victim(s, seq);
	if (c->pc != pc || c->gen != gen)
		*c = (struct jit_cold){ pc, gen, 0, seq };
	/* A count kept past jit_hot translates pc at once should the code
	 * cache be flushed (same page instance): hot code stays hot. */
	if (c->seen < UINT32_MAX)
		c->seen++;
	c->last = seq;
	return c->seen;
}

#endif

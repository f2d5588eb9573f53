/* The picture of machine memory as compact JSON (control_json.h): runs,
 * not one object per frame, so a 1 GiB pool in a few runs is a few
 * hundred bytes.
 *
 *   {"frame_size": 4096, "frames": N, "states": ["free", "private", ...],
 *    "machine": [[OWNER, STATE, COUNT], ...],   frames 0..N-1 in order
 *    "count": {"free": n, "private": n, ...},   machine frames per state
 *    "domains": [{"id", "name", "base_gfn", "nr",
 *                 "runs": [[STATE, COUNT], ...], gfns from base_gfn
 *                 "count": {...}}]}            gfns per state
 *
 * STATE indexes "states"; OWNER is a domain id, 0 for free and shared
 * frames. */
#include "control/control_json.h"
#include "mem/memmap.h"

static cJSON *memmap_counts(const uint64_t *count)
{
	cJSON *o = cJSON_CreateObject();

	for (int s = 0; o && s < MEMMAP_NSTATES; s++)
		cJSON_AddNumberToObject(o, memmap_state_names[s],
					(double)count[s]);
	return o;
}

/* [[a, b, c], ...] (machine, with owner) or [[b, c], ...]. */
static cJSON *memmap_runs(const struct memmap_run *r, size_t n, bool owner)
{
	cJSON *arr = cJSON_CreateArray();

	for (size_t i = 0; arr && i < n; i++) {
		cJSON *t = cJSON_CreateArray();

		if (owner)
			cJSON_AddItemToArray(t, cJSON_CreateNumber(r[i].owner));
		cJSON_AddItemToArray(t, cJSON_CreateNumber(r[i].state));
		cJSON_AddItemToArray(t, cJSON_CreateNumber(r[i].count));
		cJSON_AddItemToArray(arr, t);
	}
	return arr;
}

static cJSON *memmap_dom_json(const struct memmap_dom *d)
{
	cJSON *o = cJSON_CreateObject();

	if (!o)
		return NULL;
	cJSON_AddNumberToObject(o, "id", d->id);
	cJSON_AddStringToObject(o, "name", d->name);
	cJSON_AddNumberToObject(o, "base_gfn", (double)d->base_gfn);
	cJSON_AddNumberToObject(o, "nr", (double)d->nr);
	cJSON_AddItemToObject(o, "runs", memmap_runs(d->runs, d->nruns, false));
	cJSON_AddItemToObject(o, "count", memmap_counts(d->count));
	return o;
}

cJSON *control_json_memmap(struct mem_host *mh, domid_t only)
{
	struct memmap m;
	cJSON *o, *doms;

	if (memmap_build(mh, only, &m))
		return NULL;
	o = cJSON_CreateObject();
	doms = cJSON_CreateArray();
	if (o && doms) {
		cJSON_AddNumberToObject(o, "frame_size", PAGE_SIZE);
		cJSON_AddNumberToObject(o, "frames", m.nframes);
		cJSON_AddItemToObject(
			o, "states",
			cJSON_CreateStringArray(memmap_state_names,
						MEMMAP_NSTATES));
		cJSON_AddItemToObject(o, "machine",
				      memmap_runs(m.machine, m.nmachine, true));
		cJSON_AddItemToObject(o, "count", memmap_counts(m.count));
		for (unsigned i = 0; i < m.ndom; i++)
			cJSON_AddItemToArray(doms, memmap_dom_json(&m.dom[i]));
		cJSON_AddItemToObject(o, "domains", doms);
		doms = NULL;
	}
	cJSON_Delete(doms);
	memmap_free(&m);
	return o;
}

/* The end-of-run picture of machine memory (run_map.h).  Domains give
 * their frames back as they end, so the picture written is the last one
 * taken while any frame was held by a domain: the run's last moment with
 * domains in it (at most one period before the last of them ended). */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "cli/memmap_svg.h"
#include "cli/run_map.h"
#include "control/control_json.h"

struct run_map {
	struct host *h;
	const char *path;
	unsigned period_ms;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool stop;
	cJSON *kept; /* the last picture with frames held */
};

/* Frames some domain maps in the picture.  Busy frames (owned, mapped by
 * no P2M) do not count: a domain being torn down is unlisted before its
 * frames go back to the pool, so a picture taken then shows all of them
 * busy and none private, and must not replace the last real one. */
static double run_map_held(const cJSON *map)
{
	const cJSON *c = cJSON_GetObjectItemCaseSensitive(map, "count");

	return cJSON_GetNumberValue(
		       cJSON_GetObjectItemCaseSensitive(c, "private")) +
	       cJSON_GetNumberValue(
		       cJSON_GetObjectItemCaseSensitive(c, "shared"));
}

static void run_map_take(struct run_map *m)
{
	cJSON *map = control_json_memmap(host_mem(m->h), 0);

	if (!map)
		return;
	if (run_map_held(map) > 0) {
		cJSON_Delete(m->kept);
		m->kept = map;
	} else {
		cJSON_Delete(map);
	}
}

static void *run_map_thread(void *arg)
{
	struct run_map *m = arg;
	struct timespec until;

	pthread_mutex_lock(&m->lock);
	while (!m->stop) {
		pthread_mutex_unlock(&m->lock);
		run_map_take(m);
		pthread_mutex_lock(&m->lock);
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += (long)m->period_ms * 1000000;
		until.tv_sec += until.tv_nsec / 1000000000;
		until.tv_nsec %= 1000000000;
		while (!m->stop &&
		       pthread_cond_timedwait(&m->cond, &m->lock, &until) == 0)
			;
	}
	pthread_mutex_unlock(&m->lock);
	return NULL;
}

int run_map_start(struct host *h, const char *path, unsigned period_ms,
		  struct run_map **out)
{
	struct run_map *m = calloc(1, sizeof(*m));
	int err;

	if (!m)
		return -ENOMEM;
	m->h = h;
	m->path = path;
	m->period_ms = period_ms ? period_ms : 500;
	/* The first picture now, on the caller's thread: the domains hold
	 * their loaded images already, and on a loaded host a short run
	 * could end before the sampling thread is first scheduled. */
	run_map_take(m);
	pthread_mutex_init(&m->lock, NULL);
	pthread_cond_init(&m->cond, NULL);
	err = -pthread_create(&m->thread, NULL, run_map_thread, m);
	if (err) {
		pthread_cond_destroy(&m->cond);
		pthread_mutex_destroy(&m->lock);
		cJSON_Delete(m->kept);
		free(m);
		return err;
	}
	*out = m;
	return 0;
}

int run_map_finish(struct run_map *m)
{
	int err = 0;

	if (!m)
		return 0;
	pthread_mutex_lock(&m->lock);
	m->stop = true;
	pthread_cond_signal(&m->cond);
	pthread_mutex_unlock(&m->lock);
	pthread_join(m->thread, NULL);
	if (!m->kept)
		run_map_take(m); /* no domain ever held memory: as it is */
	if (m->kept)
		err = memmap_svg_file(m->path, m->kept);
	cJSON_Delete(m->kept);
	pthread_cond_destroy(&m->cond);
	pthread_mutex_destroy(&m->lock);
	free(m);
	return err;
}

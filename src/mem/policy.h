/* The memory pressure policy (docs/policy.md): a manager thread that sets
 * every domain's target from its reservation, limit and shares, taxing
 * idle memory, and that moves the host through the free-memory states
 * high / soft / hard / low.  Memory is reclaimed by ballooning first; a
 * domain that does not reach its lower target within the balloon timeout
 * (or never reports) is swapped down to it by the reclaimer.  Guests'
 * requests for more are served from the free pool, else from the domains
 * with the fewest shares per page. */
#ifndef ATOLL_MEM_POLICY_H
#define ATOLL_MEM_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct mem_host;
struct dom_mem;

#define POLICY_SHARES_DEFAULT 1000u /* ESX's "normal" */
/* A domain above its target for this many balloon timeouts is named in
 * the log as ignoring its balloon (docs/policy.md). */
#define POLICY_GRACE_TIMEOUTS 3u
#define POLICY_SHARES_MAX 1000000u

/* Host knobs; a field left 0 takes its default (in brackets). */
struct policy_config {
	uint32_t period_ms; /* manager period [100] */
	/* Free-pool thresholds in percent of machine memory
	 * [6, 4, 2, 1]; high > soft > hard > low >= 1. */
	uint32_t high, soft, hard, low;
	uint32_t balloon_timeout_ms; /* [1000] */
	uint32_t idle_tax; /* percent of idle memory taxed [75] */
	/* Working-set sampling (wss.h): period [1000 ms], pages sampled per
	 * domain per period [100]; wss_off: no sampling (idle is then what
	 * guests report, as before). */
	uint32_t wss_period_ms, wss_sample;
	bool wss_off;
};

/* Free-memory states, best first. */
enum mem_state {
	MEM_STATE_HIGH,
	MEM_STATE_SOFT,
	MEM_STATE_HARD,
	MEM_STATE_LOW
};

const char *mem_state_name(enum mem_state s);

/* Fill in the defaults of cfg; -EINVAL (and a reason in *why) if the
 * thresholds are not ordered or out of 1..50. */
int policy_config_check(struct policy_config *cfg, const char **why);

/* Start / stop the manager thread of mh (mh->cfg.policy knobs).  Without
 * it targets change only by request_more (free pool) and by hand. */
int mem_policy_start(struct mem_host *mh);
void mem_policy_stop(struct mem_host *mh);

/* What `sla` may change; a has_* false leaves the value alone. */
struct dom_mem_sla {
	bool has_reservation, has_limit, has_shares, has_target;
	uint64_t reservation, limit, target; /* frames */
	uint32_t shares;
};

/* Apply an SLA change all at once or not at all: 0, or -EINVAL / -ENOSPC
 * (a reservation admission control cannot guarantee) with a reason for
 * people in why[0..n). */
int dom_mem_set_sla(struct dom_mem *d, const struct dom_mem_sla *sla, char *why,
		    size_t n);

/* A user sets d's target (mem-set): it holds until a user changes it, the
 * manager working around it (docs/policy.md).  Refused, with the reason
 * for people in why[0..n) and nothing changed: -EINVAL outside
 * reservation..limit, -ENOSPC when it cannot be honoured next to the
 * reservations and the other user-set targets.  frames ==
 * POLICY_TARGET_AUTO hands the target back to the manager. */
#define POLICY_TARGET_AUTO UINT64_MAX
int dom_mem_set_user_target(struct dom_mem *d, uint64_t frames, char *why,
			    size_t n);

#endif

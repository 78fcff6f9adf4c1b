/* The session threads: parked, detached threads that each take the next accepted connection. */
#ifndef POOL_H
#define POOL_H

#include <stddef.h>

/* A connection waiting for a thread; embedded in what the caller hands over. */
struct pool_job {
	struct pool_job *next;
};

/* Serves one job from start to end; called on a pool thread, one job at a time. */
typedef void (*pool_fn)(struct pool_job *job);

struct pool_config {
	pool_fn run;
	size_t stack;		/* stack size of each thread */
	unsigned reserve;	/* idle threads kept however long they wait */
	unsigned idle_s;	/* an idle thread above the reserve exits after this many seconds */
	unsigned max;		/* threads at most, jobs past it wait their turn; 0: no cap */
};

/* Once, before the first pool_submit. */
void pool_init(const struct pool_config *cfg);
/*
 * Hand a job to an idle thread, or start a thread for it: 0, or -1 (errno set) when no
 * thread could be started, and the job is the caller's again.
 */
int pool_submit(struct pool_job *job);
/*
 * At shutdown, once the sessions have ended: every thread exits and is joined (waited for
 * up to wait_ms in all), so none still runs its destructors while the process exits.
 */
void pool_stop(int wait_ms);

#endif

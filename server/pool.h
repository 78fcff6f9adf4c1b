/* The session threads: parked, detached threads that each accept the next connection themselves. */
#ifndef POOL_H
#define POOL_H

#include <stddef.h>

/*
 * Waits up to wait_ms for the next job (an accepted connection) and returns it; NULL
 * when none came in time (errno ETIMEDOUT) or the pool is stopping (any other errno).
 * Called by any number of idle threads at once.
 */
typedef void *(*pool_take_fn)(int wait_ms);
/* Serves one job from start to end, on the thread that took it. */
typedef void (*pool_fn)(void *job);

struct pool_config {
	pool_take_fn take;
	pool_fn run;
	size_t stack;		/* stack size of each thread */
	unsigned reserve;	/* idle threads kept however long they wait */
	unsigned idle_s;	/* an idle thread above the reserve exits after this many seconds */
	unsigned max;		/* threads at most, connections past it wait in the backlog; 0: no cap */
};

/* Once: the first thread, which starts taking jobs; 0, or -1 with errno. */
int pool_start(const struct pool_config *cfg);
/*
 * At shutdown, once take returns NULL to every caller and the sessions have ended: every
 * thread exits and is joined (waited for up to wait_ms in all), so none still runs its
 * destructors while the process exits.
 */
void pool_stop(int wait_ms);

#endif

/* The session threads: parked, detached threads that each accept the next connection themselves. */
#include "pool.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

/*
 * One thread serves one connection from accept to close; a thread that has served one
 * goes back to waiting for the next instead of exiting, which saves the thread's
 * creation and exit per session.  Idle threads wait in cfg.take (the accept itself), so
 * a connection wakes the one thread that serves it: no hand-over from an accept loop,
 * no second wake-up.  There is always one idle thread while fewer than cfg.max run: the
 * thread that takes the last idle place starts another before it serves.
 * Nothing of a session lives in the thread: the job carries all of it and the thread's
 * own state (errno, per-thread error strings) is reset by the run function.
 * Everything below is guarded by lock.
 */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t left;	/* a thread exited after pool_stop */
static struct pool_config cfg;
static pthread_attr_t attr;
static unsigned idle, threads;	/* idle: threads in take or about to be */
static int stopping;
/*
 * Threads are joinable: one that exits when idle detaches itself; one that exits at
 * pool_stop leaves its id here to be joined, so that it is gone, its thread-local
 * destructors (OpenSSL's) run, before the process exits.
 */
static pthread_t *ended;
static size_t nended, ended_cap;

/* A thread about to exit: detached, or left for pool_stop to join.  Called with lock held. */
static void leaving(int join)
{
	if (join && nended == ended_cap) {
		size_t cap = ended_cap ? 2 * ended_cap : 64;
		pthread_t *p = realloc(ended, cap * sizeof(*p));

		if (p != NULL) {
			ended = p;
			ended_cap = cap;
		}
	}
	if (join && nended < ended_cap)
		ended[nended++] = pthread_self();
	else
		pthread_detach(pthread_self());
	idle--;
	threads--;
	pthread_cond_broadcast(&left);
}

static void *worker(void *arg);

/* One more idle thread, counted before it runs so that no other starts one too.  Lock held. */
static int spawn(void)
{
	pthread_t t;
	int err;

	idle++;
	threads++;
	if ((err = pthread_create(&t, &attr, worker, NULL)) == 0)
		return 0;
	idle--;
	threads--;
	errno = err;
	return -1;
}

/*
 * After a take: 1 when the job is this thread's to serve (and, if it was the last idle
 * thread, another now waits in its place), 0 to wait again, -1 to exit.
 */
static int after_take(void *job)
{
	int e = errno, r = 1;

	pthread_mutex_lock(&lock);
	if (job != NULL) {
		idle--;
		if (idle == 0 && !stopping && (cfg.max == 0 || threads < cfg.max))
			spawn();	/* on failure the next free thread accepts: nothing is lost */
	} else if (!stopping && e == ETIMEDOUT && (threads <= cfg.reserve || idle < 2)) {
		r = 0;		/* one of the reserve, or the last one waiting: wait on */
	} else {
		/* Out of take for the shutdown (maybe before pool_stop is called): joined there. */
		leaving(stopping || e != ETIMEDOUT);
		r = -1;
	}
	pthread_mutex_unlock(&lock);
	return r;
}

static void *worker(void *arg)
{
	(void)arg;
	for (;;) {
		void *job = cfg.take((int)cfg.idle_s * 1000);
		int r = after_take(job);

		if (r < 0)
			break;
		if (r == 0)
			continue;
		cfg.run(job);
		pthread_mutex_lock(&lock);
		idle++;
		pthread_mutex_unlock(&lock);
	}
	return NULL;
}

int pool_start(const struct pool_config *c)
{
	pthread_condattr_t ca;

	cfg = *c;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&left, &ca);
	pthread_condattr_destroy(&ca);
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, cfg.stack);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_JOINABLE);
	pthread_mutex_lock(&lock);
	int r = spawn();

	pthread_mutex_unlock(&lock);
	return r;
}

void pool_stop(int wait_ms)
{
	struct timespec until;

	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += wait_ms / 1000;
	until.tv_nsec += (wait_ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&lock);
	stopping = 1;
	/* Every thread: those just done with their last session come here too. */
	for (;;) {
		while (nended > 0) {
			pthread_t t = ended[--nended];

			pthread_mutex_unlock(&lock);
			pthread_join(t, NULL);
			pthread_mutex_lock(&lock);
		}
		if (threads == 0 || pthread_cond_timedwait(&left, &lock, &until) == ETIMEDOUT)
			break;
	}
	pthread_mutex_unlock(&lock);
}

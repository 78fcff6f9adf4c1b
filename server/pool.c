/* The session threads: parked, detached threads that each take the next accepted connection. */
#include "pool.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

/*
 * One thread serves one connection from accept to close; a thread that has served one
 * parks here instead of exiting and takes the next, which saves the thread's creation
 * and exit per session (a quarter of the server's CPU in bench's sessions workload).
 * Nothing of a session lives in the thread: the caller's job carries all of it and the
 * thread's own state (errno, per-thread error strings) is reset by the job itself.
 * Everything below is guarded by lock.
 */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake, left;	/* left: a parked thread exited after pool_stop */
static struct pool_config cfg;
static pthread_attr_t attr;
static struct pool_job *head, *tail;	/* jobs not yet taken */
static unsigned queued, waiting, threads;
static int stopping;
/*
 * Threads are joinable: one that exits when idle detaches itself; one that exits at
 * pool_stop leaves its id here to be joined, so that it is gone, its thread-local
 * destructors (OpenSSL's) run, before the process exits.
 */
static pthread_t *ended;
static size_t nended, ended_cap;

void pool_init(const struct pool_config *c)
{
	pthread_condattr_t ca;

	cfg = *c;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&wake, &ca);
	pthread_cond_init(&left, &ca);
	pthread_condattr_destroy(&ca);
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, cfg.stack);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_JOINABLE);
}

static void push(struct pool_job *job)
{
	job->next = NULL;
	if (tail)
		tail->next = job;
	else
		head = job;
	tail = job;
	queued++;
}

static struct pool_job *pop(void)
{
	struct pool_job *job = head;

	head = job->next;
	if (head == NULL)
		tail = NULL;
	queued--;
	return job;
}

static struct timespec idle_deadline(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	t.tv_sec += cfg.idle_s;
	return t;
}

/* A thread about to exit: detached, or left for pool_stop to join.  Called with lock held. */
static void leaving(void)
{
	if (stopping && nended == ended_cap) {
		size_t cap = ended_cap ? 2 * ended_cap : 64;
		pthread_t *p = realloc(ended, cap * sizeof(*p));

		if (p != NULL) {
			ended = p;
			ended_cap = cap;
		}
	}
	if (stopping && nended < ended_cap)
		ended[nended++] = pthread_self();
	else
		pthread_detach(pthread_self());
	threads--;
	pthread_cond_broadcast(&left);
}

/* The next job, after waiting for it; NULL when this thread is one too many and should exit. */
static struct pool_job *next_job(void)
{
	struct timespec until = idle_deadline();
	struct pool_job *job = NULL;

	pthread_mutex_lock(&lock);
	waiting++;
	while (head == NULL && !stopping) {
		if (pthread_cond_timedwait(&wake, &lock, &until) != ETIMEDOUT || head != NULL)
			continue;
		if (threads > cfg.reserve)
			break;
		until = idle_deadline();	/* one of the reserve: wait on */
	}
	waiting--;
	if (head != NULL)
		job = pop();
	else
		leaving();
	pthread_mutex_unlock(&lock);
	return job;
}

static void *worker(void *arg)
{
	struct pool_job *job = arg;

	do
		cfg.run(job);
	while ((job = next_job()) != NULL);
	return NULL;
}

int pool_submit(struct pool_job *job)
{
	pthread_t t;
	int err;

	pthread_mutex_lock(&lock);
	/* A parked thread not yet promised a job, or no room for another thread: it waits. */
	if (waiting > queued || (cfg.max > 0 && threads >= cfg.max)) {
		push(job);
		pthread_cond_signal(&wake);
		pthread_mutex_unlock(&lock);
		return 0;
	}
	threads++;
	pthread_mutex_unlock(&lock);
	if ((err = pthread_create(&t, &attr, worker, job)) == 0)
		return 0;
	pthread_mutex_lock(&lock);
	threads--;
	pthread_mutex_unlock(&lock);
	errno = err;
	return -1;
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
	pthread_cond_broadcast(&wake);
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

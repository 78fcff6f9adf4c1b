/* The accounts in force: a refcounted table, swapped whole on reload, never edited in place. */
#include "auth.h"
#include "auth_store.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One loaded table and the checks still using it; the store holds one reference. */
struct auth_ref {
	struct auth_users *users;
	atomic_uint refs;
};

struct auth_store {
	pthread_mutex_t lock;	/* guards cur; held only to take or swap a reference */
	struct auth_ref *cur;
	char *path;
};

static struct auth_ref *load(const char *path, char *err, size_t errsize)
{
	struct auth_ref *r = malloc(sizeof(*r));

	if (r == NULL) {
		snprintf(err, errsize, "%s: out of memory", path);
		return NULL;
	}
	if ((r->users = auth_load(path, err, errsize)) == NULL) {
		free(r);
		return NULL;
	}
	atomic_init(&r->refs, 1);
	return r;
}

static void release(struct auth_ref *r)
{
	if (atomic_fetch_sub(&r->refs, 1) == 1) {
		auth_free(r->users);
		free(r);
	}
}

static struct auth_ref *acquire(struct auth_store *st)
{
	struct auth_ref *r;

	pthread_mutex_lock(&st->lock);
	r = st->cur;
	atomic_fetch_add(&r->refs, 1);
	pthread_mutex_unlock(&st->lock);
	return r;
}

struct auth_store *auth_store_open(const char *path, char *err, size_t errsize)
{
	struct auth_store *st = calloc(1, sizeof(*st));

	if (st == NULL || (st->path = strdup(path)) == NULL) {
		snprintf(err, errsize, "%s: out of memory", path);
		goto fail;
	}
	if ((st->cur = load(path, err, errsize)) == NULL)
		goto fail;
	pthread_mutex_init(&st->lock, NULL);
	return st;
fail:
	if (st != NULL)
		free(st->path);
	free(st);
	return NULL;
}

int auth_store_reload(struct auth_store *st, char *err, size_t errsize)
{
	struct auth_ref *fresh = load(st->path, err, errsize), *old;

	if (fresh == NULL)
		return -1;
	pthread_mutex_lock(&st->lock);
	old = st->cur;
	st->cur = fresh;
	pthread_mutex_unlock(&st->lock);
	release(old);
	return 0;
}

int auth_store_check(struct auth_store *st, const char *user, const char *pass)
{
	/* The check can take a while (yescrypt): it runs on its own reference, unlocked. */
	struct auth_ref *r = acquire(st);
	int ret = auth_check(r->users, user, pass);

	release(r);
	return ret;
}

size_t auth_store_count(struct auth_store *st)
{
	struct auth_ref *r = acquire(st);
	size_t n = auth_count(r->users);

	release(r);
	return n;
}

const char *auth_store_path(const struct auth_store *st)
{
	return st->path;
}

void auth_store_free(struct auth_store *st)
{
	if (st == NULL)
		return;
	release(st->cur);
	pthread_mutex_destroy(&st->lock);
	free(st->path);
	free(st);
}

/* Per-address counts of connections that have not logged in: a hash table under one mutex. */
#include "peers.h"

#include "hash.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Buckets of the table; chains stay short for thousands of distinct addresses. */
#define PEER_BUCKETS 4096

struct peer {
	char addr[64];
	unsigned n;
	struct peer *next;
};

static pthread_mutex_t peers_lock = PTHREAD_MUTEX_INITIALIZER;
static struct peer *buckets[PEER_BUCKETS];

/* The chain of an address, by a keyed hash: a peer that picks its addresses cannot fill one chain. */
static struct peer **bucket(const char *addr)
{
	return &buckets[hash_str(addr) % PEER_BUCKETS];
}

/* The link that points at addr's entry, or at the NULL that ends its chain.  Lock held. */
static struct peer **find(const char *addr)
{
	struct peer **pp = bucket(addr);

	while (*pp != NULL && strcmp((*pp)->addr, addr) != 0)
		pp = &(*pp)->next;
	return pp;
}

int peers_enter(const char *addr, unsigned max)
{
	int ret = 0;

	pthread_mutex_lock(&peers_lock);
	struct peer **pp = find(addr);

	if (*pp == NULL && (*pp = calloc(1, sizeof(**pp))) != NULL)
		snprintf((*pp)->addr, sizeof((*pp)->addr), "%s", addr);
	if (*pp == NULL) {
		errno = ENOMEM;
		ret = -1;
	} else if (max != 0 && (*pp)->n >= max) {
		ret = -1;
	} else {
		(*pp)->n++;
	}
	pthread_mutex_unlock(&peers_lock);
	return ret;
}

void peers_leave(const char *addr)
{
	pthread_mutex_lock(&peers_lock);
	struct peer **pp = find(addr);

	if (*pp != NULL && --(*pp)->n == 0) {
		struct peer *gone = *pp;

		*pp = gone->next;
		free(gone);
	}
	pthread_mutex_unlock(&peers_lock);
}

unsigned peers_count(const char *addr)
{
	pthread_mutex_lock(&peers_lock);
	struct peer *p = *find(addr);
	unsigned n = p ? p->n : 0;

	pthread_mutex_unlock(&peers_lock);
	return n;
}

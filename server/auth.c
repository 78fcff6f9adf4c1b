/* Accounts: the users file, crypt_rn checks in constant time, bounded concurrency, penalties. */
#include "auth.h"
#include "params.h"

#include <crypt.h>
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct user {
	char *name;
	char *hash;
};

struct auth_users {
	struct user *v;
	size_t n;
	char *dummy;	/* a setting of the same cost, for unknown users */
};

static sem_t check_sem;
static pthread_once_t sem_once = PTHREAD_ONCE_INIT;

static void sem_setup(void)
{
	sem_init(&check_sem, 0, POP3_AUTH_PARALLEL);
}

int auth_valid_name(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n > 64 || name[0] == '.')
		return 0;
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		if (*p < 0x21 || *p == 0x7f || *p == '/' || *p == ':')
			return 0;
	return 1;
}

static int add_user(struct auth_users *u, const char *name, const char *hash)
{
	struct user *v = realloc(u->v, (u->n + 1) * sizeof(*v));

	if (v == NULL)
		return -1;
	u->v = v;
	v[u->n].name = strdup(name);
	v[u->n].hash = strdup(hash);
	if (v[u->n].name == NULL || v[u->n].hash == NULL)
		return -1;
	u->n++;
	return 0;
}

/* One line of the file: NULL when it is fine, else why it is not. */
static const char *parse_line(struct auth_users *u, char *line)
{
	line[strcspn(line, "\r\n")] = '\0';
	char *p = line + strspn(line, " \t");

	if (*p == '\0' || *p == '#')
		return NULL;
	char *colon = strchr(p, ':');

	if (colon == NULL)
		return "expected name:hash";
	*colon = '\0';
	const char *hash = colon + 1;

	if (!auth_valid_name(p))
		return "invalid user name";
	if (hash[0] != '$' || crypt_checksalt(hash) == CRYPT_SALT_INVALID)
		return "not a crypt(3) hash (make one with mkpasswd -m yescrypt)";
	for (size_t i = 0; i < u->n; i++)
		if (strcmp(u->v[i].name, p) == 0)
			return "user listed twice";
	return add_user(u, p, hash) < 0 ? strerror(errno) : NULL;
}

/*
 * The part of a hash that sets its cost: the method, and its cost field where it has
 * one ("$y$j9T$", "$2b$12$", "$6$rounds=9000$"); salts differ, costs rarely.
 */
static size_t cost_key_len(const char *hash)
{
	const char *id_end = strchr(hash + 1, '$');
	const char *field = id_end ? id_end + 1 : NULL;
	const char *field_end = field ? strchr(field, '$') : NULL;

	if (field_end == NULL)
		return id_end ? (size_t)(id_end + 1 - hash) : strlen(hash);
	if ((hash[1] != '\0' && strchr("y2g7", hash[1]) != NULL) || strncmp(field, "rounds=", 7) == 0 ||
	    strncmp(hash, "$sha1$", 6) == 0)
		return (size_t)(field_end + 1 - hash);
	return (size_t)(id_end + 1 - hash);
}

/*
 * Seconds one check against hash takes, the best of three (the first call of a method
 * also pays for its code's first use); -1 when crypt refuses it.
 */
static double check_cost(const char *hash, struct crypt_data *cd)
{
	double best = -1;

	for (int i = 0; i < 3; i++) {
		struct timespec a, b;

		clock_gettime(CLOCK_MONOTONIC, &a);
		const char *h = crypt_rn("a password to time", hash, cd, sizeof(*cd));

		clock_gettime(CLOCK_MONOTONIC, &b);
		if (h == NULL || h[0] == '*')
			return -1;
		double t = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;

		if (best < 0 || t < best)
			best = t;
	}
	return best;
}

/* The index of the costliest hash: each distinct method and cost is timed once. */
static size_t costliest(const struct auth_users *u, struct crypt_data *cd)
{
	size_t best = 0;
	double best_cost = -1;

	for (size_t i = 0; i < u->n; i++) {
		size_t k = cost_key_len(u->v[i].hash), j;

		for (j = 0; j < i; j++)
			if (cost_key_len(u->v[j].hash) == k && strncmp(u->v[j].hash, u->v[i].hash, k) == 0)
				break;
		if (j < i)
			continue;	/* this method and cost was timed already */
		double c = check_cost(u->v[i].hash, cd);

		if (c > best_cost) {
			best_cost = c;
			best = i;
		}
	}
	return best;
}

/*
 * Unknown users are checked against the costliest hash of the file, so that their
 * answer takes as long as the slowest known user's: a cheap first entry (md5crypt)
 * would otherwise tell unknown names apart from yescrypt users by timing.
 */
static int make_dummy(struct auth_users *u)
{
	char setting[CRYPT_GENSALT_OUTPUT_SIZE];

	if (u->n > 0) {
		struct crypt_data *cd = calloc(1, sizeof(*cd));

		if (cd == NULL)
			return -1;
		u->dummy = strdup(u->v[costliest(u, cd)].hash);
		free(cd);
		return u->dummy ? 0 : -1;
	}
	if (crypt_gensalt_rn(NULL, 0, NULL, 0, setting, sizeof(setting)) == NULL)
		return -1;
	u->dummy = strdup(setting);
	return u->dummy ? 0 : -1;
}

struct auth_users *auth_load(const char *path, char *err, size_t errsize)
{
	struct auth_users *u = calloc(1, sizeof(*u));
	char *line = NULL;
	size_t cap = 0;
	unsigned lineno = 0;
	FILE *f = fopen(path, "re");

	if (u == NULL || f == NULL) {
		snprintf(err, errsize, "%s: %s", path, strerror(errno));
		goto fail;
	}
	while (getline(&line, &cap, f) > 0) {
		const char *why = parse_line(u, line);

		lineno++;
		if (why != NULL) {
			snprintf(err, errsize, "%s:%u: %s", path, lineno, why);
			goto fail;
		}
	}
	if (ferror(f) || make_dummy(u) < 0) {
		snprintf(err, errsize, "%s: %s", path, strerror(errno));
		goto fail;
	}
	free(line);
	fclose(f);
	pthread_once(&sem_once, sem_setup);
	return u;
fail:
	free(line);
	if (f != NULL)
		fclose(f);
	auth_free(u);
	return NULL;
}

void auth_free(struct auth_users *u)
{
	if (u == NULL)
		return;
	for (size_t i = 0; i < u->n; i++) {
		free(u->v[i].name);
		free(u->v[i].hash);
	}
	free(u->v);
	free(u->dummy);
	free(u);
}

size_t auth_count(const struct auth_users *u)
{
	return u->n;
}

const char *auth_dummy(const struct auth_users *u)
{
	return u->dummy;
}

/* Compare without an early exit, so timing tells nothing of where they differ. */
static int equal_const_time(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	unsigned char d = la != lb;

	for (size_t i = 0; i < la && i < lb; i++)
		d |= (unsigned char)(a[i] ^ b[i]);
	return d == 0;
}

int auth_check(const struct auth_users *u, const char *user, const char *pass)
{
	const char *setting = u->dummy;
	int known = 0, ret = -1;

	for (size_t i = 0; i < u->n; i++) {
		if (strcmp(u->v[i].name, user) == 0) {
			setting = u->v[i].hash;
			known = 1;
		}
	}
	struct crypt_data *cd = calloc(1, sizeof(*cd));

	if (cd == NULL)
		return -1;
	while (sem_wait(&check_sem) < 0 && errno == EINTR)
		;
	const char *h = crypt_rn(pass, setting, cd, sizeof(*cd));

	sem_post(&check_sem);
	if (h != NULL && h[0] != '*')
		ret = equal_const_time(h, setting) && known;
	explicit_bzero(cd, sizeof(*cd));
	free(cd);
	return ret;
}

/* ---- penalties for failed logins, per address ---- */

struct penalty {
	char addr[64];
	unsigned fails;
	time_t last;
};

static pthread_mutex_t penalty_lock = PTHREAD_MUTEX_INITIALIZER;
static struct penalty penalties[POP3_PENALTY_SLOTS];
/*
 * When the latest failure was, read without the lock: when it is older than
 * POP3_PENALTY_MEMORY every slot is stale, and a login skips the scan of the table
 * (1,024 slots of 80 octets under one mutex) that would find nothing.
 */
static atomic_llong penalty_latest;

/* No failure within POP3_PENALTY_MEMORY of now, so no penalty in force anywhere. */
static int penalties_stale(time_t now)
{
	return now - (time_t)atomic_load(&penalty_latest) > POP3_PENALTY_MEMORY;
}

/* The slot of addr, or a free or the stalest one to reuse for it.  Called with the lock held. */
static struct penalty *penalty_slot(const char *addr, time_t now)
{
	struct penalty *victim = NULL;

	for (size_t i = 0; i < POP3_PENALTY_SLOTS; i++) {
		struct penalty *p = &penalties[i];

		if (p->fails > 0 && strcmp(p->addr, addr) == 0) {
			if (now - p->last > POP3_PENALTY_MEMORY)
				p->fails = 0;
			return p;
		}
		if (victim == NULL || (victim->fails != 0 && (p->fails == 0 || p->last < victim->last)))
			victim = p;
	}
	snprintf(victim->addr, sizeof(victim->addr), "%s", addr);
	victim->fails = 0;
	return victim;
}

/* The full delay of the n-th failure in a row: base, doubling, at most 7.5 x base. */
static unsigned penalty_of(unsigned fails, unsigned base_ms)
{
	unsigned long long ms = (unsigned long long)base_ms << (fails > 8 ? 8 : fails - 1);
	unsigned long long cap = (unsigned long long)base_ms * 15 / 2;

	return (unsigned)(ms < cap ? ms : cap);
}

unsigned auth_penalty_wait(const char *addr, unsigned base_ms)
{
	time_t now = time(NULL);
	unsigned fails = 0;

	if (penalties_stale(now))
		return 0;
	pthread_mutex_lock(&penalty_lock);
	for (size_t i = 0; i < POP3_PENALTY_SLOTS; i++) {
		const struct penalty *p = &penalties[i];

		if (p->fails > 0 && now - p->last <= POP3_PENALTY_MEMORY && strcmp(p->addr, addr) == 0)
			fails = p->fails;
	}
	pthread_mutex_unlock(&penalty_lock);
	return fails == 0 ? 0 : penalty_of(fails + 1, base_ms) - base_ms;
}

void auth_penalty_fail(const char *addr)
{
	time_t now = time(NULL);

	pthread_mutex_lock(&penalty_lock);
	struct penalty *p = penalty_slot(addr, now);

	p->fails++;
	p->last = now;
	atomic_store(&penalty_latest, (long long)now);
	pthread_mutex_unlock(&penalty_lock);
}

void auth_penalty_clear(const char *addr)
{
	if (penalties_stale(time(NULL)))
		return;		/* stale slots are reset when next used */
	pthread_mutex_lock(&penalty_lock);
	for (size_t i = 0; i < POP3_PENALTY_SLOTS; i++)
		if (penalties[i].fails > 0 && strcmp(penalties[i].addr, addr) == 0)
			penalties[i].fails = 0;
	pthread_mutex_unlock(&penalty_lock);
}

static int b64val(int ch)
{
	static const char alphabet[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const char *p = ch ? strchr(alphabet, ch) : NULL;

	return p ? (int)(p - alphabet) : -1;
}

int auth_base64_decode(const char *in, unsigned char *out, size_t outsize, size_t *len_r)
{
	size_t n = strlen(in), o = 0;

	if (n % 4 != 0)
		return -1;
	for (size_t i = 0; i < n; i += 4) {
		int v[4], pad = 0;

		for (int k = 0; k < 4; k++) {
			v[k] = b64val(in[i + k]);
			if (in[i + k] == '=' && i + 4 == n && k >= 2)
				pad++, v[k] = 0;
			else if (v[k] < 0 || pad > 0)
				return -1;
		}
		unsigned long w = (unsigned long)v[0] << 18 | (unsigned long)v[1] << 12 |
				  (unsigned long)v[2] << 6 | (unsigned long)v[3];

		for (int k = 0; k < 3 - pad; k++) {
			if (o == outsize)
				return -1;
			out[o++] = (unsigned char)(w >> (16 - 8 * k));
		}
	}
	*len_r = o;
	return 0;
}

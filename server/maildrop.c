/* The shared index of a mailbox folder: scanning, UIDs, snapshots and the commit at QUIT. */
#include "maildrop.h"
#include "log.h"
#include "message.h"
#include "pop3.h"
#include "uidlist.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static struct maildrop **registry;
static size_t registry_count;

/* ---- a small string-keyed hash, rebuilt for each scan ---- */

struct strmap {
	size_t mask;
	const void **slots;
	const char *(*key)(const void *);
};

static size_t hash_str(const char *s)
{
	size_t h = 1469598103934665603ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static int strmap_init(struct strmap *m, size_t n, const char *(*key)(const void *))
{
	size_t size = 16;

	while (size < n * 2)
		size *= 2;
	m->mask = size - 1;
	m->key = key;
	m->slots = calloc(size, sizeof(*m->slots));
	return m->slots ? 0 : -1;
}

static void strmap_put(struct strmap *m, const void *item)
{
	size_t i = hash_str(m->key(item)) & m->mask;

	while (m->slots[i] != NULL)
		i = (i + 1) & m->mask;
	m->slots[i] = item;
}

static const void *strmap_get(const struct strmap *m, const char *k)
{
	for (size_t i = hash_str(k) & m->mask; m->slots[i] != NULL; i = (i + 1) & m->mask)
		if (strcmp(m->key(m->slots[i]), k) == 0)
			return m->slots[i];
	return NULL;
}

static const char *msg_key(const void *p)
{
	return ((const struct msg *)p)->key;
}

static const char *rec_key(const void *p)
{
	return ((const struct uid_rec *)p)->key;
}

/* ---- messages ---- */

/* dir/name into buf; -1 with ENAMETOOLONG when it does not fit. */
static int join_path(char *buf, size_t size, const char *dir, const char *name)
{
	if ((size_t)snprintf(buf, size, "%s/%s", dir, name) >= size) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

int maildrop_name_cmp(const char *a, const char *b)
{
	while (*a && *b) {
		if (*a >= '0' && *a <= '9' && *b >= '0' && *b <= '9') {
			while (*a == '0')
				a++;
			while (*b == '0')
				b++;
			size_t la = strspn(a, "0123456789"), lb = strspn(b, "0123456789");

			if (la != lb)
				return la < lb ? -1 : 1;
			int c = strncmp(a, b, la);

			if (c != 0)
				return c;
			a += la;
			b += lb;
			continue;
		}
		if (*a != *b)
			return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
		a++;
		b++;
	}
	return *a ? 1 : *b ? -1 : 0;
}

static int msg_cmp(const void *x, const void *y)
{
	const struct msg *a = *(const struct msg *const *)x, *b = *(const struct msg *const *)y;
	int c = maildrop_name_cmp(a->key, b->key);

	return c ? c : strcmp(a->name, b->name);
}

static void msg_unref(struct msg *m)
{
	if (--m->refs > 0)
		return;
	free(m->name);
	if (m->key != m->name)
		free(m->key);
	free(m);
}

/* The Maildir base name: everything before the ":2," info part. */
static char *maildir_key(const char *file)
{
	return strndup(file, strcspn(file, ":"));
}

/* A Maildir name may carry the wire size as ",W=1234"; 0 when it does not. */
static int maildir_wire_hint(const char *file, uint64_t *wire_r)
{
	const char *p = strstr(file, ",W=");

	if (p == NULL || p > file + strcspn(file, ":"))
		return 0;
	char *end;
	unsigned long long w = strtoull(p + 3, &end, 10);

	if (end == p + 3 || (*end != ',' && *end != ':' && *end != '\0'))
		return 0;
	*wire_r = w;
	return 1;
}

/* ---- scanning ---- */

struct scan {
	struct maildrop *md;
	char *block;			/* read buffer for wire sizes, one for the whole scan */
	struct strmap known;		/* messages of the index, by key */
	struct strmap *loaded;		/* records of the UID list (first scan only) */
	struct msg **out;
	size_t n, cap;
};

static int scan_push(struct scan *sc, struct msg *m)
{
	if (sc->n == sc->cap) {
		size_t cap = sc->cap ? sc->cap * 2 : 64;
		struct msg **o = realloc(sc->out, cap * sizeof(*o));

		if (o == NULL)
			return -1;
		sc->out = o;
		sc->cap = cap;
	}
	sc->out[sc->n++] = m;
	return 0;
}

/* Take the UID and wire size a restarted server remembered for this file, if any. */
static void reuse_record(struct scan *sc, struct msg *m)
{
	const struct uid_rec *r = sc->loaded ? strmap_get(sc->loaded, m->key) : NULL;

	if (r == NULL)
		return;
	if (!sc->md->maildir &&
	    (r->ino != m->ino || r->mt_sec != m->mtime.tv_sec || r->mt_nsec != m->mtime.tv_nsec))
		return;
	m->uid = r->uid;
	if (r->size == m->size)
		m->wire = r->wire;
}

static int scan_block(struct scan *sc)
{
	if (sc->block == NULL)
		sc->block = malloc(POP3_STREAM_BLOCK);
	return sc->block ? 0 : -1;
}

static struct msg *new_msg(struct scan *sc, const char *name, const char *file)
{
	struct maildrop *md = sc->md;
	char path[PATH_MAX];
	struct stat st;
	struct msg *m = calloc(1, sizeof(*m));

	if (m == NULL || join_path(path, sizeof(path), md->path, name) < 0 || stat(path, &st) < 0)
		goto fail;
	if (!S_ISREG(st.st_mode)) {
		errno = ENOENT;	/* sockets, fifos and folders are not messages: skip quietly */
		goto fail;
	}
	m->name = strdup(name);
	m->key = md->maildir ? maildir_key(file) : m->name;
	if (m->name == NULL || m->key == NULL)
		goto fail;
	m->ino = st.st_ino;
	m->size = st.st_size;
	m->mtime = st.st_mtim;
	m->refs = 1;
	m->wire = UINT64_MAX;
	reuse_record(sc, m);	/* a new message gets its UID in mailbox order, in scan_install */
	if (m->wire == UINT64_MAX && !(md->maildir && maildir_wire_hint(file, &m->wire)) &&
	    (scan_block(sc) < 0 || message_wire_size(path, sc->block, POP3_STREAM_BLOCK, &m->wire) < 0))
		goto fail;
	return m;
fail:
	if (m != NULL) {
		int e = errno;

		if (errno != ENOENT && errno != ENOMEM)
			log_msg("%s: skipped: %s", path, strerror(errno));
		free(m->name);
		if (m->key != m->name)
			free(m->key);
		free(m);
		errno = e;
	}
	return NULL;
}

/* One directory entry: keep the indexed message it still is, or index a new one. */
static int scan_entry(struct scan *sc, const char *sub, const struct dirent *de)
{
	char name[PATH_MAX];
	char *key = sc->md->maildir ? maildir_key(de->d_name) : (char *)de->d_name;
	struct msg *m = key ? (struct msg *)strmap_get(&sc->known, key) : NULL;

	snprintf(name, sizeof(name), "%s%s%s", sub, *sub ? "/" : "", de->d_name);
	if (key != de->d_name)
		free(key);
	if (m != NULL && !m->seen && (sc->md->maildir || m->ino == de->d_ino)) {
		/* A Maildir file moves from new/ to cur/ and gains flags: the same message. */
		if (strcmp(m->name, name) != 0) {
			char *nn = strdup(name);

			if (nn == NULL)
				return -1;
			if (m->key == m->name)
				m->key = nn;
			else
				free(m->name);
			m->name = nn;
		}
		m->seen = 1;
		m->refs++;
		return scan_push(sc, m);
	}
	m = new_msg(sc, name, de->d_name);
	if (m == NULL)
		return errno == ENOMEM ? -1 : 0;	/* vanished or not a file: skip */
	m->seen = 1;
	if (scan_push(sc, m) < 0) {
		msg_unref(m);
		return -1;
	}
	return 0;
}

static int scan_dir(struct scan *sc, const char *sub)
{
	char path[PATH_MAX];
	struct dirent *de;
	int ret = 0;

	snprintf(path, sizeof(path), "%s%s%s", sc->md->path, *sub ? "/" : "", sub);
	DIR *d = opendir(path);

	if (d == NULL)
		return -1;
	while (ret == 0 && (errno = 0, de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' || de->d_type == DT_DIR)
			continue;
		ret = scan_entry(sc, sub, de);
	}
	if (ret == 0 && errno != 0)
		ret = -1;
	closedir(d);
	return ret;
}

static int dir_mtimes(struct maildrop *md, struct timespec t[2])
{
	char path[PATH_MAX];
	struct stat st;

	memset(t, 0, 2 * sizeof(*t));
	for (int i = 0; i < (md->maildir ? 2 : 1); i++) {
		snprintf(path, sizeof(path), "%s%s", md->path,
			 md->maildir ? (i ? "/cur" : "/new") : "");
		if (stat(path, &st) < 0)
			return -1;
		t[i] = st.st_mtim;
	}
	return 0;
}

static int same_time(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec == b->tv_sec && a->tv_nsec == b->tv_nsec;
}

static int time_before(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec < b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

/*
 * File times come from the kernel's coarse clock.  A folder whose mtime is not
 * older than the start of the scan may have changed again within that tick after
 * readdir saw it; such a folder is scanned again next time.
 */
static int changed_since(const struct timespec t[2], const struct timespec *start)
{
	return !time_before(&t[0], start) || !time_before(&t[1], start);
}

/* Swap the scan result in as the index; messages no longer found are gone. */
static void scan_install(struct scan *sc)
{
	struct maildrop *md = sc->md;

	for (size_t i = 0; i < md->count; i++) {
		struct msg *m = md->msgs[i];

		if (!m->seen) {
			m->gone = 1;
			md->uids_dirty = 1;
		}
		m->seen = 0;
		msg_unref(m);
	}
	if (sc->n > 1)
		qsort(sc->out, sc->n, sizeof(*sc->out), msg_cmp);
	for (size_t i = 0; i < sc->n; i++) {
		sc->out[i]->seen = 0;
		if (sc->out[i]->uid == 0) {
			sc->out[i]->uid = md->next_uid++;
			md->uids_dirty = 1;
		}
	}
	free(md->msgs);
	md->msgs = sc->out;
	md->count = sc->n;
	md->cap = sc->cap;
}

static void scan_abort(struct scan *sc)
{
	for (size_t i = 0; i < sc->n; i++) {
		sc->out[i]->seen = 0;
		msg_unref(sc->out[i]);
	}
	for (size_t i = 0; i < sc->md->count; i++)
		sc->md->msgs[i]->seen = 0;
	free(sc->out);
}

static int scan_dirs(struct scan *sc)
{
	if (!sc->md->maildir)
		return scan_dir(sc, "");
	return scan_dir(sc, "new") < 0 || scan_dir(sc, "cur") < 0 ? -1 : 0;
}

/* The first scan after start reads the UID list, or starts a new one. */
static void load_uids(struct maildrop *md, struct uid_table *t, struct strmap *map)
{
	int r = uidlist_load(md->path, t);

	if (r == 0 && strmap_init(map, t->n, rec_key) == 0) {
		for (size_t i = 0; i < t->n; i++)
			strmap_put(map, &t->recs[i]);
		md->validity = t->validity;
		md->next_uid = t->next_uid;
		return;
	}
	map->slots = NULL;
	md->validity = (uint32_t)time(NULL);
	if (md->validity <= t->validity)
		md->validity = t->validity + 1;
	md->next_uid = 1;
	md->uids_dirty = 1;
	if (r < 0)
		log_msg("%s/%s: unreadable or corrupt, rebuilt with new unique-ids", md->path,
			UIDLIST_NAME);
}

static void save_uids(struct maildrop *md)
{
	if (!md->uids_dirty)
		return;
	if (uidlist_save(md->path, md->validity, md->next_uid, md->msgs, md->count, md->maildir) < 0) {
		log_msg("%s/%s: cannot save: %s", md->path, UIDLIST_NAME, strerror(errno));
		return;
	}
	md->uids_dirty = 0;
}

/* Bring the index up to date.  Called with md->lock held. */
static int scan(struct maildrop *md)
{
	struct timespec t[2], start;
	struct uid_table table = { 0 };
	struct strmap loaded = { 0 };
	struct scan sc = { .md = md };
	int ret = -1;

	if (!md->scanned)
		uidlist_prepare(md->path);	/* before the mtimes, which making it changes */
	clock_gettime(CLOCK_REALTIME_COARSE, &start);
	if (dir_mtimes(md, t) < 0)
		return -1;
	if (md->scanned && !md->rescan && same_time(&t[0], &md->dir_mtime[0]) &&
	    same_time(&t[1], &md->dir_mtime[1]))
		return 0;
	if (!md->scanned) {
		load_uids(md, &table, &loaded);
		sc.loaded = loaded.slots ? &loaded : NULL;
	}
	if (strmap_init(&sc.known, md->count, msg_key) < 0)
		goto out;
	for (size_t i = 0; i < md->count; i++)
		strmap_put(&sc.known, md->msgs[i]);
	if (scan_dirs(&sc) < 0) {
		scan_abort(&sc);
		goto out;
	}
	scan_install(&sc);
	md->dir_mtime[0] = t[0];
	md->dir_mtime[1] = t[1];
	md->rescan = changed_since(t, &start);
	md->scanned = 1;
	save_uids(md);
	ret = 0;
out:
	free(sc.block);
	free(sc.known.slots);
	free(loaded.slots);
	uidlist_free(&table);
	return ret;
}

/* ---- the registry and the public interface ---- */

static struct maildrop *maildrop_new(const char *dir)
{
	char sub[PATH_MAX];
	struct stat st;
	struct maildrop *md = calloc(1, sizeof(*md));

	if (md == NULL || (md->path = strdup(dir)) == NULL) {
		free(md);
		return NULL;
	}
	snprintf(sub, sizeof(sub), "%s/cur", dir);
	md->maildir = stat(sub, &st) == 0 && S_ISDIR(st.st_mode);
	snprintf(sub, sizeof(sub), "%s/new", dir);
	md->maildir = md->maildir && stat(sub, &st) == 0 && S_ISDIR(st.st_mode);
	pthread_mutex_init(&md->lock, NULL);
	md->refs = 1;
	return md;
}

static void maildrop_destroy(struct maildrop *md)
{
	for (size_t i = 0; i < md->count; i++)
		msg_unref(md->msgs[i]);
	free(md->msgs);
	pthread_mutex_destroy(&md->lock);
	free(md->path);
	free(md);
}

static struct maildrop *registry_find(const char *dir)
{
	for (size_t i = 0; i < registry_count; i++)
		if (strcmp(registry[i]->path, dir) == 0)
			return registry[i];
	return NULL;
}

static int registry_add(struct maildrop *md)
{
	struct maildrop **r = realloc(registry, (registry_count + 1) * sizeof(*r));

	if (r == NULL)
		return -1;
	registry = r;
	registry[registry_count++] = md;
	return 0;
}

struct maildrop *maildrop_open(const char *dir)
{
	pthread_mutex_lock(&registry_lock);
	struct maildrop *md = registry_find(dir);

	if (md != NULL) {
		md->refs++;
		pthread_mutex_unlock(&registry_lock);
		return md;
	}
	md = maildrop_new(dir);
	if (md == NULL || scan(md) < 0 || registry_add(md) < 0) {
		int e = errno;

		if (md != NULL)
			maildrop_destroy(md);
		pthread_mutex_unlock(&registry_lock);
		errno = e;
		return NULL;
	}
	pthread_mutex_unlock(&registry_lock);
	return md;
}

void maildrop_release(struct maildrop *md)
{
	pthread_mutex_lock(&registry_lock);
	if (--md->refs > 0) {
		pthread_mutex_unlock(&registry_lock);
		return;
	}
	for (size_t i = 0; i < registry_count; i++) {
		if (registry[i] == md) {
			registry[i] = registry[--registry_count];
			break;
		}
	}
	pthread_mutex_unlock(&registry_lock);
	maildrop_destroy(md);
}

int maildrop_snapshot(struct maildrop *md, struct snapshot *snap_r)
{
	int ret = -1;

	memset(snap_r, 0, sizeof(*snap_r));
	pthread_mutex_lock(&md->lock);
	if (scan(md) < 0)
		goto out;
	snap_r->msgs = malloc((md->count ? md->count : 1) * sizeof(*snap_r->msgs));
	if (snap_r->msgs == NULL)
		goto out;
	for (size_t i = 0; i < md->count; i++) {
		snap_r->msgs[i] = md->msgs[i];
		md->msgs[i]->refs++;
		snap_r->octets += md->msgs[i]->wire;
	}
	snap_r->count = md->count;
	ret = 0;
out:
	pthread_mutex_unlock(&md->lock);
	return ret;
}

void maildrop_snapshot_free(struct maildrop *md, struct snapshot *snap)
{
	pthread_mutex_lock(&md->lock);
	for (size_t i = 0; i < snap->count; i++)
		msg_unref(snap->msgs[i]);
	pthread_mutex_unlock(&md->lock);
	free(snap->msgs);
	memset(snap, 0, sizeof(*snap));
}

/* The file's path now, or NULL when the message is gone.  Called with md->lock held. */
static int msg_path(struct maildrop *md, struct msg *m, char *path, size_t size)
{
	if (m->gone)
		return -1;
	snprintf(path, size, "%s/%s", md->path, m->name);
	return 0;
}

static int open_checked(const char *path, const struct msg *m, enum maildrop_err *why_r)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		*why_r = errno == ENOENT ? MAILDROP_GONE : MAILDROP_IO;
		return -1;
	}
	if (fstat(fd, &st) < 0 || st.st_ino != m->ino || st.st_size != m->size ||
	    !same_time(&st.st_mtim, &m->mtime)) {
		*why_r = MAILDROP_CHANGED;
		close(fd);
		return -1;
	}
	return fd;
}

int maildrop_open_msg(struct maildrop *md, struct msg *m, int *fd_r, enum maildrop_err *why_r)
{
	char path[PATH_MAX];

	for (int attempt = 0; attempt < 2; attempt++) {
		pthread_mutex_lock(&md->lock);
		if (attempt > 0) {
			/* A Maildir file may have been renamed (new flags): find it again. */
			md->rescan = 1;
			scan(md);
		}
		int r = msg_path(md, m, path, sizeof(path));

		pthread_mutex_unlock(&md->lock);
		if (r < 0) {
			*why_r = MAILDROP_GONE;
			return -1;
		}
		*fd_r = open_checked(path, m, why_r);
		if (*fd_r >= 0)
			return 0;
		if (*why_r != MAILDROP_GONE || !md->maildir)
			break;
	}
	if (*why_r == MAILDROP_GONE) {
		pthread_mutex_lock(&md->lock);
		md->rescan = 1;
		pthread_mutex_unlock(&md->lock);
	}
	return -1;
}

static void drop_gone(struct maildrop *md)
{
	size_t j = 0;

	for (size_t i = 0; i < md->count; i++) {
		if (md->msgs[i]->gone)
			msg_unref(md->msgs[i]);
		else
			md->msgs[j++] = md->msgs[i];
	}
	md->count = j;
}

/* Unlink one message: 1 removed, 0 already gone, -1 failed.  Called with md->lock held. */
static int unlink_msg(struct maildrop *md, struct msg *m)
{
	char path[PATH_MAX];

	for (int attempt = 0; attempt < 2; attempt++) {
		if (msg_path(md, m, path, sizeof(path)) < 0)
			return 0;
		if (unlink(path) == 0) {
			m->gone = 1;
			return 1;
		}
		if (errno != ENOENT) {
			log_msg("%s: cannot delete: %s", path, strerror(errno));
			return -1;
		}
		if (!md->maildir)
			break;
		/* A Maildir file may carry new flags under a new name: look again. */
		md->rescan = 1;
		scan(md);
	}
	m->gone = 1;
	return 0;
}

int maildrop_commit(struct maildrop *md, struct msg **del, size_t n, unsigned *deleted_r)
{
	int ret = 0;

	*deleted_r = 0;
	if (n == 0)
		return 0;
	pthread_mutex_lock(&md->lock);
	for (size_t i = 0; i < n; i++) {
		int r = unlink_msg(md, del[i]);

		if (r < 0)
			ret = -1;
		else if (r > 0)
			(*deleted_r)++;
	}
	if (*deleted_r > 0) {
		drop_gone(md);
		md->uids_dirty = 1;
	}
	pthread_mutex_unlock(&md->lock);
	return ret;
}

void maildrop_uid(const struct maildrop *md, const struct msg *m, char buf[17])
{
	snprintf(buf, 17, "%08x%08x", (unsigned)md->validity, (unsigned)m->uid);
}

void maildrop_totals(struct maildrop *md, size_t *count_r, uint64_t *octets_r)
{
	pthread_mutex_lock(&md->lock);
	*count_r = md->count;
	*octets_r = 0;
	for (size_t i = 0; i < md->count; i++)
		*octets_r += md->msgs[i]->wire;
	pthread_mutex_unlock(&md->lock);
}

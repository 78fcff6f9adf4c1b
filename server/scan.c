/* Scanning a mailbox folder into its index: new files, renamed Maildir files, vanished ones, UIDs. */
#include "folder.h"
#include "log.h"
#include "maildrop.h"
#include "message.h"
#include "params.h"
#include "pop3.h"
#include "scan.h"
#include "uidlist.h"
#include "uidsync.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

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

void scan_msg_unref(struct msg *m)
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
	struct strmap *loaded;		/* records of the UID list, when it was read */
	struct msg **out;
	size_t n, cap;
	size_t kept;			/* messages of the index found again */
	struct uid_plan ids;		/* the validity and ids the scan installs */
	int implausible;		/* a record disagrees with its file: start anew */
	int again;			/* a file was caught changing: scan again next time */
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
	/* The same file with another size: the list does not describe this folder. */
	if (r->size != m->size) {
		sc->implausible = 1;
		return;
	}
	m->uid = r->uid;
	m->wire = r->wire;
}

static int scan_block(struct scan *sc)
{
	if (sc->block == NULL)
		sc->block = malloc(POP3_STREAM_BLOCK);
	return sc->block ? 0 : -1;
}

/*
 * The wire size read from the file itself: opened without following a symlink or
 * blocking on a FIFO, and only when it is still the regular file the scan saw; its
 * size, time and wire size then all come from this one descriptor.
 */
static int read_wire(struct scan *sc, int dfd, const char *file, struct msg *m)
{
	struct stat st;
	int ret = -1, fd = openat(dfd, file, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);

	if (fd < 0)
		return errno == ELOOP ? (errno = ENOENT, -1) : -1;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_ino != m->ino) {
		errno = ENOENT;	/* replaced since it was listed: the next scan sees it */
		sc->again = 1;
		goto out;
	}
	m->size = st.st_size;
	m->mtime = st.st_mtim;
	if (scan_block(sc) < 0)
		goto out;
	ret = message_wire_size(fd, st.st_size, sc->block, POP3_STREAM_BLOCK, &m->wire);
	if (ret < 0 && errno == ENODATA) {
		errno = ENOENT;	/* shrank while it was read: being written, look again next time */
		sc->again = 1;
	}
out:
	close(fd);
	return ret;
}

/* A new file of the folder: only a regular file (not a symlink, FIFO or device) is mail. */
static struct msg *new_msg(struct scan *sc, int dfd, const char *name, const char *file)
{
	struct maildrop *md = sc->md;
	struct stat st;
	struct msg *m = calloc(1, sizeof(*m));

	if (m == NULL || fstatat(dfd, file, &st, AT_SYMLINK_NOFOLLOW) < 0)
		goto fail;
	if (!S_ISREG(st.st_mode)) {
		errno = ENOENT;	/* symlinks, sockets, fifos and folders are not messages: skip quietly */
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
	    read_wire(sc, dfd, file, m) < 0)
		goto fail;
	return m;
fail:
	if (m != NULL) {
		int e = errno;

		if (errno != ENOENT && errno != ENOMEM)
			log_msg("%s/%s: skipped: %s", md->path, name, strerror(errno));
		free(m->name);
		if (m->key != m->name)
			free(m->key);
		free(m);
		errno = e;
	}
	return NULL;
}

/* One directory entry: keep the indexed message it still is, or index a new one. */
static int scan_entry(struct scan *sc, int dfd, const char *sub, const struct dirent *de)
{
	char name[PATH_MAX];
	char *key = sc->md->maildir ? maildir_key(de->d_name) : (char *)de->d_name;
	struct msg *m = key ? (struct msg *)strmap_get(&sc->known, key) : NULL;

	snprintf(name, sizeof(name), "%s%s%s", sub, *sub ? "/" : "", de->d_name);
	if (key != de->d_name)
		free(key);
	if (m != NULL && !m->seen && !m->changed && (sc->md->maildir || m->ino == de->d_ino)) {
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
		sc->kept++;
		return scan_push(sc, m);
	}
	m = new_msg(sc, dfd, name, de->d_name);
	if (m == NULL)
		return errno == ENOMEM ? -1 : 0;	/* vanished or not a file: skip */
	m->seen = 1;
	if (scan_push(sc, m) < 0) {
		scan_msg_unref(m);
		return -1;
	}
	return 0;
}

/* Read one directory of the folder through its descriptor (a fresh one: its own offset). */
static int scan_dir(struct scan *sc, int fd, const char *sub)
{
	struct dirent *de;
	int ret = 0, dfd = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = dfd < 0 ? NULL : fdopendir(dfd);

	if (d == NULL) {
		if (dfd >= 0)
			close(dfd);
		return -1;
	}
	while (ret == 0 && (errno = 0, de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' || de->d_type == DT_DIR || de->d_type == DT_LNK)
			continue;
		ret = scan_entry(sc, dfd, sub, de);
	}
	if (ret == 0 && errno != 0)
		ret = -1;
	closedir(d);
	return ret;
}

int scan_same_time(const struct timespec *a, const struct timespec *b)
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
static int changed_since(const struct timespec t[3], const struct timespec *start)
{
	return !time_before(&t[0], start) || !time_before(&t[1], start) ||
	       !time_before(&t[2], start);
}

/* Swap the scan result in as the index; messages no longer found are gone. */
static void scan_install(struct scan *sc)
{
	struct maildrop *md = sc->md;

	for (size_t i = 0; i < md->count; i++) {
		struct msg *m = md->msgs[i];

		if (!m->seen)
			m->gone = 1;
		m->seen = 0;
		scan_msg_unref(m);
	}
	for (size_t i = 0; i < sc->n; i++)
		sc->out[i]->seen = 0;
	free(md->msgs);
	md->msgs = sc->out;
	md->count = sc->n;
	md->cap = sc->cap;
	md->validity = sc->ids.validity;
	md->next_uid = sc->ids.next_uid;
	md->list = sc->ids.stamp;
}

static void scan_abort(struct scan *sc)
{
	for (size_t i = 0; i < sc->n; i++) {
		sc->out[i]->seen = 0;
		scan_msg_unref(sc->out[i]);
	}
	for (size_t i = 0; i < sc->md->count; i++)
		sc->md->msgs[i]->seen = 0;
	free(sc->out);
}

static int scan_dirs(struct scan *sc)
{
	struct maildrop *md = sc->md;

	if (!md->maildir)
		return scan_dir(sc, md->fd, "");
	return scan_dir(sc, md->sub[0], "new") < 0 || scan_dir(sc, md->sub[1], "cur") < 0 ? -1 : 0;
}

/* ---- the scan under the lock of the unique-id list ---- */

static __thread const char *scan_failure;

const char *scan_error(void)
{
	return scan_failure;
}

void scan_clear_error(void)
{
	scan_failure = NULL;
}

/*
 * A Maildir message moved from new/ to cur/ while the scan read them is seen in
 * both: keep one (the indexed one, if either is), or it would be listed twice.
 */
static void drop_twins(struct scan *sc)
{
	size_t j = 0;

	for (size_t i = 0; i < sc->n; i++) {
		struct msg *m = sc->out[i];

		struct msg *prev = j > 0 ? sc->out[j - 1] : NULL;

		if (prev != NULL && strcmp(prev->key, m->key) == 0) {
			/* Only a message of the index has another reference than the scan's. */
			if (prev->refs == 1 && m->refs > 1) {
				sc->out[j - 1] = m;
				m = prev;
			}
			scan_msg_unref(m);
			sc->again = 1;
			continue;
		}
		sc->out[j++] = m;
	}
	sc->n = j;
}

/* One scan with the list locked; SCAN_RESET asks for another with a new validity above *floor. */
static int scan_locked(struct maildrop *md, int dirfd, int reset, uint32_t *floor, int *again_r)
{
	struct uid_table table = { 0 };
	struct strmap loaded = { 0 };
	struct scan sc = { .md = md };
	int ret = uidsync_begin(md, dirfd, reset, floor, &sc.ids, &table);

	if (ret != 0)
		goto out;
	ret = -1;
	if (table.n > 0 && strmap_init(&loaded, table.n, rec_key) == 0) {
		for (size_t i = 0; i < table.n; i++)
			strmap_put(&loaded, &table.recs[i]);
		sc.loaded = &loaded;
	}
	if (strmap_init(&sc.known, sc.ids.keep ? md->count : 0, msg_key) < 0)
		goto out;
	for (size_t i = 0; sc.ids.keep && i < md->count; i++)
		strmap_put(&sc.known, md->msgs[i]);
	if (scan_dirs(&sc) < 0) {
		scan_abort(&sc);
		goto out;
	}
	if (sc.n > 1)
		qsort(sc.out, sc.n, sizeof(*sc.out), msg_cmp);
	if (md->maildir)
		drop_twins(&sc);
	if (sc.implausible || uidsync_assign(&sc.ids, sc.out, sc.n) < 0) {
		log_msg("%s/%s: %s: starting new unique-ids", md->path, UIDLIST_NAME,
			sc.implausible ? "a size disagrees with its file" : "unique-ids exhausted");
		*floor = sc.ids.validity;
		scan_abort(&sc);
		ret = SCAN_RESET;
		goto out;
	}
	if (uidsync_save(md, dirfd, &sc.ids, sc.out, sc.n, sc.kept) < 0) {
		scan_failure = "cannot save the unique-id list";
		scan_abort(&sc);
		goto out;
	}
	scan_install(&sc);
	*again_r = sc.again;
	ret = 0;
out:
	free(sc.block);
	free(sc.known.slots);
	free(loaded.slots);
	uidlist_free(&table);
	return ret;
}

int scan_folder(struct maildrop *md)
{
	struct timespec t[3], start;
	struct uidlist_lock lk;
	uint32_t floor = 0;
	int again = 0;

	if (!md->scanned)
		uidlist_prepare(md->fd);	/* before the mtimes, which making it changes */
	clock_gettime(CLOCK_REALTIME_COARSE, &start);
	scan_failure = NULL;
	if (folder_mtimes(md, t) < 0)
		return -1;
	/* Nothing moved: no lock, no list.  Ids change only when messages come or go. */
	if (md->scanned && !md->rescan && folder_unchanged(md, t))
		return scan_failure = NULL, 0;
	/* The folder itself changed: it may have become a Maildir, or new/ and cur/ other folders. */
	if (!md->scanned || md->rescan || !scan_same_time(&t[0], &md->dir_mtime[0])) {
		folder_layout(md);
		if (folder_mtimes(md, t) < 0)
			return -1;
	}
	if (uidlist_lock(md->fd, &lk) < 0) {
		scan_failure = "cannot lock the unique-id list";
		log_msg("%s/%s: cannot lock: %s", md->path, UIDLIST_DIR, strerror(errno));
		return -1;
	}
	int r = scan_locked(md, lk.dirfd, 0, &floor, &again);

	if (r == SCAN_RESET)
		r = scan_locked(md, lk.dirfd, 1, &floor, &again);
	int e = errno;

	uidlist_unlock(&lk);
	errno = e;
	if (r != 0)
		return -1;
	memcpy(md->dir_mtime, t, sizeof(md->dir_mtime));
	md->rescan = again || changed_since(t, &start);
	md->scanned = 1;
	scan_failure = NULL;
	return 0;
}

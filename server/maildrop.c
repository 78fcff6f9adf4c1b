/* The shared message index: the registry of folders, snapshots, opening messages, the commit at QUIT. */
#include "log.h"
#include "maildrop.h"
#include "scan.h"

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

/* ---- the registry and the public interface ---- */

static struct maildrop *maildrop_new(const char *dir, int fd, const struct stat *st)
{
	struct maildrop *md = calloc(1, sizeof(*md));

	if (md == NULL || (md->path = strdup(dir)) == NULL) {
		free(md);
		return NULL;
	}
	md->fd = fd;
	md->sub[0] = md->sub[1] = -1;	/* the first scan decides the layout */
	md->dev = st->st_dev;
	md->ino = st->st_ino;
	pthread_mutex_init(&md->lock, NULL);
	md->refs = 1;
	return md;
}

static void maildrop_destroy(struct maildrop *md)
{
	for (size_t i = 0; i < md->count; i++)
		scan_msg_unref(md->msgs[i]);
	free(md->msgs);
	pthread_mutex_destroy(&md->lock);
	for (int i = 0; i < 2; i++)
		if (md->sub[i] >= 0)
			close(md->sub[i]);
	close(md->fd);
	free(md->path);
	free(md);
}

static struct maildrop *registry_find(const struct stat *st)
{
	for (size_t i = 0; i < registry_count; i++)
		if (registry[i]->dev == st->st_dev && registry[i]->ino == st->st_ino)
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

/* The folder's descriptor; a symlink under MAILDROP_NOFOLLOW fails with ELOOP. */
static int open_folder(const char *dir, int flags, struct stat *st)
{
	int nofollow = flags & MAILDROP_NOFOLLOW ? O_NOFOLLOW : 0;
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NONBLOCK | O_CLOEXEC | nofollow);

	if (fd < 0) {
		/* Some kernels say ENOTDIR for O_DIRECTORY on a symlink: tell it apart. */
		if (nofollow && errno == ENOTDIR && lstat(dir, st) == 0 && S_ISLNK(st->st_mode))
			errno = ELOOP;
		return -1;
	}
	if (fstat(fd, st) < 0) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

/* Find the index of the folder fd is, or add one (taking fd); NULL with errno. */
static struct maildrop *registry_get(const char *dir, int fd, const struct stat *st)
{
	pthread_mutex_lock(&registry_lock);
	struct maildrop *md = registry_find(st);

	if (md != NULL) {
		md->refs++;
		close(fd);
	} else if ((md = maildrop_new(dir, fd, st)) == NULL || registry_add(md) < 0) {
		if (md != NULL)
			maildrop_destroy(md);	/* closes fd */
		else
			close(fd);
		md = NULL;
		errno = ENOMEM;
	}
	pthread_mutex_unlock(&registry_lock);
	return md;
}

/* A known folder by its identity (one stat, no descriptor): a new reference, or NULL. */
static struct maildrop *registry_ref(const char *dir, int flags)
{
	struct stat st;
	struct maildrop *md = NULL;

	if ((flags & MAILDROP_NOFOLLOW ? lstat(dir, &st) : stat(dir, &st)) < 0 || !S_ISDIR(st.st_mode))
		return NULL;	/* open_folder says why */
	pthread_mutex_lock(&registry_lock);
	md = registry_find(&st);
	if (md != NULL)
		md->refs++;
	pthread_mutex_unlock(&registry_lock);
	return md;
}

struct maildrop *maildrop_open(const char *dir, int flags)
{
	/* A login to a folder in use costs one stat; only a new index opens the folder. */
	struct maildrop *md = registry_ref(dir, flags);

	if (md == NULL) {
		struct stat st;
		int fd = open_folder(dir, flags, &st);

		if (fd < 0 || (md = registry_get(dir, fd, &st)) == NULL)
			return NULL;
	}
	/* Sessions of this folder wait here for its first scan; those of others do not. */
	pthread_mutex_lock(&md->lock);
	int r = md->scanned ? 0 : scan_folder(md);
	int e = errno;

	pthread_mutex_unlock(&md->lock);
	if (r < 0) {
		maildrop_release(md);
		errno = e;
		return NULL;
	}
	return md;
}

static const char *const maildir_subs[3] = { "cur", "new", "tmp" };

/* Remove the sub-folders made so far and the temporary folder; errno is kept. */
static void create_undo(int tfd, const char *tmp, int made)
{
	int e = errno;

	for (int i = 0; i < made; i++)
		unlinkat(tfd, maildir_subs[i], AT_REMOVEDIR);
	rmdir(tmp);
	errno = e;
}

int maildrop_create(const char *dir)
{
	char tmp[PATH_MAX];
	int made = 0, tfd;

	const char *base = strrchr(dir, '/');
	int plen = base ? (int)(base - dir + 1) : 0;

	/* A dot name: no user's folder can have it (names never start with '.'). */
	if ((size_t)snprintf(tmp, sizeof(tmp), "%.*s.new-%s.XXXXXX", plen, dir, dir + plen) >=
	    sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if (mkdtemp(tmp) == NULL)	/* mode 0700 */
		return -1;
	tfd = open(tmp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	while (tfd >= 0 && made < 3 && mkdirat(tfd, maildir_subs[made], 0700) == 0)
		made++;
	int r = made == 3 ? renameat2(AT_FDCWD, tmp, AT_FDCWD, dir, RENAME_NOREPLACE) : -1;

	if (r < 0)
		create_undo(tfd, tmp, made);
	if (tfd >= 0)
		close(tfd);
	/* Another login that made it first is no failure. */
	return r == 0 || (made == 3 && errno == EEXIST) ? 0 : -1;
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
	if (scan_folder(md) < 0)
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
	snap_r->validity = md->validity;
	ret = 0;
out:
	pthread_mutex_unlock(&md->lock);
	return ret;
}

void maildrop_snapshot_free(struct maildrop *md, struct snapshot *snap)
{
	pthread_mutex_lock(&md->lock);
	for (size_t i = 0; i < snap->count; i++)
		scan_msg_unref(snap->msgs[i]);
	pthread_mutex_unlock(&md->lock);
	free(snap->msgs);
	memset(snap, 0, sizeof(*snap));
}

/*
 * Where the file of m is now: the descriptor of its directory and its name there.
 * -1 when the message is gone.  Called with md->lock held.
 */
static int msg_at(const struct maildrop *md, const struct msg *m, int *dfd_r, const char **base_r)
{
	if (m->gone)
		return -1;
	*dfd_r = md->fd;
	*base_r = m->name;
	if (md->maildir && (strncmp(m->name, "new/", 4) == 0 || strncmp(m->name, "cur/", 4) == 0)) {
		*dfd_r = md->sub[m->name[0] == 'c'];
		*base_r = m->name + 4;
	}
	return *dfd_r >= 0 ? 0 : -1;
}

/* m's file is still the one listed: a regular file with its inode, size and time. */
static int same_file(const struct stat *st, const struct msg *m)
{
	return S_ISREG(st->st_mode) && st->st_ino == m->ino && st->st_size == m->size &&
	       scan_same_time(&st->st_mtim, &m->mtime);
}

/*
 * Open m's file without following a symlink or blocking on a FIFO, and only if it
 * is still what the snapshot listed.  Called with md->lock held.
 */
static int open_checked(struct maildrop *md, struct msg *m, enum maildrop_err *why_r)
{
	struct stat st;
	const char *base;
	int dfd, fd;

	if (msg_at(md, m, &dfd, &base) < 0) {
		*why_r = MAILDROP_GONE;
		return -1;
	}
	fd = openat(dfd, base, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		*why_r = errno == ENOENT ? MAILDROP_GONE : errno == ELOOP ? MAILDROP_CHANGED : MAILDROP_IO;
	} else if (fstat(fd, &st) < 0 || !same_file(&st, m)) {
		*why_r = MAILDROP_CHANGED;
		close(fd);
		fd = -1;
	}
	if (fd < 0 && *why_r == MAILDROP_CHANGED) {
		m->changed = 1;		/* the next scan indexes whatever is there now */
		md->rescan = 1;
	}
	return fd;
}

int maildrop_open_msg(struct maildrop *md, struct msg *m, int *fd_r, enum maildrop_err *why_r)
{
	pthread_mutex_lock(&md->lock);
	*fd_r = open_checked(md, m, why_r);
	if (*fd_r < 0 && *why_r == MAILDROP_GONE && md->maildir) {
		/* A Maildir file may have been renamed (new flags): find it again. */
		md->rescan = 1;
		scan_folder(md);
		*fd_r = open_checked(md, m, why_r);
	}
	if (*fd_r < 0 && *why_r == MAILDROP_GONE)
		md->rescan = 1;
	pthread_mutex_unlock(&md->lock);
	return *fd_r < 0 ? -1 : 0;
}

static void drop_gone(struct maildrop *md)
{
	size_t j = 0;

	for (size_t i = 0; i < md->count; i++) {
		if (md->msgs[i]->gone)
			scan_msg_unref(md->msgs[i]);
		else
			md->msgs[j++] = md->msgs[i];
	}
	md->count = j;
}

/*
 * Unlink m's file if it is still the one listed (same inode and size, checked on
 * the folder's descriptor): a newer file under the same name stays.  1 removed,
 * 0 already gone or replaced, -1 failed.  Called with md->lock held.
 */
static int unlink_listed(struct maildrop *md, struct msg *m)
{
	struct stat st;
	const char *base;
	int dfd;

	if (msg_at(md, m, &dfd, &base) < 0)
		return 0;
	if (fstatat(dfd, base, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISREG(st.st_mode) || st.st_ino != m->ino || st.st_size != m->size) {
		log_msg("%s/%s: not deleted: no longer the message that was listed", md->path, m->name);
		m->changed = 1;
		md->rescan = 1;
		return 0;
	}
	if (unlinkat(dfd, base, 0) < 0)
		return errno == ENOENT ? 0 : -1;
	m->gone = 1;
	return 1;
}

/* Unlink one message: 1 removed, 0 already gone or replaced, -1 failed.  Called with md->lock held. */
static int unlink_msg(struct maildrop *md, struct msg *m)
{
	int r = 0;

	for (int attempt = 0; attempt < 2; attempt++) {
		r = unlink_listed(md, m);
		if (r < 0) {
			log_msg("%s/%s: cannot delete: %s", md->path, m->name, strerror(errno));
			return -1;
		}
		if (r > 0 || m->changed || m->gone || !md->maildir)
			break;
		/* A Maildir file may carry new flags under a new name: look again. */
		md->rescan = 1;
		scan_folder(md);
	}
	if (r == 0 && !m->changed)
		m->gone = 1;
	return r;
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

void maildrop_uid(const struct snapshot *snap, const struct msg *m, char buf[17])
{
	/* Written by hand: UIDL of a big mailbox makes one for every message. */
	static const char hex[] = "0123456789abcdef";
	uint64_t v = (uint64_t)snap->validity << 32 | m->uid;

	for (int i = 15; i >= 0; i--, v >>= 4)
		buf[i] = hex[v & 15];
	buf[16] = '\0';
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

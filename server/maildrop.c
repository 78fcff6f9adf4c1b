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
		scan_msg_unref(md->msgs[i]);
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
	if (md == NULL || scan_folder(md) < 0 || registry_add(md) < 0) {
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
	    !scan_same_time(&st.st_mtim, &m->mtime)) {
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
			scan_folder(md);
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
			scan_msg_unref(md->msgs[i]);
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
		scan_folder(md);
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

/* The state file on disk: its folder, reading what is valid, the lock, the merge and the atomic write. */
#include "state.h"
#include "state_int.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Names tried for the temporary file before giving up (one is enough unless a save crashed). */
#define TMP_TRIES 100

int state_dir(char *buf, size_t size)
{
	const char *x = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
	struct passwd *pw;
	int n;

	/* The XDG spec: a relative XDG_STATE_HOME is invalid and ignored. */
	if (x != NULL && x[0] == '/')
		n = snprintf(buf, size, "%s/mailroom", x);
	else if ((home != NULL && home[0] == '/') || ((pw = getpwuid(getuid())) && (home = pw->pw_dir)))
		n = snprintf(buf, size, "%s/.local/state/mailroom", home);
	else
		return -1;
	return n > 0 && (size_t)n < size ? 0 : -1;
}

void state_file_name(const char *account, char *buf, size_t size)
{
	size_t o = 0;

	for (const unsigned char *p = (const unsigned char *)account; *p && o + 4 < size; p++) {
		int keep = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			   (*p >= '0' && *p <= '9') || *p == '@' || *p == '-' || *p == '_' ||
			   (*p == '.' && p != (const unsigned char *)account);

		if (keep)
			buf[o++] = (char)*p;
		else
			o += (size_t)snprintf(buf + o, size - o, "%%%02X", *p);
	}
	buf[o] = '\0';
}

/* Read all of fd (a regular file), at most STATE_FILE_MAX octets; 0 or -1 with errno. */
static int read_all(int fd, char **buf_r, size_t *len_r)
{
	struct stat sb;

	if (fstat(fd, &sb) < 0)
		return -1;
	if (!S_ISREG(sb.st_mode)) {
		errno = EINVAL;
		return -1;
	}
	size_t cap = (size_t)sb.st_size < STATE_FILE_MAX ? (size_t)sb.st_size + 1 : STATE_FILE_MAX;
	char *buf = malloc(cap);
	size_t len = 0;
	ssize_t r = 1;

	while (buf != NULL && len < cap && r != 0) {
		r = read(fd, buf + len, cap - len);
		if (r < 0 && errno != EINTR)
			break;
		len += r > 0 ? (size_t)r : 0;
	}
	if (buf == NULL || r < 0) {
		free(buf);
		return -1;
	}
	*buf_r = buf;
	*len_r = len;
	return 0;
}

/* Parse the file name in folder dirfd (-1: path is whole) into st; ENOENT is an empty file. */
static int read_file(struct state *st, int dirfd, const char *name, size_t *bad_r)
{
	int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	char *buf = NULL;
	size_t len = 0;
	int r;

	*bad_r = 0;
	if (fd < 0)
		return errno == ENOENT ? 0 : -1;
	r = read_all(fd, &buf, &len);
	close(fd);
	if (r == 0 && state_parse(st, buf, len, bad_r) < 0) {
		errno = ENOMEM;
		r = -1;
	}
	free(buf);
	return r;
}

static struct state *state_new(const char *dir, const char *account)
{
	char name[1024];
	struct state *st = calloc(1, sizeof(*st));

	state_file_name(account, name, sizeof(name));
	if (st == NULL || asprintf(&st->path, "%s/%s", dir, name) < 0) {
		free(st);
		return NULL;
	}
	st->dirlen = strlen(dir);
	return st;
}

int state_load(const char *dir, const char *account, struct state **st_r, char *note, size_t nsize)
{
	struct state *st = state_new(dir, account);
	size_t bad = 0;

	note[0] = '\0';
	if (st == NULL) {
		snprintf(note, nsize, "out of memory reading the state file");
		return -1;
	}
	if (read_file(st, AT_FDCWD, st->path, &bad) < 0) {
		if (errno == ENOMEM) {
			state_free(st);
			snprintf(note, nsize, "out of memory reading the state file");
			return -1;
		}
		snprintf(note, nsize, "%s: %s; starting afresh", st->path, strerror(errno));
	} else if (bad > 0) {
		snprintf(note, nsize, "%s: %zu damaged line%s skipped", st->path, bad, bad == 1 ? "" : "s");
	}
	*st_r = st;
	return 0;
}

/* mkdir -p with mode 0700 for what is created; then open the folder and make it 0700; fd or -1. */
static int open_dir(const char *path, size_t len)
{
	char *d = strndup(path, len);
	int fd = -1;
	struct stat sb;

	for (char *p = d ? d + 1 : NULL; p != NULL && (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		mkdir(d, 0700);
		*p = '/';
	}
	if (d != NULL && (mkdir(d, 0700) == 0 || errno == EEXIST))
		fd = open(d, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	free(d);
	if (fd >= 0 && fstat(fd, &sb) == 0 && sb.st_uid == geteuid() && (sb.st_mode & 077))
		fchmod(fd, 0700);
	return fd;
}

/* flock name.lock in dirfd, retrying for STATE_LOCK_WAIT_MS; the fd, or -1 with errno. */
static int lock(int dirfd, const char *name)
{
	char lname[1100];
	struct timespec pause = { 0, 20 * 1000 * 1000 };

	snprintf(lname, sizeof(lname), "%s.lock", name);
	int fd = openat(dirfd, lname, O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0600);

	for (int waited = 0; fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) < 0; waited += 20) {
		if ((errno != EWOULDBLOCK && errno != EINTR) || waited >= STATE_LOCK_WAIT_MS) {
			int e = errno;

			close(fd);
			errno = e;
			return -1;
		}
		nanosleep(&pause, NULL);
	}
	return fd;
}

/* Write buf to a new temporary file in dirfd, fsync it; the fd, or -1 with nothing left. */
static int write_tmp(int dirfd, const char *name, const char *buf, size_t len, char *tmp, size_t tsize)
{
	int fd = -1;

	for (int k = 0; k < TMP_TRIES && fd < 0; k++) {
		snprintf(tmp, tsize, ".%s.tmp-%ld-%d", name, (long)getpid(), k);
		fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd < 0 && errno != EEXIST)
			return -1;
	}
	for (size_t o = 0; fd >= 0 && o < len;) {
		ssize_t w = write(fd, buf + o, len - o);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			goto fail;
		o += (size_t)w;
	}
	if (fd >= 0 && fsync(fd) == 0)
		return fd;
fail:
	if (fd >= 0) {
		int e = errno ? errno : EIO;

		close(fd);
		unlinkat(dirfd, tmp, 0);
		errno = e;
	}
	return -1;
}

/* The atomic write of the merged text: temporary file, fsync, rename, fsync the folder. */
static int write_atomic(int dirfd, const char *name, const char *buf, size_t len)
{
	char tmp[1200];
	int fd = write_tmp(dirfd, name, buf, len, tmp, sizeof(tmp));

	if (fd < 0)
		return -1;
	if (close(fd) < 0 || renameat(dirfd, tmp, dirfd, name) < 0) {
		int e = errno;

		unlinkat(dirfd, tmp, 0);
		errno = e;
		return -1;
	}
	fsync(dirfd);
	return 0;
}

/* Read the file again under the lock, merge, prune, format: the text to write; 0 or -1. */
static int merged_text(struct state *st, int dirfd, const char *name, char **buf_r, size_t *len_r)
{
	struct state *disk = calloc(1, sizeof(*disk));
	size_t bad;
	int r = -1;

	/* A file we cannot read now is replaced by what we know: the load said so already. */
	if (disk != NULL && (read_file(disk, dirfd, name, &bad) == 0 || errno != ENOMEM) &&
	    state_merge(st, disk) == 0) {
		state_prune(st);
		r = state_format(st, buf_r, len_r);
	}
	if (r < 0)
		errno = ENOMEM;
	state_free(disk);
	return r;
}

int state_save(struct state *st, char *err, size_t esize)
{
	const char *name = st->path + st->dirlen + 1, *what = "cannot create the folder";
	int dirfd = open_dir(st->path, st->dirlen), lockfd = -1, ret = -1;
	char *buf = NULL;
	size_t len;

	if (dirfd < 0)
		goto out;
	what = "cannot lock it";
	if ((lockfd = lock(dirfd, name)) < 0)
		goto out;
	what = "cannot merge it";
	if (merged_text(st, dirfd, name, &buf, &len) < 0)
		goto out;
	what = "cannot write it";
	if (write_atomic(dirfd, name, buf, len) < 0)
		goto out;
	for (size_t k = 0; k < st->n; k++)
		st->v[k].base = st->v[k].flags;
	ret = 0;
out:
	if (ret < 0)
		snprintf(err, esize, "%s: %s: %s", st->path, what, strerror(errno));
	free(buf);
	if (lockfd >= 0)
		close(lockfd);
	if (dirfd >= 0)
		close(dirfd);
	return ret;
}

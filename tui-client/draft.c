/* Draft files: a private folder under $XDG_STATE_HOME, new files only, read back without following links. */
#include "draft.h"

#include "save.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Make every missing folder of path (mode 0700, as mkdir -p); 0 or -1. */
static int make_path(char *path)
{
	for (char *p = path + 1;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char c = *p;

		*p = '\0';
		int r = mkdir(path, 0700);

		*p = c;
		if (r < 0 && errno != EEXIST)
			return -1;
		if (c == '\0')
			return 0;
	}
}

/* Open (making it) the folder name inside dirfd, refusing links; the descriptor or -1. */
static int sub_dir(int dirfd, const char *name)
{
	if (mkdirat(dirfd, name, 0700) < 0 && errno != EEXIST)
		return -1;
	return openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

/* The state folder: $XDG_STATE_HOME when absolute, else $HOME/.local/state. */
static int state_home(char *buf, size_t size)
{
	const char *x = getenv("XDG_STATE_HOME"), *home = getenv("HOME");

	if (x != NULL && x[0] == '/')
		return (size_t)snprintf(buf, size, "%s", x) < size ? 0 : -1;
	if (home == NULL || home[0] != '/')
		return -1;
	return (size_t)snprintf(buf, size, "%s/.local/state", home) < size ? 0 : -1;
}

int draft_dir_open(char *dir, size_t size, int *fd_r, char *err, size_t errsize)
{
	char base[4096];
	int b = -1, m = -1, d = -1;
	struct stat st;

	if (state_home(base, sizeof base) < 0) {
		snprintf(err, errsize, "no folder for drafts: set XDG_STATE_HOME or HOME");
		return -1;
	}
	snprintf(dir, size, "%s/mailroom/drafts", base);
	if (make_path(base) < 0 || (b = open(base, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0 ||
	    (m = sub_dir(b, "mailroom")) < 0 || (d = sub_dir(m, "drafts")) < 0 || fstat(d, &st) < 0) {
		snprintf(err, errsize, "%s: %s", dir, strerror(errno));
	} else if (st.st_uid != getuid() || (st.st_mode & 077) != 0) {
		snprintf(err, errsize, "%s: not a private folder of yours (mode %o): drafts are not written there",
			 dir, (unsigned)(st.st_mode & 07777));
		close(d);
		d = -1;
	}
	if (b >= 0)
		close(b);
	if (m >= 0)
		close(m);
	*fd_r = d;
	return d < 0 ? -1 : 0;
}

/* Create a new file kind-DATE-N.txt in the folder; its descriptor or -1. */
static int new_file(struct draft *d, const char *kind)
{
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;

	localtime_r(&now, &tm);
	strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
	for (int n = 1; n < 100; n++) {
		snprintf(d->name, sizeof d->name, "%s-%s-%d.txt", kind, stamp, n);
		int fd = openat(d->dirfd, d->name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);

		if (fd >= 0 || errno != EEXIST)
			return fd;
	}
	return -1;
}

int draft_create(struct draft *d, const char *kind, const char *text, size_t len, char *err,
		 size_t errsize)
{
	char dir[4096];
	int fd;

	memset(d, 0, sizeof(*d));
	if (draft_dir_open(dir, sizeof dir, &d->dirfd, err, errsize) < 0)
		return -1;
	snprintf(d->path, sizeof d->path, "%s/", dir);
	if ((fd = new_file(d, kind)) < 0) {
		snprintf(err, errsize, "%s: %s", dir, strerror(errno));
		draft_close(d);
		return -1;
	}
	snprintf(d->path, sizeof d->path, "%s/%s", dir, d->name);
	if (save_write_all(fd, text, len) < 0 || fsync(fd) < 0 || close(fd) < 0) {
		snprintf(err, errsize, "%s: %s", d->path, strerror(errno));
		draft_remove(d);
		draft_close(d);
		return -1;
	}
	return 0;
}

int draft_read(const struct draft *d, char **text_r, size_t *len_r, char *err, size_t errsize)
{
	int fd = openat(d->dirfd, d->name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	struct stat st;
	char *buf = NULL;
	ssize_t n = 0;

	if (fd < 0 || fstat(fd, &st) < 0) {
		snprintf(err, errsize, "%s: %s", d->path, strerror(errno));
	} else if (!S_ISREG(st.st_mode) || st.st_size > DRAFT_MAX) {
		snprintf(err, errsize, "%s: not a regular file of at most %d MB", d->path, DRAFT_MAX >> 20);
	} else if ((buf = malloc((size_t)st.st_size + 1)) == NULL) {
		snprintf(err, errsize, "out of memory");
	} else {
		/* An editor replaces the file or writes it in place: read what is there now. */
		size_t len = 0;

		while (len < (size_t)st.st_size && (n = read(fd, buf + len, (size_t)st.st_size - len)) > 0)
			len += (size_t)n;
		if (n < 0) {
			snprintf(err, errsize, "%s: %s", d->path, strerror(errno));
			free(buf);
			buf = NULL;
		} else {
			buf[len] = '\0';
			*len_r = len;
		}
	}
	if (fd >= 0)
		close(fd);
	*text_r = buf;
	return buf != NULL ? 0 : -1;
}

void draft_remove(struct draft *d)
{
	if (d->dirfd >= 0 && d->name[0] != '\0')
		unlinkat(d->dirfd, d->name, 0);
	d->name[0] = '\0';
}

void draft_close(struct draft *d)
{
	if (d->dirfd >= 0)
		close(d->dirfd);
	d->dirfd = -1;
}

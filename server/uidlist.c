/* Load and save the UID list (one line a message, written durably) under the lock that processes share. */
#include "maildrop.h"
#include "params.h"
#include "uidlist.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define HEADER "mailroom-uidlist 1"
#define LIST_FILE "uidlist"
#define TEMP_FILE "uidlist.new"
#define LOCK_FILE "lock"

/* Names go into the file with bytes outside 0x21..0x7E and '%' as %XX. */
static void put_escaped(FILE *f, const char *s)
{
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch <= 0x20 || ch >= 0x7f || ch == '%')
			fprintf(f, "%%%02X", ch);
		else
			putc(ch, f);
	}
}

static int hexval(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	return -1;
}

/* Undo put_escaped in place; -1 on a bad escape. */
static int unescape(char *s)
{
	char *o = s;

	for (; *s; s++) {
		if (*s != '%') {
			*o++ = *s;
			continue;
		}
		int hi = hexval(s[1]), lo = hi < 0 ? -1 : hexval(s[2]);

		if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
			return -1;
		*o++ = (char)(hi * 16 + lo);
		s += 2;
	}
	*o = '\0';
	return 0;
}

static int parse_rec(char *line, struct uid_rec *r)
{
	unsigned long long wire, size, ino;
	long long sec;
	int off = 0;

	if (sscanf(line, "%" SCNu32 " %llu %llu %llu %lld %ld %n", &r->uid, &wire, &size, &ino, &sec,
		   &r->mt_nsec, &off) != 6 || off == 0 || line[off] == '\0')
		return -1;
	char *name = line + off;

	name[strcspn(name, "\n")] = '\0';
	if (unescape(name) < 0 || r->uid == 0)
		return -1;
	r->wire = wire;
	r->size = (off_t)size;
	r->ino = (ino_t)ino;
	r->mt_sec = sec;
	r->key = strdup(name);
	return r->key ? 0 : -1;
}

static int cmp_uid(const void *a, const void *b)
{
	const struct uid_rec *x = a, *y = b;

	return x->uid < y->uid ? -1 : x->uid > y->uid;
}

/* Every UID below next_uid and none twice, or the list cannot be trusted. */
static int check_uids(struct uid_table *t)
{
	if (t->n > 1)
		qsort(t->recs, t->n, sizeof(*t->recs), cmp_uid);
	for (size_t i = 0; i < t->n; i++) {
		if (t->recs[i].uid >= t->next_uid) {
			t->why = "an id is not below the next id";
			return -1;
		}
		if (i > 0 && t->recs[i].uid == t->recs[i - 1].uid) {
			t->why = "an id is given twice";
			return -1;
		}
	}
	return 0;
}

static int read_records(FILE *f, struct uid_table *t)
{
	char *line = NULL;
	size_t cap = 0, alloc = 0;
	int ret = -1;

	t->why = "a line cannot be read";
	while (getline(&line, &cap, f) > 0) {
		if (t->n == alloc) {
			alloc = alloc ? alloc * 2 : 256;
			struct uid_rec *nr = realloc(t->recs, alloc * sizeof(*nr));

			if (nr == NULL)
				goto out;
			t->recs = nr;
		}
		if (parse_rec(line, &t->recs[t->n]) < 0)
			goto out;
		t->n++;
	}
	if (!ferror(f) && feof(f))
		ret = check_uids(t);
out:
	free(line);
	return ret;
}

/* The header: validity and next id, both plausible.  -1 with t->why set otherwise. */
static int read_header(FILE *f, struct uid_table *t)
{
	char head[64];
	unsigned long validity = 0, next = 0;

	t->why = "bad header";
	if (fgets(head, sizeof(head), f) == NULL ||
	    sscanf(head, HEADER " %lu %lu", &validity, &next) != 2 || validity == 0 ||
	    validity > UINT32_MAX || next == 0 || next > UINT32_MAX)
		return -1;
	t->validity = (uint32_t)validity;
	t->next_uid = (uint32_t)next;
	if (next > UIDLIST_UID_MAX) {
		t->why = "unique-ids exhausted";
		return -1;
	}
	return 0;
}

static void stamp_of(const struct stat *st, const struct uid_table *t, struct uidlist_stamp *s)
{
	s->dev = st->st_dev;
	s->ino = st->st_ino;
	s->size = st->st_size;
	s->mtime = st->st_mtim;
	s->validity = t->validity;
	s->next_uid = t->next_uid;
}

static int same_stamp(const struct uidlist_stamp *a, const struct uidlist_stamp *b)
{
	return a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
	       a->mtime.tv_sec == b->mtime.tv_sec && a->mtime.tv_nsec == b->mtime.tv_nsec &&
	       a->validity == b->validity && a->next_uid == b->next_uid;
}

/* A refused list: keep a validity floor, drop the rest. */
static enum uidlist_read refuse(struct uid_table *t, const struct stat *st)
{
	/*
	 * Every validity this list ever held was chosen no later than its last write,
	 * so one past that time cannot repeat any of them.
	 */
	uint32_t old = t->validity;
	const char *why = t->why;

	if ((uint32_t)st->st_mtime > old)
		old = (uint32_t)st->st_mtime;
	uidlist_free(t);
	t->validity = old;
	t->why = why;
	return UIDLIST_CORRUPT;
}

enum uidlist_read uidlist_load(int dirfd, const struct uidlist_stamp *last, struct uid_table *t,
			       struct uidlist_stamp *stamp_r)
{
	struct stat st;
	enum uidlist_read ret = UIDLIST_CORRUPT;

	memset(t, 0, sizeof(*t));
	int fd = openat(dirfd, LIST_FILE, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0) {
		t->why = "cannot be opened";
		return errno == ENOENT ? UIDLIST_MISSING : UIDLIST_CORRUPT;
	}
	FILE *f = fdopen(fd, "r");

	if (f == NULL) {
		close(fd);
		t->why = "cannot be read";
		return UIDLIST_CORRUPT;
	}
	memset(&st, 0, sizeof(st));
	t->why = "not a regular file";
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || read_header(f, t) < 0)
		goto out;
	stamp_of(&st, t, stamp_r);
	if (last != NULL && same_stamp(last, stamp_r)) {
		ret = UIDLIST_SAME;
		goto out;
	}
	if (read_records(f, t) == 0) {
		t->why = NULL;
		ret = UIDLIST_LOADED;
	}
out:
	if (ret == UIDLIST_CORRUPT)
		refuse(t, &st);
	fclose(f);
	return ret;
}

void uidlist_free(struct uid_table *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->recs[i].key);
	free(t->recs);
	memset(t, 0, sizeof(*t));
}

static int write_records(FILE *f, uint32_t validity, uint32_t next_uid, struct msg *const *msgs,
			 size_t n)
{
	fprintf(f, HEADER " %" PRIu32 " %" PRIu32 "\n", validity, next_uid);
	for (size_t i = 0; i < n; i++) {
		const struct msg *m = msgs[i];

		fprintf(f, "%" PRIu32 " %llu %llu %llu %lld %ld ", m->uid, (unsigned long long)m->wire,
			(unsigned long long)m->size, (unsigned long long)m->ino,
			(long long)m->mtime.tv_sec, (long)m->mtime.tv_nsec);
		put_escaped(f, m->key);
		putc('\n', f);
	}
	return ferror(f) ? -1 : 0;
}

/* Wait for the coarse clock to tick: a few ms, once per folder ever. */
static void wait_tick(void)
{
	struct timespec made, now;

	clock_gettime(CLOCK_REALTIME_COARSE, &made);
	do {
		struct timespec pause = { 0, 1000 * 1000 };

		nanosleep(&pause, NULL);
		clock_gettime(CLOCK_REALTIME_COARSE, &now);
	} while (now.tv_sec == made.tv_sec && now.tv_nsec == made.tv_nsec);
}

/* Make .pop3 in the folder and make its name durable there.  0 when made, -1 with errno. */
static int make_dir(int folder)
{
	if (mkdirat(folder, UIDLIST_DIR, 0700) < 0)
		return -1;
	fsync(folder);
	return 0;
}

void uidlist_prepare(int folder)
{
	/*
	 * Making it changed the folder's mtime in this tick of the coarse clock; let the
	 * tick pass so the scan can trust that mtime.
	 */
	if (make_dir(folder) == 0)
		wait_tick();
}

static int open_dir(int folder)
{
	int flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
	int fd = openat(folder, UIDLIST_DIR, flags);

	if (fd < 0 && errno == ENOENT && (make_dir(folder) == 0 || errno == EEXIST))
		fd = openat(folder, UIDLIST_DIR, flags);
	return fd;
}

/* Take the write lock, polling: F_OFD_SETLKW could wait for ever on a hostile holder. */
static int lock_wait(int fd)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	long waited = 0, pause = 1;

	while (fcntl(fd, F_OFD_SETLK, &fl) < 0) {
		if (errno != EAGAIN && errno != EACCES && errno != EINTR)
			return -1;
		if (waited >= POP3_UIDLIST_LOCK_WAIT_MS) {
			errno = ETIMEDOUT;
			return -1;
		}
		struct timespec ts = { 0, pause * 1000 * 1000 };

		nanosleep(&ts, NULL);
		waited += pause;
		pause = pause < 32 ? pause * 2 : 32;
	}
	return 0;
}

int uidlist_lock(int folder, struct uidlist_lock *lk)
{
	struct stat st;
	int e;

	lk->fd = -1;
	lk->dirfd = open_dir(folder);
	if (lk->dirfd < 0)
		return -1;
	lk->fd = openat(lk->dirfd, LOCK_FILE, O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC,
			0600);
	if (lk->fd >= 0 && fstat(lk->fd, &st) == 0 && !S_ISREG(st.st_mode))
		errno = EINVAL;	/* a FIFO or device put there: refuse it */
	else if (lk->fd >= 0 && lock_wait(lk->fd) == 0)
		return 0;
	e = errno;
	uidlist_unlock(lk);
	errno = e;
	return -1;
}

void uidlist_unlock(struct uidlist_lock *lk)
{
	/* Closing the only descriptor of the open file description releases its lock. */
	if (lk->fd >= 0)
		close(lk->fd);
	if (lk->dirfd >= 0)
		close(lk->dirfd);
	lk->fd = lk->dirfd = -1;
}

/* Write, flush and fsync the records into fd; fills *stamp_r.  Closes fd. */
static int write_file(int fd, uint32_t validity, uint32_t next_uid, struct msg *const *msgs,
		      size_t n, struct uidlist_stamp *stamp_r)
{
	struct stat st;
	struct uid_table t = { .validity = validity, .next_uid = next_uid };
	FILE *f = fdopen(fd, "w");

	if (f == NULL) {
		close(fd);
		return -1;
	}
	/* 100,000 lines are a few large writes, not thousands of 4 KiB ones. */
	setvbuf(f, NULL, _IOFBF, 1 << 20);
	if (write_records(f, validity, next_uid, msgs, n) < 0 || fflush(f) != 0 ||
	    fsync(fd) < 0 || fstat(fd, &st) < 0) {
		int e = errno;

		fclose(f);
		errno = e;
		return -1;
	}
	stamp_of(&st, &t, stamp_r);
	return fclose(f);
}

int uidlist_save(int dirfd, uint32_t validity, uint32_t next_uid, struct msg *const *msgs,
		 size_t n, struct uidlist_stamp *stamp_r)
{
	/* Under the lock no other writer uses the temporary name: a leftover is from a crash. */
	unlinkat(dirfd, TEMP_FILE, 0);
	int fd = openat(dirfd, TEMP_FILE, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);

	if (fd < 0)
		return -1;
	if (write_file(fd, validity, next_uid, msgs, n, stamp_r) < 0 ||
	    renameat(dirfd, TEMP_FILE, dirfd, LIST_FILE) < 0) {
		int e = errno ? errno : EIO;

		unlinkat(dirfd, TEMP_FILE, 0);
		errno = e;
		return -1;
	}
	/* The rename is durable only once the folder holding both names is synced. */
	return fsync(dirfd);
}

/* Load and save the UID list: one line a message, written to a temporary file and renamed. */
#include "uidlist.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define HEADER "mailroom-uidlist 1"

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
		if (t->recs[i].uid >= t->next_uid)
			return -1;
		if (i > 0 && t->recs[i].uid == t->recs[i - 1].uid)
			return -1;
	}
	return 0;
}

static int read_records(FILE *f, struct uid_table *t)
{
	char *line = NULL;
	size_t cap = 0, alloc = 0;

	while (getline(&line, &cap, f) > 0) {
		if (t->n == alloc) {
			alloc = alloc ? alloc * 2 : 256;
			struct uid_rec *nr = realloc(t->recs, alloc * sizeof(*nr));

			if (nr == NULL)
				break;
			t->recs = nr;
		}
		if (parse_rec(line, &t->recs[t->n]) < 0) {
			free(line);
			return -1;
		}
		t->n++;
	}
	free(line);
	return ferror(f) || !feof(f) ? -1 : check_uids(t);
}

int uidlist_load(const char *dir, struct uid_table *t)
{
	char path[PATH_MAX], head[64];
	unsigned long validity = 0, next = 0;
	int ret = -1;

	memset(t, 0, sizeof(*t));
	snprintf(path, sizeof(path), "%s/%s", dir, UIDLIST_NAME);
	FILE *f = fopen(path, "re");

	if (f == NULL)
		return errno == ENOENT ? 1 : -1;
	if (fgets(head, sizeof(head), f) == NULL ||
	    sscanf(head, HEADER " %lu %lu", &validity, &next) != 2 || validity == 0 ||
	    validity > UINT32_MAX || next == 0 || next > UINT32_MAX)
		goto out;
	t->validity = (uint32_t)validity;
	t->next_uid = (uint32_t)next;
	ret = read_records(f, t);
out:
	if (ret < 0) {
		/*
		 * Every validity this list ever held was chosen no later than its last
		 * write, so one past that time cannot repeat any of them.
		 */
		struct stat st;
		uint32_t old = t->validity;

		if (fstat(fileno(f), &st) == 0 && (uint32_t)st.st_mtime > old)
			old = (uint32_t)st.st_mtime;
		uidlist_free(t);
		t->validity = old;
	}
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

void uidlist_prepare(const char *dir)
{
	char path[PATH_MAX];
	struct timespec made, now;

	snprintf(path, sizeof(path), "%s/%s", dir, UIDLIST_DIR);
	if (mkdir(path, 0700) < 0)
		return;
	/*
	 * Making it changed the folder's mtime in this tick of the coarse clock; let the
	 * tick pass (a few ms, once per folder ever) so the scan can trust that mtime.
	 */
	clock_gettime(CLOCK_REALTIME_COARSE, &made);
	do {
		struct timespec pause = { 0, 1000 * 1000 };

		nanosleep(&pause, NULL);
		clock_gettime(CLOCK_REALTIME_COARSE, &now);
	} while (now.tv_sec == made.tv_sec && now.tv_nsec == made.tv_nsec);
}

int uidlist_save(const char *dir, uint32_t validity, uint32_t next_uid, struct msg *const *msgs,
		 size_t n, int maildir)
{
	char path[PATH_MAX], tmp[PATH_MAX];
	int ret = -1, e = 0;

	(void)maildir;
	snprintf(path, sizeof(path), "%s/%s", dir, UIDLIST_DIR);
	if (mkdir(path, 0700) < 0 && errno != EEXIST)
		return -1;
	snprintf(path, sizeof(path), "%s/%s", dir, UIDLIST_NAME);
	snprintf(tmp, sizeof(tmp), "%s/%s.%ld.%lx", dir, UIDLIST_NAME, (long)getpid(),
		 (unsigned long)pthread_self());
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

	if (fd < 0)
		return -1;
	FILE *f = fdopen(fd, "w");

	if (f == NULL) {
		e = errno;
		close(fd);
		goto out;
	}
	/* 100,000 lines are a few large writes, not thousands of 4 KiB ones. */
	setvbuf(f, NULL, _IOFBF, 1 << 20);
	if (write_records(f, validity, next_uid, msgs, n) < 0 || fflush(f) != 0 ||
	    fsync(fileno(f)) < 0) {
		e = errno;
		fclose(f);
		goto out;
	}
	if (fclose(f) != 0 || rename(tmp, path) < 0) {
		e = errno;
		goto out;
	}
	ret = 0;
out:
	if (ret < 0) {
		unlink(tmp);
		errno = e ? e : EIO;
	}
	return ret;
}

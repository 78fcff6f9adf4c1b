/* Unit tests for server/uidlist.c and uidsync.c: load, corrupt and implausible lists, overflow, save failure, the lock. */
#include "harness.h"
#include "maildrop.h"
#include "uidlist.h"
#include "uidsync.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[PATH_MAX];

/* uidlist_lock on the scratch folder, by its descriptor as the server passes it. */
static int lock_dir(struct uidlist_lock *lk)
{
	int folder = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), r, e;

	CHECK(folder >= 0);
	r = uidlist_lock(folder, lk);
	e = errno;
	close(folder);
	errno = e;
	return r;
}

/* A fresh scratch folder with .pop3/ in it; its path in dir. */
static void scratch(void)
{
	char sub[PATH_MAX + 8];

	snprintf(dir, sizeof(dir), "%s/uidlist.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	CHECK(mkdtemp(dir) != NULL);
	snprintf(sub, sizeof(sub), "%s/.pop3", dir);
	CHECK(mkdir(sub, 0700) == 0);
}

static void cleanup(void)
{
	char cmd[PATH_MAX + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	CHECK(system(cmd) == 0);
}

static void put_file(const char *name, const char *text)
{
	char path[PATH_MAX * 2];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "w");

	CHECK(f != NULL);
	if (f != NULL) {
		fputs(text, f);
		fclose(f);
	}
}

static char *get_file(const char *name)
{
	static char buf[4096];
	char path[PATH_MAX * 2];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "r");
	size_t n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;

	if (f)
		fclose(f);
	buf[n] = '\0';
	return f ? buf : NULL;
}

static struct msg mk(const char *key, uint32_t uid, off_t size)
{
	struct msg m = { .name = (char *)key, .key = (char *)key, .ino = 1000 + uid, .size = size,
			 .wire = (uint64_t)size + 2, .uid = uid };

	m.mtime.tv_sec = 1700000000;
	m.mtime.tv_nsec = 5;
	return m;
}

/* Load under the lock, as the server does. */
static enum uidlist_read load(const struct uidlist_stamp *last, struct uid_table *t,
			      struct uidlist_stamp *stamp)
{
	struct uidlist_lock lk;
	enum uidlist_read r = UIDLIST_CORRUPT;

	CHECK(lock_dir(&lk) == 0);
	if (lk.dirfd >= 0)
		r = uidlist_load(lk.dirfd, last, t, stamp);
	uidlist_unlock(&lk);
	return r;
}

static int save(uint32_t validity, uint32_t next, struct msg *const *msgs, size_t n,
		struct uidlist_stamp *stamp)
{
	struct uidlist_lock lk;
	int r = -1, e = 0;

	CHECK(lock_dir(&lk) == 0);
	if (lk.dirfd >= 0) {
		r = uidlist_save(lk.dirfd, validity, next, msgs, n, stamp);
		e = errno;
	}
	uidlist_unlock(&lk);
	errno = e;
	return r;
}

static void test_round_trip(void)
{
	struct msg a = mk("msg1", 1, 10), b = mk("odd name %41\x01", 7, 20);
	struct msg *msgs[] = { &a, &b };
	struct uidlist_stamp st, st2;
	struct uid_table t;

	scratch();
	CHECK(save(1234, 8, msgs, 2, &st) == 0);
	CHECK(st.validity == 1234 && st.next_uid == 8);
	CHECK(load(NULL, &t, &st2) == UIDLIST_LOADED);
	CHECK(t.validity == 1234 && t.next_uid == 8 && t.n == 2);
	if (t.n == 2) {
		CHECK_STR(t.recs[0].key, "msg1");
		CHECK(t.recs[0].uid == 1 && t.recs[0].size == 10 && t.recs[0].wire == 12);
		CHECK(t.recs[0].ino == 1001 && t.recs[0].mt_sec == 1700000000 && t.recs[0].mt_nsec == 5);
		CHECK_STR(t.recs[1].key, "odd name %41\x01");
		CHECK(t.recs[1].uid == 7);
	}
	uidlist_free(&t);
	/* Unchanged since this process wrote it: nothing is read. */
	CHECK(load(&st, &t, &st2) == UIDLIST_SAME);
	CHECK(t.n == 0);
	CHECK(get_file(".pop3/uidlist.new") == NULL);
	cleanup();
}

static void test_missing(void)
{
	struct uidlist_stamp st;
	struct uid_table t;

	scratch();
	CHECK(load(NULL, &t, &st) == UIDLIST_MISSING);
	cleanup();
}

/* Another writer's list is seen as changed even when inode, size and mtime could match. */
static void test_change_seen(void)
{
	struct msg a = mk("msg1", 1, 10), b = mk("msg2", 2, 10);
	struct msg *one[] = { &a }, *two[] = { &a, &b };
	struct uidlist_stamp mine, theirs, now;
	struct uid_table t;

	scratch();
	CHECK(save(99, 2, one, 1, &mine) == 0);
	CHECK(save(99, 3, two, 2, &theirs) == 0);
	CHECK(load(&mine, &t, &now) == UIDLIST_LOADED);
	CHECK(t.n == 2 && t.next_uid == 3);
	uidlist_free(&t);
	/* Only the header differs from the stamp: still read. */
	mine = theirs;
	mine.next_uid = 2;
	CHECK(load(&mine, &t, &now) == UIDLIST_LOADED);
	uidlist_free(&t);
	cleanup();
}

static enum uidlist_read load_text(const char *text, struct uid_table *t)
{
	struct uidlist_stamp st;

	put_file(".pop3/uidlist", text);
	return load(NULL, t, &st);
}

static void test_corrupt(void)
{
	static const char *const bad[] = {
		"",
		"garbage\n",
		"mailroom-uidlist 1 0 5\n",			/* validity 0 */
		"mailroom-uidlist 1 7 0\n",			/* next id 0 */
		"mailroom-uidlist 1 7 99999999999\n",		/* next id past 32 bits */
		"mailroom-uidlist 1 7 5\n1 10 10 1 1 1\n",	/* no name */
		"mailroom-uidlist 1 7 5\n0 10 10 1 1 1 a\n",	/* id 0 */
		"mailroom-uidlist 1 7 5\n1 10 10 1 1 1 a%0\n",	/* bad escape */
		"mailroom-uidlist 1 7 5\n1 10 10 1 1 1 a%00\n",	/* NUL in a name */
	};

	scratch();
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		struct uid_table t;

		CHECK(load_text(bad[i], &t) == UIDLIST_CORRUPT);
		CHECK(t.n == 0 && t.recs == NULL && t.why != NULL);
		/* The floor: no lower than the file's mtime, so a new validity is greater. */
		CHECK(t.validity >= 1700000000u);
	}
	cleanup();
}

static void test_implausible_header(void)
{
	struct uid_table t;

	scratch();
	/* An id not below the next id: the next id could be given again. */
	CHECK(load_text("mailroom-uidlist 1 7 3\n1 10 10 1 1 1 a\n3 10 10 2 1 1 b\n", &t) ==
	      UIDLIST_CORRUPT);
	CHECK_STR(t.why, "an id is not below the next id");
	CHECK(t.validity >= 7);
	/* One id for two messages. */
	CHECK(load_text("mailroom-uidlist 1 7 9\n4 10 10 1 1 1 a\n4 10 10 2 1 1 b\n", &t) ==
	      UIDLIST_CORRUPT);
	CHECK_STR(t.why, "an id is given twice");
	/* A plausible one loads. */
	CHECK(load_text("mailroom-uidlist 1 7 9\n4 10 10 1 1 1 a\n8 10 10 2 1 1 b\n", &t) ==
	      UIDLIST_LOADED);
	CHECK(t.n == 2);
	uidlist_free(&t);
	cleanup();
}

static void test_overflow(void)
{
	struct uid_table t;
	struct msg a = mk("a", 0, 1), b = mk("b", 0, 1), c = mk("c", 0, 1);
	struct msg *msgs[] = { &a, &b, &c };
	struct uid_plan p = { .next_uid = UIDLIST_UID_MAX - 2 };

	scratch();
	CHECK(load_text("mailroom-uidlist 1 7 4294967295\n", &t) == UIDLIST_CORRUPT);
	CHECK_STR(t.why, "unique-ids exhausted");
	CHECK(load_text("mailroom-uidlist 1 7 4294967294\n1 10 10 1 1 1 a\n", &t) == UIDLIST_LOADED);
	uidlist_free(&t);
	/* Three new ids from UIDLIST_UID_MAX - 2 would pass the last one: refused, none given. */
	CHECK(uidsync_assign(&p, msgs, 3) < 0);
	CHECK(a.uid == 0 && b.uid == 0 && c.uid == 0);
	/* Two fit: the next id ends at UIDLIST_UID_MAX, which a later load accepts. */
	CHECK(uidsync_assign(&p, msgs, 2) == 0);
	CHECK(a.uid == UIDLIST_UID_MAX - 2 && b.uid == UIDLIST_UID_MAX - 1);
	CHECK(p.next_uid == UIDLIST_UID_MAX && p.fresh == 2);
	cleanup();
}

/* A save that fails leaves the old list whole and no temporary file. */
static void test_save_failure_temp_blocked(void)
{
	struct msg a = mk("msg1", 1, 10), b = mk("msg2", 2, 10);
	struct msg *one[] = { &a }, *two[] = { &a, &b };
	struct uidlist_stamp st;
	char path[PATH_MAX * 2], before[4096];

	scratch();
	CHECK(save(5, 2, one, 1, &st) == 0);
	snprintf(before, sizeof(before), "%s", get_file(".pop3/uidlist"));
	/* A folder in place of the temporary name: works the same for root. */
	snprintf(path, sizeof(path), "%s/.pop3/uidlist.new", dir);
	CHECK(mkdir(path, 0700) == 0);
	CHECK(save(5, 3, two, 2, &st) < 0);
	CHECK(errno != 0);
	CHECK_STR(get_file(".pop3/uidlist"), before);
	cleanup();
}

/* A full disk, as a file size limit gives it: EFBIG instead of ENOSPC, for root too. */
static void test_save_failure_file_too_big(void)
{
	struct msg m[200], *msgs[200];
	char keys[200][40];
	struct uidlist_stamp st;
	struct rlimit old, small;
	char before[4096];

	scratch();
	CHECK(save(5, 1, NULL, 0, &st) == 0);
	snprintf(before, sizeof(before), "%s", get_file(".pop3/uidlist"));
	for (int i = 0; i < 200; i++) {
		snprintf(keys[i], sizeof(keys[i]), "message-with-a-long-name-%d", i);
		m[i] = mk(keys[i], (uint32_t)i + 1, 100);
		msgs[i] = &m[i];
	}
	signal(SIGXFSZ, SIG_IGN);
	CHECK(getrlimit(RLIMIT_FSIZE, &old) == 0);
	small = old;
	small.rlim_cur = 4096;	/* the soft limit only, so that it can be raised again */
	CHECK(setrlimit(RLIMIT_FSIZE, &small) == 0);
	int r = save(5, 201, msgs, 200, &st), e = errno;

	CHECK(setrlimit(RLIMIT_FSIZE, &old) == 0);
	signal(SIGXFSZ, SIG_DFL);
	CHECK(r < 0 && e == EFBIG);
	CHECK_STR(get_file(".pop3/uidlist"), before);
	CHECK(get_file(".pop3/uidlist.new") == NULL);
	cleanup();
}

/* The lock excludes another open file description, in this process as in another. */
static void test_lock_excludes(void)
{
	struct uidlist_lock lk;
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	char path[PATH_MAX * 2];

	scratch();
	CHECK(lock_dir(&lk) == 0);
	snprintf(path, sizeof(path), "%s/.pop3/lock", dir);
	int fd = open(path, O_RDWR | O_CLOEXEC);

	CHECK(fd >= 0);
	CHECK(fcntl(fd, F_OFD_SETLK, &fl) < 0 && (errno == EAGAIN || errno == EACCES));
	uidlist_unlock(&lk);
	CHECK(fcntl(fd, F_OFD_SETLK, &fl) == 0);
	close(fd);
	cleanup();
}

/* .pop3 as a symlink, or a FIFO as the lock file, is refused rather than followed or opened. */
static void test_lock_refuses_links_and_fifos(void)
{
	struct uidlist_lock lk;
	char path[PATH_MAX * 2], other[PATH_MAX * 2];

	scratch();
	snprintf(path, sizeof(path), "%s/.pop3/lock", dir);
	CHECK(mkfifo(path, 0600) == 0);
	CHECK(lock_dir(&lk) < 0);
	CHECK(lk.fd < 0 && lk.dirfd < 0);
	unlink(path);
	snprintf(path, sizeof(path), "%s/.pop3", dir);
	snprintf(other, sizeof(other), "%s/elsewhere", dir);
	CHECK(rename(path, other) == 0);
	CHECK(symlink("elsewhere", path) == 0);
	CHECK(lock_dir(&lk) < 0);
	cleanup();
}

/* A missing .pop3 is made by the lock. */
static void test_lock_makes_folder(void)
{
	struct uidlist_lock lk;
	struct stat st;
	char path[PATH_MAX * 2];

	scratch();
	snprintf(path, sizeof(path), "%s/.pop3", dir);
	CHECK(rmdir(path) == 0);
	CHECK(lock_dir(&lk) == 0);
	uidlist_unlock(&lk);
	CHECK(stat(path, &st) == 0 && S_ISDIR(st.st_mode));
	cleanup();
}

TEST_MAIN("server_uidlist",
	  TEST(test_round_trip),
	  TEST(test_missing),
	  TEST(test_change_seen),
	  TEST(test_corrupt),
	  TEST(test_implausible_header),
	  TEST(test_overflow),
	  TEST(test_save_failure_temp_blocked),
	  TEST(test_save_failure_file_too_big),
	  TEST(test_lock_excludes),
	  TEST(test_lock_refuses_links_and_fifos),
	  TEST(test_lock_makes_folder))

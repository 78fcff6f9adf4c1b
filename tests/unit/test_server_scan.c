/* Unit tests of the scan and the maildrop on a hostile folder: only regular files, never past their size. */
#include "harness.h"
#include "maildrop.h"
#include "message.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

static char scratch[] = "/tmp/test_server_scan.XXXXXX";

/* scratch/name into a static buffer (one at a time is enough here). */
static const char *at(const char *name)
{
	static char buf[4][512];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", scratch, name);
	return buf[i];
}

static void put(const char *path, const char *data)
{
	FILE *f = fopen(path, "wb");

	CHECK(f != NULL);
	if (f == NULL)
		return;
	fputs(data, f);
	fclose(f);
}

/* A fresh folder scratch/name with msg1 in it. */
static const char *folder(const char *name)
{
	const char *d = at(name);
	char p[600];

	mkdir(d, 0700);
	snprintf(p, sizeof(p), "%s/msg1", d);
	put(p, "Subject: one\n\nbody\n");
	return d;
}

/* The names a snapshot of dir lists, joined by spaces. */
static void listed(const char *dir, char *out, size_t size)
{
	struct maildrop *md = maildrop_open(dir, 0);
	struct snapshot snap;

	out[0] = '\0';
	CHECK(md != NULL);
	if (md == NULL)
		return;
	CHECK(maildrop_snapshot(md, &snap) == 0);
	for (size_t i = 0; i < snap.count; i++)
		snprintf(out + strlen(out), size - strlen(out), "%s%s", i ? " " : "", snap.msgs[i]->name);
	maildrop_snapshot_free(md, &snap);
	maildrop_release(md);
}

static void test_setup(void)
{
	CHECK(mkdtemp(scratch) != NULL);
	put(at("secret"), "root:x:0:0:MARKER\n");
}

static void test_symlink_skipped(void)
{
	char names[256];
	const char *d = folder("links");
	char p[600];

	snprintf(p, sizeof(p), "%s/msg2", d);
	CHECK(symlink(at("secret"), p) == 0);
	snprintf(p, sizeof(p), "%s/msg3", d);
	CHECK(symlink("/proc/self/environ", p) == 0);
	listed(d, names, sizeof(names));
	CHECK_STR(names, "msg1");
}

static void test_fifo_skipped(void)
{
	char names[256];
	const char *d = folder("fifo");
	char p[600];

	snprintf(p, sizeof(p), "%s/msg0", d);
	CHECK(mkfifo(p, 0600) == 0);
	listed(d, names, sizeof(names));	/* would hang here if the FIFO were opened */
	CHECK_STR(names, "msg1");
}

static void test_special_skipped(void)
{
	char names[256];
	const char *d = folder("special");
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int s = socket(AF_UNIX, SOCK_STREAM, 0);
	char p[600];

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/msg5", d);
	CHECK(s >= 0 && bind(s, (struct sockaddr *)&sa, sizeof(sa)) == 0);
	snprintf(p, sizeof(p), "%s/msg6", d);
	CHECK(mkdir(p, 0700) == 0);
	listed(d, names, sizeof(names));
	CHECK_STR(names, "msg1");
	close(s);
}

static void test_wire_size_bounded(void)
{
	char buf[4];
	uint64_t wire = 0;
	int fd;

	put(at("lines"), "ab\ncd\nef\n");
	fd = open(at("lines"), O_RDONLY);
	/* Only "ab\ncd" counts: 5 octets, one LF made CRLF, the open last line closed by CRLF. */
	CHECK(message_wire_size(fd, 5, buf, sizeof(buf), &wire) == 0);
	CHECK(wire == 8);
	CHECK(lseek(fd, 0, SEEK_CUR) == 5);
	lseek(fd, 0, SEEK_SET);
	errno = 0;
	CHECK(message_wire_size(fd, 20, buf, sizeof(buf), &wire) == -1 && errno == ENODATA);
	close(fd);
}

/* RETR's open: a message replaced by a symlink or a FIFO is refused at once. */
static void test_open_replaced(void)
{
	const char *d = folder("replaced");
	struct maildrop *md = maildrop_open(d, 0);
	struct snapshot snap;
	enum maildrop_err why;
	int fd;
	char p[600];

	CHECK(md != NULL && maildrop_snapshot(md, &snap) == 0 && snap.count == 1);
	if (md == NULL)
		return;
	snprintf(p, sizeof(p), "%s/msg1", d);
	CHECK(unlink(p) == 0 && symlink(at("secret"), p) == 0);
	CHECK(maildrop_open_msg(md, snap.msgs[0], &fd, &why) == -1 && why == MAILDROP_CHANGED);
	CHECK(unlink(p) == 0 && mkfifo(p, 0600) == 0);
	CHECK(maildrop_open_msg(md, snap.msgs[0], &fd, &why) == -1 && why == MAILDROP_CHANGED);
	maildrop_snapshot_free(md, &snap);
	maildrop_release(md);
}

/* QUIT's commit: a newer file under a deleted message's name stays. */
static void test_commit_replaced(void)
{
	const char *d = folder("commit");
	struct maildrop *md = maildrop_open(d, 0);
	struct snapshot snap;
	unsigned deleted = 9;
	char p[600], tmp[600];
	struct stat st;

	CHECK(md != NULL && maildrop_snapshot(md, &snap) == 0 && snap.count == 1);
	if (md == NULL)
		return;
	snprintf(p, sizeof(p), "%s/msg1", d);
	snprintf(tmp, sizeof(tmp), "%s/.new", d);
	put(tmp, "Subject: newer\n\nkeep\n");
	CHECK(rename(tmp, p) == 0);
	CHECK(maildrop_commit(md, snap.msgs, 1, &deleted) == 0 && deleted == 0);
	CHECK(stat(p, &st) == 0 && st.st_size == 21);
	maildrop_snapshot_free(md, &snap);
	maildrop_release(md);
}

/* Two names for one folder share one index; a symlink is refused under MAILDROP_NOFOLLOW. */
static void test_one_index_per_folder(void)
{
	const char *d = folder("real");
	struct maildrop *a = maildrop_open(d, 0), *b;

	CHECK(symlink(d, at("alias")) == 0);
	b = maildrop_open(at("alias"), 0);
	CHECK(a != NULL && a == b);
	errno = 0;
	CHECK(maildrop_open(at("alias"), MAILDROP_NOFOLLOW) == NULL && errno == ELOOP);
	if (b != NULL)
		maildrop_release(b);
	if (a != NULL)
		maildrop_release(a);
}

/* A folder that gets cur/ new/ tmp/ while its index is open is read as a Maildir. */
static void test_becomes_maildir(void)
{
	const char *d = at("grows");
	char names[256], p[600];
	struct maildrop *md;

	mkdir(d, 0700);
	md = maildrop_open(d, 0);
	CHECK(md != NULL);
	listed(d, names, sizeof(names));
	CHECK_STR(names, "");
	for (int i = 0; i < 3; i++) {
		snprintf(p, sizeof(p), "%s/%s", d, (const char *[]){ "cur", "new", "tmp" }[i]);
		CHECK(mkdir(p, 0700) == 0);
	}
	snprintf(p, sizeof(p), "%s/new/1700000000.M1P1.host", d);
	put(p, "Subject: hi\n\nthere\n");
	listed(d, names, sizeof(names));
	CHECK_STR(names, "new/1700000000.M1P1.host");
	if (md != NULL)
		maildrop_release(md);
}

static void test_create_maildir(void)
{
	struct stat st;
	const char *subs[3] = { "made/cur", "made/new", "made/tmp" };

	CHECK(maildrop_create(at("made")) == 0);
	CHECK(maildrop_create(at("made")) == 0);	/* a second login: no error */
	for (int i = 0; i < 3; i++)
		CHECK(lstat(at(subs[i]), &st) == 0 && S_ISDIR(st.st_mode) && (st.st_mode & 0777) == 0700);
	CHECK(lstat(at("made"), &st) == 0 && (st.st_mode & 0777) == 0700);
}

static void test_cleanup(void)
{
	char cmd[600];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", scratch);
	CHECK(system(cmd) == 0);
}

TEST_MAIN("server_scan", TEST(test_setup), TEST(test_symlink_skipped), TEST(test_fifo_skipped),
	  TEST(test_special_skipped), TEST(test_wire_size_bounded), TEST(test_open_replaced),
	  TEST(test_commit_replaced), TEST(test_one_index_per_folder), TEST(test_becomes_maildir),
	  TEST(test_create_maildir), TEST(test_cleanup))

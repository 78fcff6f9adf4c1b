/* Unit tests of saving: safe names, atomic write, never a second copy, no partial file on failure. */
#include "harness.h"
#include "save.h"

#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

static char scratch[] = "/tmp/test_client_save.XXXXXX";

/* Entries in dir, without . and .. (-1 when it cannot be read). */
static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

/* The content of a file into buf; its length, or -1. */
static long slurp(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "rb");
	size_t n;

	if (f == NULL)
		return -1;
	n = fread(buf, 1, size, f);
	fclose(f);
	return (long)n;
}

/* A fresh empty folder under the scratch folder. */
static const char *fresh_dir(const char *name)
{
	static char path[512];

	snprintf(path, sizeof(path), "%s/%s", scratch, name);
	mkdir(path, 0700);
	return path;
}

static void test_names(void)
{
	char name[256];

	save_name("6b084edc00000001", 1, name, sizeof(name));
	CHECK_STR(name, "6b084edc00000001.eml");
	save_name("a/b c", 2, name, sizeof(name));
	CHECK_STR(name, "a%2Fb%20c.eml");
	save_name("../x", 3, name, sizeof(name));
	CHECK_STR(name, "%2E.%2Fx.eml");
	save_name("", 7, name, sizeof(name));
	CHECK_STR(name, "msg-7.eml");
}

static void test_index(void)
{
	const char *dir = fresh_dir("index");
	struct save_index ix;
	char err[256];
	int existed;

	CHECK(save_index_load("/nonexistent/folder", &ix) == 0 && ix.n == 0);
	CHECK(!save_index_has(&ix, "a.eml"));
	CHECK(save_message(dir, "b.eml", "x", 1, &existed, err, sizeof(err)) == 0);
	CHECK(save_message(dir, "a.eml", "x", 1, &existed, err, sizeof(err)) == 0);
	CHECK(save_index_load(dir, &ix) == 0);
	CHECK(ix.n == 2);
	CHECK(save_index_has(&ix, "a.eml") && save_index_has(&ix, "b.eml"));
	CHECK(!save_index_has(&ix, "c.eml") && !save_index_has(&ix, "."));
	save_index_free(&ix);
	CHECK(ix.n == 0 && ix.names == NULL);
}

static void test_atomic_save(void)
{
	const char *dir = fresh_dir("atomic");
	const char msg[] = "Subject: hi\r\n\r\nbody\r\n";
	char path[600], got[256], err[512];
	int existed = -1;

	CHECK(save_message(dir, "u1.eml", msg, sizeof(msg) - 1, &existed, err, sizeof(err)) == 0);
	CHECK(existed == 0);
	snprintf(path, sizeof(path), "%s/u1.eml", dir);
	CHECK(slurp(path, got, sizeof(got)) == (long)sizeof(msg) - 1);
	CHECK_MEM(got, sizeof(msg) - 1, msg, sizeof(msg) - 1);
	/* No temporary file is left beside it. */
	CHECK(count_entries(dir) == 1);
	CHECK(save_exists(dir, "u1.eml") == 1);
	CHECK(save_exists(dir, "u2.eml") == 0);
}

static void test_no_second_copy(void)
{
	const char *dir = fresh_dir("twice");
	char path[600], got[64], err[512];
	int existed = -1;

	CHECK(save_message(dir, "m.eml", "first\r\n", 7, &existed, err, sizeof(err)) == 0);
	CHECK(save_message(dir, "m.eml", "other\r\n", 7, &existed, err, sizeof(err)) == 0);
	CHECK(existed == 1);
	CHECK(count_entries(dir) == 1);
	snprintf(path, sizeof(path), "%s/m.eml", dir);
	CHECK(slurp(path, got, sizeof(got)) == 7);
	CHECK_MEM(got, 7, "first\r\n", 7);
}

static void test_creates_missing_dir(void)
{
	char dir[512], err[512];
	int existed;

	snprintf(dir, sizeof(dir), "%s/new-folder", scratch);
	CHECK(save_message(dir, "a.eml", "x\r\n", 3, &existed, err, sizeof(err)) == 0);
	CHECK(count_entries(dir) == 1);
}

static void test_dir_is_a_file(void)
{
	char dir[512], err[512] = "";
	int existed;
	FILE *f;

	snprintf(dir, sizeof(dir), "%s/plainfile", scratch);
	f = fopen(dir, "w");
	CHECK(f != NULL);
	if (f)
		fclose(f);
	CHECK(save_message(dir, "a.eml", "x\r\n", 3, &existed, err, sizeof(err)) == -1);
	CHECK(strstr(err, "Not a directory") != NULL);
}

/* A write that fails half-way (file size limit) leaves nothing behind. */
static void test_write_fails_no_partial(void)
{
	const char *dir = fresh_dir("full");
	struct rlimit old, lim;
	size_t n = 256 * 1024;
	char *big = malloc(n), err[512] = "";
	int existed;

	memset(big, 'a', n);
	CHECK(getrlimit(RLIMIT_FSIZE, &old) == 0);
	lim = old;
	lim.rlim_cur = 4096;
	signal(SIGXFSZ, SIG_IGN);
	CHECK(setrlimit(RLIMIT_FSIZE, &lim) == 0);
	CHECK(save_message(dir, "big.eml", big, n, &existed, err, sizeof(err)) == -1);
	setrlimit(RLIMIT_FSIZE, &old);
	CHECK(strstr(err, "write failed") != NULL);
	CHECK(count_entries(dir) == 0);
	free(big);
}

/* Without write permission (meaningless for root, who may write anyway). */
static void test_no_permission(void)
{
	const char *dir = fresh_dir("readonly");
	char err[512];
	int existed;

	if (geteuid() == 0)
		return;
	chmod(dir, 0500);
	CHECK(save_message(dir, "a.eml", "x\r\n", 3, &existed, err, sizeof(err)) == -1);
	CHECK(count_entries(dir) == 0);
	chmod(dir, 0700);
}

static void test_setup(void)
{
	CHECK(mkdtemp(scratch) != NULL);
}

static void test_cleanup(void)
{
	char cmd[600];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", scratch);
	CHECK(system(cmd) == 0);
}

TEST_MAIN("client_save", TEST(test_setup), TEST(test_names), TEST(test_index), TEST(test_atomic_save), TEST(test_no_second_copy),
	  TEST(test_creates_missing_dir), TEST(test_dir_is_a_file), TEST(test_write_fails_no_partial),
	  TEST(test_no_permission), TEST(test_cleanup))

/* Unit tests for server/auth_store.c: reloading the users file swaps the accounts whole, or not at all. */
#include "auth_store.h"
#include "harness.h"

#include <crypt.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static char path[64];

/* Rewrite the users file as "alice:HASH(pw)" plus extra, renamed into place. */
static void write_users(const char *pw, const char *extra)
{
	char setting[CRYPT_GENSALT_OUTPUT_SIZE], tmp[80], text[512];
	struct crypt_data cd = { 0 };
	FILE *f;

	CHECK(crypt_gensalt_rn("$5$", 0, NULL, 0, setting, sizeof(setting)) != NULL);
	const char *h = crypt_rn(pw, setting, &cd, sizeof(cd));

	snprintf(text, sizeof(text), "alice:%s\n%s", h ? h : "*", extra);
	snprintf(tmp, sizeof(tmp), "%s.new", path);
	f = fopen(tmp, "w");
	CHECK(f != NULL && fputs(text, f) >= 0 && fclose(f) == 0);
	CHECK(rename(tmp, path) == 0);
}

static struct auth_store *open_store(void)
{
	char err[256];
	int fd;

	strcpy(path, "/tmp/test_server_auth_store.XXXXXX");
	fd = mkstemp(path);
	CHECK(fd >= 0);
	close(fd);
	write_users("one", "");
	struct auth_store *st = auth_store_open(path, err, sizeof(err));

	CHECK(st != NULL);
	return st;
}

static void test_reload_swaps(void)
{
	char err[256];
	struct auth_store *st = open_store();

	CHECK(auth_store_check(st, "alice", "one") == 1);
	write_users("two", "bob:$5$abc$xyz\n");
	CHECK(auth_store_check(st, "alice", "two") == 0);	/* not before the reload */
	CHECK(auth_store_reload(st, err, sizeof(err)) == 0);
	CHECK(auth_store_check(st, "alice", "two") == 1);
	CHECK(auth_store_check(st, "alice", "one") == 0);
	CHECK(auth_store_count(st) == 2);
	unlink(path);
	auth_store_free(st);
}

static void test_bad_file_keeps_old(void)
{
	char err[256] = "", want[300];
	struct auth_store *st = open_store();

	write_users("two", "no hash here\n");
	CHECK(auth_store_reload(st, err, sizeof(err)) == -1);
	snprintf(want, sizeof(want), "%s:2: expected name:hash", path);
	CHECK_STR(err, want);
	CHECK(auth_store_check(st, "alice", "one") == 1);
	CHECK(auth_store_count(st) == 1);
	unlink(path);
	CHECK(auth_store_reload(st, err, sizeof(err)) == -1);
	CHECK(auth_store_check(st, "alice", "one") == 1);
	CHECK_STR(auth_store_path(st), path);
	auth_store_free(st);
}

TEST_MAIN("server_auth_store",
	  TEST(test_reload_swaps),
	  TEST(test_bad_file_keeps_old))

/* Unit tests for server/auth.c: user names, the users file, the unknown-user check, penalties. */
#include "auth.h"
#include "harness.h"

#include <crypt.h>
#include <stdlib.h>
#include <unistd.h>

/* A crypt(3) hash of pw with a fresh salt of the given method ("$1$", "$y$", ...). */
static char *make_hash(const char *prefix, const char *pw)
{
	char setting[CRYPT_GENSALT_OUTPUT_SIZE];
	struct crypt_data cd = { 0 };

	if (crypt_gensalt_rn(prefix, 0, NULL, 0, setting, sizeof(setting)) == NULL)
		return NULL;
	const char *h = crypt_rn(pw, setting, &cd, sizeof(cd));

	return h && h[0] != '*' ? strdup(h) : NULL;
}

/* Write text to a fresh file; its path is in path (at least 32 octets). */
static void write_users(char *path, const char *text)
{
	strcpy(path, "/tmp/test_server_auth.XXXXXX");
	int fd = mkstemp(path);

	CHECK(fd >= 0 && write(fd, text, strlen(text)) == (ssize_t)strlen(text));
	close(fd);
}

static void test_valid_names(void)
{
	CHECK(auth_valid_name("alice"));
	CHECK(auth_valid_name("a.b-c_d+e@example.org"));
	CHECK(auth_valid_name("J\xc3\xbcrgen"));
	char name[66];

	memset(name, 'n', 64);
	name[64] = '\0';
	CHECK(auth_valid_name(name));
	name[64] = 'n';
	name[65] = '\0';
	CHECK(!auth_valid_name(name));		/* 65 octets */
}

static void test_invalid_names(void)
{
	static const char *const bad[] = {
		"", ".", "..", ".hidden", "a/b", "../alice", "/etc", "a:b", "a b", "a\tb",
		"a\nb", "a\rb", "\x1b[2J", "del\x7f", "x\x01",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (auth_valid_name(bad[i])) {
			fprintf(stderr, "  accepted %zu\n", i);
			CHECK(0);
		}
}

static void test_load_and_check(void)
{
	char path[32], text[512], err[256];
	char *h = make_hash("$6$", "right pw");

	CHECK(h != NULL);
	snprintf(text, sizeof(text), "# comment\n\nalice:%s\n", h ? h : "");
	write_users(path, text);
	struct auth_users *u = auth_load(path, err, sizeof(err));

	unlink(path);
	CHECK(u != NULL);
	if (u == NULL)
		return;
	CHECK(auth_count(u) == 1);
	CHECK(auth_check(u, "alice", "right pw") == 1);
	CHECK(auth_check(u, "alice", "wrong pw") == 0);
	CHECK(auth_check(u, "nobody", "right pw") == 0);
	auth_free(u);
	free(h);
}

static void test_malformed_file(void)
{
	char path[32], err[256];

	write_users(path, "alice:$6$salt$hash\nbob has no colon\n");
	CHECK(auth_load(path, err, sizeof(err)) == NULL);
	unlink(path);
	CHECK(strstr(err, ":2: expected name:hash") != NULL);
}

/* The unknown-user check uses the costliest hash, wherever it stands in the file. */
static void test_dummy_is_costliest(void)
{
	char path[32], text[1024], err[256];
	char *md5 = make_hash("$1$", "pw"), *sha = make_hash("$6$", "pw");
	char *yes = make_hash("$y$", "pw"), *md5b = make_hash("$1$", "pw2");

	CHECK(md5 && sha && md5b);
	if (yes == NULL) {
		fprintf(stderr, "  (no yescrypt in libcrypt: sha512crypt is the costliest)\n");
		yes = strdup(sha);
	}
	snprintf(text, sizeof(text), "mona:%s\nmo2:%s\nsam:%s\nyves:%s\n", md5, md5b, sha, yes);
	write_users(path, text);
	struct auth_users *u = auth_load(path, err, sizeof(err));

	unlink(path);
	CHECK(u != NULL);
	if (u != NULL)
		CHECK_STR(auth_dummy(u), yes);
	auth_free(u);
	/* Re-read with the costly one first and the cheap ones after: the same choice. */
	snprintf(text, sizeof(text), "yves:%s\nmona:%s\n", yes, md5);
	write_users(path, text);
	u = auth_load(path, err, sizeof(err));
	unlink(path);
	if (u != NULL)
		CHECK_STR(auth_dummy(u), yes);
	auth_free(u);
	free(md5), free(md5b), free(sha), free(yes);
}

static void test_penalty_growth(void)
{
	const char *a = "192.0.2.77";

	CHECK(auth_penalty_wait(a, 100) == 0);
	auth_penalty_fail(a);
	CHECK(auth_penalty_wait(a, 100) == 100);	/* the 2nd failure costs 200 in all */
	auth_penalty_fail(a);
	CHECK(auth_penalty_wait(a, 100) == 300);
	for (int i = 0; i < 10; i++)
		auth_penalty_fail(a);
	CHECK(auth_penalty_wait(a, 100) == 650);	/* capped at 7.5 x base in all */
	CHECK(auth_penalty_wait("192.0.2.78", 100) == 0);
	auth_penalty_clear(a);
	CHECK(auth_penalty_wait(a, 100) == 0);
}

static void test_base64(void)
{
	unsigned char out[32];
	size_t n;

	CHECK(auth_base64_decode("AGFsaWNlAHB3", out, sizeof(out), &n) == 0);
	CHECK_MEM(out, n, "\0alice\0pw", 9);
	CHECK(auth_base64_decode("", out, sizeof(out), &n) == 0 && n == 0);
	CHECK(auth_base64_decode("abc", out, sizeof(out), &n) < 0);
	CHECK(auth_base64_decode("YW=J", out, sizeof(out), &n) < 0);
	CHECK(auth_base64_decode("Y*Jj", out, sizeof(out), &n) < 0);
	CHECK(auth_base64_decode("AGFsaWNlAHB3", out, 8, &n) < 0);	/* does not fit */
}

TEST_MAIN("server_auth",
	  TEST(test_valid_names),
	  TEST(test_invalid_names),
	  TEST(test_load_and_check),
	  TEST(test_malformed_file),
	  TEST(test_dummy_is_costliest),
	  TEST(test_penalty_growth),
	  TEST(test_base64))

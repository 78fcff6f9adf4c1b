/* Unit tests of the client's config file: every parser error, the file checks, merging, passwordeval. */
#include "config.h"
#include "harness.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static char scratch[] = "/tmp/test_client_config.XXXXXX";
static char err[CONFIG_ERR_MAX];

/* Parse text as the file "cfg" (readable by others when exposed); the parse result. */
static int parse(struct config *c, const char *text, int exposed)
{
	memset(c, 0, sizeof(*c));
	return config_parse(c, "cfg", text, strlen(text), exposed, err, sizeof(err));
}

/* text must be refused with exactly the report want. */
static void refused(const char *text, const char *want)
{
	struct config c;

	CHECK(parse(&c, text, 0) == -1);
	CHECK_STR(err, want);
	config_free(&c);
}

static void test_good_file(void)
{
	struct config c;
	struct client_opts o = { .host = "cli", .port = "1110", .save_dir = "retrieved" };

	CHECK(parse(&c, "# defaults\nuser  bob \ntls starttls\ntimeout 60\n\n"
			"account work\n  host pop.example.org\n  port 995\n  tls implicit\n"
			"account home\r\nhost h.example\r\npasswordeval pass show mail | head -1\r\n", 1) == 0);
	CHECK_STR(err, "");
	CHECK(c.naccounts == 2);
	CHECK(config_find(&c, "home") == 1);
	CHECK(config_find(&c, "nope") == -1);
	config_apply(&c, config_find(&c, "work"), &o);
	CHECK_STR(o.host, "pop.example.org");
	CHECK_STR(o.port, "995");
	CHECK_STR(o.user, "bob");
	CHECK(o.tls == 1 && o.starttls == 0 && o.timeout == 60);
	CHECK_STR(o.save_dir, "retrieved");
	config_apply(&c, 1, &o);
	CHECK(o.tls == 0 && o.starttls == 1);
	CHECK_STR(config_passwordeval(&c, 1), "pass show mail | head -1");
	CHECK(config_password(&c, 1) == NULL);
	config_free(&c);
}

static void test_home_paths(void)
{
	struct config c;

	setenv("HOME", "/home/u", 1);
	CHECK(parse(&c, "save_dir ~/mail/saved\ncafile ~\naccount a\nsave_dir ~bob/x\n", 0) == 0);
	CHECK_STR(c.defaults.save_dir, "/home/u/mail/saved");
	CHECK_STR(c.defaults.cafile, "/home/u");
	/* ~user is not looked up: taken as given. */
	CHECK_STR(c.accounts[0].save_dir, "~bob/x");
	config_free(&c);
	unsetenv("HOME");
	refused("save_dir ~/x\n", "cfg:1: save_dir starts with ~ but $HOME is not set");
}

static void test_unknown_key(void)
{
	refused("host a\nhots b\n", "cfg:2: unknown key \"hots\"");
	refused("bogus\n", "cfg:1: unknown key \"bogus\"");
}

static void test_missing_value(void)
{
	refused("host\n", "cfg:1: host wants a value");
	refused("account work\nuser   \t\n", "cfg:2: user wants a value");
	refused("account\n", "cfg:1: account wants a value");
}

static void test_bad_tls(void)
{
	refused("tls yes\n", "cfg:1: tls wants implicit, starttls or off, not \"yes\"");
	refused("tls off\ntls implicit\n", "cfg:2: tls is given twice in this section");
}

static void test_bad_numbers(void)
{
	refused("port 0\n", "cfg:1: port wants a number from 1 to 65535, not \"0\"");
	refused("port 110x\n", "cfg:1: port wants a number from 1 to 65535, not \"110x\"");
	refused("port 65536\n", "cfg:1: port wants a number from 1 to 65535, not \"65536\"");
	refused("timeout -5\n", "cfg:1: timeout wants whole seconds from 1 to 86400, not \"-5\"");
	refused("timeout 9\ntimeout 10\n", "cfg:2: timeout is given twice in this section");
}

static void test_bad_colours(void)
{
	struct config c;

	refused("color list purple\n",
		"cfg:1: unknown colour \"purple\" (default, black, red, green, yellow, blue, magenta, cyan, white)");
	refused("color list red pink\n",
		"cfg:1: unknown colour \"pink\" (default, black, red, green, yellow, blue, magenta, cyan, white)");
	refused("color sidebar red\n", "cfg:1: color wants a role (list, selected, title, header, quote1, "
				       "quote2, quote3, signature), not sidebar");
	refused("color quote1\n", "cfg:1: color quote1 wants a foreground colour");
	refused("color quote1 red blue green\n",
		"cfg:1: color quote1 wants a foreground and at most a background colour");
	refused("color header red\ncolour header blue\n", "cfg:2: color header is given twice");
	refused("account a\ncolor list red\n",
		"cfg:2: color lines apply to every account: put them before the first account line");
	CHECK(parse(&c, "colour quote2 green\ncolor selected black cyan\n", 0) == 0);
	CHECK(c.colors[CONFIG_COLOR_QUOTE2].set && c.colors[CONFIG_COLOR_QUOTE2].fg == 2 &&
	      c.colors[CONFIG_COLOR_QUOTE2].bg == -1);
	CHECK(c.colors[CONFIG_COLOR_SELECTED].fg == 0 && c.colors[CONFIG_COLOR_SELECTED].bg == 6);
	CHECK(!c.colors[CONFIG_COLOR_LIST].set);
	config_free(&c);
}

static void test_accounts(void)
{
	char many[CONFIG_ACCOUNTS_MAX * 16 + 32] = "";

	refused("account a\naccount b\naccount a\n", "cfg:3: account a is defined twice");
	refused("account -x\n", "cfg:1: account names are 1 to 64 printable characters without blanks, "
				"not starting with '-'");
	refused("account two words\n", "cfg:1: account names are 1 to 64 printable characters without blanks, "
				       "not starting with '-'");
	for (int i = 0; i <= CONFIG_ACCOUNTS_MAX; i++)
		snprintf(many + strlen(many), sizeof(many) - strlen(many), "account a%d\n", i);
	refused(many, "cfg:65: more than 64 accounts");
}

static void test_twice_in_section(void)
{
	struct config c;

	refused("host a\nhost b\n", "cfg:2: host is given twice in this section");
	/* The same key in the defaults and in an account is what sections are for. */
	CHECK(parse(&c, "host a\naccount x\nhost b\n", 0) == 0);
	config_free(&c);
}

static void test_password_lines(void)
{
	struct config c;

	CHECK(parse(&c, "account a\npassword s3cret\n", 0) == 0);
	CHECK_STR(config_password(&c, 0), "s3cret");
	config_free(&c);
	CHECK(parse(&c, "account a\npassword s3cret\n", 1) == -1);
	CHECK_STR(err, "cfg:2: a password line in a file that others can read; run chmod 600 cfg "
		       "(or use passwordeval)");
	/* The refusal never repeats the password. */
	CHECK(strstr(err, "s3cret") == NULL);
	config_free(&c);
	refused("password x\npasswordeval echo y\n", "cfg:2: password and passwordeval exclude each other");
	refused("passwordeval echo y\npassword x\n", "cfg:2: password and passwordeval exclude each other");
	/* An account's own password line hides the defaults' passwordeval. */
	CHECK(parse(&c, "passwordeval echo d\naccount a\npassword p\naccount b\n", 0) == 0);
	CHECK(config_passwordeval(&c, 0) == NULL);
	CHECK_STR(config_passwordeval(&c, 1), "echo d");
	config_free(&c);
}

static void test_bad_bytes(void)
{
	struct config c;

	refused("host a\x1b[2Jb\n", "cfg:1: a control character in the line");
	memset(&c, 0, sizeof(c));
	CHECK(config_parse(&c, "cfg", "host a\nuser b\0c\n", 16, 0, err, sizeof(err)) == -1);
	CHECK_STR(err, "cfg:2: a NUL byte: this is not a text file");
	config_free(&c);
}

static void test_every_line_reported(void)
{
	refused("bogus 1\nhost ok\ntls maybe\nport\n",
		"cfg:1: unknown key \"bogus\"\ncfg:3: tls wants implicit, starttls or off, not \"maybe\"\n"
		"cfg:4: port wants a value");
}

/* Write text to scratch/name with mode; the path. */
static const char *put_file(const char *name, const char *text, mode_t mode)
{
	static char path[600];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", scratch, name);
	unlink(path);
	f = fopen(path, "w");
	if (f == NULL)
		return path;
	fputs(text, f);
	fclose(f);
	chmod(path, mode);
	return path;
}

static void test_load_permissions(void)
{
	struct config c = { 0 };
	const char *p = put_file("open", "account a\nhost h\npassword pw\n", 0644);
	char want[800];

	CHECK(config_load(&c, p, 0, err, sizeof(err)) == -1);
	snprintf(want, sizeof(want), "%s:3: a password line in a file that others can read; "
		 "run chmod 600 %s (or use passwordeval)", p, p);
	CHECK_STR(err, want);
	config_free(&c);
	chmod(p, 0600);
	memset(&c, 0, sizeof(c));
	CHECK(config_load(&c, p, 0, err, sizeof(err)) == 1);
	CHECK_STR(config_password(&c, 0), "pw");
	config_free(&c);
	/* Others who can write the file could choose the passwordeval command. */
	chmod(p, 0620);
	memset(&c, 0, sizeof(c));
	CHECK(config_load(&c, p, 0, err, sizeof(err)) == -1);
	CHECK(strstr(err, "others can write to it") != NULL && strstr(err, "chmod go-w") != NULL);
	config_free(&c);
}

static void test_load_files(void)
{
	struct config c = { 0 };
	char path[600], big[CONFIG_SIZE_MAX + 16];

	snprintf(path, sizeof(path), "%s/missing", scratch);
	CHECK(config_load(&c, path, 1, err, sizeof(err)) == 0);
	CHECK(config_load(&c, path, 0, err, sizeof(err)) == -1 && strstr(err, "No such file") != NULL);
	CHECK(config_load(&c, scratch, 0, err, sizeof(err)) == -1 && strstr(err, "not a regular file") != NULL);
	snprintf(path, sizeof(path), "%s/fifo", scratch);
	CHECK(mkfifo(path, 0600) == 0);
	/* A FIFO is refused at once, not waited on. */
	CHECK(config_load(&c, path, 0, err, sizeof(err)) == -1 && strstr(err, "not a regular file") != NULL);
	memset(big, '#', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	CHECK(config_load(&c, put_file("big", big, 0600), 0, err, sizeof(err)) == -1);
	CHECK(strstr(err, "larger than 256 KiB") != NULL);
	CHECK(config_load(&c, put_file("bad", "host a\nport x\n", 0600), 0, err, sizeof(err)) == -1);
	CHECK(strstr(err, "/bad:2: port wants") != NULL);
	config_free(&c);
}

static void test_default_path(void)
{
	char p[256];

	setenv("XDG_CONFIG_HOME", "/x/conf", 1);
	CHECK(config_default_path(p, sizeof(p)) == 0);
	CHECK_STR(p, "/x/conf/mailroom/config");
	setenv("XDG_CONFIG_HOME", "relative", 1);
	setenv("HOME", "/home/u", 1);
	CHECK(config_default_path(p, sizeof(p)) == 0);
	CHECK_STR(p, "/home/u/.config/mailroom/config");
	unsetenv("XDG_CONFIG_HOME");
	unsetenv("HOME");
	CHECK(config_default_path(p, sizeof(p)) == -1);
}

static void test_passwordeval(void)
{
	char pw[CLIENT_PASSWORD_MAX], e[256];

	CHECK(config_run_passwordeval("printf 'first\\nsecond\\n'", pw, sizeof(pw), e, sizeof(e)) == 0);
	CHECK_STR(pw, "first");
	CHECK(config_run_passwordeval("printf 'no-newline'", pw, sizeof(pw), e, sizeof(e)) == 0);
	CHECK_STR(pw, "no-newline");
	CHECK(config_run_passwordeval("echo leaked; exit 3", pw, sizeof(pw), e, sizeof(e)) == -1);
	CHECK_STR(e, "passwordeval failed: exit status 3");
	CHECK(pw[0] == '\0');
	CHECK(config_run_passwordeval("kill -TERM $$", pw, sizeof(pw), e, sizeof(e)) == -1);
	CHECK_STR(e, "passwordeval was killed by signal 15");
	CHECK(config_run_passwordeval("echo", pw, sizeof(pw), e, sizeof(e)) == -1);
	CHECK_STR(e, "passwordeval printed no password");
	CHECK(config_run_passwordeval("head -c 5000 /dev/zero | tr '\\0' x", pw, sizeof(pw), e, sizeof(e)) == -1);
	CHECK_STR(e, "passwordeval printed a line longer than 255 octets");
	/* A long tail after the first line is drained, not a failure. */
	CHECK(config_run_passwordeval("echo ok; head -c 100000 /dev/zero", pw, sizeof(pw), e, sizeof(e)) == 0);
	CHECK_STR(pw, "ok");
}

static void setup(void)
{
	if (mkdtemp(scratch) == NULL) {
		perror("mkdtemp");
		exit(1);
	}
}

static void teardown(void)
{
	char cmd[600];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", scratch);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", scratch);
}

TEST_MAIN("client_config", { "setup", setup }, TEST(test_good_file), TEST(test_home_paths), TEST(test_unknown_key),
	  TEST(test_missing_value), TEST(test_bad_tls), TEST(test_bad_numbers), TEST(test_bad_colours),
	  TEST(test_accounts), TEST(test_twice_in_section), TEST(test_password_lines), TEST(test_bad_bytes),
	  TEST(test_every_line_reported), TEST(test_load_permissions), TEST(test_load_files),
	  TEST(test_passwordeval), TEST(test_default_path), { "teardown", teardown })

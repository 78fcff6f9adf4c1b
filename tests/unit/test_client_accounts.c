/* Unit tests of choosing an account: the command line over the config, HOST versus ACCOUNT, where the password comes from. */
#include "accounts.h"
#include "config.h"
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static char scratch[] = "/tmp/test_client_accounts.XXXXXX";
static char path[600];

static void setup(void)
{
	FILE *f;

	if (mkdtemp(scratch) == NULL) {
		perror("mkdtemp");
		exit(1);
	}
	snprintf(path, sizeof(path), "%s/config", scratch);
	f = fopen(path, "w");
	if (f == NULL) {
		perror(path);
		exit(1);
	}
	fputs("host default.example\ntls starttls\nuser dflt\n"
	      "account work\nhost pop.example.org\nport 995\ntls implicit\npasswordeval echo from-eval\n"
	      "account home\nhost home.example\npassword from-line\n"
	      "account pop.example.net\nhost other.example\n", f);
	fclose(f);
	chmod(path, 0600);
	unsetenv("POP3_PASSWORD");
}

/* accounts_start on the given arguments after loading the file with cli; its result. */
static int start(const struct client_opts *cli, int nargs, char **args, struct client_opts *o, char *pw)
{
	accounts_free();
	if (accounts_load(path, cli, NULL) < 0)
		return -2;
	return accounts_start(nargs, args, o, pw, CLIENT_PASSWORD_MAX);
}

static void test_account_over_defaults(void)
{
	struct client_opts cli = { .line = 1 }, o;
	char pw[CLIENT_PASSWORD_MAX], *args[] = { "work" };

	CHECK(start(&cli, 1, args, &o, pw) == 0);
	CHECK_STR(o.host, "pop.example.org");
	CHECK_STR(o.port, "995");
	CHECK_STR(o.user, "dflt");
	CHECK(o.tls == 1 && o.starttls == 0);
	CHECK_STR(o.account, "work");
	CHECK_STR(o.password, "from-eval");
	CHECK_STR(o.save_dir, "retrieved");
}

static void test_command_line_wins(void)
{
	struct client_opts cli = { .line = 1, .user = "bob", .starttls = 1, .save_dir = "out", .timeout = 7 }, o;
	char pw[CLIENT_PASSWORD_MAX], *args[] = { "work" };

	CHECK(start(&cli, 1, args, &o, pw) == 0);
	CHECK_STR(o.user, "bob");
	CHECK(o.tls == 0 && o.starttls == 1);
	CHECK_STR(o.save_dir, "out");
	CHECK(o.timeout == 7);
	CHECK_STR(o.host, "pop.example.org");
}

static void test_host_is_no_account(void)
{
	struct client_opts cli = { .line = 1 }, o;
	char pw[CLIENT_PASSWORD_MAX], *host[] = { "mail.example.com", "2110" }, *name[] = { "pop.example.net" };

	CHECK(start(&cli, 2, host, &o, pw) == 0);
	CHECK_STR(o.host, "mail.example.com");
	CHECK_STR(o.port, "2110");
	CHECK(o.starttls == 1);	/* the defaults still apply */
	CHECK(o.account == NULL);
	CHECK(o.password == NULL);
	/* A name that is an account is the account, even when it looks like a host. */
	CHECK(start(&cli, 1, name, &o, pw) == 0);
	CHECK_STR(o.host, "other.example");
	CHECK_STR(o.port, "1110");
}

static void test_password_order(void)
{
	struct client_opts cli = { .line = 1 }, o;
	char pw[CLIENT_PASSWORD_MAX], *home[] = { "home" }, *work[] = { "work" };

	CHECK(start(&cli, 1, home, &o, pw) == 0);
	CHECK_STR(o.password, "from-line");
	setenv("POP3_PASSWORD", "from-env", 1);
	CHECK(start(&cli, 1, work, &o, pw) == 0);
	CHECK_STR(o.password, "from-env");
	unsetenv("POP3_PASSWORD");
}

static void test_no_arguments(void)
{
	struct client_opts screen = { 0 }, o;
	char pw[CLIENT_PASSWORD_MAX];

	/* The screen chooses later; line mode without a terminal cannot ask. */
	CHECK(start(&screen, 0, NULL, &o, pw) == 0);
	CHECK(o.choose == 1 && o.config != NULL && o.account_opts != NULL);
	CHECK(start(&screen, 3, NULL, &o, pw) == 1);
}

static void teardown(void)
{
	accounts_free();
	unlink(path);
	rmdir(scratch);
}

TEST_MAIN("client_accounts", { "setup", setup }, TEST(test_account_over_defaults), TEST(test_command_line_wins),
	  TEST(test_host_is_no_account), TEST(test_password_order), TEST(test_no_arguments), { "teardown", teardown })

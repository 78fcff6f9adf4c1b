/* Starting from the config file: which account, its options with the command line's on top, its password. */
#include "accounts.h"

#include "config.h"
#include "pop3client.h"

#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct config cfg;
static int have_cfg;		/* cfg was read */
static struct client_opts cli;	/* the command line: NULL and 0 where it said nothing */
static const char *cli_pwfile;

int accounts_load(const char *path, const struct client_opts *c, const char *pwfile)
{
	char def[4096], err[CONFIG_ERR_MAX];

	cli = *c;
	cli_pwfile = pwfile;
	/* Without a home there is no default file; only --config names one. */
	if (path == NULL && config_default_path(def, sizeof(def)) < 0)
		return 0;
	int r = config_load(&cfg, path ? path : def, path == NULL, err, sizeof(err));

	if (r < 0) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	have_cfg = r == 1;
	return 0;
}

void accounts_free(void)
{
	config_free(&cfg);
	have_cfg = 0;
}

/* The login name of the user running us. */
static const char *login_name(void)
{
	const char *u = getenv("USER");
	struct passwd *pw;

	if (u != NULL && *u != '\0')
		return u;
	pw = getpwuid(getuid());
	return pw ? pw->pw_name : "user";
}

/* The command line over the config; HOST and PORT only when no account was named. */
static void overlay(long idx, struct client_opts *o)
{
	if (idx < 0 && cli.host)
		o->host = cli.host;
	if (idx < 0 && cli.port)
		o->port = cli.port;
#define OVER(f) if (cli.f) o->f = cli.f
	OVER(user);
	OVER(save_dir);
	OVER(cafile);
	OVER(from);
	OVER(sendmail);
	OVER(timeout);
	OVER(poll);
#undef OVER
	if (cli.tls || cli.starttls) {
		o->tls = cli.tls;
		o->starttls = cli.starttls;
	}
	o->insecure |= cli.insecure;
	o->line = cli.line;
}

/* The first line of a file; 0 or -1. */
static int read_password_file(const char *path, char *pw, size_t size)
{
	FILE *f = fopen(path, "r");

	if (f == NULL)
		return -1;
	if (fgets(pw, (int)size, f) == NULL)
		pw[0] = '\0';
	fclose(f);
	pw[strcspn(pw, "\r\n")] = '\0';
	return 0;
}

/* --password-file, else $POP3_PASSWORD, else the config's password or passwordeval, else none. */
static int find_password(long idx, struct client_opts *o, char *pw, size_t size, char *err, size_t errsize)
{
	const char *env = getenv("POP3_PASSWORD"), *p, *cmd;
	char why[256];

	o->password = NULL;
	if (cli_pwfile != NULL) {
		if (read_password_file(cli_pwfile, pw, size) < 0) {
			snprintf(err, errsize, "%s: %s", cli_pwfile, strerror(errno));
			return -1;
		}
		o->password = pw;
	} else if (env != NULL && env[0] != '\0') {
		o->password = env;
	} else if (have_cfg && (p = config_password(&cfg, idx)) != NULL) {
		snprintf(pw, size, "%s", p);
		o->password = pw;
	} else if (have_cfg && (cmd = config_passwordeval(&cfg, idx)) != NULL) {
		if (config_run_passwordeval(cmd, pw, size, why, sizeof(why)) < 0) {
			snprintf(err, errsize, "%s: %s%s: %s", cfg.path, idx >= 0 ? "account " : "the defaults",
				 idx >= 0 ? cfg.accounts[idx].name : "", why);
			return -1;
		}
		o->password = pw;
	}
	return 0;
}

int accounts_opts(long idx, struct client_opts *o, char *pw, size_t size, char *err, size_t errsize)
{
	static char plain_port[16], tls_port[16];

	*o = (struct client_opts){ .save_dir = "retrieved", .timeout = CLIENT_TIMEOUT };
	if (have_cfg)
		config_apply(&cfg, idx, o);
	overlay(idx, o);
	if (o->port == NULL) {
		snprintf(plain_port, sizeof(plain_port), "%d", POP3_DEFAULT_PORT);
		snprintf(tls_port, sizeof(tls_port), "%d", 995);
		o->port = o->tls ? tls_port : plain_port;
	}
	if (o->user == NULL)
		o->user = login_name();
	o->config = have_cfg ? &cfg : NULL;
	o->account = idx >= 0 ? cfg.accounts[idx].name : NULL;
	o->account_opts = accounts_opts;
	if (o->host == NULL) {
		snprintf(err, errsize, "%s: account %s names no host", cfg.path, o->account ? o->account : "");
		return -1;
	}
	return find_password(idx, o, pw, size, err, errsize);
}

/* Line mode without an account named: list them, and ask on a terminal; the index or -1. */
static long ask_account(void)
{
	char line[128];

	printf("Accounts in %s:\n", cfg.path);
	for (size_t i = 0; i < cfg.naccounts; i++) {
		struct client_opts o = { .port = "" };

		config_apply(&cfg, (long)i, &o);
		printf("  %2zu  %-16s %s@%s%s%s\n", i + 1, cfg.accounts[i].name, o.user ? o.user : login_name(),
		       o.host ? o.host : "(no host)", o.port[0] ? ":" : "", o.port);
	}
	if (!isatty(STDIN_FILENO)) {
		fprintf(stderr, "%s: name one: %s ACCOUNT\n", program_invocation_short_name,
			program_invocation_short_name);
		return -1;
	}
	printf("Account (name or number): ");
	fflush(stdout);
	if (fgets(line, sizeof(line), stdin) == NULL)
		return -1;
	line[strcspn(line, "\r\n")] = '\0';
	long idx = config_find(&cfg, line);
	char *end;
	long n = strtol(line, &end, 10);

	if (idx < 0 && end != line && *end == '\0' && n >= 1 && (size_t)n <= cfg.naccounts)
		idx = n - 1;
	if (idx < 0)
		fprintf(stderr, "%s: no account \"%s\"\n", program_invocation_short_name, line);
	return idx;
}

int accounts_start(int nargs, char **args, struct client_opts *o, char *pw, size_t size)
{
	char err[CONFIG_ERR_MAX];
	long idx = -1;

	if (nargs > 2)
		return 1;
	if (nargs == 0 && have_cfg && cfg.naccounts > 0) {
		if (!cli.line) {
			/* The screen shows the chooser first and calls accounts_opts itself. */
			*o = (struct client_opts){ .host = "", .port = "", .user = "", .config = &cfg,
						   .choose = 1, .account_opts = accounts_opts };
			return 0;
		}
		if ((idx = ask_account()) < 0)
			return -1;
	} else if (nargs == 0 && !(have_cfg && cfg.defaults.host)) {
		return 1;
	} else if (nargs == 1 && have_cfg && (idx = config_find(&cfg, args[0])) >= 0) {
		;	/* an account name wins over a host of the same name */
	} else if (nargs > 0) {
		cli.host = args[0];
		cli.port = nargs == 2 ? args[1] : NULL;
	}
	if (accounts_opts(idx, o, pw, size, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s: %s\n", program_invocation_short_name, err);
		return -1;
	}
	return 0;
}

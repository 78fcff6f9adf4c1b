/* The client's entry point: options, password, connection, then the screen or the line mode. */
#include "accounts.h"
#include "client.h"
#include "connect.h"
#include "linemode.h"
#include "pop3client.h"
#include "ui.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

static void usage(FILE *f)
{
	fprintf(f,
		"usage: %s [options] HOST [PORT]\n"
		"       %s [options] [ACCOUNT]\n"
		"Read a POP3 mailbox: full screen on a terminal, a pop3> prompt otherwise.\n"
		"      --config FILE         the config file (default $XDG_CONFIG_HOME/mailroom/config)\n"
		"  -u, --user NAME           log in as NAME (default: your login name)\n"
		"      --password-file FILE  read the password from the first line of FILE\n"
		"                            (else $POP3_PASSWORD, else the config, else asked)\n"
		"  -o, --save-dir DIR        where retrieved messages go (default ./retrieved)\n"
		"      --line                line mode even on a terminal\n"
		"      --timeout SECS        call a server silent this long not answering (default %d)\n"
		"      --poll SECS           check for new mail when the list is left alone this long\n"
		"      --tls                 implicit TLS (POP3S; PORT defaults to 995)\n"
		"      --starttls            upgrade with STLS before logging in; never falls back\n"
		"      --cafile FILE         trust the CA certificates in FILE, not the system's\n"
		"      --insecure            do not verify the server's certificate\n"
		"      --from ADDR           From of replies and forwards (default USER@HOST)\n"
		"      --sendmail CMD        send mail with CMD (default /usr/sbin/sendmail -t -oi)\n"
		"  -h, --help                this text\n"
		"  -V, --version             the version\n"
		"PORT defaults to %d.  ACCOUNT is a section of the config file; without one\n"
		"the screen lists the config's accounts to choose from.\n",
		program_invocation_short_name, program_invocation_short_name, CLIENT_TIMEOUT, POP3_DEFAULT_PORT);
}

/* Cut a line end off s in place. */
static void chomp(char *s)
{
	s[strcspn(s, "\r\n")] = '\0';
}

/* Ask for the password on the terminal without echo; 0, or -1 when there is no terminal. */
static int ask_password(const char *user, const char *host, char *pw, size_t size)
{
	struct termios old, quiet;
	int fd = open("/dev/tty", O_RDWR | O_CLOEXEC);
	FILE *tty;
	int ret = -1;

	if (fd < 0 || (tty = fdopen(fd, "r+")) == NULL) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	fprintf(tty, "Password for %s@%s: ", user, host);
	fflush(tty);
	if (tcgetattr(fd, &old) == 0) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(fd, TCSAFLUSH, &quiet);
		if (fgets(pw, (int)size, tty) != NULL)
			ret = 0;
		tcsetattr(fd, TCSAFLUSH, &old);
	}
	fputc('\n', tty);
	fclose(tty);
	chomp(pw);
	return ret;
}

enum { OPT_LINE = 256, OPT_PASSWORD_FILE, OPT_TLS, OPT_STARTTLS, OPT_CAFILE, OPT_INSECURE, OPT_TIMEOUT,
       OPT_FROM, OPT_SENDMAIL, OPT_POLL, OPT_CONFIG };

/* --timeout, --poll: whole seconds, min to a day. */
static int parse_seconds(const char *opt, const char *s, long min)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (end == s || *end != '\0' || v < min || v > 86400) {
		fprintf(stderr, "%s: --%s wants whole seconds from %ld to 86400, not \"%s\"\n",
			program_invocation_short_name, opt, min, s);
		exit(1);
	}
	return (int)v;
}

/* Parse the options into o (the positional arguments stay at optind); exits on --help, --version and errors. */
static void parse_options(int argc, char **argv, struct client_opts *o, const char **pwfile_r,
			  const char **config_r)
{
	static const struct option longopts[] = {
		{ "user", required_argument, NULL, 'u' },
		{ "password-file", required_argument, NULL, OPT_PASSWORD_FILE },
		{ "save-dir", required_argument, NULL, 'o' },
		{ "line", no_argument, NULL, OPT_LINE },
		{ "tls", no_argument, NULL, OPT_TLS },
		{ "starttls", no_argument, NULL, OPT_STARTTLS },
		{ "cafile", required_argument, NULL, OPT_CAFILE },
		{ "insecure", no_argument, NULL, OPT_INSECURE },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ "poll", required_argument, NULL, OPT_POLL },
		{ "from", required_argument, NULL, OPT_FROM },
		{ "sendmail", required_argument, NULL, OPT_SENDMAIL },
		{ "config", required_argument, NULL, OPT_CONFIG },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	while ((ch = getopt_long(argc, argv, "u:o:hV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'u': o->user = optarg; break;
		case 'o': o->save_dir = optarg; break;
		case OPT_PASSWORD_FILE: *pwfile_r = optarg; break;
		case OPT_LINE: o->line = 1; break;
		case OPT_TLS: o->tls = 1; break;
		case OPT_STARTTLS: o->starttls = 1; break;
		case OPT_CAFILE: o->cafile = optarg; break;
		case OPT_INSECURE: o->insecure = 1; break;
		case OPT_TIMEOUT: o->timeout = parse_seconds("timeout", optarg, 1); break;
		case OPT_POLL: o->poll = parse_seconds("poll", optarg, 0); break;
		case OPT_FROM: o->from = optarg; break;
		case OPT_SENDMAIL: o->sendmail = optarg; break;
		case OPT_CONFIG: *config_r = optarg; break;
		case 'h': usage(stdout); exit(0);
		case 'V':
			printf("%s (mailroom) %s\n", program_invocation_short_name, CLIENT_VERSION);
			exit(0);
		default: usage(stderr); exit(1);
		}
	}
	if (o->tls && o->starttls) {
		fprintf(stderr, "%s: --tls and --starttls exclude each other\n",
			program_invocation_short_name);
		exit(1);
	}
}

/*
 * Line mode without a password from the command line, the environment or the config: ask
 * on the terminal; with none the user logs in by hand, so o->password stays NULL.
 */
static void ask_line_password(struct client_opts *o, char *pw, size_t size)
{
	if (o->password == NULL && isatty(STDIN_FILENO) && ask_password(o->user, o->host, pw, size) == 0)
		o->password = pw;
}

/*
 * Line mode: connect, then log in when a password is known, asking again on the
 * terminal after a refusal (up to CLIENT_LOGIN_TRIES).  0, or -1 after saying why.
 */
static int start_line_session(struct client_opts *o, char *pw, size_t size, struct pop3c **pc_r)
{
	char err[512];

	if (connect_session(o, NULL, pc_r, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s: %s\n", program_invocation_short_name, err);
		return -1;
	}
	ask_line_password(o, pw, size);
	for (int tries = 1; o->password != NULL; tries++) {
		int r = pop3c_login(*pc_r, o->user, o->password);

		if (r == POP3C_OK)
			return 0;
		fprintf(stderr, "%s: %s: login failed: %s\n",
			program_invocation_short_name, o->host, pop3c_error(*pc_r));
		if (r == POP3C_FAIL || tries >= CLIENT_LOGIN_TRIES || !isatty(STDIN_FILENO) ||
		    ask_password(o->user, o->host, pw, size) < 0)
			return -1;
		o->password = pw;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct client_opts cli = { 0 }, o;
	const char *pwfile = NULL, *config = NULL;
	char pw[CLIENT_PASSWORD_MAX] = "";
	struct pop3c *pc = NULL;
	int status = 1;

	setlocale(LC_ALL, "");
	signal(SIGPIPE, SIG_IGN);
	parse_options(argc, argv, &cli, &pwfile, &config);
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
		cli.line = 1;
	if (accounts_load(config, &cli, pwfile) < 0)
		return 1;
	int r = accounts_start(argc - optind, argv + optind, &o, pw, sizeof(pw));

	if (r == 1)
		usage(stderr);
	if (r != 0)
		goto out;
	if (!o.line) {
		/* Without a password the screen asks for it, once the server has greeted. */
		status = ui_run(&o);
		goto out;
	}
	if (start_line_session(&o, pw, sizeof(pw), &pc) == 0)
		status = linemode_run(&o, pc, stdin, stdout);
out:
	memset(pw, 0, sizeof(pw));
	pop3c_close(pc);
	accounts_free();
	return status;
}

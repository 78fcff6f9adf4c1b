/* Start-up: options, listening sockets, the folder check, secrets, dropping root. */
#include "auth.h"
#include "auth_store.h"
#include "log.h"
#include "maildrop.h"
#include "net.h"
#include "pop3.h"
#include "scan.h"
#include "startup.h"
#include "sysd.h"
#include "tls.h"

#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

static void usage(FILE *f)
{
	fprintf(f,
		"usage: %s [options] [PORT]\n"
		"  -p, --port PORT          port to listen on (default %d; 0 picks a free one)\n"
		"  -m, --mailbox DIR        mail folder: one file a message, or a Maildir (default ./mailbox)\n"
		"  -b, --bind ADDR          address to listen on, repeatable (default 127.0.0.1 and ::1)\n"
		"      --max-connections N  connections served at once (default %d)\n"
		"      --max-per-ip N       connections not yet logged in from one address\n"
		"                           (default %d; 0: no cap)\n"
		"      --idle-timeout SECS  close idle sessions after SECS seconds (default %d)\n"
		"      --trace              log every command and the first line of every reply\n"
		"      --users FILE         accounts, one name:crypt-hash a line (default: any login)\n"
		"      --mailroot DIR       with --users: user NAME reads DIR/NAME\n"
		"      --tls-cert FILE      certificate chain (PEM): turns on STLS and implicit TLS\n"
		"      --tls-key FILE       its private key (PEM)\n"
		"      --tls-port PORT      implicit TLS port (default 1995 when TLS is on)\n"
		"      --run-as USER        started as root: drop to USER once the ports are open\n"
		"      --login-delay MS     delay of the first failed login's answer (default 2000)\n"
		"      --proxy-from CIDR    a load balancer's network, repeatable: its connections\n"
		"                           start with a PROXY header (v1 or v2) naming the client\n"
		"      --syslog             log to syslog (facility mail) instead of stderr\n"
		"  -h, --help               show this help\n"
		"  -V, --version            show the version\n",
		program_invocation_short_name, POP3_DEFAULT_PORT, POP3_MAX_CONNECTIONS,
		POP3_MAX_PER_IP, POP3_IDLE_TIMEOUT);
}

/* A start-up error: one line on stderr, exit 2, before anything listens. */
static void die(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
static void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", program_invocation_short_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

static int die_usage(const char *fmt, const char *arg)
{
	fprintf(stderr, "%s: ", program_invocation_short_name);
	fprintf(stderr, fmt, arg);
	fprintf(stderr, " (try --help)\n");
	exit(2);
}

static int parse_int(const char *s, int min, int max, const char *what)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*s == '\0' || *end != '\0' || v < min || v > max)
		die_usage(what, s);
	return (int)v;
}

static void add_proxy_from(struct options *o, const char *arg)
{
	const char *why;
	char msg[160];

	if (o->cfg.nproxy_from == MAX_PROXY_FROM)
		die_usage("too many --proxy-from networks: %s", arg);
	if (proxy_net_parse(arg, &o->proxy_from[o->cfg.nproxy_from], &why) < 0) {
		snprintf(msg, sizeof(msg), "bad --proxy-from %%s: %s", why);
		die_usage(msg, arg);
	}
	o->cfg.proxy_from = o->proxy_from;
	o->cfg.nproxy_from++;
}

void startup_parse_options(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "port", required_argument, NULL, 'p' },
		{ "mailbox", required_argument, NULL, 'm' },
		{ "bind", required_argument, NULL, 'b' },
		{ "max-connections", required_argument, NULL, 'c' },
		{ "max-per-ip", required_argument, NULL, 'I' },
		{ "idle-timeout", required_argument, NULL, 't' },
		{ "trace", no_argument, NULL, 'T' },
		{ "users", required_argument, NULL, 'U' },
		{ "mailroot", required_argument, NULL, 'R' },
		{ "tls-cert", required_argument, NULL, 'C' },
		{ "tls-key", required_argument, NULL, 'K' },
		{ "tls-port", required_argument, NULL, 'P' },
		{ "run-as", required_argument, NULL, 'u' },
		{ "login-delay", required_argument, NULL, 'D' },
		{ "proxy-from", required_argument, NULL, 'X' },
		{ "syslog", no_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	opterr = 0;	/* one line of our own instead of getopt's */
	while ((ch = getopt_long(argc, argv, "p:m:b:hV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'p': o->port = optarg; break;
		case 'm': o->cfg.mailbox = optarg; break;
		case 'b':
			if (o->nbind == MAX_BIND)
				die_usage("too many --bind addresses: %s", optarg);
			o->bind[o->nbind++] = optarg;
			break;
		case 'c': o->cfg.max_connections = parse_int(optarg, 1, 1000000, "bad --max-connections: %s"); break;
		case 'I': o->cfg.max_per_ip = (unsigned)parse_int(optarg, 0, 1000000, "bad --max-per-ip: %s"); break;
		case 't': o->cfg.idle_timeout = parse_int(optarg, 1, 86400, "bad --idle-timeout: %s"); break;
		case 'T': o->cfg.trace = 1; break;
		case 'U': o->users = optarg; break;
		case 'R': o->cfg.mailroot = optarg; break;
		case 'C': o->cert = optarg; break;
		case 'K': o->key = optarg; break;
		case 'P': o->tls_port = optarg; break;
		case 'u': o->run_as = optarg; break;
		case 'D': o->cfg.login_delay_ms = (unsigned)parse_int(optarg, 0, 60000, "bad --login-delay: %s"); break;
		case 'X': add_proxy_from(o, optarg); break;
		case 'S': o->syslog = 1; break;
		case 'h': usage(stdout); exit(0);
		case 'V': printf("%s (mailroom) %s\n", program_invocation_short_name, MAILROOM_VERSION); exit(0);
		default:
			die_usage("unknown option or missing argument: %s", argv[optind - 1]);
		}
	}
	if (optind < argc)
		o->port = argv[optind++];
	if (optind < argc)
		die_usage("unexpected argument: %s", argv[optind]);
	parse_int(o->port, 0, 65535, "bad port: %s");
	if (!o->cert != !o->key)
		die_usage("%s", "--tls-cert and --tls-key go together");
	if (o->tls_port != NULL && o->cert == NULL)
		die_usage("%s", "--tls-port needs --tls-cert and --tls-key");
	if (o->tls_port != NULL)
		parse_int(o->tls_port, 0, 65535, "bad --tls-port: %s");
	if (o->cfg.mailroot != NULL && o->users == NULL)
		die_usage("%s", "--mailroot needs --users");
	if (o->syslog)
		log_use_syslog();
}

static int is_loopback(const char *addr)
{
	return strncmp(addr, "127.", 4) == 0 || strcmp(addr, "::1") == 0 ||
	       strcmp(addr, "localhost") == 0;
}

static void log_listener(int fd, int tls)
{
	char a[80];

	net_addr_string(fd, 1, a, sizeof(a));
	*strrchr(a, ':') = '\0';
	if (a[0] == '[') {
		a[strlen(a) - 1] = '\0';
		memmove(a, a + 1, strlen(a));
	}
	log_msg("listening on %s port %d%s", a, net_local_port(fd), tls ? " (TLS)" : "");
}

/*
 * Listen on every address on one port; port "0" becomes the port the first socket
 * got, so IPv4 and IPv6 share it.
 */
static void listen_all(const struct options *o, const char *const *addrs, int naddrs,
		       char *port, size_t portsize, int tls, struct listeners *l)
{
	char err[256];

	for (int i = 0; i < naddrs; i++) {
		int before = l->n;

		if (net_listen(addrs[i], port, l->fd, MAX_LISTEN, &l->n, err, sizeof(err)) < 0) {
			if (o->nbind == 0 && i == 1) {
				log_msg("no IPv6: %s", err);
				continue;
			}
			die("%s", err);
		}
		for (int k = before; k < l->n; k++)
			l->tls[k] = tls;
		if (strcmp(port, "0") == 0)
			snprintf(port, portsize, "%d", net_local_port(l->fd[before]));
		if (!tls && !is_loopback(addrs[i]) && o->users == NULL)
			log_msg("warning: listening on %s, and any user name and password is accepted",
				addrs[i]);
	}
}

/* The sockets systemd passed, if it did: 1 when there were some, else 0; exit 2 on error. */
static int inherit_listeners(const struct options *o, struct listeners *l)
{
	char err[256];
	int n = sysd_listen_fds(l->fd, l->tls, MAX_LISTEN, err, sizeof(err));

	if (n < 0)
		die("%s", err);
	l->n = n;
	for (int i = 0; i < n; i++) {
		if (l->tls[i] && o->cert == NULL)
			die("socket activation: the socket named pop3s needs --tls-cert and --tls-key");
		log_listener(l->fd[i], l->tls[i]);
	}
	if (n > 0 && o->users == NULL)
		log_msg("warning: serving sockets passed by systemd, and any user name and password "
			"is accepted");
	return n > 0;
}

/*
 * The sockets systemd passed, or: loopback only without accounts; every interface
 * with them; or what --bind says.
 */
void startup_open_listeners(const struct options *o, struct listeners *l)
{
	static const char *const loopback[] = { "127.0.0.1", "::1" };
	static const char *const any[] = { "0.0.0.0", "::" };
	const char *const *addrs = o->nbind ? o->bind : o->users ? any : loopback;
	int naddrs = o->nbind ? o->nbind : 2;
	char port[16];

	if (inherit_listeners(o, l))
		return;
	snprintf(port, sizeof(port), "%s", o->port);
	listen_all(o, addrs, naddrs, port, sizeof(port), 0, l);
	if (o->cert != NULL) {
		snprintf(port, sizeof(port), "%s", o->tls_port ? o->tls_port : "1995");
		listen_all(o, addrs, naddrs, port, sizeof(port), 1, l);
	}
	for (int i = 0; i < l->n; i++)
		log_listener(l->fd[i], l->tls[i]);
}

void startup_check_folder(const char *dir)
{
	struct stat st;

	if (stat(dir, &st) < 0)
		die("%s: %s", dir, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		die("%s: not a folder", dir);
}

void startup_check_mailbox(const char *dir)
{
	size_t count;
	uint64_t octets;

	startup_check_folder(dir);
	scan_clear_error();
	struct maildrop *md = maildrop_open(dir, 0);

	/* A full disk or a held lock may pass: logins are refused until then, not the start. */
	if (md == NULL && scan_error() != NULL) {
		log_msg("mailbox %s: %s (%s); logins are refused until it can be", dir, scan_error(),
			strerror(errno));
		return;
	}
	if (md == NULL)
		die("mailbox %s: %s", dir, strerror(errno));
	maildrop_totals(md, &count, &octets);
	log_msg("mailbox %s: %zu messages, %llu octets", dir, count, (unsigned long long)octets);
	/* The index stays open (this reference is never dropped), so logins find it warm. */
}

/* Many idle sessions need many descriptors: take all the hard limit allows. */
void startup_raise_fd_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

/* Started as root: keep nothing of it once the ports are open and the key is read. */
void startup_drop_privileges(const char *user)
{
	struct passwd pw, *res = NULL;
	char buf[4096];

	if (user == NULL) {
		if (geteuid() == 0)
			log_msg("warning: serving as root; start with --run-as USER to drop privileges "
				"once the ports are open");
		return;
	}
	if (getpwnam_r(user, &pw, buf, sizeof(buf), &res) != 0 || res == NULL)
		die("--run-as %s: no such user", user);
	if (setgroups(1, &pw.pw_gid) < 0 || setgid(pw.pw_gid) < 0 || setuid(pw.pw_uid) < 0)
		die("--run-as %s: %s", user, strerror(errno));
	if (pw.pw_uid != 0 && (setuid(0) == 0 || geteuid() == 0))
		die("--run-as %s: root privileges could be regained", user);
	log_msg("running as %s (uid %ld, gid %ld)", user, (long)pw.pw_uid, (long)pw.pw_gid);
}

void startup_load_secrets(struct options *o)
{
	char err[512];

	if (o->users != NULL) {
		o->cfg.users = auth_store_open(o->users, err, sizeof(err));
		if (o->cfg.users == NULL)
			die("%s", err);
		log_msg("%zu accounts from %s", auth_store_count(o->cfg.users), o->users);
	}
	if (o->cert != NULL) {
		o->cfg.tls = tls_server_new(o->cert, o->key, err, sizeof(err));
		if (o->cfg.tls == NULL)
			die("%s", err);
	}
}


/* What reloading one of the two gave, for the log line: "..." or "kept the old ...: why". */
static void reload_part(int failed, const char *done, const char *what, const char *why,
			char *buf, size_t size)
{
	if (failed)
		snprintf(buf, size, "kept the old %s: %s", what, why);
	else
		snprintf(buf, size, "%s", done);
}

void startup_reload(const struct server_config *cfg)
{
	char err[512], users[700] = "", tls[700] = "", done[300];

	if (cfg->users != NULL) {
		int r = auth_store_reload(cfg->users, err, sizeof(err));

		snprintf(done, sizeof(done), "%zu accounts from %s", auth_store_count(cfg->users),
			 auth_store_path(cfg->users));
		reload_part(r < 0, done, "accounts", err, users, sizeof(users));
	}
	if (cfg->tls != NULL) {
		int r = tls_server_reload(cfg->tls, err, sizeof(err));

		snprintf(done, sizeof(done), "certificate and key from %s",
			 tls_server_cert_path(cfg->tls));
		reload_part(r < 0, done, "certificate", err, tls, sizeof(tls));
	}
	log_msg("reload: %s%s%s", users[0] || tls[0] ? users : "nothing to read again",
		users[0] && tls[0] ? "; " : "", tls);
}

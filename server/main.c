/* The server: options, listening sockets, the accept loop, one thread per connection, shutdown. */
#include "auth.h"
#include "log.h"
#include "maildrop.h"
#include "net.h"
#include "pop3.h"
#include "session.h"
#include "tls.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <poll.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_LISTEN 16
#define MAX_BIND 8

struct options {
	struct server_config cfg;
	const char *port;
	const char *tls_port;
	const char *bind[MAX_BIND];
	int nbind;
	const char *users, *cert, *key, *run_as;
};

/* The listening sockets, and which of them speak TLS from the first octet. */
struct listeners {
	int fd[MAX_LISTEN];
	int tls[MAX_LISTEN];
	int n;
};

/* Sessions alive now, so that shutdown can end them; guarded by live_lock. */
struct live {
	struct session *s;
	int evicted;		/* its socket was shut to make room */
	struct live *prev, *next;
};

static pthread_mutex_t live_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t live_cond = PTHREAD_COND_INITIALIZER;
static struct live *live_head, *live_tail;
static int live_count, evicting;
static atomic_int stopping;
static int signal_pipe[2] = { -1, -1 };

int server_stopping(void)
{
	return atomic_load(&stopping);
}

static void on_signal(int sig)
{
	int saved = errno;
	char c = (char)sig;

	if (write(signal_pipe[1], &c, 1) < 0)
		(void)0;	/* the pipe is full: a stop is already on its way */
	errno = saved;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: server [options] [PORT]\n"
		"  -p, --port PORT          port to listen on (default %d; 0 picks a free one)\n"
		"  -m, --mailbox DIR        mail folder: one file a message, or a Maildir (default ./mailbox)\n"
		"  -b, --bind ADDR          address to listen on, repeatable (default 127.0.0.1 and ::1)\n"
		"      --max-connections N  connections served at once (default %d)\n"
		"      --idle-timeout SECS  close idle sessions after SECS seconds (default %d)\n"
		"      --trace              log every command and the first line of every reply\n"
		"      --users FILE         accounts, one name:crypt-hash a line (default: any login)\n"
		"      --mailroot DIR       with --users: user NAME reads DIR/NAME\n"
		"      --tls-cert FILE      certificate chain (PEM): turns on STLS and implicit TLS\n"
		"      --tls-key FILE       its private key (PEM)\n"
		"      --tls-port PORT      implicit TLS port (default 1995 when TLS is on)\n"
		"      --run-as USER        started as root: drop to USER once the ports are open\n"
		"      --login-delay MS     delay of the first failed login's answer (default 2000)\n"
		"  -h, --help               show this help\n"
		"  -V, --version            show the version\n",
		POP3_DEFAULT_PORT, POP3_MAX_CONNECTIONS, POP3_IDLE_TIMEOUT);
}

static int die_usage(const char *fmt, const char *arg)
{
	fprintf(stderr, "server: ");
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

static void parse_options(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "port", required_argument, NULL, 'p' },
		{ "mailbox", required_argument, NULL, 'm' },
		{ "bind", required_argument, NULL, 'b' },
		{ "max-connections", required_argument, NULL, 'c' },
		{ "idle-timeout", required_argument, NULL, 't' },
		{ "trace", no_argument, NULL, 'T' },
		{ "users", required_argument, NULL, 'U' },
		{ "mailroot", required_argument, NULL, 'R' },
		{ "tls-cert", required_argument, NULL, 'C' },
		{ "tls-key", required_argument, NULL, 'K' },
		{ "tls-port", required_argument, NULL, 'P' },
		{ "run-as", required_argument, NULL, 'u' },
		{ "login-delay", required_argument, NULL, 'D' },
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
		case 't': o->cfg.idle_timeout = parse_int(optarg, 1, 86400, "bad --idle-timeout: %s"); break;
		case 'T': o->cfg.trace = 1; break;
		case 'U': o->users = optarg; break;
		case 'R': o->cfg.mailroot = optarg; break;
		case 'C': o->cert = optarg; break;
		case 'K': o->key = optarg; break;
		case 'P': o->tls_port = optarg; break;
		case 'u': o->run_as = optarg; break;
		case 'D': o->cfg.login_delay_ms = (unsigned)parse_int(optarg, 0, 60000, "bad --login-delay: %s"); break;
		case 'h': usage(stdout); exit(0);
		case 'V': printf("server (%s)\n", POP3_IMPLEMENTATION); exit(0);
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
			fprintf(stderr, "server: %s\n", err);
			exit(2);
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

/* Loopback only without accounts; every interface with them; or what --bind says. */
static void open_listeners(const struct options *o, struct listeners *l)
{
	static const char *const loopback[] = { "127.0.0.1", "::1" };
	static const char *const any[] = { "0.0.0.0", "::" };
	const char *const *addrs = o->nbind ? o->bind : o->users ? any : loopback;
	int naddrs = o->nbind ? o->nbind : 2;
	char port[16];

	snprintf(port, sizeof(port), "%s", o->port);
	listen_all(o, addrs, naddrs, port, sizeof(port), 0, l);
	if (o->cert != NULL) {
		snprintf(port, sizeof(port), "%s", o->tls_port ? o->tls_port : "1995");
		listen_all(o, addrs, naddrs, port, sizeof(port), 1, l);
	}
	for (int i = 0; i < l->n; i++)
		log_listener(l->fd[i], l->tls[i]);
}

static void check_folder(const char *dir)
{
	struct stat st;

	if (stat(dir, &st) < 0) {
		fprintf(stderr, "server: %s: %s\n", dir, strerror(errno));
		exit(2);
	}
	if (!S_ISDIR(st.st_mode)) {
		fprintf(stderr, "server: %s: not a folder\n", dir);
		exit(2);
	}
}

static void check_mailbox(const char *dir)
{
	size_t count;
	uint64_t octets;

	check_folder(dir);
	struct maildrop *md = maildrop_open(dir);

	if (md == NULL) {
		fprintf(stderr, "server: mailbox %s: %s\n", dir, strerror(errno));
		exit(2);
	}
	maildrop_totals(md, &count, &octets);
	log_msg("mailbox %s: %zu messages, %llu octets", dir, count, (unsigned long long)octets);
	/* The index stays open (this reference is never dropped), so logins find it warm. */
}

static void *session_thread(void *arg)
{
	struct live *l = arg;

	session_run(l->s);
	pthread_mutex_lock(&live_lock);
	if (l->prev)
		l->prev->next = l->next;
	else
		live_head = l->next;
	if (l->next)
		l->next->prev = l->prev;
	else
		live_tail = l->prev;
	live_count--;
	if (l->evicted)
		evicting--;
	pthread_cond_broadcast(&live_cond);
	pthread_mutex_unlock(&live_lock);
	session_free(l->s);
	free(l);
	return NULL;
}

/* Turn a client away at once, without a thread. */
static void refuse(int fd, const char *line)
{
	if (send(fd, line, strlen(line), MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
		(void)0;	/* it is being closed anyway */
	close(fd);
}

/* "127.0.0.1:4321" or "[::1]:4321" without the port and brackets. */
static void peer_address(const char *peer, char *addr, size_t size)
{
	const char *start = peer[0] == '[' ? peer + 1 : peer;
	const char *end = peer[0] == '[' ? strchr(start, ']') : strrchr(start, ':');
	size_t n = end ? (size_t)(end - start) : strlen(start);

	snprintf(addr, size, "%.*s", (int)n, start);
}

/* Refusals are logged at most once a second, with their count, so a flood cannot fill the log. */
static void log_refusal(void)
{
	static time_t last;
	static unsigned count;
	time_t now = time(NULL);

	count++;
	if (now == last)
		return;
	log_msg("refused %u connection%s: too many connections", count, count == 1 ? "" : "s");
	last = now;
	count = 0;
}

static struct live *new_live(int fd, const struct server_config *cfg, unsigned long id)
{
	struct live *l = calloc(1, sizeof(*l));
	struct session *s = calloc(1, sizeof(*s));

	if (l == NULL || s == NULL || (s->conn = conn_new(fd, cfg->idle_timeout)) == NULL) {
		free(l);
		free(s);
		return NULL;
	}
	s->id = id;
	s->cfg = cfg;
	net_addr_string(fd, 0, s->peer, sizeof(s->peer));
	peer_address(s->peer, s->addr, sizeof(s->addr));
	s->loopback = strncmp(s->addr, "127.", 4) == 0 || strcmp(s->addr, "::1") == 0 ||
		      strncmp(s->addr, "::ffff:127.", 11) == 0;
	l->s = s;
	return l;
}

/*
 * At the cap, make room by ending the oldest session that has not logged in:
 * connections that never log in cannot starve those that do.  Called with live_lock held.
 */
static int evict_one(const struct server_config *cfg)
{
	/*
	 * Evicted sessions hold their slot until their thread ends, which is quick; if
	 * the flood outruns that, wait a little for them rather than turn anyone away.
	 */
	struct timespec until;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_nsec += 200 * 1000 * 1000;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	while (evicting >= cfg->max_connections / 4 + 16)
		if (pthread_cond_timedwait(&live_cond, &live_lock, &until) != 0)
			return -1;
	for (struct live *l = live_tail; l != NULL; l = l->prev) {
		if (!l->evicted && !atomic_load(&l->s->authed)) {
			l->evicted = 1;
			evicting++;
			shutdown(conn_fd(l->s->conn), SHUT_RDWR);
			return 0;
		}
	}
	return -1;
}

static void start_session(int fd, int tls, const struct server_config *cfg, pthread_attr_t *attr)
{
	static unsigned long next_id = 1;
	pthread_t t;

	pthread_mutex_lock(&live_lock);
	if (live_count - evicting >= cfg->max_connections && evict_one(cfg) < 0) {
		pthread_mutex_unlock(&live_lock);
		refuse(fd, "-ERR [SYS/TEMP] too many connections\r\n");
		log_refusal();
		return;
	}
	struct live *l = new_live(fd, cfg, next_id++);

	if (l != NULL)
		l->s->implicit_tls = tls;
	if (l == NULL || pthread_create(&t, attr, session_thread, l) != 0) {
		pthread_mutex_unlock(&live_lock);
		if (l != NULL) {
			conn_free(l->s->conn);	/* closes fd */
			free(l->s);
			free(l);
			log_msg("cannot start a session thread: %s", strerror(errno));
			return;
		}
		refuse(fd, "-ERR [SYS/TEMP] out of memory\r\n");
		return;
	}
	l->next = live_head;
	if (live_head)
		live_head->prev = l;
	else
		live_tail = l;
	live_head = l;
	live_count++;
	pthread_mutex_unlock(&live_lock);
}

static void accept_one(int lfd, int tls, const struct server_config *cfg, pthread_attr_t *attr)
{
	int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);

	if (fd < 0) {
		if (errno == EMFILE || errno == ENFILE || errno == ENOMEM || errno == ENOBUFS) {
			log_msg("accept: %s", strerror(errno));
			nanosleep(&(struct timespec){ 0, 50 * 1000 * 1000 }, NULL);
		}
		return;
	}
	net_nodelay(fd);
	start_session(fd, tls, cfg, attr);
}

static void serve(const struct listeners *ls, const struct server_config *cfg)
{
	struct pollfd p[MAX_LISTEN + 1];
	pthread_attr_t attr;
	sigset_t block, old;

	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, POP3_THREAD_STACK);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	/* Session threads never take signals; the accept loop hears them through a pipe. */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	for (int i = 0; i < ls->n; i++)
		p[i] = (struct pollfd){ .fd = ls->fd[i], .events = POLLIN };
	p[ls->n] = (struct pollfd){ .fd = signal_pipe[0], .events = POLLIN };
	while (!server_stopping()) {
		if (poll(p, (nfds_t)ls->n + 1, -1) < 0)
			continue;
		if (p[ls->n].revents & POLLIN)
			break;
		pthread_sigmask(SIG_BLOCK, &block, &old);
		for (int i = 0; i < ls->n; i++)
			if (p[i].revents & POLLIN)
				accept_one(ls->fd[i], ls->tls[i], cfg, &attr);
		pthread_sigmask(SIG_SETMASK, &old, NULL);
	}
	pthread_attr_destroy(&attr);
}

/* End every session without UPDATE: their sockets are shut, their deletions dropped. */
static void shutdown_sessions(const struct listeners *ls)
{
	struct timespec deadline;

	atomic_store(&stopping, 1);
	for (int i = 0; i < ls->n; i++)
		close(ls->fd[i]);
	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += POP3_SHUTDOWN_GRACE;
	pthread_mutex_lock(&live_lock);
	log_msg("shutting down: ending %d sessions without committing deletions", live_count);
	for (struct live *l = live_head; l != NULL; l = l->next)
		shutdown(conn_fd(l->s->conn), SHUT_RDWR);
	while (live_count > 0)
		if (pthread_cond_timedwait(&live_cond, &live_lock, &deadline) != 0)
			break;
	pthread_mutex_unlock(&live_lock);
}

static void setup_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	if (pipe2(signal_pipe, O_CLOEXEC | O_NONBLOCK) < 0) {
		perror("server: pipe");
		exit(1);
	}
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

/* Many idle sessions need many descriptors: take all the hard limit allows. */
static void raise_fd_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

/* Started as root: keep nothing of it once the ports are open and the key is read. */
static void drop_privileges(const char *user)
{
	struct passwd pw, *res = NULL;
	char buf[4096];

	if (user == NULL) {
		if (geteuid() == 0)
			log_msg("warning: serving as root; start with --run-as USER to drop privileges "
				"once the ports are open");
		return;
	}
	if (getpwnam_r(user, &pw, buf, sizeof(buf), &res) != 0 || res == NULL) {
		fprintf(stderr, "server: --run-as %s: no such user\n", user);
		exit(2);
	}
	if (setgroups(1, &pw.pw_gid) < 0 || setgid(pw.pw_gid) < 0 || setuid(pw.pw_uid) < 0) {
		fprintf(stderr, "server: --run-as %s: %s\n", user, strerror(errno));
		exit(2);
	}
	if (pw.pw_uid != 0 && (setuid(0) == 0 || geteuid() == 0)) {
		fprintf(stderr, "server: --run-as %s: root privileges could be regained\n", user);
		exit(2);
	}
	log_msg("running as %s (uid %ld, gid %ld)", user, (long)pw.pw_uid, (long)pw.pw_gid);
}

static void load_secrets(struct options *o)
{
	char err[512];

	if (o->users != NULL) {
		o->cfg.users = auth_load(o->users, err, sizeof(err));
		if (o->cfg.users == NULL) {
			fprintf(stderr, "server: %s\n", err);
			exit(2);
		}
		log_msg("%zu accounts from %s", auth_count(o->cfg.users), o->users);
	}
	if (o->cert != NULL) {
		o->cfg.tls = tls_server_ctx(o->cert, o->key, err, sizeof(err));
		if (o->cfg.tls == NULL) {
			fprintf(stderr, "server: %s\n", err);
			exit(2);
		}
	}
}

int main(int argc, char **argv)
{
	struct options o = {
		.cfg = { .mailbox = "./mailbox", .idle_timeout = POP3_IDLE_TIMEOUT,
			 .max_connections = POP3_MAX_CONNECTIONS, .login_delay_ms = 2000 },
		.port = "1110",
	};
	struct listeners ls = { .n = 0 };

	parse_options(argc, argv, &o);
	raise_fd_limit();
	setup_signals();
	/* An unusable folder stops start-up before anything listens. */
	check_folder(o.cfg.mailroot ? o.cfg.mailroot : o.cfg.mailbox);
	if (o.cfg.mailroot == NULL && o.run_as == NULL)
		check_mailbox(o.cfg.mailbox);
	load_secrets(&o);
	open_listeners(&o, &ls);
	drop_privileges(o.run_as);
	/* With --run-as the folder is read as the user that will serve it. */
	if (o.cfg.mailroot == NULL && o.run_as != NULL)
		check_mailbox(o.cfg.mailbox);
	serve(&ls, &o.cfg);
	shutdown_sessions(&ls);
	log_msg("stopped");
	return 0;
}

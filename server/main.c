/* The server: options, listening sockets, the accept loop, one thread per connection, shutdown. */
#include "log.h"
#include "maildrop.h"
#include "net.h"
#include "pop3.h"
#include "session.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <pthread.h>
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
	const char *bind[MAX_BIND];
	int nbind;
};

/* Sessions alive now, so that shutdown can end them; guarded by live_lock. */
struct live {
	struct session *s;
	struct live *prev, *next;
};

static pthread_mutex_t live_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t live_cond = PTHREAD_COND_INITIALIZER;
static struct live *live_head;
static int live_count;
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
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

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
		case 'h': usage(stdout); exit(0);
		case 'V': printf("server (%s)\n", POP3_IMPLEMENTATION); exit(0);
		default: usage(stderr); exit(2);
		}
	}
	if (optind < argc)
		o->port = argv[optind++];
	if (optind < argc)
		die_usage("unexpected argument: %s", argv[optind]);
	parse_int(o->port, 0, 65535, "bad port: %s");
}

static int is_loopback(const char *addr)
{
	return strncmp(addr, "127.", 4) == 0 || strcmp(addr, "::1") == 0 ||
	       strcmp(addr, "localhost") == 0;
}

/* Listen on every --bind address (or loopback), all on the same port even when it was 0. */
static int open_listeners(struct options *o, int *fds)
{
	static const char *const loopback[] = { "127.0.0.1", "::1" };
	const char *const *addrs = o->nbind ? o->bind : loopback;
	int naddrs = o->nbind ? o->nbind : 2, n = 0;
	char port[16], err[256];

	snprintf(port, sizeof(port), "%s", o->port);
	for (int i = 0; i < naddrs; i++) {
		int before = n;

		if (net_listen(addrs[i], port, fds, MAX_LISTEN, &n, err, sizeof(err)) < 0) {
			if (o->nbind == 0 && i == 1) {
				log_msg("no IPv6 loopback: %s", err);
				continue;
			}
			fprintf(stderr, "server: %s\n", err);
			exit(2);
		}
		if (strcmp(port, "0") == 0)
			snprintf(port, sizeof(port), "%d", net_local_port(fds[before]));
		if (!is_loopback(addrs[i]))
			log_msg("warning: listening on %s, and any user name and password is accepted",
				addrs[i]);
	}
	for (int i = 0; i < n; i++) {
		char a[80];

		net_addr_string(fds[i], 1, a, sizeof(a));
		*strrchr(a, ':') = '\0';
		log_msg("listening on %s port %d",
			a[0] == '[' ? (a[strlen(a) - 1] = '\0', a + 1) : a, net_local_port(fds[i]));
	}
	return n;
}

static void check_mailbox(const char *dir)
{
	struct stat st;
	size_t count;
	uint64_t octets;

	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "server: mailbox %s: %s\n", dir,
			errno && !S_ISDIR(st.st_mode) ? strerror(errno) : "not a folder");
		exit(2);
	}
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
	live_count--;
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
	l->s = s;
	return l;
}

static void start_session(int fd, const struct server_config *cfg, pthread_attr_t *attr)
{
	static unsigned long next_id = 1;
	pthread_t t;

	pthread_mutex_lock(&live_lock);
	if (live_count >= cfg->max_connections) {
		pthread_mutex_unlock(&live_lock);
		refuse(fd, "-ERR [SYS/TEMP] too many connections\r\n");
		return;
	}
	struct live *l = new_live(fd, cfg, next_id++);

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
	live_head = l;
	live_count++;
	pthread_mutex_unlock(&live_lock);
}

static void accept_one(int lfd, const struct server_config *cfg, pthread_attr_t *attr)
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
	start_session(fd, cfg, attr);
}

static void serve(int *fds, int nfds, const struct server_config *cfg)
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
	for (int i = 0; i < nfds; i++)
		p[i] = (struct pollfd){ .fd = fds[i], .events = POLLIN };
	p[nfds] = (struct pollfd){ .fd = signal_pipe[0], .events = POLLIN };
	while (!server_stopping()) {
		if (poll(p, (nfds_t)nfds + 1, -1) < 0)
			continue;
		if (p[nfds].revents & POLLIN)
			break;
		pthread_sigmask(SIG_BLOCK, &block, &old);
		for (int i = 0; i < nfds; i++)
			if (p[i].revents & POLLIN)
				accept_one(fds[i], cfg, &attr);
		pthread_sigmask(SIG_SETMASK, &old, NULL);
	}
	pthread_attr_destroy(&attr);
}

/* End every session without UPDATE: their sockets are shut, their deletions dropped. */
static void shutdown_sessions(int *fds, int nfds)
{
	struct timespec deadline;

	atomic_store(&stopping, 1);
	for (int i = 0; i < nfds; i++)
		close(fds[i]);
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

int main(int argc, char **argv)
{
	struct options o = {
		.cfg = { .mailbox = "./mailbox", .idle_timeout = POP3_IDLE_TIMEOUT,
			 .max_connections = POP3_MAX_CONNECTIONS },
		.port = "1110",
	};
	int fds[MAX_LISTEN];

	parse_options(argc, argv, &o);
	raise_fd_limit();
	setup_signals();
	check_mailbox(o.cfg.mailbox);
	int nfds = open_listeners(&o, fds);

	serve(fds, nfds, &o.cfg);
	shutdown_sessions(fds, nfds);
	log_msg("stopped");
	return 0;
}

/* The server: start-up in order, accepting on the pool's threads, eviction, signals, shutdown. */
#include "log.h"
#include "net.h"
#include "pool.h"
#include "scan.h"
#include "session.h"
#include "startup.h"
#include "sysd.h"
#include "tls.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

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

/*
 * The pool's idle threads all wait in epoll_wait on accept_ep, which holds every
 * listening socket (non-blocking, EPOLLONESHOT: one thread at a time is told of a
 * listener's connections, and re-arms it right after its accept) and stop_fd (level-
 * triggered: once written, every waiter sees it).
 */
static int accept_ep = -1, stop_fd = -1;
/* Every listener has the sessions' SO_RCVTIMEO and SO_SNDTIMEO, for its sockets to inherit. */
static int timeouts_inherited;
static const struct listeners *lsn;
static const struct server_config *scfg;

static void on_signal(int sig)
{
	int saved = errno;
	char c = (char)sig;

	if (write(signal_pipe[1], &c, 1) < 0)
		(void)0;	/* the pipe is full: the main thread has plenty to read already */
	errno = saved;
}

/*
 * A pool thread serves one connection.  All of a session's state is in l->s, made fresh
 * for this connection; what the thread itself keeps (the per-thread error strings of a
 * scan and of OpenSSL) is cleared here, so nothing of the previous session is seen.
 */
static void session_job(void *job)
{
	struct live *l = job;

	scan_clear_error();
	session_run(l->s);
	int tls = l->s->implicit_tls || conn_is_tls(l->s->conn);

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
	if (tls)	/* a thread that never used TLS has no OpenSSL state to clear, nor makes one */
		tls_clear_thread_errors();
}

/* Tell a client turned away why, without waiting for it. */
static void refuse_line(int fd, const char *line)
{
	if (send(fd, line, strlen(line), MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
		(void)0;	/* it is being closed anyway */
}

/* Turn a client away at once. */
static void refuse(int fd, const char *line)
{
	refuse_line(fd, line);
	close(fd);
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

static struct live *new_live(int fd, const char *peer, const struct server_config *cfg,
			     unsigned long id)
{
	struct live *l = calloc(1, sizeof(*l));
	struct session *s = calloc(1, sizeof(*s));

	if (l != NULL && s != NULL)
		s->conn = timeouts_inherited ? conn_new_accepted(fd, cfg->idle_timeout)
					     : conn_new(fd, cfg->idle_timeout);
	if (l == NULL || s == NULL || s->conn == NULL) {
		free(l);
		free(s);
		return NULL;
	}
	s->id = id;
	s->cfg = cfg;
	session_set_peer(s, peer);
	l->s = s;
	return l;
}

/* The time ms from now, for pthread_cond_timedwait on live_cond. */
static struct timespec deadline_in(long ms)
{
	struct timespec t;

	clock_gettime(CLOCK_REALTIME, &t);
	t.tv_sec += ms / 1000;
	t.tv_nsec += (ms % 1000) * 1000000L;
	if (t.tv_nsec >= 1000000000L) {
		t.tv_sec++;
		t.tv_nsec -= 1000000000L;
	}
	return t;
}

/*
 * At the cap, make room by ending a session that has not logged in, one waiting out
 * a failed login's delay first: connections that never log in cannot starve those
 * that do.  Called with live_lock held.
 */
static int evict_one(const struct server_config *cfg)
{
	/*
	 * Evicted sessions hold their slot until their thread ends, which is quick; if
	 * the flood outruns that, wait a little for them rather than turn anyone away.
	 */
	struct timespec until = deadline_in(200);

	while (evicting >= cfg->max_connections / 4 + 16)
		if (pthread_cond_timedwait(&live_cond, &live_lock, &until) != 0)
			return -1;
	/* First one waiting out a login delay (a guesser), else the oldest not logged in. */
	struct live *victim = NULL;

	for (struct live *l = live_tail; l != NULL; l = l->prev) {
		if (l->evicted || atomic_load(&l->s->authed))
			continue;
		if (victim == NULL || atomic_load(&l->s->delayed))
			victim = l;
		if (atomic_load(&l->s->delayed))
			break;
	}
	if (victim == NULL)
		return -1;
	victim->evicted = 1;
	evicting++;
	/* The shutdown also ends a login delay at once (conn_sleep sees it). */
	shutdown(conn_fd(victim->s->conn), SHUT_RDWR);
	return 0;
}

static void free_live(struct live *l)
{
	conn_free(l->s->conn);	/* closes the socket */
	free(l->s);
	free(l);
}

/*
 * A new connection's session, listed as live, or NULL when it was turned away.  The
 * session is made before live_lock is taken: the lock covers only the count and the list.
 */
static struct live *start_session(int fd, const char *peer, int tls)
{
	static atomic_ulong next_id = 1;
	struct live *l = new_live(fd, peer, scfg, atomic_fetch_add(&next_id, 1));

	if (l == NULL) {
		refuse(fd, "-ERR [SYS/TEMP] out of memory\r\n");
		return NULL;
	}
	l->s->implicit_tls = tls;
	pthread_mutex_lock(&live_lock);
	if (live_count - evicting >= scfg->max_connections && evict_one(scfg) < 0) {
		pthread_mutex_unlock(&live_lock);
		refuse_line(fd, "-ERR [SYS/TEMP] too many connections\r\n");
		free_live(l);
		log_refusal();
		return NULL;
	}
	l->next = live_head;
	if (live_head)
		live_head->prev = l;
	else
		live_tail = l;
	live_head = l;
	live_count++;
	pthread_mutex_unlock(&live_lock);
	return l;
}

/* Tell the next idle thread of listener i's connections again (EPOLLONESHOT). */
static void rearm(int i)
{
	struct epoll_event ev = { .events = EPOLLIN | EPOLLONESHOT, .data.u32 = (uint32_t)i };

	epoll_ctl(accept_ep, EPOLL_CTL_MOD, lsn->fd[i], &ev);
}

/* Accept one connection on listener i: its session, or NULL (none, or turned away). */
static struct live *accept_one(int i)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	char peer[sizeof(((struct session *)0)->peer)];
	int fd = accept4(lsn->fd[i], (struct sockaddr *)&ss, &len, SOCK_CLOEXEC);
	int e = errno;

	/* Re-armed at once, so that another thread accepts the next while this one serves. */
	if (fd >= 0 || (e != EBADF && e != EINVAL && e != ENOTSOCK))
		rearm(i);
	if (fd < 0) {
		if (e == EMFILE || e == ENFILE || e == ENOMEM || e == ENOBUFS) {
			log_msg("accept: %s", strerror(e));
			nanosleep(&(struct timespec){ 0, 50 * 1000 * 1000 }, NULL);
		}
		return NULL;
	}
	/* TCP_NODELAY and the timeouts came from the listener (listener_options). */
	net_sockaddr_string(&ss, peer, sizeof(peer));
	return start_session(fd, peer, lsn->tls[i]);
}

/* The pool's take: the next session, NULL when none came within wait_ms or at shutdown. */
static void *take(int wait_ms)
{
	struct epoll_event ev;

	while (!atomic_load(&stopping)) {
		int n = epoll_wait(accept_ep, &ev, 1, wait_ms);

		if (n == 0) {
			errno = ETIMEDOUT;
			return NULL;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || ev.data.u32 >= (uint32_t)lsn->n || atomic_load(&stopping))
			break;
		struct live *l = accept_one((int)ev.data.u32);

		if (l != NULL)
			return l;
	}
	errno = ECANCELED;
	return NULL;
}

/* Read what the signal handler wrote: 1 when it is time to stop; a SIGHUP reloads here. */
static int handle_signals(const struct server_config *cfg)
{
	char sig[16];
	ssize_t n;
	int stop = 0, reload = 0;

	while ((n = read(signal_pipe[0], sig, sizeof(sig))) > 0)
		for (ssize_t i = 0; i < n; i++) {
			if (sig[i] == SIGHUP)
				reload = 1;
			else
				stop = 1;
		}
	if (reload && !stop) {
		sysd_notify("RELOADING=1");
		startup_reload(cfg);
		sysd_notify("READY=1");
	}
	return stop;
}

/* An environment variable's number, or def: the pool's knobs are for tests (tests/concurrency). */
static unsigned env_number(const char *name, unsigned def)
{
	const char *v = getenv(name);
	char *end;
	unsigned long n = v ? strtoul(v, &end, 10) : 0;

	return v && *v && *end == '\0' && n <= 100000 ? (unsigned)n : def;
}

/*
 * The options sessions need, set once on the listeners, whose accepted sockets inherit
 * them (Linux copies a listener's socket options, not its file flags such as O_NONBLOCK).
 */
static void listener_options(int fd, const struct server_config *cfg)
{
	struct timeval tv = { cfg->idle_timeout > 0 ? cfg->idle_timeout : 0, 0 };

	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);	/* for accept, not inherited */
	net_nodelay(fd);
	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) < 0)
		timeouts_inherited = 0;		/* each session sets its own */
}

/*
 * The listeners (see listener_options) and the stop event in accept_ep; exit 1 when
 * that cannot be set up.
 */
static void setup_accept(const struct listeners *ls, const struct server_config *cfg)
{
	struct epoll_event ev = { .events = EPOLLIN };

	timeouts_inherited = 1;
	accept_ep = epoll_create1(EPOLL_CLOEXEC);
	stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	ev.data.u32 = (uint32_t)ls->n;
	if (accept_ep < 0 || stop_fd < 0 || epoll_ctl(accept_ep, EPOLL_CTL_ADD, stop_fd, &ev) < 0)
		goto fail;
	for (int i = 0; i < ls->n; i++) {
		ev = (struct epoll_event){ .events = EPOLLIN | EPOLLONESHOT, .data.u32 = (uint32_t)i };
		listener_options(ls->fd[i], cfg);
		if (epoll_ctl(accept_ep, EPOLL_CTL_ADD, ls->fd[i], &ev) < 0)
			goto fail;
	}
	lsn = ls;
	return;
fail:
	log_msg("cannot wait for connections: %s", strerror(errno));
	exit(1);
}

/* The pool's first thread, which waits for connections; session threads never take signals. */
static void start_pool(void)
{
	struct pool_config pc = {
		.take = take, .run = session_job, .stack = POP3_THREAD_STACK,
		.reserve = POP3_POOL_RESERVE,
		.idle_s = env_number("MAILROOM_POOL_IDLE_S", POP3_POOL_IDLE),
		.max = env_number("MAILROOM_POOL_MAX", 0),
	};
	sigset_t block, old;

	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	if (pool_start(&pc) < 0) {
		log_msg("cannot start a session thread: %s", strerror(errno));
		exit(1);
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

/* The pool's threads accept and serve; this thread waits for signals. */
static void serve(const struct listeners *ls, const struct server_config *cfg)
{
	struct pollfd p = { .fd = signal_pipe[0], .events = POLLIN };

	scfg = cfg;
	setup_accept(ls, cfg);
	start_pool();
	while (!atomic_load(&stopping)) {
		if (poll(&p, 1, -1) < 0)
			continue;
		if ((p.revents & POLLIN) && handle_signals(cfg))
			break;
	}
}

/*
 * End every session without UPDATE: their sockets are shut, their deletions dropped.
 * The listeners leave accept_ep, so no thread is told of a connection any more, and the
 * stop event sends every idle thread out of take.  A listener is closed only once the
 * threads are gone (one may be in accept4 on it still); meanwhile new connections wait
 * in its backlog and are reset when the process exits.
 */
static void shutdown_sessions(const struct listeners *ls)
{
	atomic_store(&stopping, 1);
	for (int i = 0; i < ls->n; i++)
		epoll_ctl(accept_ep, EPOLL_CTL_DEL, ls->fd[i], NULL);
	if (eventfd_write(stop_fd, 1) < 0)
		log_msg("cannot stop the idle threads: %s", strerror(errno));
	struct timespec deadline = deadline_in(POP3_SHUTDOWN_GRACE * 1000);

	pthread_mutex_lock(&live_lock);
	log_msg("shutting down: ending %d sessions without committing deletions", live_count);
	for (struct live *l = live_head; l != NULL; l = l->next)
		shutdown(conn_fd(l->s->conn), SHUT_RDWR);
	while (live_count > 0)
		if (pthread_cond_timedwait(&live_cond, &live_lock, &deadline) != 0)
			break;
	pthread_mutex_unlock(&live_lock);
	pool_stop(1000);
	for (int i = 0; i < ls->n; i++)
		close(ls->fd[i]);
}

static void setup_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	if (pipe2(signal_pipe, O_CLOEXEC | O_NONBLOCK) < 0) {
		perror("pipe");
		exit(1);
	}
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

int main(int argc, char **argv)
{
	/*
	 * Static: sessions that outlive the shutdown grace period still read the
	 * configuration (accounts, TLS context) while the process exits.
	 */
	static struct options o = {
		.cfg = { .mailbox = "./mailbox", .idle_timeout = POP3_IDLE_TIMEOUT,
			 .max_connections = POP3_MAX_CONNECTIONS, .max_per_ip = POP3_MAX_PER_IP,
			 .login_delay_ms = 2000,
			 .stopping = &stopping },
		.port = "1110",
	};
	struct listeners ls = { .n = 0 };

	startup_parse_options(argc, argv, &o);
	startup_raise_fd_limit();
	setup_signals();
	/* An unusable folder stops start-up before anything listens. */
	startup_check_folder(o.cfg.mailroot ? o.cfg.mailroot : o.cfg.mailbox);
	if (o.cfg.mailroot == NULL && o.run_as == NULL)
		startup_check_mailbox(o.cfg.mailbox);
	startup_load_secrets(&o);
	startup_open_listeners(&o, &ls);
	startup_drop_privileges(o.run_as);
	/* With --run-as the folder is read as the user that will serve it. */
	if (o.cfg.mailroot == NULL && o.run_as != NULL)
		startup_check_mailbox(o.cfg.mailbox);
	sysd_notify("READY=1");
	serve(&ls, &o.cfg);
	sysd_notify("STOPPING=1");
	shutdown_sessions(&ls);
	log_msg("stopped");
	return 0;
}

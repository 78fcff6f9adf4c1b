/* loop.c: the epoll loop that drives every client connection through its session script. */
#include "pop3bench.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define EVENTS_MAX 1024 /* events taken per epoll_wait */

static int tls_start(struct bench *b, struct bconn *c);

double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int bench_init(struct bench *b, int nconns)
{
	b->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (b->epfd < 0)
		return -1;
	b->conns = calloc((size_t)nconns, sizeof(*b->conns));
	if (!b->conns)
		return -1;
	b->nconns = nconns;
	for (int i = 0; i < nconns; i++) {
		b->conns[i].fd = -1;
		b->conns[i].buf = malloc(b->bufsize);
		if (!b->conns[i].buf)
			return -1;
	}
	return 0;
}

void bench_script(struct bench *b, const enum step *steps, int n)
{
	int k = 0;

	for (int i = 0; i < n && k < SCRIPT_MAX; i++) {
		b->script[k++] = steps[i];
		if (steps[i] == ST_GREET && b->tls == TLS_STLS && k < SCRIPT_MAX)
			b->script[k++] = ST_STLS;
	}
	b->script_len = k;
}

int bench_step_index(const struct bench *b, enum step s)
{
	for (int i = 0; i < b->script_len; i++)
		if (b->script[i] == s)
			return i;
	return -1;
}

void bench_free(struct bench *b)
{
	for (int i = 0; i < b->nconns; i++) {
		if (b->conns[i].fd >= 0)
			conn_close(b, &b->conns[i]);
		btls_forget(&b->conns[i]);
		free(b->conns[i].buf);
	}
	free(b->conns);
	b->conns = NULL;
	if (b->epfd >= 0)
		close(b->epfd);
	b->epfd = -1;
}

static int watch(struct bench *b, struct bconn *c, int op, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = c };

	return epoll_ctl(b->epfd, op, c->fd, &ev);
}

void conn_watch(struct bench *b, struct bconn *c, uint32_t events)
{
	watch(b, c, EPOLL_CTL_MOD, events);
}

int conn_start(struct bench *b, struct bconn *c, double now)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)b->port) };
	int one = 1;

	memset(c->sizes, 0, sizeof(c->sizes));
	c->pc = 0;
	c->retr_done = 0;
	c->mode = RM_LINE;
	c->start = c->end = c->outlen = c->outoff = 0;
	c->t_conn = c->t_sent = now;
	c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd < 0) {
		conn_fail(b, c, F_CONNECT, strerror(errno));
		return -1;
	}
	b->active++;
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	inet_pton(AF_INET, b->host, &sa.sin_addr);
	if (connect(c->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 && errno != EINPROGRESS) {
		conn_fail(b, c, F_CONNECT, strerror(errno));
		return -1;
	}
	/* The server speaks first, so reading is all we wait for; a failed connect shows up as
	 * EPOLLERR and a read error. */
	if (watch(b, c, EPOLL_CTL_ADD, EPOLLIN) < 0) {
		conn_fail(b, c, F_CONNECT, strerror(errno));
		return -1;
	}
	if (b->tls == TLS_IMPLICIT)
		return tls_start(b, c);
	return 0;
}

void conn_close(struct bench *b, struct bconn *c)
{
	if (c->fd < 0)
		return;
	btls_end(c, 0);
	close(c->fd); /* also removes it from the epoll set */
	c->fd = -1;
	b->active--;
}

void conn_fail(struct bench *b, struct bconn *c, enum fail f, const char *why)
{
	static const char *names[F_COUNT] = { "connect", "err", "format", "size", "closed",
					      "timeout", "tls" };
	enum step s = c->pc < b->script_len ? b->script[c->pc] : ST_QUIT;

	b->fails[f]++;
	if (!b->first_error[0])
		snprintf(b->first_error, sizeof(b->first_error), "%s at step %d: %s", names[f],
			 (int)s, why);
	conn_close(b, c);
	if (b->drv->ended)
		b->drv->ended(b, c, 0, now_s());
}

static void flush_out(struct bench *b, struct bconn *c)
{
	while (c->outoff < c->outlen) {
		ssize_t n;

		if (c->ssl != NULL) {
			n = btls_write(b, c, c->out + c->outoff, c->outlen - c->outoff);
			if (n < 0)
				return; /* waiting (events set) or failed (counted) */
			c->outoff += (size_t)n;
			continue;
		}
		n = write(c->fd, c->out + c->outoff, c->outlen - c->outoff);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN) {
			watch(b, c, EPOLL_CTL_MOD, EPOLLIN | EPOLLOUT);
			return;
		}
		if (n <= 0) {
			conn_fail(b, c, F_CLOSED, "write failed");
			return;
		}
		c->outoff += (size_t)n;
	}
	if (c->outlen && c->outoff == c->outlen) {
		c->outlen = c->outoff = 0;
	}
}

static void send_cmd(struct bench *b, struct bconn *c, const char *cmd, const char *arg)
{
	int n = snprintf(c->out, sizeof(c->out), "%s%s%s\r\n", cmd, arg ? " " : "", arg ? arg : "");

	c->outlen = (size_t)n;
	c->outoff = 0;
	c->mode = RM_LINE;
	flush_out(b, c);
}

int conn_retr_msg(const struct bench *b, const struct bconn *c)
{
	uint64_t cycle = (uint64_t)b->retr_cycle < c->nmsg ? (uint64_t)b->retr_cycle : c->nmsg;

	return cycle ? (int)((uint64_t)c->retr_done % cycle) + 1 : 1;
}

void conn_next(struct bench *b, struct bconn *c, double now)
{
	char num[24];
	enum step s = b->script[c->pc];

	/* A mailbox with fewer messages than planned RETRs skips the missing ones. */
	while (s == ST_RETR && c->nmsg == 0)
		s = b->script[++c->pc];
	c->t_sent = now;
	switch (s) {
	case ST_USER: send_cmd(b, c, "USER", b->user); break;
	case ST_PASS: send_cmd(b, c, "PASS", b->pass); break;
	case ST_STAT: send_cmd(b, c, "STAT", NULL); break;
	case ST_LIST: send_cmd(b, c, "LIST", NULL); break;
	case ST_UIDL: send_cmd(b, c, "UIDL", NULL); break;
	case ST_NOOP: send_cmd(b, c, "NOOP", NULL); break;
	case ST_QUIT: send_cmd(b, c, "QUIT", NULL); break;
	case ST_STLS: send_cmd(b, c, "STLS", NULL); break;
	case ST_RETR:
		snprintf(num, sizeof(num), "%d", conn_retr_msg(b, c));
		send_cmd(b, c, "RETR", num);
		break;
	default: break; /* ST_IDLE waits for the driver; ST_GREET is never sent */
	}
}

/* Handles every complete reply in the buffer; the session may end inside. */
static void on_replies(struct bench *b, struct bconn *c)
{
	for (;;) {
		int r = reply_parse(b, c);
		enum step s;
		double now;

		if (r <= 0)
			return;
		s = b->script[c->pc];
		now = now_s();
		b->ok_steps[s]++;
		if (s == ST_RETR)
			c->retr_done++;
		if (b->drv->step_done)
			b->drv->step_done(b, c, s, now);
		if (c->fd < 0)
			return;
		if (s == ST_QUIT || c->pc + 1 >= b->script_len) {
			btls_end(c, 1);
			conn_close(b, c);
			if (b->drv->ended)
				b->drv->ended(b, c, 1, now);
			return;
		}
		c->pc++;
		if (s == ST_STLS) {
			c->start = c->end = 0; /* nothing sent before the handshake may count */
			tls_start(b, c);
			return;
		}
		conn_next(b, c, now);
		if (c->fd < 0 || b->script[c->pc] == ST_IDLE)
			return;
	}
}

/* Reads into buf: > 0 bytes, 0 closed, -1 nothing now, -2 failed (counted). */
static long conn_recv(struct bench *b, struct bconn *c, char *buf, size_t space)
{
	ssize_t n;

	if (c->ssl != NULL)
		return btls_read(b, c, buf, space);
	do
		n = read(c->fd, buf, space);
	while (n < 0 && errno == EINTR);
	if (n >= 0)
		return n;
	if (errno == EAGAIN)
		return -1;
	conn_fail(b, c, c->pc == 0 && c->end == 0 ? F_CONNECT : F_CLOSED, strerror(errno));
	return -2;
}

static void on_readable(struct bench *b, struct bconn *c)
{
	for (;;) {
		size_t space;
		long n;

		if (c->start == c->end)
			c->start = c->end = 0;
		if (c->end == b->bufsize && c->start > 0) {
			memmove(c->buf, c->buf + c->start, c->end - c->start);
			c->end -= c->start;
			c->start = 0;
		}
		if (c->end == b->bufsize) {
			conn_fail(b, c, F_FORMAT, "reply line longer than the buffer");
			return;
		}
		space = b->bufsize - c->end;
		n = conn_recv(b, c, c->buf + c->end, space);
		if (n < 0)
			return;
		if (n == 0) {
			int before = c->pc == 0 && c->end == 0;

			conn_fail(b, c, before ? F_CONNECT : F_CLOSED, "connection closed by server");
			return;
		}
		c->end += (size_t)n;
		on_replies(b, c);
		/* A short read drained the socket; level-triggered epoll calls again.  OpenSSL
		 * may hold a record's rest, so TLS reads on until it wants the socket. */
		if (c->fd < 0 || c->hs || ((size_t)n < space && c->ssl == NULL))
			return;
	}
}

/* One handshake step; when it is done the session goes on in TLS. */
static void tls_step(struct bench *b, struct bconn *c)
{
	int r = btls_handshake(b, c);

	if (r <= 0)
		return;
	conn_watch(b, c, EPOLLIN);
	/* After STLS the client speaks next; on the implicit port it waits for the greeting. */
	if (b->script[c->pc] != ST_GREET)
		conn_next(b, c, now_s());
	if (c->fd >= 0)
		on_readable(b, c);
}

static int tls_start(struct bench *b, struct bconn *c)
{
	if (btls_begin(b, c) < 0)
		return -1;
	tls_step(b, c);
	return c->fd >= 0 ? 0 : -1;
}

static void on_event(struct bench *b, struct bconn *c, uint32_t ev)
{
	if (c->fd < 0)
		return;
	if (c->hs) {
		tls_step(b, c);
		return;
	}
	/* OpenSSL may want to read before it can write, and the other way round. */
	if ((ev & EPOLLOUT) || (c->ssl != NULL && c->outlen)) {
		flush_out(b, c);
		if (c->fd >= 0 && c->outlen == 0)
			watch(b, c, EPOLL_CTL_MOD, EPOLLIN);
	}
	if (c->fd >= 0 && (ev & (EPOLLIN | EPOLLERR | EPOLLHUP) || c->ssl != NULL))
		on_readable(b, c);
}

/* Fails every connection that has waited longer than the step timeout for a reply. */
static void sweep_timeouts(struct bench *b, double now)
{
	for (int i = 0; i < b->nconns; i++) {
		struct bconn *c = &b->conns[i];

		if (c->fd < 0 || b->script[c->pc] == ST_IDLE)
			continue;
		if (now - c->t_sent > b->step_timeout)
			conn_fail(b, c, F_TIMEOUT, "no reply within the step timeout");
	}
}

int bench_loop(struct bench *b, double deadline)
{
	struct epoll_event evs[EVENTS_MAX];
	double last_sweep = now_s();

	b->next_tick = last_sweep;
	while (!b->stop) {
		double now = now_s();
		int wait_ms = (int)((b->next_tick - now) * 1000.0) + 1;
		int n;

		if (now >= deadline)
			break;
		if (wait_ms < 0)
			wait_ms = 0;
		n = epoll_wait(b->epfd, evs, EVENTS_MAX, wait_ms);
		if (n < 0 && errno != EINTR)
			return -1;
		for (int i = 0; i < n; i++)
			on_event(b, evs[i].data.ptr, evs[i].events);
		now = now_s();
		if (now >= b->next_tick) {
			b->next_tick = now + b->tick_every;
			if (b->drv->tick)
				b->drv->tick(b, now);
		}
		if (now - last_sweep >= 0.5) {
			last_sweep = now;
			sweep_timeouts(b, now);
		}
	}
	return 0;
}

/* Buffered line I/O over a socket, with timeouts; the one place that reads and writes sockets. */
#include "conn.h"
#include "pop3.h"
#include "tls.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

enum { CONN_BULK_BUF = 256 * 1024 };	/* TLS records gathered per write() in bulk output */

struct conn {
	int fd;
	int nonblock;		/* the socket was non-blocking: wait with poll, not in recv */
	SSL *ssl;
	conn_wait_fn wait;	/* NULL: wait_fd */
	void *wait_arg;
	int timeout_ms;
	int failed;
	size_t rpos, rlen;
	size_t wlen;
	unsigned long long out, in;
	char rbuf[POP3_CONN_RBUF];
	char wbuf[POP3_CONN_WBUF];
};

static struct conn *conn_alloc(int fd)
{
	struct conn *c = malloc(sizeof(*c));

	if (c == NULL)
		return NULL;
	c->fd = fd;
	c->ssl = NULL;
	c->wait = NULL;
	c->wait_arg = NULL;
	c->failed = 0;
	c->rpos = c->rlen = c->wlen = 0;
	c->out = c->in = 0;
	return c;
}

struct conn *conn_new(int fd, int timeout_s)
{
	struct conn *c = conn_alloc(fd);

	if (c != NULL)
		conn_set_timeout(c, timeout_s);
	return c;
}

struct conn *conn_new_accepted(int fd, int timeout_s)
{
	struct conn *c = conn_alloc(fd);

	if (c != NULL) {
		c->timeout_ms = timeout_s > 0 ? timeout_s * 1000 : -1;
		c->nonblock = 0;
	}
	return c;
}

void conn_free(struct conn *c)
{
	if (c == NULL)
		return;
	if (c->ssl != NULL) {
		SSL_shutdown(c->ssl);	/* best effort: the socket is non-blocking */
		SSL_free(c->ssl);
	}
	close(c->fd);
	free(c);
}

int conn_sleep(struct conn *c, unsigned ms)
{
	struct timespec now, end;

	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += ms / 1000;
	end.tv_nsec += (long)(ms % 1000) * 1000000L;
	for (;;) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		long left = (long)(end.tv_sec - now.tv_sec) * 1000 + (end.tv_nsec - now.tv_nsec) / 1000000L;

		if (left <= 0)
			return 0;
		/* Only the end of the connection is asked for: input that arrives waits its turn. */
		struct pollfd p = { .fd = c->fd, .events = POLLRDHUP };
		int r = poll(&p, 1, (int)(left > 60000 ? 60000 : left));

		if (r > 0 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR | POLLNVAL)))
			return -1;
		if (r < 0 && errno != EINTR)
			return -1;
	}
}

int conn_fd(const struct conn *c)
{
	return c->fd;
}

/*
 * The timeout also goes to the socket (SO_RCVTIMEO, SO_SNDTIMEO): a blocking recv
 * then waits for data and the timer in one system call, and a peer that stops
 * reading cannot hold a send, and its thread, forever.
 */
void conn_set_timeout(struct conn *c, int timeout_s)
{
	struct timeval tv = { timeout_s > 0 ? timeout_s : 0, 0 };

	c->timeout_ms = timeout_s > 0 ? timeout_s * 1000 : -1;
	c->nonblock = (fcntl(c->fd, F_GETFL) & O_NONBLOCK) != 0;
	setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(c->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

/* Wait until fd is ready for events; 1 ready, 0 timed out, -1 error. */
static int wait_fd(int fd, short events, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = events };

	for (;;) {
		int n = poll(&p, 1, timeout_ms);

		if (n >= 0)
			return n;
		if (errno != EINTR)
			return -1;
	}
}

void conn_set_wait(struct conn *c, conn_wait_fn fn, void *arg)
{
	c->wait = fn;
	c->wait_arg = arg;
	if (fn != NULL) {
		fcntl(c->fd, F_SETFL, fcntl(c->fd, F_GETFL) | O_NONBLOCK);
		c->nonblock = 1;
	}
}

/* Wait for the socket the connection's way; 1 ready, 0 timed out, -1 error (errno). */
static int conn_wait(struct conn *c, short events)
{
	if (c->wait != NULL)
		return c->wait(c->wait_arg, c->fd, events, c->timeout_ms);
	return wait_fd(c->fd, events, c->timeout_ms);
}

/*
 * After an SSL call wanted more: wait for the socket the way OpenSSL asked.
 * 1 go on, 0 timed out, -1 the connection failed or was closed.
 */
static int tls_wait_err(struct conn *c, int err)
{
	switch (err) {
	case SSL_ERROR_WANT_READ:
		return conn_wait(c, POLLIN);
	case SSL_ERROR_WANT_WRITE:
		return conn_wait(c, POLLOUT);
	case SSL_ERROR_SYSCALL:
		if (errno == EINTR)
			return 1;
		if (errno == 0)
			errno = ECONNRESET;
		return -1;
	default:
		errno = ECONNRESET;
		return -1;
	}
}

static int tls_wait(struct conn *c, int ret)
{
	return tls_wait_err(c, SSL_get_error(c->ssl, ret));
}

static enum conn_status tls_fill(struct conn *c)
{
	for (;;) {
		int n = SSL_read(c->ssl, c->rbuf + c->rlen, (int)(sizeof(c->rbuf) - c->rlen));

		if (n > 0) {
			c->rlen += (size_t)n;
			c->in += (unsigned long long)n;
			return CONN_OK;
		}
		if (SSL_get_error(c->ssl, n) == SSL_ERROR_ZERO_RETURN)
			return CONN_EOF;
		int r = tls_wait(c, n);

		if (r == 0)
			return CONN_TIMEOUT;
		if (r < 0)
			return errno == ECONNRESET ? CONN_EOF : CONN_ERROR;	/* ECANCELED stays */
	}
}

/* Refill the read buffer, keeping unread bytes; returns a status for the caller. */
static enum conn_status fill(struct conn *c)
{
	if (c->rpos > 0) {
		memmove(c->rbuf, c->rbuf + c->rpos, c->rlen - c->rpos);
		c->rlen -= c->rpos;
		c->rpos = 0;
	}
	if (c->ssl != NULL)
		return tls_fill(c);
	for (;;) {
		ssize_t n = recv(c->fd, c->rbuf + c->rlen, sizeof(c->rbuf) - c->rlen, 0);

		if (n > 0) {
			c->rlen += (size_t)n;
			c->in += (unsigned long long)n;
			return CONN_OK;
		}
		if (n == 0)
			return CONN_EOF;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return CONN_ERROR;
		if (!c->nonblock)
			return CONN_TIMEOUT;	/* SO_RCVTIMEO ran out */
		int r = conn_wait(c, POLLIN);

		if (r == 0)
			return CONN_TIMEOUT;
		if (r < 0)
			return CONN_ERROR;
	}
}

/* Move n buffered octets into the caller's line. */
static void take_octets(struct conn *c, char *buf, size_t *len, size_t n)
{
	memcpy(buf + *len, c->rbuf + c->rpos, n);
	*len += n;
	c->rpos += n;
}

/*
 * Octets stay in the read buffer until it is clear whether the line fits: a line
 * that ends just past the buffer's room in the next read is still a whole line,
 * and a CR LF pair is never split between two calls.
 */
enum conn_status conn_read_line(struct conn *c, char *buf, size_t size, size_t *len_r)
{
	size_t len = 0;
	enum conn_status st = CONN_OK;

	for (;;) {
		const char *start = c->rbuf + c->rpos;
		size_t avail = c->rlen - c->rpos, room = size - 1 - len;
		const char *lf = memchr(start, '\n', avail);

		if (lf != NULL) {
			size_t take = (size_t)(lf - start);
			size_t content = take > 0 && start[take - 1] == '\r' ? take - 1 : take;

			if (content > room) {
				st = CONN_LONG;
				break;
			}
			take_octets(c, buf, &len, content);
			c->rpos += take - content + 1;
			break;
		}
		if (avail > room + 1 || (avail == room + 1 && start[room] != '\r')) {
			st = CONN_LONG;
			break;
		}
		if (avail == sizeof(c->rbuf)) {
			/* A long line for a large caller's buffer: pass most of it on, read on. */
			take_octets(c, buf, &len, avail - 2);
			continue;
		}
		st = fill(c);
		if (st != CONN_OK) {
			if (avail > room)
				st = CONN_LONG;	/* a last CR that does not fit comes with the next call */
			else
				take_octets(c, buf, &len, avail);
			break;
		}
	}
	if (st == CONN_LONG)
		take_octets(c, buf, &len, size - 1 - len);
	buf[len] = '\0';
	*len_r = len;
	return st;
}

enum conn_status conn_skip_line(struct conn *c)
{
	for (;;) {
		const char *start = c->rbuf + c->rpos;
		const char *lf = memchr(start, '\n', c->rlen - c->rpos);

		if (lf) {
			c->rpos += (size_t)(lf - start) + 1;
			return CONN_OK;
		}
		c->rpos = c->rlen;
		enum conn_status st = fill(c);

		if (st != CONN_OK)
			return st;
	}
}

/* How many of the n octets at p to take: up to and including the first LF, or all. */
static size_t upto_lf(const char *p, size_t n)
{
	const char *lf = memchr(p, '\n', n);

	return lf ? (size_t)(lf - p) + 1 : n;
}

enum conn_status conn_read_raw(struct conn *c, void *buf, size_t max, int stop_at_lf,
			       int timeout_ms, size_t *len_r)
{
	*len_r = 0;
	for (;;) {
		/* Peek first when the line's end decides, so nothing past the LF is taken. */
		ssize_t n = recv(c->fd, buf, max, MSG_DONTWAIT | (stop_at_lf ? MSG_PEEK : 0));

		if (n > 0) {
			size_t take = stop_at_lf ? upto_lf(buf, (size_t)n) : (size_t)n;

			if (stop_at_lf && recv(c->fd, buf, take, MSG_DONTWAIT) != (ssize_t)take)
				return CONN_ERROR;	/* peeked octets are always there to take */
			c->in += take;
			*len_r = take;
			return CONN_OK;
		}
		if (n == 0)
			return CONN_EOF;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return CONN_ERROR;
		int r = wait_fd(c->fd, POLLIN, timeout_ms > 0 ? timeout_ms : 0);

		if (r == 0)
			return CONN_TIMEOUT;
		if (r < 0)
			return CONN_ERROR;
	}
}

size_t conn_peek(const struct conn *c, void *buf, size_t n)
{
	size_t avail = c->rlen - c->rpos;

	if (n > avail)
		n = avail;
	memcpy(buf, c->rbuf + c->rpos, n);
	return n;
}

size_t conn_pending(const struct conn *c)
{
	return c->rlen - c->rpos;
}

void conn_discard_input(struct conn *c)
{
	c->rpos = c->rlen = 0;
}

static int tls_send_all(struct conn *c, const char *p, size_t len)
{
	while (len > 0) {
		int n = SSL_write(c->ssl, p, len > INT32_MAX ? INT32_MAX : (int)len);

		if (n > 0) {
			p += n;
			len -= (size_t)n;
			continue;
		}
		int r = tls_wait(c, n);

		if (r <= 0) {
			if (r == 0)
				errno = ETIMEDOUT;
			c->failed = 1;
			return -1;
		}
	}
	return 0;
}

/* Send len bytes straight to the socket, waiting while it is full. */
static int send_all(struct conn *c, const char *p, size_t len)
{
	if (c->ssl != NULL)
		return tls_send_all(c, p, len);
	while (len > 0) {
		ssize_t n = send(c->fd, p, len, MSG_NOSIGNAL);

		if (n > 0) {
			p += n;
			len -= (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			/* Blocking: SO_SNDTIMEO ran out with nothing taken.  Else wait here. */
			int r = c->nonblock ? conn_wait(c, POLLOUT) : 0;

			if (r > 0)
				continue;
			if (r == 0)
				errno = ETIMEDOUT;
		}
		c->failed = 1;
		return -1;
	}
	return 0;
}

int conn_flush(struct conn *c)
{
	if (c->failed) {
		errno = EPIPE;
		return -1;
	}
	if (c->wlen == 0)
		return 0;
	int r = send_all(c, c->wbuf, c->wlen);

	c->wlen = 0;
	return r;
}

int conn_write(struct conn *c, const void *data, size_t len)
{
	if (c->failed) {
		errno = EPIPE;
		return -1;
	}
	c->out += len;
	if (len <= sizeof(c->wbuf) - c->wlen) {
		memcpy(c->wbuf + c->wlen, data, len);
		c->wlen += len;
		return 0;
	}
	if (conn_flush(c) < 0)
		return -1;
	if (len < sizeof(c->wbuf)) {
		memcpy(c->wbuf, data, len);
		c->wlen = len;
		return 0;
	}
	return send_all(c, data, len);
}

int conn_puts(struct conn *c, const char *s)
{
	return conn_write(c, s, strlen(s));
}

int conn_printf(struct conn *c, const char *fmt, ...)
{
	char line[POP3_RESP_MAX * 2];
	va_list ap;

	va_start(ap, fmt);
	int n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0)
		return -1;
	if ((size_t)n >= sizeof(line))
		n = sizeof(line) - 1;
	return conn_write(c, line, (size_t)n);
}

void conn_bulk_begin(struct conn *c)
{
	/* What the write buffer holds (the +OK line) reaches the gathering buffer first. */
	if (c->ssl != NULL)
		tls_bulk_begin(c->ssl, CONN_BULK_BUF);	/* without it, records go out one by one */
}

int conn_bulk_end(struct conn *c)
{
	int r = conn_flush(c);

	while (r == 0 && c->ssl != NULL) {
		int e = tls_bulk_flush(c->ssl);

		if (e == 1)
			break;
		int w = tls_wait_err(c, e);

		if (w <= 0) {
			if (w == 0)
				errno = ETIMEDOUT;
			c->failed = 1;
			r = -1;
		}
	}
	if (c->ssl != NULL)
		tls_bulk_end(c->ssl);
	return r;
}

unsigned long long conn_bytes_out(const struct conn *c)
{
	return c->out;
}

unsigned long long conn_bytes_in(const struct conn *c)
{
	return c->in;
}

/* Drive a handshake step (SSL_accept or SSL_connect) to its end within the timeout. */
static int handshake(struct conn *c, int (*step)(SSL *), char *err, size_t errsize)
{
	fcntl(c->fd, F_SETFL, fcntl(c->fd, F_GETFL) | O_NONBLOCK);
	c->nonblock = 1;
	for (;;) {
		int n = step(c->ssl);

		if (n == 1)
			return 0;
		int e = SSL_get_error(c->ssl, n);
		long v = SSL_get_verify_result(c->ssl);

		if (e == SSL_ERROR_SSL && v != X509_V_OK) {
			snprintf(err, errsize, "certificate verification failed: %s",
				 X509_verify_cert_error_string(v));
			break;
		}
		int r = tls_wait(c, n);

		if (r > 0)
			continue;
		if (r == 0)
			snprintf(err, errsize, "TLS handshake timed out");
		else if (errno == ECANCELED)
			snprintf(err, errsize, "cancelled");
		else if (e == SSL_ERROR_SSL)
			tls_error_string(err, errsize);
		else
			snprintf(err, errsize, "TLS handshake failed: connection closed");
		break;
	}
	c->failed = 1;
	return -1;
}

int conn_tls_accept(struct conn *c, struct tls_server *ts, char *err, size_t errsize)
{
	SSL_CTX *ctx;

	if (c->ssl != NULL)
		goto unavailable;
	/* The connection keeps the context it starts with, whatever a reload does later. */
	ctx = tls_server_get(ts);
	c->ssl = SSL_new(ctx);
	tls_ctx_free(ctx);
	if (c->ssl == NULL || SSL_set_fd(c->ssl, c->fd) != 1) {
unavailable:
		snprintf(err, errsize, "TLS is not available");
		return -1;
	}
	return handshake(c, SSL_accept, err, errsize);
}

/* Check the name, or for a numeric host the address, in the certificate. */
static int set_peer_name(SSL *ssl, const char *host)
{
	unsigned char addr[16];

	if (inet_pton(AF_INET, host, addr) == 1 || inet_pton(AF_INET6, host, addr) == 1)
		return X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), host) == 1 ? 0 : -1;
	if (SSL_set_tlsext_host_name(ssl, host) != 1)
		return -1;
	return SSL_set1_host(ssl, host) == 1 ? 0 : -1;
}

int conn_tls_connect(struct conn *c, SSL_CTX *ctx, const char *host, char *err, size_t errsize)
{
	if (c->ssl != NULL || (c->ssl = SSL_new(ctx)) == NULL || SSL_set_fd(c->ssl, c->fd) != 1 ||
	    set_peer_name(c->ssl, host) < 0) {
		snprintf(err, errsize, "TLS is not available");
		return -1;
	}
	return handshake(c, SSL_connect, err, errsize);
}

int conn_is_tls(const struct conn *c)
{
	return c->ssl != NULL;
}

void conn_tls_describe(const struct conn *c, char *buf, size_t size)
{
	if (c->ssl == NULL) {
		snprintf(buf, size, "%s", "");
		return;
	}
	snprintf(buf, size, "%s %s", SSL_get_version(c->ssl), SSL_get_cipher_name(c->ssl));
}

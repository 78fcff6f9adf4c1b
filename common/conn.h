/* A connection: bounded line reads with a timeout, buffered writes.  All socket I/O of both programs. */
#ifndef CONN_H
#define CONN_H

#include <stddef.h>
#include <sys/types.h>

struct conn;

enum conn_status {
	CONN_OK = 0,	/* a whole line was read */
	CONN_LONG,	/* the buffer filled before the line ended; the rest is still unread */
	CONN_EOF,	/* the peer closed the connection */
	CONN_TIMEOUT,	/* nothing arrived within the timeout */
	CONN_ERROR,	/* a read failed; errno says why */
};

/* Wrap a connected socket; timeout_s <= 0 waits forever.  NULL when out of memory. */
struct conn *conn_new(int fd, int timeout_s);
/*
 * The same for a blocking socket just accepted from a listener that has SO_RCVTIMEO and
 * SO_SNDTIMEO of timeout_s already (accepted sockets inherit them): no system call.
 */
struct conn *conn_new_accepted(int fd, int timeout_s);
/* Close the socket and free everything. */
void conn_free(struct conn *c);
int conn_fd(const struct conn *c);
void conn_set_timeout(struct conn *c, int timeout_s);

/*
 * How a program waits for its socket, instead of a plain poll: wait until fd is ready
 * for events or timeout_ms (-1: forever) passes.  Returns 1 ready, 0 timed out, or -1
 * with errno (ECANCELED: the user cancelled; the read or write then fails with it).
 */
typedef int (*conn_wait_fn)(void *arg, int fd, short events, int timeout_ms);
/*
 * Let fn do every wait of this connection (the client polls its terminal there); the
 * socket becomes non-blocking.  Without it (the server) waits stay inside recv and send.
 */
void conn_set_wait(struct conn *c, conn_wait_fn fn, void *arg);

/*
 * Read one line into buf (size > 1), NUL-terminated, without its LF or CRLF;
 * *len_r is its length (the line may itself hold NUL bytes).  CONN_LONG leaves
 * the rest of the line unread: call again to go on, or conn_skip_line() to drop it.
 * A CR LF pair is never split between two calls.
 */
enum conn_status conn_read_line(struct conn *c, char *buf, size_t size, size_t *len_r);
/*
 * Before any buffered read or TLS: read up to max octets straight from the socket, stopping
 * after an LF when stop_at_lf, and never taking an octet past that, so what follows stays
 * in the socket (a PROXY header before the greeting or the TLS handshake).  Waits at most
 * timeout_ms.  CONN_OK with *len_r >= 1, or CONN_EOF, CONN_TIMEOUT, CONN_ERROR.
 */
enum conn_status conn_read_raw(struct conn *c, void *buf, size_t max, int stop_at_lf,
			       int timeout_ms, size_t *len_r);
/* Copy up to n received, unread octets without taking them; returns how many. */
size_t conn_peek(const struct conn *c, void *buf, size_t n);
/*
 * Wait ms milliseconds without reading (a login delay): 0 when the time passed, -1
 * when meanwhile the peer closed its side or the socket was shut down here (to make
 * room for others).  Pipelined input stays unread and does not end the wait.
 */
int conn_sleep(struct conn *c, unsigned ms);
/* Discard input up to and including the next LF. */
enum conn_status conn_skip_line(struct conn *c);
/* Octets received but not yet read by the program (pipelined commands). */
size_t conn_pending(const struct conn *c);
/* Throw away received, unread input (after STLS, nothing sent in plaintext may count). */
void conn_discard_input(struct conn *c);

/* Buffered write: 0, or -1 with errno when the connection failed (it stays failed). */
int conn_write(struct conn *c, const void *data, size_t len);
int conn_puts(struct conn *c, const char *s);
int conn_printf(struct conn *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Send everything buffered. */
int conn_flush(struct conn *c);
/*
 * Bulk output (a large RETR or TOP): between these, TLS records are gathered and leave in
 * large writes (plain connections are unchanged).  conn_bulk_end sends everything written
 * so far and must follow every conn_bulk_begin, also after a failure: 0, or -1 with errno.
 */
void conn_bulk_begin(struct conn *c);
int conn_bulk_end(struct conn *c);

/*
 * TLS, started on an open connection (implicit TLS, or after STLS).  Input read
 * before it must be thrown away first (conn_discard_input).  0, or -1 with a
 * one-line reason in err; on failure the connection is unusable.
 */
struct ssl_ctx_st;
struct tls_server;
/* As a server: the handshake uses the server's current context (see tls_server_reload). */
int conn_tls_accept(struct conn *c, struct tls_server *ts, char *err, size_t errsize);
/* As a client: verifies that the certificate names host (a name or an address) when ctx verifies. */
int conn_tls_connect(struct conn *c, struct ssl_ctx_st *ctx, const char *host, char *err,
		     size_t errsize);
/* 1 when the connection is encrypted. */
int conn_is_tls(const struct conn *c);
/* "TLSv1.3 TLS_AES_256_GCM_SHA384", or "" on a plain connection. */
void conn_tls_describe(const struct conn *c, char *buf, size_t size);

/* Octets the program has written (buffered or sent) and received so far (for logs and progress). */
unsigned long long conn_bytes_out(const struct conn *c);
unsigned long long conn_bytes_in(const struct conn *c);

#endif

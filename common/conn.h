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
/* Close the socket and free everything. */
void conn_free(struct conn *c);
int conn_fd(const struct conn *c);
void conn_set_timeout(struct conn *c, int timeout_s);

/*
 * Read one line into buf (size > 1), NUL-terminated, without its LF or CRLF;
 * *len_r is its length (the line may itself hold NUL bytes).  CONN_LONG leaves
 * the rest of the line unread: call again to go on, or conn_skip_line() to drop it.
 * A CR LF pair is never split between two calls.
 */
enum conn_status conn_read_line(struct conn *c, char *buf, size_t size, size_t *len_r);
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

/* Octets the program has written (buffered or sent) and received so far (for logs and progress). */
unsigned long long conn_bytes_out(const struct conn *c);
unsigned long long conn_bytes_in(const struct conn *c);

#endif

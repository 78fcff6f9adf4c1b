/* The POP3 protocol client: one function per command, multi-line replies; knows nothing of the screen. */
#ifndef POP3CLIENT_H
#define POP3CLIENT_H

#include <stddef.h>

#include "conn.h"
#include "pop3.h"

struct pop3c;

/*
 * Every command returns one of these.  POP3C_ERR leaves the session usable and
 * pop3c_reply() holds the server's "-ERR ..." line; POP3C_FAIL means the connection
 * is gone (closed, timed out, garbled) and pop3c_error() says why.
 */
enum pop3c_result {
	POP3C_FAIL = -1,
	POP3C_OK = 0,
	POP3C_ERR = 1,
};

/* A growing byte buffer for multi-line payloads; zero-initialise, free with pop3c_buf_free(). */
struct pop3c_buf {
	char *data;
	size_t len, cap;
};

/* One message of the maildrop, from LIST and UIDL. */
struct pop3c_entry {
	unsigned num;
	unsigned long long size;
	char uid[POP3_UID_MAX + 1];	/* "" when the server has no UIDL */
};

/* Called while a RETR runs with the payload octets received so far. */
typedef void (*pop3c_progress_fn)(unsigned long long done, void *arg);

/*
 * How the session waits for the server (see conn_wait_fn): the screen polls its keys
 * there, so that any wait can be cancelled.  A NULL pointer or fn: plain waits.
 */
struct pop3c_wait {
	conn_wait_fn fn;
	void *arg;
};

/* Connect to host:port and read the greeting; 0, or -1 with a one-line reason in err. */
int pop3c_connect(const char *host, const char *port, int timeout_s, const struct pop3c_wait *w,
		  struct pop3c **c_r, char *err, size_t errsize);
struct ssl_ctx_st;
/*
 * Implicit TLS (the pop3s convention): connect, handshake, verify that the
 * certificate names host (unless ctx does not verify), then read the greeting.
 */
int pop3c_connect_tls(const char *host, const char *port, int timeout_s, const struct pop3c_wait *w,
		      struct ssl_ctx_st *ctx, struct pop3c **c_r, char *err, size_t errsize);
/*
 * STLS (RFC 2595) and the handshake; the capabilities learnt before are forgotten,
 * so call pop3c_capa() again.  POP3C_ERR when the server refuses STLS.
 */
int pop3c_stls(struct pop3c *c, struct ssl_ctx_st *ctx, const char *host);
/* "TLSv1.3 TLS_AES_256_GCM_SHA384", or "" on a plain connection. */
void pop3c_tls_describe(const struct pop3c *c, char *buf, size_t size);
/* Let w do every later wait of the session (a socketpair's, in tests); w is copied. */
void pop3c_set_wait(struct pop3c *c, const struct pop3c_wait *w);
/* Octets received from the server so far (for progress). */
unsigned long long pop3c_bytes_in(const struct pop3c *c);
/* Take over a connected socket (tests use a socketpair) and read the greeting. */
int pop3c_open_fd(int fd, int timeout_s, struct pop3c **c_r, char *err, size_t errsize);
/* Close the socket without QUIT and free everything. */
void pop3c_close(struct pop3c *c);

/* The last status line the server sent ("+OK ..." or "-ERR ..."). */
const char *pop3c_reply(const struct pop3c *c);
/* Why the last command failed: the -ERR line, or the connection failure. */
const char *pop3c_error(const struct pop3c *c);
/* 1 once the connection has failed or QUIT was answered. */
int pop3c_dead(const struct pop3c *c);
/*
 * 1 when the connection failed because a wait was cancelled (the user's key): a reply
 * may have been cut anywhere, so the session cannot go on; connect again.
 */
int pop3c_cancelled(const struct pop3c *c);
/* 1 when the session ended with QUIT (answered +OK or -ERR), not by a failure. */
int pop3c_ended(const struct pop3c *c);
/* 1 when CAPA advertised PIPELINING / UIDL / TOP. */
int pop3c_has_pipelining(const struct pop3c *c);
int pop3c_has_uidl(const struct pop3c *c);

/* CAPA: learns the capabilities; a server without CAPA answers -ERR, which is fine. */
int pop3c_capa(struct pop3c *c);
/* USER and PASS. */
int pop3c_login(struct pop3c *c, const char *user, const char *pass);
int pop3c_stat(struct pop3c *c, unsigned *count_r, unsigned long long *size_r);
/* LIST without argument: a malloc'd array of entries (uids empty). */
int pop3c_list(struct pop3c *c, struct pop3c_entry **v_r, size_t *n_r);
/* UIDL without argument: fills the uid of each entry of v whose number it lists. */
int pop3c_uidl(struct pop3c *c, struct pop3c_entry *v, size_t n);
/* UIDL n into uid (POP3_UID_MAX + 1 octets). */
int pop3c_uidl_one(struct pop3c *c, unsigned num, char *uid);
/* TOP n lines; the payload is appended to out with CRLF line ends. */
int pop3c_top(struct pop3c *c, unsigned num, unsigned lines, struct pop3c_buf *out);
/*
 * TOP for several messages, pipelined when the server allows it.  outs[i] receives
 * message nums[i]; res[i] its result.  Returns POP3C_FAIL if the connection failed.
 */
int pop3c_top_many(struct pop3c *c, const unsigned *nums, size_t count, unsigned lines,
		   struct pop3c_buf *outs, int *res);
/* RETR: the payload exactly as sent, un-stuffed, CRLF kept; progress may be NULL. */
int pop3c_retr(struct pop3c *c, unsigned num, struct pop3c_buf *out, pop3c_progress_fn progress,
	       void *arg);
int pop3c_dele(struct pop3c *c, unsigned num);
int pop3c_rset(struct pop3c *c);
int pop3c_noop(struct pop3c *c);
/* QUIT: the server commits deletions; the connection is dead afterwards either way. */
int pop3c_quit(struct pop3c *c);

/*
 * Send any command line and read its reply; a reply that is multi-line for this
 * command (CAPA, LIST, UIDL without argument, RETR, TOP) goes to out with "\n" line
 * ends, un-stuffed.  *multi_r says whether it was multi-line.
 */
int pop3c_raw(struct pop3c *c, const char *line, struct pop3c_buf *out, int *multi_r);
/* The command a raw line names, upper-cased, e.g. "DELE", into name (8 octets). */
void pop3c_command_name(const char *line, char *name);

/*
 * With no command outstanding, notice a server that closed the connection or sent an
 * unsolicited line (autologout).  Returns 1 when the connection is now dead.
 */
int pop3c_check_closed(struct pop3c *c);

int pop3c_buf_append(struct pop3c_buf *b, const char *data, size_t len);
void pop3c_buf_free(struct pop3c_buf *b);

#endif

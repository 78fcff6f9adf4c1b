/* What the protocol client's two files share: the session and its reply readers; not for other rooms. */
#ifndef POP3CLIENT_INT_H
#define POP3CLIENT_INT_H

#include "conn.h"
#include "pop3client.h"

/* A status line longer than this is cut; RFC 2449 allows 512 octets. */
#define REPLY_MAX 1024
/* Payload lines are read in chunks of this size; longer lines arrive as CONN_LONG parts. */
#define CHUNK 4096

struct pop3c {
	struct conn *conn;
	int dead, ended, cancelled;
	int timeout_s;
	int pipelining, uidl;
	char reply[REPLY_MAX];
	char error[REPLY_MAX];
	char chunk[CHUNK];
};

/* Mark the connection dead with a reason; always returns POP3C_FAIL. */
int pop3c_fail(struct pop3c *c, const char *why);
/* Read a status line into c->reply: POP3C_OK for +OK, POP3C_ERR for -ERR. */
int pop3c_read_status(struct pop3c *c);
/* One command, sent at once, and its status line. */
int pop3c_simple(struct pop3c *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif

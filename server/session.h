/* One connection's life: AUTHORIZATION, TRANSACTION and UPDATE, one command table per state. */
#ifndef SESSION_H
#define SESSION_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "conn.h"
#include "maildrop.h"
#include "params.h"
#include "pop3.h"

struct auth_store;
struct proxy_net;
struct tls_server;

/*
 * What the whole server was started with; read-only once sessions run (a reload
 * swaps what users and tls hold, each under its own lock).
 */
struct server_config {
	const char *mailbox;	/* the folder a login opens when there are no accounts */
	const char *mailroot;	/* with accounts: user NAME reads MAILROOT/NAME */
	struct auth_store *users; /* NULL: any name and password is accepted */
	struct tls_server *tls;	/* NULL: no STLS, no implicit TLS */
	unsigned login_delay_ms; /* the answer to a failed login waits this long, and more */
	int idle_timeout;	/* seconds */
	int max_connections;
	unsigned max_per_ip;	/* connections not logged in from one address; 0: no cap */
	int trace;		/* log commands and first reply lines */
	const atomic_int *stopping; /* set at shutdown: sessions end before their next command */
	const struct proxy_net *proxy_from; /* balancers: their connections start with a PROXY header */
	size_t nproxy_from;
};

enum session_state {
	STATE_AUTH = 1,
	STATE_TRANS = 2,
};

/* A handler's outcome; the dispatcher turns it into counters and the session's end. */
enum cmd_result {
	CMD_OK,		/* answered +OK */
	CMD_ERR,	/* answered -ERR: counts as a bad command */
	CMD_CLOSE,	/* answered; end the session */
	CMD_FAIL,	/* the connection failed; end the session */
};

struct session {
	unsigned long id;
	char peer[64];		/* the client's address and port, for logs */
	char addr[64];		/* its address alone, for login penalties */
	int loopback;		/* the client is on this machine */
	char via[64];		/* the balancer's address and port ("" when the client came direct) */
	int spoke;		/* a command line was read */
	int implicit_tls;	/* accepted on the TLS port: handshake before the greeting */
	atomic_int authed;	/* logged in (read by accepting threads to pick whom to evict) */
	atomic_int delayed;	/* waiting out a login delay: the first to evict */
	int counted;		/* counted in peers (per-address cap) under addr */
	int failed_logins;
	struct conn *conn;
	const struct server_config *cfg;
	enum session_state state;
	char user[POP3_ARG_MAX * 2];
	int have_user;
	struct maildrop *md;
	struct snapshot snap;
	unsigned char *deleted;		/* one mark per message of the snapshot */
	size_t ndeleted;
	uint64_t deleted_octets;
	unsigned bad;			/* bad commands in a row */
	unsigned retrieved;
	const char *end_reason;
};

/* A command line split into words: argv[0] is the keyword. */
struct cmd_args {
	char *argv[4];
	int argc;		/* words found, at most 4 */
	int more;		/* there were more words than argv holds */
	char *rest;		/* everything after the keyword and one space ("" if none) */
};

/*
 * The client's address, "192.0.2.1:4321" or "[2001:db8::1]:4321": from the socket, or from
 * the PROXY header of a balancer's connection.  Sets peer, addr and loopback.
 */
void session_set_peer(struct session *s, const char *peer);
/* Serve one connection until it ends; logs its end.  Does not free s. */
void session_run(struct session *s);
/* Release what a session holds (snapshot, maildrop, connection). */
void session_free(struct session *s);

/* Reply helpers: write one status line, log it under --trace. */
enum cmd_result session_ok(struct session *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
enum cmd_result session_err(struct session *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* A handler of one command. */
typedef enum cmd_result (*cmd_fn)(struct session *, struct cmd_args *);

#endif

/* One connection's life: AUTHORIZATION, TRANSACTION and UPDATE, one command table per state. */
#ifndef SESSION_H
#define SESSION_H

#include <stddef.h>
#include <stdint.h>

#include "conn.h"
#include "maildrop.h"
#include "pop3.h"

/* What the whole server was started with; read-only once sessions run. */
struct server_config {
	const char *mailbox;	/* the folder every login opens (no accounts yet) */
	int idle_timeout;	/* seconds */
	int max_connections;
	int trace;		/* log commands and first reply lines */
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
	char peer[64];
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

/* Serve one connection until it ends; logs its end.  Does not free s. */
void session_run(struct session *s);
/* Release what a session holds (snapshot, maildrop, connection). */
void session_free(struct session *s);

/* Reply helpers: write one status line, log it under --trace. */
enum cmd_result session_ok(struct session *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
enum cmd_result session_err(struct session *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* TRANSACTION state commands (trans.c); NULL when the keyword is not one of them. */
enum cmd_result (*trans_handler(const char *keyword))(struct session *, struct cmd_args *);
/* Enter TRANSACTION state: open the maildrop and take the snapshot. */
enum cmd_result trans_begin(struct session *s);
/* QUIT in TRANSACTION state: the UPDATE state, deletions committed. */
enum cmd_result trans_quit(struct session *s, struct cmd_args *a);
/* Let go of the maildrop without committing anything. */
void trans_end(struct session *s);

/* Set by the server when it shuts down: sessions stop before their next command. */
int server_stopping(void);

#endif

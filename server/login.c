/* AUTHORIZATION state: CAPA, USER, PASS, AUTH PLAIN (RFC 5034), STLS (RFC 2595) and QUIT. */
#include "auth.h"
#include "auth_store.h"
#include "log.h"
#include "login.h"
#include "trans.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* Passwords may cross a plain connection only where TLS is off, or on this machine. */
static int plaintext_ok(const struct session *s)
{
	return s->cfg->tls == NULL || conn_is_tls(s->conn) || s->loopback;
}

enum cmd_result login_capa(struct session *s, struct cmd_args *a)
{
	char caps[256];
	int login = s->state == STATE_AUTH && plaintext_ok(s);

	if (a->argc > 1)
		return session_err(s, "CAPA takes no argument");
	snprintf(caps, sizeof(caps),
		 "%s%sTOP\r\nUIDL\r\nRESP-CODES\r\nAUTH-RESP-CODE\r\nPIPELINING\r\n"
		 "IMPLEMENTATION " POP3_IMPLEMENTATION "\r\n.\r\n",
		 s->state == STATE_AUTH && s->cfg->tls && !conn_is_tls(s->conn) ? "STLS\r\n" : "",
		 login ? "USER\r\nSASL PLAIN\r\n" : "");
	if (session_ok(s, "capability list follows") != CMD_OK)
		return CMD_FAIL;
	return conn_puts(s->conn, caps) < 0 ? CMD_FAIL : CMD_OK;
}

static enum cmd_result refuse_plaintext(struct session *s)
{
	return session_err(s, "[AUTH] plaintext login is not allowed on this connection: use STLS first");
}

/*
 * Wait out a login delay.  An accepting thread may end the connection meanwhile to make
 * room for others (it picks delayed sessions first), and a client that hangs up does
 * not get its answer early: either way -1, and the session ends unanswered.
 */
static int login_sleep(struct session *s, unsigned ms)
{
	if (ms == 0)
		return 0;
	atomic_store(&s->delayed, 1);
	int r = conn_sleep(s->conn, ms);

	atomic_store(&s->delayed, 0);
	if (r < 0)
		s->end_reason = "closed during a login delay";
	return r;
}

/* A failed login: answered late, and the third one on a connection ends it. */
static enum cmd_result login_failed(struct session *s, const char *user, unsigned waited)
{
	unsigned delay = s->cfg->login_delay_ms;

	auth_penalty_fail(s->addr);
	s->failed_logins++;
	log_conn(s->id, s->peer, "login failed for %s (%d on this connection, answer delayed %u ms)",
		 user, s->failed_logins, waited + delay);
	/* Nothing else is read meanwhile: a pipelined guess waits its turn too. */
	if (conn_flush(s->conn) < 0)
		return CMD_FAIL;
	if (login_sleep(s, delay) < 0)
		return CMD_FAIL;
	if (s->failed_logins < POP3_MAX_FAILED_LOGINS)
		return session_err(s, "[AUTH] authentication failed");
	session_err(s, "[AUTH] authentication failed; too many failures, closing connection");
	s->end_reason = "too many failed logins";
	return CMD_CLOSE;
}

/* Check a name and password, then open that user's maildrop. */
static enum cmd_result login(struct session *s, const char *user, const char *pass)
{
	char folder[PATH_MAX];

	/* An address that failed recently waits before its password is even checked. */
	unsigned waited = auth_penalty_wait(s->addr, s->cfg->login_delay_ms);

	if (waited > 0 && (conn_flush(s->conn) < 0 || login_sleep(s, waited) < 0))
		return CMD_FAIL;
	if (!auth_valid_name(user))
		return login_failed(s, "(invalid name)", waited);
	if (s->cfg->users != NULL) {
		int r = auth_store_check(s->cfg->users, user, pass);

		if (r < 0)
			return session_err(s, "[SYS/TEMP] cannot check passwords now; try again later");
		if (r == 0)
			return login_failed(s, user, waited);
		auth_penalty_clear(s->addr);
	}
	snprintf(s->user, sizeof(s->user), "%s", user);
	if (s->cfg->mailroot == NULL)
		return trans_begin(s, s->cfg->mailbox);
	if ((size_t)snprintf(folder, sizeof(folder), "%s/%s", s->cfg->mailroot, user) >= sizeof(folder))
		return session_err(s, "[SYS/PERM] user name too long for a folder");
	return trans_begin(s, folder);
}

static enum cmd_result cmd_user(struct session *s, struct cmd_args *a)
{
	s->have_user = 0;
	if (!plaintext_ok(s))
		return refuse_plaintext(s);
	if (a->argc < 2)
		return session_err(s, "missing argument: USER name");
	if (a->argc > 2 || a->more)
		return session_err(s, "USER takes one name");
	if (strlen(a->argv[1]) > 64)
		return session_err(s, "argument too long");
	if (!auth_valid_name(a->argv[1]))
		return session_err(s, "[AUTH] invalid user name");
	snprintf(s->user, sizeof(s->user), "%s", a->argv[1]);
	s->have_user = 1;
	return session_ok(s, "send PASS");
}

static enum cmd_result cmd_pass(struct session *s, struct cmd_args *a)
{
	char user[sizeof(s->user)];

	if (!plaintext_ok(s))
		return refuse_plaintext(s);
	if (!s->have_user)
		return session_err(s, "send USER first");
	s->have_user = 0;
	if (a->rest[0] == '\0')
		return session_err(s, "missing argument: password");
	snprintf(user, sizeof(user), "%s", s->user);
	return login(s, user, a->rest);
}

/* The PLAIN message (RFC 4616): authzid NUL authcid NUL passwd; authzid empty or the same. */
static enum cmd_result sasl_plain(struct session *s, const char *b64)
{
	unsigned char buf[POP3_SASL_LINE_MAX];
	size_t len;

	if (auth_base64_decode(b64, buf, sizeof(buf) - 1, &len) < 0)
		return session_err(s, "malformed SASL response: not base64");
	buf[len] = '\0';
	const char *authz = (const char *)buf;
	const char *user = memchr(buf, '\0', len) ? authz + strlen(authz) + 1 : NULL;
	const char *pass = user && user < authz + len ? user + strlen(user) + 1 : NULL;

	if (pass == NULL || pass > authz + len || pass + strlen(pass) != authz + len)
		return session_err(s, "malformed SASL response: expected authzid, user and password");
	if (authz[0] != '\0' && strcmp(authz, user) != 0)
		return login_failed(s, user, 0);
	enum cmd_result r = login(s, user, pass);

	explicit_bzero(buf, sizeof(buf));
	return r;
}

/* AUTH PLAIN without an initial response: ask for it with "+ ". */
static enum cmd_result sasl_continue(struct session *s)
{
	char line[POP3_SASL_LINE_MAX];
	size_t len;

	if (conn_puts(s->conn, "+ \r\n") < 0 || conn_flush(s->conn) < 0)
		return CMD_FAIL;
	enum conn_status st = conn_read_line(s->conn, line, sizeof(line), &len);

	if (st == CONN_LONG)
		return conn_skip_line(s->conn) == CONN_OK ? session_err(s, "SASL response too long")
							   : CMD_FAIL;
	if (st != CONN_OK)
		return CMD_FAIL;
	if (strcmp(line, "*") == 0)
		return session_err(s, "authentication cancelled");
	enum cmd_result r = sasl_plain(s, line);

	explicit_bzero(line, sizeof(line));
	return r;
}

static enum cmd_result cmd_auth(struct session *s, struct cmd_args *a)
{
	if (a->argc == 1) {
		/* The bare AUTH of old clients (Outlook): the list of mechanisms. */
		if (session_ok(s, "methods supported") != CMD_OK)
			return CMD_FAIL;
		return conn_puts(s->conn, "PLAIN\r\n.\r\n") < 0 ? CMD_FAIL : CMD_OK;
	}
	if (!plaintext_ok(s))
		return refuse_plaintext(s);
	if (strcasecmp(a->argv[1], "PLAIN") != 0)
		return session_err(s, "unsupported authentication mechanism");
	if (a->argc > 3 || a->more)
		return session_err(s, "AUTH takes a mechanism and an initial response");
	if (a->argc == 2)
		return sasl_continue(s);
	/* "=" is an empty initial response (RFC 5034 section 4). */
	return sasl_plain(s, strcmp(a->argv[2], "=") == 0 ? "" : a->argv[2]);
}

static enum cmd_result cmd_stls(struct session *s, struct cmd_args *a)
{
	char err[256];

	if (a->argc > 1)
		return session_err(s, "STLS takes no argument");
	if (s->cfg->tls == NULL)
		return session_err(s, "TLS is not configured on this server");
	if (conn_is_tls(s->conn))
		return session_err(s, "already using TLS");
	if (session_ok(s, "begin TLS negotiation") != CMD_OK || conn_flush(s->conn) < 0)
		return CMD_FAIL;
	/* Whatever came in plaintext after STLS was sent before the handshake: it must not count. */
	conn_discard_input(s->conn);
	if (conn_tls_accept(s->conn, s->cfg->tls, err, sizeof(err)) < 0) {
		log_conn(s->id, s->peer, "STLS: %s", err);
		s->end_reason = "TLS handshake failed";
		return CMD_FAIL;
	}
	s->have_user = 0;
	return CMD_OK;
}

static enum cmd_result cmd_quit(struct session *s, struct cmd_args *a)
{
	(void)a;
	s->end_reason = "quit";
	session_ok(s, "bye");
	return CMD_CLOSE;
}

static const struct {
	const char *name;
	cmd_fn fn;
} login_cmds[] = {
	{ "USER", cmd_user }, { "PASS", cmd_pass }, { "AUTH", cmd_auth },
	{ "STLS", cmd_stls }, { "QUIT", cmd_quit },
};

cmd_fn login_handler(const char *keyword)
{
	for (size_t i = 0; i < sizeof(login_cmds) / sizeof(login_cmds[0]); i++)
		if (strcasecmp(keyword, login_cmds[i].name) == 0)
			return login_cmds[i].fn;
	return NULL;
}

/* A connection from greeting to close: line reading, the dispatcher, AUTHORIZATION state. */
#include "balancer.h"
#include "log.h"
#include "login.h"
#include "peers.h"
#include "session.h"
#include "trans.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Replies go through here: one status line, CRLF, and a trace line when asked for. */
static enum cmd_result reply(struct session *s, const char *status, const char *fmt, va_list ap)
{
	char line[POP3_RESP_MAX];
	int n = snprintf(line, sizeof(line), "%s", status);

	if (*fmt) {
		line[n++] = ' ';
		vsnprintf(line + n, sizeof(line) - (size_t)n - 2, fmt, ap);
		n = (int)strlen(line);
		if (line[n - 1] == ' ')
			line[--n] = '\0';
	}
	if (s->cfg->trace)
		log_conn(s->id, s->peer, "S: %s", line);
	line[n++] = '\r';
	line[n++] = '\n';
	if (conn_write(s->conn, line, (size_t)n) < 0)
		return CMD_FAIL;
	return status[0] == '+' ? CMD_OK : CMD_ERR;
}

enum cmd_result session_ok(struct session *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	enum cmd_result r = reply(s, "+OK", fmt, ap);
	va_end(ap);
	return r;
}

enum cmd_result session_err(struct session *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	enum cmd_result r = reply(s, "-ERR", fmt, ap);
	va_end(ap);
	return r;
}

/* ---- the dispatcher ---- */

static void split_args(char *line, struct cmd_args *a)
{
	char *p = line;

	memset(a, 0, sizeof(*a));
	while (*p) {
		while (*p == ' ')
			*p++ = '\0';
		if (*p == '\0')
			break;
		if (a->argc == 4) {
			a->more = 1;
			break;
		}
		a->argv[a->argc++] = p;
		p += strcspn(p, " ");
	}
}

static enum cmd_result dispatch(struct session *s, char *line)
{
	struct cmd_args a;
	char rest_copy[POP3_CMD_MAX];
	const char *space = strchr(line, ' ');

	/* PASS keeps its spaces: the password is the rest of the line, copied before splitting. */
	snprintf(rest_copy, sizeof(rest_copy), "%s", space ? space + 1 : "");
	split_args(line, &a);
	if (a.argc == 0)
		return session_err(s, "empty command");
	a.rest = rest_copy;
	if (strcasecmp(a.argv[0], "CAPA") == 0)
		return login_capa(s, &a);
	cmd_fn fn = s->state == STATE_AUTH ? login_handler(a.argv[0]) : trans_handler(a.argv[0]);

	if (fn != NULL)
		return fn(s, &a);
	if (login_handler(a.argv[0]) != NULL || trans_handler(a.argv[0]) != NULL)
		return session_err(s, "command not valid in this state");
	return session_err(s, "unknown command");
}

static void trace_command(struct session *s, const char *line)
{
	const char *response = strncasecmp(line, "AUTH ", 5) == 0 ? strchr(line + 5, ' ') : NULL;

	if (strncasecmp(line, "PASS ", 5) == 0)
		log_conn(s->id, s->peer, "C: %.5s****", line);
	else if (response != NULL)
		log_conn(s->id, s->peer, "C: %.*s ****", (int)(response - line), line);
	else
		log_conn(s->id, s->peer, "C: %s", line);
}

/* The server is shutting down (a config without the flag never does). */
static int stopping(const struct session *s)
{
	return s->cfg->stopping != NULL && atomic_load(s->cfg->stopping);
}

/* Read one command line: CMD_OK, CMD_ERR for a line too long, CMD_FAIL to end (reason set). */
static enum cmd_result read_command(struct session *s, char *buf, size_t size, size_t *len_r)
{
	if (conn_pending(s->conn) == 0 && conn_flush(s->conn) < 0) {
		s->end_reason = "client closed";
		return CMD_FAIL;
	}
	switch (conn_read_line(s->conn, buf, size, len_r)) {
	case CONN_OK:
		return CMD_OK;
	case CONN_LONG:
		if (conn_skip_line(s->conn) != CONN_OK) {
			s->end_reason = "client closed";
			return CMD_FAIL;
		}
		return CMD_ERR;
	case CONN_TIMEOUT:
		s->end_reason = "timeout";
		session_err(s, "autologout: idle for too long");
		return CMD_FAIL;
	case CONN_EOF:
	case CONN_ERROR:
		break;
	}
	s->end_reason = stopping(s) ? "shutdown" : "client closed";
	return CMD_FAIL;
}

/* Read, check and run one command. */
static enum cmd_result step(struct session *s)
{
	char line[POP3_CMD_MAX - 1];
	size_t len;
	enum cmd_result r = read_command(s, line, sizeof(line), &len);

	if (r == CMD_FAIL)
		return r;
	if (stopping(s)) {
		s->end_reason = "shutdown";
		return CMD_FAIL;
	}
	if (r == CMD_ERR)
		return session_err(s, "line too long");
	if (memchr(line, '\0', len) != NULL)
		return session_err(s, "NUL byte in command");
	if (!s->spoke && balancer_untrusted_header(s, line, len))
		return CMD_CLOSE;
	s->spoke = 1;
	if (s->cfg->trace)
		trace_command(s, line);
	return dispatch(s, line);
}

void session_set_peer(struct session *s, const char *peer)
{
	const char *start = peer[0] == '[' ? peer + 1 : peer;
	const char *end = peer[0] == '[' ? strchr(start, ']') : strrchr(start, ':');
	size_t n = end ? (size_t)(end - start) : strlen(start);

	snprintf(s->peer, sizeof(s->peer), "%s", peer);
	snprintf(s->addr, sizeof(s->addr), "%.*s", (int)n, start);
	s->loopback = strncmp(s->addr, "127.", 4) == 0 || strcmp(s->addr, "::1") == 0 ||
		      strncmp(s->addr, "::ffff:127.", 11) == 0;
}

/*
 * The per-address cap (--max-per-ip) on connections not logged in, counted once the
 * client's address is known (after a PROXY header).  Past it: -ERR and close (on the
 * TLS port, before the handshake, only the close).
 */
static int count_peer(struct session *s)
{
	if (s->cfg->max_per_ip == 0)
		return 0;	/* no cap: nothing to count */
	if (peers_enter(s->addr, s->cfg->max_per_ip) == 0) {
		s->counted = 1;
		return 0;
	}
	s->end_reason = "too many connections from this address";
	if (!s->implicit_tls)
		session_err(s, "[SYS/TEMP] too many connections from your address");
	return -1;
}

static void uncount_peer(struct session *s)
{
	if (s->counted)
		peers_leave(s->addr);
	s->counted = 0;
}

/* Implicit TLS: the handshake comes before the greeting. */
static int start_tls(struct session *s)
{
	char err[256];

	if (!s->implicit_tls)
		return 0;
	if (conn_tls_accept(s->conn, s->cfg->tls, err, sizeof(err)) == 0)
		return 0;
	log_conn(s->id, s->peer, "TLS: %s", err);
	s->end_reason = "TLS handshake failed";
	return -1;
}

void session_run(struct session *s)
{
	s->state = STATE_AUTH;
	s->end_reason = "client closed";
	if (balancer_accept(s) < 0)
		goto out;
	log_conn(s->id, s->peer, "connect%s%s%s", s->implicit_tls ? " (TLS port)" : "",
		 s->via[0] ? " via " : "", s->via);
	if (count_peer(s) < 0 || start_tls(s) < 0 ||
	    session_ok(s, "mailroom POP3 server ready") != CMD_OK)
		goto out;
	for (;;) {
		enum cmd_result r = step(s);

		if (s->counted && atomic_load(&s->authed))
			uncount_peer(s);

		if (r == CMD_CLOSE || r == CMD_FAIL)
			break;
		if (r == CMD_OK) {
			s->bad = 0;
			continue;
		}
		if (++s->bad >= POP3_MAX_BAD_COMMANDS) {
			session_err(s, "too many bad commands, closing connection");
			s->end_reason = "too many errors";
			break;
		}
	}
out:
	uncount_peer(s);
	conn_flush(s->conn);
	log_conn(s->id, s->peer, "disconnect: %s", s->end_reason);
}

void session_free(struct session *s)
{
	trans_end(s);
	conn_free(s->conn);
	free(s);
}

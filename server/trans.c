/* TRANSACTION state: STAT, LIST, RETR, DELE, NOOP, RSET, TOP, UIDL over the session's snapshot. */
#include "log.h"
#include "message.h"
#include "scan.h"
#include "trans.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

/* Message number of words[i] (1-based): replies and returns -1 when it names no live message. */
static int get_msg(struct session *s, struct cmd_args *a, int i, int max_args, size_t *idx_r)
{
	uint32_t n;
	const char *why;

	if (a->argc <= i)
		return session_err(s, "missing argument: message number"), -1;
	if (a->argc > max_args || a->more)
		return session_err(s, "noise after message number"), -1;
	if (strlen(a->argv[i]) > POP3_ARG_MAX)
		return session_err(s, "argument too long"), -1;
	if (pop3_parse_number(a->argv[i], UINT32_MAX, &n, &why) < 0)
		return session_err(s, "invalid message number: %s", why), -1;
	if (n == 0 || n > s->snap.count)
		return session_err(s, "no such message: %u", n), -1;
	if (s->deleted[n - 1])
		return session_err(s, "message %u already deleted", n), -1;
	*idx_r = n - 1;
	return 0;
}

/* Decimal digits of v into buf (at least 21 octets); returns the length. */
static size_t put_u64(char *buf, uint64_t v)
{
	char tmp[21];
	size_t n = 0, len;

	do
		tmp[n++] = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	len = n;
	while (n > 0)
		*buf++ = tmp[--n];
	return len;
}

/* One "n value" line of a listing; written without printf, as LIST of 100,000 adds up. */
static int put_entry(struct session *s, size_t idx, uint64_t size, const char *uid)
{
	char line[96];
	size_t n = put_u64(line, idx + 1);

	line[n++] = ' ';
	if (uid != NULL) {
		size_t ul = strlen(uid);

		memcpy(line + n, uid, ul);
		n += ul;
	} else {
		n += put_u64(line + n, size);
	}
	line[n++] = '\r';
	line[n++] = '\n';
	return conn_write(s->conn, line, n);
}

static enum cmd_result cmd_stat(struct session *s, struct cmd_args *a)
{
	if (a->argc > 1)
		return session_err(s, "STAT takes no argument");
	return session_ok(s, "%zu %llu", s->snap.count - s->ndeleted,
			  (unsigned long long)(s->snap.octets - s->deleted_octets));
}

/* LIST and UIDL share their shape: one message, or every live one. */
static enum cmd_result listing(struct session *s, struct cmd_args *a, int uidl)
{
	char uid[17];
	size_t idx;

	if (a->argc > 1) {
		if (get_msg(s, a, 1, 2, &idx) < 0)
			return CMD_ERR;
		struct msg *m = s->snap.msgs[idx];

		if (uidl) {
			maildrop_uid(&s->snap, m, uid);
			return session_ok(s, "%zu %s", idx + 1, uid);
		}
		return session_ok(s, "%zu %llu", idx + 1, (unsigned long long)m->wire);
	}
	enum cmd_result r = uidl ? session_ok(s, "unique-id listing follows")
				 : session_ok(s, "%zu messages (%llu octets)",
					      s->snap.count - s->ndeleted,
					      (unsigned long long)(s->snap.octets - s->deleted_octets));

	for (size_t i = 0; i < s->snap.count && r == CMD_OK; i++) {
		if (s->deleted[i])
			continue;
		if (uidl)
			maildrop_uid(&s->snap, s->snap.msgs[i], uid);
		if (put_entry(s, i, s->snap.msgs[i]->wire, uidl ? uid : NULL) < 0)
			r = CMD_FAIL;
	}
	if (r == CMD_OK && conn_write(s->conn, ".\r\n", 3) < 0)
		r = CMD_FAIL;
	return r;
}

static enum cmd_result cmd_list(struct session *s, struct cmd_args *a)
{
	return listing(s, a, 0);
}

static enum cmd_result cmd_uidl(struct session *s, struct cmd_args *a)
{
	return listing(s, a, 1);
}

/* Open the file behind message idx, answering -ERR when it is no longer there as listed. */
static int open_msg(struct session *s, size_t idx, int *fd_r)
{
	enum maildrop_err why;

	if (maildrop_open_msg(s->md, s->snap.msgs[idx], fd_r, &why) == 0)
		return 0;
	if (why == MAILDROP_GONE)
		session_err(s, "message %zu was removed from the maildrop", idx + 1);
	else if (why == MAILDROP_CHANGED)
		session_err(s, "message %zu changed on disk; log in again to read it", idx + 1);
	else
		session_err(s, "[SYS/TEMP] cannot read message %zu", idx + 1);
	return -1;
}

/* Stream message idx (all of it, or the header and lines body lines). */
static enum cmd_result send_msg(struct session *s, size_t idx, long lines)
{
	int fd;

	if (open_msg(s, idx, &fd) < 0)
		return CMD_ERR;
	enum cmd_result r = lines < 0 ? session_ok(s, "%llu octets",
						    (unsigned long long)s->snap.msgs[idx]->wire)
				      : session_ok(s, "top of message follows");

	if (r == CMD_OK) {
		const struct msg *m = s->snap.msgs[idx];
		const char *why;
		int sent = message_send(s->conn, fd, m->size, m->wire, lines, &why);

		/* No terminator after a short or long copy: no client may take it as the message. */
		if (sent == -2)
			log_conn(s->id, s->peer, "message %zu: %s; connection closed before the end",
				 idx + 1, why);
		if (sent < 0)
			r = CMD_FAIL;
	}
	close(fd);
	return r;
}

static enum cmd_result cmd_retr(struct session *s, struct cmd_args *a)
{
	size_t idx;

	if (get_msg(s, a, 1, 2, &idx) < 0)
		return CMD_ERR;
	enum cmd_result r = send_msg(s, idx, -1);

	if (r == CMD_OK)
		s->retrieved++;
	return r;
}

static enum cmd_result cmd_top(struct session *s, struct cmd_args *a)
{
	size_t idx;
	uint32_t lines;
	const char *why;

	if (get_msg(s, a, 1, 3, &idx) < 0)
		return CMD_ERR;
	if (a->argc < 3)
		return session_err(s, "missing argument: line count");
	if (strlen(a->argv[2]) > POP3_ARG_MAX)
		return session_err(s, "argument too long");
	if (pop3_parse_number(a->argv[2], UINT32_MAX, &lines, &why) < 0)
		return session_err(s, "invalid line count: %s", why);
	return send_msg(s, idx, (long)lines);
}

static enum cmd_result cmd_dele(struct session *s, struct cmd_args *a)
{
	size_t idx;

	if (get_msg(s, a, 1, 2, &idx) < 0)
		return CMD_ERR;
	s->deleted[idx] = 1;
	s->ndeleted++;
	s->deleted_octets += s->snap.msgs[idx]->wire;
	return session_ok(s, "message %zu deleted", idx + 1);
}

static enum cmd_result cmd_noop(struct session *s, struct cmd_args *a)
{
	if (a->argc > 1)
		return session_err(s, "NOOP takes no argument");
	return session_ok(s, "%s", "");
}

static enum cmd_result cmd_rset(struct session *s, struct cmd_args *a)
{
	if (a->argc > 1)
		return session_err(s, "RSET takes no argument");
	memset(s->deleted, 0, s->snap.count);
	s->ndeleted = 0;
	s->deleted_octets = 0;
	return session_ok(s, "maildrop has %zu messages (%llu octets)", s->snap.count,
			  (unsigned long long)s->snap.octets);
}

static const struct {
	const char *name;
	cmd_fn fn;
} trans_cmds[] = {
	{ "STAT", cmd_stat }, { "LIST", cmd_list }, { "RETR", cmd_retr }, { "DELE", cmd_dele },
	{ "NOOP", cmd_noop }, { "RSET", cmd_rset }, { "TOP", cmd_top },   { "UIDL", cmd_uidl },
	{ "QUIT", trans_quit },
};

cmd_fn trans_handler(const char *keyword)
{
	for (size_t i = 0; i < sizeof(trans_cmds) / sizeof(trans_cmds[0]); i++)
		if (strcasecmp(keyword, trans_cmds[i].name) == 0)
			return trans_cmds[i].fn;
	return NULL;
}

/* A login that cannot open its maildrop; when the unique-ids are the cause, it says so. */
static enum cmd_result maildrop_failed(struct session *s)
{
	const char *why = scan_error();

	if (why == NULL)
		return session_err(s, "[SYS/TEMP] cannot open maildrop");
	return session_err(s, "[SYS/TEMP] %s (%s); try again later", why, strerror(errno));
}

/* Open the user's folder; replies and returns -1 when it cannot be served. */
static int open_folder(struct session *s, const char *folder)
{
	/* A user's folder in the mailroot is theirs to change: a symlink there is refused. */
	int flags = s->cfg->mailroot != NULL ? MAILDROP_NOFOLLOW : 0;

	s->md = maildrop_open(folder, flags);
	if (s->md == NULL && errno == ENOENT && flags && maildrop_create(folder) == 0)
		s->md = maildrop_open(folder, flags);	/* an account without mail yet: a new Maildir */
	if (s->md != NULL)
		return 0;
	if (errno == ELOOP) {
		log_conn(s->id, s->peer, "%s: a symbolic link, refused: folders are served by their own name only",
			 folder);
		return session_err(s, "[SYS/PERM] this maildrop cannot be served"), -1;
	}
	log_conn(s->id, s->peer, "%s: cannot open maildrop: %s", folder, strerror(errno));
	return maildrop_failed(s), -1;
}

enum cmd_result trans_begin(struct session *s, const char *folder)
{
	scan_clear_error();
	if (open_folder(s, folder) < 0)
		return CMD_ERR;
	if (maildrop_snapshot(s->md, &s->snap) < 0 ||
	    (s->deleted = calloc(s->snap.count ? s->snap.count : 1, 1)) == NULL) {
		enum cmd_result r = maildrop_failed(s);

		trans_end(s);
		return r;
	}
	s->state = STATE_TRANS;
	atomic_store(&s->authed, 1);
	log_conn(s->id, s->peer, "login as %s: %zu messages, %llu octets", s->user, s->snap.count,
		 (unsigned long long)s->snap.octets);
	return session_ok(s, "maildrop has %zu messages (%llu octets)", s->snap.count,
			  (unsigned long long)s->snap.octets);
}

enum cmd_result trans_quit(struct session *s, struct cmd_args *a)
{
	struct msg **del = malloc((s->ndeleted ? s->ndeleted : 1) * sizeof(*del));
	unsigned deleted = 0;
	size_t n = 0;

	(void)a;
	if (del == NULL)
		return session_err(s, "[SYS/TEMP] out of memory, nothing deleted"), CMD_CLOSE;
	for (size_t i = 0; i < s->snap.count; i++)
		if (s->deleted[i])
			del[n++] = s->snap.msgs[i];
	int r = maildrop_commit(s->md, del, n, &deleted);

	free(del);
	s->end_reason = "quit";
	log_conn(s->id, s->peer, "quit: retrieved %u, deleted %u, sent %llu octets", s->retrieved,
		 deleted, conn_bytes_out(s->conn));
	if (r < 0)
		session_err(s, "[SYS/TEMP] some messages could not be deleted (%u deleted)", deleted);
	else
		session_ok(s, "bye, %u messages deleted", deleted);
	return CMD_CLOSE;
}

void trans_end(struct session *s)
{
	if (s->md != NULL) {
		if (s->snap.msgs != NULL)
			maildrop_snapshot_free(s->md, &s->snap);
		maildrop_release(s->md);
	}
	free(s->deleted);
	s->deleted = NULL;
	s->md = NULL;
}

/* The POP3 protocol client: commands, status lines and multi-line replies over common/conn. */
#include "pop3client.h"
#include "pop3client_int.h"

#include "conn.h"
#include "pop3parse.h"

#include <ctype.h>
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

/* How many TOP commands go out in one pipelined batch. */
#define PIPELINE_BATCH 32

int pop3c_buf_append(struct pop3c_buf *b, const char *data, size_t len)
{
	if (b->len + len + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;

		while (cap < b->len + len + 1)
			cap *= 2;
		char *p = realloc(b->data, cap);

		if (p == NULL)
			return -1;
		b->data = p;
		b->cap = cap;
	}
	memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
	return 0;
}

void pop3c_buf_free(struct pop3c_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

int pop3c_fail(struct pop3c *c, const char *why)
{
	if (!c->dead)
		snprintf(c->error, sizeof(c->error), "%.1000s", why);
	c->dead = 1;
	return POP3C_FAIL;
}

static int fail_status(struct pop3c *c, enum conn_status st)
{
	switch (st) {
	case CONN_EOF:
		return pop3c_fail(c, "connection closed by the server");
	case CONN_TIMEOUT: {
		char why[128];

		snprintf(why, sizeof(why), "the server is not answering (silent for %d s)", c->timeout_s);
		return pop3c_fail(c, why);
	}
	case CONN_ERROR: {
		char why[128];

		if (errno == ECANCELED) {
			c->cancelled = 1;
			return pop3c_fail(c, "cancelled");
		}

		snprintf(why, sizeof(why), "connection failed: %s", strerror(errno));
		return pop3c_fail(c, why);
	}
	default:
		return pop3c_fail(c, "protocol error");
	}
}

/* Buffer one command line (sent by flush()). */
static int vsend_cmd(struct pop3c *c, const char *fmt, va_list ap)
{
	char line[POP3_CMD_MAX + 1];

	if (c->dead)
		return POP3C_FAIL;
	int n = vsnprintf(line, sizeof(line) - 2, fmt, ap);

	if (n < 0 || (size_t)n >= sizeof(line) - 2) {
		snprintf(c->error, sizeof(c->error), "command too long");
		return POP3C_ERR;
	}
	if (conn_printf(c->conn, "%s\r\n", line) < 0)
		return pop3c_fail(c, "connection failed while sending");
	return POP3C_OK;
}

static int send_cmd(struct pop3c *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int send_cmd(struct pop3c *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	int r = vsend_cmd(c, fmt, ap);
	va_end(ap);
	return r;
}

static int flush(struct pop3c *c)
{
	if (conn_flush(c->conn) == 0)
		return POP3C_OK;
	if (errno == ECANCELED) {
		c->cancelled = 1;
		return pop3c_fail(c, "cancelled");
	}
	return pop3c_fail(c, errno == EPIPE ? "connection closed by the server" : "connection failed while sending");
}

int pop3c_read_status(struct pop3c *c)
{
	size_t len;
	enum conn_status st = conn_read_line(c->conn, c->reply, sizeof(c->reply), &len);

	if (st == CONN_LONG)
		st = conn_skip_line(c->conn);
	if (st != CONN_OK)
		return fail_status(c, st);
	for (size_t i = 0; i < len; i++)
		if (c->reply[i] == '\0')
			c->reply[i] = ' ';
	int s = pop3_status(c->reply);

	if (s > 0)
		return POP3C_OK;
	if (s < 0) {
		snprintf(c->error, sizeof(c->error), "%s", c->reply);
		return POP3C_ERR;
	}
	return pop3c_fail(c, "the server's reply is not POP3");
}

/*
 * Read a multi-line payload up to the lone ".", un-stuffing, appending each line
 * to out (if not NULL) followed by eol.
 */
static int read_multi(struct pop3c *c, struct pop3c_buf *out, const char *eol,
		      pop3c_progress_fn progress, void *arg)
{
	int bol = 1, oom = 0;
	unsigned long long done = 0;

	for (;;) {
		size_t len;
		enum conn_status st = conn_read_line(c->conn, c->chunk, sizeof(c->chunk), &len);

		if (st != CONN_OK && st != CONN_LONG)
			return fail_status(c, st);
		const char *data = c->chunk;
		size_t dlen = len;

		if (bol && pop3_unstuff(c->chunk, len, &data, &dlen) && st == CONN_OK)
			break;
		if (out && !oom && pop3c_buf_append(out, data, dlen) < 0)
			oom = 1;
		done += dlen;
		bol = st == CONN_OK;
		if (bol) {
			if (out && !oom && pop3c_buf_append(out, eol, strlen(eol)) < 0)
				oom = 1;
			done += strlen(eol);
			if (progress)
				progress(done, arg);
		}
	}
	if (oom) {
		snprintf(c->error, sizeof(c->error), "out of memory");
		return POP3C_ERR;
	}
	return POP3C_OK;
}

int pop3c_simple(struct pop3c *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	int r = vsend_cmd(c, fmt, ap);
	va_end(ap);
	if (r == POP3C_OK)
		r = flush(c);
	return r == POP3C_OK ? pop3c_read_status(c) : r;
}

void pop3c_tls_describe(const struct pop3c *c, char *buf, size_t size)
{
	conn_tls_describe(c->conn, buf, size);
}

const char *pop3c_reply(const struct pop3c *c)
{
	return c->reply;
}

const char *pop3c_error(const struct pop3c *c)
{
	return c->error;
}

int pop3c_dead(const struct pop3c *c)
{
	return c->dead;
}

int pop3c_cancelled(const struct pop3c *c)
{
	return c->cancelled;
}

int pop3c_ended(const struct pop3c *c)
{
	return c->ended;
}

int pop3c_has_pipelining(const struct pop3c *c)
{
	return c->pipelining;
}

int pop3c_has_uidl(const struct pop3c *c)
{
	return c->uidl;
}

/* Note one capability line. */
static void capa_line(struct pop3c *c, const char *line)
{
	if (strncasecmp(line, "PIPELINING", 10) == 0)
		c->pipelining = 1;
	else if (strncasecmp(line, "UIDL", 4) == 0)
		c->uidl = 1;
}

int pop3c_capa(struct pop3c *c)
{
	struct pop3c_buf b = { 0 };
	int r = pop3c_simple(c, "CAPA");

	if (r == POP3C_OK)
		r = read_multi(c, &b, "\n", NULL, NULL);
	if (r == POP3C_OK && b.data != NULL) {
		for (char *save = NULL, *l = strtok_r(b.data, "\n", &save);
		     l != NULL; l = strtok_r(NULL, "\n", &save))
			capa_line(c, l);
	}
	pop3c_buf_free(&b);
	return r;
}

int pop3c_login(struct pop3c *c, const char *user, const char *pass)
{
	int r = pop3c_simple(c, "USER %s", user);

	return r == POP3C_OK ? pop3c_simple(c, "PASS %s", pass) : r;
}

int pop3c_stat(struct pop3c *c, unsigned *count_r, unsigned long long *size_r)
{
	int r = pop3c_simple(c, "STAT");

	if (r != POP3C_OK)
		return r;
	if (sscanf(c->reply + 3, "%u %llu", count_r, size_r) != 2)
		return pop3c_fail(c, "the server's STAT reply has no counts");
	return POP3C_OK;
}

int pop3c_list(struct pop3c *c, struct pop3c_entry **v_r, size_t *n_r)
{
	struct pop3c_buf b = { 0 };
	char none[1] = "";
	int r = pop3c_simple(c, "LIST");

	if (r == POP3C_OK)
		r = read_multi(c, &b, "\n", NULL, NULL);
	if (r == POP3C_OK && pop3parse_list(b.data ? b.data : none, v_r, n_r) < 0) {
		snprintf(c->error, sizeof(c->error), "out of memory");
		r = POP3C_ERR;
	}
	pop3c_buf_free(&b);
	return r;
}

int pop3c_uidl(struct pop3c *c, struct pop3c_entry *v, size_t n)
{
	struct pop3c_buf b = { 0 };
	int r = pop3c_simple(c, "UIDL");

	if (r == POP3C_OK)
		r = read_multi(c, &b, "\n", NULL, NULL);
	if (r == POP3C_OK && b.data)
		pop3parse_uidl(b.data, v, n);
	pop3c_buf_free(&b);
	return r;
}

int pop3c_uidl_one(struct pop3c *c, unsigned num, char *uid)
{
	int r = pop3c_simple(c, "UIDL %u", num);

	if (r != POP3C_OK)
		return r;
	/* "+OK n uid": skip the status word and the number. */
	const char *p = c->reply + 3;
	while (*p == ' ')
		p++;
	while (isdigit((unsigned char)*p))
		p++;
	while (*p == ' ')
		p++;
	pop3parse_uid(uid, p);
	return POP3C_OK;
}

int pop3c_top(struct pop3c *c, unsigned num, unsigned lines, struct pop3c_buf *out)
{
	int r = pop3c_simple(c, "TOP %u %u", num, lines);

	return r == POP3C_OK ? read_multi(c, out, "\r\n", NULL, NULL) : r;
}

/* Read the replies to count TOP commands already sent. */
static int top_replies(struct pop3c *c, size_t count, struct pop3c_buf *outs, int *res)
{
	for (size_t i = 0; i < count; i++) {
		res[i] = pop3c_read_status(c);
		if (res[i] == POP3C_OK)
			res[i] = read_multi(c, &outs[i], "\r\n", NULL, NULL);
		if (res[i] == POP3C_FAIL)
			return POP3C_FAIL;
	}
	return POP3C_OK;
}

int pop3c_top_many(struct pop3c *c, const unsigned *nums, size_t count, unsigned lines,
		   struct pop3c_buf *outs, int *res)
{
	size_t batch = c->pipelining ? PIPELINE_BATCH : 1;

	for (size_t i = 0; i < count; i += batch) {
		size_t k = count - i < batch ? count - i : batch;

		for (size_t j = 0; j < k; j++)
			if (send_cmd(c, "TOP %u %u", nums[i + j], lines) == POP3C_FAIL)
				return POP3C_FAIL;
		if (flush(c) != POP3C_OK || top_replies(c, k, outs + i, res + i) != POP3C_OK)
			return POP3C_FAIL;
	}
	return POP3C_OK;
}

int pop3c_retr(struct pop3c *c, unsigned num, struct pop3c_buf *out, pop3c_progress_fn progress,
	       void *arg)
{
	int r = pop3c_simple(c, "RETR %u", num);

	return r == POP3C_OK ? read_multi(c, out, "\r\n", progress, arg) : r;
}

int pop3c_dele(struct pop3c *c, unsigned num)
{
	return pop3c_simple(c, "DELE %u", num);
}

int pop3c_rset(struct pop3c *c)
{
	return pop3c_simple(c, "RSET");
}

int pop3c_noop(struct pop3c *c)
{
	return pop3c_simple(c, "NOOP");
}

int pop3c_quit(struct pop3c *c)
{
	int r = pop3c_simple(c, "QUIT");

	if (r != POP3C_FAIL) {
		snprintf(c->error, sizeof(c->error), "the session has ended");
		c->dead = c->ended = 1;
	}
	return r;
}

void pop3c_command_name(const char *line, char *name)
{
	size_t i = 0;

	while (*line == ' ')
		line++;
	while (i < 7 && line[i] && line[i] != ' ') {
		name[i] = (char)toupper((unsigned char)line[i]);
		i++;
	}
	name[i] = '\0';
}

/* Whether the reply to this command line is multi-line when it is +OK. */
static int is_multi(const char *line)
{
	char name[8];
	const char *p = line;

	pop3c_command_name(line, name);
	while (*p == ' ')
		p++;
	p += strlen(name);
	while (*p == ' ')
		p++;
	if (strcmp(name, "CAPA") == 0 || strcmp(name, "RETR") == 0 || strcmp(name, "TOP") == 0)
		return 1;
	if (strcmp(name, "LIST") == 0 || strcmp(name, "UIDL") == 0)
		return *p == '\0';
	return 0;
}

int pop3c_raw(struct pop3c *c, const char *line, struct pop3c_buf *out, int *multi_r)
{
	char name[8];
	int r = pop3c_simple(c, "%s", line);

	*multi_r = 0;
	if (r == POP3C_OK && is_multi(line)) {
		*multi_r = 1;
		r = read_multi(c, out, "\n", NULL, NULL);
	}
	pop3c_command_name(line, name);
	if (r != POP3C_FAIL && strcmp(name, "QUIT") == 0) {
		snprintf(c->error, sizeof(c->error), "the session has ended");
		c->dead = c->ended = 1;
	}
	return r;
}

int pop3c_check_closed(struct pop3c *c)
{
	struct pollfd p = { .fd = conn_fd(c->conn), .events = POLLIN };
	size_t len;

	if (c->dead)
		return 1;
	if (conn_pending(c->conn) == 0 && poll(&p, 1, 0) <= 0)
		return 0;
	enum conn_status st = conn_read_line(c->conn, c->reply, sizeof(c->reply), &len);

	if (st == CONN_OK || st == CONN_LONG) {
		/* An unsolicited line is the server saying goodbye (autologout). */
		char why[REPLY_MAX + 32];

		snprintf(why, sizeof(why), "the server closed the session: %.*s", (int)len, c->reply);
		return pop3c_fail(c, why), 1;
	}
	fail_status(c, st);
	return 1;
}

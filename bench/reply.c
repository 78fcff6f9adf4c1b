/* reply.c: reads and checks POP3 replies: status lines, LIST/UIDL listings, RETR bodies. */
#include "pop3bench.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Length of the complete line at c->start including its CRLF, 0 if it is not complete yet,
 * -1 after failing the session on a bare LF. */
static long take_line(struct bench *b, struct bconn *c)
{
	char *p = c->buf + c->start;
	char *nl = memchr(p, '\n', c->end - c->start);

	if (!nl)
		return 0;
	if (nl == p || nl[-1] != '\r') {
		conn_fail(b, c, F_FORMAT, "line not ended by CRLF");
		return -1;
	}
	return nl - p + 1;
}

/* Fails the session with the reply line quoted (without its CRLF). */
static void fail_line(struct bench *b, struct bconn *c, enum fail f, const char *line, long len)
{
	char why[100];
	int n = len - 2 > 80 ? 80 : (int)len - 2;

	snprintf(why, sizeof(why), "\"%.*s\"", n < 0 ? 0 : n, line);
	conn_fail(b, c, f, why);
}

/* The status line: 1 when it is +OK (consumed; *line_r points at it), 0 if incomplete,
 * -1 after failing the session. */
static int status_line(struct bench *b, struct bconn *c, const char **line_r)
{
	long len = take_line(b, c);
	const char *p = c->buf + c->start;

	if (len <= 0)
		return (int)len;
	if (len < 5 || memcmp(p, "+OK", 3) != 0 || (p[3] != ' ' && p[3] != '\r')) {
		fail_line(b, c, F_ERR, p, len);
		return -1;
	}
	c->start += (size_t)len;
	*line_r = p;
	return 1;
}

static int parse_stat(struct bench *b, struct bconn *c, const char *line)
{
	char *end;

	c->nmsg = strtoull(line + 4, &end, 10);
	if (end == line + 4 || *end != ' ') {
		fail_line(b, c, F_FORMAT, line, (long)strcspn(line, "\n") + 1);
		return -1;
	}
	c->octets = strtoull(end + 1, &end, 10);
	if (*end != '\r') {
		fail_line(b, c, F_FORMAT, line, (long)strcspn(line, "\n") + 1);
		return -1;
	}
	return 1;
}

/* Checks one "n size" (LIST) or "n uid" (UIDL) line. */
static int listing_line(struct bench *b, struct bconn *c, enum step s, const char *p, long len)
{
	char *end;
	uint64_t n = strtoull(p, &end, 10);

	if (end == p || *end != ' ' || n != c->lines + 1 || end + 3 > p + len) {
		fail_line(b, c, F_FORMAT, p, len);
		return -1;
	}
	c->lines = n;
	if (s == ST_UIDL)
		return 0;
	uint64_t size = strtoull(end + 1, &end, 10);
	if (*end != '\r') {
		fail_line(b, c, F_FORMAT, p, len);
		return -1;
	}
	if (n <= SIZES_MAX)
		c->sizes[n - 1] = size;
	c->sum += size;
	return 0;
}

/* LIST/UIDL lines until "."; the counts must agree with STAT. */
static int parse_lines(struct bench *b, struct bconn *c, enum step s)
{
	long len;

	while ((len = take_line(b, c)) > 0) {
		const char *p = c->buf + c->start;

		c->start += (size_t)len;
		if (len == 3 && p[0] == '.') {
			int bad = c->lines != c->nmsg || (s == ST_LIST && c->sum != c->octets);

			if (bad) {
				conn_fail(b, c, F_SIZE, "listing disagrees with STAT");
				return -1;
			}
			return 1;
		}
		if (listing_line(b, c, s, p, len) < 0)
			return -1;
	}
	return (int)len;
}

/* Whether the byte at p (offset pos in the unconsumed data) begins a line. */
static int line_start(const struct bconn *c, const char *p, size_t pos)
{
	if (pos >= 2)
		return p[-2] == '\r' && p[-1] == '\n';
	if (pos == 1)
		return c->prev[1] == '\r' && p[-1] == '\n';
	return c->prev[0] == '\r' && c->prev[1] == '\n';
}

static void remember_tail(struct bconn *c, const char *from, size_t n)
{
	if (n >= 2) {
		c->prev[0] = from[n - 2];
		c->prev[1] = from[n - 1];
	} else if (n == 1) {
		c->prev[0] = c->prev[1];
		c->prev[1] = from[0];
	}
}

static int body_done(struct bench *b, struct bconn *c)
{
	int msg = conn_retr_msg(b, c);
	uint64_t payload = c->body - c->dots;
	char why[120];

	if (msg <= SIZES_MAX && (uint64_t)msg <= c->lines && payload != c->sizes[msg - 1]) {
		snprintf(why, sizeof(why), "RETR %d payload %" PRIu64 " octets, LIST said %" PRIu64,
			 msg, payload, c->sizes[msg - 1]);
		conn_fail(b, c, F_SIZE, why);
		return -1;
	}
	return 1;
}

/* A RETR body: only '.' at a line start matters, so memchr for '.' skips everything else.
 * A '.' is the terminator when followed by CRLF, otherwise a stuffed dot to remove. */
static int parse_body(struct bench *b, struct bconn *c)
{
	const char *base = c->buf + c->start;
	size_t len = c->end - c->start, i = 0;

	while (i < len) {
		const char *d = memchr(base + i, '.', len - i);
		size_t pos;

		if (!d)
			break;
		pos = (size_t)(d - base);
		if (!line_start(c, d, pos)) {
			i = pos + 1;
			continue;
		}
		if (len - pos < 3) {
			len = pos; /* wait for the bytes after the dot */
			break;
		}
		if (d[1] == '\r' && d[2] == '\n') {
			c->body += pos;
			c->start += pos + 3;
			return body_done(b, c);
		}
		c->dots++;
		i = pos + 1;
	}
	c->body += len;
	remember_tail(c, base, len);
	c->start += len;
	return 0;
}

static int begin_multi(struct bconn *c, enum step s)
{
	if (s == ST_RETR) {
		c->mode = RM_BODY;
		c->body = c->dots = 0;
		c->prev[0] = '\r';
		c->prev[1] = '\n';
	} else {
		c->mode = RM_LINES;
		c->lines = c->sum = 0;
	}
	return 0;
}

int reply_parse(struct bench *b, struct bconn *c)
{
	enum step s = b->script[c->pc];
	const char *line = NULL;
	int r;

	if (c->start == c->end || s == ST_IDLE)
		return 0;
	if (c->mode == RM_BODY)
		return parse_body(b, c);
	if (c->mode == RM_LINES)
		return parse_lines(b, c, s);
	r = status_line(b, c, &line);
	if (r <= 0)
		return r;
	switch (s) {
	case ST_STAT: return parse_stat(b, c, line);
	case ST_LIST:
	case ST_UIDL:
		begin_multi(c, s);
		return parse_lines(b, c, s);
	case ST_RETR:
		begin_multi(c, s);
		return c->start == c->end ? 0 : parse_body(b, c);
	default: return 1;
	}
}

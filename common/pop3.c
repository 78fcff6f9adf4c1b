/* Dot-stuffing, wire sizes, status and number parsing: the protocol's pure parts. */
#include "pop3.h"

#include <string.h>

int pop3_status(const char *line)
{
	if (strncmp(line, "+OK", 3) == 0 && (line[3] == '\0' || line[3] == ' '))
		return 1;
	if (strncmp(line, "-ERR", 4) == 0 && (line[4] == '\0' || line[4] == ' '))
		return -1;
	return 0;
}

void pop3_encode_begin(struct pop3_enc *st)
{
	st->bol = 1;
	st->cr = 0;
}

/*
 * Runs of bytes without LF are copied whole with memcpy; only line ends and
 * line starts are looked at one by one, so long lines cost little more than a copy.
 */
size_t pop3_encode(struct pop3_enc *st, const char *in, size_t n, char *out)
{
	char *o = out;
	const char *end = in + n;

	while (in < end) {
		if (st->bol && *in == '.')
			*o++ = '.';
		const char *lf = memchr(in, '\n', (size_t)(end - in));
		size_t run = lf ? (size_t)(lf - in) : (size_t)(end - in);

		if (run > 0) {
			memcpy(o, in, run);
			o += run;
			st->cr = in[run - 1] == '\r';
			in += run;
			st->bol = 0;
		}
		if (!lf)
			break;
		if (!st->cr)
			*o++ = '\r';
		*o++ = '\n';
		in++;
		st->cr = 0;
		st->bol = 1;
	}
	return (size_t)(o - out);
}

size_t pop3_encode_end(const struct pop3_enc *st, char *out)
{
	size_t n = 0;

	if (!st->bol) {
		/* A last line without newline: a CR already sent stays, LF completes it. */
		if (!st->cr)
			out[n++] = '\r';
		out[n++] = '\n';
	}
	memcpy(out + n, ".\r\n", 3);
	return n + 3;
}

void pop3_wire_add(struct pop3_wire *w, const char *in, size_t n)
{
	const char *end = in + n;
	const char *p = in;

	if (n == 0)
		return;
	w->size += n;
	while ((p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		int cr = p > in ? p[-1] == '\r' : w->cr;

		if (!cr)
			w->size++;
		p++;
	}
	w->cr = end[-1] == '\r';
	w->open = end[-1] != '\n';
}

uint64_t pop3_wire_end(const struct pop3_wire *w)
{
	if (!w->open)
		return w->size;
	return w->size + (w->cr ? 1 : 2);
}

int pop3_unstuff(const char *line, size_t len, const char **data_r, size_t *len_r)
{
	if (len == 1 && line[0] == '.')
		return 1;
	if (len > 0 && line[0] == '.') {
		line++;
		len--;
	}
	*data_r = line;
	*len_r = len;
	return 0;
}

int pop3_parse_number(const char *s, uint32_t max, uint32_t *n_r, const char **why_r)
{
	uint64_t n = 0;
	const char *p = s;

	if (*p < '0' || *p > '9') {
		*why_r = "not a number";
		return -1;
	}
	for (; *p >= '0' && *p <= '9'; p++) {
		n = n * 10 + (uint64_t)(*p - '0');
		if (n > max) {
			*why_r = "number too large";
			return -1;
		}
	}
	if (*p != '\0') {
		*why_r = "not a number";
		return -1;
	}
	*n_r = (uint32_t)n;
	return 0;
}

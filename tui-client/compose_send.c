/* The message sent from an edited draft: headers encoded (RFC 2047), MIME headers, Date, Message-ID. */
#include "compose.h"

#include "mime.h"
#include "mime_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <time.h>

/* How a field of the draft is written out. */
enum field_kind { F_TEXT, F_ADDR, F_RCPT, F_OURS };

static enum field_kind field_kind(const char *name, size_t n)
{
	static const struct { const char *name; enum field_kind kind; } tab[] = {
		{ "To", F_RCPT }, { "Cc", F_RCPT }, { "Bcc", F_RCPT }, { "From", F_ADDR },
		{ "Reply-To", F_ADDR }, { "Sender", F_ADDR }, { "MIME-Version", F_OURS },
		{ "Content-Type", F_OURS }, { "Content-Transfer-Encoding", F_OURS },
	};

	for (size_t i = 0; i < sizeof tab / sizeof tab[0]; i++)
		if (strlen(tab[i].name) == n && strncasecmp(tab[i].name, name, n) == 0)
			return tab[i].kind;
	return F_TEXT;
}

static int all_ascii(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] > '~')
			return 0;
	return 1;
}

/* One field: raw holds "Name: value" with its folds; the value unfolded is val. */
static void put_field(struct sbuf *b, const char *raw, size_t rawn, size_t namen, const char *val,
		      size_t *nrcpt)
{
	enum field_kind k = field_kind(raw, namen);
	struct compose_addrs a = { 0 };
	char *out = NULL;

	if (k == F_OURS || val[0] == '\0')
		return;
	if (k == F_TEXT && all_ascii(raw, rawn)) {
		mime_sbuf_add(b, raw, rawn);	/* as the user wrote it, folds included */
		mime_sbuf_addc(b, '\n');
		return;
	}
	if (k == F_TEXT)
		out = compose_encode_words(val, namen + 2);
	else if (compose_addrs_parse(val, &a) == 0)
		out = compose_addrs_format(&a, namen + 2, 1);
	if (k == F_RCPT)
		*nrcpt += a.n;
	if (out == NULL || (k != F_TEXT && a.n == 0)) {
		b->oom |= out == NULL;
		free(out);
		compose_addrs_free(&a);
		return;
	}
	mime_sbuf_add(b, raw, namen);
	mime_sbuf_add(b, ": ", 2);
	mime_sbuf_add(b, out, strlen(out));
	mime_sbuf_addc(b, '\n');
	free(out);
	compose_addrs_free(&a);
}

/* The end of the field starting at i (its continuation lines included). */
static size_t field_end(const char *s, size_t len, size_t i)
{
	const char *nl;

	while ((nl = memchr(s + i, '\n', len - i)) != NULL) {
		i = (size_t)(nl - s) + 1;
		if (i >= len || (s[i] != ' ' && s[i] != '\t'))
			return i - 1;
	}
	return len;
}

/* A line "Name: ..." with a field name of printable ASCII; the name's length or 0. */
static size_t field_name(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && s[i] > ' ' && s[i] <= '~' && s[i] != ':')
		i++;
	return i > 0 && i < n && s[i] == ':' ? i : 0;
}

/* RFC 5322 date of now in local time, in English whatever the locale. */
static void rfc_date(long long now, char *buf, size_t size)
{
	static const char days[] = "SunMonTueWedThuFriSat", months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	time_t t = (time_t)now;
	struct tm tm;
	long off;

	localtime_r(&t, &tm);
	off = tm.tm_gmtoff / 60;
	snprintf(buf, size, "%.3s, %02d %.3s %04d %02d:%02d:%02d %c%02ld%02ld", days + 3 * tm.tm_wday,
		 tm.tm_mday, months + 3 * tm.tm_mon, tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec,
		 off < 0 ? '-' : '+', labs(off) / 60, labs(off) % 60);
}

/* "<time.random@domain>" with the domain of the From address (else localhost). */
static void message_id(long long now, const char *from, char *buf, size_t size)
{
	struct compose_addrs a = { 0 };
	const char *at = NULL;
	unsigned long long rnd = 0;

	if (getrandom(&rnd, sizeof rnd, 0) != (ssize_t)sizeof rnd)
		rnd ^= (unsigned long long)clock() << 20;
	if (from != NULL && compose_addrs_parse(from, &a) == 0 && a.n > 0)
		at = strrchr(a.v[0].addr, '@');
	snprintf(buf, size, "<%lld.%016llx@%.200s>", now, rnd, at != NULL && at[1] != '\0' ? at + 1 : "localhost");
	compose_addrs_free(&a);
}

enum { SEEN_DATE = 1, SEEN_MSGID = 2 };

/* Read the draft's header block into b (which of Date, Message-ID were there in *seen_r); the body's offset. */
static size_t put_headers(struct sbuf *b, const char *s, size_t len, size_t *nrcpt, int *seen_r, char **from_r)
{
	size_t i = 0;

	while (i < len && s[i] != '\n') {
		size_t e = field_end(s, len, i), nn = field_name(s + i, e - i);
		char *val;

		if (nn == 0)
			break;	/* not a header line: the body starts here */
		if ((val = mime_unfold_dup(s + i + nn + 1, e - i - nn - 1, NULL)) == NULL) {
			b->oom = 1;
			return len;
		}
		char *v = val + strspn(val, " \t");

		if (nn == 4 && strncasecmp(s + i, "Date", 4) == 0)
			*seen_r |= SEEN_DATE;
		if (nn == 10 && strncasecmp(s + i, "Message-ID", 10) == 0)
			*seen_r |= SEEN_MSGID;
		if (nn == 4 && strncasecmp(s + i, "From", 4) == 0 && *from_r == NULL)
			*from_r = strdup(v);
		put_field(b, s + i, e - i, nn, v, nrcpt);
		free(val);
		i = e < len ? e + 1 : len;
	}
	return i < len && s[i] == '\n' ? i + 1 : i;
}

/* The draft with CRLF made LF, as UTF-8 (an editor that saved Latin-1 is read as windows-1252). */
static char *unix_lines(const char *s, size_t len, size_t *len_r)
{
	char *o = malloc(len + 1), *u;
	size_t k = 0;

	if (o == NULL)
		return NULL;
	for (size_t i = 0; i < len; i++)
		if (!(s[i] == '\r' && i + 1 < len && s[i + 1] == '\n'))
			o[k++] = s[i];
	u = mime_to_utf8("x-unknown", o, k, len_r);
	free(o);
	return u;
}

/* 1 when a line of s is longer than 8bit allows (RFC 5322 s. 2.1.1: 998 octets). */
static int has_long_line(const char *s, size_t n)
{
	for (size_t i = 0, start = 0; i <= n; i++)
		if (i == n || s[i] == '\n') {
			if (i - start > COMPOSE_LINE_MAX)
				return 1;
			start = i + 1;
		}
	return 0;
}

/* One line as quoted-printable (RFC 2045 s. 6.7): soft breaks before 76 columns, blanks at the end encoded. */
static void qp_line(struct sbuf *b, const unsigned char *s, size_t n)
{
	size_t col = 0, k;
	char enc[4];

	for (size_t i = 0; i < n; i++) {
		int plain = (s[i] >= 33 && s[i] <= 126 && s[i] != '=') || ((s[i] == ' ' || s[i] == '\t') && i + 1 < n);

		k = plain ? 1 : 3;
		if (plain)
			enc[0] = (char)s[i];
		else
			snprintf(enc, sizeof enc, "=%02X", s[i]);
		if (col + k > 75) {
			mime_sbuf_add(b, "=\n", 2);
			col = 0;
		}
		mime_sbuf_add(b, enc, k);
		col += k;
	}
	mime_sbuf_addc(b, '\n');
}

/* The MIME headers, the blank line and the body: 8bit, or quoted-printable when a line is too long. */
static void put_body(struct sbuf *b, const char *s, size_t n)
{
	static const char head[] = "MIME-Version: 1.0\nContent-Type: text/plain; charset=UTF-8\n"
				   "Content-Transfer-Encoding: ";
	int qp = has_long_line(s, n);
	const char *cte = qp ? "quoted-printable\n\n" : "8bit\n\n";

	mime_sbuf_add(b, head, sizeof head - 1);
	mime_sbuf_add(b, cte, strlen(cte));
	if (!qp) {
		mime_sbuf_add(b, s, n);
		if (n > 0 && s[n - 1] != '\n')
			mime_sbuf_addc(b, '\n');
		return;
	}
	for (size_t i = 0; i < n;) {
		const char *nl = memchr(s + i, '\n', n - i);
		size_t e = nl != NULL ? (size_t)(nl - s) : n;

		qp_line(b, (const unsigned char *)s + i, e - i);
		i = e + 1;
	}
}

char *compose_finish(const char *draft, size_t len, long long now, size_t *len_r, size_t *nrcpt_r)
{
	struct sbuf b = { 0 };
	char line[300], *from = NULL, *s;
	int seen = 0;
	size_t n, body;

	*nrcpt_r = 0;
	if ((s = unix_lines(draft, len, &n)) == NULL)
		return NULL;
	body = put_headers(&b, s, n, nrcpt_r, &seen, &from);
	if (!(seen & SEEN_DATE)) {
		rfc_date(now, line, sizeof line);
		mime_sbuf_add(&b, "Date: ", 6), mime_sbuf_add(&b, line, strlen(line)), mime_sbuf_addc(&b, '\n');
	}
	if (!(seen & SEEN_MSGID)) {
		message_id(now, from, line, sizeof line);
		mime_sbuf_add(&b, "Message-ID: ", 12), mime_sbuf_add(&b, line, strlen(line)), mime_sbuf_addc(&b, '\n');
	}
	put_body(&b, s + body, n - body);
	free(from);
	free(s);
	return mime_sbuf_finish(&b, len_r);
}

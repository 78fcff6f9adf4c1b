/* Fuzz target: the client's MIME decoding, and the promise that nothing it returns can drive a terminal. */
#include "attach.h"
#include "mailcap.h"
#include "mime.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_NAME "fuzz_mime"
#include "fuzz_check.h"

/* Length of the UTF-8 sequence at s and its code point; 0 when it is not valid UTF-8. */
static size_t utf8_next(const unsigned char *s, size_t n, unsigned long *cp_r)
{
	size_t len;
	unsigned long cp, min;

	if (s[0] < 0x80)
		return *cp_r = s[0], 1;
	if (s[0] >= 0xC2 && s[0] <= 0xDF)
		len = 2, cp = s[0] & 0x1F, min = 0x80;
	else if (s[0] >= 0xE0 && s[0] <= 0xEF)
		len = 3, cp = s[0] & 0x0F, min = 0x800;
	else if (s[0] >= 0xF0 && s[0] <= 0xF4)
		len = 4, cp = s[0] & 0x07, min = 0x10000;
	else
		return 0;
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3F);
	}
	if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	*cp_r = cp;
	return len;
}

/*
 * Text for the screen: valid UTF-8 with no C0 or C1 control, DEL or bidi override;
 * keep lists the controls allowed ("\n\t" in bodies, "" in header values).
 */
static void check_display(const char *what, const char *s, size_t n, const char *keep)
{
	const unsigned char *u = (const unsigned char *)s;
	unsigned long cp;

	CHECK(s != NULL, "%s is NULL", what);
	for (size_t i = 0, k; i < n; i += k) {
		k = utf8_next(u + i, n - i, &cp);
		CHECK(k > 0, "%s: invalid UTF-8 at octet %zu", what, i);
		if (cp != 0 && strchr(keep, (int)cp) != NULL)
			continue;
		CHECK(!(cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0) ||
			(cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069)),
		      "%s: control U+%04lX at octet %zu", what, cp, i);
	}
}

static void check_header(const char *what, const char *s)
{
	CHECK(s != NULL, "%s is NULL", what);
	check_display(what, s, strlen(s), "");
}

/* Every part lies inside the input, decodes to its listed size, and has a safe name. */
static void check_parts(const struct mime_msg *m, const char *in, size_t len, int partial)
{
	char name[ATTACH_NAME_MAX], tmp[80], *data;
	size_t n;

	CHECK(m->nparts <= 4096, "%zu parts", m->nparts);
	for (size_t i = 0; i < m->nparts; i++) {
		const struct mime_part *p = &m->parts[i];

		CHECK(p->type != NULL, "part %zu has no type", i);
		check_header("part type", p->type);
		if (p->filename != NULL)
			check_header("part file name", p->filename);
		CHECK(p->off <= len && p->len <= len - p->off, "part %zu at %zu+%zu of %zu", i, p->off, p->len, len);
		CHECK(p->size <= len, "part of %zu octets from %zu", p->size, len);
		CHECK(p->depth >= 0 && p->depth <= 64, "part depth %d", p->depth);
		if (!partial)
			CHECK(p->size_known, "part %zu: size unknown in a whole message", i);
		if (mime_part_data(p, in, &data, &n) == 0) {
			CHECK(n == p->size, "part %zu: %zu octets, listed %zu", i, n, p->size);
			free(data);
		}
		attach_safe_name(p->filename, i, p->type, name, sizeof name);
		CHECK(name[0] != '\0' && name[0] != '.' && strchr(name, '/') == NULL, "unsafe name \"%s\"", name);
		check_header("safe name", name);
		attach_tmp_name(name, tmp, sizeof tmp);
		CHECK(tmp[0] != '\0' && tmp[0] != '.' && tmp[0] != '-' &&
		      strspn(tmp, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") == strlen(tmp),
		      "unsafe temporary name \"%s\"", tmp);
	}
}

static void parse(const char *in, size_t len, int partial)
{
	struct mime_opts o = { .partial = partial };
	struct mime_msg *m;
	char date[16];

	if (mime_parse_opts(in, len, &o, &m) != 0)
		return;	/* out of memory: allowed */
	check_header("From", m->from);
	check_header("To", m->to);
	check_header("Cc", m->cc);
	check_header("Subject", m->subject);
	check_header("Date", m->date);
	check_header("Message-ID", m->message_id);
	CHECK(m->body != NULL, "no body");
	CHECK(strlen(m->body) == m->body_len, "body_len %zu, strlen %zu", m->body_len,
	      strlen(m->body));
	check_display("body", m->body, m->body_len, "\n\t");
	check_parts(m, in, len, partial);
	mime_date_short(m->date, date, sizeof date);
	CHECK(date[0] == '\0' || (strlen(date) == 10 && date[4] == '-' && date[7] == '-'), "date \"%s\"", date);
	mime_free(m);
}

/* The text renderers: flowed text and HTML (whose output is sanitised before display). */
static void renderers(const char *in, size_t len)
{
	size_t n;
	char *t = mime_flowed_join(in, len, len > 0 && (in[0] & 1), &n);

	if (t != NULL) {
		CHECK(strlen(t) <= n && t[n] == '\0', "flowed: length %zu", n);
		CHECK(n <= len * 2 + 2, "flowed: %zu octets from %zu", n, len);
	}
	free(t);
	t = mime_html_to_text(in, len, &n);
	if (t != NULL)
		CHECK(t[n] == '\0', "html: not terminated");
	free(t);
}

/* Each line as a mailcap entry, expanded: the file path is always quoted or inside quotes. */
static void mailcap(const char *in, size_t len)
{
	char line[MAILCAP_LINE_MAX], *cmd;
	struct mailcap_entry e;
	size_t n = len < sizeof line - 1 ? len : sizeof line - 1;
	int has;

	memcpy(line, in, n);
	line[n] = '\0';
	if (mailcap_parse_line(line, &e) != 0)
		return;
	CHECK(e.type != NULL && e.command != NULL, "entry without type or command");
	mailcap_type_match(e.type, "image/png");
	cmd = mailcap_expand(e.command, "/tmp/mailroom-X/f.pdf", "application/pdf", "utf-8", &has);
	if (cmd != NULL)
		CHECK(!has || strstr(cmd, "/tmp/mailroom-X/f.pdf") != NULL, "%%s lost in \"%s\"", cmd);
	free(cmd);
	mailcap_entry_free(&e);
}

static void decoders(const char *in, size_t len)
{
	char *out = malloc(len + 1);
	size_t n;

	CHECK(out != NULL, "out of memory");
	n = mime_decode_qp(in, len, out);
	CHECK(n <= len, "quoted-printable: %zu octets from %zu", n, len);
	n = mime_decode_base64(in, len, out);
	CHECK(n <= len / 4 * 3 + 3, "base64: %zu octets from %zu", n, len);
	free(out);

	char *h = mime_decode_header(in, len);

	if (h != NULL)
		check_header("decoded header", h);
	free(h);
	char *s = mime_sanitize(in, len, &n);

	if (s != NULL) {
		CHECK(strlen(s) == n, "sanitize: length %zu, strlen %zu", n, strlen(s));
		check_display("sanitized text", s, n, "\n\t");
	}
	free(s);
}

/* The first line names a charset, the rest is text in it. */
static void charset(const char *in, size_t len)
{
	const char *nl = memchr(in, '\n', len < 64 ? len : 64);
	char name[64];
	size_t n;

	if (nl == NULL)
		return;
	memcpy(name, in, (size_t)(nl - in));
	name[nl - in] = '\0';
	char *u = mime_to_utf8(name, nl + 1, len - (size_t)(nl - in) - 1, &n);

	if (u != NULL) {
		CHECK(u[n] == '\0', "mime_to_utf8: not terminated");
		for (size_t i = 0, k; i < n; i += k) {
			unsigned long cp;

			k = utf8_next((const unsigned char *)u + i, n - i, &cp);
			CHECK(k > 0, "mime_to_utf8(\"%s\"): invalid UTF-8 at octet %zu", name, i);
		}
	}
	free(u);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* A private copy with no NUL after it: reading past the end is an error ASan sees. */
	char *in = malloc(size ? size : 1);

	if (in == NULL)
		return 0;
	memcpy(in, data, size);
	parse(in, size, 0);
	parse(in, size, 1);
	renderers(in, size);
	mailcap(in, size);
	decoders(in, size);
	charset(in, size);
	free(in);
	return 0;
}

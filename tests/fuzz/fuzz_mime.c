/* Fuzz target: the client's MIME decoding, and the promise that nothing it returns can drive a terminal. */
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

static void parse(const char *in, size_t len)
{
	struct mime_msg *m;

	if (mime_parse(in, len, &m) != 0)
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
	for (size_t i = 0; i < m->natt; i++) {
		CHECK(m->att[i].type != NULL, "attachment %zu has no type", i);
		check_header("attachment type", m->att[i].type);
		if (m->att[i].filename != NULL)
			check_header("attachment file name", m->att[i].filename);
		CHECK(m->att[i].size <= len, "attachment of %zu octets from %zu", m->att[i].size, len);
	}
	mime_free(m);
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
	parse(in, size);
	decoders(in, size);
	charset(in, size);
	free(in);
	return 0;
}

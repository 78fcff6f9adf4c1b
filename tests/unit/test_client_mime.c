/* Unit tests for the client's MIME decoding: encodings, headers, charsets, multipart, HTML, samples. */
#include <stdlib.h>

#include "harness.h"
#include "mime.h"

#define S(lit) lit, sizeof(lit) - 1
/* Compare a buffer with a string literal that may hold NUL bytes. */
#define CHECK_BYTES(a, alen, lit) CHECK_MEM(a, alen, lit, sizeof(lit) - 1)

/* Parse a literal message; every test message parses (only memory can fail). */
static struct mime_msg *parse(const char *buf, size_t len)
{
	struct mime_msg *m = NULL;

	CHECK(mime_parse(buf, len, &m) == 0);
	CHECK(m != NULL);
	return m;
}

/* No NUL, no controls other than LF and TAB, and valid UTF-8 (checked by the sanitizer doing nothing). */
static int terminal_safe(const char *s, size_t len)
{
	size_t n;
	char *again = mime_sanitize(s, len, &n);
	int same = again != NULL && n == len && memcmp(again, s, len) == 0;

	free(again);
	return same && strlen(s) == len;
}

static char *header(const char *v)
{
	char *s = mime_decode_header(v, strlen(v));

	CHECK(s != NULL);
	return s;
}

static void check_header(const char *in, const char *want)
{
	char *s = header(in);

	CHECK_STR(s, want);
	free(s);
}

static void qp_soft_breaks_and_escapes(void)
{
	char out[128];
	size_t n;

	n = mime_decode_qp(S("Caf=\r\n=C3=A9 a=3Db =c3=a9 line=\nend"), out);
	CHECK_BYTES(out, n, "Caf\xc3\xa9 a=b \xc3\xa9 lineend");
	n = mime_decode_qp(S("100% =XY and =4 and = x and end="), out);
	CHECK_BYTES(out, n, "100% =XY and =4 and = x and end");
	n = mime_decode_qp(S("soft=  \nbreak with blanks"), out);
	CHECK_BYTES(out, n, "softbreak with blanks");
	n = mime_decode_qp(S("hard\r\nbreak"), out);
	CHECK_BYTES(out, n, "hard\r\nbreak");
}

static void base64_tolerant(void)
{
	char out[128];
	size_t n;

	n = mime_decode_base64(S("SGVsbG8s\r\nIHdvcmxk\r\nIQ=="), out);
	CHECK_BYTES(out, n, "Hello, world!");
	n = mime_decode_base64(S("SGV*sb G8!\t"), out);
	CHECK_BYTES(out, n, "Hello");
	n = mime_decode_base64(S("SGk"), out);	/* padding missing */
	CHECK_BYTES(out, n, "Hi");
	n = mime_decode_base64(S("SQ"), out);
	CHECK_BYTES(out, n, "I");
	n = mime_decode_base64(S("S"), out);	/* a lone sextet is no byte */
	CHECK(n == 0);
	n = mime_decode_base64(S("SGk=SGk="), out);	/* concatenated chunks */
	CHECK_BYTES(out, n, "HiHi");
}

static void rfc2047_words(void)
{
	check_header("=?UTF-8?Q?Caf=C3=A9_au_lait?=", "Caf\xc3\xa9 au lait");
	check_header("=?utf-8?b?Q2Fmw6k=?=", "Caf\xc3\xa9");
	/* Adjacent words are joined; the blank between them (folded or not) is dropped. */
	check_header("=?UTF-8?Q?a?= =?UTF-8?Q?b?=", "ab");
	check_header("=?UTF-8?Q?a?=\r\n =?UTF-8?Q?_b?=", "a b");
	/* A character split between two B words of one charset. */
	check_header("=?UTF-8?B?w6k=?= =?UTF-8?B?4pi=?= =?UTF-8?B?lQ==?=", "\xc3\xa9\xe2\x98\x95");
	/* Plain text around words keeps its spaces. */
	check_header("Re: =?ISO-8859-1?Q?caf=E9?= ok", "Re: caf\xc3\xa9 ok");
	check_header("=?iso-8859-1?q?M=FCller?= <m@example.org>", "M\xc3\xbcller <m@example.org>");
	/* Not words: left as written. */
	check_header("=?UTF-8?X?abc?= and =?broken", "=?UTF-8?X?abc?= and =?broken");
	check_header("2+2=?4", "2+2=?4");
	/* An RFC 2231 language tag in the charset. */
	check_header("=?utf-8*en?q?hi?=", "hi");
}

static void charsets_to_utf8(void)
{
	size_t n;
	char *s;

	s = mime_to_utf8("ISO-8859-1", S("caf\xe9 \xa3" "5"), &n);
	CHECK_BYTES(s, n, "caf\xc3\xa9 \xc2\xa3" "5");
	free(s);
	s = mime_to_utf8("latin1", S("\x93quoted\x94"), &n);	/* windows-1252 quotes */
	CHECK_BYTES(s, n, "\xe2\x80\x9cquoted\xe2\x80\x9d");
	free(s);
	s = mime_to_utf8("utf8", S("caf\xc3\xa9"), &n);
	CHECK_BYTES(s, n, "caf\xc3\xa9");
	free(s);
	s = mime_to_utf8("UTF-8", S("a\xff" "b\xc3"), &n);	/* bad byte, and a sequence cut at the end */
	CHECK_BYTES(s, n, "a\xef\xbf\xbd" "b\xef\xbf\xbd");
	free(s);
	s = mime_to_utf8("x-unknown", S("caf\xc3\xa9"), &n);	/* valid UTF-8 kept */
	CHECK_BYTES(s, n, "caf\xc3\xa9");
	free(s);
	s = mime_to_utf8("no-such-charset", S("caf\xe9"), &n);	/* else windows-1252 */
	CHECK_BYTES(s, n, "caf\xc3\xa9");
	free(s);
	s = mime_to_utf8("utf-8//TRANSLIT", S("x\xe9"), &n);	/* no iconv suffixes */
	CHECK_BYTES(s, n, "x\xc3\xa9");
	free(s);
	s = mime_to_utf8(NULL, "", 0, &n);
	CHECK_BYTES(s, n, "");
	free(s);
}

static void thread_headers(void)
{
	struct mime_msg *m = parse(S("Message-ID: <c@x>\r\nIn-Reply-To: <b@x> (Bob's note)\r\n"
				     "References: <a@x>\r\n <b@x>\r\n\r\nbody\r\n"));

	CHECK_STR(m->message_id, "<c@x>");
	CHECK_STR(m->in_reply_to, "<b@x> (Bob's note)");
	CHECK_STR(m->references, "<a@x> <b@x>");
	mime_free(m);
}

static void folded_and_raw_headers(void)
{
	struct mime_msg *m = parse(S("Subject: a long\r\n\tsubject\r\n  line\r\n"
				     "From: Ren\xe9 <r@example.org>\r\nTo: b@example.com\r\n\r\nbody\r\n"));

	CHECK_STR(m->subject, "a long subject  line");
	CHECK_STR(m->from, "Ren\xc3\xa9 <r@example.org>");	/* raw Latin-1 taken as windows-1252 */
	CHECK_STR(m->to, "b@example.com");
	CHECK_STR(m->cc, "");
	CHECK_STR(m->message_id, "");
	CHECK_STR(m->in_reply_to, "");
	CHECK_STR(m->references, "");
	CHECK_STR(m->body, "body\n");
	CHECK(m->nparts == 1 && m->parts[0].shown && !m->truncated);
	mime_free(m);
}

static const char mixed_msg[] =
	"From: a@example.org\n"
	"Content-Type: multipart/mixed;\n boundary=\"b1; tricky\"\n\n"
	"preamble text\n"
	"--b1; tricky\n"
	"Content-Type: text/plain; charset=iso-8859-1\n"
	"Content-Transfer-Encoding: quoted-printable\n\n"
	"Voil=E0 le rapport.\n"
	"--b1; tricky\n"
	"Content-Type: application/pdf; name=\"ignored.pdf\"\n"
	"Content-Disposition: attachment;\n filename*=utf-8''r%C3%A9sum%C3%A9.pdf\n"
	"Content-Transfer-Encoding: base64\n\n"
	"JVBERi0xLjQK\n"
	"--b1; tricky\n"
	"Content-Type: IMAGE/PNG\n"
	"Content-Disposition: inline; filename*0*=utf-8''p%C3%A9;\n filename*1=\"t.png\"\n"
	"Content-Transfer-Encoding: base64\n\n"
	"iVBORw0=\n"
	"--b1; tricky--\n"
	"epilogue text\n";

static void multipart_mixed_attachment(void)
{
	struct mime_msg *m = parse(S(mixed_msg));

	CHECK_STR(m->body, "Voil\xc3\xa0 le rapport.");
	CHECK(m->nparts == 3);
	if (m->nparts == 3) {
		CHECK(m->parts[0].shown && m->parts[0].size == 17 && m->parts[0].size_known);
		CHECK_STR(m->parts[0].charset, "iso-8859-1");
		CHECK_STR(m->parts[1].filename, "r\xc3\xa9sum\xc3\xa9.pdf");
		CHECK_STR(m->parts[1].type, "application/pdf");
		CHECK(m->parts[1].size == 9 && !m->parts[1].shown && m->parts[1].size_known);
		CHECK_STR(m->parts[2].filename, "p\xc3\xa9t.png");
		CHECK_STR(m->parts[2].type, "image/png");
		CHECK(m->parts[2].size == 5 && !m->parts[2].shown);
	}
	CHECK(!m->truncated);
	CHECK(strstr(m->body, "preamble") == NULL && strstr(m->body, "epilogue") == NULL);
	mime_free(m);
}

static const char alt_msg[] =
	"Content-Type: multipart/alternative; boundary=alt\r\n\r\n"
	"--alt\r\n"
	"Content-Type: text/html; charset=utf-8\r\n\r\n"
	"<p>HTML version</p>\r\n"
	"--alt\r\n"
	"Content-Type: text/plain; charset=utf-8\r\n\r\n"
	"Plain version\r\n"
	"--alt--\r\n";

static void alternative_prefers_plain(void)
{
	struct mime_msg *m = parse(S(alt_msg));

	CHECK_STR(m->body, "Plain version");
	CHECK(m->nparts == 2 && !m->parts[0].shown && m->parts[1].shown);
	mime_free(m);
}

static void html_only_to_text(void)
{
	struct mime_msg *m = parse(S(
		"Content-Type: text/html; charset=utf-8\n\n"
		"<html><head><title>T</title><style>p { color: red; }</style>\n"
		"<script>alert('x<y')</script></head><body>\n"
		"<p>Tom &amp; Jerry &lt;3&gt;   say\n &quot;hi&quot;</p><p>caf&eacute;&#233; &#x2615;&nbsp;ok"
		"<br>next &unknown; a < b<!-- hidden --></p></body></html>\n"));

	CHECK_STR(m->body, "Tom & Jerry <3> say \"hi\"\n\ncaf\xc3\xa9\xc3\xa9 \xe2\x98\x95 ok\nnext &unknown; a < b");
	mime_free(m);
}

static void nested_multipart(void)
{
	struct mime_msg *m = parse(S(
		"Content-Type: multipart/mixed; boundary=outer\n\n"
		"--outer\n"
		"Content-Type: multipart/related; boundary=\"rel\"\n\n"
		"--rel\n"
		"Content-Type: multipart/alternative; boundary=inner\n\n"
		"--inner\nContent-Type: text/plain\n\nnested text\n"
		"--inner\nContent-Type: text/html\n\n<b>nested</b>\n"
		"--inner--\n"
		"--rel\nContent-Type: image/gif; name=logo.gif\nContent-Transfer-Encoding: base64\n\nR0lGODlh\n"
		"--rel--\n"
		"--outer\nContent-Type: text/csv\nContent-Disposition: attachment; filename=data.csv\n\na,b\n1,2\n"
		"--outer--\n"));

	CHECK_STR(m->body, "nested text");
	CHECK(m->nparts == 4);
	if (m->nparts == 4) {
		CHECK(m->parts[0].shown && !m->parts[1].shown);
		CHECK_STR(m->parts[2].filename, "logo.gif");
		CHECK(m->parts[2].size == 6);
		CHECK_STR(m->parts[3].type, "text/csv");
		CHECK(m->parts[3].size == 7);
	}
	CHECK(!m->truncated);
	mime_free(m);
}

static void truncated_top_output(void)
{
	/* TOP n 3 of a multipart: the head, the preamble and the start of the first part. */
	struct mime_msg *m = parse(S(
		"Subject: cut\r\nContent-Type: multipart/mixed; boundary=\"zz\"\r\n\r\n"
		"--zz\r\nContent-Type: text/plain\r\n\r\nfirst line\r\n"));

	CHECK_STR(m->subject, "cut");
	CHECK_STR(m->body, "first line\n");
	CHECK(m->truncated);
	mime_free(m);
	/* Cut inside a base64 attachment: listed with what arrived. */
	m = parse(S("Content-Type: multipart/mixed; boundary=zz\n\n--zz\n\nhi\n--zz\n"
		    "Content-Type: application/zip; name=a.zip\nContent-Transfer-Encoding: base64\n\nUEsDBA"));
	CHECK(m->truncated && m->nparts == 2);
	if (m->nparts == 2)
		CHECK(m->parts[1].size == 4);
	mime_free(m);
	/* Only the header block. */
	m = parse(S("Subject: head only\r\nFrom: x@y\r\n"));
	CHECK_STR(m->subject, "head only");
	CHECK_STR(m->body, "");
	mime_free(m);
}

static void broken_input_degrades(void)
{
	struct mime_msg *m;

	/* No boundary parameter: the body is shown as text. */
	m = parse(S("Content-Type: multipart/mixed\n\n--x\n\nsome text\n--x--\n"));
	CHECK(strstr(m->body, "some text") != NULL);
	mime_free(m);
	/* A boundary that never appears. */
	m = parse(S("Content-Type: multipart/mixed; boundary=nope\n\njust text\n"));
	CHECK_STR(m->body, "just text\n");
	mime_free(m);
	/* Bad base64 and an unknown charset. */
	m = parse(S("Content-Type: text/plain; charset=\"x-bogus-42\"\nContent-Transfer-Encoding: base64\n\n"
		    "!!!Y2Fm6SBub2ly***\n"));
	CHECK_STR(m->body, "caf\xc3\xa9 noir");
	mime_free(m);
	/* Garbage header lines, an encoded word that is not one, NUL bytes and a bad type. */
	m = parse(S("Subject: =?utf-8?B?!!!?= =?x?q?\xff?=\nContent-Type: garbage\nthis is no header\n\0tail"));
	CHECK(terminal_safe(m->subject, strlen(m->subject)));
	CHECK(terminal_safe(m->body, m->body_len));
	CHECK(strstr(m->body, "this is no header") != NULL);
	mime_free(m);
	/* An mbox separator line before the header. */
	m = parse(S("From alice@example.org Mon Nov 23 09:12:00 2026\nSubject: mbox\n\nbody\n"));
	CHECK_STR(m->subject, "mbox");
	CHECK_STR(m->body, "body\n");
	mime_free(m);
	/* Empty input. */
	m = parse("", 0);
	CHECK_STR(m->subject, "");
	CHECK_STR(m->body, "");
	mime_free(m);
}

static void deep_nesting_is_bounded(void)
{
	char *buf = malloc(200 * 64 + 64), *p = buf;
	struct mime_msg *m;
	int i;

	for (i = 0; i < 200; i++)
		p += sprintf(p, "Content-Type: multipart/mixed; boundary=b%d\n\n--b%d\n", i, i);
	p += sprintf(p, "\ndeep\n");
	m = parse(buf, (size_t)(p - buf));
	CHECK(m->truncated);
	CHECK_STR(m->body, "");
	mime_free(m);
	free(buf);
}

static void controls_sanitized(void)
{
	struct mime_msg *m = parse(S("Subject: hi\x1b]0;owned\x07 there\x1b[2J\r\n"
				     "From: =?utf-8?q?evil=1B=5B31m=0Aname=C2=9B?=\r\n\r\n"
				     "red \x1b[31mtext\x1b[0m\tcol\x07\x7f\rend\r\nnext\xc2\x9b" "1m\n"));
	size_t n;
	char *s;

	CHECK_STR(m->subject, "hi\xef\xbf\xbd there\xef\xbf\xbd");
	CHECK_STR(m->from, "evil\xef\xbf\xbd name\xef\xbf\xbd");
	CHECK_STR(m->body, "red \xef\xbf\xbdtext\xef\xbf\xbd\tcol\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"
			   "end\nnext\xef\xbf\xbd" "1m\n");
	mime_free(m);
	s = mime_sanitize(S("a\0b\xc0\xaf" "c\xed\xa0\x80"), &n);	/* NUL, overlong, surrogate */
	CHECK_BYTES(s, n, "a\xef\xbf\xbd" "b\xef\xbf\xbd\xef\xbf\xbd" "c\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	free(s);
	s = mime_sanitize(S("gpj.\xe2\x80\xae" "exe"), &n);	/* a bidi override in a file name */
	CHECK_BYTES(s, n, "gpj.\xef\xbf\xbd" "exe");
	free(s);
}

/* Read mailbox/NAME from $ROOT or from the usual working directories. */
static char *read_sample(const char *name, size_t *len_r)
{
	static const char *const dirs[] = { "", ".", "..", "../..", "../../.." };
	const char *root = getenv("ROOT");
	char path[512], *buf;
	FILE *f = NULL;
	size_t i;
	long n;

	for (i = 0; f == NULL && i < sizeof dirs / sizeof dirs[0]; i++) {
		snprintf(path, sizeof path, "%s/mailbox/%s", i == 0 ? (root ? root : ".") : dirs[i], name);
		f = fopen(path, "rb");
	}
	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0 ||
	    (buf = malloc((size_t)n + 1)) == NULL || fread(buf, 1, (size_t)n, f) != (size_t)n) {
		fprintf(stderr, "  cannot read mailbox/%s\n", name);
		if (f != NULL)
			fclose(f);
		return NULL;
	}
	fclose(f);
	*len_r = (size_t)n;
	return buf;
}

static struct mime_msg *parse_sample(const char *name)
{
	size_t len;
	char *buf = read_sample(name, &len);
	struct mime_msg *m;

	CHECK(buf != NULL);
	if (buf == NULL)
		return NULL;
	m = parse(buf, len);
	free(buf);
	return m;
}

static void sample_messages(void)
{
	struct mime_msg *m;

	if ((m = parse_sample("msg1")) != NULL) {
		CHECK_STR(m->from, "Alice Example <alice@example.org>");
		CHECK_STR(m->subject, "Welcome to the mailroom");
		CHECK_STR(m->message_id, "<20261123091200.1@example.org>");
		CHECK(strstr(m->body, "\n.\n") != NULL && m->nparts == 1);
		mime_free(m);
	}
	if ((m = parse_sample("msg2")) != NULL) {
		CHECK_STR(m->subject, "Caf\xc3\xa9 meeting \xe2\x98\x95 on Thursday");
		CHECK_STR(m->from, "Carol M\xc3\xbcller <carol@example.net>");
		CHECK(strstr(m->body, "kleines Caf\xc3\xa9 in der N\xc3\xa4he") != NULL);
		CHECK(strstr(m->body, "\xe2\x80\x94 Apfelstrudel") != NULL);
		mime_free(m);
	}
	if ((m = parse_sample("msg3")) != NULL) {
		CHECK(strncmp(m->body, "Hi Bob,\n", 8) == 0);
		CHECK(strstr(m->body, "multi-part message") == NULL);
		CHECK(m->nparts == 2 && !m->truncated);
		if (m->nparts == 2) {
			CHECK_STR(m->parts[1].filename, "figures.csv");
			CHECK_STR(m->parts[1].type, "text/csv");
			CHECK(m->parts[1].size == 45);	/* "region,units\n...total,2191\n" */
		}
		mime_free(m);
	}
}

TEST_MAIN("mime",
	  TEST(qp_soft_breaks_and_escapes),
	  TEST(base64_tolerant),
	  TEST(rfc2047_words),
	  TEST(charsets_to_utf8),
	  TEST(folded_and_raw_headers),
	  TEST(thread_headers),
	  TEST(multipart_mixed_attachment),
	  TEST(alternative_prefers_plain),
	  TEST(html_only_to_text),
	  TEST(nested_multipart),
	  TEST(truncated_top_output),
	  TEST(broken_input_degrades),
	  TEST(deep_nesting_is_bounded),
	  TEST(controls_sanitized),
	  TEST(sample_messages))

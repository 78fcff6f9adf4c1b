/* Unit tests of common/pop3.c: status lines, the wire encoder across blocks, wire sizes, un-stuffing, numbers. */
#include "harness.h"
#include "pop3.h"

#include <stdint.h>
#include <stdlib.h>

/*
 * The reference: what RETR must send for a file, byte by byte.  Lines end at LF; a CR just
 * before the LF belongs to the line end; every line goes out with CRLF, a line starting with
 * '.' gets one more; a last line without LF is closed with CRLF (a CR it ends with stays and
 * only LF is added); then ".\r\n".  *wire_r is the size before dot-stuffing and terminator.
 */
static size_t reference(const char *in, size_t n, char *out, uint64_t *wire_r)
{
	size_t o = 0, start = 0, stuffed = 0;

	while (start < n) {
		size_t end = start;

		while (end < n && in[end] != '\n')
			end++;
		size_t len = end;

		if (end < n && len > start && in[len - 1] == '\r')
			len--;
		if (in[start] == '.') {
			out[o++] = '.';
			stuffed++;
		}
		memcpy(out + o, in + start, len - start);
		o += len - start;
		if (end == n && len > start && in[len - 1] == '\r')
			out[o++] = '\n';	/* the open last line's CR stays */
		else {
			out[o++] = '\r';
			out[o++] = '\n';
		}
		start = end + 1;
	}
	*wire_r = o - stuffed;
	memcpy(out + o, ".\r\n", 3);
	return o + 3;
}

/* Encode in, cut into blocks at the given cut points (sorted, < n). */
static size_t encode_cut(const char *in, size_t n, const size_t *cuts, size_t ncuts, char *out)
{
	struct pop3_enc st = { 0 };
	size_t o = 0, from = 0;

	pop3_encode_begin(&st);
	for (size_t i = 0; i <= ncuts; i++) {
		size_t to = i < ncuts ? cuts[i] : n;

		o += pop3_encode(&st, in + from, to - from, out + o);
		from = to;
	}
	return o + pop3_encode_end(&st, out + o);
}

static uint64_t wire_cut(const char *in, size_t n, const size_t *cuts, size_t ncuts)
{
	struct pop3_wire w = { 0, 0, 0 };
	size_t from = 0;

	for (size_t i = 0; i <= ncuts; i++) {
		size_t to = i < ncuts ? cuts[i] : n;

		pop3_wire_add(&w, in + from, to - from);
		from = to;
	}
	return pop3_wire_end(&w);
}

static const char *const samples[] = {
	"",
	"a",
	"a\n",
	"a\r\n",
	"a\nb",
	"a\r\nb\r\n",
	"Subject: x\n\nbody\n.\n..\n.x\nend",
	"Subject: x\r\n\r\n.\r\n..two\r\nlast\r\n",
	"\n\n\n",
	"\r\n\r\n",
	".",
	".\n",
	"..\r\n.",
	"open with CR\r",
	"lone\rCR\rinside\n",
	"\r",
	"\r\r\n",
	"mixed\nline\r\nends\n\r\n.\r",
	"x\n.",
	".\r",
	NULL,
};

/* Every sample, in one block and cut at every single point and at every pair of points. */
static void test_encode_matches_reference_at_every_cut(void)
{
	char out[512], ref[512];

	for (const char *const *s = samples; *s != NULL; s++) {
		size_t n = strlen(*s);
		uint64_t wire;
		size_t rn = reference(*s, n, ref, &wire);

		for (size_t i = 0; i <= n; i++) {
			for (size_t j = i; j <= n; j++) {
				size_t cuts[2] = { i, j };
				size_t on = encode_cut(*s, n, cuts, 2, out);

				if (on != rn || memcmp(out, ref, rn) != 0) {
					fprintf(stderr, "  sample \"%s\" cut at %zu,%zu encodes wrong\n", *s, i, j);
					harness_failed_checks++;
					goto next;
				}
			}
		}
next:;
	}
}

/* One byte a block: the state carried between calls must do all the work. */
static void test_encode_one_byte_blocks(void)
{
	const char *in = "A\r\n.dot\n\r\n..\nopen\r";
	size_t n = strlen(in), cuts[64], on, rn;
	char out[256], ref[256];
	uint64_t wire;

	for (size_t i = 0; i < n; i++)
		cuts[i] = i + 1;
	on = encode_cut(in, n, cuts, n - 1, out);
	rn = reference(in, n, ref, &wire);
	CHECK_MEM(out, on, ref, rn);
}

/* A CR that ends one block and the LF that starts the next are one line end, not two. */
static void test_encode_cr_at_block_end(void)
{
	struct pop3_enc st = { 0 };
	char out[64];
	size_t o = 0;

	pop3_encode_begin(&st);
	o += pop3_encode(&st, "ab\r", 3, out + o);
	o += pop3_encode(&st, "\n.c\r", 4, out + o);
	o += pop3_encode(&st, "\n", 1, out + o);
	o += pop3_encode_end(&st, out + o);
	CHECK_MEM(out, o, "ab\r\n..c\r\n.\r\n", strlen("ab\r\n..c\r\n.\r\n"));
}

/* A CR at a block end that is not followed by LF stays a plain byte of the line. */
static void test_encode_lone_cr_at_block_end(void)
{
	struct pop3_enc st = { 0 };
	char out[64];
	size_t o = 0;

	pop3_encode_begin(&st);
	o += pop3_encode(&st, "ab\r", 3, out + o);
	o += pop3_encode(&st, "c\n", 2, out + o);
	o += pop3_encode_end(&st, out + o);
	CHECK_MEM(out, o, "ab\rc\r\n.\r\n", strlen("ab\rc\r\n.\r\n"));
}

static void test_encode_end_closes_open_line(void)
{
	struct pop3_enc st = { 0 };
	char out[32];
	size_t o;

	pop3_encode_begin(&st);
	o = pop3_encode(&st, "no newline", 10, out);
	o += pop3_encode_end(&st, out + o);
	CHECK_MEM(out, o, "no newline\r\n.\r\n", 15);

	pop3_encode_begin(&st);
	o = pop3_encode_end(&st, out);
	CHECK_MEM(out, o, ".\r\n", 3);
}

/*
 * The output bound of the header: 2 * n + 1 octets are enough even for the worst input,
 * short or long (the vector path, on 16 octets and more, stores ahead of its result).  The buffer
 * is malloc'ed to the bound, so the sanitizer build catches a store past it.
 */
static void test_encode_worst_case_fits(void)
{
	static const char *const worst[] = { "\n\n\n\n", ".\n.\n.\n", ".", ".\r\n", NULL };
	char in[300];

	for (const char *const *s = worst; *s != NULL; s++) {
		for (size_t reps = 1; reps <= 100; reps += 33) {
			size_t len = strlen(*s), n = 0;

			for (size_t r = 0; r < reps && n + len <= sizeof(in); r++, n += len)
				memcpy(in + n, *s, len);
			char *out = malloc(2 * n + 1);
			struct pop3_enc st = { 0 };

			pop3_encode_begin(&st);
			CHECK(out != NULL && pop3_encode(&st, in, n, out) <= 2 * n + 1);
			free(out);
		}
	}
}

static void test_wire_matches_reference_at_every_cut(void)
{
	char ref[512];

	for (const char *const *s = samples; *s != NULL; s++) {
		size_t n = strlen(*s);
		uint64_t wire;

		reference(*s, n, ref, &wire);
		for (size_t i = 0; i <= n; i++) {
			for (size_t j = i; j <= n; j++) {
				size_t cuts[2] = { i, j };
				uint64_t got = wire_cut(*s, n, cuts, 2);

				if (got != wire) {
					fprintf(stderr, "  sample \"%s\" cut at %zu,%zu: wire %llu, want %llu\n",
						*s, i, j, (unsigned long long)got, (unsigned long long)wire);
					harness_failed_checks++;
					goto next;
				}
			}
		}
next:;
	}
}

static void test_wire_known_sizes(void)
{
	size_t none[1] = { 0 };

	/* bare LF: one more octet a line */
	CHECK(wire_cut("a\nb\n", 4, none, 0) == 6);
	/* CRLF: as on disk */
	CHECK(wire_cut("a\r\nb\r\n", 6, none, 0) == 6);
	/* no final newline: CRLF added and counted */
	CHECK(wire_cut("a\nb", 3, none, 0) == 6);
	/* an empty file is empty on the wire */
	CHECK(wire_cut("", 0, none, 0) == 0);
	/* dots are not counted: the size is before dot-stuffing */
	CHECK(wire_cut(".\n..\n", 5, none, 0) == 7);
}

/* The random tests' generator: the next value of a linear congruential sequence. */
static unsigned lcg(unsigned *seed)
{
	*seed = *seed * 1103515245 + 12345;
	return *seed;
}

/* Pseudo-random files in pseudo-random blocks against the reference. */
static void test_encode_and_wire_random(void)
{
	static const char alphabet[] = "ab.\r\n";
	char in[200], out[512], ref[512];
	unsigned seed = 12345;

	for (int round = 0; round < 3000; round++) {
		size_t n = lcg(&seed) % sizeof(in);
		size_t cuts[8], ncuts = 0;
		uint64_t wire;

		for (size_t i = 0; i < n; i++)
			in[i] = alphabet[(lcg(&seed) >> 16) % 5];
		for (size_t at = 0; ncuts < 8 && n > 0;) {
			at += (lcg(&seed) >> 16) % (n / 4 + 2);
			if (at >= n)
				break;
			cuts[ncuts++] = at;
		}
		size_t rn = reference(in, n, ref, &wire);
		size_t on = encode_cut(in, n, cuts, ncuts, out);

		if (on != rn || memcmp(out, ref, rn) != 0 || wire_cut(in, n, cuts, ncuts) != wire) {
			fprintf(stderr, "  random round %d (n=%zu) differs from the reference\n", round, n);
			harness_failed_checks++;
			return;
		}
	}
}

/*
 * Long lines: runs of 0 to ~80 octets between line ends, so LF, CR, a leading dot and
 * the block cuts fall at every place of the 16-octet steps of the vector path.  Each
 * block and its output have buffers of exactly their size (the sanitizer checks it).
 */
static void test_encode_long_lines_random(void)
{
	static char in[4096], ref[2 * sizeof(in) + 3], got[2 * sizeof(in) + 8];
	unsigned seed = 777;

	for (int round = 0; round < 2000; round++) {
		size_t n = lcg(&seed) % sizeof(in), line = 0, want = 0;
		unsigned r;

		for (size_t i = 0; i < n; i++) {
			if (line == 0)
				want = (lcg(&seed) >> 16) % 82;
			r = (lcg(&seed) >> 16) % 64;
			if (line == want) {
				/* A line end, or a stray CR or dot; after those the line may end next. */
				in[i] = r < 40 ? '\n' : r < 56 ? '\r' : '.';
				line = in[i] == '\n' ? 0 : line + 1;
				want = line;
			} else {
				in[i] = line == 0 && r < 8 ? '.' : r == 9 ? '\0' : (char)('a' + r % 26);
				line++;
			}
		}
		uint64_t wire;
		size_t rn = reference(in, n, ref, &wire), o = 0, from = 0;
		struct pop3_enc st = { 0 };

		pop3_encode_begin(&st);
		while (from < n) {
			size_t k = 1 + (lcg(&seed) >> 16) % (n - from < 300 ? n - from : 300);
			char *blk = malloc(k), *out = malloc(2 * k + 1);
			size_t on;

			if (blk == NULL || out == NULL) {
				free(blk);
				free(out);
				return;
			}
			memcpy(blk, in + from, k);
			on = pop3_encode(&st, blk, k, out);
			memcpy(got + o, out, on);
			free(blk);
			free(out);
			o += on;
			from += k;
		}
		o += pop3_encode_end(&st, got + o);
		if (o != rn || memcmp(got, ref, rn) != 0) {
			fprintf(stderr, "  long-line round %d (n=%zu) differs from the reference\n", round, n);
			harness_failed_checks++;
			return;
		}
	}
}

static void test_unstuff(void)
{
	const char *d;
	size_t n;

	CHECK(pop3_unstuff(".", 1, &d, &n) == 1);
	CHECK(pop3_unstuff("..", 2, &d, &n) == 0);
	CHECK_MEM(d, n, ".", 1);
	CHECK(pop3_unstuff("...", 3, &d, &n) == 0);
	CHECK_MEM(d, n, "..", 2);
	CHECK(pop3_unstuff(".x", 2, &d, &n) == 0);
	CHECK_MEM(d, n, "x", 1);
	CHECK(pop3_unstuff("x.", 2, &d, &n) == 0);
	CHECK_MEM(d, n, "x.", 2);
	CHECK(pop3_unstuff("", 0, &d, &n) == 0);
	CHECK(n == 0);
	/* un-stuffing undoes the encoder line by line */
	CHECK(pop3_unstuff("..signature", 11, &d, &n) == 0);
	CHECK_MEM(d, n, ".signature", 10);
}

static void check_number(const char *s, uint32_t max, int ok, uint32_t want, const char *why)
{
	uint32_t n = 77;
	const char *w = NULL;
	int r = pop3_parse_number(s, max, &n, &w);

	if (ok) {
		if (r != 0 || n != want) {
			fprintf(stderr, "  pop3_parse_number(\"%s\") = %d, %u; want 0, %u\n", s, r, n, want);
			harness_failed_checks++;
		}
	} else if (r != -1 || w == NULL || strcmp(w, why) != 0) {
		fprintf(stderr, "  pop3_parse_number(\"%s\") = %d (%s); want -1 (%s)\n", s, r,
			w ? w : "no reason", why);
		harness_failed_checks++;
	}
}

static void test_parse_number(void)
{
	check_number("0", UINT32_MAX, 1, 0, NULL);
	check_number("1", UINT32_MAX, 1, 1, NULL);
	check_number("007", UINT32_MAX, 1, 7, NULL);
	check_number("4294967295", UINT32_MAX, 1, 4294967295u, NULL);
	check_number("4294967296", UINT32_MAX, 0, 0, "number too large");
	check_number("4294967297", UINT32_MAX, 0, 0, "number too large");
	check_number("99999999999999999999999999", UINT32_MAX, 0, 0, "number too large");
	check_number("18446744073709551617", UINT32_MAX, 0, 0, "number too large");
	check_number("+1", UINT32_MAX, 0, 0, "not a number");
	check_number("-1", UINT32_MAX, 0, 0, "not a number");
	check_number("-0", UINT32_MAX, 0, 0, "not a number");
	check_number("", UINT32_MAX, 0, 0, "not a number");
	check_number(" 1", UINT32_MAX, 0, 0, "not a number");
	check_number("1 ", UINT32_MAX, 0, 0, "not a number");
	check_number("1x", UINT32_MAX, 0, 0, "not a number");
	check_number("0x10", UINT32_MAX, 0, 0, "not a number");
	check_number("1.5", UINT32_MAX, 0, 0, "not a number");
	check_number("10", 10, 1, 10, NULL);
	check_number("11", 10, 0, 0, "number too large");
}

static void test_status(void)
{
	CHECK(pop3_status("+OK") == 1);
	CHECK(pop3_status("+OK 2 320") == 1);
	CHECK(pop3_status("-ERR") == -1);
	CHECK(pop3_status("-ERR no such message") == -1);
	CHECK(pop3_status("+OKAY") == 0);
	CHECK(pop3_status("-ERROR") == 0);
	CHECK(pop3_status("+ok") == 0);
	CHECK(pop3_status("") == 0);
	CHECK(pop3_status("+") == 0);
	CHECK(pop3_status("-ER") == 0);
	CHECK(pop3_status("* OK imap") == 0);
}

TEST_MAIN("common_pop3",
	  TEST(test_status),
	  TEST(test_encode_matches_reference_at_every_cut),
	  TEST(test_encode_one_byte_blocks),
	  TEST(test_encode_cr_at_block_end),
	  TEST(test_encode_lone_cr_at_block_end),
	  TEST(test_encode_end_closes_open_line),
	  TEST(test_encode_worst_case_fits),
	  TEST(test_wire_matches_reference_at_every_cut),
	  TEST(test_wire_known_sizes),
	  TEST(test_encode_and_wire_random),
	  TEST(test_encode_long_lines_random),
	  TEST(test_unstuff),
	  TEST(test_parse_number))

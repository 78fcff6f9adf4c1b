/* Unit tests for server/proxy.c: PROXY protocol v1 and v2 headers, and --proxy-from networks. */
#include "harness.h"
#include "proxy.h"

#include <stdint.h>
#include <sys/socket.h>

static enum proxy_status parse(const void *buf, size_t len, struct proxy_header *h)
{
	struct proxy_need need;
	const char *why;

	return proxy_parse(buf, len, h, &need, &why);
}

/*
 * Read a stream the way the server does: ask the parser, take exactly what it allows
 * (stopping at an LF when it says so).  Returns the status; *used_r the octets taken.
 */
static enum proxy_status read_like_server(const unsigned char *in, size_t inlen,
					  struct proxy_header *h, size_t *used_r)
{
	size_t have = 0;
	struct proxy_need need;
	const char *why;

	for (;;) {
		enum proxy_status st = proxy_parse(in, have, h, &need, &why);

		if (st != PROXY_MORE || have >= inlen) {
			*used_r = have;
			return st;
		}
		CHECK(need.total > have);
		size_t take = need.total - have;

		if (take > inlen - have)
			take = inlen - have;
		if (need.stop_at_lf) {
			const unsigned char *lf = memchr(in + have, '\n', take);

			if (lf != NULL)
				take = (size_t)(lf - (in + have)) + 1;
		}
		have += take;
	}
}

static void check_v1(const char *line, int family, const char *src)
{
	char with_tail[256], s[80];
	struct proxy_header h;
	size_t used;

	snprintf(with_tail, sizeof(with_tail), "%s+OK hello\r\n", line);
	CHECK(read_like_server((const unsigned char *)with_tail, strlen(with_tail), &h, &used) ==
	      PROXY_DONE);
	CHECK(used == strlen(line));
	CHECK(h.length == strlen(line));
	CHECK(h.version == 1);
	CHECK(h.local == (family == 0));
	if (family != 0) {
		CHECK(h.family == family);
		proxy_source_string(&h, s, sizeof(s));
		CHECK_STR(s, src);
	}
}

static void test_v1_valid(void)
{
	check_v1("PROXY TCP4 192.0.2.1 198.51.100.7 56324 110\r\n", AF_INET, "192.0.2.1:56324");
	check_v1("PROXY TCP4 255.255.255.255 255.255.255.255 65535 65535\r\n", AF_INET,
		 "255.255.255.255:65535");
	check_v1("PROXY TCP4 0.0.0.0 0.0.0.0 0 0\r\n", AF_INET, "0.0.0.0:0");
	check_v1("PROXY TCP6 2001:db8::1 2001:db8::2 4000 995\r\n", AF_INET6, "[2001:db8::1]:4000");
	check_v1("PROXY TCP6 ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff 65535 65535\r\n",
		 AF_INET6, "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535");
	check_v1("PROXY UNKNOWN\r\n", 0, NULL);
	check_v1("PROXY UNKNOWN ffff:f::f:ffff ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff 65535 65535\r\n",
		 0, NULL);
}

static void check_bad(const char *in, size_t len)
{
	struct proxy_header h;
	size_t used;

	if (read_like_server((const unsigned char *)in, len, &h, &used) != PROXY_BAD) {
		fprintf(stderr, "  accepted or wanted more: %.*s\n", (int)len, in);
		harness_failed_checks++;
	}
}

#define BAD(s) check_bad(s, sizeof(s) - 1)

static void test_v1_malformed(void)
{
	BAD("PROXY TCP4 192.0.2.1 198.51.100.7 056324 110\r\n");	/* leading zero */
	BAD("PROXY TCP4 192.0.2.01 198.51.100.7 5 110\r\n");
	BAD("PROXY TCP4 192.0.2.1 198.51.100.7 65536 110\r\n");
	BAD("PROXY TCP4 192.0.2.1 198.51.100.7 -1 110\r\n");
	BAD("PROXY TCP4 192.0.2.1 198.51.100.7 5 +110\r\n");
	BAD("PROXY TCP4 192.0.2.1  198.51.100.7 5 110\r\n");		/* two spaces */
	BAD("PROXY TCP4 192.0.2.1 198.51.100.7 5 110 \r\n");		/* trailing space */
	BAD("PROXY TCP4 192.0.2.1 198.51.100.7 5\r\n");		/* a field short */
	BAD("PROXY TCP4 192.0.2.1 198.51.100.7 5 110 7\r\n");		/* a field more */
	BAD("PROXY TCP4 192.0.2.1 198.51.100.7 5 110\n");		/* LF alone */
	BAD("PROXY TCP4 192.0.2.1 198.51.100.7 5 1\r10\r\n");		/* CR alone */
	BAD("PROXY TCP4 2001:db8::1 2001:db8::2 5 110\r\n");		/* wrong family */
	BAD("PROXY TCP6 192.0.2.1 198.51.100.7 5 110\r\n");
	BAD("PROXY TCP4 192.0.2.1 2001:db8::2 5 110\r\n");
	BAD("PROXY TCP5 192.0.2.1 198.51.100.7 5 110\r\n");
	BAD("PROXY tcp4 192.0.2.1 198.51.100.7 5 110\r\n");
	BAD("PROXY UNKNOWNX\r\n");
	BAD("PROXY \r\n");
	BAD("PROXY TCP4 192.0.2.1 198.51.100.7 5 11\0\r\n");
	BAD("PROXY TCP4 192.0.2.1 198.51.100.7 5 110\x80\r\n");
	BAD("PROXY TCP4 1.2.3.4.5 198.51.100.7 5 110\r\n");
	BAD("USER alice\r\n");
	BAD("proxy TCP4 192.0.2.1 198.51.100.7 5 110\r\n");
	BAD("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03");		/* a TLS ClientHello */
}

static void test_v1_length_limit(void)
{
	char line[200];
	struct proxy_header h;
	size_t used;

	/* 107 octets without CRLF: refused, and no more than 107 were read. */
	memset(line, 'f', sizeof(line));
	memcpy(line, "PROXY UNKNOWN ", 14);
	CHECK(read_like_server((unsigned char *)line, sizeof(line), &h, &used) == PROXY_BAD);
	CHECK(used == PROXY_V1_MAX);
	/* Exactly 107 with CRLF is the longest allowed. */
	line[105] = '\r';
	line[106] = '\n';
	CHECK(read_like_server((unsigned char *)line, sizeof(line), &h, &used) == PROXY_DONE);
	CHECK(used == 107 && h.local);
	/* 108 is one too many. */
	line[105] = 'f';
	line[106] = '\r';
	line[107] = '\n';
	CHECK(read_like_server((unsigned char *)line, sizeof(line), &h, &used) == PROXY_BAD);
}

static void test_v1_truncated(void)
{
	const char *line = "PROXY TCP6 2001:db8::1 2001:db8::2 4000 995\r\n";
	struct proxy_header h;
	struct proxy_need need;
	const char *why;

	/* Every beginning asks for more, line by line, and never for more than 107 in all. */
	for (size_t n = 0; n < strlen(line); n++) {
		CHECK(proxy_parse((const unsigned char *)line, n, &h, &need, &why) == PROXY_MORE);
		CHECK(need.stop_at_lf && need.total > n && need.total <= PROXY_V1_MAX);
	}
}

/* A version 2 header: signature, ver_cmd, fam, then body (len octets). */
static size_t v2(unsigned char *out, unsigned ver_cmd, unsigned fam, const void *body, size_t len)
{
	static const unsigned char sig[12] = { 0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D,
					       0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A };

	memcpy(out, sig, 12);
	out[12] = (unsigned char)ver_cmd;
	out[13] = (unsigned char)fam;
	out[14] = (unsigned char)(len >> 8);
	out[15] = (unsigned char)len;
	memcpy(out + 16, body, len);
	return 16 + len;
}

static const unsigned char tcp4[12] = { 192, 0, 2, 1, 198, 51, 100, 7, 0xDB, 0x04, 0, 110 };

static void test_v2_tcp4(void)
{
	unsigned char buf[700];
	struct proxy_header h;
	char s[80];
	size_t n = v2(buf, 0x21, 0x11, tcp4, sizeof(tcp4)), used;

	memcpy(buf + n, "\x16\x03\x01", 3);	/* a TLS record behind it stays unread */
	CHECK(read_like_server(buf, n + 3, &h, &used) == PROXY_DONE);
	CHECK(used == 28 && h.length == 28 && h.version == 2 && !h.local);
	CHECK(h.family == AF_INET && h.src_port == 56068 && h.dst_port == 110);
	proxy_source_string(&h, s, sizeof(s));
	CHECK_STR(s, "192.0.2.1:56068");
}

static void test_v2_tcp6(void)
{
	unsigned char body[36] = { 0x20, 0x01, 0x0d, 0xb8 }, buf[700];
	struct proxy_header h;
	char s[80];
	size_t used;

	body[15] = 1;
	body[16] = 0x20;
	body[31] = 2;
	body[32] = 0x01;
	body[33] = 0x02;
	body[35] = 110;
	CHECK(read_like_server(buf, v2(buf, 0x21, 0x21, body, 36), &h, &used) == PROXY_DONE);
	CHECK(h.family == AF_INET6 && h.src_port == 258 && !h.local && used == 52);
	proxy_source_string(&h, s, sizeof(s));
	CHECK_STR(s, "[2001:db8::1]:258");
}

static void test_v2_local_and_fallbacks(void)
{
	unsigned char buf[700], unix_addr[216] = { 0 };
	struct proxy_header h;
	size_t used;

	/* LOCAL (health checks) ignores the family and any address block, whatever it says. */
	CHECK(read_like_server(buf, v2(buf, 0x20, 0x00, "", 0), &h, &used) == PROXY_DONE);
	CHECK(h.local && used == 16);
	CHECK(read_like_server(buf, v2(buf, 0x20, 0x11, tcp4, 12), &h, &used) == PROXY_DONE);
	CHECK(h.local && used == 28);
	CHECK(read_like_server(buf, v2(buf, 0x20, 0xFF, tcp4, 5), &h, &used) == PROXY_DONE);
	CHECK(h.local && used == 21);
	/* PROXY of UNSPEC, UDP or UNIX: the socket's own peer is used. */
	CHECK(parse(buf, v2(buf, 0x21, 0x00, tcp4, 12), &h) == PROXY_DONE && h.local);
	CHECK(parse(buf, v2(buf, 0x21, 0x12, tcp4, 12), &h) == PROXY_DONE && h.local);
	CHECK(parse(buf, v2(buf, 0x21, 0x31, unix_addr, 216), &h) == PROXY_DONE && h.local);
}

static void test_v2_tlvs(void)
{
	unsigned char body[200], buf[700];
	struct proxy_header h;
	size_t used;

	memcpy(body, tcp4, 12);
	/* ALPN "pop3", a NOOP of 0 octets, a UNIQUE_ID of 128. */
	memcpy(body + 12, "\x01\x00\x04pop3\x04\x00\x00\x05\x00\x80", 13);
	memset(body + 25, 'u', 128);
	CHECK(read_like_server(buf, v2(buf, 0x21, 0x11, body, 153), &h, &used) == PROXY_DONE);
	CHECK(used == 169 && !h.local && h.src_port == 56068);
	/* The last TLV claims one octet more than there is. */
	CHECK(parse(buf, v2(buf, 0x21, 0x11, body, 152), &h) == PROXY_BAD);
	/* A TLV header cut short (1 or 2 octets left). */
	CHECK(parse(buf, v2(buf, 0x21, 0x11, body, 13), &h) == PROXY_BAD);
	CHECK(parse(buf, v2(buf, 0x21, 0x11, body, 14), &h) == PROXY_BAD);
	/* A length of 0xFFFF inside. */
	memcpy(body + 12, "\x02\xFF\xFF", 3);
	CHECK(parse(buf, v2(buf, 0x21, 0x11, body, 40), &h) == PROXY_BAD);
}

static void test_v2_malformed(void)
{
	unsigned char buf[700], big[600] = { 0 };
	struct proxy_header h;
	struct proxy_need need;
	const char *why;

	CHECK(parse(buf, v2(buf, 0x11, 0x11, tcp4, 12), &h) == PROXY_BAD);	/* version 1 */
	CHECK(parse(buf, v2(buf, 0x31, 0x11, tcp4, 12), &h) == PROXY_BAD);	/* version 3 */
	CHECK(parse(buf, v2(buf, 0x22, 0x11, tcp4, 12), &h) == PROXY_BAD);	/* command 2 */
	CHECK(parse(buf, v2(buf, 0x2F, 0x11, tcp4, 12), &h) == PROXY_BAD);
	CHECK(parse(buf, v2(buf, 0x21, 0x41, tcp4, 12), &h) == PROXY_BAD);	/* family 4 */
	CHECK(parse(buf, v2(buf, 0x21, 0x13, tcp4, 12), &h) == PROXY_BAD);	/* protocol 3 */
	CHECK(parse(buf, v2(buf, 0x21, 0x11, tcp4, 11), &h) == PROXY_BAD);	/* short block */
	CHECK(parse(buf, v2(buf, 0x21, 0x21, big, 35), &h) == PROXY_BAD);
	CHECK(parse(buf, v2(buf, 0x21, 0x31, big, 215), &h) == PROXY_BAD);
	/* Oversized: refused from the fixed part alone, before anything more is read. */
	v2(buf, 0x21, 0x11, tcp4, 12);
	buf[14] = 0x02;
	buf[15] = 0x09;	/* 521 */
	CHECK(proxy_parse(buf, 16, &h, &need, &why) == PROXY_BAD);
	buf[15] = 0x08;	/* 520: allowed, and waited for */
	CHECK(proxy_parse(buf, 16, &h, &need, &why) == PROXY_MORE && need.total == 536);
	buf[14] = buf[15] = 0xFF;
	CHECK(proxy_parse(buf, 16, &h, &need, &why) == PROXY_BAD);
	/* A wrong octet anywhere in the signature. */
	for (size_t i = 0; i < 12; i++) {
		v2(buf, 0x21, 0x11, tcp4, 12);
		buf[i] ^= 0x20;
		CHECK(parse(buf, 28, &h) != PROXY_DONE);
	}
}

static void test_v2_truncated(void)
{
	unsigned char buf[700];
	struct proxy_header h;
	struct proxy_need need;
	const char *why;
	size_t n = v2(buf, 0x21, 0x11, tcp4, 12);

	for (size_t k = 0; k < n; k++) {
		CHECK(proxy_parse(buf, k, &h, &need, &why) == PROXY_MORE);
		CHECK(need.total > k && need.total <= n);
	}
	CHECK(proxy_parse(buf, n, &h, &need, &why) == PROXY_DONE);
}

static void test_net_parse(void)
{
	struct proxy_net net;
	const char *why;

	CHECK(proxy_net_parse("127.0.0.1", &net, &why) == 0 && net.bits == 32);
	CHECK(net.family == AF_INET);
	CHECK(proxy_net_parse("10.0.0.0/8", &net, &why) == 0 && net.bits == 8);
	CHECK(proxy_net_parse("0.0.0.0/0", &net, &why) == 0 && net.bits == 0);
	CHECK(proxy_net_parse("::1", &net, &why) == 0 && net.bits == 128);
	CHECK(net.family == AF_INET6);
	CHECK(proxy_net_parse("2001:db8::/32", &net, &why) == 0 && net.bits == 32);
	CHECK(proxy_net_parse("fe80::/10", &net, &why) == 0);
	CHECK(proxy_net_parse("10.0.0.1/8", &net, &why) < 0);	/* host bits */
	CHECK(proxy_net_parse("2001:db8::1/32", &net, &why) < 0);
	CHECK(proxy_net_parse("10.0.0.0/08", &net, &why) < 0);
	CHECK(proxy_net_parse("10.0.0.0/+8", &net, &why) < 0);
	CHECK(proxy_net_parse("10.0.0.0/33", &net, &why) < 0);
	CHECK(proxy_net_parse("::/129", &net, &why) < 0);
	CHECK(proxy_net_parse("10.0.0.0/", &net, &why) < 0);
	CHECK(proxy_net_parse("/8", &net, &why) < 0);
	CHECK(proxy_net_parse("10.0.0/8", &net, &why) < 0);
	CHECK(proxy_net_parse("010.0.0.0/8", &net, &why) < 0);
	CHECK(proxy_net_parse(" 10.0.0.0/8", &net, &why) < 0);
	CHECK(proxy_net_parse("10.0.0.0/8 ", &net, &why) < 0);
	CHECK(proxy_net_parse("localhost", &net, &why) < 0);
	CHECK(proxy_net_parse("", &net, &why) < 0);
}

static void test_net_match(void)
{
	struct proxy_net nets[3];
	const char *why;

	CHECK(proxy_net_parse("127.0.0.0/8", &nets[0], &why) == 0);
	CHECK(proxy_net_parse("2001:db8::/32", &nets[1], &why) == 0);
	CHECK(proxy_net_parse("192.0.2.7", &nets[2], &why) == 0);
	CHECK(proxy_net_match(nets, 3, "127.0.0.1"));
	CHECK(proxy_net_match(nets, 3, "127.255.0.9"));
	CHECK(proxy_net_match(nets, 3, "::ffff:127.0.0.1"));
	CHECK(proxy_net_match(nets, 3, "2001:db8:ffff::1"));
	CHECK(proxy_net_match(nets, 3, "192.0.2.7"));
	CHECK(!proxy_net_match(nets, 3, "192.0.2.8"));
	CHECK(!proxy_net_match(nets, 3, "128.0.0.1"));
	CHECK(!proxy_net_match(nets, 3, "2001:db9::1"));
	CHECK(!proxy_net_match(nets, 3, "::1"));
	CHECK(!proxy_net_match(nets, 3, "not an address"));
	CHECK(!proxy_net_match(nets, 0, "127.0.0.1"));
	CHECK(!proxy_net_match(NULL, 0, "127.0.0.1"));
	/* An IPv4-mapped network holds its own addresses (found by fuzz_proxy). */
	CHECK(proxy_net_parse("::ffff:2.0.5.0", &nets[0], &why) == 0);
	CHECK(proxy_net_match(nets, 1, "::ffff:2.0.5.0"));
	CHECK(!proxy_net_match(nets, 1, "2.0.5.0"));
}

static void test_header_start(void)
{
	CHECK(proxy_header_start("PROXY TCP4 1.2.3.4 5.6.7.8 1 2", 30, "", 0));
	CHECK(proxy_header_start("PROXY UNKNOWN", 13, "", 0));
	CHECK(proxy_header_start("", 0, "\r\n\0\r\nQUIT\n!\x11", 12));
	CHECK(proxy_header_start("", 0, "\r\n\0", 3));
	CHECK(!proxy_header_start("", 0, "\r\n", 2));
	CHECK(!proxy_header_start("", 0, "USER a\r\n", 8));
	CHECK(!proxy_header_start("PROXY", 5, "", 0));
	CHECK(!proxy_header_start("USER PROXY ", 11, "", 0));
	CHECK(!proxy_header_start("CAPA", 4, "PROXY ", 6));
}

TEST_MAIN("server_proxy",
	  TEST(test_v1_valid),
	  TEST(test_v1_malformed),
	  TEST(test_v1_length_limit),
	  TEST(test_v1_truncated),
	  TEST(test_v2_tcp4),
	  TEST(test_v2_tcp6),
	  TEST(test_v2_local_and_fallbacks),
	  TEST(test_v2_tlvs),
	  TEST(test_v2_malformed),
	  TEST(test_v2_truncated),
	  TEST(test_net_parse),
	  TEST(test_net_match),
	  TEST(test_header_start))

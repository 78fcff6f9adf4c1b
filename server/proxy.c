/* The PROXY protocol, versions 1 and 2, parsed strictly from a buffer; the balancers' networks. */
#include "proxy.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

/* Version 2's signature: CRLF CRLF NUL CRLF "QUIT" LF, then the version in the high nibble. */
static const unsigned char v2_sig[12] = { 0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D,
					  0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A };

static enum proxy_status bad(const char **why_r, const char *why)
{
	*why_r = why;
	return PROXY_BAD;
}

static size_t min_size(size_t a, size_t b)
{
	return a < b ? a : b;
}

/* ---- version 1: "PROXY TCP4 src dst sport dport\r\n" ---- */

/* A port: 1 to 5 digits, no leading zero, at most 65535. */
static int v1_port(const char *s, unsigned *port_r)
{
	size_t n = strlen(s);
	unsigned long v = 0;

	if (n == 0 || n > 5 || (s[0] == '0' && n > 1))
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (v > 65535)
		return -1;
	*port_r = (unsigned)v;
	return 0;
}

/* An address of the family the line announced; inet_pton refuses leading zeros in IPv4. */
static int v1_addr(int family, const char *s, unsigned char *out)
{
	if (strlen(s) > (family == AF_INET ? 15u : 39u))
		return -1;
	return inet_pton(family, s, out) == 1 ? 0 : -1;
}

/* Split at single spaces: an empty field (two spaces, a space at the end) is an error. */
static int v1_split(char *line, char **field, int max)
{
	int n = 0;

	for (char *p = line;; p++) {
		char *sp = strchr(p, ' ');

		if (n == max || *p == '\0' || *p == ' ')
			return -1;
		field[n++] = p;
		if (sp == NULL)
			return n;
		*sp = '\0';
		p = sp;
	}
}

/* The whole line, CRLF at lf - 1 and lf, is in buf. */
static enum proxy_status v1_line(const unsigned char *buf, size_t lf, struct proxy_header *h,
				 const char **why_r)
{
	char line[PROXY_V1_MAX + 1], *f[6];

	if (lf == 0 || buf[lf - 1] != '\r')
		return bad(why_r, "version 1 line not ended by CRLF");
	memcpy(line, buf, lf - 1);
	line[lf - 1] = '\0';
	for (size_t i = 0; i + 1 < lf; i++)
		if (buf[i] < 0x20 || buf[i] > 0x7E)
			return bad(why_r, "control or non-ASCII octet in version 1 line");
	h->version = 1;
	h->length = lf + 1;
	if (strncmp(line, "PROXY UNKNOWN", 13) == 0 && (line[13] == '\0' || line[13] == ' ')) {
		h->local = 1;	/* the rest of the line is to be ignored */
		return PROXY_DONE;
	}
	if (v1_split(line, f, 6) != 6)
		return bad(why_r, "version 1 line without its six fields");
	if (strcmp(f[1], "TCP4") == 0)
		h->family = AF_INET;
	else if (strcmp(f[1], "TCP6") == 0)
		h->family = AF_INET6;
	else
		return bad(why_r, "version 1 protocol not TCP4, TCP6 or UNKNOWN");
	if (v1_addr(h->family, f[2], h->src) < 0 || v1_addr(h->family, f[3], h->dst) < 0)
		return bad(why_r, "version 1 address invalid or of the wrong family");
	if (v1_port(f[4], &h->src_port) < 0 || v1_port(f[5], &h->dst_port) < 0)
		return bad(why_r, "version 1 port invalid");
	return PROXY_DONE;
}

static enum proxy_status v1_parse(const unsigned char *buf, size_t len, struct proxy_header *h,
				  struct proxy_need *need, const char **why_r)
{
	const unsigned char *lf = memchr(buf, '\n', min_size(len, PROXY_V1_MAX));

	if (lf != NULL)
		return v1_line(buf, (size_t)(lf - buf), h, why_r);
	if (len >= PROXY_V1_MAX)
		return bad(why_r, "version 1 line longer than 107 octets");
	*need = (struct proxy_need){ .total = PROXY_V1_MAX, .stop_at_lf = 1 };
	return PROXY_MORE;
}

/* ---- version 2: signature, version and command, family, length, addresses, TLVs ---- */

/* Every TLV (type, 16-bit length, value) must lie wholly inside the header. */
static enum proxy_status v2_tlvs(const unsigned char *buf, size_t off, size_t total,
				 const char **why_r)
{
	while (off < total) {
		if (total - off < 3)
			return bad(why_r, "version 2 TLV cut short");
		size_t vlen = (size_t)buf[off + 1] << 8 | buf[off + 2];

		off += 3;
		if (vlen > total - off)
			return bad(why_r, "version 2 TLV runs past the header");
		off += vlen;
	}
	return PROXY_DONE;
}

/* The addresses of a PROXY command; unsupported families fall back to the socket's peer. */
static enum proxy_status v2_proxy(const unsigned char *buf, size_t total, struct proxy_header *h,
				  const char **why_r)
{
	unsigned af = buf[13] >> 4, proto = buf[13] & 0x0F;
	size_t addrlen = af == 1 ? 12 : af == 2 ? 36 : af == 3 ? 216 : 0;
	const unsigned char *a = buf + PROXY_V2_FIXED;

	if (af > 3 || proto > 2)
		return bad(why_r, "version 2 family or protocol unknown");
	if (af == 0 || proto == 0) {
		h->local = 1;	/* UNSPEC: the address block means nothing to us */
		return PROXY_DONE;
	}
	if (total - PROXY_V2_FIXED < addrlen)
		return bad(why_r, "version 2 address block shorter than its family needs");
	if (af == 3 || proto == 2)
		h->local = 1;	/* UNIX or UDP: not ours to interpret (section 2.2) */
	else {
		size_t n = af == 1 ? 4 : 16;

		h->family = af == 1 ? AF_INET : AF_INET6;
		memcpy(h->src, a, n);
		memcpy(h->dst, a + n, n);
		h->src_port = (unsigned)a[2 * n] << 8 | a[2 * n + 1];
		h->dst_port = (unsigned)a[2 * n + 2] << 8 | a[2 * n + 3];
	}
	return v2_tlvs(buf, PROXY_V2_FIXED + addrlen, total, why_r);
}

static enum proxy_status v2_parse(const unsigned char *buf, size_t len, struct proxy_header *h,
				  struct proxy_need *need, const char **why_r)
{
	*need = (struct proxy_need){ .total = PROXY_V2_FIXED };
	if (len < PROXY_V2_FIXED)
		return PROXY_MORE;
	if (buf[12] >> 4 != 2)
		return bad(why_r, "version 2 signature with another version");
	if ((buf[12] & 0x0F) > 1)
		return bad(why_r, "version 2 command neither LOCAL nor PROXY");
	size_t body = (size_t)buf[14] << 8 | buf[15];

	if (body > PROXY_V2_LEN_MAX)
		return bad(why_r, "version 2 header longer than 536 octets");
	need->total = PROXY_V2_FIXED + body;
	if (len < need->total)
		return PROXY_MORE;
	h->version = 2;
	h->length = need->total;
	if ((buf[12] & 0x0F) == 0) {
		h->local = 1;	/* LOCAL: the balancer's own connection, a health check */
		return PROXY_DONE;
	}
	return v2_proxy(buf, need->total, h, why_r);
}

enum proxy_status proxy_parse(const unsigned char *buf, size_t len, struct proxy_header *h,
			      struct proxy_need *need, const char **why_r)
{
	memset(h, 0, sizeof(*h));
	*why_r = "";
	if (len == 0) {
		/* Either version: the shortest header is "PROXY UNKNOWN\r\n", 15 octets. */
		*need = (struct proxy_need){ .total = 15, .stop_at_lf = 1 };
		return PROXY_MORE;
	}
	if (memcmp(buf, "PROXY ", min_size(len, 6)) == 0)
		return v1_parse(buf, len, h, need, why_r);
	if (memcmp(buf, v2_sig, min_size(len, sizeof(v2_sig))) == 0)
		return v2_parse(buf, len, h, need, why_r);
	return bad(why_r, "not a PROXY header");
}

void proxy_source_string(const struct proxy_header *h, char *buf, size_t size)
{
	char a[INET6_ADDRSTRLEN];

	if (inet_ntop(h->family, h->src, a, sizeof(a)) == NULL)
		snprintf(a, sizeof(a), "?");
	if (h->family == AF_INET6)
		snprintf(buf, size, "[%s]:%u", a, h->src_port);
	else
		snprintf(buf, size, "%s:%u", a, h->src_port);
}

/* ---- the balancers' networks ---- */

/* A prefix length: decimal, no sign, no leading zero, at most max. */
static int net_bits(const char *s, unsigned max, unsigned *bits_r)
{
	unsigned v = 0;
	size_t n = strlen(s);

	if (n == 0 || n > 3 || (s[0] == '0' && n > 1))
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	if (v > max)
		return -1;
	*bits_r = v;
	return 0;
}

/* 1 when the first bits of a and b agree. */
static int prefix_equal(const unsigned char *a, const unsigned char *b, unsigned bits)
{
	unsigned whole = bits / 8, rest = bits % 8;

	if (memcmp(a, b, whole) != 0)
		return 0;
	if (rest == 0)
		return 1;
	unsigned char mask = (unsigned char)(0xFF << (8 - rest));

	return (a[whole] & mask) == (b[whole] & mask);
}

int proxy_net_parse(const char *s, struct proxy_net *net, const char **why_r)
{
	char addr[INET6_ADDRSTRLEN];
	const char *slash = strchr(s, '/');
	size_t n = slash ? (size_t)(slash - s) : strlen(s);
	unsigned char masked[16];

	memset(net, 0, sizeof(*net));
	*why_r = "not an IPv4 or IPv6 address";
	if (n == 0 || n >= sizeof(addr))
		return -1;
	memcpy(addr, s, n);
	addr[n] = '\0';
	net->family = strchr(addr, ':') ? AF_INET6 : AF_INET;
	if (inet_pton(net->family, addr, net->addr) != 1)
		return -1;
	net->bits = net->family == AF_INET ? 32 : 128;
	*why_r = "prefix length not a number from 0 to 32 (IPv4) or 128 (IPv6)";
	if (slash != NULL && net_bits(slash + 1, net->bits, &net->bits) < 0)
		return -1;
	*why_r = "address has bits set past the prefix length";
	/* The address with its host bits cleared must be the address itself. */
	memcpy(masked, net->addr, sizeof(masked));
	for (unsigned i = net->bits; i < 128; i++)
		masked[i / 8] &= (unsigned char)~(0x80 >> (i % 8));
	if (memcmp(masked, net->addr, sizeof(masked)) != 0)
		return -1;
	return 0;
}

int proxy_net_match(const struct proxy_net *nets, size_t n, const char *addr)
{
	unsigned char a[16];
	int family = strchr(addr, ':') ? AF_INET6 : AF_INET;
	static const unsigned char mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF };

	if (inet_pton(family, addr, a) != 1)
		return 0;
	/* ::ffff:192.0.2.1 is 192.0.2.1 to an IPv4 network, and itself to an IPv6 one. */
	int mapped4 = family == AF_INET6 && memcmp(a, mapped, sizeof(mapped)) == 0;

	for (size_t i = 0; i < n; i++) {
		if (nets[i].family == family && prefix_equal(nets[i].addr, a, nets[i].bits))
			return 1;
		if (mapped4 && nets[i].family == AF_INET && prefix_equal(nets[i].addr, a + 12, nets[i].bits))
			return 1;
	}
	return 0;
}

int proxy_header_start(const char *line, size_t len, const char *next, size_t nextlen)
{
	if (len >= 6 && memcmp(line, "PROXY ", 6) == 0)
		return 1;
	/* The signature read as lines: an empty one, then "\r\n\0\r\nQUIT\n" still buffered. */
	return len == 0 && nextlen >= 3 &&
	       memcmp(next, v2_sig + 2, min_size(nextlen, sizeof(v2_sig) - 2)) == 0;
}

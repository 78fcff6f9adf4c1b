/* Fuzz target: server/proxy.c's PROXY header parser, read off a socket as the server reads it, and the --proxy-from parser. */
#include "conn.h"
#include "proxy.h"

#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define FUZZ_NAME "fuzz_proxy"
#include "fuzz_check.h"

/* Inputs stay well inside a socket buffer: nothing reads while they are written. */
#define INPUT_MAX 4096

/* The server's reading loop (server/balancer.c) over conn_read_raw; returns the status. */
static enum proxy_status read_header(struct conn *c, unsigned char *buf, struct proxy_header *h,
				     size_t *have_r)
{
	struct proxy_need need;
	const char *why;
	size_t got;

	*have_r = 0;
	for (;;) {
		enum proxy_status st = proxy_parse(buf, *have_r, h, &need, &why);

		if (st != PROXY_MORE)
			return st;
		CHECK(need.total > *have_r && need.total <= PROXY_HEADER_MAX, "need %zu with %zu read",
		      need.total, *have_r);
		if (conn_read_raw(c, buf + *have_r, need.total - *have_r, need.stop_at_lf, 1000,
				  &got) != CONN_OK)
			return PROXY_MORE;	/* the input ended inside a header */
		CHECK(got >= 1 && got <= need.total - *have_r, "read %zu", got);
		*have_r += got;
	}
}

/* What the parser said of a whole header must hold of its fields. */
static void check_header(const uint8_t *data, size_t have, const struct proxy_header *h)
{
	char s[80];

	CHECK(h->length == have, "length %zu, read %zu", h->length, have);
	CHECK(h->version == 1 || h->version == 2, "version %d", h->version);
	if (h->version == 1) {
		CHECK(have <= PROXY_V1_MAX && have >= 15, "v1 of %zu octets", have);
		CHECK(data[have - 2] == '\r' && data[have - 1] == '\n', "v1 not ended by CRLF");
	}
	if (!h->local) {
		CHECK(h->family == AF_INET || h->family == AF_INET6, "family %d", h->family);
		CHECK(h->src_port <= 65535 && h->dst_port <= 65535, "ports");
		proxy_source_string(h, s, sizeof(s));
		CHECK(strlen(s) < sizeof(s) && strchr(s, '?') == NULL, "source %s", s);
	}
}

/* The input as the start of a connection: what follows the header stays in the socket. */
static void fuzz_stream(const uint8_t *data, size_t size)
{
	unsigned char buf[PROXY_HEADER_MAX], rest[INPUT_MAX];
	struct proxy_header h, again;
	struct proxy_need need;
	const char *why;
	size_t have;
	int sv[2];

	fuzz_socket_with(data, size, sv);
	struct conn *c = conn_new(sv[0], 1);

	CHECK(c != NULL, "conn_new");
	enum proxy_status st = read_header(c, buf, &h, &have);

	CHECK(memcmp(buf, data, have) == 0, "read octets differ from the input");
	if (st == PROXY_DONE) {
		check_header(data, have, &h);
		/* Parsed at once, with anything behind it, the header reads the same. */
		CHECK(proxy_parse(data, size, &again, &need, &why) == PROXY_DONE, "whole: %s", why);
		CHECK(again.length == h.length && again.local == h.local, "whole differs");
		/* Everything after the header is still to be read, untouched. */
		ssize_t n = recv(sv[0], rest, sizeof(rest), MSG_DONTWAIT);

		n = n < 0 ? 0 : n;
		CHECK((size_t)n == size - have && memcmp(rest, data + have, (size_t)n) == 0,
		      "%zd octets left after the header, expected %zu", n, size - have);
	}
	conn_free(c);
	close(sv[1]);
}

/* The input's first line as a --proxy-from network, matched against a few addresses. */
static void fuzz_net(const uint8_t *data, size_t size)
{
	static const char *const addrs[] = { "127.0.0.1", "::1", "::ffff:10.1.2.3", "2001:db8::7",
					     "0.0.0.0", "255.255.255.255" };
	char s[64], a[INET6_ADDRSTRLEN];
	struct proxy_net net;
	const char *why;
	size_t n = 0;

	while (n < size && n < sizeof(s) - 1 && data[n] != '\n')
		n++;
	memcpy(s, data, n);
	s[n] = '\0';
	if (proxy_net_parse(s, &net, &why) < 0)
		return;
	CHECK(net.family == AF_INET || net.family == AF_INET6, "family");
	CHECK(net.bits <= (net.family == AF_INET ? 32u : 128u), "bits %u", net.bits);
	/* A network holds its own address. */
	CHECK(inet_ntop(net.family, net.addr, a, sizeof(a)) != NULL, "ntop");
	CHECK(proxy_net_match(&net, 1, a), "%s not inside %s", a, s);
	for (size_t i = 0; i < sizeof(addrs) / sizeof(addrs[0]); i++)
		(void)proxy_net_match(&net, 1, addrs[i]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > INPUT_MAX)
		return 0;
	fuzz_stream(data, size);
	fuzz_net(data, size);
	(void)proxy_header_start((const char *)data, size > 40 ? 40 : size,
				 (const char *)data + (size > 40 ? 40 : size), size > 40 ? size - 40 : 0);
	return 0;
}

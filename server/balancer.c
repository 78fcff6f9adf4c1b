/* Connections through a load balancer: the PROXY header read off the socket, and trust in it. */
#include "balancer.h"
#include "log.h"
#include "params.h"
#include "proxy.h"

#include <stdio.h>
#include <time.h>

static long now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Read the header in the pieces the parser asks for: 0, or -1 with *why_r. */
static int read_header(struct session *s, struct proxy_header *h, const char **why_r)
{
	unsigned char buf[PROXY_HEADER_MAX];
	size_t have = 0, got;
	struct proxy_need need;
	long deadline = now_ms() + POP3_PROXY_TIMEOUT * 1000L;

	for (;;) {
		switch (proxy_parse(buf, have, h, &need, why_r)) {
		case PROXY_DONE:
			return 0;
		case PROXY_BAD:
			return -1;
		case PROXY_MORE:
			break;
		}
		long left = deadline - now_ms();

		*why_r = "none within the time allowed";
		if (left <= 0)
			return -1;
		switch (conn_read_raw(s->conn, buf + have, need.total - have, need.stop_at_lf,
				      (int)left, &got)) {
		case CONN_OK:
			have += got;
			continue;
		case CONN_TIMEOUT:
			return -1;
		default:
			*why_r = "connection closed before the header ended";
			return -1;
		}
	}
}

int balancer_accept(struct session *s)
{
	struct proxy_header h;
	const char *why;
	char client[sizeof(s->peer)];

	if (!proxy_net_match(s->cfg->proxy_from, s->cfg->nproxy_from, s->addr))
		return 0;
	if (read_header(s, &h, &why) < 0) {
		log_conn(s->id, s->peer, "PROXY header: %s", why);
		s->end_reason = "no valid PROXY header";
		return -1;
	}
	snprintf(s->via, sizeof(s->via), "%s", s->peer);
	if (!h.local) {
		proxy_source_string(&h, client, sizeof(client));
		session_set_peer(s, client);
	}
	return 0;
}

int balancer_untrusted_header(struct session *s, const char *line, size_t len)
{
	char next[16];
	size_t n = conn_peek(s->conn, next, sizeof(next));

	if (!proxy_header_start(line, len, next, n))
		return 0;
	log_conn(s->id, s->peer, "PROXY header from an address not named by --proxy-from");
	s->end_reason = "untrusted PROXY header";
	return 1;
}

/* The PROXY protocol (HAProxy's, versions 1 and 2) and the balancers' networks: parsing only, no I/O. */
#ifndef PROXY_H
#define PROXY_H

#include <stddef.h>

enum {
	/* Version 1: the longest line the specification allows, CRLF included (section 2.1). */
	PROXY_V1_MAX = 107,
	/* Version 2: the fixed part (signature, version and command, family, length). */
	PROXY_V2_FIXED = 16,
	/*
	 * Version 2: the most octets after the fixed part that we accept.  The specification
	 * keeps every header inside the smallest TCP segment a host must take (536 octets);
	 * addresses take at most 216 of them, the rest are TLVs.
	 */
	PROXY_V2_LEN_MAX = 536 - 16,
	/* A buffer that holds any header we accept. */
	PROXY_HEADER_MAX = PROXY_V2_FIXED + PROXY_V2_LEN_MAX,
};

enum proxy_status {
	PROXY_DONE,	/* a whole, valid header */
	PROXY_MORE,	/* a valid beginning: read more (see struct proxy_need) */
	PROXY_BAD,	/* not a valid header: close the connection */
};

/* What a header says. */
struct proxy_header {
	int version;		/* 1 or 2 */
	int local;		/* v1 UNKNOWN, v2 LOCAL or an unsupported family: keep the socket's peer */
	int family;		/* AF_INET or AF_INET6 when !local */
	unsigned char src[16], dst[16];	/* in network order; 4 octets for AF_INET */
	unsigned src_port, dst_port;
	size_t length;		/* octets of the header, TLVs included */
};

/* How to read on after PROXY_MORE without taking an octet that follows the header. */
struct proxy_need {
	size_t total;		/* read until this many octets in all (no more) ... */
	int stop_at_lf;		/* ... or until an LF, when this is set (version 1, or not known yet) */
};

/*
 * Parse the first len octets of a connection.  PROXY_DONE: *h is filled and h->length
 * octets are the header.  PROXY_MORE: *need says how to read on; call again with more.
 * PROXY_BAD: *why_r says why, in a few words for the log.
 */
enum proxy_status proxy_parse(const unsigned char *buf, size_t len, struct proxy_header *h,
			      struct proxy_need *need, const char **why_r);

/* The header's source as "192.0.2.1:4321" or "[2001:db8::1]:4321" (as net_addr_string). */
void proxy_source_string(const struct proxy_header *h, char *buf, size_t size);

/* A network of balancers, from --proxy-from. */
struct proxy_net {
	int family;		/* AF_INET or AF_INET6 */
	unsigned char addr[16];
	unsigned bits;		/* prefix length */
};

/*
 * Parse "192.0.2.0/24", "2001:db8::/32" or a lone address (all its bits).  Strict: no
 * leading zeros or sign in the length, no bits set past it.  0, or -1 with *why_r.
 */
int proxy_net_parse(const char *s, struct proxy_net *net, const char **why_r);
/* 1 when addr ("127.0.0.1", "::1", "::ffff:127.0.0.1") is inside one of the n networks. */
int proxy_net_match(const struct proxy_net *nets, size_t n, const char *addr);

/*
 * The first command line of a connection not from a balancer, and what is buffered behind
 * it: 1 when it is the start of a PROXY header (a line "PROXY ...", or an empty line
 * followed by the rest of the version 2 signature), which must never be trusted.
 */
int proxy_header_start(const char *line, size_t len, const char *next, size_t nextlen);

#endif

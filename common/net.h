/* Listening and connecting sockets, IPv4 and IPv6, through getaddrinfo. */
#ifndef NET_H
#define NET_H

#include <stddef.h>

struct sockaddr_storage;

/*
 * Listen on host:port (host NULL: every address).  Appends up to max_fds sockets to
 * fds, one per address found, and stores their count in *nfds_r.  Returns 0, or -1 with
 * a one-line reason in err.
 */
int net_listen(const char *host, const char *port, int *fds, int max_fds, int *nfds_r,
	       char *err, size_t errsize);

/*
 * Connect to host:port, trying every address in turn, each within timeout_ms.
 * Returns the socket, or -1 with a one-line reason in err ("no such host", "connection refused").
 */
int net_connect(const char *host, const char *port, int timeout_ms, char *err, size_t errsize);
/*
 * The same, with wait (a conn_wait_fn, see conn.h; NULL: poll) waiting for each
 * connection to complete; a cancelled wait ends it with "cancelled" in err.
 */
int net_connect_wait(const char *host, const char *port, int timeout_ms,
		     int (*wait)(void *arg, int fd, short events, int timeout_ms), void *arg,
		     char *err, size_t errsize);

/* "127.0.0.1:4321" or "[::1]:4321" for the peer (local: 0) or the local end (local: 1). */
void net_addr_string(int fd, int local, char *buf, size_t size);
/* The same for an address already known (from accept). */
void net_sockaddr_string(const struct sockaddr_storage *ss, char *buf, size_t size);
/* The local port of a socket, or -1. */
int net_local_port(int fd);
/* Disable Nagle: replies go out at once, one write each (a listener's accepted sockets inherit it). */
void net_nodelay(int fd);

#endif

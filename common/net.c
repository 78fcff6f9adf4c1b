/* getaddrinfo-based listen and connect, dual stack. */
#include "net.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int listen_one(const struct addrinfo *ai)
{
	int one = 1;
	int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	/* Each IPv6 socket serves IPv6 only; IPv4 gets its own socket. */
	if (ai->ai_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 || listen(fd, SOMAXCONN) < 0) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

int net_listen(const char *host, const char *port, int *fds, int max_fds, int *nfds_r,
	       char *err, size_t errsize)
{
	struct addrinfo hints = { 0 }, *res, *ai;
	int n = *nfds_r, got = 0, e = 0;

	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	int r = getaddrinfo(host, port, &hints, &res);

	if (r != 0) {
		snprintf(err, errsize, "%s: %s", host ? host : "*", gai_strerror(r));
		return -1;
	}
	for (ai = res; ai != NULL && n < max_fds; ai = ai->ai_next) {
		int fd = listen_one(ai);

		if (fd < 0) {
			e = errno;
			continue;
		}
		fds[n++] = fd;
		got++;
	}
	freeaddrinfo(res);
	if (got == 0) {
		snprintf(err, errsize, "cannot listen on %s port %s: %s", host ? host : "*", port,
			 strerror(e ? e : EADDRNOTAVAIL));
		return -1;
	}
	*nfds_r = n;
	return 0;
}

/* Connect with a deadline: non-blocking connect, poll, then back to blocking. */
static int connect_one(const struct addrinfo *ai, int timeout_ms,
		       int (*wait)(void *, int, short, int), void *arg)
{
	int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
	int e = 0;
	socklen_t elen = sizeof(e);

	if (fd < 0)
		return -1;
	int fl = fcntl(fd, F_GETFL);

	fcntl(fd, F_SETFL, fl | O_NONBLOCK);
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
		struct pollfd p = { .fd = fd, .events = POLLOUT };

		if (errno != EINPROGRESS) {
			e = errno;
			goto fail;
		}
		int r;

		if (wait != NULL)
			r = wait(arg, fd, POLLOUT, timeout_ms);
		else
			do
				r = poll(&p, 1, timeout_ms);
			while (r < 0 && errno == EINTR);
		if (r <= 0) {
			e = r == 0 ? ETIMEDOUT : errno;
			goto fail;
		}
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &elen) < 0 || e != 0) {
			e = e ? e : errno;
			goto fail;
		}
	}
	fcntl(fd, F_SETFL, fl);
	return fd;
fail:
	close(fd);
	errno = e;
	return -1;
}

int net_connect(const char *host, const char *port, int timeout_ms, char *err, size_t errsize)
{
	return net_connect_wait(host, port, timeout_ms, NULL, NULL, err, errsize);
}

int net_connect_wait(const char *host, const char *port, int timeout_ms,
		     int (*wait)(void *arg, int fd, short events, int timeout_ms), void *arg,
		     char *err, size_t errsize)
{
	struct addrinfo hints = { 0 }, *res, *ai;
	int fd = -1, e = 0;

	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	int r = getaddrinfo(host, port, &hints, &res);

	if (r != 0) {
		snprintf(err, errsize, "%s: %s", host, r == EAI_NONAME ? "no such host" : gai_strerror(r));
		return -1;
	}
	for (ai = res; ai != NULL && fd < 0 && e != ECANCELED; ai = ai->ai_next) {
		fd = connect_one(ai, timeout_ms, wait, arg);
		if (fd < 0)
			e = errno;
	}
	freeaddrinfo(res);
	if (fd < 0 && e == ECANCELED)
		snprintf(err, errsize, "cancelled");
	else if (fd < 0)
		snprintf(err, errsize, "%s port %s: %s", host, port, strerror(e));
	return fd;
}

void net_addr_string(int fd, int local, char *buf, size_t size)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	int r = local ? getsockname(fd, (struct sockaddr *)&ss, &len)
		      : getpeername(fd, (struct sockaddr *)&ss, &len);

	if (r < 0)
		snprintf(buf, size, "?");
	else
		net_sockaddr_string(&ss, buf, size);
}

void net_sockaddr_string(const struct sockaddr_storage *ss, char *buf, size_t size)
{
	char host[INET6_ADDRSTRLEN] = "?";
	int port = 0;

	if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)ss;

		inet_ntop(AF_INET6, &s6->sin6_addr, host, sizeof(host));
		port = ntohs(s6->sin6_port);
		snprintf(buf, size, "[%s]:%d", host, port);
		return;
	}
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)ss;

		inet_ntop(AF_INET, &s4->sin_addr, host, sizeof(host));
		port = ntohs(s4->sin_port);
	}
	snprintf(buf, size, "%s:%d", host, port);
}

int net_local_port(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
		return -1;
	if (ss.ss_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)&ss)->sin6_port);
	return ntohs(((const struct sockaddr_in *)&ss)->sin_port);
}

void net_nodelay(int fd)
{
	int one = 1;

	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

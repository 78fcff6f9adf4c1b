/* Socket activation and readiness notification, as systemd documents them, without libsystemd. */
#include "sysd.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define SYSD_FIRST_FD 3

/* A decimal number that fits an int, nothing else. */
static int parse_count(const char *s, long *v_r)
{
	char *end;

	errno = 0;
	*v_r = strtol(s, &end, 10);
	return s[0] != '\0' && *end == '\0' && errno == 0 && *v_r >= 0 ? 0 : -1;
}

/* The i-th name of LISTEN_FDNAMES ("a:b:c") is "pop3s". */
static int named_pop3s(const char *names, int i)
{
	const char *p = names;

	while (p != NULL && i-- > 0)
		if ((p = strchr(p, ':')) != NULL)
			p++;
	return p != NULL && strncmp(p, "pop3s", 5) == 0 && (p[5] == '\0' || p[5] == ':');
}

/* A listening stream socket, now close-on-exec; 0 or -1 with a reason. */
static int check_fd(int fd, char *err, size_t errsize)
{
	int type = 0, listening = 0;
	socklen_t len = sizeof(type);

	if (fcntl(fd, F_SETFD, FD_CLOEXEC) < 0) {
		snprintf(err, errsize, "socket activation: descriptor %d: %s", fd, strerror(errno));
		return -1;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) < 0 || type != SOCK_STREAM) {
		snprintf(err, errsize, "socket activation: descriptor %d is not a stream socket", fd);
		return -1;
	}
	len = sizeof(listening);
	if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) < 0 || !listening) {
		snprintf(err, errsize, "socket activation: descriptor %d is not listening", fd);
		return -1;
	}
	return 0;
}

int sysd_listen_fds(int *fd, int *tls, int max, char *err, size_t errsize)
{
	const char *pid_s = getenv("LISTEN_PID"), *fds_s = getenv("LISTEN_FDS");
	const char *names = getenv("LISTEN_FDNAMES");
	long pid, n;

	if (pid_s == NULL || fds_s == NULL)
		return 0;
	/* Meant for another process (a parent that exec'd us without clearing them). */
	if (parse_count(pid_s, &pid) < 0 || pid != (long)getpid())
		return 0;
	if (parse_count(fds_s, &n) < 0 || n > max) {
		snprintf(err, errsize, "socket activation: bad LISTEN_FDS=%s (at most %d)", fds_s, max);
		return -1;
	}
	for (int i = 0; i < (int)n; i++) {
		fd[i] = SYSD_FIRST_FD + i;
		tls[i] = names != NULL && named_pop3s(names, i);
		if (check_fd(fd[i], err, errsize) < 0)
			return -1;
	}
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDS");
	unsetenv("LISTEN_FDNAMES");
	return (int)n;
}

void sysd_notify(const char *state)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t len;
	int fd;

	if (path == NULL || (path[0] != '/' && path[0] != '@') ||
	    (len = strlen(path)) >= sizeof(sa.sun_path))
		return;
	memcpy(sa.sun_path, path, len);
	if (path[0] == '@')
		sa.sun_path[0] = '\0';	/* an abstract name */
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	/* Best effort: a service manager that does not listen cannot be told anything. */
	if (sendto(fd, state, strlen(state), MSG_NOSIGNAL,
		   (struct sockaddr *)&sa, (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len)) < 0)
		(void)0;
	close(fd);
}

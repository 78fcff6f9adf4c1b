/* ceiling.c: the loopback ceiling: a plain TCP stream of N bytes from a thread to this one. */
#include "pop3bench.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define CHUNK (1024 * 1024) /* bytes per write, as a fast server would write */

/* What the sending thread needs. */
struct sender {
	int lfd;
	uint64_t bytes;
	int reps;
};

static int write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Accepts reps connections in turn and sends each the same number of bytes. */
static void *send_main(void *arg)
{
	struct sender *s = arg;
	char *chunk = malloc(CHUNK);

	if (!chunk)
		return NULL;
	memset(chunk, 'x', CHUNK);
	for (int i = 0; i < s->reps; i++) {
		int fd = accept(s->lfd, NULL, NULL);
		uint64_t left = s->bytes;

		if (fd < 0)
			break;
		while (left > 0) {
			size_t n = left > CHUNK ? CHUNK : (size_t)left;

			if (write_all(fd, chunk, n) < 0)
				break;
			left -= n;
		}
		close(fd);
	}
	free(chunk);
	return NULL;
}

static int listen_any(struct sockaddr_in *sa)
{
	socklen_t len = sizeof(*sa);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)sa, len) < 0 || listen(fd, 4) < 0 ||
	    getsockname(fd, (struct sockaddr *)sa, &len) < 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* Reads one stream to its end; the bytes received, or -1. */
static int64_t receive(const struct sockaddr_in *sa, char *buf, size_t bufsize)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int64_t total = 0;
	ssize_t n;

	if (fd < 0 || connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) < 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	while ((n = read(fd, buf, bufsize)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		total += n;
	}
	close(fd);
	return total;
}

int wl_ceiling(uint64_t bytes, int reps, size_t bufsize)
{
	struct sender s = { .bytes = bytes, .reps = reps };
	struct sockaddr_in sa;
	struct lat rate = { 0 };
	struct cpumark m;
	pthread_t th;
	char *buf = malloc(bufsize);
	int ret = -1, short_reads = 0;

	s.lfd = listen_any(&sa);
	if (!buf || s.lfd < 0 || pthread_create(&th, NULL, send_main, &s) != 0)
		goto out;
	cpu_mark(&m, 0);
	for (int i = 0; i < reps; i++) {
		double t0 = now_s();
		int64_t got = receive(&sa, buf, bufsize);

		if (got != (int64_t)bytes)
			short_reads++;
		if (got > 0)
			lat_add(&rate, (double)got / 1e6 / (now_s() - t0));
	}
	shutdown(s.lfd, SHUT_RDWR); /* wakes the sender if a connect failed */
	pthread_join(th, NULL);
	json_begin("ceiling");
	json_int("bytes", (long long)bytes);
	json_int("reps", reps);
	json_num("mb_per_s", lat_pct(&rate, 50));
	json_num("mb_per_s_best", lat_pct(&rate, 100));
	json_int("errors", short_reads);
	json_cpu(&m, 0);
	json_end();
	ret = 0;
out:
	if (s.lfd >= 0)
		close(s.lfd);
	lat_free(&rate);
	free(buf);
	return ret;
}

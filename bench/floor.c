/* floor.c: the floor: a POP3 server that only answers, every reply made in memory at start-up. */
/*
 * What a session costs this kernel when the server does nothing but answer: one epoll
 * loop per CPU on its own SO_REUSEPORT socket, non-blocking connections, every reply
 * (greeting, STAT, LIST, UIDL, each RETR with its CRLF line ends and dot-stuffing) built
 * once from the folder's files.  No accounts (any USER and PASS is accepted), no file
 * access per session, no thread start, no lock, no index.  Only for bench/run.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#define FLOOR_MAX_MSGS 64	/* the sessions fixture has 3 */
#define FLOOR_LINE 256		/* a command line longer than this ends the session */
#define FLOOR_IOV 8		/* replies queued at once (pipelined commands) */

/* A reply made at start-up: the bytes to send. */
struct blob {
	char *p;
	size_t n;
};

/* Every reply the floor gives. */
static struct {
	struct blob greet, user, pass, stat, list, uidl, noop, quit, err, retr[FLOOR_MAX_MSGS];
	int count;
} R;

/* One client: its unread input and the replies not yet written. */
struct fconn {
	int fd;
	size_t inlen;
	char in[FLOOR_LINE];
	struct iovec out[FLOOR_IOV];
	int nout, quit;
};

static void usage(void)
{
	fprintf(stderr, "usage: floor -m FOLDER [-p PORT] [-n LOOPS]\n");
	exit(2);
}

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static struct blob blob_of(const char *s)
{
	struct blob b = { strdup(s), strlen(s) };

	if (b.p == NULL)
		die("strdup");
	return b;
}

/* The file as the wire sees it: LF made CRLF, lines starting with '.' stuffed; its size without stuffing. */
static struct blob wire_message(const char *buf, size_t len, size_t *size_r)
{
	struct blob b = { malloc(2 * len + 64), 0 };
	size_t size = 0;
	int bol = 1;

	if (b.p == NULL)
		die("malloc");
	b.n = (size_t)sprintf(b.p, "+OK %zu octets\r\n", (size_t)0);	/* patched below */
	for (size_t i = 0; i < len; i++) {
		if (bol && buf[i] == '.')
			b.p[b.n++] = '.';
		if (buf[i] == '\n' && (i == 0 || buf[i - 1] != '\r')) {
			b.p[b.n++] = '\r';
			size++;
		}
		b.p[b.n++] = buf[i];
		size++;
		bol = buf[i] == '\n';
	}
	if (!bol) {
		memcpy(b.p + b.n, "\r\n", 2);
		b.n += 2;
		size += 2;
	}
	memcpy(b.p + b.n, ".\r\n", 3);
	b.n += 3;
	*size_r = size;
	return b;
}

/* The status line in front of a message, now that its size is known. */
static void retr_head(struct blob *b, size_t size)
{
	char head[64];
	size_t old = strlen("+OK 0 octets\r\n");
	int n = snprintf(head, sizeof(head), "+OK %zu octets\r\n", size);
	char *p = malloc(b->n - old + (size_t)n);

	if (p == NULL)
		die("malloc");
	memcpy(p, head, (size_t)n);
	memcpy(p + n, b->p + old, b->n - old);
	free(b->p);
	b->p = p;
	b->n = b->n - old + (size_t)n;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The folder's regular files, sorted by name, as ours lists them. */
static int folder_names(const char *dir, char **names)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (d == NULL)
		die(dir);
	while ((e = readdir(d)) != NULL && n < FLOOR_MAX_MSGS)
		if (e->d_type == DT_REG)
			names[n++] = strdup(e->d_name);
	closedir(d);
	qsort(names, (size_t)n, sizeof(*names), by_name);
	return n;
}

static char *read_file(const char *dir, const char *name, size_t *len_r)
{
	char path[4096];
	struct stat st;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((fd = open(path, O_RDONLY)) < 0 || fstat(fd, &st) < 0)
		die(path);
	char *buf = malloc((size_t)st.st_size + 1);

	if (buf == NULL || read(fd, buf, (size_t)st.st_size) != st.st_size)
		die(path);
	close(fd);
	*len_r = (size_t)st.st_size;
	return buf;
}

/* The multi-line listings of LIST and UIDL, the same text as ours writes. */
static void make_listings(const size_t *size, unsigned long long total)
{
	size_t cap = 128 + (size_t)R.count * 64;
	char *list = malloc(cap), *uidl = malloc(cap);
	size_t nl, nu;

	if (list == NULL || uidl == NULL)
		die("malloc");
	nl = (size_t)sprintf(list, "+OK %d messages (%llu octets)\r\n", R.count, total);
	nu = (size_t)sprintf(uidl, "+OK unique-id listing follows\r\n");
	for (int i = 0; i < R.count; i++) {
		nl += (size_t)sprintf(list + nl, "%d %zu\r\n", i + 1, size[i]);
		nu += (size_t)sprintf(uidl + nu, "%d 6b0dec4e%08x\r\n", i + 1, (unsigned)i + 1);
	}
	nl += (size_t)sprintf(list + nl, ".\r\n");
	nu += (size_t)sprintf(uidl + nu, ".\r\n");
	R.list = (struct blob){ list, nl };
	R.uidl = (struct blob){ uidl, nu };
}

static void make_replies(const char *dir)
{
	char *names[FLOOR_MAX_MSGS], line[128];
	size_t size[FLOOR_MAX_MSGS];
	unsigned long long total = 0;

	R.count = folder_names(dir, names);
	for (int i = 0; i < R.count; i++) {
		size_t len;
		char *buf = read_file(dir, names[i], &len);

		R.retr[i] = wire_message(buf, len, &size[i]);
		retr_head(&R.retr[i], size[i]);
		total += size[i];
		free(buf);
		free(names[i]);
	}
	make_listings(size, total);
	R.greet = blob_of("+OK mailroom POP3 server ready\r\n");
	R.user = blob_of("+OK send PASS\r\n");
	snprintf(line, sizeof(line), "+OK maildrop has %d messages (%llu octets)\r\n", R.count, total);
	R.pass = blob_of(line);
	snprintf(line, sizeof(line), "+OK %d %llu\r\n", R.count, total);
	R.stat = blob_of(line);
	R.noop = blob_of("+OK\r\n");
	R.quit = blob_of("+OK bye, 0 messages deleted\r\n");
	R.err = blob_of("-ERR unknown command\r\n");
	fprintf(stderr, "floor: %s: %d messages, %llu octets\n", dir, R.count, total);
}

/* The reply to one command line (without its line end). */
static const struct blob *answer(struct fconn *c, char *line)
{
	if (strncasecmp(line, "RETR ", 5) == 0) {
		long n = strtol(line + 5, NULL, 10);

		return n >= 1 && n <= R.count ? &R.retr[n - 1] : &R.err;
	}
	if (strncasecmp(line, "USER ", 5) == 0)
		return &R.user;
	if (strncasecmp(line, "PASS ", 5) == 0)
		return &R.pass;
	if (strcasecmp(line, "STAT") == 0)
		return &R.stat;
	if (strcasecmp(line, "LIST") == 0)
		return &R.list;
	if (strcasecmp(line, "UIDL") == 0)
		return &R.uidl;
	if (strcasecmp(line, "NOOP") == 0)
		return &R.noop;
	if (strcasecmp(line, "QUIT") == 0) {
		c->quit = 1;
		return &R.quit;
	}
	return &R.err;
}

static void queue(struct fconn *c, const struct blob *b)
{
	c->out[c->nout++] = (struct iovec){ b->p, b->n };
}

/* Writes what is queued: 0 when all of it went (or would block), -1 on an error. */
static int flush(struct fconn *c)
{
	while (c->nout > 0) {
		ssize_t w = writev(c->fd, c->out, c->nout);

		if (w < 0)
			return errno == EAGAIN || errno == EINTR ? 0 : -1;
		int i = 0;

		while (i < c->nout && (size_t)w >= c->out[i].iov_len)
			w -= (ssize_t)c->out[i++].iov_len;
		memmove(c->out, c->out + i, (size_t)(c->nout - i) * sizeof(c->out[0]));
		c->nout -= i;
		if (c->nout > 0) {
			c->out[0].iov_base = (char *)c->out[0].iov_base + w;
			c->out[0].iov_len -= (size_t)w;
		}
	}
	return 0;
}

/* Answers every complete line read so far: 1 to keep the connection, 0 to close it. */
static int serve_lines(struct fconn *c)
{
	char *nl;

	while (c->nout < FLOOR_IOV && !c->quit && (nl = memchr(c->in, '\n', c->inlen)) != NULL) {
		size_t used = (size_t)(nl - c->in) + 1;

		*nl = '\0';
		if (nl > c->in && nl[-1] == '\r')
			nl[-1] = '\0';
		queue(c, answer(c, c->in));
		memmove(c->in, c->in + used, c->inlen - used);
		c->inlen -= used;
	}
	if (flush(c) < 0)
		return 0;
	if (c->quit)
		return c->nout > 0;
	return c->nout > 0 || c->inlen < sizeof(c->in);	/* else a line too long */
}

static int on_event(struct fconn *c, uint32_t ev)
{
	if (ev & (EPOLLERR | EPOLLHUP))
		return 0;
	/* A full buffer waits for the replies to go (EPOLLOUT) before more is read. */
	while (c->inlen < sizeof(c->in)) {
		ssize_t n = read(c->fd, c->in + c->inlen, sizeof(c->in) - c->inlen);

		if (n == 0) {	/* the client is done sending: answer what it sent, then close */
			while (serve_lines(c) && c->nout == 0 && memchr(c->in, '\n', c->inlen))
				;
			return 0;
		}
		if (n < 0)
			break;
		c->inlen += (size_t)n;
		if (!serve_lines(c))
			return 0;
	}
	if (c->inlen < sizeof(c->in) && errno != EAGAIN && errno != EINTR)
		return 0;
	return serve_lines(c);
}

static void close_conn(int ep, struct fconn *c)
{
	epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	free(c);
}

static void accept_all(int ep, int lfd)
{
	int fd, one = 1;

	while ((fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
		struct fconn *c = calloc(1, sizeof(*c));
		struct epoll_event e = { .events = EPOLLIN | EPOLLOUT | EPOLLET, .data.ptr = c };

		if (c == NULL) {
			close(fd);
			continue;
		}
		c->fd = fd;
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		queue(c, &R.greet);
		if (flush(c) < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, fd, &e) < 0)
			close_conn(-1, c);
	}
}

/* One loop: its own listening socket (the kernel spreads connections over them) and epoll. */
static void *loop(void *arg)
{
	int lfd = (int)(long)arg, ep = epoll_create1(EPOLL_CLOEXEC);
	struct epoll_event ev[64], e = { .events = EPOLLIN, .data.ptr = NULL };

	if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &e) < 0)
		die("epoll");
	for (;;) {
		int n = epoll_wait(ep, ev, 64, -1);

		for (int i = 0; i < n; i++) {
			struct fconn *c = ev[i].data.ptr;

			if (c == NULL)
				accept_all(ep, lfd);
			else if (!on_event(c, ev[i].events))
				close_conn(ep, c);
		}
	}
	return NULL;
}

static int listen_on(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int one = 1, fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) < 0 ||
	    bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(fd, 4096) < 0)
		die("listen");
	return fd;
}

static int bound_port(int fd)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);

	if (getsockname(fd, (struct sockaddr *)&a, &len) < 0)
		die("getsockname");
	return ntohs(a.sin_port);
}

int main(int argc, char **argv)
{
	const char *dir = NULL;
	int port = 0, loops = (int)sysconf(_SC_NPROCESSORS_ONLN), opt;

	while ((opt = getopt(argc, argv, "m:p:n:")) != -1) {
		if (opt == 'm')
			dir = optarg;
		else if (opt == 'p')
			port = atoi(optarg);
		else if (opt == 'n')
			loops = atoi(optarg);
		else
			usage();
	}
	if (dir == NULL || loops < 1)
		usage();
	signal(SIGPIPE, SIG_IGN);
	make_replies(dir);
	int first = listen_on(port);

	port = bound_port(first);
	for (int i = 1; i < loops; i++) {
		pthread_t t;

		if (pthread_create(&t, NULL, loop, (void *)(long)listen_on(port)) != 0)
			die("pthread_create");
	}
	fprintf(stderr, "floor: %d loops; listening on 127.0.0.1 port %d\n", loops, port);
	loop((void *)(long)first);
	return 0;
}

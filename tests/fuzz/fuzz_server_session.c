/*
 * Fuzz target: the server's command reader, dispatcher and handlers, one session per input.
 * Built twice: fuzz_server_session accepts any login into one maildrop; with FUZZ_ACCOUNTS,
 * fuzz_server_accounts reads a users file and MAILROOT/<user>, as --users and --mailroot do.
 */
#include "auth.h"
#include "auth_store.h"
#include "session.h"

#include <errno.h>
#include <crypt.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef FUZZ_ROOT
#define FUZZ_ROOT "."
#endif

/* Inputs must fit the socket buffer: the session reads only after all is written. */
#define INPUT_MAX 65536

/* The scratch maildrop: the sample messages plus files with every kind of line end. */
struct fixture {
	char name[16];
	char *data;
	size_t len;
};

static const char *const extra_files[][2] = {
	{ "msg4", "From: lf@example.org\nSubject: bare LF\n\nline one\n.dot line\n.\nlast\n" },
	{ "msg5", "From: crlf@example.org\r\nSubject: CRLF\r\n\r\nbody\r\n..two dots\r\n.\r\nend\r\n" },
	{ "msg6", "From: open@example.org\nSubject: no final newline\n\nbody\r\nlast line" },
};

static struct fixture fixtures[8];
static size_t nfixtures;
static char root[256];		/* the scratch folder, under $TMPDIR or /tmp */
static char maildir[320];	/* the maildrop with the fixtures: root, or root/alice */
static struct server_config cfg;

#define FUZZ_NAME "fuzz_server_session"
#include "fuzz_check.h"

/* Session logs are dropped (see LINKWRAP in the Makefile), or printed with FUZZ_TRACE set. */
void __wrap_log_conn(unsigned long id, const char *peer, const char *fmt, ...);
void __wrap_log_msg(const char *fmt, ...);
void __wrap_log_conn(unsigned long id, const char *peer, const char *fmt, ...)
{
	va_list ap;

	if (!cfg.trace)
		return;
	fprintf(stderr, "[%lu] %s ", id, peer);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void __wrap_log_msg(const char *fmt, ...)
{
	va_list ap;

	if (!cfg.trace)
		return;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void write_file(const char *path, const char *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	CHECK(fd >= 0, "%s: %s", path, strerror(errno));
	CHECK(write(fd, data, len) == (ssize_t)len, "%s: %s", path, strerror(errno));
	CHECK(close(fd) == 0, "%s", path);
}

static void add_fixture(const char *name, const char *data, size_t len)
{
	struct fixture *f = &fixtures[nfixtures++];

	snprintf(f->name, sizeof(f->name), "%s", name);
	f->data = malloc(len ? len : 1);
	CHECK(f->data != NULL, "out of memory");
	memcpy(f->data, data, len);
	f->len = len;
}

/* Load mailbox/msg1..3 of the repository (FUZZ_MAILBOX overrides); missing ones are skipped. */
static void load_samples(void)
{
	const char *dir = getenv("FUZZ_MAILBOX") ? getenv("FUZZ_MAILBOX") : FUZZ_ROOT "/mailbox";

	for (int i = 1; i <= 3; i++) {
		char path[4096], name[16], buf[65536];

		snprintf(name, sizeof(name), "msg%d", i);
		snprintf(path, sizeof(path), "%s/%s", dir, name);
		int fd = open(path, O_RDONLY);

		if (fd < 0)
			continue;
		ssize_t n = read(fd, buf, sizeof(buf));

		close(fd);
		if (n >= 0)
			add_fixture(name, buf, (size_t)n);
	}
}

/* Remove path/name if it is there; for a folder, its UID list and lock file first. */
static void remove_in(const char *path, const char *name)
{
	char p[512], list[600];

	snprintf(p, sizeof(p), "%s/%s", path, name);
	snprintf(list, sizeof(list), "%s/.pop3/uidlist", p);
	unlink(list);
	snprintf(list, sizeof(list), "%s/.pop3/lock", p);
	unlink(list);
	snprintf(list, sizeof(list), "%s/.pop3", p);
	rmdir(list);
	if (unlink(p) != 0)
		rmdir(p);
}

static void remove_scratch(void)
{
	for (size_t i = 0; i < nfixtures; i++)
		remove_in(maildir, fixtures[i].name);
	remove_in(maildir, ".pop3/uidlist");
	remove_in(maildir, ".pop3/lock");
	remove_in(maildir, ".pop3");
	if (strcmp(maildir, root) != 0) {
		remove_in(root, "alice");
		remove_in(root, "bob");		/* made by the server at bob's first login */
		remove_in(root, "users");
	}
	rmdir(root);
}

/* Messages missing from the scratch maildrop. */
static size_t missing_files(void)
{
	char path[512];
	struct stat st;
	size_t n = 0;

	for (size_t i = 0; i < nfixtures; i++) {
		snprintf(path, sizeof(path), "%s/%s", maildir, fixtures[i].name);
		n += stat(path, &st) != 0;
	}
	return n;
}

/* Whether the input holds word, in any case: a file may go only after DELE and QUIT. */
static int has_word(const uint8_t *data, size_t size, const char *word)
{
	size_t n = strlen(word);

	for (size_t i = 0; i + n <= size; i++)
		if (strncasecmp((const char *)data + i, word, n) == 0)
			return 1;
	return 0;
}

/* Put back any message that a DELE and QUIT removed, so every input sees the same maildrop. */
static void restore_mailbox(void)
{
	char path[512];
	struct stat st;

	for (size_t i = 0; i < nfixtures; i++) {
		snprintf(path, sizeof(path), "%s/%s", maildir, fixtures[i].name);
		if (stat(path, &st) != 0)
			write_file(path, fixtures[i].data, fixtures[i].len);
	}
}

/*
 * One thread, alive for the whole run, reads the server's side of each session until it
 * closes, so that no reply ever blocks the session; it checks the line ends on the way.
 * Starting a thread per input would cost more than most sessions.
 */
struct drain {
	int fd;
	size_t total;
	int bare_lf;	/* an LF without CR before it */
	char first[5];
};

static int drain_req[2], drain_done[2];

static void drain_one(struct drain *d)
{
	static char buf[65536];
	char prev = 0;

	for (;;) {
		ssize_t n = read(d->fd, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		for (ssize_t i = 0; i < n; i++) {
			if (buf[i] == '\n' && prev != '\r')
				d->bare_lf = 1;
			if (d->total + (size_t)i < sizeof(d->first) - 1)
				d->first[d->total + (size_t)i] = buf[i];
			prev = buf[i];
		}
		d->total += (size_t)n;
	}
}

static void *drain_thread(void *arg)
{
	struct drain *d;

	(void)arg;
	for (;;) {
		ssize_t n = read(drain_req[0], &d, sizeof(d));

		if (n < 0 && errno == EINTR)
			continue;
		if (n != (ssize_t)sizeof(d))
			return NULL;
		drain_one(d);
		while ((n = write(drain_done[1], "x", 1)) < 0 && errno == EINTR)
			;
		CHECK(n == 1, "drain: %s", strerror(errno));
	}
}

static void start_drain(void)
{
	pthread_t tid;

	CHECK(pipe(drain_req) == 0 && pipe(drain_done) == 0, "pipe: %s", strerror(errno));
	CHECK(pthread_create(&tid, NULL, drain_thread, NULL) == 0, "pthread_create");
	pthread_detach(tid);
}

static void drain_start(struct drain *d)
{
	ssize_t n;

	/* libFuzzer's timer (-timeout) interrupts system calls. */
	while ((n = write(drain_req[1], &d, sizeof(d))) < 0 && errno == EINTR)
		;
	CHECK(n == (ssize_t)sizeof(d), "drain: %s", strerror(errno));
}

static void drain_wait(void)
{
	char c;
	ssize_t n;

	while ((n = read(drain_done[0], &c, 1)) < 0 && errno == EINTR)
		;
	CHECK(n == 1, "drain: %s", strerror(errno));
}

#ifdef FUZZ_ACCOUNTS
/*
 * alice (password "secret") has the fixtures, bob ("bob") has no folder yet.  Cheap MD5-crypt
 * hashes keep the checks fast; unknown users are checked against alice's.
 */
static void setup_accounts(void)
{
	char path[512], users[512], err[600];
	const char *a = crypt("secret", "$1$fuzzsalt$");
	int n = snprintf(users, sizeof(users), "# fuzz accounts\nalice:%s\n", a ? a : "*");
	const char *b = crypt("bob", "$1$fuzzsalt$");

	snprintf(users + n, sizeof(users) - (size_t)n, "\nbob:%s\n", b ? b : "*");
	snprintf(path, sizeof(path), "%s/users", root);
	write_file(path, users, strlen(users));
	cfg.users = auth_store_open(path, err, sizeof(err));
	CHECK(cfg.users != NULL, "%s", err);
	cfg.mailroot = root;
	snprintf(maildir, sizeof(maildir), "%s/alice", root);
	CHECK(mkdir(maildir, 0700) == 0, "%s: %s", maildir, strerror(errno));
}
#endif

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	load_samples();
	for (size_t i = 0; i < sizeof(extra_files) / sizeof(extra_files[0]); i++)
		add_fixture(extra_files[i][0], extra_files[i][1], strlen(extra_files[i][1]));
	const char *tmp = getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";

	snprintf(root, sizeof(root), "%s/fuzz-pop3d.XXXXXX", tmp);
	CHECK(mkdtemp(root) != NULL, "mkdtemp: %s", strerror(errno));
	snprintf(maildir, sizeof(maildir), "%s", root);
	atexit(remove_scratch);
#ifdef FUZZ_ACCOUNTS
	setup_accounts();
#endif
	restore_mailbox();
	cfg.mailbox = maildir;
	cfg.idle_timeout = 1;
	cfg.max_connections = 1;
	cfg.trace = getenv("FUZZ_TRACE") != NULL;
	start_drain();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int sv[2];
	struct drain d = { 0 };

	if (size > INPUT_MAX)
		return -1;
	restore_mailbox();
	fuzz_socket_with(data, size, sv);
	d.fd = sv[1];
	drain_start(&d);

	/* Zeroed, so that fields the session gains later start empty. */
	struct session *s = calloc(1, sizeof(*s));

	CHECK(s != NULL, "out of memory");
	s->id = 1;
	snprintf(s->peer, sizeof(s->peer), "127.0.0.1 port 1");
	snprintf(s->addr, sizeof(s->addr), "127.0.0.1");
	s->loopback = 1;
	s->cfg = &cfg;
	s->conn = conn_new(sv[0], cfg.idle_timeout);
	CHECK(s->conn != NULL, "conn_new");
	session_run(s);
	session_free(s);	/* closes sv[0]: the drain sees EOF */
	drain_wait();
	close(sv[1]);

	CHECK(strcmp(d.first, "+OK ") == 0, "the session did not start with a greeting");
	CHECK(!d.bare_lf, "the server sent an LF without CR");
	if (missing_files() > 0)
		CHECK(has_word(data, size, "DELE") && has_word(data, size, "QUIT"),
		      "%zu messages gone without DELE and QUIT", missing_files());
	return 0;
}

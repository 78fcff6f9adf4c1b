/* Using the config file: read it with care, merge an account over the defaults, run passwordeval. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

int config_default_path(char *buf, size_t size)
{
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	int n;

	/* The XDG Base Directory spec ignores a relative XDG_CONFIG_HOME. */
	if (xdg != NULL && xdg[0] == '/')
		n = snprintf(buf, size, "%s/mailroom/config", xdg);
	else if (home != NULL && home[0] == '/')
		n = snprintf(buf, size, "%s/.config/mailroom/config", home);
	else
		return -1;
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

/* Refuse what is not a small regular file, or what others could change (passwordeval runs it). */
static int check_file(const char *path, const struct stat *st, char *err, size_t errsize)
{
	if (!S_ISREG(st->st_mode))
		snprintf(err, errsize, "%s: not a regular file", path);
	else if (st->st_size > CONFIG_SIZE_MAX)
		snprintf(err, errsize, "%s: larger than %d KiB; is it the right file?", path,
			 CONFIG_SIZE_MAX / 1024);
	else if (st->st_mode & (S_IWGRP | S_IWOTH))
		snprintf(err, errsize, "%s: others can write to it (and so choose what passwordeval runs); "
			 "run chmod go-w %s", path, path);
	else
		return 0;
	return -1;
}

/* Read the whole of fd (at most CONFIG_SIZE_MAX octets) into buf; its length, or -1. */
static long read_all(int fd, char *buf)
{
	size_t len = 0;

	for (;;) {
		ssize_t r = read(fd, buf + len, CONFIG_SIZE_MAX + 1 - len);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0 || (len += (size_t)r) > CONFIG_SIZE_MAX)
			break;
	}
	if (len > CONFIG_SIZE_MAX) {
		errno = EFBIG;	/* it grew while we read it */
		return -1;
	}
	return (long)len;
}

int config_load(struct config *c, const char *path, int missing_ok, char *err, size_t errsize)
{
	/* O_NONBLOCK: a FIFO put in the file's place must not hang the start. */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	struct stat st;
	char *buf = NULL;
	int ret = -1;

	if (fd < 0) {
		if (errno == ENOENT && missing_ok)
			return 0;
		snprintf(err, errsize, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0) {
		snprintf(err, errsize, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (check_file(path, &st, err, errsize) < 0)
		goto out;
	long len;

	if ((buf = malloc(CONFIG_SIZE_MAX + 1)) == NULL || (len = read_all(fd, buf)) < 0) {
		snprintf(err, errsize, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (config_parse(c, path, buf, (size_t)len, (st.st_mode & (S_IRGRP | S_IROTH)) != 0, err, errsize) == 0)
		ret = 1;
out:
	free(buf);
	close(fd);
	return ret;
}

static void free_account(struct config_account *a)
{
	free(a->host);
	free(a->port);
	free(a->user);
	free(a->cafile);
	free(a->passwordeval);
	if (a->password != NULL)
		memset(a->password, 0, strlen(a->password));
	free(a->password);
	free(a->save_dir);
	free(a->from);
	free(a->sendmail);
	memset(a, 0, sizeof(*a));
}

void config_free(struct config *c)
{
	free_account(&c->defaults);
	for (size_t i = 0; i < c->naccounts; i++)
		free_account(&c->accounts[i]);
	free(c->accounts);
	c->accounts = NULL;
	c->naccounts = 0;
}

long config_find(const struct config *c, const char *name)
{
	for (size_t i = 0; i < c->naccounts; i++)
		if (strcmp(c->accounts[i].name, name) == 0)
			return (long)i;
	return -1;
}

/* The account's own value, else the defaults'. */
#define PICK(c, a, field) ((a)->field != NULL ? (a)->field : (c)->defaults.field)

void config_apply(const struct config *c, long idx, struct client_opts *o)
{
	const struct config_account *a = idx >= 0 ? &c->accounts[idx] : &c->defaults;
	enum config_tls tls = a->tls != CONFIG_TLS_UNSET ? a->tls : c->defaults.tls;
	int timeout = a->timeout ? a->timeout : c->defaults.timeout;

	o->host = PICK(c, a, host) ? PICK(c, a, host) : o->host;
	o->port = PICK(c, a, port) ? PICK(c, a, port) : o->port;
	o->user = PICK(c, a, user) ? PICK(c, a, user) : o->user;
	o->cafile = PICK(c, a, cafile) ? PICK(c, a, cafile) : o->cafile;
	o->save_dir = PICK(c, a, save_dir) ? PICK(c, a, save_dir) : o->save_dir;
	o->from = PICK(c, a, from) ? PICK(c, a, from) : o->from;
	o->sendmail = PICK(c, a, sendmail) ? PICK(c, a, sendmail) : o->sendmail;
	if (tls != CONFIG_TLS_UNSET) {
		o->tls = tls == CONFIG_TLS_IMPLICIT;
		o->starttls = tls == CONFIG_TLS_STARTTLS;
	}
	if (timeout)
		o->timeout = timeout;
}

const char *config_passwordeval(const struct config *c, long idx)
{
	const struct config_account *a = idx >= 0 ? &c->accounts[idx] : &c->defaults;

	/* An account's password line hides the defaults' passwordeval, and the other way round. */
	return a->password ? NULL : PICK(c, a, passwordeval);
}

const char *config_password(const struct config *c, long idx)
{
	const struct config_account *a = idx >= 0 ? &c->accounts[idx] : &c->defaults;

	return a->passwordeval ? NULL : PICK(c, a, password);
}

/* Read the command's output: the first line into pw, the rest drained; 0, or -1 when it did not fit. */
static int read_first_line(int fd, char *pw, size_t size)
{
	size_t len = 0;
	char sink[512];
	int lost = 0;

	for (;;) {
		int into_pw = len + 1 < size;
		ssize_t r = read(fd, into_pw ? pw + len : sink, into_pw ? size - 1 - len : sizeof(sink));

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		if (into_pw)
			len += (size_t)r;
		else
			lost = 1;
	}
	memset(sink, 0, sizeof(sink));
	pw[len] = '\0';
	size_t first = strcspn(pw, "\r\n");

	if (first == len && lost)
		return -1;
	pw[first] = '\0';
	return 0;
}

/* The command's end as words: 0 when it exited with status 0. */
static int describe_status(int status, char *err, size_t errsize)
{
	if (WIFSIGNALED(status))
		snprintf(err, errsize, "passwordeval was killed by signal %d", WTERMSIG(status));
	else if (WEXITSTATUS(status) != 0)
		snprintf(err, errsize, "passwordeval failed: exit status %d", WEXITSTATUS(status));
	else
		return 0;
	return -1;
}

int config_run_passwordeval(const char *cmd, char *pw, size_t size, char *err, size_t errsize)
{
	int fds[2], status;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC) < 0 || (pid = fork()) < 0) {
		snprintf(err, errsize, "passwordeval: %s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		signal(SIGPIPE, SIG_DFL);
		if (dup2(fds[1], STDOUT_FILENO) < 0)
			_exit(127);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	int fits = read_first_line(fds[0], pw, size);

	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			snprintf(err, errsize, "passwordeval: %s", strerror(errno));
			return -1;
		}
	if (describe_status(status, err, errsize) < 0)
		;
	else if (fits < 0)
		snprintf(err, errsize, "passwordeval printed a line longer than %zu octets", size - 1);
	else if (pw[0] == '\0')
		snprintf(err, errsize, "passwordeval printed no password");
	else
		return 0;
	memset(pw, 0, size);
	return -1;
}

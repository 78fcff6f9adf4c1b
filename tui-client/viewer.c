/* Running the programs that show parts: private temporary copies, mailcap commands, xdg-open. */
#include "viewer.h"

#include "save.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* ---- private copies ---- */

/* name, or nametemplate with name for its %s when the template adds only [A-Za-z0-9._-]. */
static void file_name(const char *name, const char *tpl, char *out, size_t size)
{
	const char *pct = tpl != NULL ? strstr(tpl, "%s") : NULL;

	snprintf(out, size, "%s", name);
	if (pct == NULL || strstr(pct + 2, "%") != NULL || strspn(tpl, "abcdefghijklmnopqrstuvwxyz"
		"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-%s") != strlen(tpl))
		return;
	snprintf(out, size, "%.*s%s%s", (int)(pct - tpl), tpl, name, pct + 2);
}

int viewer_tmp_create(struct viewer_tmp *t, const char *name, const char *nametemplate,
		      const char *data, size_t len)
{
	const char *tmpdir = getenv("TMPDIR");
	char fname[256];
	int fd, e;

	if (tmpdir == NULL || tmpdir[0] != '/')
		tmpdir = "/tmp";
	snprintf(t->dir, sizeof t->dir, "%s/mailroom-XXXXXX", tmpdir);
	t->path[0] = '\0';
	if (mkdtemp(t->dir) == NULL)
		return -1;
	file_name(name, nametemplate, fname, sizeof fname);
	snprintf(t->path, sizeof t->path, "%s/%s", t->dir, fname);
	fd = open(t->path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0 || save_write_all(fd, data, len) < 0 || close(fd) < 0) {
		e = errno;
		if (fd >= 0)
			close(fd);
		viewer_tmp_remove(t);
		errno = e;
		return -1;
	}
	return 0;
}

void viewer_tmp_remove(struct viewer_tmp *t)
{
	if (t->path[0] != '\0')
		unlink(t->path);
	if (t->dir[0] != '\0')
		rmdir(t->dir);
	t->path[0] = t->dir[0] = '\0';
}

/* ---- running ---- */

/*
 * In the child: stdin from in_path (or /dev/null when the output is collected; else the
 * terminal stays), stdout and stderr to out_fd when it is not -1; then the shell.
 */
static void child(const char *cmd, const char *in_path, int out_fd)
{
	int in = in_path != NULL || out_fd >= 0 ? open(in_path != NULL ? in_path : "/dev/null", O_RDONLY) : 0;

	if (in < 0 || dup2(in, 0) < 0)
		_exit(127);
	if (out_fd >= 0 && (dup2(out_fd, 1) < 0 || dup2(out_fd, 2) < 0))
		_exit(127);
	execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
	_exit(127);
}

/* Read fd to its end into a malloc'd buffer (bounded); NULL when out of memory. */
static char *slurp(int fd, size_t *len_r)
{
	size_t len = 0, cap = 8192;
	char *buf = malloc(cap + 1), *nb, drop[4096];
	ssize_t n;

	while (buf != NULL) {
		if (len == cap && cap < VIEWER_OUTPUT_MAX) {
			if ((nb = realloc(buf, cap * 2 + 1)) == NULL)
				break;
			buf = nb, cap *= 2;
		}
		n = len < cap ? read(fd, buf + len, cap - len) : read(fd, drop, sizeof drop);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += len < cap ? (size_t)n : 0;	/* past the bound: read and dropped */
	}
	if (buf != NULL)
		buf[len] = '\0', *len_r = len;
	return buf;
}

static int wait_child(pid_t pid, int *status_r)
{
	int st;

	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	*status_r = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	return 0;
}

int viewer_run(const char *cmd, const char *stdin_path, char **out_r, size_t *len_r, int *status_r)
{
	int p[2] = { -1, -1 };
	pid_t pid;

	if (out_r != NULL && pipe2(p, O_CLOEXEC) < 0)
		return -1;
	fflush(NULL);
	if ((pid = fork()) < 0) {
		if (p[0] >= 0)
			close(p[0]), close(p[1]);
		return -1;
	}
	if (pid == 0)
		child(cmd, stdin_path, p[1]);
	if (out_r != NULL) {
		close(p[1]);
		*out_r = slurp(p[0], len_r);
		close(p[0]);
	}
	return wait_child(pid, status_r);
}

int viewer_test(const char *cmd, void *ctx)
{
	char *out = NULL;
	size_t n;
	int status;

	(void)ctx;
	if (viewer_run(cmd, NULL, &out, &n, &status) < 0)
		return 0;
	free(out);
	return status == 0;
}

int viewer_find_program(const char *name, char *buf, size_t size)
{
	const char *path = getenv("PATH");

	for (const char *p = path != NULL ? path : "/usr/bin:/bin"; *p != '\0';) {
		size_t n = strcspn(p, ":");

		if (n > 0 && (size_t)snprintf(buf, size, "%.*s/%s", (int)n, p, name) < size &&
		    access(buf, X_OK) == 0)
			return 0;
		p += n + (p[n] == ':');
	}
	return -1;
}

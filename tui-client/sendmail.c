/* Running the editor on a draft and the sendmail-compatible command on the message: fork, exec, wait. */
#include "sendmail.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

const char *sendmail_command(const char *configured)
{
	if (configured != NULL && configured[0] != '\0')
		return configured;
	return access(SENDMAIL_DEFAULT_PATH, X_OK) == 0 ? SENDMAIL_DEFAULT : NULL;
}

const char *sendmail_editor(void)
{
	const char *v = getenv("VISUAL");

	if (v == NULL || v[0] == '\0')
		v = getenv("EDITOR");
	return v != NULL && v[0] != '\0' ? v : "vi";
}

/* The signals the client handles while a child runs, and how they were before. */
struct saved_signals {
	struct sigaction intr, quit, tstp;
};

/*
 * As system(3) does: the client ignores SIGINT and SIGQUIT while the child has the terminal
 * (Ctrl-C is the child's).  With terminal, SIGTSTP stops the client plainly, without curses'
 * handler that would repaint the list over the editor when it continues.
 */
static void signals_hold(struct saved_signals *s, int terminal)
{
	struct sigaction ign = { .sa_handler = SIG_IGN }, dfl = { .sa_handler = SIG_DFL };

	sigaction(SIGINT, &ign, &s->intr);
	sigaction(SIGQUIT, &ign, &s->quit);
	sigaction(SIGTSTP, terminal ? &dfl : NULL, &s->tstp);
}

static void signals_restore(const struct saved_signals *s)
{
	sigaction(SIGINT, &s->intr, NULL);
	sigaction(SIGQUIT, &s->quit, NULL);
	sigaction(SIGTSTP, &s->tstp, NULL);
}

/* In the child: default signals, the descriptors in place, then the shell. */
static void child(const char *script, const char *arg, int in_fd, int out_fd)
{
	static const int sigs[] = { SIGINT, SIGQUIT, SIGTSTP, SIGPIPE, SIGTERM, SIGHUP };
	sigset_t none;

	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		signal(sigs[i], SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (in_fd >= 0 && dup2(in_fd, 0) < 0)
		_exit(127);
	if (out_fd >= 0 && (dup2(out_fd, 1) < 0 || dup2(out_fd, 2) < 0))
		_exit(127);
	execl("/bin/sh", "sh", "-c", script, "sh", arg, (char *)NULL);
	_exit(127);
}

static int exit_status(int st)
{
	return WIFEXITED(st) ? WEXITSTATUS(st) : WIFSIGNALED(st) ? 128 + WTERMSIG(st) : 255;
}

/* Wait for pid, through interruptions; its status as exit_status(). */
static int reap(pid_t pid)
{
	int st = 0;

	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return 255;
	return exit_status(st);
}

int sendmail_edit(const char *editor, const char *path, int *status_r)
{
	struct saved_signals s;
	char *script = malloc(strlen(editor) + 8);
	pid_t pid;

	if (script == NULL)
		return -1;
	strcpy(script, editor);
	strcat(script, " \"$1\"");
	signals_hold(&s, 1);
	pid = fork();
	if (pid == 0)
		child(script, path, -1, -1);
	int e = errno;

	free(script);
	if (pid > 0)
		*status_r = reap(pid);
	signals_restore(&s);
	errno = e;
	return pid < 0 ? -1 : 0;
}

/* Read what is there from fd into out (bounded, the rest dropped); 0 at its end. */
static int collect(int fd, char *out, size_t size, size_t *len)
{
	char drop[512];
	ssize_t n;

	do
		n = *len + 1 < size ? read(fd, out + *len, size - 1 - *len) : read(fd, drop, sizeof drop);
	while (n < 0 && errno == EINTR);
	if (n > 0 && *len + 1 < size)
		*len += (size_t)n;
	out[*len] = '\0';
	return n > 0 || (n < 0 && errno == EAGAIN) ? 1 : 0;
}

/*
 * Collect the output until the pipe ends or the child has exited and the pipe is quiet (a
 * daemon it left behind may hold the pipe open); its exit status.
 */
static int collect_until_exit(pid_t pid, int fd, char *out, size_t size)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	size_t len = 0;
	int st, open = 1;

	out[0] = '\0';
	for (;;) {
		pid_t w = waitpid(pid, &st, WNOHANG);

		if (w == pid) {
			while (open && poll(&p, 1, 0) > 0 && collect(fd, out, size, &len))
				;
			return exit_status(st);
		}
		if (w < 0 && errno != EINTR)
			return 255;
		if (open && poll(&p, 1, 100) > 0)
			open = collect(fd, out, size, &len);
		else if (!open)
			return reap(pid);
	}
}

int sendmail_run(const char *cmd, int in_fd, char *out, size_t size, int *status_r)
{
	struct saved_signals s;
	int p[2];
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	signals_hold(&s, 0);
	pid = fork();
	if (pid == 0)
		child(cmd, NULL, in_fd, p[1]);
	int e = errno;

	close(p[1]);
	if (pid > 0) {
		fcntl(p[0], F_SETFL, O_NONBLOCK);
		*status_r = collect_until_exit(pid, p[0], out, size);
	}
	close(p[0]);
	signals_restore(&s);
	errno = e;
	return pid < 0 ? -1 : 0;
}

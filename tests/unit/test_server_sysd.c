/* Unit tests for sysd: LISTEN_FDS/LISTEN_PID/LISTEN_FDNAMES as systemd sets them, and the checks. */
#include "harness.h"
#include "sysd.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

/* A TCP socket on a free loopback port at descriptor fd, listening or not. */
static void socket_at(int fd, int listening)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int s = socket(AF_INET, SOCK_STREAM, 0);

	CHECK(s >= 0 && bind(s, (struct sockaddr *)&sa, sizeof(sa)) == 0);
	if (listening)
		CHECK(listen(s, 4) == 0);
	if (s != fd) {
		CHECK(dup2(s, fd) == fd);
		close(s);
	}
}

static void set_env(const char *pid, const char *fds, const char *names)
{
	char me[32];

	snprintf(me, sizeof(me), "%ld", (long)getpid());
	setenv("LISTEN_PID", pid ? pid : me, 1);
	setenv("LISTEN_FDS", fds, 1);
	if (names)
		setenv("LISTEN_FDNAMES", names, 1);
	else
		unsetenv("LISTEN_FDNAMES");
}

static void test_not_activated(void)
{
	int fd[4], tls[4];
	char err[200];

	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDS");
	CHECK(sysd_listen_fds(fd, tls, 4, err, sizeof(err)) == 0);
}

static void test_other_pid_is_ignored(void)
{
	int fd[4], tls[4];
	char err[200];

	set_env("1", "1", NULL);
	CHECK(sysd_listen_fds(fd, tls, 4, err, sizeof(err)) == 0);
	/* Not ours to take: the variables stay for whoever they are meant for. */
	CHECK(getenv("LISTEN_FDS") != NULL);
}

static void test_names_pick_tls(void)
{
	int fd[4], tls[4];
	char err[200];

	socket_at(3, 1);
	socket_at(4, 1);
	socket_at(5, 1);
	set_env(NULL, "3", "pop3:pop3s:pop3sx");
	CHECK(sysd_listen_fds(fd, tls, 4, err, sizeof(err)) == 3);
	CHECK(fd[0] == 3 && fd[1] == 4 && fd[2] == 5);
	CHECK(tls[0] == 0 && tls[1] == 1 && tls[2] == 0);
	CHECK((fcntl(3, F_GETFD) & FD_CLOEXEC) && (fcntl(5, F_GETFD) & FD_CLOEXEC));
	/* Taken: the variables are gone, as sd_listen_fds(1) leaves them. */
	CHECK(getenv("LISTEN_FDS") == NULL && getenv("LISTEN_PID") == NULL &&
	      getenv("LISTEN_FDNAMES") == NULL);
	close(3);
	close(4);
	close(5);
}

static void test_without_names_all_plain(void)
{
	int fd[4], tls[4];
	char err[200];

	socket_at(3, 1);
	set_env(NULL, "1", NULL);
	CHECK(sysd_listen_fds(fd, tls, 4, err, sizeof(err)) == 1);
	CHECK(tls[0] == 0);
	close(3);
}

static void test_not_listening_refused(void)
{
	int fd[4], tls[4];
	char err[200] = "";

	socket_at(3, 0);
	set_env(NULL, "1", "pop3");
	CHECK(sysd_listen_fds(fd, tls, 4, err, sizeof(err)) == -1);
	CHECK_STR(err, "socket activation: descriptor 3 is not listening");
	close(3);
}

static void test_not_a_socket_refused(void)
{
	int fd[4], tls[4];
	char err[200] = "";
	int p[2];

	CHECK(pipe(p) == 0);
	CHECK(dup2(p[0], 3) == 3);
	if (p[0] != 3)
		close(p[0]);
	close(p[1]);
	set_env(NULL, "1", NULL);
	CHECK(sysd_listen_fds(fd, tls, 4, err, sizeof(err)) == -1);
	CHECK_STR(err, "socket activation: descriptor 3 is not a stream socket");
	close(3);
}

static void test_bad_counts_refused(void)
{
	int fd[2], tls[2];
	char err[200] = "";

	set_env(NULL, "x", NULL);
	CHECK(sysd_listen_fds(fd, tls, 2, err, sizeof(err)) == -1);
	set_env(NULL, "3", NULL);
	CHECK(sysd_listen_fds(fd, tls, 2, err, sizeof(err)) == -1);
	CHECK_STR(err, "socket activation: bad LISTEN_FDS=3 (at most 2)");
	set_env(NULL, "-1", NULL);
	CHECK(sysd_listen_fds(fd, tls, 2, err, sizeof(err)) == -1);
}

TEST_MAIN("server_sysd",
	  TEST(test_not_activated),
	  TEST(test_other_pid_is_ignored),
	  TEST(test_names_pick_tls),
	  TEST(test_without_names_all_plain),
	  TEST(test_not_listening_refused),
	  TEST(test_not_a_socket_refused),
	  TEST(test_bad_counts_refused))

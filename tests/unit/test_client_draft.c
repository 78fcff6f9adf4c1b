/* Unit tests of draft files (a private folder, new files only, no links) and of the sendmail runner. */
#include "harness.h"
#include "draft.h"
#include "sendmail.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static char root[] = "/tmp/test-draft.XXXXXX";

static void run(const char *cmd)
{
	if (system(cmd) != 0)
		fprintf(stderr, "  (%s failed)\n", cmd);
}

static void test_setup(void)
{
	CHECK(mkdtemp(root) != NULL);
	CHECK(setenv("XDG_STATE_HOME", root, 1) == 0);
}

static int mode_of(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0 ? (int)(st.st_mode & 07777) : -1;
}

static void test_create_private(void)
{
	struct draft a, b;
	char err[600], *text = NULL, dir[4200];
	size_t len = 0;

	CHECK(draft_create(&a, "reply", "To: x\n\nhello\n", 13, err, sizeof err) == 0);
	CHECK(draft_create(&b, "reply", "second", 6, err, sizeof err) == 0);
	CHECK(strcmp(a.path, b.path) != 0);	/* never the same file twice */
	snprintf(dir, sizeof dir, "%s/mailroom/drafts", root);
	CHECK(mode_of(dir) == 0700);
	CHECK(mode_of(a.path) == 0600);
	CHECK(draft_read(&a, &text, &len, err, sizeof err) == 0);
	CHECK(len == 13 && text != NULL && strcmp(text, "To: x\n\nhello\n") == 0);
	free(text);
	draft_remove(&a);
	CHECK(access(a.path, F_OK) != 0);
	CHECK(access(b.path, F_OK) == 0);
	draft_remove(&b);
	draft_close(&a);
	draft_close(&b);
}

static void test_link_refused(void)
{
	struct draft d;
	char err[600], *text = NULL;
	size_t len;

	/* The file replaced by a link while the editor ran: not followed. */
	CHECK(draft_create(&d, "reply", "x", 1, err, sizeof err) == 0);
	CHECK(unlink(d.path) == 0 && symlink("/etc/passwd", d.path) == 0);
	CHECK(draft_read(&d, &text, &len, err, sizeof err) == -1 && text == NULL);
	draft_remove(&d);
	draft_close(&d);
	/* A FIFO in its place: refused without blocking. */
	CHECK(draft_create(&d, "reply", "x", 1, err, sizeof err) == 0);
	CHECK(unlink(d.path) == 0 && mkfifo(d.path, 0600) == 0);
	CHECK(draft_read(&d, &text, &len, err, sizeof err) == -1 && strstr(err, "not a regular file") != NULL);
	draft_remove(&d);
	draft_close(&d);
}

static void test_folder_refused(void)
{
	struct draft d;
	char err[600], cmd[8400];

	snprintf(cmd, sizeof cmd, "chmod 755 '%s/mailroom/drafts'", root);
	run(cmd);
	CHECK(draft_create(&d, "reply", "x", 1, err, sizeof err) == -1 && strstr(err, "not a private folder") != NULL);
	snprintf(cmd, sizeof cmd, "rmdir '%s/mailroom/drafts' && mkdir -m 700 '%s/elsewhere' && "
		 "ln -s '%s/elsewhere' '%s/mailroom/drafts'", root, root, root, root);
	run(cmd);
	CHECK(draft_create(&d, "reply", "x", 1, err, sizeof err) == -1);
	snprintf(cmd, sizeof cmd, "ls -A '%s/elsewhere' | wc -l | grep -qx 0", root);
	CHECK(system(cmd) == 0);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
	run(cmd);
}

static void test_run_status_output(void)
{
	char out[SENDMAIL_OUTPUT_MAX];
	int status = -1;

	CHECK(sendmail_run("echo to-stdout; echo to-stderr >&2; exit 75", -1, out, sizeof out, &status) == 0);
	CHECK(status == 75);
	CHECK(strcmp(out, "to-stdout\nto-stderr\n") == 0);
	CHECK(sendmail_run("kill -TERM $$", -1, out, sizeof out, &status) == 0 && status == 128 + 15);
	/* Output past the bound is read and dropped: the command is never blocked on a full pipe. */
	CHECK(sendmail_run("head -c 100000 /dev/zero | tr '\\0' x", -1, out, sizeof out, &status) == 0);
	CHECK(status == 0 && strlen(out) == sizeof out - 1);
}

static void test_run_stdin_and_daemon(void)
{
	char out[SENDMAIL_OUTPUT_MAX];
	int status = -1, fd = memfd_create("t", 0);

	CHECK(fd >= 0 && write(fd, "the message\n", 12) == 12 && lseek(fd, 0, SEEK_SET) == 0);
	CHECK(sendmail_run("cat; echo \"args:$#\"", fd, out, sizeof out, &status) == 0);
	CHECK(status == 0 && strcmp(out, "the message\nargs:0\n") == 0);
	close(fd);
	/* A background process left holding the pipe does not keep us waiting for it. */
	time_t t0 = time(NULL);

	CHECK(sendmail_run("sleep 3 & echo started", -1, out, sizeof out, &status) == 0);
	CHECK(status == 0 && strcmp(out, "started\n") == 0 && time(NULL) - t0 < 3);
}

static void test_command_choice(void)
{
	CHECK(strcmp(sendmail_command("msmtp -t"), "msmtp -t") == 0);
	CHECK(sendmail_command("") == NULL || strcmp(sendmail_command(""), SENDMAIL_DEFAULT) == 0);
	CHECK((sendmail_command(NULL) != NULL) == (access(SENDMAIL_DEFAULT_PATH, X_OK) == 0));
	setenv("VISUAL", "", 1);
	setenv("EDITOR", "nano -w", 1);
	CHECK(strcmp(sendmail_editor(), "nano -w") == 0);
	setenv("VISUAL", "vim", 1);
	CHECK(strcmp(sendmail_editor(), "vim") == 0);
	unsetenv("VISUAL");
	unsetenv("EDITOR");
	CHECK(strcmp(sendmail_editor(), "vi") == 0);
}

TEST_MAIN("client_draft", TEST(test_setup), TEST(test_create_private), TEST(test_link_refused),
	  TEST(test_folder_refused), TEST(test_run_status_output), TEST(test_run_stdin_and_daemon),
	  TEST(test_command_choice))

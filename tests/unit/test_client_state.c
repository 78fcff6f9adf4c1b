/* Unit tests of the state file: damage kept out, missing file, another client writing, pruning, atomic writes. */
#include "harness.h"
#include "state.h"

#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define ACCOUNT "bob@localhost:110"
#define FILE_NAME "bob@localhost%3A110"

static char scratch[] = "/tmp/test_client_state.XXXXXX";

/* A fresh folder path under the scratch folder (not created: the save creates it). */
static const char *fresh_dir(const char *name)
{
	static char path[512];

	snprintf(path, sizeof(path), "%s/%s", scratch, name);
	return path;
}

static void write_file(const char *dir, const char *data, size_t len)
{
	char path[600];
	FILE *f;

	mkdir(dir, 0700);
	snprintf(path, sizeof(path), "%s/%s", dir, FILE_NAME);
	f = fopen(path, "wb");
	if (f != NULL) {
		fwrite(data, 1, len, f);
		fclose(f);
	}
}

/* Entries in dir whose name contains part, without . and .. */
static int count_names(const char *dir, const char *part)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	while (d != NULL && (e = readdir(d)) != NULL)
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..") && strstr(e->d_name, part);
	if (d != NULL)
		closedir(d);
	return n;
}

static struct state *load(const char *dir, char *note, size_t nsize)
{
	struct state *st = NULL;

	CHECK(state_load(dir, ACCOUNT, &st, note, nsize) == 0);
	return st;
}

static void test_names(void)
{
	char name[256], dir[512];

	state_file_name("bob@localhost:110", name, sizeof(name));
	CHECK_STR(name, "bob@localhost%3A110");
	state_file_name("../x/y", name, sizeof(name));
	CHECK_STR(name, "%2E.%2Fx%2Fy");
	setenv("XDG_STATE_HOME", "/some/where", 1);
	CHECK(state_dir(dir, sizeof(dir)) == 0);
	CHECK_STR(dir, "/some/where/mailroom");
	setenv("XDG_STATE_HOME", "relative", 1);
	setenv("HOME", "/home/bob", 1);
	CHECK(state_dir(dir, sizeof(dir)) == 0);
	CHECK_STR(dir, "/home/bob/.local/state/mailroom");
}

static void test_missing(void)
{
	char note[600] = "x";
	struct state *st = load(fresh_dir("missing"), note, sizeof(note));

	CHECK(st != NULL && state_count(st) == 0);
	CHECK_STR(note, "");
	CHECK(st && state_get(st, "abc") == 0);
	state_free(st);
}

static void test_damaged(void)
{
	const char *dir = fresh_dir("damaged");
	char huge[9000], data[12000], note[600];

	memset(huge, 'x', sizeof(huge) - 1);
	huge[sizeof(huge) - 1] = '\0';
	int n = snprintf(data, sizeof(data),
			 "# mailroom state 1\n"
			 "sr good1\n"
			 "q bad-flag\n"
			 "r %s\n"		/* a line far too long */
			 "s \x01" "ctl\n"	/* a control character in the UID */
			 "noblank\n"
			 "\n"
			 "srw good2\n"
			 "s nul%cinside\n"	/* a NUL inside a line */
			 "w good3\n"
			 "sr cut-sho",		/* the last line lost its newline */
			 huge, '\0');
	write_file(dir, data, (size_t)n);
	struct state *st = load(dir, note, sizeof(note));

	CHECK(st != NULL && state_count(st) == 3);
	CHECK(st && state_get(st, "good1") == (STATE_SEEN | STATE_READ));
	CHECK(st && state_get(st, "good2") == (STATE_SEEN | STATE_READ | STATE_SAVED));
	CHECK(st && state_get(st, "good3") == STATE_SAVED);
	CHECK(st && state_get(st, "cut-sho") == 0);
	CHECK(strstr(note, "6 damaged lines skipped") != NULL);
	state_free(st);
	/* Only NULs: every line damaged, nothing crashes. */
	memset(data, 0, 4000);
	write_file(dir, data, 4000);
	st = load(dir, note, sizeof(note));
	CHECK(st != NULL && state_count(st) == 0);
	CHECK(strstr(note, "1 damaged line skipped") != NULL);
	state_free(st);
}

static void test_round_trip(void)
{
	const char *dir = fresh_dir("roundtrip");
	char note[600], err[600], path[600];
	struct state *st = load(dir, note, sizeof(note));
	struct stat sb;

	CHECK(st && state_set(st, "a1", STATE_SEEN | STATE_READ) == 0);
	CHECK(st && state_set(st, "a2", STATE_SEEN | STATE_SAVED) == 0);
	CHECK(st && state_set(st, "bad uid", STATE_SEEN) < 0);
	CHECK(st && state_save(st, err, sizeof(err)) == 0);
	state_free(st);
	st = load(dir, note, sizeof(note));
	CHECK(st && state_count(st) == 2);
	CHECK(st && state_get(st, "a1") == (STATE_SEEN | STATE_READ));
	CHECK(st && state_get(st, "a2") == (STATE_SEEN | STATE_SAVED));
	CHECK_STR(note, "");
	state_free(st);
	snprintf(path, sizeof(path), "%s/%s", dir, FILE_NAME);
	CHECK(stat(path, &sb) == 0 && (sb.st_mode & 0777) == 0600);
	CHECK(stat(dir, &sb) == 0 && (sb.st_mode & 0777) == 0700);
	CHECK(count_names(dir, ".tmp") == 0);
}

/* Another client on the account, in a process of its own: load, change, save. */
static void other_client(const char *dir, struct state *inherited)
{
	char note[600], err[600];
	struct state *st = NULL;

	state_free(inherited);	/* the parent's, copied by fork */
	if (state_load(dir, ACCOUNT, &st, note, sizeof(note)) < 0)
		_exit(1);
	state_set(st, "x", STATE_SEEN | STATE_READ);	/* read x */
	state_set(st, "y", STATE_SEEN);			/* a new message y */
	int r = state_save(st, err, sizeof(err));

	state_free(st);
	_exit(r == 0 ? 0 : 1);
}

static void test_other_writer(void)
{
	const char *dir = fresh_dir("other");
	char note[600], err[600];
	int status = -1;

	write_file(dir, "s x\ns z\nsr w\n", 13);
	struct state *st = load(dir, note, sizeof(note));
	pid_t pid = fork();

	if (pid == 0)
		other_client(dir, st);
	CHECK(pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);
	CHECK(st && state_set(st, "z", STATE_SEEN | STATE_READ) == 0);	/* we read z */
	CHECK(st && state_set(st, "w", STATE_SEEN) == 0);		/* and marked w unread */
	CHECK(st && state_save(st, err, sizeof(err)) == 0);
	state_free(st);
	st = load(dir, note, sizeof(note));
	CHECK(st && state_get(st, "x") == (STATE_SEEN | STATE_READ));
	CHECK(st && state_get(st, "y") == STATE_SEEN);
	CHECK(st && state_get(st, "z") == (STATE_SEEN | STATE_READ));
	CHECK(st && state_get(st, "w") == STATE_SEEN);
	state_free(st);
}

static void test_prune(void)
{
	const char *dir = fresh_dir("prune");
	char note[600], err[600];
	unsigned old = 99;
	int status = -1;

	write_file(dir, "sr a\ns b\nsw c\n", 14);
	struct state *st = load(dir, note, sizeof(note));

	/* Another client writes d after our load: it is kept, though our LIST lacks it. */
	pid_t pid = fork();

	if (pid == 0) {
		struct state *o = NULL;

		state_free(st);
		_exit(state_load(dir, ACCOUNT, &o, note, sizeof(note)) == 0 && state_set(o, "d", STATE_SEEN) == 0 &&
		      state_save(o, err, sizeof(err)) == 0 && (state_free(o), 1) ? 0 : 1);
	}
	CHECK(pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);
	state_list_begin(st);
	CHECK(st && state_list_add(st, "a", &old) == 0 && old == (STATE_SEEN | STATE_READ));
	CHECK(st && state_list_add(st, "c", &old) == 0 && old == (STATE_SEEN | STATE_SAVED));
	CHECK(st && state_list_add(st, "e", &old) == 0 && old == 0);
	CHECK(st && state_get(st, "e") == STATE_SEEN);
	CHECK(st && state_save(st, err, sizeof(err)) == 0);
	state_free(st);
	st = load(dir, note, sizeof(note));
	CHECK(st && state_count(st) == 4);
	CHECK(st && state_get(st, "b") == 0);
	CHECK(st && state_get(st, "d") == STATE_SEEN);
	CHECK(st && state_get(st, "e") == STATE_SEEN);
	state_free(st);
}

/* A write that fails half-way (the file-size limit): the old file stays, no temporary file. */
static void test_failed_write(void)
{
	const char *dir = fresh_dir("fail");
	char note[600], err[600] = "", uid[32], path[600], back[64] = "";
	struct rlimit old, small;
	FILE *f;

	write_file(dir, "sr keep\n", 8);
	struct state *st = load(dir, note, sizeof(note));

	for (int i = 0; st && i < 2000; i++) {
		snprintf(uid, sizeof(uid), "uid-%d", i);
		state_set(st, uid, STATE_SEEN);
	}
	signal(SIGXFSZ, SIG_IGN);
	getrlimit(RLIMIT_FSIZE, &old);
	small = old;
	small.rlim_cur = 1000;
	CHECK(setrlimit(RLIMIT_FSIZE, &small) == 0);
	CHECK(st && state_save(st, err, sizeof(err)) < 0);
	setrlimit(RLIMIT_FSIZE, &old);
	CHECK(strstr(err, "cannot write it") != NULL);
	CHECK(count_names(dir, ".tmp") == 0);
	snprintf(path, sizeof(path), "%s/%s", dir, FILE_NAME);
	if ((f = fopen(path, "r")) != NULL) {
		CHECK(fgets(back, sizeof(back), f) != NULL);
		fclose(f);
	}
	CHECK_STR(back, "sr keep\n");
	state_free(st);
}

/* Many entries: every one found, none invented (the table grows and rehashes). */
static void test_many(void)
{
	struct state *st = load(fresh_dir("many"), (char[600]){ 0 }, 600);
	char uid[32];
	int wrong = 0;

	for (int i = 0; st && i < 20000; i++) {
		snprintf(uid, sizeof(uid), "%08x", (unsigned)i * 2654435761u);
		wrong += state_set(st, uid, (unsigned)(i % 7) + 1) != 0;
	}
	for (int i = 0; st && i < 20000; i++) {
		snprintf(uid, sizeof(uid), "%08x", (unsigned)i * 2654435761u);
		wrong += state_get(st, uid) != (unsigned)(i % 7) + 1;
	}
	CHECK(wrong == 0);
	CHECK(st && state_count(st) == 20000);
	CHECK(st && state_get(st, "not-there") == 0);
	state_free(st);
}

static double cpu_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/*
 * What the first screen pays for the state at 10,000 messages: reading a file of 10,000
 * entries and joining a LIST of 10,000 to it, in CPU time (a loaded machine preempts us for
 * tens of ms).  A printout, not an assertion.
 */
static void test_first_screen_cost(void)
{
	const char *dir = fresh_dir("timing");
	static char data[10000 * 24 + 100];
	char uid[32], note[600];
	size_t o = 0;
	unsigned old;
	int joined = 0;

	for (int i = 0; i < 10000; i++)
		o += (size_t)snprintf(data + o, sizeof(data) - o, "%s %08x%08x\n", i % 2 ? "sr" : "s", i, i * 7);
	write_file(dir, data, o);
	double t0 = cpu_ms();
	struct state *st = load(dir, note, sizeof(note));

	double t1 = cpu_ms();
	state_list_begin(st);
	for (int i = 0; st && i < 10000; i++) {
		snprintf(uid, sizeof(uid), "%08x%08x", i, i * 7);
		joined += state_list_add(st, uid, &old) == 0 && (old & STATE_SEEN);
	}
	double t2 = cpu_ms();

	CHECK(joined == 10000);
	printf("  10,000 entries: load %.2f ms, join a LIST of 10,000 %.2f ms\n", t1 - t0, t2 - t1);
	state_free(st);
}

static void test_cleanup(void)
{
	char cmd[600];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", scratch);
	CHECK(system(cmd) == 0);
}

static void test_setup(void)
{
	CHECK(mkdtemp(scratch) != NULL);
}

TEST_MAIN("client_state", TEST(test_setup), TEST(test_names), TEST(test_missing), TEST(test_damaged),
	  TEST(test_round_trip), TEST(test_other_writer), TEST(test_prune), TEST(test_failed_write),
	  TEST(test_many), TEST(test_first_screen_cost), TEST(test_cleanup))

/* Unit tests of parts on disk: mailcap parsing, matching and quoting; safe names; never replacing a file. */
#include "attach.h"
#include "harness.h"
#include "mailcap.h"
#include "save.h"
#include "viewer.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static char scratch[] = "/tmp/test_client_mailcap.XXXXXX";

static void parse_lines(void)
{
	struct mailcap_entry e;

	CHECK(mailcap_parse_line("# a comment", &e) == 1);
	CHECK(mailcap_parse_line("   ", &e) == 1);
	CHECK(mailcap_parse_line("text/plain", &e) == 1);
	CHECK(mailcap_parse_line("Image/*; viewer '%s' \\; echo done; needsterminal; test=test -n \"$DISPLAY\";"
				 " nametemplate=%s.png; description=x", &e) == 0);
	CHECK_STR(e.type, "image/*");
	CHECK_STR(e.command, "viewer '%s' ; echo done");
	CHECK(e.needsterminal && !e.copiousoutput);
	CHECK_STR(e.test, "test -n \"$DISPLAY\"");
	CHECK_STR(e.nametemplate, "%s.png");
	mailcap_entry_free(&e);
	CHECK(mailcap_parse_line("text/html; w3m -dump -T text/html; copiousoutput", &e) == 0);
	CHECK(e.copiousoutput && e.test == NULL);
	mailcap_entry_free(&e);
}

static void type_matching(void)
{
	CHECK(mailcap_type_match("image/*", "image/png"));
	CHECK(mailcap_type_match("image", "image/png"));
	CHECK(mailcap_type_match("text/html", "text/html"));
	CHECK(!mailcap_type_match("image/png", "image/gif"));
	CHECK(!mailcap_type_match("image/*", "imagex/png"));
	CHECK(!mailcap_type_match("ima", "image/png"));
	CHECK(!mailcap_type_match("text/plain", "text/plainx"));
}

static void expansion_quotes(void)
{
	int has;
	char *c = mailcap_expand("view %s", "/tmp/d/a.pdf", "application/pdf", "utf-8", &has);

	CHECK_STR(c, "view '/tmp/d/a.pdf'");
	CHECK(has);
	free(c);
	/* Already quoted by the entry: not quoted twice. */
	c = mailcap_expand("view '%s' \"%s\" %t %{charset} %{other} 100%%", "/t/x", "text/plain", "iso-8859-1", &has);
	CHECK_STR(c, "view '/t/x' \"/t/x\" 'text/plain' iso-8859-1  100%");
	free(c);
	/* Words from mail that could steer the shell are replaced. */
	c = mailcap_expand("cat %{charset} %t", "/t/x", "text/x$(id)", "utf-8;rm -rf ~", &has);
	CHECK_STR(c, "cat utf-8 'application/octet-stream'");
	CHECK(!has);
	free(c);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	CHECK(f != NULL);
	if (f != NULL) {
		fputs(text, f);
		fclose(f);
	}
}

static int test_ok(const char *cmd, void *ctx)
{
	(void)ctx;
	return strstr(cmd, "false") == NULL;
}

static void lookup_order(void)
{
	char a[256], b[256], files[600];
	struct mailcap_entry e;

	snprintf(a, sizeof a, "%s/home.mailcap", scratch);
	snprintf(b, sizeof b, "%s/etc.mailcap", scratch);
	write_file(a, "image/png; never; test=false\nimage/*; first %s\ntext/html; \\\n  lynx -dump; copiousoutput\n");
	write_file(b, "image/png; second %s\ntext/html; w3m -T text/html\napplication/pdf; pdf %s\n");
	snprintf(files, sizeof files, "%s/missing:%s:%s", scratch, a, b);
	CHECK(mailcap_lookup(files, "image/png", 0, test_ok, NULL, &e) == 0);
	CHECK_STR(e.command, "first %s");
	mailcap_entry_free(&e);
	CHECK(mailcap_lookup(files, "application/pdf", 0, test_ok, NULL, &e) == 0);
	CHECK_STR(e.command, "pdf %s");
	mailcap_entry_free(&e);
	CHECK(mailcap_lookup(files, "text/html", 1, test_ok, NULL, &e) == 0);
	CHECK_STR(e.command, "lynx -dump");
	mailcap_entry_free(&e);
	CHECK(mailcap_lookup(files, "video/mp4", 0, test_ok, NULL, &e) == 1);
	unlink(a);
	unlink(b);
}

static void check_name(const char *in, const char *want)
{
	char out[ATTACH_NAME_MAX];

	attach_safe_name(in, 2, "application/pdf", out, sizeof out);
	CHECK_STR(out, want);
}

static void safe_names(void)
{
	check_name("report.pdf", "report.pdf");
	check_name("../../x", "_.._x");
	check_name(".bashrc", "bashrc");
	check_name("a\x1b[2Jb", "a_[2Jb");
	check_name("a\xef\xbf\xbd" "b\xe2\x80\xae" "fdp.exe", "a_b_fdp.exe");
	check_name("r\xc3\xa9sum\xc3\xa9.pdf", "r\xc3\xa9sum\xc3\xa9.pdf");
	check_name("C:\\evil\\x.txt", "C:_evil_x.txt");
	check_name("...", "part-3.pdf");
	check_name(NULL, "part-3.pdf");
	check_name("/", "part-3.pdf");
	char tmp[80];

	attach_tmp_name("r\xc3\xa9sum\xc3\xa9 $(id).pdf", tmp, sizeof tmp);
	CHECK_STR(tmp, "rsumid.pdf");
	attach_tmp_name("-x", tmp, sizeof tmp);
	CHECK_STR(tmp, "x");
	attach_tmp_name("\xc3\xa9", tmp, sizeof tmp);
	CHECK_STR(tmp, "part");
}

static void never_replaces(void)
{
	char dir[256], final[256], err[600], path[600], buf[16];
	FILE *f;

	snprintf(dir, sizeof dir, "%s/out", scratch);
	CHECK(save_unique(dir, "a.txt", "one", 3, final, sizeof final, err, sizeof err) == 0);
	CHECK_STR(final, "a.txt");
	CHECK(save_unique(dir, "a.txt", "two", 3, final, sizeof final, err, sizeof err) == 0);
	CHECK_STR(final, "a (1).txt");
	CHECK(save_unique(dir, "a.txt", "three", 5, final, sizeof final, err, sizeof err) == 0);
	CHECK_STR(final, "a (2).txt");
	CHECK(save_unique(dir, "noext", "x", 1, final, sizeof final, err, sizeof err) == 0);
	CHECK(save_unique(dir, "noext", "y", 1, final, sizeof final, err, sizeof err) == 0);
	CHECK_STR(final, "noext (1)");
	snprintf(path, sizeof path, "%s/a.txt", dir);
	if ((f = fopen(path, "r")) != NULL) {
		CHECK(fread(buf, 1, sizeof buf, f) == 3 && memcmp(buf, "one", 3) == 0);
		fclose(f);
	}
	snprintf(path, sizeof path, "rm -rf '%s'", dir);
	CHECK(system(path) == 0);
}

static void private_copies(void)
{
	struct viewer_tmp t;
	struct stat st;
	char *out = NULL;
	size_t n = 0;
	int status = -1;

	setenv("TMPDIR", scratch, 1);
	CHECK(viewer_tmp_create(&t, "page", "%s.html", "<p>hi</p>", 9) == 0);
	CHECK(strncmp(t.path, scratch, strlen(scratch)) == 0);
	CHECK(strlen(t.path) > 10 && strcmp(t.path + strlen(t.path) - 10, "/page.html") == 0);
	CHECK(stat(t.path, &st) == 0 && (st.st_mode & 07777) == 0600);
	CHECK(stat(t.dir, &st) == 0 && (st.st_mode & 07777) == 0700);
	/* A template that would add a shell character is not used. */
	struct viewer_tmp u;

	CHECK(viewer_tmp_create(&u, "page", "%s;rm", "x", 1) == 0);
	CHECK(strcmp(u.path + strlen(u.path) - 5, "/page") == 0);
	viewer_tmp_remove(&u);
	/* Without %s the file is the command's input; the output is collected. */
	CHECK(viewer_run("cat; echo done >&2", t.path, &out, &n, &status) == 0);
	CHECK(status == 0 && out != NULL && strcmp(out, "<p>hi</p>done\n") == 0 && n == 14);
	free(out);
	CHECK(viewer_run("exit 3", NULL, &out, &n, &status) == 0 && status == 3);
	free(out);
	CHECK(viewer_test("true", NULL) == 1 && viewer_test("false", NULL) == 0);
	char dir[sizeof t.dir], path[sizeof t.path];

	memcpy(dir, t.dir, sizeof dir);
	memcpy(path, t.path, sizeof path);
	viewer_tmp_remove(&t);
	CHECK(stat(dir, &st) < 0 && stat(path, &st) < 0 && stat(scratch, &st) == 0);
	unsetenv("TMPDIR");
}

static void setup(void)
{
	CHECK(mkdtemp(scratch) != NULL);
}

static void teardown(void)
{
	rmdir(scratch);
}

TEST_MAIN("mailcap and parts on disk",
	  TEST(setup),
	  TEST(parse_lines),
	  TEST(type_matching),
	  TEST(expansion_quotes),
	  TEST(lookup_order),
	  TEST(safe_names),
	  TEST(never_replaces),
	  TEST(private_copies),
	  TEST(teardown))

/* Line mode: read POP3 commands, show the replies, save what RETR brings. */
#include "linemode.h"

#include "mime.h"
#include "save.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/*
 * Server text for out: on a terminal neutralised as the full screen does (controls and
 * escape sequences never reach it), else the bytes as they are, CR of CRLF dropped.
 */
static void put_text(FILE *out, const char *s, size_t len)
{
	size_t n;
	char *safe = isatty(fileno(out)) ? mime_sanitize(s, len, &n) : NULL;

	if (safe != NULL) {
		fwrite(safe, 1, n, out);
		free(safe);
		return;
	}
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\r' && i + 1 < len && s[i + 1] == '\n')
			continue;
		fputc(s[i], out);
	}
}

/* A status line from the server, on a line of its own. */
static void put_reply(FILE *out, const char *reply)
{
	put_text(out, reply, strlen(reply));
	fputc('\n', out);
}

/* Print a payload with "\n" line ends, then the terminator. */
static void print_payload(FILE *out, const struct pop3c_buf *b)
{
	put_text(out, b->data ? b->data : "", b->len);
	fputs(".\n", out);
}

/* Save a retrieved message and say where it went. */
static void save_payload(const struct client_opts *o, const char *uid, unsigned num,
			 const struct pop3c_buf *b, FILE *out)
{
	char name[512], err[512];
	int existed;

	save_name(uid, num, name, sizeof(name));
	if (save_message(o->save_dir, name, b->data ? b->data : "", b->len, &existed, err,
			 sizeof(err)) < 0) {
		fprintf(stderr, "%s: save failed: %s\n", program_invocation_short_name, err);
		return;
	}
	fprintf(out, "%s %s/%s (%zu octets)\n", existed ? "already saved as" : "saved", o->save_dir,
		name, b->len);
}

/* RETR n: show it and save it.  Returns the protocol result. */
static int do_retr(const struct client_opts *o, struct pop3c *pc, unsigned n, FILE *out)
{
	struct pop3c_buf b = { 0 };
	char uid[POP3_UID_MAX + 1] = "";

	if (pop3c_uidl_one(pc, n, uid) == POP3C_FAIL)
		return POP3C_FAIL;
	int r = pop3c_retr(pc, n, &b, NULL, NULL);

	if (r != POP3C_FAIL)
		put_reply(out, pop3c_reply(pc));
	if (r == POP3C_OK) {
		print_payload(out, &b);
		save_payload(o, uid, n, &b, out);
	}
	pop3c_buf_free(&b);
	return r;
}

/* Any other command: send it as typed. */
static int do_raw(struct pop3c *pc, const char *line, FILE *out)
{
	struct pop3c_buf b = { 0 };
	int multi;
	int r = pop3c_raw(pc, line, &b, &multi);

	if (r != POP3C_FAIL)
		put_reply(out, pop3c_reply(pc));
	if (r == POP3C_OK && multi)
		print_payload(out, &b);
	pop3c_buf_free(&b);
	return r;
}

/* Strip the line end and surrounding blanks in place. */
static char *trim(char *s)
{
	size_t n = strlen(s);

	while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
		s[--n] = '\0';
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/* The message number of "RETR n", or 0 when the line is anything else. */
static unsigned retr_number(const char *line)
{
	char name[8], *end;

	pop3c_command_name(line, name);
	if (strcmp(name, "RETR") != 0)
		return 0;
	const char *arg = line + 4;

	while (*arg == ' ')
		arg++;
	unsigned long n = strtoul(arg, &end, 10);

	if (end == arg || *end != '\0' || *arg == '+' || *arg == '-' || n > 0xffffffffUL)
		return 0;
	return (unsigned)n;
}

/* Run one command line; returns the protocol result.  Odd RETR lines go to the server
   as typed, so the user sees its own error text. */
static int run_line(const struct client_opts *o, struct pop3c *pc, char *line, FILE *out)
{
	unsigned n = retr_number(line);

	return n > 0 ? do_retr(o, pc, n, out) : do_raw(pc, line, out);
}

int linemode_run(const struct client_opts *o, struct pop3c *pc, FILE *in, FILE *out)
{
	char *buf = NULL;
	size_t cap = 0;
	int tty = isatty(fileno(in));
	int status = 0;

	for (;;) {
		if (tty) {
			fputs("pop3> ", out);
			fflush(out);
		}
		if (getline(&buf, &cap, in) < 0)
			break;
		char *line = trim(buf);

		if (*line == '\0')
			continue;
		if (strlen(line) > POP3_CMD_MAX - 2) {
			fprintf(stderr, "%s: command too long\n", program_invocation_short_name);
			continue;
		}
		int r = run_line(o, pc, line, out);

		fflush(out);
		if (r == POP3C_FAIL || pop3c_dead(pc))
			break;
	}
	if (!pop3c_dead(pc) && pop3c_quit(pc) != POP3C_FAIL)
		put_reply(out, pop3c_reply(pc));
	if (pop3c_dead(pc) && !pop3c_ended(pc)) {
		fprintf(stderr, "%s: %s\n", program_invocation_short_name, pop3c_error(pc));
		status = 1;
	}
	fflush(out);
	free(buf);
	return status;
}

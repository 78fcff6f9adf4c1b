/* Reply, reply-all and forward from the screen: the draft, the editor, then send / edit again / abandon. */
#include "ui.h"

#include "compose.h"
#include "draft.h"
#include "mime.h"
#include "save.h"
#include "sendmail.h"

#include <curses.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

/* One reply or forward in progress. */
struct job {
	enum compose_kind kind;
	struct draft d;
	char *first;		/* the draft as written, to tell an unchanged one */
};

/* Our From: --from (or the config's from), else user@host, else the login name. */
static void our_from(const struct ui *ui, char *buf, size_t size)
{
	const char *u = ui->o->user != NULL ? ui->o->user : "";

	if (ui->o->from != NULL && ui->o->from[0] != '\0')
		snprintf(buf, size, "%s", ui->o->from);
	else if (strchr(u, '@') != NULL || ui->o->host == NULL)
		snprintf(buf, size, "%s", u);
	else
		snprintf(buf, size, "%s@%s", u, ui->o->host);
}

/* Our own addresses, left out of a reply-all: the From, user@host, and the user when an address. */
static int our_addrs(const struct ui *ui, const char *from, struct compose_addrs *self)
{
	char uh[600];

	snprintf(uh, sizeof uh, "%s@%s", ui->o->user ? ui->o->user : "", ui->o->host ? ui->o->host : "");
	if (compose_addrs_parse(from, self) < 0 || compose_addrs_add(self, "", uh) < 0)
		return -1;
	if (ui->o->user != NULL && strchr(ui->o->user, '@') != NULL)
		return compose_addrs_add(self, "", ui->o->user);
	return 0;
}

/* The draft's text for message i of raw[0..len); NULL with the status set. */
static char *make_draft(struct ui *ui, enum compose_kind kind, const char *raw, size_t len)
{
	struct compose_addrs self = { 0 };
	struct mime_msg *m = NULL;
	char from[600], *text = NULL;

	our_from(ui, from, sizeof from);
	if (our_addrs(ui, from, &self) == 0 && mime_parse(raw, len, &m) == 0)
		text = compose_draft(kind, raw, len, m->body, from, &self);
	if (text == NULL)
		ui_status(ui, 1, "out of memory");
	mime_free(m);
	compose_addrs_free(&self);
	return text;
}

/* The editor on the draft with the screen suspended; 0, or -1 with the status set (draft kept). */
static int edit(struct ui *ui, struct job *j)
{
	const char *editor = sendmail_editor();
	int status = 0, r;

	def_prog_mode();
	endwin();
	r = sendmail_edit(editor, j->d.path, &status);
	reset_prog_mode();
	clearok(curscr, TRUE);
	refresh();
	if (r < 0)
		ui_status(ui, 1, "cannot run the editor %s: %s; the draft is in %s", editor, strerror(errno), j->d.path);
	else if (status != 0)
		ui_status(ui, 1, "the editor %s exited with status %d: nothing sent; the draft is in %s", editor,
			  status, j->d.path);
	return r < 0 || status != 0 ? -1 : 0;
}

/* The message in a memory file for the command's standard input; the descriptor or -1. */
static int message_fd(const char *msg, size_t len)
{
	int fd = memfd_create("mailroom-message", MFD_CLOEXEC);

	if (fd >= 0 && (save_write_all(fd, msg, len) < 0 || lseek(fd, 0, SEEK_SET) < 0)) {
		close(fd);
		fd = -1;
	}
	return fd;
}

/* The command failed: its status and output in a window, and on the status line. */
static void show_failure(struct ui *ui, const char *cmd, int status, const char *out, const char *path)
{
	struct ui_lines l = { 0 };
	char line[4400], *clean;
	size_t n;

	snprintf(line, sizeof line, "%s exited with status %d%s", cmd, status, out[0] ? "; it said:" : ", saying nothing");
	ui_lines_add(&l, line, strlen(line));
	if ((clean = mime_sanitize(out, strlen(out), &n)) != NULL)
		ui_text_wrap(clean, n, ui->cols - 6, &l);
	snprintf(line, sizeof line, "The draft is kept in %s", path);
	ui_text_wrap(line, strlen(line), ui->cols - 6, &l);
	ui_show_lines(ui, "Not sent", &l);
	ui_lines_clear(&l);
	/* The status line keeps the first line the command wrote. */
	n = clean != NULL ? strcspn(clean, "\n") : 0;
	ui_status(ui, 1, "not sent: exit status %d: %.*s; draft kept: %s", status, (int)(n < 200 ? n : 200),
		  clean != NULL ? clean : "", path);
	free(clean);
}

/* Send the edited draft; 0 sent or failed (status set, the job is over), 1 to ask again. */
static int send_draft(struct ui *ui, struct job *j, const char *text, size_t len)
{
	const char *cmd = sendmail_command(ui->o->sendmail);
	char out[SENDMAIL_OUTPUT_MAX];
	size_t mlen, nrcpt;
	int fd, status = 0;
	char *msg;

	if (cmd == NULL) {
		ui_status(ui, 1, "nothing to send with: %s is missing; set sendmail (or --sendmail); draft kept: %s",
			  SENDMAIL_DEFAULT_PATH, j->d.path);
		return 0;
	}
	if ((msg = compose_finish(text, len, (long long)time(NULL), &mlen, &nrcpt)) == NULL || nrcpt == 0) {
		ui_status(ui, 1, "%s", msg == NULL ? "out of memory" : "no recipient: fill in To (e edits the draft)");
		free(msg);
		return 1;
	}
	fd = message_fd(msg, mlen);
	free(msg);
	ui_busy(ui, "sending with %s ...", cmd);
	if (fd < 0 || sendmail_run(cmd, fd, out, sizeof out, &status) < 0)
		ui_status(ui, 1, "cannot run %s: %s; draft kept: %s", cmd, strerror(errno), j->d.path);
	else if (status != 0)
		show_failure(ui, cmd, status, out, j->d.path);
	else {
		draft_remove(&j->d);
		ui_status(ui, 0, "sent to %zu recipient%s with %s", nrcpt, nrcpt == 1 ? "" : "s", cmd);
	}
	if (fd >= 0)
		close(fd);
	return 0;
}

/* After an edit: 1 to edit again, 0 when the job is over. */
static int after_edit(struct ui *ui, struct job *j, int first)
{
	char err[600], *text;
	size_t len;
	int r = 0, key;

	if (draft_read(&j->d, &text, &len, err, sizeof err) < 0) {
		ui_status(ui, 1, "%s", err);
		return 0;
	}
	if (first && strcmp(text, j->first) == 0) {
		draft_remove(&j->d);
		ui_status(ui, 0, "the draft was not changed: nothing sent, draft removed");
		free(text);
		return 0;
	}
	for (;;) {
		key = ui_choose(ui, "s: send   e: edit again   a: abandon   Esc: keep the draft for later ", "sea");
		if (key == 's' && (r = send_draft(ui, j, text, len)) == 1)
			continue;
		break;
	}
	if (key == 'a') {
		draft_remove(&j->d);
		ui_status(ui, 0, "abandoned: nothing sent, draft removed");
	} else if (key < 0) {
		ui_status(ui, 0, "nothing sent; the draft is kept in %s", j->d.path);
	}
	free(text);
	return key == 'e';
}

/* The message's text: the pager's copy when it is this message, else RETR into own. */
static int message_source(struct ui *ui, size_t i, struct pop3c_buf *own, const struct pop3c_buf **b_r)
{
	if (ui->view == UI_PAGER && ui->pager_msg == i && ui->pager_src.data != NULL) {
		*b_r = &ui->pager_src;
		return 0;
	}
	if (ui_mbox_retrieve(ui, i, own) < 0)
		return -1;
	*b_r = own;
	return 0;
}

static void compose(struct ui *ui, enum compose_kind kind)
{
	size_t i = ui->view == UI_PAGER ? ui->pager_msg : ui->sel;
	const struct pop3c_buf *b;
	struct pop3c_buf own = { 0 };
	struct job j = { .kind = kind };
	char err[600];

	if (ui->n == 0)
		return;
	if (ui->msgs[i].deleted) {
		ui_status(ui, 1, "message %u is marked for deletion (u undeletes it)", ui->msgs[i].e.num);
		return;
	}
	if (message_source(ui, i, &own, &b) < 0)
		return;
	j.first = make_draft(ui, kind, b->data ? b->data : "", b->len);
	pop3c_buf_free(&own);
	if (j.first == NULL)
		return;
	if (draft_create(&j.d, kind == COMPOSE_FORWARD ? "forward" : "reply", j.first, strlen(j.first), err,
			 sizeof err) < 0) {
		ui_status(ui, 1, "cannot write the draft: %s", err);
	} else {
		for (int first = 1; edit(ui, &j) == 0 && !ui_signal_pending(0) && after_edit(ui, &j, first); first = 0)
			;
		draft_close(&j.d);
	}
	free(j.first);
}

void ui_act_reply(struct ui *ui)
{
	compose(ui, COMPOSE_REPLY);
}

void ui_act_reply_all(struct ui *ui)
{
	compose(ui, COMPOSE_REPLY_ALL);
}

void ui_act_forward(struct ui *ui)
{
	compose(ui, COMPOSE_FORWARD);
}

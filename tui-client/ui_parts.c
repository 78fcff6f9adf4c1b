/* A message's lines for the preview and the pager (headers, body, parts), and the keys on its parts. */
#include "ui.h"

#include "attach.h"
#include "mailcap.h"
#include "mime.h"
#include "save.h"
#include "viewer.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Private copies opened with xdg-open, which returns before the program reading them: removed at exit. */
#define KEEP_MAX 32

static struct viewer_tmp kept[KEEP_MAX];
static size_t nkept;

/* ---- the lines of a message ---- */

/* Append "Name: value" when value is not empty. */
static int add_header(struct ui_lines *out, const char *name, const char *value, int width)
{
	char *line;

	if (value == NULL || value[0] == '\0')
		return 0;
	if (asprintf(&line, "%s: %s", name, value) < 0)
		return -1;
	for (char *p = line; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	int r = ui_text_wrap(line, strlen(line), width, out);

	free(line);
	return r;
}

/* "[2] holiday.zip  application/zip  5.0M", indented by depth; no size when it is not known. */
static int add_part_line(struct ui_lines *out, const struct mime_part *p, size_t i, int width)
{
	char size[32] = "size unknown", *line;
	int r;

	if (p->size_known)
		ui_text_size(p->size, size, sizeof(size));
	if (asprintf(&line, "%*s[%zu] %s  %s  %s%s", p->depth * 2, "", i + 1,
		     p->filename && p->filename[0] ? p->filename : "(no name)", p->type, size,
		     p->shown ? "  (shown)" : "") < 0)
		return -1;
	r = ui_text_wrap(line, strlen(line), width, out);
	free(line);
	return r;
}

/* The part list, when there is more to a message than the one text shown. */
static int add_parts(struct ui_lines *out, const struct mime_msg *m, int width)
{
	if (m->nparts == 0 || (m->nparts == 1 && m->parts[0].shown))
		return 0;
	if (ui_lines_add(out, "", 0) < 0 || ui_lines_add(out, "-- parts (w saves one, o opens one) --", 38) < 0)
		return -1;
	for (size_t i = 0; i < m->nparts; i++)
		if (add_part_line(out, &m->parts[i], i, width) < 0)
			return -1;
	return 0;
}

static int message_lines(const struct mime_msg *m, int width, struct ui_lines *out)
{
	if (add_header(out, "From", m->from, width) < 0 || add_header(out, "To", m->to, width) < 0 ||
	    add_header(out, "Cc", m->cc, width) < 0 || add_header(out, "Date", m->date, width) < 0 ||
	    add_header(out, "Subject", m->subject, width) < 0 || ui_lines_add(out, "", 0) < 0)
		return -1;
	if (ui_text_wrap(m->body, m->body_len, width, out) < 0 || add_parts(out, m, width) < 0)
		return -1;
	if (m->truncated && ui_lines_add(out, "[...]", 5) < 0)
		return -1;
	return 0;
}

int ui_parts_message_lines(const char *buf, size_t len, int width, const struct mime_opts *o,
			   struct ui_lines *out)
{
	struct mime_msg *m = NULL;
	int r;

	if (mime_parse_opts(buf, len, o, &m) < 0)
		return -1;
	r = message_lines(m, width, out);
	mime_free(m);
	return r;
}

/* ---- HTML through the user's mailcap ---- */

/* A text/html entry with copiousoutput renders HTML; NULL (the built-in renderer) without one. */
static char *html_mailcap(void *ctx, const char *html, size_t len, size_t *len_r)
{
	struct mailcap_entry e;
	struct viewer_tmp t;
	char files[8192], *cmd = NULL, *out = NULL;
	int has_file, status;

	(void)ctx;
	mailcap_files(files, sizeof(files));
	if (mailcap_lookup(files, "text/html", 1, viewer_test, NULL, &e) != 0)
		return NULL;
	if (viewer_tmp_create(&t, "message", e.nametemplate != NULL ? e.nametemplate : "%s.html", html, len) == 0) {
		cmd = mailcap_expand(e.command, t.path, "text/html", "utf-8", &has_file);
		if (cmd == NULL || viewer_run(cmd, has_file ? NULL : t.path, &out, len_r, &status) < 0 ||
		    status != 0) {
			free(out);
			out = NULL;
		}
		viewer_tmp_remove(&t);
	}
	free(cmd);
	mailcap_entry_free(&e);
	return out;
}

void ui_parts_layout(struct ui *ui)
{
	static const struct mime_opts opts = { .html = html_mailcap };
	const struct pop3c_buf *b = &ui->pager_src;

	mime_free(ui->pager_mime);
	ui->pager_mime = NULL;
	if (ui->pager_out != NULL) {
		ui_text_wrap(ui->pager_out, ui->pager_out_len, ui->cols, &ui->pager);
		return;
	}
	if (ui->pager_raw || mime_parse_opts(b->data ? b->data : "", b->len, &opts, &ui->pager_mime) < 0 ||
	    message_lines(ui->pager_mime, ui->cols, &ui->pager) < 0) {
		ui_lines_clear(&ui->pager);
		ui_text_wrap(b->data ? b->data : "", b->len, ui->cols, &ui->pager);
	}
}

/* ---- the keys on parts ---- */

/* Ask which part (Enter: the first one not shown as text); its index, or -1. */
static long ask_part(struct ui *ui, const char *verb)
{
	const struct mime_msg *m = ui->pager_mime;
	char label[64], answer[32], *end;
	size_t def = 0;
	long n;

	if (m == NULL || m->nparts == 0) {
		ui_status(ui, 1, "this message has no parts to %s", verb);
		return -1;
	}
	while (def + 1 < m->nparts && m->parts[def].shown)
		def++;
	snprintf(label, sizeof(label), "%s part (1-%zu, Enter: %zu): ", verb, m->nparts, def + 1);
	if (ui_prompt(ui, label, answer, sizeof(answer)) < 0)
		return -1;
	if (answer[0] == '\0')
		return (long)def;
	n = strtol(answer, &end, 10);
	if (*end != '\0' || n < 1 || (size_t)n > m->nparts) {
		ui_status(ui, 1, "no part %s: the parts are 1 to %zu", answer, m->nparts);
		return -1;
	}
	return n - 1;
}

/*
 * Ask which part, decode its octets into *data_r (the caller frees them) and put its safe
 * file name in name; the part's index, or -1 with the reason on the status line.
 */
static long load_part(struct ui *ui, const char *verb, char *name, size_t size, char **data_r,
		      size_t *len_r)
{
	long i = ask_part(ui, verb);

	if (i < 0)
		return -1;
	const struct mime_part *p = &ui->pager_mime->parts[i];

	if (mime_part_data(p, ui->pager_src.data, data_r, len_r) < 0) {
		ui_status(ui, 1, "out of memory");
		return -1;
	}
	attach_safe_name(p->filename, (size_t)i, p->type, name, size);
	return i;
}

void ui_act_pager_save_part(struct ui *ui)
{
	char name[ATTACH_NAME_MAX], final[ATTACH_NAME_MAX + 16], err[600], *data;
	size_t len;
	long i = load_part(ui, "save", name, sizeof(name), &data, &len);

	if (i < 0)
		return;
	if (save_unique(ui->o->save_dir, name, data, len, final, sizeof(final), err, sizeof(err)) < 0)
		ui_status(ui, 1, "part %ld not saved: %s", i + 1, err);
	else
		ui_status(ui, 0, "part %ld saved as %s/%s (%zu octets)", i + 1, ui->o->save_dir, final, len);
	free(data);
}

static void remove_kept(void)
{
	for (size_t i = 0; i < nkept; i++)
		viewer_tmp_remove(&kept[i]);
	nkept = 0;
}

/* No mailcap entry: xdg-open, whose copy stays until the client ends. */
static void open_xdg(struct ui *ui, const char *name, const char *data, size_t len, const char *type)
{
	char prog[4096], *cmd = NULL, *out = NULL;
	struct viewer_tmp t;
	size_t n;
	int status;

	if (viewer_find_program("xdg-open", prog, sizeof(prog)) < 0 || nkept == KEEP_MAX) {
		ui_status(ui, 1, "no viewer for %s: add a line for it to ~/.mailcap", type);
		return;
	}
	if (viewer_tmp_create(&t, name, NULL, data, len) < 0 || asprintf(&cmd, "xdg-open '%s'", t.path) < 0) {
		ui_status(ui, 1, "cannot make a private copy: %m");
		return;
	}
	if (nkept == 0)
		atexit(remove_kept);
	kept[nkept++] = t;
	if (viewer_run(cmd, NULL, &out, &n, &status) < 0 || status != 0)
		ui_status(ui, 1, "xdg-open failed for %s", type);
	else
		ui_status(ui, 0, "opened with xdg-open");
	free(out);
	free(cmd);
}

/* Run the entry's command on the copy: its output in the pager, or the terminal handed over. */
static void run_entry(struct ui *ui, const struct mailcap_entry *e, const struct viewer_tmp *t,
		      const char *type, const char *charset)
{
	int has_file, status = 0, r;
	char *cmd = mailcap_expand(e->command, t->path, type, charset, &has_file);

	if (cmd == NULL) {
		ui_status(ui, 1, "out of memory");
		return;
	}
	if (e->copiousoutput) {
		free(ui->pager_out);
		ui->pager_out = NULL;
		r = viewer_run(cmd, has_file ? NULL : t->path, &ui->pager_out, &ui->pager_out_len, &status);
		ui->pager_off = 0;
		ui->pager_w = 0;	/* lay the output out */
	} else {
		def_prog_mode();
		endwin();
		r = viewer_run(cmd, has_file ? NULL : t->path, NULL, NULL, &status);
		reset_prog_mode();
		clearok(curscr, TRUE);
		refresh();
	}
	if (r < 0)
		ui_status(ui, 1, "cannot run the viewer: %m");
	else
		ui_status(ui, status != 0, "viewer for %s exited with status %d%s", type, status,
			  e->copiousoutput ? " (q returns to the message)" : "");
	free(cmd);
}

void ui_act_pager_open_part(struct ui *ui)
{
	char safe[ATTACH_NAME_MAX], name[80], files[8192], *data;
	struct mailcap_entry e;
	struct viewer_tmp t;
	size_t len;
	long i = load_part(ui, "open", safe, sizeof(safe), &data, &len);

	if (i < 0)
		return;
	const struct mime_part *p = &ui->pager_mime->parts[i];

	attach_tmp_name(safe, name, sizeof(name));
	mailcap_files(files, sizeof(files));
	if (mailcap_lookup(files, p->type, 0, viewer_test, NULL, &e) != 0) {
		open_xdg(ui, name, data, len, p->type);
	} else {
		if (viewer_tmp_create(&t, name, e.nametemplate, data, len) < 0) {
			ui_status(ui, 1, "cannot make a private copy: %m");
		} else {
			run_entry(ui, &e, &t, p->type, p->charset != NULL ? p->charset : "utf-8");
			viewer_tmp_remove(&t);
		}
		mailcap_entry_free(&e);
	}
	free(data);
}

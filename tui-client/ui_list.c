/* The list pane (one row per message) and the preview pane below it. */
#include "ui.h"

#include "mime.h"

#include <curses.h>
#include <langinfo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Column widths of a list row: number, flags, date, size; From and Subject share the rest. */
#define COL_NUM 5
#define COL_FLAGS 2
#define COL_DATE 10
#define COL_FROM_MAX 24
#define COL_SIZE 7
/* Below this width the date column is left out, so that the subject keeps some room. */
#define DATE_MIN_COLS 80

/* Replies are indented this many columns a level, up to THREAD_INDENT_MAX levels. */
#define THREAD_INDENT 2
#define THREAD_INDENT_MAX 8

/* The mark before a reply's subject: box drawing where the locale is UTF-8, else ASCII. */
static const char *tree_mark(void)
{
	static const char *mark;

	if (mark == NULL)
		mark = strcmp(nl_langinfo(CODESET), "UTF-8") == 0 ? "\u2514\u2500>" : "`->";
	return mark;
}

/* The subject column's text: in the thread view a reply's subject is indented under its parent. */
static const char *row_subject(const struct ui *ui, const struct ui_msg *m, char *buf, size_t size)
{
	if (m->loaded <= 0)
		return "";
	if (!ui->threads || m->depth == 0)
		return m->subject;
	int level = m->depth - 1 < THREAD_INDENT_MAX ? m->depth - 1 : THREAD_INDENT_MAX;

	snprintf(buf, size, "%*s%s%s", level * THREAD_INDENT, "", tree_mark(), m->subject);
	return buf;
}

/* Fetch the preview of the selected message: TOP n k with k the pane's height. */
static void load_preview(struct ui *ui)
{
	struct ui_msg *m = &ui->msgs[ui->sel];
	struct pop3c_buf b = { 0 };
	/* TOP returns the head of the message: a part it cut off has no known size. */
	static const struct mime_opts preview_opts = { .partial = 1 };
	int r;

	ui_lines_clear(&ui->preview);
	ui->preview_for = ui->sel;
	ui->preview_w = ui->cols;
	ui->preview_ok = 1;
	if (m->deleted) {
		ui_lines_add(&ui->preview, "(marked for deletion: u undeletes it)", 37);
		return;
	}
	r = pop3c_top(ui->pc, m->e.num, (unsigned)(ui->prev_h > 0 ? ui->prev_h : 1), &b);
	if (r == POP3C_FAIL) {
		ui_connection_lost(ui);
	} else if (r == POP3C_ERR) {
		ui_lines_add(&ui->preview, pop3c_error(ui->pc), strlen(pop3c_error(ui->pc)));
	} else if (ui_parts_message_lines(b.data ? b.data : "", b.len, ui->cols, &preview_opts, &ui->preview) < 0) {
		ui_lines_add(&ui->preview, "(cannot show this message)", 26);
	}
	pop3c_buf_free(&b);
}

void ui_list_prepare(struct ui *ui)
{
	if (ui->n == 0 || ui->list_h <= 0)
		return;
	if (ui->sel >= ui->n)
		ui->sel = ui->n - 1;
	/* Keep the selection on screen. */
	if (ui->sel < ui->top)
		ui->top = ui->sel;
	if (ui->sel >= ui->top + (size_t)ui->list_h)
		ui->top = ui->sel - (size_t)ui->list_h + 1;
	if (ui_mbox_headers(ui, ui->top, ui->top + (size_t)ui->list_h) < 0)
		return;
	if (!ui->preview_ok || ui->preview_for != ui->sel || ui->preview_w != ui->cols)
		load_preview(ui);
}

void ui_list_from_name(const char *from, char *buf, size_t size)
{
	const char *lt = strchr(from, '<');
	size_t n = lt && lt > from ? (size_t)(lt - from) : strlen(from);

	while (n > 0 && from[n - 1] == ' ')
		n--;
	if (n >= 2 && from[0] == '"' && from[n - 1] == '"') {
		from++;
		n -= 2;
	}
	snprintf(buf, size, "%.*s", (int)n, from);
}

static void draw_row(struct ui *ui, int y, size_t i)
{
	const struct ui_msg *m = &ui->msgs[i];
	int attr = i == ui->sel ? ui_attr(UI_SELECTED) : m->deleted ? ui_attr(UI_DELETED) : ui_attr(UI_ROW);
	char num[16], flags[3], size[16], from[256], subj[1024];
	int date_w = ui->cols >= DATE_MIN_COLS ? COL_DATE + 1 : 0;
	int rest = ui->cols - (COL_NUM + 1 + COL_FLAGS + 1 + COL_SIZE + 1) - date_w;
	int from_w = rest * 2 / 5 < COL_FROM_MAX ? rest * 2 / 5 : COL_FROM_MAX;
	int x = 0, subj_w = rest - from_w;

	snprintf(num, sizeof(num), "%*u", COL_NUM, m->e.num);
	/* One status letter as mutt shows it (D deleted, else N unread), then S for saved. */
	snprintf(flags, sizeof(flags), "%c%c", m->deleted ? 'D' : m->unread ? 'N' : ' ', m->saved ? 'S' : ' ');
	ui_text_size(m->e.size, size, sizeof(size));
	ui_list_from_name(m->from ? m->from : "", from, sizeof(from));
	attrset(attr);
	mvhline(y, 0, ' ', ui->cols);
	attrset(A_NORMAL);
	ui_text_put(y, x, COL_NUM + 1, num, attr), x += COL_NUM + 1;
	ui_text_put(y, x, COL_FLAGS + 1, flags, attr), x += COL_FLAGS + 1;
	if (date_w > 0)
		ui_text_put(y, x, date_w, m->loaded > 0 ? m->date : "", attr), x += date_w;
	ui_text_put(y, x, from_w - 1, m->loaded > 0 ? from : m->loaded < 0 ? "?" : "...", attr);
	x += from_w;
	ui_text_put(y, x, subj_w > 1 ? subj_w : 1, row_subject(ui, m, subj, sizeof(subj)), attr);
	char right[24];

	snprintf(right, sizeof(right), " %*s", COL_SIZE, size);
	ui_text_put(y, ui->cols - COL_SIZE - 1, COL_SIZE + 1, right, attr);
}

void ui_list_draw(struct ui *ui)
{
	for (int r = 0; r < ui->list_h; r++) {
		size_t i = ui->top + (size_t)r;

		if (i < ui->n)
			draw_row(ui, ui->list_y + r, i);
	}
	if (ui->n == 0)
		ui_text_put(ui->list_y, 0, ui->cols, "  (no messages)", A_NORMAL);
	/* The divider names the previewed message. */
	char div[128];

	if (ui->n > 0)
		snprintf(div, sizeof(div), "-- message %u of %zu --", ui->msgs[ui->sel].e.num, ui->n);
	else
		snprintf(div, sizeof(div), "--");
	ui_text_put(ui->prev_y - 1, 0, ui->cols, div, ui_attr(UI_HINT));
	for (int r = 0; r < ui->prev_h && ui->preview_ok && (size_t)r < ui->preview.n; r++)
		ui_text_put(ui->prev_y + r, 0, ui->cols, ui->preview.v[r], A_NORMAL);
}

void ui_list_move(struct ui *ui, long delta)
{
	if (ui->n == 0)
		return;
	long s = (long)ui->sel + delta;

	if (s < 0)
		s = 0;
	if (s >= (long)ui->n)
		s = (long)ui->n - 1;
	ui->sel = (size_t)s;
}

void ui_act_down(struct ui *ui)
{
	ui_list_move(ui, 1);
}

void ui_act_up(struct ui *ui)
{
	ui_list_move(ui, -1);
}

void ui_act_page_down(struct ui *ui)
{
	ui_list_move(ui, ui->list_h > 1 ? ui->list_h - 1 : 1);
}

void ui_act_page_up(struct ui *ui)
{
	ui_list_move(ui, -(ui->list_h > 1 ? ui->list_h - 1 : 1));
}

void ui_act_first(struct ui *ui)
{
	ui->sel = 0;
}

void ui_act_last(struct ui *ui)
{
	if (ui->n > 0)
		ui->sel = ui->n - 1;
}

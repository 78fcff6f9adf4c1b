/* The raw console: type any POP3 command, see the reply verbatim, with history and scrollback. */
#include "ui.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The transcript keeps at most this many lines; older ones scroll away. */
#define RAW_KEEP 5000

static const char prompt[] = "pop3> ";

/* Lines the transcript shows: between the title and the input line. */
static int transcript_height(const struct ui *ui)
{
	int h = ui->rows - 4;

	return h > 1 ? h : 1;
}

/* Add text (one or more lines) to the transcript, dropping the oldest past RAW_KEEP. */
static void say(struct ui *ui, const char *text, size_t len)
{
	ui_text_wrap(text, len, 10000, &ui->raw);
	if (ui->raw.n > RAW_KEEP) {
		size_t drop = ui->raw.n - RAW_KEEP;

		for (size_t i = 0; i < drop; i++)
			free(ui->raw.v[i]);
		memmove(ui->raw.v, ui->raw.v + drop, RAW_KEEP * sizeof(*ui->raw.v));
		ui->raw.n = RAW_KEEP;
	}
}

void ui_act_raw(struct ui *ui)
{
	ui->view = UI_RAW;
	ui->raw_off = 0;
	if (ui->raw.n == 0) {
		const char *hello = "Raw POP3 console: commands act for real. Esc returns to the list.";

		say(ui, hello, strlen(hello));
	}
}

void ui_raw_free(struct ui *ui)
{
	ui_lines_clear(&ui->raw);
	for (size_t i = 0; i < ui->nhistory; i++)
		free(ui->history[i]);
	ui->nhistory = 0;
}

void ui_raw_draw(struct ui *ui)
{
	int h = transcript_height(ui);
	size_t end = ui->raw.n > ui->raw_off ? ui->raw.n - ui->raw_off : 0;
	size_t start = end > (size_t)h ? end - (size_t)h : 0;
	char line[1024 + sizeof(prompt)];

	for (size_t i = start; i < end; i++)
		ui_text_put(1 + (int)(i - start), 0, ui->cols, ui->raw.v[i], A_NORMAL);
	snprintf(line, sizeof(line), "%s%.1000ls", prompt, ui->input.buf);
	ui_text_put(ui->rows - 3, 0, ui->cols, line, ui_attr(UI_HEADER));
	/* The cursor sits after the text before it. */
	snprintf(line, sizeof(line), "%s%.*ls", prompt, (int)ui->input.pos, ui->input.buf);
	int x = ui_text_width(line);

	move(ui->rows - 3, x < ui->cols ? x : ui->cols - 1);
}

void ui_raw_insert(struct ui *ui, wchar_t ch)
{
	lineedit_insert(&ui->input, ch);
}

void ui_act_raw_erase(struct ui *ui)
{
	lineedit_backspace(&ui->input);
}

void ui_act_raw_delete(struct ui *ui)
{
	lineedit_delete(&ui->input);
}

void ui_act_raw_home(struct ui *ui)
{
	lineedit_home(&ui->input);
}

void ui_act_raw_end(struct ui *ui)
{
	lineedit_end(&ui->input);
}

void ui_act_raw_left(struct ui *ui)
{
	lineedit_left(&ui->input);
}

void ui_act_raw_right(struct ui *ui)
{
	lineedit_right(&ui->input);
}

void ui_act_raw_kill_start(struct ui *ui)
{
	lineedit_kill_start(&ui->input);
}

void ui_act_raw_kill_word(struct ui *ui)
{
	lineedit_kill_word(&ui->input);
}

void ui_act_raw_word_left(struct ui *ui)
{
	lineedit_word_left(&ui->input);
}

void ui_act_raw_word_right(struct ui *ui)
{
	lineedit_word_right(&ui->input);
}

/* Keep a command in the history (PASS lines are not kept). */
static void remember(struct ui *ui, const char *cmd, const char *name)
{
	if (strcmp(name, "PASS") == 0)
		return;
	if (ui->nhistory == UI_HISTORY) {
		free(ui->history[0]);
		memmove(ui->history, ui->history + 1, (UI_HISTORY - 1) * sizeof(*ui->history));
		ui->nhistory--;
	}
	ui->history[ui->nhistory] = strdup(cmd);
	if (ui->history[ui->nhistory] != NULL)
		ui->nhistory++;
	ui->hist_pos = ui->nhistory;
}

/* Bring the list in line with what a raw command did on the server. */
static void follow(struct ui *ui, const char *cmd, const char *name, int r)
{
	if (r == POP3C_FAIL) {
		ui_connection_lost(ui);
		return;
	}
	if (pop3c_ended(ui->pc)) {
		ui->quit = 1;
		ui->exit_status = r == POP3C_OK ? 0 : 1;
		snprintf(ui->exit_msg, sizeof(ui->exit_msg), "%s", pop3c_reply(ui->pc));
		return;
	}
	if (r != POP3C_OK)
		return;
	if (strcmp(name, "DELE") == 0) {
		size_t i = ui_mbox_find(ui, (unsigned)strtoul(cmd + strspn(cmd, " ") + 4, NULL, 10));

		if (i != (size_t)-1)
			ui->msgs[i].deleted = 1;
	} else if (strcmp(name, "RSET") == 0) {
		for (size_t i = 0; i < ui->n; i++)
			ui->msgs[i].deleted = 0;
	}
	ui->preview_ok = 0;
	ui_mbox_refresh_stat(ui);
}

void ui_act_raw_run(struct ui *ui)
{
	char cmd[UI_INPUT_MAX * 4 + 1], name[8], echo[sizeof(cmd) + 8];
	struct pop3c_buf out = { 0 };
	int multi;

	size_t k = wcstombs(cmd, ui->input.buf, sizeof(cmd));

	if (k == (size_t)-1 || k >= sizeof(cmd) || cmd[0] == '\0')
		return;
	lineedit_clear(&ui->input);
	ui->raw_off = 0;
	pop3c_command_name(cmd, name);
	remember(ui, cmd, name);
	snprintf(echo, sizeof(echo), "C: %s", strcmp(name, "PASS") == 0 ? "PASS ****" : cmd);
	say(ui, echo, strlen(echo));
	ui->quitting = strcmp(name, "QUIT") == 0;
	int r = pop3c_raw(ui->pc, cmd, &out, &multi);

	if (r != POP3C_FAIL) {
		snprintf(echo, sizeof(echo), "S: %s", pop3c_reply(ui->pc));
		say(ui, echo, strlen(echo));
	}
	if (r == POP3C_OK && multi) {
		say(ui, out.data ? out.data : "", out.len);
		say(ui, ".", 1);
	}
	pop3c_buf_free(&out);
	follow(ui, cmd, name, r);
}

/* Put history entry hist_pos (or an empty line past the end) into the input. */
static void recall(struct ui *ui)
{
	lineedit_set(&ui->input, ui->hist_pos < ui->nhistory ? ui->history[ui->hist_pos] : "");
}

void ui_act_raw_hist_prev(struct ui *ui)
{
	if (ui->hist_pos > 0) {
		ui->hist_pos--;
		recall(ui);
	}
}

void ui_act_raw_hist_next(struct ui *ui)
{
	if (ui->hist_pos < ui->nhistory) {
		ui->hist_pos++;
		recall(ui);
	}
}

void ui_act_raw_scroll_up(struct ui *ui)
{
	size_t h = (size_t)transcript_height(ui);

	ui->raw_off += h - 1 > 0 ? h - 1 : 1;
	if (ui->raw_off + h > ui->raw.n)
		ui->raw_off = ui->raw.n > h ? ui->raw.n - h : 0;
}

void ui_act_raw_scroll_down(struct ui *ui)
{
	size_t h = (size_t)transcript_height(ui);

	ui->raw_off = ui->raw_off > h - 1 ? ui->raw_off - (h - 1) : 0;
}

void ui_act_raw_close(struct ui *ui)
{
	ui->view = UI_LIST;
}

/* The screen: terminal set-up and restore, layout, the key table, the event loop and prompts. */
#include "ui.h"

#include <errno.h>
#include <curses.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* The smallest terminal the layout works in; below it a notice is shown instead. */
#define MIN_COLS 60
#define MIN_ROWS 15
/* An idle session sends NOOP this often (s), well inside the server's autologout. */
#define KEEPALIVE_S 240
/* An action that kept the screen busy this long (ms) drops the keys typed meanwhile. */
#define LONG_ACTION_MS 300

static volatile sig_atomic_t got_signal;
static int screen_open;
static int attrs[UI_ROLES];

int ui_attr(enum ui_role role)
{
	return attrs[role];
}

/* Plain attributes everywhere; colours (the config's over the built-in ones) when the terminal has them and NO_COLOR is unset. */
static void init_attrs(const struct config *c)
{
	const char *no_color = getenv("NO_COLOR");

	attrs[UI_NORMAL] = A_NORMAL;
	attrs[UI_TITLE] = A_REVERSE | A_BOLD;
	attrs[UI_SELECTED] = A_REVERSE;
	attrs[UI_DELETED] = A_DIM;
	attrs[UI_ERROR] = A_BOLD;
	attrs[UI_HINT] = A_REVERSE;
	attrs[UI_HEADER] = A_BOLD;
	attrs[UI_ROW] = attrs[UI_QUOTE1] = attrs[UI_QUOTE2] = attrs[UI_QUOTE3] = attrs[UI_SIGNATURE] = A_NORMAL;
	if ((no_color != NULL && no_color[0] != '\0') || !has_colors() || start_color() == ERR)
		return;
	use_default_colors();
	init_pair(1, COLOR_WHITE, COLOR_BLUE);
	init_pair(2, COLOR_RED, -1);
	init_pair(3, COLOR_BLACK, COLOR_CYAN);
	attrs[UI_TITLE] = (int)COLOR_PAIR(1) | A_BOLD;
	attrs[UI_DELETED] = (int)COLOR_PAIR(2);
	attrs[UI_ERROR] = (int)COLOR_PAIR(2) | A_BOLD;
	attrs[UI_HINT] = (int)COLOR_PAIR(3);
	ui_colors_apply(c, attrs);
}

/* Restore the terminal; safe to call more than once, registered with atexit. */
static void ui_end(void)
{
	if (screen_open && !isendwin()) {
		curs_set(1);
		endwin();
	}
	screen_open = 0;
}

static void on_signal(int sig)
{
	got_signal = sig;
}

void ui_note_hangup(void)
{
	if (!got_signal)
		got_signal = SIGHUP;
}

int ui_signal_pending(int sig)
{
	if (sig == SIGINT && got_signal == SIGINT) {
		got_signal = 0;
		return 1;
	}
	return sig == 0 && got_signal != 0 && got_signal != SIGINT;
}

static int ui_begin(const struct config *c)
{
	struct sigaction sa;

	if (newterm(NULL, stdout, stdin) == NULL)
		return -1;
	screen_open = 1;
	atexit(ui_end);
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	timeout(UI_TICK_MS);
	init_attrs(c);
	/* After ncurses, which installs its own handlers (initscr(3), "Signal Handlers"). */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	return 0;
}

/* Pane geometry from the terminal size: title, list, divider, preview, hint, status. */
void ui_relayout(struct ui *ui)
{
	getmaxyx(stdscr, ui->rows, ui->cols);
	int avail = ui->rows - 4;

	ui->list_h = avail * 2 / 5 < 3 ? 3 : avail * 2 / 5;
	ui->list_y = 1;
	ui->prev_y = ui->list_y + ui->list_h + 1;
	ui->prev_h = ui->rows - 2 - ui->prev_y;
	if (ui->prev_h < 0)
		ui->prev_h = 0;
}

void ui_status(struct ui *ui, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ui->status, sizeof(ui->status), fmt, ap);
	va_end(ap);
	ui->status_err = err;
}

/* A signal ends the session: say which, without QUIT. */
static void signal_exit(struct ui *ui)
{
	ui->quit = 1;
	ui->exit_status = 1;
	snprintf(ui->exit_msg, sizeof(ui->exit_msg), "%s: %s: closed without QUIT, nothing was deleted on the server",
		 program_invocation_short_name,
		 got_signal == SIGINT ? "interrupted" : got_signal == SIGHUP ? "terminal closed" : "terminated");
}

void ui_connection_lost(struct ui *ui)
{
	if (ui->quit || ui->reconnect)
		return;
	if (ui_signal_pending(0)) {
		/* SIGTERM or SIGHUP cut the wait short: that is the reason, not the connection. */
		signal_exit(ui);
		return;
	}
	if (pop3c_cancelled(ui->pc) && !ui->quitting) {
		/* The reply was cut off: the stream is out of step, so a new session follows. */
		ui->reconnect = 1;
		return;
	}
	ui->quit = 1;
	ui->exit_status = 1;
	snprintf(ui->exit_msg, sizeof(ui->exit_msg), "%s: connection to %s lost: %s; %s",
		 program_invocation_short_name, ui->o->host, pop3c_error(ui->pc),
		 ui->quitting ? "QUIT was sent, so the deletions may have taken effect"
			      : "nothing was deleted on the server");
}

static void draw_title(struct ui *ui)
{
	char t[512], size[32], tls[128] = "";
	size_t del = ui_mbox_pending(ui);

	if (!ui->listed) {
		snprintf(t, sizeof(t), "--- %s:%s  user %s", ui->o->host, ui->o->port, ui->o->user);
		ui_text_put(0, 0, ui->cols, t, ui_attr(UI_TITLE));
		return;
	}
	ui_text_size(ui->stat_size, size, sizeof(size));
	pop3c_tls_describe(ui->pc, tls, sizeof(tls));
	/* Msgs counts the list's rows, as the divider does; Del says how many go at q. */
	int n = snprintf(t, sizeof(t), "%s %s%s%s:%s%s  user %s  Msgs:%zu  %s", del ? "-*-" : "---",
			 ui->o->account ? ui->o->account : "", ui->o->account ? ": " : "", ui->o->host, ui->o->port, tls[0] ? " [TLS]" : " [plain]", ui->o->user,
			 ui->n, size);

	if (del > 0 && n > 0 && (size_t)n < sizeof(t))
		n += snprintf(t + n, sizeof(t) - (size_t)n, "  Del:%zu (deleted at q)", del);
	if (n > 0 && (size_t)n + 2 < sizeof(t)) {
		t[n++] = ' ', t[n++] = ' ';
		ui_order_describe(ui, t + n, sizeof(t) - (size_t)n);
		n += (int)strlen(t + n);
	}
	/* New counts the unread (N) rows, last: a narrow title keeps what q will do. */
	if (ui->state != NULL && n > 0 && (size_t)n < sizeof(t))
		snprintf(t + n, sizeof(t) - (size_t)n, "  New:%zu", ui_state_unread(ui));
	ui_text_put(0, 0, ui->cols, t, ui_attr(UI_TITLE));
}

static void draw_too_small(struct ui *ui)
{
	char msg[128];

	/* Short lines, so that a narrow window still shows the size it needs. */
	int y = ui->rows / 2 > 1 ? ui->rows / 2 - 1 : 0;

	erase();
	snprintf(msg, sizeof(msg), "Too small: %dx%d", ui->cols, ui->rows);
	ui_text_put(y, 0, ui->cols, msg, A_BOLD);
	snprintf(msg, sizeof(msg), "Needs %dx%d.", MIN_COLS, MIN_ROWS);
	if (y + 1 < ui->rows)
		ui_text_put(y + 1, 0, ui->cols, msg, A_BOLD);
	if (y + 2 < ui->rows)
		ui_text_put(y + 2, 0, ui->cols, "Enlarge it (Q aborts).", A_NORMAL);
	refresh();
}

/* One draw pass: erase, draw every part, one refresh. */
void ui_redraw(struct ui *ui)
{
	char hint[512];

	if (ui->rows < MIN_ROWS || ui->cols < MIN_COLS) {
		draw_too_small(ui);
		return;
	}
	erase();
	draw_title(ui);
	if (!ui->listed) {
		/* Not logged in yet: only the title and what is going on. */
		ui_text_put(ui->rows - 1, 0, ui->cols, ui->status, ui->status_err ? ui_attr(UI_ERROR) : 0);
		refresh();
		return;
	}
	if (ui->view == UI_LIST)
		ui_list_draw(ui);
	else if (ui->view == UI_PAGER)
		ui_pager_draw(ui);
	else if (ui->view == UI_HELP)
		ui_keys_draw_help(ui);
	ui_hint_text(ui->view, hint, sizeof(hint));
	ui_text_put(ui->rows - 2, 0, ui->cols, hint, ui_attr(UI_HINT));
	ui_text_put(ui->rows - 1, 0, ui->cols, ui->status, ui->status_err ? ui_attr(UI_ERROR) : 0);
	curs_set(ui->view == UI_RAW);
	if (ui->view == UI_RAW)
		ui_raw_draw(ui);
	refresh();
}

/* Read a key: a character, or UI_FK(code) for a function key; ERR after a quiet tick. */
int ui_read_key(void)
{
	wint_t ch;
	int r = ui_wait_next_key();

	if (r != ERR)
		return r;
	r = get_wch(&ch);

	if (r == ERR)
		return ERR;
	if (r == OK && ch == UI_ESC) {
		/* Esc with a character right behind it (already read in) is Alt with that character. */
		nodelay(stdscr, TRUE);
		r = get_wch(&ch);
		timeout(UI_TICK_MS);
		if (r == OK && ch >= ' ' && ch < 0x7f)
			return UI_ALT((int)ch);
		if (r == KEY_CODE_YES)
			ungetch((int)ch);
		else if (r == OK)
			unget_wch((wchar_t)ch);
		return UI_ESC;
	}
	return r == KEY_CODE_YES ? UI_FK((int)ch) : (int)ch;
}

/* 1 when the terminal has gone (its window closed without a SIGHUP reaching us). */
static int terminal_gone(void)
{
	struct pollfd p = { .fd = STDIN_FILENO, .events = POLLIN };

	return poll(&p, 1, 0) > 0 && (p.revents & (POLLHUP | POLLERR | POLLNVAL));
}

/* Between keys: a signal ends the session, the server may have gone, NOOP keeps it alive. */
static void idle(struct ui *ui, time_t *last_active)
{
	if (!got_signal && terminal_gone())
		got_signal = SIGHUP;
	if (got_signal) {
		signal_exit(ui);
		return;
	}
	if (pop3c_check_closed(ui->pc)) {
		ui_connection_lost(ui);
		return;
	}
	if (time(NULL) - *last_active >= KEEPALIVE_S) {
		*last_active = time(NULL);
		if (pop3c_noop(ui->pc) == POP3C_FAIL)
			ui_connection_lost(ui);
	}
}

static void loop(struct ui *ui)
{
	time_t last_active = time(NULL);

	while (!ui->quit) {
		if (ui->reconnect && ui_session_reconnect(ui) < 0)
			break;
		if (ui->view == UI_LIST && ui->rows >= MIN_ROWS && ui->cols >= MIN_COLS)
			ui_list_prepare(ui);
		if (ui->quit)
			break;
		if (ui->reconnect)
			continue;
		ui_redraw(ui);
		int key = ui_read_key();

		if (key == ERR) {
			idle(ui, &last_active);
			if (!ui->quit && !ui->reconnect)
				ui_session_poll(ui, last_active);
			continue;
		}
		last_active = time(NULL);
		if (key == UI_FK(KEY_RESIZE)) {
			ui_relayout(ui);
			continue;
		}
		ui->status[0] = '\0';
		if (ui->rows < MIN_ROWS || ui->cols < MIN_COLS) {
			if (key == 'Q' || key == UI_CTRL('L'))
				ui_keys_dispatch(ui, key);
			continue;
		}
		long t0 = ui_now_ms();

		if (!ui_keys_dispatch(ui, key)) {
			if (ui->view == UI_RAW && UI_IS_CHAR(key))
				ui_raw_insert(ui, (wchar_t)key);
			else
				ui_keys_unbound(ui, key);
		}
		if (ui_now_ms() - t0 >= LONG_ACTION_MS)
			ui_wait_flush();	/* keys typed while it ran are not replayed */
	}
}

/* Draw the screen with a prompt and the text typed so far on the bottom line. */
static void draw_prompt(struct ui *ui, const char *label, const wchar_t *in, int hidden)
{
	char line[600];

	ui_redraw(ui);
	/* What was said last (a refused password, say) stays in sight above the prompt. */
	if (ui->status[0] && ui->rows >= 2)
		ui_text_put(ui->rows - 2, 0, ui->cols, ui->status, ui->status_err ? ui_attr(UI_ERROR) : 0);
	snprintf(line, sizeof(line), "%s%.300ls", label, hidden ? L"" : in);
	ui_text_put(ui->rows - 1, 0, ui->cols, line, A_BOLD);
	int x = ui_text_width(line);

	move(ui->rows - 1, x < ui->cols ? x : ui->cols - 1);
	curs_set(1);
	refresh();
}

/* The bottom-line editor of ui_prompt, with or without echo. */
static int prompt(struct ui *ui, const char *label, char *buf, size_t size, int hidden)
{
	wchar_t in[CLIENT_PASSWORD_MAX] = L"";
	size_t n = 0;
	int r = -1;

	for (;;) {
		draw_prompt(ui, label, in, hidden);
		int key = ui_read_key();

		if (key == ERR) {
			if (got_signal)
				break;
			continue;
		}
		if (key == UI_FK(KEY_RESIZE))
			ui_relayout(ui);
		else if (key == UI_ESC || key == UI_CTRL('C') || key == UI_CTRL('G'))
			break;
		else if (key == '\n' || key == '\r' || key == UI_FK(KEY_ENTER)) {
			size_t k = wcstombs(buf, in, size);

			r = k == (size_t)-1 || k >= size ? -1 : 0;
			break;
		} else if ((key == UI_FK(KEY_BACKSPACE) || key == 0x7f || key == UI_CTRL('H')) && n > 0)
			in[--n] = L'\0';
		else if (UI_IS_CHAR(key) && key >= ' ' && n + 1 < sizeof(in) / sizeof(in[0])) {
			in[n++] = (wchar_t)key;
			in[n] = L'\0';
		}
	}
	memset(in, 0, sizeof(in));
	curs_set(0);
	return r;
}

int ui_prompt(struct ui *ui, const char *label, char *buf, size_t size)
{
	return prompt(ui, label, buf, size, 0);
}

int ui_prompt_hidden(struct ui *ui, const char *label, char *buf, size_t size)
{
	return prompt(ui, label, buf, size, 1);
}

int ui_confirm(struct ui *ui, const char *question)
{
	char label[400];

	snprintf(label, sizeof(label), "%s [y/N] ", question);
	int key = ui_ask_key(ui, label);

	return key == 'y' || key == 'Y';
}

int ui_ask_key(struct ui *ui, const char *question)
{
	for (;;) {
		draw_prompt(ui, question, L"", 0);
		int key = ui_read_key();

		if (key == UI_FK(KEY_RESIZE)) {
			ui_relayout(ui);
			continue;
		}
		if (key == ERR) {
			if (got_signal)
				return 0;
			continue;
		}
		curs_set(0);
		return key;
	}
}

int ui_choose(struct ui *ui, const char *question, const char *keys)
{
	for (;;) {
		int key = ui_ask_key(ui, question);

		if (key == 0 || key == UI_ESC)	/* 0: a signal arrived */
			return -1;
		if (key > 0 && key < 0x80 && strchr(keys, key) != NULL)
			return key;
		beep();
	}
}

/* The window of ui_show_lines: a title, the lines, and how to close it, over the panes. */
static void draw_lines_window(struct ui *ui, const char *title, const struct ui_lines *l)
{
	int w = ui->cols - 4, y = 2;

	ui_redraw(ui);
	ui_text_put(y++, 2, w, title, ui_attr(UI_TITLE));
	for (size_t i = 0; i < l->n && y < ui->rows - 3; i++)
		ui_text_put(y++, 2, w, l->v[i], A_NORMAL);
	ui_text_put(y, 2, w, "-- any key closes this --", ui_attr(UI_HINT));
	refresh();
}

void ui_show_lines(struct ui *ui, const char *title, const struct ui_lines *l)
{
	for (;;) {
		draw_lines_window(ui, title, l);
		int key = ui_read_key();

		if (key == UI_FK(KEY_RESIZE)) {
			ui_relayout(ui);
			continue;
		}
		if (key != ERR || got_signal)
			return;
	}
}

int ui_run(const struct client_opts *o)
{
	struct ui ui;

	memset(&ui, 0, sizeof(ui));
	ui.o = o;
	ui.view = UI_LIST;
	ui.wait.fn = ui_wait;
	ui.wait.arg = &ui;
	if (ui_begin(o->config) < 0) {
		fprintf(stderr, "%s: cannot open the terminal (TERM=%s)\n",
			program_invocation_short_name, getenv("TERM") ? getenv("TERM") : "");
		return 1;
	}
	ui_relayout(&ui);
	if ((!o->choose || ui_accounts_choose(&ui) == 0) && ui_session_start(&ui) == 0) {
		if (!ui_state_note(&ui))
			ui_status(&ui, 0, "%zu messages, %zu new; ? for help", ui.n, ui.nnew);
		ui_wait_flush();
		loop(&ui);
	}
	ui_end();
	if (ui_state_close(&ui) < 0)
		fprintf(stderr, "%s: %s\n", program_invocation_short_name, ui.status);
	if (ui.exit_msg[0])
		fprintf(ui.exit_status ? stderr : stdout, "%s\n", ui.exit_msg);
	memset(ui.password, 0, sizeof(ui.password));
	memset(ui.chosen_pw, 0, sizeof(ui.chosen_pw));
	ui_pager_free(&ui);
	ui_raw_free(&ui);
	ui_lines_clear(&ui.preview);
	ui_mbox_free(&ui);
	pop3c_close(ui.pc);
	return ui.exit_status;
}

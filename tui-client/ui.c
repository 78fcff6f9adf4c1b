/* The screen: terminal set-up and restore, layout, the key table, the event loop and prompts. */
#include "ui.h"

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
/* The input loop wakes this often (ms) to notice signals and a closed connection. */
#define TICK_MS 100
/* An idle session sends NOOP this often (s), well inside the server's autologout. */
#define KEEPALIVE_S 240
/* Progress redraws at most this often (ms), like ncdu's update_delay. */
#define PROGRESS_MS 100

static volatile sig_atomic_t got_signal;
static int screen_open;
static int attrs[UI_ROLES];

int ui_attr(enum ui_role role)
{
	return attrs[role];
}

/* Plain attributes everywhere; colours on top when the terminal has them and NO_COLOR is unset. */
static void init_attrs(void)
{
	const char *no_color = getenv("NO_COLOR");

	attrs[UI_NORMAL] = A_NORMAL;
	attrs[UI_TITLE] = A_REVERSE | A_BOLD;
	attrs[UI_SELECTED] = A_REVERSE;
	attrs[UI_DELETED] = A_DIM;
	attrs[UI_ERROR] = A_BOLD;
	attrs[UI_HINT] = A_REVERSE;
	attrs[UI_HEADER] = A_BOLD;
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

static int ui_begin(void)
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
	timeout(TICK_MS);
	init_attrs();
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
static void ui_layout(struct ui *ui)
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

void ui_connection_lost(struct ui *ui)
{
	if (ui->quit)
		return;
	ui->quit = 1;
	ui->exit_status = 1;
	snprintf(ui->exit_msg, sizeof(ui->exit_msg),
		 "client: connection to %s lost: %s; nothing was deleted on the server", ui->o->host,
		 pop3c_error(ui->pc));
}

static void draw_title(struct ui *ui)
{
	char t[512], size[32], tls[128];
	size_t del = ui_mbox_pending(ui);

	ui_text_size(ui->stat_size, size, sizeof(size));
	pop3c_tls_describe(ui->pc, tls, sizeof(tls));
	int n = snprintf(t, sizeof(t), "%s %s:%s%s  user %s  Msgs:%u  %s", del ? "-*-" : "---",
			 ui->o->host, ui->o->port, tls[0] ? " [TLS]" : " [plain]", ui->o->user,
			 ui->stat_count, size);

	if (del > 0 && n > 0 && (size_t)n < sizeof(t))
		snprintf(t + n, sizeof(t) - (size_t)n, "  Del:%zu (deleted at q)", del);
	ui_text_put(0, 0, ui->cols, t, ui_attr(UI_TITLE));
}

static void draw_too_small(struct ui *ui)
{
	char msg[128];

	snprintf(msg, sizeof(msg), "Terminal too small: %dx%d, need at least %dx%d.", ui->cols, ui->rows,
		 MIN_COLS, MIN_ROWS);
	erase();
	ui_text_put(ui->rows / 2, 0, ui->cols, msg, A_BOLD);
	if (ui->rows / 2 + 1 < ui->rows)
		ui_text_put(ui->rows / 2 + 1, 0, ui->cols, "Enlarge the window (Q aborts).", A_NORMAL);
	refresh();
}

/* One draw pass: erase, draw every part, one refresh. */
static void ui_draw(struct ui *ui)
{
	char hint[512];

	if (ui->rows < MIN_ROWS || ui->cols < MIN_COLS) {
		draw_too_small(ui);
		return;
	}
	erase();
	draw_title(ui);
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
static int read_key(void)
{
	wint_t ch;
	int r = get_wch(&ch);

	if (r == ERR)
		return ERR;
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
		ui->quit = 1;
		ui->exit_status = 1;
		snprintf(ui->exit_msg, sizeof(ui->exit_msg),
			 "client: %s: closed without QUIT, nothing was deleted on the server",
			 got_signal == SIGINT ? "interrupted" : got_signal == SIGHUP ? "terminal closed" : "terminated");
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
		if (ui->view == UI_LIST && ui->rows >= MIN_ROWS && ui->cols >= MIN_COLS)
			ui_list_prepare(ui);
		if (ui->quit)
			break;
		ui_draw(ui);
		int key = read_key();

		if (key == ERR) {
			idle(ui, &last_active);
			continue;
		}
		last_active = time(NULL);
		if (key == UI_FK(KEY_RESIZE)) {
			ui_layout(ui);
			continue;
		}
		ui->status[0] = '\0';
		if (ui->rows < MIN_ROWS || ui->cols < MIN_COLS) {
			if (key == 'Q' || key == UI_CTRL('L'))
				ui_keys_dispatch(ui, key);
			continue;
		}
		if (!ui_keys_dispatch(ui, key) && ui->view == UI_RAW && key < UI_FKEY)
			ui_raw_insert(ui, (wchar_t)key);
	}
}

/* Draw the screen with a prompt and the text typed so far on the bottom line. */
static void draw_prompt(struct ui *ui, const char *label, const wchar_t *in)
{
	char line[600];

	ui_draw(ui);
	snprintf(line, sizeof(line), "%s%.300ls", label, in);
	ui_text_put(ui->rows - 1, 0, ui->cols, line, A_BOLD);
	int x = ui_text_width(line);

	move(ui->rows - 1, x < ui->cols ? x : ui->cols - 1);
	curs_set(1);
	refresh();
}

int ui_prompt(struct ui *ui, const char *label, char *buf, size_t size)
{
	wchar_t in[128] = L"";
	size_t n = 0;
	int r = -1;

	for (;;) {
		draw_prompt(ui, label, in);
		int key = read_key();

		if (key == ERR) {
			if (got_signal)
				break;
			continue;
		}
		if (key == UI_FK(KEY_RESIZE))
			ui_layout(ui);
		else if (key == UI_ESC || key == UI_CTRL('C') || key == UI_CTRL('G'))
			break;
		else if (key == '\n' || key == '\r' || key == UI_FK(KEY_ENTER)) {
			r = wcstombs(buf, in, size) == (size_t)-1 ? -1 : 0;
			break;
		} else if ((key == UI_FK(KEY_BACKSPACE) || key == 0x7f || key == UI_CTRL('H')) && n > 0)
			in[--n] = L'\0';
		else if (key < UI_FKEY && key >= ' ' && n + 1 < sizeof(in) / sizeof(in[0])) {
			in[n++] = (wchar_t)key;
			in[n] = L'\0';
		}
	}
	curs_set(0);
	return r;
}

int ui_confirm(struct ui *ui, const char *question)
{
	char label[400];

	snprintf(label, sizeof(label), "%s [y/N] ", question);
	for (;;) {
		draw_prompt(ui, label, L"");
		int key = read_key();

		if (key == UI_FK(KEY_RESIZE)) {
			ui_layout(ui);
			continue;
		}
		if (key == ERR) {
			if (got_signal)
				return 0;
			continue;
		}
		curs_set(0);
		return key == 'y' || key == 'Y';
	}
}

void ui_progress(struct ui *ui, unsigned num, unsigned long long done, unsigned long long total)
{
	static struct timespec start, last;
	struct timespec now;
	char bar[21], line[200], d[32], t[32], rate[32];

	clock_gettime(CLOCK_MONOTONIC, &now);
	if (done == 0)
		start = now;
	else if ((now.tv_sec - last.tv_sec) * 1000 + (now.tv_nsec - last.tv_nsec) / 1000000 < PROGRESS_MS &&
		 done < total)
		return;
	last = now;
	double secs = (double)(now.tv_sec - start.tv_sec) + (double)(now.tv_nsec - start.tv_nsec) / 1e9;
	int pct = total ? (int)(done * 100 / total) : 0;

	pct = pct > 100 ? 100 : pct;
	for (int i = 0; i < 20; i++)
		bar[i] = i < pct / 5 ? '#' : '.';
	bar[20] = '\0';
	ui_text_size(done, d, sizeof(d));
	ui_text_size(total, t, sizeof(t));
	ui_text_size(secs > 0.01 ? (unsigned long long)((double)done / secs) : 0, rate, sizeof(rate));
	snprintf(line, sizeof(line), "Retrieving message %u: [%s] %3d%%  %s of %s  %s/s", num, bar, pct, d, t, rate);
	if (screen_open && ui->rows >= 1) {
		ui_text_put(ui->rows - 1, 0, ui->cols, line, A_NORMAL);
		refresh();
	}
}

int ui_run(const struct client_opts *o, struct pop3c *pc)
{
	struct ui ui;

	memset(&ui, 0, sizeof(ui));
	ui.o = o;
	ui.pc = pc;
	ui.view = UI_LIST;
	if (ui_mbox_load(&ui) < 0) {
		fprintf(stderr, "client: %s: cannot list the maildrop: %s\n", o->host, pop3c_error(pc));
		return 1;
	}
	if (ui_begin() < 0) {
		fprintf(stderr, "client: cannot open the terminal (TERM=%s)\n", getenv("TERM") ? getenv("TERM") : "");
		ui_mbox_free(&ui);
		return 1;
	}
	ui_layout(&ui);
	ui_status(&ui, 0, "%u messages; ? for help", ui.stat_count);
	loop(&ui);
	ui_end();
	if (ui.exit_msg[0])
		fprintf(ui.exit_status ? stderr : stdout, "%s\n", ui.exit_msg);
	ui_pager_free(&ui);
	ui_raw_free(&ui);
	ui_lines_clear(&ui.preview);
	ui_mbox_free(&ui);
	return ui.exit_status;
}

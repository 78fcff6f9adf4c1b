/* Waiting for the server with the keys live: cancel, abort, elapsed time and progress on the status line. */
#include "ui.h"

#include <curses.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* A wait looks at the keys at least this often (ms): Esc cancels within it. */
#define WAIT_SLICE_MS 50
/* Silence longer than this (ms) puts "waiting for the server (N s)" on the status line. */
#define WAIT_SHOW_MS 1000
/* Progress redraws at most this often (ms), like ncdu's update_delay. */
#define PROGRESS_MS 100
/* Keys typed during a short wait are kept for afterwards, up to this many. */
#define AHEAD_MAX 32

static int ahead[AHEAD_MAX];
static size_t nahead;

long ui_now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

int ui_wait_next_key(void)
{
	if (nahead == 0)
		return ERR;
	int k = ahead[0];

	memmove(ahead, ahead + 1, --nahead * sizeof(ahead[0]));
	return k;
}

void ui_wait_flush(void)
{
	nahead = 0;
	flushinp();
}

/* Put a line on the status row now, without a full redraw. */
static void show_status(struct ui *ui, const char *line)
{
	if (ui->rows < 1 || isendwin())
		return;
	ui_text_put(ui->rows - 1, 0, ui->cols, line, A_NORMAL);
	refresh();
}

/* The user stopped the operation: Q leaves the session as it is (no QUIT). */
static void abort_session(struct ui *ui)
{
	ui->quit = 1;
	ui->exit_status = 0;
	snprintf(ui->exit_msg, sizeof(ui->exit_msg), "%s",
		 ui->quitting ? "left while the server answered QUIT: the deletions may have taken effect"
			      : "aborted without QUIT: nothing was deleted on the server");
}

/*
 * Read the keys typed so far: 1 when one of them stops the operation (Esc, Ctrl-C,
 * Ctrl-G, or Q which also ends the session), else 0; other keys wait in the queue.
 */
int ui_wait_keys(struct ui *ui)
{
	wint_t ch;
	int r, stop = 0;

	if (ui_signal_pending(SIGINT))
		stop = 1;
	if (ui_signal_pending(0))	/* SIGTERM, SIGHUP: stop now; the loop then leaves */
		return 1;
	struct pollfd p = { .fd = STDIN_FILENO, .events = POLLIN };

	if (!stop && poll(&p, 1, 0) <= 0)
		return 0;
	if (p.revents & (POLLHUP | POLLERR | POLLNVAL)) {
		/* No terminal to read from: stop rather than spin on it. */
		ui_note_hangup();
		return 1;
	}
	nodelay(stdscr, TRUE);
	while (!stop && (r = get_wch(&ch)) != ERR) {
		int key = r == KEY_CODE_YES ? UI_FK((int)ch) : (int)ch;

		if (key == UI_ESC || key == UI_CTRL('C') || key == UI_CTRL('G'))
			stop = 1;
		else if (key == 'Q') {
			abort_session(ui);
			stop = 1;
		} else if (key == UI_FK(KEY_RESIZE))
			ui_relayout(ui);
		else if (nahead < AHEAD_MAX)
			ahead[nahead++] = key;
	}
	nodelay(stdscr, FALSE);
	timeout(UI_TICK_MS);
	return stop;
}

int ui_wait(void *arg, int fd, short events, int timeout_ms)
{
	struct ui *ui = arg;
	long start = ui_now_ms(), shown = 0;

	for (;;) {
		struct pollfd p[2] = { { .fd = fd, .events = events }, { .fd = STDIN_FILENO, .events = POLLIN } };
		long el = ui_now_ms() - start;
		long slice = timeout_ms >= 0 && timeout_ms - el < WAIT_SLICE_MS ? timeout_ms - el : WAIT_SLICE_MS;
		int n = poll(p, 2, slice > 0 ? (int)slice : 0);

		if (n < 0 && errno != EINTR)
			return -1;
		if (n > 0 && p[0].revents)
			return 1;
		if (ui_wait_keys(ui)) {
			errno = ECANCELED;
			return -1;
		}
		el = ui_now_ms() - start;
		if (timeout_ms >= 0 && el >= timeout_ms)
			return 0;
		if (el >= WAIT_SHOW_MS && el / 1000 != shown) {
			char line[200];

			shown = el / 1000;
			snprintf(line, sizeof(line), "waiting for the server (%ld s)…  Esc cancels, Q aborts", shown);
			show_status(ui, line);
		}
	}
}

void ui_busy(struct ui *ui, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ui->status, sizeof(ui->status), fmt, ap);
	va_end(ap);
	ui->status_err = 0;
	show_status(ui, ui->status);
}

/* A 20-cell bar for done of total. */
static void bar(unsigned long long done, unsigned long long total, char *buf, int *pct_r)
{
	int pct = total ? (int)(done * 100 / total) : 0;

	pct = pct > 100 ? 100 : pct;
	for (int i = 0; i < 20; i++)
		buf[i] = i < pct / 5 ? '#' : '.';
	buf[20] = '\0';
	*pct_r = pct;
}

void ui_progress(struct ui *ui, unsigned num, unsigned long long done, unsigned long long total)
{
	static long start, last;
	long now = ui_now_ms();
	char b[21], line[200], d[32], t[32], rate[32];
	int pct;

	if (done == 0)
		start = now;
	else if (now - last < PROGRESS_MS && done < total)
		return;
	last = now;
	double secs = (double)(now - start) / 1000;

	bar(done, total, b, &pct);
	ui_text_size(done, d, sizeof(d));
	ui_text_size(total, t, sizeof(t));
	ui_text_size(secs > 0.01 ? (unsigned long long)((double)done / secs) : 0, rate, sizeof(rate));
	snprintf(line, sizeof(line), "Retrieving message %u: [%s] %3d%%  %s of %s  %s/s  Esc cancels", num, b,
		 pct, d, t, rate);
	show_status(ui, line);
}

int ui_progress_count(struct ui *ui, const char *what, size_t done, size_t total, unsigned long long bytes)
{
	static long last;
	long now = ui_now_ms();
	char b[21], size[32], line[200];
	int pct;

	if (now - last >= PROGRESS_MS || done == total) {
		last = now;
		bar(done, total, b, &pct);
		ui_text_size(bytes, size, sizeof(size));
		snprintf(line, sizeof(line), "%s %zu of %zu [%s] %3d%%  %s  Esc stops", what, done, total, b, pct,
			 size);
		show_status(ui, line);
	}
	return ui_wait_keys(ui);
}

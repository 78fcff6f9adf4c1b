/* The account chooser: the first screen when no account is named, and the switch to another account (key C). */
#include "ui.h"

#include "config.h"

#include <curses.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* "bob@pop.example.org:995 tls" for the chooser's row of account i, from the config alone. */
static void describe(const struct config *c, size_t i, char *buf, size_t size)
{
	struct client_opts o = { .host = "(no host)", .user = "", .port = "" };

	config_apply(c, (long)i, &o);
	snprintf(buf, size, "%-20.64s %s%s%s%s%s%s", c->accounts[i].name, o.user, o.user[0] ? "@" : "", o.host,
		 o.port[0] ? ":" : "", o.port, o.tls ? "  TLS" : o.starttls ? "  STLS" : "");
}

static void draw(struct ui *ui, const struct config *c, size_t sel)
{
	char line[400];

	erase();
	snprintf(line, sizeof(line), "--- mailroom: choose an account (%.300s)", c->path);
	ui_text_put(0, 0, ui->cols, line, ui_attr(UI_TITLE));
	for (size_t i = 0; i < c->naccounts && (int)i + 2 < ui->rows - 2; i++) {
		char row[300];

		describe(c, i, row, sizeof(row));
		snprintf(line, sizeof(line), "  %2zu  %s", i + 1, row);
		ui_text_put((int)i + 2, 0, ui->cols, line, i == sel ? ui_attr(UI_SELECTED) : ui_attr(UI_ROW));
	}
	ui_text_put(ui->rows - 2, 0, ui->cols, "Enter:Connect  j k:Move  1-9:Pick  q:Quit", ui_attr(UI_HINT));
	ui_text_put(ui->rows - 1, 0, ui->cols, ui->status, ui->status_err ? ui_attr(UI_ERROR) : 0);
	refresh();
}

/* The terminal has gone (its window closed without a SIGHUP reaching us): keys would never come. */
static int terminal_gone(void)
{
	struct pollfd p = { .fd = STDIN_FILENO, .events = POLLIN };

	return poll(&p, 1, 0) > 0 && (p.revents & (POLLHUP | POLLERR | POLLNVAL));
}

/* The chooser's keys; the index picked, or -1 when the user left (ui->quit set). */
static long choose(struct ui *ui, const struct config *c)
{
	size_t sel = 0;

	for (size_t i = 0; ui->o->account && i < c->naccounts; i++)
		if (strcmp(c->accounts[i].name, ui->o->account) == 0)
			sel = i;
	for (;;) {
		draw(ui, c, sel);
		int key = ui_read_key();

		/* Ctrl-C (taken as a signal, so that it only cancels) leaves the chooser as q does. */
		if (key == ERR && ui_signal_pending(SIGINT)) {
			ui->quit = 1;
			return -1;
		}
		if (key == ERR && !ui_signal_pending(0) && !terminal_gone())
			continue;
		if (key == ERR) {
			ui->quit = ui->exit_status = 1;
			snprintf(ui->exit_msg, sizeof(ui->exit_msg), "%s: ended by a signal or a closed terminal "
				 "in the account chooser", program_invocation_short_name);
			return -1;
		}
		if (key == 'q' || key == 'Q' || key == UI_ESC) {
			ui->quit = 1;
			return -1;
		}
		ui->status[0] = '\0';
		if (key == UI_FK(KEY_RESIZE))
			ui_relayout(ui);
		else if ((key == 'j' || key == UI_FK(KEY_DOWN)) && sel + 1 < c->naccounts)
			sel++;
		else if ((key == 'k' || key == UI_FK(KEY_UP)) && sel > 0)
			sel--;
		else if (key >= '1' && key <= '9' && (size_t)(key - '1') < c->naccounts)
			return key - '1';
		else if (key == '\n' || key == '\r' || key == UI_FK(KEY_ENTER))
			return (long)sel;
	}
}

/*
 * The options of account idx into ui->chosen.  passwordeval may talk to the terminal (a
 * passphrase prompt), so the screen is put away while it runs.  0, or -1 with the status set.
 */
static int take_account(struct ui *ui, const struct config *c, long idx)
{
	char err[600];
	int outside = config_passwordeval(c, idx) != NULL;

	if (outside) {
		def_prog_mode();
		endwin();
	}
	int r = ui->o->account_opts(idx, &ui->chosen, ui->chosen_pw, sizeof(ui->chosen_pw), err, sizeof(err));

	if (outside) {
		reset_prog_mode();
		clearok(curscr, TRUE);
	}
	if (r < 0) {
		ui_status(ui, 1, "%s", err);
		return -1;
	}
	ui->o = &ui->chosen;
	return 0;
}

int ui_accounts_choose(struct ui *ui)
{
	const struct config *c = ui->o->config;

	for (;;) {
		long idx = choose(ui, c);

		if (idx < 0)
			return -1;
		if (take_account(ui, c, idx) == 0)
			return 0;
	}
}

/* What the old session leaves that ui_session_end does not: the preview, the raw console, the cursor, the password. */
static void reset(struct ui *ui)
{
	ui_lines_clear(&ui->preview);
	ui_raw_free(ui);
	ui->raw_off = ui->hist_pos = 0;
	ui->view = UI_LIST;
	ui->sel = ui->top = 0;
	memset(ui->password, 0, sizeof(ui->password));
}

void ui_act_switch_account(struct ui *ui)
{
	const struct config *c = ui->o->config;

	if (c == NULL || c->naccounts == 0) {
		ui_status(ui, 1, "no accounts to change to: the config file has no account sections");
		return;
	}
	/* With deletions pending it asks: commit them with QUIT, keep them with RSET then QUIT, or stay. */
	if (ui_session_end(ui, "Switch account") != 0)
		return;
	reset(ui);
	ui_status(ui, 0, "the session with %s ended with QUIT", ui->o->host);
	if (ui_accounts_choose(ui) < 0 || ui_session_start(ui) < 0)
		return;
	/* The new list in the order and threads chosen for the old one, as after a check for new mail. */
	ui_order_apply(ui);
	/* A damaged state file or a server without UIDL says so first. */
	if (ui->quit || ui->reconnect || ui_state_note(ui))
		return;
	ui_status(ui, 0, "%s: %zu messages, %zu new; ? for help", ui->o->account ? ui->o->account : ui->o->host,
		  ui->n, ui->nnew);
}

/* The screen's session: connect and log in with the status line saying so, connect again after a cancel, end it cleanly, check for new mail. */
#include "ui.h"

#include "connect.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* A login answered later than this (ms) was held back by the server: say so. */
#define SLOW_LOGIN_MS 1000

/* Leave the screen with a reason (a cancel or Q has already said its own). */
static int give_up(struct ui *ui, const char *fmt, const char *what)
{
	if (!ui->quit) {
		ui->quit = 1;
		ui->exit_status = 1;
		/* The name the client was started as: client in the tree, mailroom installed. */
		int n = snprintf(ui->exit_msg, sizeof(ui->exit_msg), "%s: ",
				 program_invocation_short_name);

		snprintf(ui->exit_msg + n, sizeof(ui->exit_msg) - (size_t)n, fmt, ui->o->host, what);
	}
	return -1;
}

/* Connect, with "connecting to HOST:PORT…" shown; 0 or -1 (exit_msg set). */
static int open_connection(struct ui *ui)
{
	char err[512];

	ui_busy(ui, "connecting to %s:%s…  Esc cancels", ui->o->host, ui->o->port);
	ui_redraw(ui);
	if (connect_session(ui->o, &ui->wait, &ui->pc, err, sizeof(err)) < 0)
		return give_up(ui, "%s: %s", err);
	return 0;
}

/* One USER/PASS; the status line says who, and afterwards whether the server made us wait. */
static int try_login(struct ui *ui, const char *pw, long *waited_r)
{
	ui_busy(ui, "logging in as %s…", ui->o->user);
	ui_redraw(ui);
	long t0 = ui_now_ms();
	int r = pop3c_login(ui->pc, ui->o->user, pw);

	*waited_r = ui_now_ms() - t0;
	return r;
}

/* Ask for the password on the bottom line; 0, or -1 when the user gave up. */
static int ask(struct ui *ui, char *pw, size_t size)
{
	char label[300];

	snprintf(label, sizeof(label), "Password for %.100s@%.100s: ", ui->o->user, ui->o->host);
	return ui_prompt_hidden(ui, label, pw, size);
}

/* Log in, asking again after a refusal, up to CLIENT_LOGIN_TRIES; 0 or -1 (exit_msg set). */
static int login(struct ui *ui)
{
	char pw[CLIENT_PASSWORD_MAX];
	int ret = -1;

	snprintf(pw, sizeof(pw), "%s", ui->o->password ? ui->o->password : "");
	for (int tries = 1;; tries++) {
		long waited;

		if (pw[0] == '\0' && ask(ui, pw, sizeof(pw)) < 0) {
			give_up(ui, "%s: %s", "no password given; nothing was done");
			break;
		}
		int r = try_login(ui, pw, &waited);

		if (r == POP3C_OK) {
			snprintf(ui->password, sizeof(ui->password), "%s", pw);
			ret = 0;
			break;
		}
		if (r == POP3C_FAIL || tries >= CLIENT_LOGIN_TRIES) {
			give_up(ui, "%s: login failed: %s", pop3c_error(ui->pc));
			break;
		}
		ui_status(ui, 1, "%s%s; try again (%d of %d)", pop3c_error(ui->pc),
			  waited >= SLOW_LOGIN_MS ? " (the server made us wait)" : "", tries + 1, CLIENT_LOGIN_TRIES);
		if (waited >= SLOW_LOGIN_MS)
			snprintf(ui->status + strlen(ui->status), sizeof(ui->status) - strlen(ui->status),
				 " - it waited %ld s", (waited + 500) / 1000);
		pw[0] = '\0';
	}
	memset(pw, 0, sizeof(pw));
	return ret;
}

/* STAT, LIST and UIDL, with the status line saying so; 0 or -1. */
static int load_list(struct ui *ui)
{
	ui_busy(ui, "loading the message list…");
	if (ui_mbox_load(ui) < 0)
		return give_up(ui, "%s: cannot list the maildrop: %s", pop3c_error(ui->pc));
	ui_state_attach(ui);
	ui->listed = 1;
	return 0;
}

int ui_session_start(struct ui *ui)
{
	if (open_connection(ui) < 0 || login(ui) < 0)
		return -1;
	return load_list(ui);
}

/* Mark again on the server the messages whose UIDs are in uids (n of them). */
static void mark_again(struct ui *ui, char (*uids)[POP3_UID_MAX + 1], size_t n)
{
	for (size_t i = 0; i < ui->n; i++)
		for (size_t k = 0; k < n; k++)
			if (ui->msgs[i].e.uid[0] && strcmp(ui->msgs[i].e.uid, uids[k]) == 0 &&
			    pop3c_dele(ui->pc, ui->msgs[i].e.num) == POP3C_OK)
				ui->msgs[i].deleted = 1;
	ui_mbox_refresh_stat(ui);
}

/* Log in again with the password that worked; 0 or -1 (exit_msg set). */
static int relogin(struct ui *ui, long *waited_r)
{
	if (try_login(ui, ui->password, waited_r) == POP3C_OK)
		return 0;
	return give_up(ui, "%s: logging in again failed: %s", pop3c_error(ui->pc));
}

/* Forget the session: the pager, the list and the connection (without QUIT); the state stays. */
static void drop_session(struct ui *ui)
{
	ui_pager_free(ui);
	ui->view = ui->view == UI_PAGER ? UI_LIST : ui->view;
	ui->preview_ok = 0;
	ui->listed = 0;
	ui_mbox_free(ui);
	pop3c_close(ui->pc);
	ui->pc = NULL;
}

/* A new session on the same account: connect, log in with the password that worked, list; 0 or -1. */
static int connect_again(struct ui *ui)
{
	long waited;

	if (open_connection(ui) < 0 || relogin(ui, &waited) < 0 || load_list(ui) < 0)
		return -1;
	return 0;
}

int ui_session_reconnect(struct ui *ui)
{
	size_t n = 0;
	unsigned sel = ui->sel < ui->n ? ui->msgs[ui->sel].e.num : 0;
	char(*uids)[POP3_UID_MAX + 1] = calloc(ui->n ? ui->n : 1, sizeof(*uids));

	for (size_t i = 0; uids != NULL && i < ui->n; i++)
		if (ui->msgs[i].deleted && ui->msgs[i].e.uid[0])
			memcpy(uids[n++], ui->msgs[i].e.uid, sizeof(*uids));
	ui->reconnect = 0;
	drop_session(ui);
	int r = -1;

	if (connect_again(ui) == 0) {
		mark_again(ui, uids, n);
		/* Its headers are gone with the old list: fetching them all again is not what a cancel asks. */
		ui_order_reset(ui);
		ui->sel = ui_mbox_find(ui, sel) != (size_t)-1 ? ui_mbox_find(ui, sel) : 0;
		ui_status(ui, 0, "cancelled; connected again (a cut-off reply cannot be resumed)");
		r = 0;
	}
	free(uids);
	return r;
}

/* With deletions pending: 'c' commit, 'k' keep (RSET), 0 cancel. */
static int ask_pending(struct ui *ui, const char *why, size_t del)
{
	char q[400];

	snprintf(q, sizeof(q), "%s: c deletes %zu marked message%s (QUIT), k keeps %s (RSET), Esc cancels ",
		 why, del, del == 1 ? "" : "s", del == 1 ? "it" : "them");
	int key = ui_ask_key(ui, q);

	return key == 'c' || key == 'C' ? 'c' : key == 'k' || key == 'K' ? 'k' : 0;
}

/* RSET (when keep) then QUIT; 0, or -1 when the connection failed (quit set). */
static int quit_server(struct ui *ui, int keep)
{
	int r = keep ? pop3c_rset(ui->pc) : POP3C_OK;

	if (r == POP3C_OK) {
		ui->quitting = 1;
		r = pop3c_quit(ui->pc);
	}
	if (r == POP3C_FAIL) {
		ui_connection_lost(ui);
		return -1;
	}
	ui->quitting = 0;
	if (r == POP3C_ERR)
		snprintf(ui->state_note, sizeof(ui->state_note), "the server answered %s: the deletions may not have taken effect",
			 pop3c_reply(ui->pc));
	return 0;
}

int ui_session_end(struct ui *ui, const char *why)
{
	size_t del = ui_mbox_pending(ui);
	int choice = del > 0 ? ask_pending(ui, why, del) : 'c';

	if (choice == 0) {
		ui_status(ui, 0, "cancelled: still connected, nothing changed");
		return 1;
	}
	if (quit_server(ui, choice == 'k') < 0)
		return -1;
	ui_state_close(ui);
	/* The next account may lack UIDL too: its note is due once more (check keeps it said). */
	ui->state_noted = 0;
	drop_session(ui);
	return 0;
}

/* The index of the message with this unique-id, else the one at index sel (kept in range). */
static size_t find_uid(const struct ui *ui, const char *uid, size_t sel)
{
	for (size_t i = 0; uid[0] && i < ui->n; i++)
		if (strcmp(ui->msgs[i].e.uid, uid) == 0)
			return i;
	return sel < ui->n ? sel : ui->n ? ui->n - 1 : 0;
}

/* End the session, connect again, keep the cursor on the same message; 1 when mail is new, 0, or -1. */
static int check(struct ui *ui)
{
	char uid[POP3_UID_MAX + 1] = "";
	size_t sel = ui->sel, before = ui->n;
	int noted = ui->state_noted;

	if (ui->n > 0)
		snprintf(uid, sizeof(uid), "%s", ui->msgs[ui->sel].e.uid);
	if (ui_session_end(ui, "Check for new mail") != 0)
		return -1;
	ui->state_noted = noted;	/* the same server: its "no UIDL" note was said */
	if (connect_again(ui) < 0)
		return -1;
	ui->sel = find_uid(ui, uid, sel);
	/* The new list in the chosen order and threads; it keeps the cursor on its message. */
	ui_order_apply(ui);
	if (ui->quit || ui->reconnect)
		return -1;
	if (ui_state_note(ui))
		return ui->nnew > 0;
	if (ui->state_off)
		ui_status(ui, 0, "checked: %zu messages, %zu before", ui->n, before);
	else
		ui_status(ui, 0, "%zu new message%s", ui->nnew, ui->nnew == 1 ? "" : "s");
	return ui->nnew > 0;
}

void ui_act_check(struct ui *ui)
{
	check(ui);
}

void ui_session_poll(struct ui *ui, time_t idle_since)
{
	time_t now = time(NULL);
	char old[sizeof(ui->status)];
	int old_err = ui->status_err;

	if (ui->o->poll <= 0 || ui->view != UI_LIST || now - idle_since < ui->o->poll ||
	    now - ui->checked < ui->o->poll)
		return;
	ui->checked = now;
	/* A poll never asks: pending deletions wait for the user's q or c. */
	if (ui_mbox_pending(ui) > 0)
		return;
	memcpy(old, ui->status, sizeof(old));
	if (check(ui) == 0) {
		/* Nothing new: what the status line said stays. */
		memcpy(ui->status, old, sizeof(old));
		ui->status_err = old_err;
	}
}

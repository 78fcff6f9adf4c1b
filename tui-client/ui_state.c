/* What is new: the account's state file joined to the list, the N marks, and keeping them as messages are read and saved. */
#include "ui.h"

#include "state.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Load the account's state (user@host:port) unless it is loaded; 0 or -1 (status says why). */
static int load(struct ui *ui)
{
	char dir[2048], account[1024];

	if (ui->state != NULL)
		return 0;
	if (state_dir(dir, sizeof(dir)) < 0) {
		snprintf(ui->state_note, sizeof(ui->state_note), "no $HOME nor $XDG_STATE_HOME: what is new is not remembered");
		return -1;
	}
	snprintf(account, sizeof(account), "%s@%s:%s", ui->o->user, ui->o->host, ui->o->port);
	return state_load(dir, account, &ui->state, ui->state_note, sizeof(ui->state_note));
}

/* 1 when every message has a unique-id, so that the state can follow them. */
static int all_have_uids(const struct ui *ui)
{
	for (size_t i = 0; i < ui->n; i++)
		if (ui->msgs[i].e.uid[0] == '\0')
			return 0;
	return 1;
}

/* Join message m to the state: seen now, unread unless read or saved (a copy in the folder counts). */
static int join(struct ui *ui, struct ui_msg *m)
{
	unsigned old;

	if (state_list_add(ui->state, m->e.uid, &old) < 0)
		return -1;
	ui->nnew += !(old & STATE_SEEN);
	/* A copy saved before the state knew the message: saved and read. */
	if (!(old & STATE_SEEN) && m->saved)
		old |= STATE_SAVED | STATE_READ;
	state_set(ui->state, m->e.uid, old | STATE_SEEN);
	m->unread = !(old & (STATE_READ | STATE_SAVED));
	return 0;
}

void ui_state_attach(struct ui *ui)
{
	ui->nnew = 0;
	if (!all_have_uids(ui)) {
		/* Without UIDL nothing identifies a message from one session to the next. */
		ui->state_off = 1;
		return;
	}
	ui->state_off = 0;
	if (load(ui) < 0)
		return;
	state_list_begin(ui->state);
	for (size_t i = 0; i < ui->n; i++)
		if (join(ui, &ui->msgs[i]) < 0) {
			snprintf(ui->state_note, sizeof(ui->state_note), "out of memory: what is new is not remembered");
			state_free(ui->state);
			ui->state = NULL;
			return;
		}
}

int ui_state_note(struct ui *ui)
{
	if (ui->state_note[0]) {
		ui_status(ui, 1, "%s", ui->state_note);
		ui->state_note[0] = '\0';
		return 1;
	}
	if (ui->state_off && !ui->state_noted) {
		ui->state_noted = 1;
		ui_status(ui, 0, "%zu messages; this server has no UIDL, so the client cannot remember what is new", ui->n);
		return 1;
	}
	return 0;
}

void ui_state_mark(struct ui *ui, size_t i, unsigned flags)
{
	struct ui_msg *m = &ui->msgs[i];

	if (ui->state == NULL || m->e.uid[0] == '\0')
		return;
	state_set(ui->state, m->e.uid, state_get(ui->state, m->e.uid) | STATE_SEEN | flags);
	m->unread = 0;
}

size_t ui_state_unread(const struct ui *ui)
{
	size_t k = 0;

	for (size_t i = 0; i < ui->n; i++)
		k += ui->msgs[i].unread != 0;
	return k;
}

int ui_state_save(struct ui *ui)
{
	char err[2600];

	if (ui->state == NULL || state_save(ui->state, err, sizeof(err)) == 0)
		return 0;
	ui_status(ui, 1, "what is read was not remembered: %s", err);
	return -1;
}

int ui_state_close(struct ui *ui)
{
	int r = ui_state_save(ui);

	state_free(ui->state);
	ui->state = NULL;
	return r;
}

void ui_act_toggle_unread(struct ui *ui)
{
	if (ui->n == 0)
		return;
	struct ui_msg *m = &ui->msgs[ui->sel];

	if (ui->state == NULL) {
		ui_status(ui, 1, "%s", ui->state_off ? "this server has no UIDL: read and unread cannot be remembered"
						     : "what is read is not remembered (see the note at the start)");
		return;
	}
	unsigned f = state_get(ui->state, m->e.uid);

	if (m->unread) {
		ui_state_mark(ui, ui->sel, STATE_READ);
	} else {
		state_set(ui->state, m->e.uid, (f | STATE_SEEN) & ~(STATE_READ | STATE_SAVED));
		m->unread = 1;
	}
	ui_status(ui, 0, "message %u marked %s", m->e.num, m->unread ? "unread" : "read");
}

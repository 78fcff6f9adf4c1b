/* The message list of the screen and the actions that change it on the server. */
#include "ui.h"

#include "mime.h"
#include "save.h"
#include "state.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* RETRs larger than this show a progress bar (the threshold). */
#define PROGRESS_MIN (64 * 1024)
/* How many headers a search fetches at a time. */
#define SEARCH_BATCH 64

/* A malloc'd, sanitised copy of a decoded header, never NULL unless out of memory. */
static char *clean(const char *s)
{
	size_t len;
	char *c = mime_sanitize(s ? s : "", s ? strlen(s) : 0, &len);

	/* Headers are one line: a newline or tab left by unfolding becomes a blank. */
	for (size_t i = 0; c && i < len; i++)
		if (c[i] == '\n' || c[i] == '\t' || c[i] == '\r')
			c[i] = ' ';
	return c;
}

/* "Mon, 23 Nov 2026 09:12:00 +0000" -> "2026-11-23"; blank when it cannot be read. */
static char *short_date(const char *date)
{
	char out[32];

	mime_date_short(date, out, sizeof(out));
	return strdup(out);
}

static void msg_headers(struct ui_msg *m, const struct pop3c_buf *b)
{
	struct mime_msg *mm = NULL;

	if (mime_parse(b->data ? b->data : "", b->len, &mm) < 0) {
		m->loaded = -1;
		return;
	}
	m->from = clean(mm->from);
	m->subject = clean(mm->subject);
	m->date = short_date(mm->date);
	m->msgid = strdup(mm->message_id);
	m->in_reply_to = strdup(mm->in_reply_to);
	m->references = strdup(mm->references);
	if (mime_date_parse(mm->date, &m->when) < 0)
		m->when = LLONG_MIN;
	m->loaded = 1;
	mime_free(mm);
}

int ui_mbox_headers(struct ui *ui, size_t from, size_t to)
{
	unsigned nums[SEARCH_BATCH];
	size_t idx[SEARCH_BATCH], k = 0;
	struct pop3c_buf outs[SEARCH_BATCH];
	int res[SEARCH_BATCH], r = 0;

	if (to > ui->n)
		to = ui->n;
	for (size_t i = from; i < to && k < SEARCH_BATCH; i++)
		if (ui->msgs[i].loaded == 0 && !ui->msgs[i].deleted) {
			idx[k] = i;
			nums[k++] = ui->msgs[i].e.num;
		}
	if (k == 0)
		return 0;
	memset(outs, 0, sizeof(outs));
	if (pop3c_top_many(ui->pc, nums, k, 0, outs, res) == POP3C_FAIL)
		r = -1;
	for (size_t j = 0; j < k; j++) {
		if (r == 0 && res[j] == POP3C_OK)
			msg_headers(&ui->msgs[idx[j]], &outs[j]);
		else if (r == 0)
			ui->msgs[idx[j]].loaded = -1;
		pop3c_buf_free(&outs[j]);
	}
	if (r < 0)
		ui_connection_lost(ui);
	return r;
}

int ui_mbox_refresh_stat(struct ui *ui)
{
	int r = pop3c_stat(ui->pc, &ui->stat_count, &ui->stat_size);

	if (r == POP3C_FAIL) {
		ui_connection_lost(ui);
		return -1;
	}
	return 0;
}

int ui_mbox_load(struct ui *ui)
{
	struct pop3c_entry *v = NULL;
	size_t n = 0;
	char name[512];

	if (ui_mbox_refresh_stat(ui) < 0)
		return -1;
	if (pop3c_list(ui->pc, &v, &n) != POP3C_OK)
		return -1;
	if (pop3c_uidl(ui->pc, v, n) == POP3C_FAIL) {
		free(v);
		return -1;
	}
	ui->msgs = calloc(n ? n : 1, sizeof(*ui->msgs));
	if (ui->msgs == NULL) {
		free(v);
		return -1;
	}
	/* One read of the save folder, not a stat per message. */
	struct save_index ix;

	save_index_load(ui->o->save_dir, &ix);
	for (size_t i = 0; i < n; i++) {
		ui->msgs[i].e = v[i];
		ui->msgs[i].when = LLONG_MIN;
		save_name(v[i].uid, v[i].num, name, sizeof(name));
		ui->msgs[i].saved = save_index_has(&ix, name);
	}
	save_index_free(&ix);
	ui->n = n;
	free(v);
	return 0;
}

void ui_mbox_free(struct ui *ui)
{
	for (size_t i = 0; i < ui->n; i++) {
		free(ui->msgs[i].from);
		free(ui->msgs[i].subject);
		free(ui->msgs[i].date);
		free(ui->msgs[i].msgid);
		free(ui->msgs[i].in_reply_to);
		free(ui->msgs[i].references);
	}
	free(ui->msgs);
	ui->msgs = NULL;
	ui->n = 0;
}

size_t ui_mbox_pending(const struct ui *ui)
{
	size_t k = 0;

	for (size_t i = 0; i < ui->n; i++)
		k += ui->msgs[i].deleted != 0;
	return k;
}

size_t ui_mbox_find(const struct ui *ui, unsigned num)
{
	for (size_t i = 0; i < ui->n; i++)
		if (ui->msgs[i].e.num == num)
			return i;
	return (size_t)-1;
}

struct progress_arg {
	struct ui *ui;
	unsigned num;
	unsigned long long total;
};

static void on_progress(unsigned long long done, void *arg)
{
	struct progress_arg *p = arg;

	ui_progress(p->ui, p->num, done, p->total);
}

int ui_mbox_retrieve(struct ui *ui, size_t i, struct pop3c_buf *out)
{
	struct ui_msg *m = &ui->msgs[i];
	struct progress_arg pa = { ui, m->e.num, m->e.size };
	int big = m->e.size > PROGRESS_MIN;

	if (big)
		ui_progress(ui, m->e.num, 0, m->e.size);
	int r = pop3c_retr(ui->pc, m->e.num, out, big ? on_progress : NULL, &pa);

	if (r == POP3C_FAIL) {
		ui_connection_lost(ui);
		return -1;
	}
	if (r == POP3C_ERR) {
		ui_status(ui, 1, "%s", pop3c_error(ui->pc));
		return -1;
	}
	return 0;
}

int ui_mbox_save(struct ui *ui, size_t i, const struct pop3c_buf *b)
{
	struct ui_msg *m = &ui->msgs[i];
	char name[512], err[600];
	int existed;

	save_name(m->e.uid, m->e.num, name, sizeof(name));
	if (save_message(ui->o->save_dir, name, b->data ? b->data : "", b->len, &existed, err,
			 sizeof(err)) < 0) {
		ui_status(ui, 1, "save failed: %s", err);
		return -1;
	}
	m->saved = 1;
	ui_state_mark(ui, i, STATE_SAVED | STATE_READ);
	ui_status(ui, 0, "%s %s/%s", existed ? "already saved as" : "saved", ui->o->save_dir, name);
	return 0;
}

/* Retrieve and save message i unless a copy is already there; 0 or -1. */
static int retrieve_one(struct ui *ui, size_t i)
{
	struct ui_msg *m = &ui->msgs[i];
	struct pop3c_buf b = { 0 };
	char name[512];
	int r = -1;

	save_name(m->e.uid, m->e.num, name, sizeof(name));
	if (save_exists(ui->o->save_dir, name)) {
		m->saved = 1;
		ui_state_mark(ui, i, STATE_SAVED | STATE_READ);
		ui_status(ui, 0, "already saved as %s/%s", ui->o->save_dir, name);
		return 0;
	}
	if (m->deleted)
		ui_status(ui, 1, "message %u is marked for deletion (u undeletes it)", m->e.num);
	else if (ui_mbox_retrieve(ui, i, &b) == 0)
		r = ui_mbox_save(ui, i, &b);
	pop3c_buf_free(&b);
	return r;
}

void ui_act_retrieve(struct ui *ui)
{
	if (ui->n > 0)
		retrieve_one(ui, ui->sel);
}

void ui_act_retrieve_all(struct ui *ui)
{
	size_t done = 0;
	unsigned long long in0 = pop3c_bytes_in(ui->pc);

	for (size_t i = 0; i < ui->n && !ui->quit && !ui->reconnect; i++) {
		/* Between two messages the session is in step: a key stops here cleanly. */
		if (ui_progress_count(ui, "saving", i, ui->n, pop3c_bytes_in(ui->pc) - in0)) {
			if (!ui->quit)
				ui_status(ui, 0, "stopped: %zu messages saved in %s", done, ui->o->save_dir);
			return;
		}
		if (ui->msgs[i].deleted)
			continue;
		if (retrieve_one(ui, i) < 0)
			return;
		done++;
	}
	if (!ui->quit && !ui->reconnect)
		ui_status(ui, 0, "%zu messages saved in %s", done, ui->o->save_dir);
}

void ui_act_delete(struct ui *ui)
{
	if (ui->n == 0)
		return;
	struct ui_msg *m = &ui->msgs[ui->sel];
	int r = m->deleted ? POP3C_OK : pop3c_dele(ui->pc, m->e.num);

	if (r == POP3C_FAIL) {
		ui_connection_lost(ui);
		return;
	}
	if (r == POP3C_ERR) {
		ui_status(ui, 1, "%s", pop3c_error(ui->pc));
		return;
	}
	m->deleted = 1;
	ui->preview_ok = 0;
	if (ui_mbox_refresh_stat(ui) < 0)
		return;
	ui_status(ui, 0, "message %u marked for deletion; it goes when you quit with q", m->e.num);
	if (ui->sel + 1 < ui->n)
		ui->sel++;
}

/* RSET, then DELE again for every message except skip that is still marked. */
static void reset_except(struct ui *ui, size_t skip, int keep_others)
{
	int r = pop3c_rset(ui->pc);

	for (size_t i = 0; i < ui->n && r != POP3C_FAIL; i++) {
		if (!ui->msgs[i].deleted)
			continue;
		if (i == skip || !keep_others)
			ui->msgs[i].deleted = 0;
		else if ((r = pop3c_dele(ui->pc, ui->msgs[i].e.num)) == POP3C_ERR)
			ui->msgs[i].deleted = 0;
	}
	ui->preview_ok = 0;
	if (r == POP3C_FAIL)
		ui_connection_lost(ui);
	else
		ui_mbox_refresh_stat(ui);
}

void ui_act_undelete(struct ui *ui)
{
	if (ui->n == 0 || !ui->msgs[ui->sel].deleted) {
		ui_status(ui, 0, "not marked for deletion");
		return;
	}
	reset_except(ui, ui->sel, 1);
	ui_status(ui, 0, "message %u undeleted", ui->msgs[ui->sel].e.num);
}

void ui_act_undelete_all(struct ui *ui)
{
	reset_except(ui, (size_t)-1, 0);
	ui_status(ui, 0, "all messages undeleted");
}

/* Progress, then the headers of message i and the batch after it; 0, 1 when a key stops, -1. */
static int headers_step(struct ui *ui, size_t i, size_t done, unsigned long long in0, const char *what)
{
	if (ui_progress_count(ui, what, done, ui->n, pop3c_bytes_in(ui->pc) - in0))
		return 1;
	return ui_mbox_headers(ui, i, i + SEARCH_BATCH) < 0 ? -1 : 0;
}

int ui_mbox_headers_all(struct ui *ui, const char *what)
{
	size_t i = 0;
	int r = 0;

	while (i < ui->n && (ui->msgs[i].loaded != 0 || ui->msgs[i].deleted))
		i++;
	if (i == ui->n)
		return 0;	/* nothing to fetch: no network, no progress line */
	unsigned long long in0 = pop3c_bytes_in(ui->pc);

	for (; i < ui->n && r == 0; i++)
		if (ui->msgs[i].loaded == 0 && !ui->msgs[i].deleted)
			r = headers_step(ui, i, i, in0, what);
	return ui->quit || ui->reconnect ? -1 : r;
}

/* Whether message i matches the search text (its headers are fetched if needed). */
static int matches(struct ui *ui, size_t i)
{
	struct ui_msg *m = &ui->msgs[i];

	if (m->loaded == 0 && ui_mbox_headers(ui, i, i + SEARCH_BATCH) < 0)
		return 0;
	return ui_text_contains(m->from, ui->search) || ui_text_contains(m->subject, ui->search);
}

void ui_act_search_next(struct ui *ui)
{
	if (ui->search[0] == '\0') {
		ui_status(ui, 0, "no search yet: press /");
		return;
	}
	unsigned long long in0 = pop3c_bytes_in(ui->pc);

	for (size_t k = 1; k <= ui->n && !ui->quit && !ui->reconnect; k++) {
		size_t i = (ui->sel + k) % ui->n;

		int r = ui->msgs[i].loaded == 0 ? headers_step(ui, i, k, in0, "searching: headers") : 0;

		if (r > 0 && !ui->quit)
			ui_status(ui, 0, "search stopped");
		if (r != 0)
			return;
		if (matches(ui, i)) {
			ui_status(ui, 0, "%sfound \"%s\" in message %u", i <= ui->sel ? "search wrapped; " : "",
				  ui->search, ui->msgs[i].e.num);
			ui->sel = i;
			return;
		}
	}
	if (!ui->quit && !ui->reconnect)
		ui_status(ui, 1, "not found: %s", ui->search);
}

void ui_act_search(struct ui *ui)
{
	char buf[sizeof(ui->search)];

	if (ui_prompt(ui, "Search From/Subject: ", buf, sizeof(buf)) < 0 || buf[0] == '\0')
		return;
	snprintf(ui->search, sizeof(ui->search), "%s", buf);
	/* Search from the selected message itself first, then onwards. */
	if (ui->n > 0 && matches(ui, ui->sel)) {
		ui_status(ui, 0, "found \"%s\" in message %u", ui->search, ui->msgs[ui->sel].e.num);
		return;
	}
	ui_act_search_next(ui);
}

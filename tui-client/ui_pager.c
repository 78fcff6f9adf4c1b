/* The message view: a scrolling pager over one retrieved message, decoded or as source. */
#include "ui.h"

#include "mime.h"
#include "state.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Lay the message out again at the current width (after opening, h, or a resize). */
static void layout(struct ui *ui)
{
	ui_lines_clear(&ui->pager);
	ui->pager_w = ui->cols;
	ui_parts_layout(ui);
}

/* Lines of text the pager shows at once: everything between title and hint lines. */
static int page_height(const struct ui *ui)
{
	int h = ui->rows - 4;

	return h > 1 ? h : 1;
}

void ui_act_open(struct ui *ui)
{
	if (ui->n == 0)
		return;
	if (ui->msgs[ui->sel].deleted) {
		ui_status(ui, 1, "message %u is marked for deletion (u undeletes it)", ui->msgs[ui->sel].e.num);
		return;
	}
	ui_pager_free(ui);
	if (ui_mbox_retrieve(ui, ui->sel, &ui->pager_src) < 0) {
		ui_pager_free(ui);
		return;
	}
	ui->pager_msg = ui->sel;
	ui_state_mark(ui, ui->sel, STATE_READ);
	ui->pager_off = 0;
	ui->pager_raw = 0;
	layout(ui);
	ui->view = UI_PAGER;
	ui_status(ui, 0, "message %u: %zu octets", ui->msgs[ui->sel].e.num, ui->pager_src.len);
}

void ui_pager_free(struct ui *ui)
{
	pop3c_buf_free(&ui->pager_src);
	ui_lines_clear(&ui->pager);
	mime_free(ui->pager_mime);
	ui->pager_mime = NULL;
	free(ui->pager_out);
	ui->pager_out = NULL;
}

void ui_pager_draw(struct ui *ui)
{
	int h = page_height(ui);
	char pos[64];
	size_t hdr_end, sig;

	if (ui->pager_w != ui->cols)
		layout(ui);
	ui_colors_pager_marks(&ui->pager, &hdr_end, &sig);
	if (ui->pager_out != NULL)
		hdr_end = 0, sig = ui->pager.n;	/* a viewer's output has no headers of ours */
	for (int r = 0; r < h; r++) {
		size_t i = ui->pager_off + (size_t)r;

		if (i < ui->pager.n)
			ui_text_put(1 + r, 0, ui->cols, ui->pager.v[i],
				    ui_attr(ui_colors_pager_role(ui->pager.v[i], i, hdr_end, sig)));
	}
	size_t end = ui->pager_off + (size_t)h;
	int pct = ui->pager.n == 0 || end >= ui->pager.n ? 100 : (int)(end * 100 / ui->pager.n);

	snprintf(pos, sizeof(pos), "-- message %u%s -- lines %zu-%zu of %zu (%d%%)",
		 ui->msgs[ui->pager_msg].e.num, ui->pager_raw ? " source" : "", ui->pager_off + 1,
		 end < ui->pager.n ? end : ui->pager.n, ui->pager.n, pct);
	ui_text_put(ui->rows - 3, 0, ui->cols, pos, ui_attr(UI_HINT));
}

/* Scroll by delta lines, staying within the message. */
static void scroll_by(struct ui *ui, long delta)
{
	long h = page_height(ui);
	long max = (long)ui->pager.n - h;
	long off = (long)ui->pager_off + delta;

	if (off > max)
		off = max;
	if (off < 0)
		off = 0;
	ui->pager_off = (size_t)off;
}

void ui_act_pager_down(struct ui *ui)
{
	scroll_by(ui, 1);
}

void ui_act_pager_up(struct ui *ui)
{
	scroll_by(ui, -1);
}

void ui_act_pager_page_down(struct ui *ui)
{
	scroll_by(ui, page_height(ui) - 1);
}

void ui_act_pager_page_up(struct ui *ui)
{
	scroll_by(ui, -(page_height(ui) - 1));
}

void ui_act_pager_top(struct ui *ui)
{
	ui->pager_off = 0;
}

void ui_act_pager_end(struct ui *ui)
{
	scroll_by(ui, (long)ui->pager.n);
}

void ui_act_pager_source(struct ui *ui)
{
	ui->pager_raw = !ui->pager_raw;
	ui->pager_off = 0;
	layout(ui);
}

void ui_act_pager_save(struct ui *ui)
{
	ui_mbox_save(ui, ui->pager_msg, &ui->pager_src);
}

void ui_act_pager_close(struct ui *ui)
{
	if (ui->pager_out != NULL) {	/* a viewer's output: back to the message */
		free(ui->pager_out);
		ui->pager_out = NULL;
		ui->pager_off = 0;
		layout(ui);
		return;
	}
	ui_pager_free(ui);
	ui->view = UI_LIST;
}

void ui_act_pager_space(struct ui *ui)
{
	if (ui->pager_off + (size_t)page_height(ui) >= ui->pager.n)
		ui_act_pager_next_msg(ui);
	else
		ui_act_pager_page_down(ui);
}

/* Open the first message from pager_msg in direction dir (+1, -1) not marked for deletion. */
static void open_neighbour(struct ui *ui, long dir)
{
	for (long i = (long)ui->pager_msg + dir; i >= 0 && i < (long)ui->n; i += dir) {
		if (ui->msgs[i].deleted)
			continue;
		ui->sel = (size_t)i;
		ui_act_open(ui);
		if (ui->pager_msg != (size_t)i || ui->pager_src.data == NULL)
			ui->view = UI_LIST;	/* it failed, and the old message is gone */
		return;
	}
	ui_status(ui, 0, "%s", dir > 0 ? "this is the last message" : "this is the first message");
}

void ui_act_pager_next_msg(struct ui *ui)
{
	open_neighbour(ui, 1);
}

void ui_act_pager_prev_msg(struct ui *ui)
{
	open_neighbour(ui, -1);
}

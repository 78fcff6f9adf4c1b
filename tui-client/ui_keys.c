/* The key table: every binding with its help text and action; the dispatcher, hint line and help screen read it. */
#include "ui.h"

#include <curses.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>

#define ANY (UI_LIST | UI_PAGER | UI_RAW | UI_HELP)

static void act_help(struct ui *ui);
static void act_help_close(struct ui *ui);
static void act_help_down(struct ui *ui);
static void act_help_up(struct ui *ui);
static void act_redraw(struct ui *ui);
static void act_quit(struct ui *ui);
static void act_abort(struct ui *ui);

/*
 * Every key: the views it works in, up to four keys, the label and text of the help
 * screen, the action, and the short word for the hint line (NULL: not on it).
 */
struct binding {
	unsigned views;
	int keys[4];
	const char *label;
	const char *help;
	void (*fn)(struct ui *);
	const char *hint;
};

static const struct binding bindings[] = {
	{ UI_LIST, { 'q' }, "q", "quit: QUIT, so that deletions take effect (asks first)", act_quit, "Quit" },
	{ UI_LIST | UI_PAGER, { 'Q' }, "Q", "abort: close without QUIT, nothing is deleted (asks first; at once while waiting)", act_abort, "Abort" },
	{ UI_LIST | UI_PAGER, { '?', UI_FK(KEY_F(1)) }, "? F1", "this help", act_help, "Help" },
	{ UI_LIST, { 'j', UI_FK(KEY_DOWN) }, "j Down", "next message", ui_act_down, NULL },
	{ UI_LIST, { 'k', UI_FK(KEY_UP) }, "k Up", "previous message", ui_act_up, NULL },
	{ UI_LIST, { UI_FK(KEY_NPAGE), ' ' }, "PgDn Space", "next page", ui_act_page_down, NULL },
	{ UI_LIST, { UI_FK(KEY_PPAGE), '-' }, "PgUp -", "previous page", ui_act_page_up, NULL },
	{ UI_LIST, { UI_FK(KEY_HOME), 'g' }, "Home g", "first message", ui_act_first, NULL },
	{ UI_LIST, { UI_FK(KEY_END), 'G' }, "End G", "last message", ui_act_last, NULL },
	{ UI_LIST, { '\n', '\r', UI_FK(KEY_ENTER) }, "Enter", "view the whole message", ui_act_open, "View" },
	{ UI_LIST, { 'r' }, "r", "retrieve: save the message to the save folder", ui_act_retrieve, "Save" },
	{ UI_LIST, { 'R' }, "R", "retrieve all messages", ui_act_retrieve_all, NULL },
	{ UI_LIST, { 'd' }, "d", "delete (DELE now; gone when you quit with q)", ui_act_delete, "Del" },
	{ UI_LIST, { 'u' }, "u", "undelete this message (RSET, then DELE the others again)", ui_act_undelete, "Undel" },
	{ UI_LIST, { 'U' }, "U", "undelete all messages (RSET)", ui_act_undelete_all, NULL },
	{ UI_LIST, { '/' }, "/", "search From and Subject", ui_act_search, "Search" },
	{ UI_LIST, { 'o' }, "o", "sort order: server, date, sender, subject, size (the title shows it)", ui_act_sort_next, "Sort" },
	{ UI_LIST, { 'O' }, "O", "reverse the sort order", ui_act_sort_reverse, NULL },
	{ UI_LIST, { 't' }, "t", "threads on/off (from Message-ID, In-Reply-To and References)", ui_act_threads, NULL },
	{ UI_LIST, { 'n' }, "n", "next match", ui_act_search_next, NULL },
	{ UI_LIST, { ':' }, ":", "raw command console", ui_act_raw, "Raw" },
	{ UI_LIST | UI_PAGER, { 'a' }, "a", "reply: a draft in $VISUAL/$EDITOR, then send, edit again or abandon", ui_act_reply, "Reply" },
	{ UI_LIST | UI_PAGER, { 'A' }, "A", "reply to the sender and all recipients (not yourself)", ui_act_reply_all, NULL },
	{ UI_LIST | UI_PAGER, { 'f' }, "f", "forward the message's text", ui_act_forward, NULL },
	{ UI_LIST, { 'c' }, "c", "check for new mail: end the session (asks first with deletions pending), connect again", ui_act_check, NULL },
	{ UI_LIST, { 'N' }, "N", "mark the message unread (N in the list), or read again", ui_act_toggle_unread, NULL },
	{ UI_LIST, { 'C' }, "C", "change account: end the session (asks first with deletions pending), choose another", ui_act_switch_account, NULL },
	{ UI_PAGER, { 'j', UI_FK(KEY_DOWN), '\r', '\n' }, "j Down Enter", "next line", ui_act_pager_down, NULL },
	{ UI_PAGER, { 'k', UI_FK(KEY_UP) }, "k Up", "previous line", ui_act_pager_up, NULL },
	{ UI_PAGER, { ' ' }, "Space", "next page; at the end, the next message", ui_act_pager_space, "NextPg" },
	{ UI_PAGER, { UI_FK(KEY_NPAGE) }, "PgDn", "next page", ui_act_pager_page_down, NULL },
	{ UI_PAGER, { 'J' }, "J", "next message", ui_act_pager_next_msg, "NextMsg" },
	{ UI_PAGER, { 'K' }, "K", "previous message", ui_act_pager_prev_msg, "PrevMsg" },
	{ UI_PAGER, { '-', UI_FK(KEY_PPAGE) }, "- PgUp", "previous page", ui_act_pager_page_up, "PrevPg" },
	{ UI_PAGER, { 'g', UI_FK(KEY_HOME) }, "g Home", "top of the message", ui_act_pager_top, NULL },
	{ UI_PAGER, { 'G', UI_FK(KEY_END) }, "G End", "end of the message", ui_act_pager_end, NULL },
	{ UI_PAGER, { 'h' }, "h", "toggle the raw source", ui_act_pager_source, "Source" },
	{ UI_PAGER, { 's', 'r' }, "s r", "save the message", ui_act_pager_save, "Save" },
	{ UI_PAGER, { 'w' }, "w", "write a part to the save folder (asks which; never replaces a file)", ui_act_pager_save_part, "SavePart" },
	{ UI_PAGER, { 'o' }, "o", "open a part with its ~/.mailcap entry, else xdg-open (asks which)", ui_act_pager_open_part, "Open" },
	{ UI_PAGER, { 'q', 'i', UI_ESC }, "q i Esc", "back to the list", ui_act_pager_close, "Back" },
	{ UI_RAW, { '\n', '\r', UI_FK(KEY_ENTER) }, "Enter", "send the command", ui_act_raw_run, "Send" },
	{ UI_RAW, { UI_FK(KEY_UP) }, "Up", "previous command in the history", ui_act_raw_hist_prev, "History" },
	{ UI_RAW, { UI_FK(KEY_DOWN) }, "Down", "next command in the history", ui_act_raw_hist_next, NULL },
	{ UI_RAW, { UI_FK(KEY_PPAGE) }, "PgUp", "scroll back", ui_act_raw_scroll_up, "Scroll" },
	{ UI_RAW, { UI_FK(KEY_NPAGE) }, "PgDn", "scroll forward", ui_act_raw_scroll_down, NULL },
	{ UI_RAW, { UI_FK(KEY_BACKSPACE), 0x7f, UI_CTRL('H') }, "Backspace", "erase the character before the cursor", ui_act_raw_erase, NULL },
	{ UI_RAW, { UI_FK(KEY_DC), UI_CTRL('D') }, "Delete ^D", "erase the character under the cursor", ui_act_raw_delete, NULL },
	{ UI_RAW, { UI_FK(KEY_LEFT), UI_CTRL('B') }, "Left ^B", "cursor left", ui_act_raw_left, NULL },
	{ UI_RAW, { UI_FK(KEY_RIGHT), UI_CTRL('F') }, "Right ^F", "cursor right", ui_act_raw_right, NULL },
	{ UI_RAW, { UI_CTRL('A'), UI_FK(KEY_HOME) }, "^A Home", "start of the line", ui_act_raw_home, NULL },
	{ UI_RAW, { UI_CTRL('E'), UI_FK(KEY_END) }, "^E End", "end of the line", ui_act_raw_end, NULL },
	{ UI_RAW, { UI_CTRL('U') }, "^U", "erase to the start of the line", ui_act_raw_kill_start, NULL },
	{ UI_RAW, { UI_CTRL('W') }, "^W", "erase the word before the cursor", ui_act_raw_kill_word, NULL },
	{ UI_RAW, { UI_ALT('b'), UI_ALT('B') }, "Alt-B", "back one word", ui_act_raw_word_left, NULL },
	{ UI_RAW, { UI_ALT('f'), UI_ALT('F') }, "Alt-F", "forward one word", ui_act_raw_word_right, NULL },
	{ UI_RAW, { UI_ESC }, "Esc", "back to the list", ui_act_raw_close, "Back" },
	{ UI_HELP, { 'j', UI_FK(KEY_DOWN) }, "j Down", "scroll down", act_help_down, NULL },
	{ UI_HELP, { 'k', UI_FK(KEY_UP) }, "k Up", "scroll up", act_help_up, NULL },
	{ UI_HELP, { 'q', UI_ESC, '?' }, "q Esc ?", "close the help", act_help_close, "Back" },
	{ UI_RAW, { UI_FK(KEY_F(1)) }, "F1", "this help", act_help, "Help" },
	{ ANY, { UI_CTRL('L') }, "^L", "redraw the screen", act_redraw, NULL },
};

#define NBINDINGS (sizeof(bindings) / sizeof(bindings[0]))

/* The key's name for the hint line: the first word of the label. */
static void first_word(const char *label, char *buf, size_t size)
{
	snprintf(buf, size, "%.*s", (int)strcspn(label, " "), label);
}

void ui_hint_text(enum ui_view view, char *buf, size_t size)
{
	size_t o = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < NBINDINGS && o + 1 < size; i++) {
		char key[16];

		if (!(bindings[i].views & view) || bindings[i].hint == NULL)
			continue;
		first_word(bindings[i].label, key, sizeof(key));
		int n = snprintf(buf + o, size - o, "%s:%s  ", key, bindings[i].hint);

		if (n < 0 || (size_t)n >= size - o)
			break;
		o += (size_t)n;
	}
}

/* The column where help texts start: two blanks, the label column, one blank. */
#define HELP_TEXT_COL 17

/* One binding on the help screen; a text wrapped at the width goes on under itself. */
static void help_entry(const struct binding *b, int cols, struct ui_lines *l)
{
	struct ui_lines text = { 0 };
	char line[256];

	ui_text_wrap(b->help, strlen(b->help), cols > HELP_TEXT_COL + 10 ? cols - HELP_TEXT_COL : 10, &text);
	for (size_t k = 0; k < text.n; k++) {
		snprintf(line, sizeof(line), "  %-14s %s", k == 0 ? b->label : "", text.v[k]);
		ui_lines_add(l, line, strlen(line));
	}
	ui_lines_clear(&text);
}

void ui_keys_draw_help(struct ui *ui)
{
	static const struct { unsigned view; const char *name; } groups[] = {
		{ UI_LIST, "Message list" }, { UI_PAGER, "Message view" },
		{ UI_RAW, "Raw console (other keys type the command)" }, { UI_HELP, "This help" },
	};
	struct ui_lines l = { 0 };
	char line[256];

	for (size_t g = 0; g < sizeof(groups) / sizeof(groups[0]); g++) {
		snprintf(line, sizeof(line), "%s%s:", g ? "\n" : "", groups[g].name);
		ui_text_wrap(line, strlen(line), ui->cols, &l);
		for (size_t i = 0; i < NBINDINGS; i++)
			if (bindings[i].views & groups[g].view)
				help_entry(&bindings[i], ui->cols, &l);
	}
	if (ui->help_off + 1 > l.n)
		ui->help_off = l.n ? l.n - 1 : 0;
	for (int r = 0; r < ui->rows - 3 && ui->help_off + (size_t)r < l.n; r++)
		ui_text_put(1 + r, 0, ui->cols, l.v[ui->help_off + (size_t)r], A_NORMAL);
	ui_lines_clear(&l);
}

/* Run the binding for key in the current view; 0 when none matched. */
int ui_keys_dispatch(struct ui *ui, int key)
{
	for (size_t i = 0; i < NBINDINGS; i++) {
		if (!(bindings[i].views & ui->view))
			continue;
		for (size_t k = 0; k < 4; k++)
			if (bindings[i].keys[k] == key && (key != 0 || k == 0)) {
				bindings[i].fn(ui);
				return 1;
			}
	}
	return 0;
}

void ui_keys_unbound(struct ui *ui, int key)
{
	char name[16];

	if (key & UI_ALTKEY && UI_IS_CHAR(key & ~UI_ALTKEY) && (key & ~UI_ALTKEY) >= ' ')
		snprintf(name, sizeof(name), "Alt-%lc", (wint_t)(key & ~UI_ALTKEY));
	else if (!UI_IS_CHAR(key))
		snprintf(name, sizeof(name), "that key");
	else if (key < ' ' || key == 0x7f)
		snprintf(name, sizeof(name), "^%c", key == 0x7f ? '?' : key + '@');
	else
		snprintf(name, sizeof(name), "%lc", (wint_t)key);
	ui_status(ui, 0, "%s does nothing here; ? lists the keys", name);
	beep();
}

static void act_help(struct ui *ui)
{
	ui->back = ui->view;
	ui->view = UI_HELP;
	ui->help_off = 0;
}

static void act_help_close(struct ui *ui)
{
	ui->view = ui->back ? ui->back : UI_LIST;
}

static void act_help_down(struct ui *ui)
{
	ui->help_off++;
}

static void act_help_up(struct ui *ui)
{
	if (ui->help_off > 0)
		ui->help_off--;
}

static void act_redraw(struct ui *ui)
{
	(void)ui;
	clearok(curscr, TRUE);
}

static void act_quit(struct ui *ui)
{
	char q[128];
	size_t del = ui_mbox_pending(ui);

	snprintf(q, sizeof(q), "Quit and delete %zu message%s on the server?", del, del == 1 ? "" : "s");
	if (del > 0 && !ui_confirm(ui, q)) {
		ui_status(ui, 0, "not quitting; U undeletes all");
		return;
	}
	ui->quitting = 1;
	int r = pop3c_quit(ui->pc);

	if (r == POP3C_FAIL) {
		ui_connection_lost(ui);
		return;
	}
	ui->quit = 1;
	ui->exit_status = r == POP3C_OK ? 0 : 1;
	snprintf(ui->exit_msg, sizeof(ui->exit_msg), "%s", pop3c_reply(ui->pc));
}

static void act_abort(struct ui *ui)
{
	if (!ui_confirm(ui, "Abort without QUIT? Nothing will be deleted on the server."))
		return;
	ui->quit = 1;
	ui->exit_status = 0;
	snprintf(ui->exit_msg, sizeof(ui->exit_msg), "aborted without QUIT: nothing was deleted on the server");
}


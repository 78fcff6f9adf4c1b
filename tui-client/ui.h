/* The full-screen interface: the state all views share, and what each view file offers. */
#ifndef UI_H
#define UI_H

#include <stddef.h>
#include <time.h>
#include <wchar.h>

#include "client.h"
#include "lineedit.h"
#include "pop3client.h"

/* The screen's views; bindings name the views they work in as a mask. */
enum ui_view {
	UI_LIST = 1,
	UI_PAGER = 2,
	UI_RAW = 4,
	UI_HELP = 8,
};

/* Colour roles; without colours (or with NO_COLOR) each maps to a plain attribute. */
enum ui_role {
	UI_NORMAL,
	UI_TITLE,
	UI_SELECTED,
	UI_DELETED,
	UI_ERROR,
	UI_HINT,
	UI_HEADER,
	UI_ROW,		/* a message in the list, neither selected nor deleted */
	UI_QUOTE1,	/* pager lines quoted once with '>', ... */
	UI_QUOTE2,
	UI_QUOTE3,	/* ... and three or more times */
	UI_SIGNATURE,	/* from a "-- " line on */
	UI_ROLES,
};

/* A list of malloc'd UTF-8 lines. */
struct ui_lines {
	char **v;
	size_t n, cap;
};

/* One message as the list shows it. */
struct mime_msg;
struct mime_opts;
struct state;

struct ui_msg {
	struct pop3c_entry e;
	int deleted, saved;
	int unread;			/* never opened nor saved, as the state file remembers */
	int loaded;			/* 1 headers fetched, -1 TOP failed, 0 not yet */
	char *from, *subject, *date;	/* decoded and sanitised */
	char *msgid, *in_reply_to, *references;	/* for threads; NULL until loaded */
	long long when;		/* the Date in seconds since the epoch; LLONG_MIN when unreadable */
	int depth;		/* in the thread view: 0 for a root, 1 for a reply, ... */
};

/* The list's sort orders, in the order the o key cycles through them. */
enum ui_sort {
	UI_SORT_SERVER,
	UI_SORT_DATE,
	UI_SORT_SENDER,
	UI_SORT_SUBJECT,
	UI_SORT_SIZE,
	UI_SORTS,
};

#define UI_INPUT_MAX LINEEDIT_MAX
#define UI_HISTORY 50

struct ui {
	const struct client_opts *o;
	struct pop3c *pc;
	struct ui_msg *msgs;
	size_t n;
	unsigned stat_count;
	unsigned long long stat_size;
	enum ui_view view, back;	/* back: where q returns from help */
	int rows, cols;
	int list_y, list_h, prev_y, prev_h;	/* layout, from ui_layout() */
	size_t sel, top;
	enum ui_sort sort;	/* the list's order (ui_order.c) */
	int sort_rev, threads;	/* reversed; the thread view */
	/* The preview pane: lines for message preview_for (valid when preview_ok). */
	struct ui_lines preview;
	size_t preview_for;
	int preview_ok, preview_w;
	/* The pager: one retrieved message, its lines at width pager_w. */
	struct pop3c_buf pager_src;
	struct ui_lines pager;
	size_t pager_msg, pager_off;
	int pager_raw, pager_w;
	struct mime_msg *pager_mime;	/* the message parsed, for its parts (NULL in source view) */
	char *pager_out;		/* a viewer's output shown instead of the message, or NULL */
	size_t pager_out_len;
	/* The raw console: transcript, input line, history. */
	struct ui_lines raw;
	size_t raw_off;		/* lines scrolled back from the end */
	struct lineedit input;
	char *history[UI_HISTORY];
	size_t nhistory, hist_pos;
	size_t help_off;
	char search[128];
	char status[600];
	int status_err;
	char password[CLIENT_PASSWORD_MAX];	/* the one that worked, for a reconnect */
	struct pop3c_wait wait;	/* ui_wait with this ui: every network wait of the session */
	int reconnect;		/* a cancelled wait left the session out of step: connect again */
	int listed;		/* logged in and the list loaded: the panes can be drawn */
	int quitting;		/* QUIT is sent: the server may be deleting already */
	int quit;		/* leave the loop; exit_status and exit_msg say how */
	/* What is new (ui_state.c): the account's state, NULL without UIDL or when it cannot be read. */
	struct state *state;
	int state_off;		/* some message has no unique-id (no UIDL): no marks */
	int state_noted;	/* the "cannot remember" note was shown */
	size_t nnew;		/* messages the state had not seen, at the last list load */
	time_t checked;		/* the last --poll check */
	char state_note[600];	/* a damaged state file and the like, shown once */
	int exit_status;
	char exit_msg[700];
	/* An account chosen on the screen (ui_accounts.c): ui->o points here then. */
	struct client_opts chosen;
	char chosen_pw[CLIENT_PASSWORD_MAX];
};

/* Function keys from wget_wch live above every character in the key table. */
#define UI_FKEY 0x40000000
#define UI_FK(k) ((k) | UI_FKEY)
#define UI_CTRL(c) ((c) & 0x1f)
#define UI_ESC 27
/* Alt (Meta) with a character: the terminal sends Esc, then the character. */
#define UI_ALTKEY 0x20000000
#define UI_ALT(c) ((c) | UI_ALTKEY)
/* A key that types a character (not a function key, not Alt with one). */
#define UI_IS_CHAR(k) ((k) >= 0 && ((k) & (UI_FKEY | UI_ALTKEY)) == 0)

/* The input loop wakes this often (ms) to notice signals and a closed connection. */
#define UI_TICK_MS 100

/* ui.c */
/* The whole screen session: connect, log in, the list, until quit; the exit status. */
int ui_run(const struct client_opts *o);
/* Draw everything now. */
void ui_redraw(struct ui *ui);
/* Take the terminal's size again after a resize. */
void ui_relayout(struct ui *ui);
/* 1 when a signal arrived: SIGINT (taken, so that it only cancels), or with 0 any other. */
int ui_signal_pending(int sig);
/* The terminal has gone (its window closed with no SIGHUP): end as SIGHUP would. */
void ui_note_hangup(void);
/* The next key: a character, UI_FK(code), UI_ALT(c), or ERR after a quiet tick. */
int ui_read_key(void);
/* Read a line without echo (a password); 0, or -1 when cancelled. */
int ui_prompt_hidden(struct ui *ui, const char *label, char *buf, size_t size);
void ui_status(struct ui *ui, int err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* After a POP3C_FAIL: leave the screen with a clear message; nothing is deleted. */
void ui_connection_lost(struct ui *ui);
/* Ask a question on the bottom line; the key pressed (0 when a signal cut it short). */
int ui_ask_key(struct ui *ui, const char *question);
/* Ask a yes/no question on the bottom line; 1 for yes. */
int ui_confirm(struct ui *ui, const char *question);
/* Read a line on the bottom line into buf (UTF-8); 0, or -1 when cancelled with Esc. */
int ui_prompt(struct ui *ui, const char *label, char *buf, size_t size);
int ui_attr(enum ui_role role);
/* Ask on the bottom line for one of keys (ASCII); the key, or -1 for Esc or a signal. */
int ui_choose(struct ui *ui, const char *question, const char *keys);
/* Show lines in a window over the panes until a key is pressed. */
void ui_show_lines(struct ui *ui, const char *title, const struct ui_lines *l);

/* ui_wait.c: the network waits, with the keys live. */
/* A conn_wait_fn (arg: the ui): polls the socket and the terminal; Esc, Ctrl-C cancel, Q aborts. */
int ui_wait(void *arg, int fd, short events, int timeout_ms);
/* Read pending keys: 1 when one asks to stop (Q also ends the session); others are queued. */
int ui_wait_keys(struct ui *ui);
/* The next key queued during a wait, or ERR. */
int ui_wait_next_key(void);
/* Drop queued and typed-ahead keys (after a long operation). */
void ui_wait_flush(void);
/* Set the status line and show it at once (before a network step). */
void ui_busy(struct ui *ui, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Progress of a long RETR on the status line; done/total octets. */
void ui_progress(struct ui *ui, unsigned num, unsigned long long done, unsigned long long total);
/* "what done of total [###...] bytes" on the status line; 1 when a key asks to stop. */
int ui_progress_count(struct ui *ui, const char *what, size_t done, size_t total, unsigned long long bytes);
long ui_now_ms(void);

/* ui_session.c: connecting, logging in, and connecting again after a cancel. */
/* Connect, log in (asking for the password up to three times), load the list; 0 or -1 (exit_msg set). */
int ui_session_start(struct ui *ui);
/* After a cancelled wait: a new connection and login, the list again, deletion marks put back. */
int ui_session_reconnect(struct ui *ui);
/*
 * End the session cleanly, before connecting again (checking for new mail, switching
 * account).  With deletions pending it asks first, the question starting with why ("Check for
 * new mail", "Switch account"): c commits them with QUIT, k keeps the messages (RSET, then QUIT),
 * anything else cancels.  Afterwards the state file is saved and forgotten, the list, pager
 * and connection are gone and listed is 0; ui->password still holds the password that worked
 * (clear it before logging in to another account), then call ui_session_start.
 * Returns 0 when ended, 1 when the user cancelled (the session goes on, unchanged), -1 when
 * the connection failed (quit is set and exit_msg says why).
 */
int ui_session_end(struct ui *ui, const char *why);
/* c: end the session, connect again, the cursor on the same message, the new ones counted. */
void ui_act_check(struct ui *ui);
/* With --poll SECS, between keys: check when the list has been idle that long (never asks). */
void ui_session_poll(struct ui *ui, time_t idle_since);

/* ui_state.c: what is new, remembered per account (see state.h). */
/* After the list is loaded: the state loaded (once), unread marks set, nnew counted. */
void ui_state_attach(struct ui *ui);
/* Show a pending note (damaged state file, no UIDL) on the status line; 1 when one was shown. */
int ui_state_note(struct ui *ui);
/* Remember flags (STATE_READ, STATE_SAVED) for message i; it is no longer unread. */
void ui_state_mark(struct ui *ui, size_t i, unsigned flags);
size_t ui_state_unread(const struct ui *ui);
/* Write the state file (merging with other clients); 0, or -1 with the reason on the status line. */
int ui_state_save(struct ui *ui);
/* Save, then forget the state (at the end of a session with this account); 0 or -1 as ui_state_save. */
int ui_state_close(struct ui *ui);
/* N: mark the selected message unread, or read. */
void ui_act_toggle_unread(struct ui *ui);

/* ui_colors.c: the config's colours. */
/* Colour pairs for the roles the config sets, over attrs (indexed by enum ui_role); after start_color. */
void ui_colors_apply(const struct config *c, int *attrs);
/* Where a message's lines change role: the end of the headers (the first blank line), the signature's "-- " line (or n). */
void ui_colors_pager_marks(const struct ui_lines *l, size_t *hdr_end_r, size_t *sig_r);
/* The role of line i: a header, a quote by depth, the signature, or normal text. */
enum ui_role ui_colors_pager_role(const char *line, size_t i, size_t hdr_end, size_t sig);

/* ui_accounts.c: the config's accounts on the screen. */
/* The chooser screen; the chosen account's options become ui->o.  0, or -1 when the user left. */
int ui_accounts_choose(struct ui *ui);
/* C: end the session with QUIT (asking when deletions are pending), choose, connect to the new one. */
void ui_act_switch_account(struct ui *ui);

/* ui_keys.c: the key table. */
/* Run the binding for key (a character or UI_FK(code)) in the current view; 0 when none. */
int ui_keys_dispatch(struct ui *ui, int key);
/* A key with no binding in this view: a one-line hint on the status line. */
void ui_keys_unbound(struct ui *ui, int key);
/* The hint line's text for a view. */
void ui_hint_text(enum ui_view view, char *buf, size_t size);
/* The help screen, generated from the table. */
void ui_keys_draw_help(struct ui *ui);

/* ui_text.c: width-aware drawing of untrusted text. */
/* Draw UTF-8 text at y,x within width columns, controls shown as '?', padded with blanks. */
void ui_text_put(int y, int x, int width, const char *s, int attr);
/* Display width of UTF-8 text, controls counted as they are drawn. */
int ui_text_width(const char *s);
/* Split text into lines of at most width columns (tabs expanded), appending to out. */
int ui_text_wrap(const char *text, size_t len, int width, struct ui_lines *out);
int ui_lines_add(struct ui_lines *l, const char *s, size_t len);
void ui_lines_clear(struct ui_lines *l);
/* "675 B", "1.2K", "3.4M". */
void ui_text_size(unsigned long long n, char *buf, size_t size);
/* Case-insensitive substring test on UTF-8 (ASCII folding). */
int ui_text_contains(const char *hay, const char *needle);

/* ui_mbox.c: the message list and what the keys do to it on the server. */
int ui_mbox_load(struct ui *ui);
void ui_mbox_free(struct ui *ui);
/* Fetch the headers (TOP n 0) of messages [from, to) that lack them. */
int ui_mbox_headers(struct ui *ui, size_t from, size_t to);
/* Fetch every missing header with progress ("what done of total"); 0, 1 when a key stopped it, -1 when the session ended. */
int ui_mbox_headers_all(struct ui *ui, const char *what);
int ui_mbox_refresh_stat(struct ui *ui);
/* Retrieve message i into out with progress; 0 or -1 (status set). */
int ui_mbox_retrieve(struct ui *ui, size_t i, struct pop3c_buf *out);
/* Save an already retrieved payload of message i; 0 or -1 (status set). */
int ui_mbox_save(struct ui *ui, size_t i, const struct pop3c_buf *b);
size_t ui_mbox_pending(const struct ui *ui);
/* The index of message number num, or (size_t)-1. */
size_t ui_mbox_find(const struct ui *ui, unsigned num);
void ui_act_retrieve(struct ui *ui);
void ui_act_retrieve_all(struct ui *ui);
void ui_act_delete(struct ui *ui);
void ui_act_undelete(struct ui *ui);
void ui_act_undelete_all(struct ui *ui);
void ui_act_search(struct ui *ui);
void ui_act_search_next(struct ui *ui);

/* ui_order.c: the list's order and the thread view. */
/*
 * Put the list (again) in the current order and thread mode, fetching missing headers with
 * progress when the order needs them, keeping the cursor on the same message.  After a reload
 * of the list.  A stop by a key leaves the list in server order.
 */
void ui_order_apply(struct ui *ui);
/* Back to server order without threads (after a reconnect, when headers are not at hand). */
void ui_order_reset(struct ui *ui);
/* "Sort:date" and " Threads" for the title. */
void ui_order_describe(const struct ui *ui, char *buf, size_t size);
void ui_act_sort_next(struct ui *ui);
void ui_act_sort_reverse(struct ui *ui);
void ui_act_threads(struct ui *ui);

/* ui_list.c: the list and preview panes. */
/* "Carol Müller <carol@example.net>" -> "Carol Müller"; a bare address stays. */
void ui_list_from_name(const char *from, char *buf, size_t size);
void ui_list_prepare(struct ui *ui);
void ui_list_draw(struct ui *ui);
void ui_list_move(struct ui *ui, long delta);
void ui_act_down(struct ui *ui);
void ui_act_up(struct ui *ui);
void ui_act_page_down(struct ui *ui);
void ui_act_page_up(struct ui *ui);
void ui_act_first(struct ui *ui);
void ui_act_last(struct ui *ui);

/* ui_pager.c: the whole message. */
void ui_act_open(struct ui *ui);
void ui_pager_draw(struct ui *ui);
void ui_pager_free(struct ui *ui);
void ui_act_pager_down(struct ui *ui);
void ui_act_pager_up(struct ui *ui);
void ui_act_pager_page_down(struct ui *ui);
void ui_act_pager_page_up(struct ui *ui);
void ui_act_pager_top(struct ui *ui);
void ui_act_pager_end(struct ui *ui);
void ui_act_pager_source(struct ui *ui);
void ui_act_pager_save(struct ui *ui);
void ui_act_pager_close(struct ui *ui);
/* Space: the next page, or at the end the next message. */
void ui_act_pager_space(struct ui *ui);
/* J, K: the next or previous message (not marked for deletion) in the pager. */
void ui_act_pager_next_msg(struct ui *ui);
void ui_act_pager_prev_msg(struct ui *ui);

/* ui_parts.c: a message's lines, and its parts. */
/* The lines shown for a message (headers, body, part list), wrapped at width; 0 or -1. */
int ui_parts_message_lines(const char *buf, size_t len, int width, const struct mime_opts *o,
			   struct ui_lines *out);
/* Lay the pager's message (or a viewer's output) out at the current width into ui->pager. */
void ui_parts_layout(struct ui *ui);
/* Save a part (asks which) into the save folder under its safe name, never replacing a file. */
void ui_act_pager_save_part(struct ui *ui);
/* Open a part (asks which) with its mailcap entry, else xdg-open. */
void ui_act_pager_open_part(struct ui *ui);

/* ui_compose.c: replies and forwards through a draft, the editor and the sendmail command. */
void ui_act_reply(struct ui *ui);
void ui_act_reply_all(struct ui *ui);
void ui_act_forward(struct ui *ui);

/* ui_raw.c: the raw command console. */
void ui_act_raw(struct ui *ui);
void ui_raw_draw(struct ui *ui);
void ui_raw_free(struct ui *ui);
/* A typed character for the input line. */
void ui_raw_insert(struct ui *ui, wchar_t ch);
void ui_act_raw_run(struct ui *ui);
void ui_act_raw_erase(struct ui *ui);
void ui_act_raw_delete(struct ui *ui);
void ui_act_raw_home(struct ui *ui);
void ui_act_raw_end(struct ui *ui);
void ui_act_raw_left(struct ui *ui);
void ui_act_raw_right(struct ui *ui);
void ui_act_raw_kill_start(struct ui *ui);
void ui_act_raw_kill_word(struct ui *ui);
void ui_act_raw_word_left(struct ui *ui);
void ui_act_raw_word_right(struct ui *ui);
void ui_act_raw_hist_prev(struct ui *ui);
void ui_act_raw_hist_next(struct ui *ui);
void ui_act_raw_scroll_up(struct ui *ui);
void ui_act_raw_scroll_down(struct ui *ui);
void ui_act_raw_close(struct ui *ui);

#endif

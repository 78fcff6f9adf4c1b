/* The list's order: a sort key the user picks (o, O) or threads (t), kept across reloads. */
#include "ui.h"

#include "thread.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <wctype.h>

static const char *const sort_names[UI_SORTS] = { "server", "date", "sender", "subject", "size" };

/* One row as the sort sees it: the text compared first (sender, subject), then a number. */
struct row {
	size_t idx;
	wchar_t *key;		/* NULL: no text key */
	long long n;
	unsigned num;
};

/* UTF-8 to lower-case wide characters (invalid bytes count as U+FFFD); NULL when out of memory. */
static wchar_t *fold(const char *s)
{
	size_t len = strlen(s), k = 0;
	wchar_t *w = malloc((len + 1) * sizeof(*w));
	const unsigned char *u = (const unsigned char *)s;

	for (size_t i = 0; w != NULL && i < len; k++) {
		unsigned long cp = u[i];
		int extra = cp >= 0xf0 ? 3 : cp >= 0xe0 ? 2 : cp >= 0xc0 ? 1 : 0;

		if (cp >= 0x80 && (cp < 0xc0 || cp >= 0xf8 || i + (size_t)extra >= len))
			extra = -1;
		cp = extra > 0 ? cp & (0x3fu >> extra) : cp;
		for (int e = 1; e <= extra; e++) {
			if ((u[i + (size_t)e] & 0xc0) != 0x80) {
				extra = -1;	/* a sequence cut short: one byte is skipped, the rest is read again */
				break;
			}
			cp = cp << 6 | (u[i + (size_t)e] & 0x3f);
		}
		i += extra > 0 ? (size_t)extra + 1 : 1;
		w[k] = (wchar_t)towlower((wint_t)(extra < 0 ? 0xfffd : cp));
	}
	if (w != NULL)
		w[k] = L'\0';
	return w;
}

/* The subject without "Re:", "Fwd:", "Fw:", "AW:" (also "Re[2]:") and list tags "[list]" in front. */
static const char *bare_subject(const char *s)
{
	static const char *const prefixes[] = { "re", "fwd", "fw", "aw" };

	for (;;) {
		size_t n = 0;

		s += strspn(s, " ");
		if (*s == '[' && strchr(s, ']') != NULL) {
			s = strchr(s, ']') + 1;
			continue;
		}
		for (size_t i = 0; n == 0 && i < sizeof prefixes / sizeof prefixes[0]; i++)
			if (strncasecmp(s, prefixes[i], strlen(prefixes[i])) == 0)
				n = strlen(prefixes[i]);
		if (n > 0 && s[n] == '[') {	/* "Re[2]:" */
			size_t d = strspn(s + n + 1, "0123456789");

			if (s[n + 1 + d] == ']')
				n += d + 2;
		}
		if (n == 0 || s[n] != ':')
			return s;
		s += n + 1;
	}
}

/* The sender as it sorts: the display name, else the address without its angle brackets. */
static wchar_t *sender_key(const char *from)
{
	char buf[512];

	ui_list_from_name(from, buf, sizeof(buf));
	char *p = buf + strspn(buf, "<");

	p[strcspn(p, ">")] = '\0';
	return fold(p);
}

/* The row's keys for the current sort; -1 when out of memory. */
static int row_keys(const struct ui *ui, size_t i, struct row *r)
{
	const struct ui_msg *m = &ui->msgs[i];

	*r = (struct row){ i, NULL, 0, m->e.num };
	switch (ui->sort) {
	case UI_SORT_SENDER:
		r->key = sender_key(m->from ? m->from : "");
		r->n = m->when;
		break;
	case UI_SORT_SUBJECT:
		r->key = fold(bare_subject(m->subject ? m->subject : ""));
		r->n = m->when;
		break;
	case UI_SORT_DATE:
		r->n = m->when;
		break;
	case UI_SORT_SIZE:
		r->n = (long long)m->e.size;
		break;
	default:
		break;
	}
	return (ui->sort == UI_SORT_SENDER || ui->sort == UI_SORT_SUBJECT) && r->key == NULL ? -1 : 0;
}

static int row_cmp(const void *a, const void *b)
{
	const struct row *x = a, *y = b;
	int c = x->key && y->key ? wcscmp(x->key, y->key) : 0;

	if (c != 0)
		return c;
	if (x->n != y->n)
		return x->n < y->n ? -1 : 1;
	return x->num < y->num ? -1 : x->num > y->num;
}

/* Reorder the messages so that row k is the one that was at order[k]; -1 when out of memory. */
static int permute(struct ui *ui, const size_t *order)
{
	struct ui_msg *v = malloc((ui->n ? ui->n : 1) * sizeof(*v));

	if (v == NULL)
		return -1;
	for (size_t k = 0; k < ui->n; k++)
		v[k] = ui->msgs[order[k]];
	memcpy(ui->msgs, v, ui->n * sizeof(*v));
	free(v);
	return 0;
}

/* Sort by the current key (reversed when asked); 0 or -1 when out of memory. */
static int sort_rows(struct ui *ui)
{
	struct row *rows = calloc(ui->n ? ui->n : 1, sizeof(*rows));
	size_t *order = malloc((ui->n ? ui->n : 1) * sizeof(*order));
	int ret = -1;

	if (rows == NULL || order == NULL)
		goto out;
	for (size_t i = 0; i < ui->n; i++)
		if (row_keys(ui, i, &rows[i]) < 0)
			goto out;
	qsort(rows, ui->n, sizeof(*rows), row_cmp);
	for (size_t k = 0; k < ui->n; k++)
		order[k] = rows[ui->sort_rev ? ui->n - 1 - k : k].idx;
	ret = permute(ui, order);
out:
	for (size_t i = 0; rows != NULL && i < ui->n; i++)
		free(rows[i].key);
	free(rows);
	free(order);
	return ret;
}

/* The sorted list as threads: each root where the sort put it, its replies under it. */
static int thread_rows(struct ui *ui)
{
	size_t m = ui->n ? ui->n : 1;
	struct thread_msg *v = malloc(m * sizeof(*v));
	size_t *order = malloc(m * sizeof(*order));
	int *depth = malloc(m * sizeof(*depth)), ret = -1;

	if (v == NULL || order == NULL || depth == NULL)
		goto out;
	for (size_t i = 0; i < ui->n; i++) {
		const struct ui_msg *u = &ui->msgs[i];

		v[i] = (struct thread_msg){ u->msgid, u->in_reply_to, u->references, u->when };
	}
	if (thread_build(v, ui->n, order, depth) < 0 || permute(ui, order) < 0)
		goto out;
	for (size_t k = 0; k < ui->n; k++)
		ui->msgs[k].depth = depth[k];
	ret = 0;
out:
	free(v);
	free(order);
	free(depth);
	return ret;
}

static int needs_headers(const struct ui *ui)
{
	return ui->threads || ui->sort == UI_SORT_DATE || ui->sort == UI_SORT_SENDER ||
	       ui->sort == UI_SORT_SUBJECT;
}

/* Sort (and thread) the rows; on failure the list is left in server order. */
static void arrange(struct ui *ui)
{
	for (size_t i = 0; i < ui->n; i++)
		ui->msgs[i].depth = 0;
	if (sort_rows(ui) == 0 && (!ui->threads || thread_rows(ui) == 0))
		return;
	ui_order_reset(ui);
	sort_rows(ui);
	ui_status(ui, 1, "out of memory: the list stays in server order");
}

void ui_order_reset(struct ui *ui)
{
	ui->sort = UI_SORT_SERVER;
	ui->sort_rev = 0;
	ui->threads = 0;
}

void ui_order_apply(struct ui *ui)
{
	unsigned sel = ui->sel < ui->n ? ui->msgs[ui->sel].e.num : 0;
	unsigned pager = ui->pager_msg < ui->n ? ui->msgs[ui->pager_msg].e.num : 0;
	int r = needs_headers(ui) ? ui_mbox_headers_all(ui, ui->threads ? "threads: headers" : "sorting: headers") : 0;

	if (r < 0)
		return;
	if (r > 0) {
		ui_order_reset(ui);
		ui_status(ui, 0, "stopped: the list is in server order");
	}
	arrange(ui);
	size_t i = ui_mbox_find(ui, sel), p = ui_mbox_find(ui, pager);

	ui->sel = i != (size_t)-1 ? i : 0;
	if (p != (size_t)-1)
		ui->pager_msg = p;
	ui->preview_ok = 0;
}

void ui_order_describe(const struct ui *ui, char *buf, size_t size)
{
	snprintf(buf, size, "Sort:%s%s%s", sort_names[ui->sort], ui->sort_rev ? "(reversed)" : "",
		 ui->threads ? "  Threads" : "");
}

/* The status after a change of order. */
static void say_order(struct ui *ui)
{
	static const char *const how[UI_SORTS][2] = {
		{ "in server order", "in server order, reversed" },
		{ "by date, oldest first", "by date, newest first" },
		{ "by sender, A to Z", "by sender, Z to A" },
		{ "by subject, A to Z", "by subject, Z to A" },
		{ "by size, smallest first", "by size, largest first" },
	};

	ui_status(ui, 0, "%s%s", ui->threads ? "threads, " : "sorted ", how[ui->sort][ui->sort_rev != 0]);
}

/* Apply after a change; a stop or a failure keeps the status it set. */
static void change_order(struct ui *ui)
{
	enum ui_sort want = ui->sort;
	int threads = ui->threads;

	ui_order_apply(ui);
	if (!ui->quit && !ui->reconnect && ui->sort == want && ui->threads == threads)
		say_order(ui);
}

void ui_act_sort_next(struct ui *ui)
{
	ui->sort = (enum ui_sort)((ui->sort + 1) % UI_SORTS);
	change_order(ui);
}

void ui_act_sort_reverse(struct ui *ui)
{
	ui->sort_rev = !ui->sort_rev;
	change_order(ui);
}

void ui_act_threads(struct ui *ui)
{
	ui->threads = !ui->threads;
	change_order(ui);
}

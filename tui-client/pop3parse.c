/* Parsing the payloads of LIST and UIDL into message entries; no I/O. */
#include "pop3parse.h"

#include <stdlib.h>
#include <string.h>

/* Parse the "n rest" lines of a LIST or UIDL payload, calling fn for each. */
static int each_line(char *data, int (*fn)(void *, unsigned, const char *), void *arg)
{
	for (char *save = NULL, *l = strtok_r(data, "\n", &save); l != NULL;
	     l = strtok_r(NULL, "\n", &save)) {
		char *end;
		unsigned long n = strtoul(l, &end, 10);

		if (end == l || n == 0 || n > 0xffffffffUL)
			continue;
		while (*end == ' ')
			end++;
		if (fn(arg, (unsigned)n, end) < 0)
			return -1;
	}
	return 0;
}

struct list_acc {
	struct pop3c_entry *v;
	size_t n, cap;
};

static int list_add(void *arg, unsigned num, const char *rest)
{
	struct list_acc *a = arg;

	if (a->n == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 64;
		struct pop3c_entry *v = realloc(a->v, cap * sizeof(*v));

		if (v == NULL)
			return -1;
		a->v = v;
		a->cap = cap;
	}
	a->v[a->n].num = num;
	a->v[a->n].size = strtoull(rest, NULL, 10);
	a->v[a->n].uid[0] = '\0';
	a->n++;
	return 0;
}

void pop3parse_uid(char *dst, const char *src)
{
	size_t i = 0;

	while (i < POP3_UID_MAX && src[i] > 0x20 && src[i] < 0x7f) {
		dst[i] = src[i];
		i++;
	}
	dst[i] = '\0';
}

struct uidl_acc {
	struct pop3c_entry *v;
	size_t n;
};

static int uidl_add(void *arg, unsigned num, const char *rest)
{
	struct uidl_acc *a = arg;

	/* Usually message n is entry n - 1; look there before searching. */
	if (num - 1 < a->n && a->v[num - 1].num == num) {
		pop3parse_uid(a->v[num - 1].uid, rest);
		return 0;
	}
	for (size_t i = 0; i < a->n; i++)
		if (a->v[i].num == num) {
			pop3parse_uid(a->v[i].uid, rest);
			break;
		}
	return 0;
}

int pop3parse_list(char *payload, struct pop3c_entry **v_r, size_t *n_r)
{
	struct list_acc a = { 0 };

	if (each_line(payload, list_add, &a) < 0) {
		free(a.v);
		return -1;
	}
	*v_r = a.v;
	*n_r = a.n;
	return 0;
}

void pop3parse_uidl(char *payload, struct pop3c_entry *v, size_t n)
{
	struct uidl_acc a = { v, n };

	each_line(payload, uidl_add, &a);
}

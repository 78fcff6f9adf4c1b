/* Reading mailcap files (RFC 1524): entries, type matching with wildcards, %-expansion with quoting. */
#include "mailcap.h"

#include <ctype.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

/* The next ';'-separated field of *p, "\;" unescaped, blanks trimmed; NULL at the end or on oom. */
static char *next_field(const char **p, int *oom)
{
	const char *s = *p;
	char *f, *o;
	size_t n;

	if (*s == '\0')
		return NULL;
	if ((f = malloc(strlen(s) + 1)) == NULL) {
		*oom = 1;
		return NULL;
	}
	for (o = f; *s != '\0' && *s != ';'; s++) {
		if (*s == '\\' && (s[1] == ';' || s[1] == '\\'))
			s++;
		*o++ = *s;
	}
	*p = *s == ';' ? s + 1 : s;
	*o = '\0';
	for (n = strlen(f); n > 0 && isspace((unsigned char)f[n - 1]); n--)
		f[n - 1] = '\0';
	memmove(f, f + strspn(f, " \t"), strlen(f + strspn(f, " \t")) + 1);
	return f;
}

/* A flag field: needsterminal, copiousoutput, test=, nametemplate=; others are ignored. */
static int take_flag(struct mailcap_entry *e, char *f)
{
	char **slot = NULL;
	char *eq = strchr(f, '=');
	size_t klen = eq != NULL ? (size_t)(eq - f) : strlen(f);

	while (klen > 0 && isspace((unsigned char)f[klen - 1]))
		klen--;
	if (eq == NULL && strcasecmp(f, "needsterminal") == 0)
		e->needsterminal = 1;
	else if (eq == NULL && strcasecmp(f, "copiousoutput") == 0)
		e->copiousoutput = 1;
	else if (eq != NULL && klen == 4 && strncasecmp(f, "test", 4) == 0)
		slot = &e->test;
	else if (eq != NULL && klen == 12 && strncasecmp(f, "nametemplate", 12) == 0)
		slot = &e->nametemplate;
	if (slot == NULL || *slot != NULL) {
		free(f);
		return 0;
	}
	eq++;
	memmove(f, eq + strspn(eq, " \t"), strlen(eq + strspn(eq, " \t")) + 1);
	*slot = f;
	return 0;
}

void mailcap_entry_free(struct mailcap_entry *e)
{
	free(e->type);
	free(e->command);
	free(e->test);
	free(e->nametemplate);
	memset(e, 0, sizeof *e);
}

int mailcap_parse_line(const char *line, struct mailcap_entry *e)
{
	struct mailcap_entry n;
	const char *p = line + strspn(line, " \t");
	char *f;
	int oom = 0;

	if (*p == '#' || *p == '\0')
		return 1;
	memset(&n, 0, sizeof n);
	n.type = next_field(&p, &oom);
	n.command = n.type != NULL ? next_field(&p, &oom) : NULL;
	while (!oom && n.command != NULL && (f = next_field(&p, &oom)) != NULL)
		take_flag(&n, f);
	if (oom) {
		mailcap_entry_free(&n);
		return -1;
	}
	if (n.type == NULL || n.command == NULL || n.type[0] == '\0' || n.command[0] == '\0') {
		mailcap_entry_free(&n);
		return 1;
	}
	for (char *c = n.type; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	*e = n;
	return 0;
}

int mailcap_type_match(const char *pattern, const char *type)
{
	size_t pl = strlen(pattern);
	const char *slash = strchr(type, '/');
	size_t major = slash != NULL ? (size_t)(slash - type) : strlen(type);

	if (strcasecmp(pattern, type) == 0)
		return 1;
	/* "image/<star>" and a bare "image" both cover every subtype. */
	if (pl >= 2 && strcmp(pattern + pl - 2, "/*") == 0)
		pl -= 2;
	else if (strchr(pattern, '/') != NULL)
		return 0;
	return pl == major && strncasecmp(pattern, type, major) == 0;
}

/* ---- expansion ---- */

struct quoting {
	int single, dbl;	/* inside '...' or "..." of the entry */
};

static void track(struct quoting *q, const char *s)
{
	if (*s == '\'' && !q->dbl)
		q->single = !q->single;
	else if (*s == '"' && !q->single)
		q->dbl = !q->dbl;
}

/* Append s to the growing string at *o (room was reserved by the caller). */
static char *put(char *o, const char *s, int quote)
{
	if (quote)
		*o++ = '\'';
	o = stpcpy(o, s);
	if (quote)
		*o++ = '\'';
	return o;
}

/* A word from mail that goes into a command unquoted: only [A-Za-z0-9./+_-], else dflt. */
static const char *safe_word(const char *w, const char *dflt)
{
	size_t n = strspn(w, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789./+_-");

	return n > 0 && w[n] == '\0' ? w : dflt;
}

/* Append %{name}; returns where the escape ends. */
static const char *param(const char *s, char **o, const char *charset)
{
	const char *end = strchr(s + 2, '}');

	if (end == NULL)
		return s + 1;
	if ((size_t)(end - s - 2) == 7 && strncasecmp(s + 2, "charset", 7) == 0)
		*o = put(*o, safe_word(charset, "utf-8"), 0);
	return end;
}

char *mailcap_expand(const char *cmd, const char *path, const char *type, const char *charset,
		     int *has_file_r)
{
	size_t room = strlen(cmd) + 1, extra = strlen(path) + strlen(type) + strlen(charset) + 32;
	struct quoting q = { 0, 0 };
	char *out, *o;

	*has_file_r = 0;
	for (const char *s = cmd; *s; s++)
		room += *s == '%' ? extra : 0;
	if ((out = malloc(room)) == NULL)
		return NULL;
	for (o = out; *cmd; cmd++) {
		if (*cmd != '%' || cmd[1] == '\0') {
			if (cmd[0] == '\\' && cmd[1] != '\0' && !q.single)
				*o++ = *cmd++;
			else
				track(&q, cmd);
			*o++ = *cmd;
			continue;
		}
		cmd++;
		if (*cmd == 's')
			o = put(o, path, !q.single && !q.dbl), *has_file_r = 1;
		else if (*cmd == 't')
			o = put(o, safe_word(type, "application/octet-stream"), !q.single && !q.dbl);
		else if (*cmd == '{')
			cmd = param(cmd - 1, &o, charset);
		else
			*o++ = *cmd;	/* "%%" and unknown escapes */
	}
	*o = '\0';
	return out;
}

/* ---- files ---- */

/* Read the next logical line (continuations joined); 1, 0 at the end.  Over-long lines come back empty. */
static int read_logical(FILE *f, char *buf, size_t size)
{
	char line[MAILCAP_LINE_MAX];
	size_t n = 0, l;
	int any = 0, overlong = 0;

	buf[0] = '\0';
	while (fgets(line, sizeof line, f) != NULL) {
		any = 1;
		l = strcspn(line, "\r\n");
		line[l] = '\0';
		int more = l > 0 && line[l - 1] == '\\';

		if (more)
			line[--l] = '\0';
		if (n + l + 1 > size)
			overlong = 1;
		else
			memcpy(buf + n, line, l + 1), n += l;
		if (!more)
			break;
	}
	if (overlong)
		buf[0] = '\0';
	return any;
}

/* Open a regular file without blocking on a FIFO; NULL when it is missing or not a file. */
static FILE *open_file(const char *path)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	FILE *f;

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || (f = fdopen(fd, "r")) == NULL) {
		close(fd);
		return NULL;
	}
	return f;
}

static int lookup_file(const char *path, const char *type, int need_copious,
		       int (*test_fn)(const char *, void *), void *ctx, struct mailcap_entry *e_r)
{
	char line[MAILCAP_LINE_MAX];
	FILE *f = open_file(path);
	struct mailcap_entry e;
	int r = 1, k;

	if (f == NULL)
		return 1;
	while (r == 1 && read_logical(f, line, sizeof line)) {
		if ((k = mailcap_parse_line(line, &e)) != 0) {
			r = k < 0 ? -1 : 1;
			continue;
		}
		if (mailcap_type_match(e.type, type) && (!need_copious || e.copiousoutput) &&
		    (e.test == NULL || test_fn == NULL || test_fn(e.test, ctx) == 1)) {
			*e_r = e;
			r = 0;
		} else {
			mailcap_entry_free(&e);
		}
	}
	fclose(f);
	return r;
}

int mailcap_lookup(const char *files, const char *type, int need_copious,
		   int (*test_fn)(const char *cmd, void *ctx), void *ctx, struct mailcap_entry *e_r)
{
	char path[4096];
	int r = 1;

	while (r == 1 && *files != '\0') {
		size_t n = strcspn(files, ":");

		if (n > 0 && n < sizeof path) {
			memcpy(path, files, n);
			path[n] = '\0';
			r = lookup_file(path, type, need_copious, test_fn, ctx, e_r);
		}
		files += n + (files[n] == ':');
	}
	return r;
}

void mailcap_files(char *buf, size_t size)
{
	const char *env = getenv("MAILCAPS"), *home = getenv("HOME");

	if (env != NULL && env[0] != '\0')
		snprintf(buf, size, "%s", env);
	else
		snprintf(buf, size, "%s/.mailcap:/etc/mailcap", home != NULL ? home : "");
}

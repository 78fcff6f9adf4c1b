/* The client's config file: `key value` lines, `account NAME` sections, every bad line reported. */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Where a parse stands: the section being filled and the report of bad lines. */
struct parse {
	struct config *c;
	struct config_account *sec;	/* the defaults, or the last account */
	const char *path;
	unsigned line;
	int exposed;
	char *err;
	size_t errsize, errlen;
	unsigned bad;
};

/* Add "PATH:LINE: what" to the report. */
static void bad(struct parse *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void bad(struct parse *p, const char *fmt, ...)
{
	char what[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	p->bad++;
	if (p->errsize == 0 || p->errlen >= p->errsize - 1)
		return;
	int n = snprintf(p->err + p->errlen, p->errsize - p->errlen, "%s%s:%u: %s",
			 p->errlen ? "\n" : "", p->path, p->line, what);

	p->errlen = n < 0 ? p->errlen : p->errlen + (size_t)n;
	if (p->errlen >= p->errsize)
		p->errlen = p->errsize - 1;
}

/* A string setting: host, user, cafile, ...; the value is copied. */
static void set_string(struct parse *p, const char *key, char **field, const char *v)
{
	if (*field != NULL) {
		bad(p, "%s is given twice in this section", key);
		return;
	}
	if ((*field = strdup(v)) == NULL)
		bad(p, "%s: %s", key, strerror(errno));
}

/* A file or folder: "~" and "~/..." start at $HOME, as in a shell; anything else as given. */
static void set_path(struct parse *p, const char *key, char **field, const char *v)
{
	const char *home = getenv("HOME");
	char buf[4096];

	if (v[0] != '~' || (v[1] != '\0' && v[1] != '/')) {
		set_string(p, key, field, v);
		return;
	}
	if (home == NULL || home[0] != '/') {
		bad(p, "%s starts with ~ but $HOME is not set", key);
		return;
	}
	int n = snprintf(buf, sizeof(buf), "%s%s", home, v + 1);

	if (n < 0 || (size_t)n >= sizeof(buf))
		bad(p, "%s is too long", key);
	else
		set_string(p, key, field, buf);
}

/* A whole number from lo to hi, or -1. */
static long number(const char *v, long lo, long hi)
{
	char *end;

	errno = 0;
	long n = strtol(v, &end, 10);

	if (v[0] < '0' || v[0] > '9' || *end != '\0' || errno != 0 || n < lo || n > hi)
		return -1;
	return n;
}

static void set_port(struct parse *p, const char *v)
{
	if (number(v, 1, 65535) < 0)
		bad(p, "port wants a number from 1 to 65535, not \"%s\"", v);
	else
		set_string(p, "port", &p->sec->port, v);
}

static void set_timeout(struct parse *p, const char *v)
{
	long n = number(v, 1, 86400);

	if (n < 0)
		bad(p, "timeout wants whole seconds from 1 to 86400, not \"%s\"", v);
	else if (p->sec->timeout != 0)
		bad(p, "timeout is given twice in this section");
	else
		p->sec->timeout = (int)n;
}

static void set_tls(struct parse *p, const char *v)
{
	static const char *const modes[] = { [CONFIG_TLS_OFF] = "off", [CONFIG_TLS_STARTTLS] = "starttls",
					     [CONFIG_TLS_IMPLICIT] = "implicit" };

	for (int m = CONFIG_TLS_OFF; m <= CONFIG_TLS_IMPLICIT; m++) {
		if (strcmp(v, modes[m]) != 0)
			continue;
		if (p->sec->tls != CONFIG_TLS_UNSET)
			bad(p, "tls is given twice in this section");
		p->sec->tls = (enum config_tls)m;
		return;
	}
	bad(p, "tls wants implicit, starttls or off, not \"%s\"", v);
}

/* A password in the file is refused unless only its owner can read it. */
static void set_password(struct parse *p, const char *v)
{
	if (p->exposed) {
		bad(p, "a password line in a file that others can read; run chmod 600 %s "
		       "(or use passwordeval)", p->path);
		return;
	}
	if (p->sec->passwordeval != NULL)
		bad(p, "password and passwordeval exclude each other");
	else
		set_string(p, "password", &p->sec->password, v);
}

/* An account name: printable ASCII without blanks, not starting with '-'. */
static int valid_name(const char *v)
{
	size_t n = strlen(v);

	if (n == 0 || n > CONFIG_NAME_MAX || v[0] == '-')
		return 0;
	for (size_t i = 0; i < n; i++)
		if (v[i] <= ' ' || v[i] >= 0x7f)
			return 0;
	return 1;
}

static void start_account(struct parse *p, const char *v)
{
	struct config *c = p->c;

	if (!valid_name(v)) {
		bad(p, "account names are 1 to %d printable characters without blanks, not starting with '-'",
		    CONFIG_NAME_MAX);
		return;
	}
	if (config_find(c, v) >= 0) {
		bad(p, "account %s is defined twice", v);
		return;
	}
	if (c->naccounts >= CONFIG_ACCOUNTS_MAX) {
		bad(p, "more than %d accounts", CONFIG_ACCOUNTS_MAX);
		return;
	}
	struct config_account *a = realloc(c->accounts, (c->naccounts + 1) * sizeof(*a));

	if (a == NULL) {
		bad(p, "account: %s", strerror(errno));
		return;
	}
	c->accounts = a;
	p->sec = &a[c->naccounts++];
	memset(p->sec, 0, sizeof(*p->sec));
	snprintf(p->sec->name, sizeof(p->sec->name), "%s", v);
}

/* The colour names curses knows (COLOR_BLACK is 0 ... COLOR_WHITE 7), and default. */
static int color_number(const char *name, short *n_r)
{
	static const char *const names[] = { "black", "red", "green", "yellow",
					     "blue", "magenta", "cyan", "white" };

	if (strcmp(name, "default") == 0) {
		*n_r = -1;
		return 0;
	}
	for (short i = 0; i < 8; i++)
		if (strcmp(name, names[i]) == 0) {
			*n_r = i;
			return 0;
		}
	return -1;
}

static int role_number(const char *name)
{
	static const char *const roles[CONFIG_ROLES] = {
		"list", "selected", "title", "header", "quote1", "quote2", "quote3", "signature",
	};

	for (int i = 0; i < CONFIG_ROLES; i++)
		if (strcmp(name, roles[i]) == 0)
			return i;
	return -1;
}

/* color ROLE FOREGROUND [BACKGROUND] */
static void set_color(struct parse *p, char *v)
{
	char *save, *role = strtok_r(v, " \t", &save);
	char *fg = strtok_r(NULL, " \t", &save);
	char *bg = strtok_r(NULL, " \t", &save);
	int r = role ? role_number(role) : -1;
	short f, b = -1;

	if (p->sec != &p->c->defaults)
		bad(p, "color lines apply to every account: put them before the first account line");
	else if (r < 0)
		bad(p, "color wants a role (list, selected, title, header, quote1, quote2, quote3, signature)%s%s",
		    role ? ", not " : "", role ? role : "");
	else if (fg == NULL)
		bad(p, "color %s wants a foreground colour", role);
	else if (strtok_r(NULL, " \t", &save) != NULL)
		bad(p, "color %s wants a foreground and at most a background colour", role);
	else if (color_number(fg, &f) < 0 || (bg != NULL && color_number(bg, &b) < 0))
		bad(p, "unknown colour \"%s\" (default, black, red, green, yellow, blue, magenta, cyan, white)",
		    color_number(fg, &f) < 0 ? fg : bg);
	else if (p->c->colors[r].set)
		bad(p, "color %s is given twice", role);
	else
		p->c->colors[r] = (struct config_color){ .set = 1, .fg = f, .bg = b };
}

/* One `key value` line, already split. */
static void setting(struct parse *p, const char *key, char *v)
{
	struct config_account *s = p->sec;
	static const struct {
		const char *key;
		size_t off;
		int path;	/* a leading ~/ is the home folder */
	} strings[] = {
		{ "host", offsetof(struct config_account, host), 0 },
		{ "user", offsetof(struct config_account, user), 0 },
		{ "cafile", offsetof(struct config_account, cafile), 1 },
		{ "passwordeval", offsetof(struct config_account, passwordeval), 0 },
		{ "save_dir", offsetof(struct config_account, save_dir), 1 },
		{ "from", offsetof(struct config_account, from), 0 },
		{ "sendmail", offsetof(struct config_account, sendmail), 0 },
	};

	if (strcmp(key, "passwordeval") == 0 && s->password != NULL) {
		bad(p, "password and passwordeval exclude each other");
		return;
	}
	for (size_t i = 0; i < sizeof(strings) / sizeof(strings[0]); i++)
		if (strcmp(key, strings[i].key) == 0) {
			char **field = (char **)((char *)s + strings[i].off);

			if (strings[i].path)
				set_path(p, key, field, v);
			else
				set_string(p, key, field, v);
			return;
		}
	if (strcmp(key, "account") == 0)
		start_account(p, v);
	else if (strcmp(key, "port") == 0)
		set_port(p, v);
	else if (strcmp(key, "timeout") == 0)
		set_timeout(p, v);
	else if (strcmp(key, "tls") == 0)
		set_tls(p, v);
	else if (strcmp(key, "password") == 0)
		set_password(p, v);
	else if (strcmp(key, "color") == 0 || strcmp(key, "colour") == 0)
		set_color(p, v);
	else
		bad(p, "unknown key \"%.60s\"", key);
}

static int known_key(const char *key)
{
	static const char *const keys[] = { "account", "host", "port", "user", "tls", "cafile", "passwordeval",
					     "password", "save_dir", "from", "sendmail", "timeout", "color",
					     "colour" };

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (strcmp(key, keys[i]) == 0)
			return 1;
	return 0;
}

/* One line: blank, a comment, or `key value` (the value is the rest of the line, trimmed). */
static void parse_line(struct parse *p, char *s)
{
	s += strspn(s, " \t");
	if (*s == '\0' || *s == '#')
		return;
	for (const char *q = s; *q; q++)
		if ((unsigned char)*q < ' ' && *q != '\t') {
			bad(p, "a control character in the line");
			return;
		}
	char *v = s + strcspn(s, " \t");

	if (*v != '\0')
		*v++ = '\0';
	v += strspn(v, " \t");
	size_t n = strlen(v);

	while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t'))
		v[--n] = '\0';
	if (n == 0 && !known_key(s))
		bad(p, "unknown key \"%.60s\"", s);
	else if (n == 0)
		bad(p, "%.60s wants a value", s);
	else
		setting(p, s, v);
}

int config_parse(struct config *c, const char *path, const char *text, size_t len, int exposed,
		 char *err, size_t errsize)
{
	struct parse p = { .c = c, .sec = &c->defaults, .path = path, .exposed = exposed,
			   .err = err, .errsize = errsize };
	char *copy = malloc(len + 1), *line, *next;

	if (errsize > 0)
		err[0] = '\0';
	snprintf(c->path, sizeof(c->path), "%s", path);
	if (copy == NULL) {
		bad(&p, "%s", strerror(errno));
		return -1;
	}
	memcpy(copy, text, len);
	copy[len] = '\0';
	const char *nul = memchr(text, '\0', len);

	if (nul != NULL) {
		/* Said once, at the line that holds it: a binary file is not worth more lines. */
		p.line = 1;
		for (const char *q = text; q < nul; q++)
			p.line += *q == '\n';
		bad(&p, "a NUL byte: this is not a text file");
		free(copy);
		return -1;
	}
	for (line = copy; line != NULL; line = next) {
		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		size_t n = strlen(line);

		if (n > 0 && line[n - 1] == '\r')
			line[n - 1] = '\0';	/* a file written on Windows */
		p.line++;
		parse_line(&p, line);
	}
	free(copy);
	return p.bad ? -1 : 0;
}

/* The client's config file: default settings, named accounts, passwordeval and colours. */
#ifndef CONFIG_H
#define CONFIG_H

#include <stddef.h>

#include "client.h"

/* A config file larger than this is refused: it is typed by hand, 256 KiB is plenty. */
#define CONFIG_SIZE_MAX (256 * 1024)
/* Accounts in one file: a chooser screen of more is of no use. */
#define CONFIG_ACCOUNTS_MAX 64
/* An account name: printable, no blanks, this many octets at most. */
#define CONFIG_NAME_MAX 64
/* The report of bad lines keeps this much; lines past it are left out (the parse still fails). */
#define CONFIG_ERR_MAX 4096

/* tls: unset (take the defaults' value), or one of the three modes. */
enum config_tls { CONFIG_TLS_UNSET, CONFIG_TLS_OFF, CONFIG_TLS_STARTTLS, CONFIG_TLS_IMPLICIT };

/* The screen roles a `color ROLE FG [BG]` line can set. */
enum config_role {
	CONFIG_COLOR_LIST,
	CONFIG_COLOR_SELECTED,
	CONFIG_COLOR_TITLE,
	CONFIG_COLOR_HEADER,
	CONFIG_COLOR_QUOTE1,
	CONFIG_COLOR_QUOTE2,
	CONFIG_COLOR_QUOTE3,
	CONFIG_COLOR_SIGNATURE,
	CONFIG_ROLES,
};

/* One role's colours: curses colour numbers, -1 for the terminal's default. */
struct config_color {
	int set;
	short fg, bg;
};

/* The settings of one section; NULL (or 0, CONFIG_TLS_UNSET) means not given there. */
struct config_account {
	char name[CONFIG_NAME_MAX + 1];
	char *host, *port, *user, *cafile, *passwordeval, *password, *save_dir, *from, *sendmail;
	enum config_tls tls;
	int timeout;
};

struct config {
	char path[4096];
	struct config_account defaults;	/* the keys before the first account line */
	struct config_account *accounts;
	size_t naccounts;
	struct config_color colors[CONFIG_ROLES];
};

/*
 * Parse text (len octets, from file path, readable by group or others when exposed is 1) into
 * c, which must be zeroed.  Every bad line is reported in err as "PATH:LINE: what is wrong",
 * one a line.  0, or -1 when any line was bad (c then holds what was good; config_free it).
 */
int config_parse(struct config *c, const char *path, const char *text, size_t len, int exposed,
		 char *err, size_t errsize);
/*
 * Read and parse the file at path (a regular file of at most CONFIG_SIZE_MAX octets).
 * 1 when it was read, 0 when it does not exist and missing_ok, -1 with err set otherwise.
 */
int config_load(struct config *c, const char *path, int missing_ok, char *err, size_t errsize);
/* The default path: $XDG_CONFIG_HOME/mailroom/config, else ~/.config/mailroom/config; 0 or -1. */
int config_default_path(char *buf, size_t size);
void config_free(struct config *c);
/* The index of the account called name, or -1. */
long config_find(const struct config *c, const char *name);
/* Fill what account idx (-1: the defaults alone) sets into o, the account's values over the defaults'. */
void config_apply(const struct config *c, long idx, struct client_opts *o);
/* The passwordeval command of account idx (-1: the defaults'), or NULL. */
const char *config_passwordeval(const struct config *c, long idx);
/* The password line of account idx (-1: the defaults'), or NULL. */
const char *config_password(const struct config *c, long idx);
/*
 * Run cmd through /bin/sh; the first line of its output is the password.  0, or -1 with err
 * saying how the command failed (its exit status or signal, no output); the password is never
 * put in err.
 */
int config_run_passwordeval(const char *cmd, char *pw, size_t size, char *err, size_t errsize);

#endif

/* The user's mailcap (RFC 1524): which program shows a MIME type, as mutt and run-mailcap read it. */
#ifndef MAILCAP_H
#define MAILCAP_H

#include <stddef.h>

/* Logical mailcap lines longer than this are skipped (real entries are a few hundred octets). */
#define MAILCAP_LINE_MAX 8192

struct mailcap_entry {
	char *type;		/* "image/png", "image/<star>" or "image" (= "image/<star>"), lower case */
	char *command;		/* the view command, %-escapes not yet expanded */
	char *test;		/* test=, or NULL */
	char *nametemplate;	/* nametemplate=, or NULL */
	int needsterminal, copiousoutput;
};

/*
 * Parse one logical line (continuations already joined): "type; command; flags...", with
 * "\;" and "\\" escapes.  Returns 0 with e filled, 1 for a comment, a blank or a line without
 * type and command (e untouched), -1 when out of memory.
 */
int mailcap_parse_line(const char *line, struct mailcap_entry *e);
void mailcap_entry_free(struct mailcap_entry *e);

/* 1 when a mailcap type ("image/<star>", "image", "text/html") covers type ("image/png"), else 0. */
int mailcap_type_match(const char *pattern, const char *type);

/*
 * The command for the shell: %s the file (single-quoted unless the entry already quotes it;
 * callers pass only paths of [A-Za-z0-9/._-]), %t the type, %{charset} the charset, %{other}
 * empty, %% a '%'.  *has_file_r says whether %s was there (else the file goes to stdin).
 * Returns malloc'd, NULL when out of memory.
 */
char *mailcap_expand(const char *cmd, const char *path, const char *type, const char *charset,
		     int *has_file_r);

/*
 * Find the first entry for type in the files of the colon-separated list (missing files are
 * skipped); with need_copious only copiousoutput entries count.  An entry with test= counts
 * only when test_fn(expanded test command, ctx) returns 1.
 * Returns 0 with *e_r filled, 1 when there is none, -1 when out of memory.
 */
int mailcap_lookup(const char *files, const char *type, int need_copious,
		   int (*test_fn)(const char *cmd, void *ctx), void *ctx, struct mailcap_entry *e_r);

/* The list of files to read: $MAILCAPS, else "$HOME/.mailcap:/etc/mailcap". */
void mailcap_files(char *buf, size_t size);

#endif

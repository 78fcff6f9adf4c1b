/* Running the programs that show parts: private temporary copies, mailcap commands, xdg-open. */
#ifndef VIEWER_H
#define VIEWER_H

#include <stddef.h>

/* Output of a copiousoutput command beyond this is cut: the pager holds it in memory. */
#define VIEWER_OUTPUT_MAX (16 * 1024 * 1024)

/* A part's private copy: a folder of our own (0700) holding one file (0600). */
struct viewer_tmp {
	char dir[4096];
	char path[4096 + 260];
};

/*
 * Write data to a new private folder under $TMPDIR (or /tmp) as name (from attach_tmp_name),
 * or as nametemplate's "%s.ext" with name in place of %s when that is safe too.
 * Returns 0, or -1 with errno set and nothing left behind.
 */
int viewer_tmp_create(struct viewer_tmp *t, const char *name, const char *nametemplate,
		      const char *data, size_t len);
/* Remove the copy and its folder. */
void viewer_tmp_remove(struct viewer_tmp *t);

/*
 * Run "sh -c cmd".  stdin_path (or /dev/null when NULL) is its input.  With out_r, its output
 * (stdout and stderr, up to VIEWER_OUTPUT_MAX) is collected there (malloc'd, NUL-terminated);
 * without, it uses the terminal.  *status_r is its exit status (-1: killed by a signal).
 * Returns 0, or -1 when it could not be started (errno set).
 */
int viewer_run(const char *cmd, const char *stdin_path, char **out_r, size_t *len_r, int *status_r);

/* mailcap test= for mailcap_lookup: 1 when the command exits 0, its output thrown away. */
int viewer_test(const char *cmd, void *ctx);

/* The path of an executable xdg-open on PATH, into buf; 0, or -1 when there is none. */
int viewer_find_program(const char *name, char *buf, size_t size);

#endif

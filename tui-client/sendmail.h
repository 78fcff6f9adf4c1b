/* Handing a draft to other programs: the editor on the terminal, the sendmail-compatible command. */
#ifndef SENDMAIL_H
#define SENDMAIL_H

#include <stddef.h>

/* Used when no command is configured and this exists (the interface every MTA and msmtp offer). */
#define SENDMAIL_DEFAULT "/usr/sbin/sendmail -t -oi"
#define SENDMAIL_DEFAULT_PATH "/usr/sbin/sendmail"
/* What the command writes beyond this many octets is read and dropped: it is shown in a window. */
#define SENDMAIL_OUTPUT_MAX 4096

/* The command to send with: configured, else SENDMAIL_DEFAULT when it exists, else NULL. */
const char *sendmail_command(const char *configured);

/* The editor: $VISUAL, else $EDITOR, else vi (a shell command: it may hold arguments). */
const char *sendmail_editor(void);

/*
 * Run "sh -c 'EDITOR \"$1\"'" with path as $1 on the terminal and wait for it (the caller
 * suspends the screen).  While it runs, SIGINT and SIGQUIT are ignored here and SIGTSTP is
 * left to stop the client with it.  *status_r: its exit status, or 128 + the signal that ended
 * it.  Returns 0, or -1 when it could not be started (errno set).
 */
int sendmail_edit(const char *editor, const char *path, int *status_r);

/*
 * Run "sh -c CMD" with in_fd as its standard input and its standard output and error
 * collected into out (NUL-terminated, at most size - 1 octets; the rest is read and dropped).
 * *status_r as for sendmail_edit.  Returns 0, or -1 when it could not be started (errno set).
 */
int sendmail_run(const char *cmd, int in_fd, char *out, size_t size, int *status_r);

#endif

/* TRANSACTION and UPDATE states: the commands over a session's snapshot (trans.c). */
#ifndef TRANS_H
#define TRANS_H

#include "session.h"

/* TRANSACTION state commands; NULL when the keyword is not one of them. */
cmd_fn trans_handler(const char *keyword);
/* Enter TRANSACTION state: open the folder's maildrop and take the snapshot. */
enum cmd_result trans_begin(struct session *s, const char *folder);
/* QUIT in TRANSACTION state: the UPDATE state, deletions committed. */
enum cmd_result trans_quit(struct session *s, struct cmd_args *a);
/* Let go of the maildrop without committing anything. */
void trans_end(struct session *s);

#endif

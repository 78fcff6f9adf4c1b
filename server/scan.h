/* Scanning a folder into its index; the maildrop calls these with its mutex held. */
#ifndef SCAN_H
#define SCAN_H

#include <time.h>

#include "maildrop.h"

/*
 * Bring the index up to date: nothing to do when the folder's mtimes did not move;
 * otherwise read the folder, keep known files, index new ones (wire size, UID),
 * drop vanished ones and save the UID list if it changed.  0, or -1 with errno.
 */
int scan_folder(struct maildrop *md);
/* Drop a reference to a message; the last one frees it. */
void scan_msg_unref(struct msg *m);
int scan_same_time(const struct timespec *a, const struct timespec *b);
/*
 * Why this thread's last scan_folder failed when the unique-id list was the cause
 * ("cannot save the unique-id list"), for the client; NULL otherwise.
 */
const char *scan_error(void);
void scan_clear_error(void);
/* Natural order of names: digit runs compare as numbers ("msg2" < "msg10"). */
int maildrop_name_cmp(const char *a, const char *b);

#endif

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
/* Natural order of names: digit runs compare as numbers ("msg2" < "msg10"). */
int maildrop_name_cmp(const char *a, const char *b);

#endif

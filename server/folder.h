/* A folder's layout and change times; called with the maildrop's mutex held. */
#ifndef FOLDER_H
#define FOLDER_H

#include <time.h>

#include "maildrop.h"

/* The modification times of the folder and, in a Maildir, of new/ and cur/.  0, or -1 with errno. */
int folder_mtimes(struct maildrop *md, struct timespec t[3]);
/* 1 when t are the times the index was last scanned at. */
int folder_unchanged(const struct maildrop *md, const struct timespec t[3]);
/*
 * Decide again whether the folder is a Maildir and open new/ and cur/ afresh,
 * without following symlinks.  A folder that changed layout loses every message
 * of its index (they are all found again, as new ones, by the scan that follows).
 */
void folder_layout(struct maildrop *md);

#endif

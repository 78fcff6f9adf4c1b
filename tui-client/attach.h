/* File names for parts of a message: what the sender wrote, made safe to create on this side. */
#ifndef ATTACH_H
#define ATTACH_H

#include <stddef.h>

/* Longest name made (octets, with the NUL): file systems take 255; room is left for " (999)". */
#define ATTACH_NAME_MAX 200

/*
 * A safe file name from a part's decoded name (UTF-8): '/', '\\', controls, bidi overrides and
 * invalid UTF-8 become '_', leading dots and blanks are dropped, trailing ones too; a name left
 * empty becomes "part-N" (with the subtype as extension when it is a plain word, "part-2.pdf").
 * index is the part's index (from 0); type may be NULL.  out holds size octets.
 */
void attach_safe_name(const char *name, size_t index, const char *type, char *out, size_t size);

/*
 * A name for the private temporary copy a viewer reads: only [A-Za-z0-9._-] of safe, never a
 * leading '.' or '-', at most 64 octets; "part" when nothing is left.
 */
void attach_tmp_name(const char *safe, char *out, size_t size);

#endif

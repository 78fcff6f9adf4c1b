/* Starting from the config file: which account, the options it gives with the command line on top, its password. */
#ifndef ACCOUNTS_H
#define ACCOUNTS_H

#include "client.h"

/*
 * Read the config file (path, or the default one, which may be missing, when path is NULL)
 * and keep cli (the command line's options, NULL where not given) and pwfile for later.
 * 0, or -1 after printing every bad line on stderr.
 */
int accounts_load(const char *path, const struct client_opts *cli, const char *pwfile);
/*
 * The options of this run from the positional arguments (ACCOUNT, HOST, HOST PORT, or none)
 * into o, its password into pw when the config or the command line gives one.  With no
 * argument and accounts in the config, the full screen chooses later (o->choose) and line
 * mode asks now.  0; 1 when the arguments are wrong (show the usage); -1 after printing why.
 */
int accounts_start(int nargs, char **args, struct client_opts *o, char *pw, size_t size);
/* The settings of account idx (-1: the defaults alone) as the command line leaves them. */
int accounts_opts(long idx, struct client_opts *o, char *pw, size_t size, char *err, size_t errsize);
/* Free what accounts_load kept. */
void accounts_free(void);

#endif

/* AUTHORIZATION state: the commands that log a session in (login.c). */
#ifndef LOGIN_H
#define LOGIN_H

#include "session.h"

/* AUTHORIZATION state commands; NULL when the keyword is not one of them. */
cmd_fn login_handler(const char *keyword);
/* CAPA, valid in both states; what it lists depends on the connection. */
enum cmd_result login_capa(struct session *s, struct cmd_args *a);

#endif

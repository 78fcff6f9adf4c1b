/* Connections not yet logged in, counted per client address, for --max-per-ip. */
#ifndef PEERS_H
#define PEERS_H

/*
 * Count one more connection from addr, unless addr already has max (0: no cap).
 * 0 when counted, -1 when it is over the cap (and was not counted); -1 with errno
 * ENOMEM when the table cannot grow (the connection is then not served either).
 */
int peers_enter(const char *addr, unsigned max);
/* Count one connection from addr less: it logged in or ended. */
void peers_leave(const char *addr);
/* Connections counted for addr now. */
unsigned peers_count(const char *addr);

#endif

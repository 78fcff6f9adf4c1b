/* The one version string of mailroom, shared by the server and the client. */
#ifndef VERSION_H
#define VERSION_H

#define MAILROOM_VERSION "1.1.0"

#endif

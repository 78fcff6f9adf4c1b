#!/usr/bin/env bash
# make demo: the server on a scratch copy of mailbox/, the client against it, everything stopped
# and removed when the client exits.  Log in as yourself with the password "demo" (the demo
# server takes any password); retrieved messages go to ./retrieved.
set -u
cd "$(dirname "$0")/../.."
ROOT=$PWD
SERVER=${SERVER:-$ROOT/pop3d}
CLIENT=${CLIENT:-$ROOT/client}
export ROOT SERVER
. "$ROOT/tests/lib/server.sh"

for p in "$SERVER" "$CLIENT"; do
	if [ ! -x "$p" ]; then
		echo "demo: $p is missing: run make first" >&2
		exit 1
	fi
done
trap 'stop_server' EXIT
trap 'exit 130' INT TERM
start_server "$ROOT/mailbox" || exit 1
echo "demo: server pid $SERVER_PID on port $SERVER_PORT, mailbox copy in $SERVER_DIR"
POP3_PASSWORD=demo "$CLIENT" localhost "$SERVER_PORT"
status=$?
echo "demo: client exited with status $status; stopping the server"
exit $status

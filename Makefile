# Builds ./pop3d (the server; its sources are in server/, so the binary cannot be
# called ./server) and ./client at the top, the unit tests under build/, and runs the suites.
#   make                 both programs
#   make test            build, then every test suite (tests/run)
#   make SANITIZE=asan   AddressSanitizer + UBSan build (also: tsan)
#   make install         mailroom-pop3d, mailroom, their man pages and the systemd units
#                        (PREFIX=/usr/local, DESTDIR, BINDIR, SBINDIR, MANDIR, SYSCONFDIR, UNITDIR)
#   make uninstall       removes exactly what install put there
#   make demo | bench | bench-client | fuzz | clean
# CPPFLAGS, CFLAGS, LDFLAGS and LDLIBS are taken from the environment or the command line
# (dpkg-buildflags); the warnings, -D_GNU_SOURCE and -pthread are added to them, never replaced.

CC      ?= cc
CFLAGS  ?= -O2 -g
WARN    := -std=c11 -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes
DEFS    := -D_GNU_SOURCE
SANITIZE ?=
ifeq ($(SANITIZE),asan)
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
else ifeq ($(SANITIZE),tsan)
SANFLAGS := -fsanitize=thread -fno-omit-frame-pointer
else
SANFLAGS :=
endif

CURSES_CFLAGS := $(shell pkg-config --cflags ncursesw 2>/dev/null | sed 's/-D_XOPEN_SOURCE=600//')
CURSES_LIBS   := $(shell pkg-config --libs ncursesw 2>/dev/null || echo -lncursesw -ltinfo)
SSL_LIBS      := $(shell pkg-config --libs openssl 2>/dev/null || echo -lssl -lcrypto)

ALL_CFLAGS = $(WARN) $(DEFS) $(CPPFLAGS) $(CFLAGS) $(SANFLAGS) -pthread -Icommon -MMD -MP
LDFLAGS_ALL = $(CFLAGS) $(LDFLAGS) $(SANFLAGS) -pthread

# Where make install puts things; the installed names say what they are.
PREFIX     ?= /usr/local
BINDIR     ?= $(PREFIX)/bin
SBINDIR    ?= $(PREFIX)/sbin
MANDIR     ?= $(PREFIX)/share/man
SYSCONFDIR ?= $(if $(filter /usr,$(PREFIX)),/etc,$(PREFIX)/etc)
UNITDIR    ?= $(PREFIX)/lib/systemd/system
INSTALL    ?= install
SERVER_NAME := mailroom-pop3d
CLIENT_NAME := mailroom
UNITS      := $(SERVER_NAME).service $(SERVER_NAME).socket $(SERVER_NAME)-tls.socket

B := build

COMMON_SRC := $(wildcard common/*.c)
SERVER_SRC := $(wildcard server/*.c)
CLIENT_SRC := $(wildcard tui-client/*.c)

COMMON_OBJ := $(COMMON_SRC:%.c=$(B)/%.o)
SERVER_OBJ := $(SERVER_SRC:%.c=$(B)/%.o)
CLIENT_OBJ := $(CLIENT_SRC:%.c=$(B)/%.o)
SERVER_LIB_OBJ := $(filter-out $(B)/server/main.o,$(SERVER_OBJ))
CLIENT_LIB_OBJ := $(filter-out $(B)/tui-client/main.o,$(CLIENT_OBJ))

SERVER_LIBS := -lcrypt $(SSL_LIBS) $(LDLIBS)
CLIENT_LIBS := $(CURSES_LIBS) $(SSL_LIBS) $(LDLIBS)

# Unit tests: tests/unit/test_common_*.c link common/, test_server_*.c also server/,
# test_client_*.c also tui-client/ (each without its main.c).
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)

.PHONY: all server test unit demo bench bench-client fuzz clean check-flags install uninstall
all: pop3d client

server: pop3d

pop3d: $(SERVER_OBJ) $(COMMON_OBJ)
	$(CC) $(LDFLAGS_ALL) -o $@ $^ $(SERVER_LIBS)

client: $(CLIENT_OBJ) $(COMMON_OBJ)
	$(CC) $(LDFLAGS_ALL) -o $@ $^ $(CLIENT_LIBS)

# Objects depend on the flags they were built with, so switching SANITIZE rebuilds all.
$(B)/flags: check-flags
	@:
check-flags:
	@mkdir -p $(B)
	@echo '$(CC) $(ALL_CFLAGS) $(LDFLAGS_ALL)' > $(B)/flags.new
	@cmp -s $(B)/flags.new $(B)/flags || mv $(B)/flags.new $(B)/flags
	@rm -f $(B)/flags.new

$(B)/tui-client/%.o: tui-client/%.c $(B)/flags
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(CURSES_CFLAGS) -Itui-client -c -o $@ $<

$(B)/server/%.o: server/%.c $(B)/flags
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Iserver -c -o $@ $<

$(B)/common/%.o: common/%.c $(B)/flags
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(B)/tests/%.o: tests/unit/%.c $(B)/flags
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(CURSES_CFLAGS) -Iserver -Itui-client -Itests/unit -c -o $@ $<

$(B)/tests/test_common_%: $(B)/tests/test_common_%.o $(COMMON_OBJ)
	$(CC) $(LDFLAGS_ALL) -o $@ $^ $(SSL_LIBS) $(LDLIBS)

$(B)/tests/test_server_%: $(B)/tests/test_server_%.o $(SERVER_LIB_OBJ) $(COMMON_OBJ)
	$(CC) $(LDFLAGS_ALL) -o $@ $^ $(SERVER_LIBS)

$(B)/tests/test_client_%: $(B)/tests/test_client_%.o $(CLIENT_LIB_OBJ) $(COMMON_OBJ)
	$(CC) $(LDFLAGS_ALL) -o $@ $^ $(CLIENT_LIBS)

unit: $(UNIT_BIN)

test: all unit
	@tests/run

demo: all
	@tests/lib/demo.sh

bench: all
	@$(MAKE) -C bench
	@bench/run

# The client's first screen and all headers on 10,000 and 100,000 messages, against mutt.
bench-client: all
	@bench/client-bench

fuzz:
	@$(MAKE) -C tests/fuzz

# The units name the installed paths: they are written at install time from contrib/*.in.
install: all
	$(INSTALL) -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man8 \
		$(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(UNITDIR)
	$(INSTALL) -m 755 pop3d $(DESTDIR)$(SBINDIR)/$(SERVER_NAME)
	$(INSTALL) -m 755 client $(DESTDIR)$(BINDIR)/$(CLIENT_NAME)
	$(INSTALL) -m 644 man/$(SERVER_NAME).8 $(DESTDIR)$(MANDIR)/man8/$(SERVER_NAME).8
	$(INSTALL) -m 644 man/$(CLIENT_NAME).1 $(DESTDIR)$(MANDIR)/man1/$(CLIENT_NAME).1
	for u in $(UNITS); do \
		sed -e 's|@SBINDIR@|$(SBINDIR)|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' \
			contrib/$$u.in >$(DESTDIR)$(UNITDIR)/$$u.tmp && \
		chmod 644 $(DESTDIR)$(UNITDIR)/$$u.tmp && \
		mv $(DESTDIR)$(UNITDIR)/$$u.tmp $(DESTDIR)$(UNITDIR)/$$u || exit 1; \
	done

# Folders are left: they may hold other packages' files.
uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/$(SERVER_NAME) $(DESTDIR)$(BINDIR)/$(CLIENT_NAME) \
		$(DESTDIR)$(MANDIR)/man8/$(SERVER_NAME).8 $(DESTDIR)$(MANDIR)/man1/$(CLIENT_NAME).1 \
		$(addprefix $(DESTDIR)$(UNITDIR)/,$(UNITS))

clean:
	rm -rf $(B) ./pop3d ./client
	-@$(MAKE) -C bench clean 2>/dev/null || true

-include $(shell find $(B) -name '*.d' 2>/dev/null)

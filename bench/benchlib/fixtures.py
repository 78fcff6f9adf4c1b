"""fixtures.py: the bench's mailboxes, written once as flat folders and linked into Maildirs."""
import os

WORDS = ("mail server client message folder session index stream queue retry "
         "deliver header body line octet dot stuffing sender reply status").split()


def small_message(i):
    """A message of about 2 KB with LF endings and a few lines that start with '.'."""
    head = [
        "From: Sender %d <sender%d@example.org>" % (i, i),
        "To: bench@example.org",
        "Subject: bench message %d" % i,
        "Date: Mon, 01 Jan 2024 00:00:00 +0000",
        "Message-ID: <bench.%d@example.org>" % i,
        "",
    ]
    body = []
    for j in range(24):
        words = " ".join(WORDS[(i + j + k) % len(WORDS)] for k in range(10))
        body.append(("." if j % 8 == 3 else "") + words + " %d.%d" % (i, j))
    body[-1] = "."  # a line that is only a dot must be stuffed too
    body.append("end of message %d" % i)
    return ("\n".join(head + body) + "\n").encode()


def big_block():
    """About 1 MB of 76-column lines, every 40th starting with '.', ending with LF."""
    lines = []
    n = 0
    while n < 1 << 20:
        k = len(lines)
        text = "".join(WORDS[(k + j) % len(WORDS)][0:6] for j in range(16))
        line = ("." if k % 40 == 7 else "") + (text * 2)[:76]
        lines.append(line)
        n += len(line) + 1
    return ("\n".join(lines) + "\n").encode()


def write_big(path, size):
    """A message of at least `size` bytes made of whole lines, headers first."""
    block = big_block()
    with open(path, "wb") as f:
        f.write(b"From: big@example.org\nTo: bench@example.org\nSubject: big\n\n")
        written = 0
        while written + len(block) <= size:
            f.write(block)
            written += len(block)
        rest = size - written
        cut = block.rfind(b"\n", 0, rest) + 1
        f.write(block[:cut])


def maildir_name(i):
    """Plain Maildir names: no ,S= or ,W= size hints."""
    return "%d.M%dP1.bench:2," % (1700000000 + i, i)


def link_maildir(flat, maildir, names):
    """Hard-links the flat folder's messages into maildir/cur (no second copy of the bytes)."""
    for sub in ("cur", "new", "tmp"):
        os.makedirs(os.path.join(maildir, sub), exist_ok=True)
    for i, name in enumerate(names, 1):
        os.link(os.path.join(flat, name), os.path.join(maildir, "cur", maildir_name(i)))


def chown_dirs(top, uid, gid):
    """Gives uid the folders (Dovecot renames files in cur/ and writes tmp/); the message files
    stay root's, readable by all, so 100,000 of them need no chown."""
    os.chown(top, uid, gid)
    for root, dirs, _ in os.walk(top):
        for name in dirs:
            os.chown(os.path.join(root, name), uid, gid)


def make_box(scratch, user, kind, count, size, want_maildir):
    """Writes user's flat folder (and Maildir); returns the flat folder's path."""
    flat = os.path.join(scratch, "flat", user)
    os.makedirs(flat)
    names = []
    for i in range(1, count + 1):
        name = "%06d" % i if count > 9 else "msg%d" % i
        path = os.path.join(flat, name)
        if kind == "big":
            write_big(path, size)
        else:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            os.write(fd, small_message(i))
            os.close(fd)
        names.append(name)
    if want_maildir:
        home = os.path.join(scratch, "home", user)
        link_maildir(flat, os.path.join(home, "Maildir"), names)
    return flat

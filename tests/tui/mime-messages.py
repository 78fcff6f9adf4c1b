#!/usr/bin/env python3
"""Writes the messages of tests/tui/run-tui-mime to stdout: mime-messages.py NAME."""
import base64
import sys

HEAD = ("From: Alice Example <alice@example.org>\nTo: bob@example.org\n"
        "Date: Mon, 23 Nov 2026 09:12:00 +0000\nMIME-Version: 1.0\n")


def b64(data):
    text = base64.b64encode(data).decode()
    return "\n".join(text[i:i + 76] for i in range(0, len(text), 76)) + "\n"


def part(headers, body):
    return "--b1\n" + headers + "\n\n" + body


def parts():
    return (HEAD + "Subject: Files for you\nContent-Type: multipart/mixed; boundary=\"b1\"\n\n"
            + part("Content-Type: text/plain; charset=utf-8", "Here are the files.\n")
            + part("Content-Type: application/pdf\nContent-Transfer-Encoding: base64\n"
                   "Content-Disposition: attachment;\n filename*=utf-8''r%C3%A9sum%C3%A9.pdf", b64(b"%PDF-1.4\n"))
            + part("Content-Type: application/octet-stream\n"
                   "Content-Disposition: attachment; filename=\"../../x\"", "x\n")
            + part("Content-Type: text/plain\nContent-Disposition: attachment; filename=\".bashrc\"", "echo hi\n")
            + part("Content-Type: text/plain\nContent-Disposition: attachment; filename=\"a\x1b[2Jb.txt\"", "esc\n")
            + part("Content-Type: text/csv\nContent-Disposition: attachment; filename=data.csv", "a,b\n1,2\n3,4\n")
            + "--b1--\n")


def forward():
    return (HEAD + "Subject: Fwd: Lunch plans\nContent-Type: multipart/mixed; boundary=out\n\n"
            "--out\nContent-Type: text/plain\n\nSee the message below.\n"
            "--out\nContent-Type: message/rfc822\n\n"
            "From: =?utf-8?q?Carol_M=C3=BCller?= <carol@example.net>\n"
            "Date: Tue, 24 Nov 2026 10:00:00 +0000\nSubject: Lunch plans\n"
            "Content-Type: multipart/mixed; boundary=in\n\n"
            "--in\nContent-Type: text/plain\n\nInner text of the forwarded message.\n"
            "--in\nContent-Type: message/rfc822\n\nSubject: the oldest one\n\nInnermost text.\n"
            "--in--\n--out--\n")


def html():
    return (HEAD + "Subject: A newsletter\nContent-Type: text/html; charset=utf-8\n\n"
            "<html><body><h1>Big heading</h1>\n<p>Read <a href=\"https://example.org/report?id=7&amp;view=full\">"
            "the report</a> or <a href=\"https://example.org/faq\">the FAQ</a>.</p>\n"
            "<ul><li>apples</li><li>pears</li></ul><ol><li>first step</li><li>second step</li></ol>\n"
            "<table><tr><th>Item</th><th>Price</th></tr><tr><td>pears</td><td>3.20</td></tr></table>\n"
            "<p><img src=\"cid:logo\" alt=\"Company logo\"></p><pre>    indented  code\n  more</pre>\n"
            "</body></html>\n")


def flowed():
    words = ["word%02d" % i for i in range(1, 26)]
    quotes = ["quote%02d" % i for i in range(1, 21)]
    body = ""
    for i in range(0, len(words), 5):
        body += " ".join(words[i:i + 5]) + (" \n" if i + 5 < len(words) else "\n")
    body += "\n"
    for i in range(0, len(quotes), 4):
        body += "> " + " ".join(quotes[i:i + 4]) + (" \n" if i + 4 < len(quotes) else "\n")
    body += "\n-- \nSignature line\n"
    return HEAD + "Subject: Flowed text\nContent-Type: text/plain; charset=utf-8; format=flowed\n\n" + body


def big_zip():
    data = bytes((i * 7919) % 251 for i in range(5 * 1024 * 1024))
    return (HEAD + "Subject: Holiday photos\nContent-Type: multipart/mixed; boundary=\"b1\"\n\n"
            + part("Content-Type: text/plain", "See attached.\n")
            + part("Content-Type: application/zip; name=holiday.zip\nContent-Transfer-Encoding: base64\n"
                   "Content-Disposition: attachment; filename=holiday.zip", b64(data))
            + "--b1--\n")


def dates():
    return (HEAD.replace("Mon, 23 Nov 2026 09:12:00 +0000", "Thu, 2 Jan 25 10:00:00 +0100")
            + "Subject: Two-digit year\n\nbody\n")


def bad_date():
    return HEAD.replace("Mon, 23 Nov 2026 09:12:00 +0000", "sometime soon") + "Subject: No real date\n\nbody\n"


sys.stdout.write({"parts": parts, "forward": forward, "html": html, "flowed": flowed,
                  "big-zip": big_zip, "dates": dates, "bad-date": bad_date}[sys.argv[1]]())

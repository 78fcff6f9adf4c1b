/* Unit tests of replies and forwards as text: subjects, addresses, References, quoting, RFC 2047, drafts. */
#include "harness.h"
#include "compose.h"

#include <stdlib.h>

static void check_subject(const char *in, enum compose_kind k, const char *want)
{
	char *s = compose_subject(in, k);

	CHECK_STR(s, want);
	free(s);
}

static void test_subject_prefixes(void)
{
	check_subject("lunch", COMPOSE_REPLY, "Re: lunch");
	check_subject("Re: lunch", COMPOSE_REPLY, "Re: lunch");
	check_subject("Re: Re: lunch", COMPOSE_REPLY, "Re: lunch");
	check_subject("RE: re:lunch", COMPOSE_REPLY, "Re: lunch");
	check_subject("Re[2]: lunch", COMPOSE_REPLY, "Re: lunch");
	check_subject("Fwd: lunch", COMPOSE_REPLY, "Re: Fwd: lunch");
	check_subject("Fwd: Fw: lunch", COMPOSE_FORWARD, "Fwd: lunch");
	check_subject("Re: lunch", COMPOSE_FORWARD, "Fwd: Re: lunch");
	check_subject("Ready: lunch", COMPOSE_REPLY, "Re: Ready: lunch");
	check_subject("", COMPOSE_REPLY, "Re: ");
}

static void test_addrs_parse(void)
{
	struct compose_addrs a = { 0 };

	CHECK(compose_addrs_parse("\"Doe, Jane\" <jane@x.org>, bob@y.org (Bob B), "
				  "=?UTF-8?Q?Carol_M=C3=BCller?= <carol@z.net>, team: d@t.org, e@t.org;, <f@u.org>",
				  &a) == 0);
	CHECK(a.n == 6);
	if (a.n == 6) {
		CHECK_STR(a.v[0].name, "Doe, Jane");
		CHECK_STR(a.v[0].addr, "jane@x.org");
		CHECK_STR(a.v[1].name, "Bob B");
		CHECK_STR(a.v[1].addr, "bob@y.org");
		CHECK_STR(a.v[2].name, "Carol Müller");
		CHECK_STR(a.v[3].addr, "d@t.org");
		CHECK_STR(a.v[4].addr, "e@t.org");
		CHECK_STR(a.v[5].name, "");
		CHECK_STR(a.v[5].addr, "f@u.org");
	}
	/* Formatted back: specials quoted, the UTF-8 name as it is (draft) or encoded (sent). */
	char *s = compose_addrs_format(&a, 4, 0);

	CHECK_STR(s, "\"Doe, Jane\" <jane@x.org>, Bob B <bob@y.org>, Carol Müller <carol@z.net>,\n"
		     " d@t.org, e@t.org, f@u.org");
	free(s);
	s = compose_addrs_format(&a, 4, 1);
	CHECK(s != NULL && strstr(s, "=?UTF-8?B?Q2Fyb2wgTcO8bGxlcg==?= <carol@z.net>") != NULL);
	free(s);
	compose_addrs_free(&a);
}

static const char original[] =
	"From: Alice Example <alice@example.org>\r\n"
	"To: Bob <bob@example.com>, carol@example.net, \"Alice again\" <ALICE@example.org>\r\n"
	"Cc: dave@example.com, Bob <BOB@example.com>, carol@example.net\r\n"
	"Reply-To: Alice List <list@example.org>\r\n"
	"Subject: Re: Re: =?UTF-8?Q?Caf=C3=A9?=\r\n"
	"Date: Mon, 23 Nov 2026 09:12:00 +0000\r\n"
	"Message-ID: <m3@example.org>\r\n"
	"References: <m1@example.org>\r\n <m2@example.org>\r\n"
	"\r\n"
	"body\r\n";

static char *draft_of(enum compose_kind k, const char *body)
{
	struct compose_addrs self = { 0 };
	char *d;

	compose_addrs_add(&self, "", "bob@example.com");
	d = compose_draft(k, original, strlen(original), body, "Bob <bob@example.com>", &self);
	compose_addrs_free(&self);
	return d;
}

static void test_reply_all_addresses(void)
{
	char *d = draft_of(COMPOSE_REPLY_ALL, "hi\n");

	/* Reply-To wins over From; ourselves (any case) and duplicates are left out. */
	CHECK(d != NULL && strstr(d, "\nTo: Alice List <list@example.org>\n") != NULL);
	CHECK(d != NULL && strstr(d, "\nCc: carol@example.net, Alice again <ALICE@example.org>, dave@example.com\n") != NULL);
	CHECK(d != NULL && strstr(d, "bob@example.com>,") == NULL && strstr(d, "BOB@") == NULL);
	free(d);
	d = draft_of(COMPOSE_REPLY, "hi\n");
	CHECK(d != NULL && strstr(d, "\nTo: Alice List <list@example.org>\nCc: \n") != NULL);
	free(d);
}

static void test_references(void)
{
	char *r = compose_references("<m1@example.org> <m2@example.org>", "<m3@example.org>");

	CHECK_STR(r, "<m1@example.org> <m2@example.org> <m3@example.org>");
	free(r);
	/* Folded before 78 columns, after "References: ". */
	r = compose_references("<aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa@example.org> <bbbbbbbbbbbbbbbbbbbbbbbbbbbbbb@example.org>",
			       "<c@example.org>");
	CHECK_STR(r, "<aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa@example.org>\n <bbbbbbbbbbbbbbbbbbbbbbbbbbbbbb@example.org>"
		     " <c@example.org>");
	free(r);
	/* Too many: the root and the latest 19; duplicates once; junk ignored. */
	char refs[4000] = "junk ";

	for (int i = 1; i <= 30; i++)
		snprintf(refs + strlen(refs), sizeof(refs) - strlen(refs), "<%d@x> ", i);
	r = compose_references(refs, "<30@x>");
	CHECK(r != NULL && strncmp(r, "<1@x> <12@x> <13@x>", 19) == 0);
	CHECK(r != NULL && strstr(r, "<2@x>") == NULL && strstr(r, "<11@x>") == NULL);
	CHECK(r != NULL && strstr(r, "<30@x>") != NULL && strstr(strstr(r, "<30@x>") + 1, "<30@x>") == NULL);
	free(r);
	r = compose_references("", "");
	CHECK_STR(r, "");
	free(r);
	char *d = draft_of(COMPOSE_REPLY, "x");

	CHECK(d != NULL && strstr(d, "\nIn-Reply-To: <m3@example.org>\n"
				     "References: <m1@example.org> <m2@example.org> <m3@example.org>\n") != NULL);
	free(d);
}

static void test_quoting(void)
{
	const char *t = "first line\r\n> quoted\n>> deeper\n> > spaced\n\nlast\n\n\n";
	char *q = compose_quote(t, strlen(t));

	CHECK_STR(q, "> first line\n> > quoted\n> > > deeper\n> > > spaced\n>\n> last\n");
	free(q);
	char *d = draft_of(COMPOSE_REPLY, "Hello\n> earlier\n");

	CHECK(d != NULL && strstr(d, "\n\nOn Mon, 23 Nov 2026 09:12:00 +0000, Alice Example wrote:\n"
				     "> Hello\n> > earlier\n") != NULL);
	CHECK(d != NULL && strstr(d, "\nSubject: Re: Café\n") != NULL);
	CHECK(d != NULL && strncmp(d, "From: Bob <bob@example.com>\n", 28) == 0);
	free(d);
}

static void test_encode_subject(void)
{
	char *s = compose_encode_words("Re: Café ☕", 9);

	CHECK_STR(s, "=?UTF-8?B?UmU6IENhZsOpIOKYlQ==?=");
	free(s);
	s = compose_encode_words("plain ascii", 9);
	CHECK_STR(s, "plain ascii");
	free(s);
	/* Long text: several words, folded, each at most 75 characters, characters never split. */
	s = compose_encode_words("ééééééééééééééééééééééééééééééééééééééééééééééééééé", 9);
	CHECK(s != NULL && strstr(s, "?=\n =?UTF-8?B?") != NULL);
	for (char *p = s, *nl; p != NULL; p = nl ? nl + 2 : NULL) {
		nl = strchr(p, '\n');
		CHECK((nl ? (size_t)(nl - p) : strlen(p)) <= 75);
	}
	free(s);
	/* In the message sent: Subject encoded, headers added, empty Cc dropped, recipients counted. */
	const char *draft = "From: Bob <bob@example.com>\nTo: Zoë <zoe@example.org>\nCc: \n"
			    "Subject: Re: Café\nReferences: <a@x>\n <b@x>\n\nbody ü\n";
	size_t len, n;
	char *m = compose_finish(draft, strlen(draft), 1796083200LL, &len, &n);

	CHECK(n == 1);
	CHECK(m != NULL && strstr(m, "\nSubject: =?UTF-8?B?UmU6IENhZsOp?=\n") != NULL);
	CHECK(m != NULL && strstr(m, "\nTo: =?UTF-8?B?Wm/Dqw==?= <zoe@example.org>\n") != NULL);
	CHECK(m != NULL && strstr(m, "Cc:") == NULL);
	CHECK(m != NULL && strstr(m, "\nReferences: <a@x>\n <b@x>\n") != NULL);
	CHECK(m != NULL && strstr(m, "\nMessage-ID: <1796083200.") != NULL && strstr(m, "@example.com>\n") != NULL);
	CHECK(m != NULL && strstr(m, "\nDate: ") != NULL);
	CHECK(m != NULL && strstr(m, "\nMIME-Version: 1.0\nContent-Type: text/plain; charset=UTF-8\n"
				     "Content-Transfer-Encoding: 8bit\n\nbody ü\n") != NULL);
	free(m);
}

static void test_forward_block(void)
{
	char *d = draft_of(COMPOSE_FORWARD, "body\n");

	CHECK(d != NULL && strstr(d, "From: Bob <bob@example.com>\nTo: \nCc: \nSubject: Fwd: Re: Re: Café\n\n") != NULL);
	CHECK(d != NULL && strstr(d, "\n---------- Forwarded message ----------\n"
				     "From: Alice Example <alice@example.org>\n"
				     "Date: Mon, 23 Nov 2026 09:12:00 +0000\n"
				     "Subject: Re: Re: Café\n") != NULL);
	CHECK(d != NULL && strstr(d, "\n\nbody\n") != NULL && strstr(d, "In-Reply-To") == NULL);
	free(d);
	/* No recipients yet: the count says so. */
	size_t len, n = 9;
	char *m;

	d = draft_of(COMPOSE_FORWARD, "x");
	m = d != NULL ? compose_finish(d, strlen(d), 0, &len, &n) : NULL;

	CHECK(m != NULL && n == 0);
	free(m);
	free(d);
}

static void test_long_lines_and_latin1(void)
{
	char draft[3000];
	size_t len, n;

	/* A line over 998 octets: quoted-printable, soft breaks before 76 columns, "=" and "é" escaped. */
	snprintf(draft, sizeof draft, "To: a@x\n\n");
	for (int i = 0; i < 1000; i++)
		strcat(draft, i % 100 == 99 ? "=" : "a");
	strcat(draft, "\nCafé \n");
	char *m = compose_finish(draft, strlen(draft), 0, &len, &n);

	CHECK(m != NULL && strstr(m, "\nContent-Transfer-Encoding: quoted-printable\n\n") != NULL);
	CHECK(m != NULL && strstr(m, "=3D") != NULL && strstr(m, "\nCaf=C3=A9=20\n") != NULL);
	for (char *p = m ? strstr(m, "\n\n") + 2 : NULL, *nl; p != NULL && *p; p = nl + 1) {
		nl = strchr(p, '\n');
		CHECK(nl != NULL && nl - p <= 76);
		if (nl == NULL)
			break;
	}
	free(m);
	/* An editor that saved Latin-1: sent as UTF-8. */
	m = compose_finish("To: a@x\n\nCaf\xe9\n", 14, 0, &len, &n);
	CHECK(m != NULL && strstr(m, "8bit\n\nCafé\n") != NULL);
	free(m);
}

static const struct harness_case cases[] = {
	{ "subject prefixes: one Re:, one Fwd:, not stacked", test_subject_prefixes },
	{ "address lists: quoted names, comments, groups, RFC 2047 names", test_addrs_parse },
	{ "reply-all: Reply-To first, no duplicates, not ourselves", test_reply_all_addresses },
	{ "References: the original's plus its Message-ID, folded, bounded", test_references },
	{ "quoting of multi-line and already quoted text, attribution", test_quoting },
	{ "RFC 2047 encoding of a non-ASCII subject and names when sent", test_encode_subject },
	{ "forward block with the original's headers and body", test_forward_block },
	{ "long lines sent quoted-printable, Latin-1 drafts as UTF-8", test_long_lines_and_latin1 },
	{ NULL, NULL },
};

int main(void)
{
	return harness_run(cases, "client_compose");
}

/* File names for parts of a message: what the sender wrote, made safe to create on this side. */
#include "attach.h"

#include <stdio.h>
#include <string.h>

/* Octets of the UTF-8 sequence at s (n left), or 0 when it is not valid UTF-8. */
static size_t utf8_len(const unsigned char *s, size_t n, unsigned long *cp_r)
{
	size_t len = s[0] < 0x80 ? 1 : s[0] >= 0xC2 && s[0] <= 0xDF ? 2 : s[0] >= 0xE0 && s[0] <= 0xEF ? 3
		   : s[0] >= 0xF0 && s[0] <= 0xF4 ? 4 : 0;
	unsigned long cp = len == 1 ? s[0] : len == 2 ? s[0] & 0x1Fu : len == 3 ? s[0] & 0x0Fu : s[0] & 0x07u;

	if (len == 0 || len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3Fu);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
	    (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	*cp_r = cp;
	return len;
}

/* Characters a file name never gets: path separators, controls, bidi overrides, U+FFFD. */
static int unsafe(unsigned long cp)
{
	return cp == '/' || cp == '\\' || cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0) ||
	       (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0xFFFD;
}

/* A name for a part without one: "part-3.pdf" from its type when the subtype is a plain word. */
static void fallback(size_t index, const char *type, char *out, size_t size)
{
	const char *sub = type != NULL ? strchr(type, '/') : NULL;
	size_t n = sub != NULL ? strspn(sub + 1, "abcdefghijklmnopqrstuvwxyz0123456789") : 0;

	if (n > 0 && n <= 8 && sub[1 + n] == '\0')
		snprintf(out, size, "part-%zu.%s", index + 1, sub + 1);
	else
		snprintf(out, size, "part-%zu", index + 1);
}

void attach_safe_name(const char *name, size_t index, const char *type, char *out, size_t size)
{
	const unsigned char *s = (const unsigned char *)(name != NULL ? name : "");
	size_t n = strlen((const char *)s), o = 0, k, room = size < ATTACH_NAME_MAX ? size : ATTACH_NAME_MAX;
	unsigned long cp;

	/* Leading dots and blanks go: no hidden files, no "..". */
	while (n > 0 && (*s == '.' || *s == ' '))
		s++, n--;
	for (size_t i = 0; i < n && o + 5 < room; i += k) {
		if ((k = utf8_len(s + i, n - i, &cp)) == 0)
			k = 1, cp = 0xFFFD;
		if (unsafe(cp))
			out[o++] = '_';
		else
			memcpy(out + o, s + i, k), o += k;
	}
	while (o > 0 && (out[o - 1] == ' ' || out[o - 1] == '.'))
		o--;
	out[o] = '\0';
	if (o == 0 || strspn(out, "_") == o)
		fallback(index, type, out, size);
}

void attach_tmp_name(const char *safe, char *out, size_t size)
{
	size_t o = 0;

	/* Only [A-Za-z0-9._-], never a leading '.' or '-': the name goes into a shell command. */
	for (const char *p = safe; *p != '\0' && o + 1 < size && o < 64; p++) {
		int ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
			 ((*p == '.' || *p == '-' || *p == '_') && o > 0);

		if (ok)
			out[o++] = *p;
	}
	out[o] = '\0';
	if (o == 0)
		snprintf(out, size, "part");
}

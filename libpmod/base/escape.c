// SPDX-License-Identifier: LGPL-2.1-or-later
/* The one escaper for strings someone else chose (file names, config
 * values, signers, arguments, a parent's command name) on their way into a
 * record, a log line or a terminal. Records use the quoted key=value form;
 * messages escape only control bytes and bytes that are not UTF-8 text, so
 * that an ordinary name (in any script) prints exactly as kmod prints it
 * while a newline cannot start a forged line and a log reader never meets
 * a malformed sequence. */
#include <stdio.h>
#include <string.h>

#include "pmod.h"

struct sink {
	char *buf;
	size_t size, len;	/* len counts what was needed, like snprintf */
};

static void put(struct sink *o, const char *s, size_t n)
{
	if (o->len < o->size) {
		size_t room = o->size - o->len - 1;
		size_t k = n < room ? n : room;

		memcpy(o->buf + o->len, s, k);
		o->buf[o->len + k] = '\0';
	}
	o->len += n;
}

static bool plain(const char *v)
{
	if (v[0] == '\0')
		return false;
	for (const char *p = v; *p; p++) {
		unsigned char c = (unsigned char)*p;

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      strchr("._/:+,-@*?[]", c) != NULL))
			return false;
	}
	return true;
}

/* The escaped form of one byte; its length. */
static int escape_byte(unsigned char c, bool quote, char esc[8])
{
	if (quote && (c == '"' || c == '\\'))
		return snprintf(esc, 8, "\\%c", c);
	/* Bytes from 0x80 reach here only when they are not UTF-8 text. */
	if (c < 0x20 || c >= 0x7f)
		return snprintf(esc, 8, "\\x%02x", c);
	esc[0] = (char)c;
	esc[1] = '\0';
	return 1;
}

/* The length of the well-formed UTF-8 sequence at p (2 to 4), or 0 when
 * the bytes there are not one: a stray continuation byte, a truncated
 * sequence, an overlong form, a surrogate, a code point above U+10FFFF,
 * or a C1 control (U+0080 to U+009F), which some terminals obey as they
 * obey ESC. */
static size_t utf8_sequence(const unsigned char *p)
{
	unsigned char c = p[0];
	size_t n;
	unsigned cp;

	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)	/* also stops at the terminating NUL */
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp < 0xa0)
		return 0;
	return n;
}

size_t pmod_escape(const char *s, unsigned flags, size_t max, char *buf, size_t size)
{
	struct sink o = { .buf = buf, .size = size };
	bool quote = flags & PMOD_ESCAPE_QUOTE;
	size_t len, used = 0;
	const unsigned char *p;

	if (size > 0)
		buf[0] = '\0';
	if (s == NULL)
		s = "";
	len = strlen(s);
	if (quote && (max == 0 || len <= max) && plain(s)) {
		put(&o, s, len);
		return o.len;
	}
	if (quote)
		put(&o, "\"", 1);
	for (p = (const unsigned char *)s; *p;) {
		char esc[8];
		size_t n = *p >= 0x80 && !quote ? utf8_sequence(p) : 0;

		if (n > 0) {
			/* A character that is text: kept whole, never cut. */
			if (max != 0 && used + n > max)
				break;
			put(&o, (const char *)p, n);
			used += n;
			p += n;
			continue;
		}
		n = (size_t)escape_byte(*p, quote, esc);
		if (max != 0 && used + n > max)
			break;
		put(&o, esc, n);
		used += n;
		p++;
	}
	if (*p != '\0')
		put(&o, "...", 3);
	if (quote)
		put(&o, "\"", 1);
	return o.len;
}

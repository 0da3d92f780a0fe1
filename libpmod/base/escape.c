// SPDX-License-Identifier: LGPL-2.1-or-later
/* The one escaper for strings someone else chose (file names, config
 * values, signers, arguments, a parent's command name) on their way into a
 * record, a log line or a terminal. Records use the quoted key=value form;
 * messages escape only control bytes, so that an ordinary name prints
 * exactly as kmod prints it while a newline cannot start a forged line. */
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
	if (c < 0x20 || c == 0x7f || (quote && c >= 0x7f))
		return snprintf(esc, 8, "\\x%02x", c);
	esc[0] = (char)c;
	esc[1] = '\0';
	return 1;
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
	for (p = (const unsigned char *)s; *p; p++) {
		char esc[8];
		int n = escape_byte(*p, quote, esc);

		if (max != 0 && used + (size_t)n > max)
			break;
		put(&o, esc, (size_t)n);
		used += (size_t)n;
	}
	if (*p != '\0')
		put(&o, "...", 3);
	if (quote)
		put(&o, "\"", 1);
	return o.len;
}

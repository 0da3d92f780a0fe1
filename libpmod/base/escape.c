// SPDX-License-Identifier: LGPL-2.1-or-later
/* The one escaper for strings someone else chose (file names, config
 * values, signers, arguments, a parent's command name) on their way into a
 * record, a log line or a terminal. Records use the quoted key=value form;
 * messages escape only control bytes and bytes that are not UTF-8 text, so
 * that an ordinary name (in any script) prints exactly as kmod prints it
 * while a newline cannot start a forged line and a log reader never meets
 * a malformed sequence. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "escape.h"
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

/* What each byte is, looked up once per byte instead of tested: a record
 * or log line is written for every module loaded, so the common case (a
 * string with nothing to escape) must cost a table lookup per byte and
 * one copy. */
enum byte_class {
	BYTE_PLAIN = 1 << 0,	/* may stand unquoted in a record */
	BYTE_LITERAL = 1 << 1,	/* written as itself in both forms (printable ASCII) */
	BYTE_QUOTED = 1 << 2,	/* written as itself inside quotes (not " or \) */
};

static const unsigned char byte_class[256] = {
#define LIT (BYTE_LITERAL | BYTE_QUOTED)
#define PLN (BYTE_PLAIN | BYTE_LITERAL | BYTE_QUOTED)
	[' '] = LIT, ['!'] = LIT, ['"'] = BYTE_LITERAL, ['#'] = LIT, ['$'] = LIT, ['%'] = LIT,
	['&'] = LIT, ['\''] = LIT, ['('] = LIT, [')'] = LIT, ['*'] = PLN, ['+'] = PLN,
	[','] = PLN, ['-'] = PLN, ['.'] = PLN, ['/'] = PLN,
	['0'] = PLN, ['1'] = PLN, ['2'] = PLN, ['3'] = PLN, ['4'] = PLN, ['5'] = PLN,
	['6'] = PLN, ['7'] = PLN, ['8'] = PLN, ['9'] = PLN,
	[':'] = PLN, [';'] = LIT, ['<'] = LIT, ['='] = LIT, ['>'] = LIT, ['?'] = PLN, ['@'] = PLN,
	['A'] = PLN, ['B'] = PLN, ['C'] = PLN, ['D'] = PLN, ['E'] = PLN, ['F'] = PLN, ['G'] = PLN,
	['H'] = PLN, ['I'] = PLN, ['J'] = PLN, ['K'] = PLN, ['L'] = PLN, ['M'] = PLN, ['N'] = PLN,
	['O'] = PLN, ['P'] = PLN, ['Q'] = PLN, ['R'] = PLN, ['S'] = PLN, ['T'] = PLN, ['U'] = PLN,
	['V'] = PLN, ['W'] = PLN, ['X'] = PLN, ['Y'] = PLN, ['Z'] = PLN,
	['['] = PLN, ['\\'] = BYTE_LITERAL, [']'] = PLN, ['^'] = LIT, ['_'] = PLN, ['`'] = LIT,
	['a'] = PLN, ['b'] = PLN, ['c'] = PLN, ['d'] = PLN, ['e'] = PLN, ['f'] = PLN, ['g'] = PLN,
	['h'] = PLN, ['i'] = PLN, ['j'] = PLN, ['k'] = PLN, ['l'] = PLN, ['m'] = PLN, ['n'] = PLN,
	['o'] = PLN, ['p'] = PLN, ['q'] = PLN, ['r'] = PLN, ['s'] = PLN, ['t'] = PLN, ['u'] = PLN,
	['v'] = PLN, ['w'] = PLN, ['x'] = PLN, ['y'] = PLN, ['z'] = PLN,
	['{'] = LIT, ['|'] = LIT, ['}'] = LIT, ['~'] = LIT,
#undef LIT
#undef PLN
};

/* The number of bytes at the start of s that are all of class `want`. */
static size_t run_of(const unsigned char *s, unsigned char want)
{
	const unsigned char *p = s;

	while (byte_class[*p] & want)	/* the NUL has no class: the run ends there */
		p++;
	return (size_t)(p - s);
}

/* Eight bytes at a time, for the long strings (a whole record, a path):
 * whether every byte of w is printable ASCII (0x20 to 0x7e) and, when
 * quoting, neither " nor \. Each test is exact for the word as a whole
 * (a borrow only starts at a byte that fails it). */
#define ONES ((uint64_t)0x0101010101010101)
#define HIGHS ((uint64_t)0x8080808080808080)

static bool has_zero_byte(uint64_t w)
{
	return ((w - ONES) & ~w & HIGHS) != 0;
}

static bool word_as_is(uint64_t w, bool quote)
{
	if ((((w - ONES * 0x20) & ~w) | ((w + ONES * (0x7f - 0x7e)) | w)) & HIGHS)
		return false;
	return !quote || (!has_zero_byte(w ^ (ONES * '"')) && !has_zero_byte(w ^ (ONES * '\\')));
}

/* Sixteen bytes as one value (the compiler's generic vectors: SIMD where
 * the machine has it, plain words where not). Signed, so that a byte
 * from 0x80 compares below 0x20. */
typedef signed char bytes16 __attribute__((vector_size(16)));

bool escape_unneeded(const char *s, size_t *len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), i = 0;
	bytes16 bad = { 0 };
	uint64_t lanes[2];

	/* Below 0x20 (or from 0x80), or 0x7f: any lane that ever is one
	 * stays set. No early exit: the answer is one bit for the whole
	 * string, and the strings asked about are nearly always clean. */
	for (; n - i >= 2 * sizeof(bytes16); i += 2 * sizeof(bytes16)) {
		bytes16 a, b;

		memcpy(&a, p + i, sizeof(a));
		memcpy(&b, p + i + sizeof(a), sizeof(b));
		bad |= (a < 0x20) | (a == 0x7f) | (b < 0x20) | (b == 0x7f);
	}
	memcpy(lanes, &bad, sizeof(lanes));
	if ((lanes[0] | lanes[1]) != 0 || run_of(p + i, BYTE_LITERAL) != n - i)
		return false;
	*len = n;
	return true;
}

/* The run of bytes written as they are at p, which has `left` bytes
 * before its NUL: words while they pass, then byte by byte. */
static size_t run_as_is(const unsigned char *p, size_t left, bool quote)
{
	size_t n = 0;

	while (left - n >= sizeof(uint64_t)) {
		uint64_t w;

		memcpy(&w, p + n, sizeof(w));
		if (!word_as_is(w, quote))
			break;
		n += sizeof(w);
	}
	return n + run_of(p + n, quote ? BYTE_QUOTED : BYTE_LITERAL);
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
	const unsigned char *p, *end;

	if (size > 0)
		buf[0] = '\0';
	if (s == NULL)
		s = "";
	p = (const unsigned char *)s;
	len = strlen(s);
	end = p + len;
	if (quote) {
		/* Plain values are the rule: checked four bytes a step over
		 * the known length, then copied at once (up to what fits). */
		size_t n = 0;

		while (len - n >= 4 && (byte_class[p[n]] & byte_class[p[n + 1]] &
					byte_class[p[n + 2]] & byte_class[p[n + 3]] & BYTE_PLAIN))
			n += 4;
		while (n < len && (byte_class[p[n]] & BYTE_PLAIN))
			n++;
		if (n == len && len > 0 && (max == 0 || len <= max)) {
			if (size > 0) {
				size_t k = len < size - 1 ? len : size - 1;

				memcpy(buf, s, k);
				buf[k] = '\0';
			}
			return len;
		}
		put(&o, "\"", 1);
	}
	while (*p) {
		char esc[8];
		size_t n = run_as_is(p, (size_t)(end - p), quote);

		if (n > 0) {
			/* Bytes written as they are, one output byte each: a
			 * cut falls exactly where the cap is reached. */
			bool cut = max != 0 && used + n > max;

			if (cut)
				n = max - used;
			put(&o, (const char *)p, n);
			used += n;
			p += n;
			if (cut)
				break;
			continue;
		}
		n = *p >= 0x80 && !quote ? utf8_sequence(p) : 0;
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

// SPDX-License-Identifier: GPL-2.0-or-later
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "json_output.h"
#include "pmod.h"
#include "tool_output.h"

/* The soname is the ABI the installed headers describe (json-c 0.14 and
 * later are libjson-c.so.5). */
#define JSON_C_SONAME "libjson-c.so.5"

/* json-c's functions the tools use, resolved on load; typeof keeps every
 * call checked against json-c's own prototypes. */
static struct {
	typeof(json_object_new_object) *new_object;
	typeof(json_object_new_array) *new_array;
	typeof(json_object_new_string_len) *new_string_len;
	typeof(json_object_set_string_len) *set_string_len;
	typeof(json_object_new_int64) *new_int64;
	typeof(json_object_new_boolean) *new_boolean;
	typeof(json_object_object_add) *object_add;
	typeof(json_object_array_add) *array_add;
	typeof(json_object_to_json_string_length) *to_string;
	typeof(json_object_put) *put;
} jc;

static bool loaded;

bool json_output_load(void)
{
	static const struct {
		const char *name;
		void **slot;
	} symbols[] = {
		{ "json_object_new_object", (void **)&jc.new_object },
		{ "json_object_new_array", (void **)&jc.new_array },
		{ "json_object_new_string_len", (void **)&jc.new_string_len },
		{ "json_object_set_string_len", (void **)&jc.set_string_len },
		{ "json_object_new_int64", (void **)&jc.new_int64 },
		{ "json_object_new_boolean", (void **)&jc.new_boolean },
		{ "json_object_object_add", (void **)&jc.object_add },
		{ "json_object_array_add", (void **)&jc.array_add },
		{ "json_object_to_json_string_length", (void **)&jc.to_string },
		{ "json_object_put", (void **)&jc.put },
	};
	void *handle;

	if (loaded)
		return true;
	handle = dlopen(JSON_C_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (handle == NULL) {
		tool_log(LOG_ERR, "--json needs %s, which cannot be loaded: %s", JSON_C_SONAME,
			 dlerror());
		return false;
	}
	for (size_t i = 0; i < sizeof(symbols) / sizeof(symbols[0]); i++) {
		*symbols[i].slot = dlsym(handle, symbols[i].name);
		if (*symbols[i].slot == NULL) {
			tool_log(LOG_ERR, "--json needs %s, which lacks %s", JSON_C_SONAME,
				 symbols[i].name);
			dlclose(handle);
			return false;
		}
	}
	loaded = true;
	return true;
}

/* Whether s[0..len) is ASCII without NUL, as most text is: eight bytes
 * at a time, no branch but the loop's. */
static bool plain_ascii(const unsigned char *s, size_t len)
{
	const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
	uint64_t high = 0, zero = 0, w;
	size_t i = 0;

	for (; len - i >= 8; i += 8) {
		memcpy(&w, s + i, 8);
		high |= w;
		zero |= (w - ones) & ~w;	/* a NUL byte sets its high bit */
	}
	if (i < len && len >= 8) {
		/* The last eight bytes, some seen already: no byte loop. */
		memcpy(&w, s + len - 8, 8);
		high |= w;
		zero |= (w - ones) & ~w;
		i = len;
	}
	for (; i < len; i++) {
		high |= s[i];
		zero |= s[i] == 0 ? 0x80 : 0;
	}
	return ((high | zero) & highs) == 0;
}

/* Whether s[0..len) is well-formed UTF-8 without NUL: the shortest form
 * of each code point, no surrogates, nothing above U+10FFFF. */
static bool well_formed_utf8(const unsigned char *s, size_t len)
{
	size_t i = 0;

	if (plain_ascii(s, len))
		return true;
	while (i < len) {
		unsigned char c = s[i];
		size_t n;
		uint32_t cp;

		if (c == 0)
			return false;
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			n = 1;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			n = 2;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 3;
			cp = c & 0x07;
		} else {
			return false;
		}
		if (len - i <= n)
			return false;
		for (size_t k = 1; k <= n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += n + 1;
	}
	return true;
}

/* value[0..len) as the tools print it (pmod_escape: malformed bytes,
 * and control bytes, as \xNN), in *buf (grown as needed, the caller's to
 * free); its length in *shown_len. */
static const char *escaped(const char *value, size_t len, char **buf, size_t *size,
			   size_t *shown_len)
{
	char *copy = strndup(value, len);
	size_t need;

	if (copy == NULL)
		abort();
	need = pmod_escape(copy, 0, 0, NULL, 0) + 1;
	if (need > *size) {
		free(*buf);
		*buf = malloc(need);
		if (*buf == NULL)
			abort();
		*size = need;
	}
	pmod_escape(copy, 0, 0, *buf, need);
	free(copy);
	*shown_len = strlen(*buf);
	return *buf;
}

/* A JSON string of value[0..len): as it is when it is UTF-8, else as the
 * tools print it. */
static struct json_object *new_string(const char *value, size_t len)
{
	struct json_object *s;
	char *shown = NULL;
	size_t size = 0, shown_len;

	if (len > INT_MAX)	/* json-c's lengths are ints */
		return NULL;
	if (well_formed_utf8((const unsigned char *)value, len))
		return jc.new_string_len(value, (int)len);
	escaped(value, len, &shown, &size, &shown_len);
	s = jc.new_string_len(shown, (int)shown_len);
	free(shown);
	return s;
}

/* json-c returns NULL only when memory runs out; a half-built document
 * must never be printed as if whole. */
static struct json_object *must(struct json_object *o)
{
	if (o == NULL) {
		tool_log(LOG_CRIT, "out of memory building the JSON output");
		exit(1);
	}
	return o;
}

struct json_object *json_new_object(void)
{
	return must(jc.new_object());
}

struct json_object *json_new_array(void)
{
	return must(jc.new_array());
}

struct json_object *json_document(const char *command)
{
	struct json_object *doc = json_new_object();

	json_add_int(doc, "schema_version", JSON_SCHEMA_VERSION);
	json_add_string(doc, "command", command);
	return doc;
}

void json_add(struct json_object *obj, const char *key, struct json_object *child)
{
	if (child != NULL && jc.object_add(obj, key, child) != 0) {
		tool_log(LOG_CRIT, "out of memory building the JSON output");
		exit(1);
	}
}

void json_add_string_len(struct json_object *obj, const char *key, const char *value, size_t len)
{
	if (value != NULL)
		json_add(obj, key, must(new_string(value, len)));
}

void json_add_string(struct json_object *obj, const char *key, const char *value)
{
	if (value != NULL)
		json_add_string_len(obj, key, value, strlen(value));
}

void json_add_int(struct json_object *obj, const char *key, int64_t value)
{
	json_add(obj, key, must(jc.new_int64(value)));
}

void json_add_bool(struct json_object *obj, const char *key, bool value)
{
	json_add(obj, key, must(jc.new_boolean(value)));
}

void json_append(struct json_object *array, struct json_object *child)
{
	if (child != NULL && jc.array_add(array, child) != 0) {
		tool_log(LOG_CRIT, "out of memory building the JSON output");
		exit(1);
	}
}

void json_append_string_len(struct json_object *array, const char *value, size_t len)
{
	if (value != NULL)
		json_append(array, must(new_string(value, len)));
}

void json_append_string(struct json_object *array, const char *value)
{
	if (value != NULL)
		json_append_string_len(array, value, strlen(value));
}

int json_print(struct json_object *document, FILE *out)
{
	size_t len;
	const char *text = jc.to_string(document,
					JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE,
					&len);
	int ret = 0;

	if (text == NULL) {
		tool_log(LOG_CRIT, "out of memory writing the JSON output");
		exit(1);
	}
	if (fwrite(text, 1, len, out) != len || fputc('\n', out) == EOF || fflush(out) != 0)
		ret = errno != 0 ? -errno : -EIO;
	jc.put(document);
	return ret;
}

/* ---------------------------------------------------------------- streams */

/* A reused entry (json_entry_new): json-c's string for each value, and
 * each key as json-c writes it, made once. */
#define ENTRY_MAX_MEMBERS 4

struct json_entry {
	struct json_object *values[ENTRY_MAX_MEMBERS];
	char *keys[ENTRY_MAX_MEMBERS];			/* "key", quoted and escaped */
	size_t key_lens[ENTRY_MAX_MEMBERS];
	size_t count;
	/* The text around the values at one depth, made on first use: the
	 * element's indent and "{", before each value its ",", newline,
	 * indent, key and ":", and the newline, indent and "}" after. */
	unsigned laid_out_for;				/* depth + 1; 0: none yet */
	char *layout;
	size_t value_at[ENTRY_MAX_MEMBERS];		/* where value i goes in layout */
	size_t layout_len;
	char *shown;		/* an escaped value, reused */
	size_t shown_size;
};

struct json_stream {
	FILE *out;
	size_t count;		/* elements written in the open array */
	int error;		/* the first write error, -errno */
	unsigned depth;		/* 1: the document's array; 2: one in its last object */
	/* What is written, gathered into large writes: a document of
	 * megabytes would otherwise go out through stdio's 4 KiB buffer,
	 * a system call each, and be copied into it first. */
	char *pending;
	size_t pending_len, pending_size;
};

#define STREAM_WRITE_SIZE ((size_t)64 << 10)

/* json-c indents two spaces a level; an element of an array at depth d
 * sits at depth d + 1. */
#define STREAM_INDENT "        "

static void stream_flush(struct json_stream *s)
{
	if (s->error == 0 && s->pending_len > 0 &&
	    fwrite(s->pending, 1, s->pending_len, s->out) != s->pending_len)
		s->error = errno != 0 ? -errno : -EIO;
	s->pending_len = 0;
}

/* Room for need more bytes at the end of what is pending; where they go. */
static char *stream_reserve(struct json_stream *s, size_t need)
{
	if (need > s->pending_size - s->pending_len) {
		size_t size = s->pending_size > 0 ? s->pending_size : STREAM_WRITE_SIZE;
		char *bigger;

		while (size - s->pending_len < need)
			size *= 2;
		bigger = realloc(s->pending, size);
		if (bigger == NULL) {
			tool_log(LOG_CRIT, "out of memory writing the JSON output");
			exit(1);
		}
		s->pending = bigger;
		s->pending_size = size;
	}
	return s->pending + s->pending_len;
}

/* The len bytes written at stream_reserve's place are part of the text. */
static void stream_commit(struct json_stream *s, size_t len)
{
	s->pending_len += len;
	if (s->pending_len >= STREAM_WRITE_SIZE)
		stream_flush(s);
}

static void stream_write(struct json_stream *s, const char *text, size_t len)
{
	memcpy(stream_reserve(s, len), text, len);
	stream_commit(s, len);
}

static void stream_indent(struct json_stream *s, unsigned depth)
{
	stream_write(s, STREAM_INDENT, 2 * depth);
}

static const char *serialized(struct json_object *o, size_t *len)
{
	const char *text = jc.to_string(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE,
					len);

	if (text == NULL) {
		tool_log(LOG_CRIT, "out of memory writing the JSON output");
		exit(1);
	}
	return text;
}

/* ",\n", the indent of depth, "key" as json-c escapes it, then opener. */
static void stream_member(struct json_stream *s, unsigned depth, const char *key,
			  const char *opener, bool first)
{
	struct json_object *name = must(jc.new_string_len(key, (int)strlen(key)));
	size_t len;
	const char *text = serialized(name, &len);

	stream_write(s, first ? "\n" : ",\n", first ? 1 : 2);
	stream_indent(s, depth);
	stream_write(s, text, len);
	stream_write(s, opener, strlen(opener));
	jc.put(name);
}

static struct json_stream *stream_open(struct json_object *document, const char *object_key,
				       const char *key, FILE *out)
{
	struct json_stream *s = calloc(1, sizeof(*s));
	const char *text;
	size_t len;

	if (s == NULL) {
		tool_log(LOG_CRIT, "out of memory writing the JSON output");
		exit(1);
	}
	s->out = out;
	/* The document as json-c writes it, without its closing "\n}". */
	text = serialized(document, &len);
	while (len > 0 && text[len - 1] != '}')
		len--;
	if (len > 0)
		len--;
	while (len > 0 && text[len - 1] == '\n')
		len--;
	stream_write(s, text, len);
	jc.put(document);
	s->depth = 1;
	if (object_key != NULL) {
		stream_member(s, 1, object_key, ":{", false);
		s->depth = 2;
	}
	stream_member(s, s->depth, key, ":[\n", object_key != NULL);
	return s;
}

struct json_stream *json_stream_begin(struct json_object *document, const char *key, FILE *out)
{
	return stream_open(document, NULL, key, out);
}

struct json_stream *json_stream_begin_in(struct json_object *document, const char *object_key,
					 const char *key, FILE *out)
{
	return stream_open(document, object_key, key, out);
}

/* json-c's layout of a closing bracket, empty array or not. */
static void stream_close_array(struct json_stream *s)
{
	if (s->count > 0)
		stream_write(s, "\n", 1);
	stream_indent(s, s->depth);
	stream_write(s, "]", 1);
}

void json_stream_next(struct json_stream *s, const char *key)
{
	stream_close_array(s);
	stream_member(s, s->depth, key, ":[\n", false);
	s->count = 0;
}

void json_stream_append(struct json_stream *s, struct json_object *element)
{
	const size_t indent = 2 * (s->depth + 1);
	size_t len, need, k = 0;
	const char *text = serialized(element, &len);
	const char *end = text + len;
	char *buf;

	/* Indented to its depth: every newline json-c wrote is between
	 * tokens (a newline inside a string is written as \n). */
	need = 2 + indent + len;	/* ",\n" and the first line's indent */
	for (const char *p = text; (p = memchr(p, '\n', (size_t)(end - p))) != NULL; p++)
		need += indent;
	buf = stream_reserve(s, need);
	if (s->count > 0) {
		buf[k++] = ',';
		buf[k++] = '\n';
	}
	for (const char *p = text; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t line = (nl != NULL ? (size_t)(nl - p) + 1 : (size_t)(end - p));

		memcpy(buf + k, STREAM_INDENT, indent);
		k += indent;
		memcpy(buf + k, p, line);
		k += line;
		p += line;
	}
	stream_commit(s, k);
	jc.put(element);
	s->count++;
}

/* The text around e's values for an element of an array at depth. */
static void entry_lay_out(struct json_entry *e, unsigned depth)
{
	const size_t indent = 2 * (depth + 1), member_indent = indent + 2;
	size_t size = indent + 1 + 1 + indent + 1, k = 0;

	for (size_t i = 0; i < e->count; i++)
		size += 2 + member_indent + e->key_lens[i] + 1;
	free(e->layout);
	e->layout = malloc(size);
	if (e->layout == NULL) {
		tool_log(LOG_CRIT, "out of memory writing the JSON output");
		exit(1);
	}
	memcpy(e->layout, STREAM_INDENT, indent);
	k = indent;
	e->layout[k++] = '{';
	for (size_t i = 0; i < e->count; i++) {
		if (i > 0)
			e->layout[k++] = ',';
		e->layout[k++] = '\n';
		memcpy(e->layout + k, STREAM_INDENT, member_indent);
		k += member_indent;
		memcpy(e->layout + k, e->keys[i], e->key_lens[i]);
		k += e->key_lens[i];
		e->layout[k++] = ':';
		e->value_at[i] = k;
	}
	e->layout[k++] = '\n';
	memcpy(e->layout + k, STREAM_INDENT, indent);
	k += indent;
	e->layout[k++] = '}';
	e->layout_len = k;
	e->laid_out_for = depth + 1;
}

/* The text json_stream_append would write for an object of these string
 * members: json-c writes each key and each value; around them, the
 * layout json-c gives an object, at the element's depth. */
void json_stream_append_entry(struct json_stream *s, struct json_entry *e)
{
	const char *values[ENTRY_MAX_MEMBERS];
	size_t value_lens[ENTRY_MAX_MEMBERS];
	size_t need = 2 + e->layout_len, k = 0, from = 0;
	char *buf;

	if (e->laid_out_for != s->depth + 1) {
		entry_lay_out(e, s->depth);
		need = 2 + e->layout_len;
	}
	for (size_t i = 0; i < e->count; i++) {
		values[i] = serialized(e->values[i], &value_lens[i]);
		need += value_lens[i];
	}
	buf = stream_reserve(s, need);
	if (s->count > 0) {
		buf[k++] = ',';
		buf[k++] = '\n';
	}
	for (size_t i = 0; i < e->count; i++) {
		size_t upto = e->value_at[i];

		memcpy(buf + k, e->layout + from, upto - from);
		k += upto - from;
		from = upto;
		memcpy(buf + k, values[i], value_lens[i]);
		k += value_lens[i];
	}
	memcpy(buf + k, e->layout + from, e->layout_len - from);
	k += e->layout_len - from;
	stream_commit(s, k);
	s->count++;
}

int json_stream_end(struct json_stream *s)
{
	int r;

	stream_close_array(s);
	for (unsigned d = s->depth; d > 0; d--) {
		stream_write(s, "\n", 1);
		stream_indent(s, d - 1);
		stream_write(s, "}", 1);
	}
	stream_write(s, "\n", 1);
	stream_flush(s);
	if (s->error == 0 && fflush(s->out) != 0)
		s->error = errno != 0 ? -errno : -EIO;
	r = s->error;
	free(s->pending);
	free(s);
	return r;
}

/* ---------------------------------------------------------------- reused entries */

struct json_entry *json_entry_new(const char *const *keys, size_t count)
{
	struct json_entry *e = calloc(1, sizeof(*e));

	if (e == NULL || count == 0 || count > ENTRY_MAX_MEMBERS) {
		tool_log(LOG_CRIT, "out of memory building the JSON output");
		exit(1);
	}
	e->count = count;
	for (size_t i = 0; i < count; i++) {
		struct json_object *key = must(new_string(keys[i], strlen(keys[i])));
		const char *text = serialized(key, &e->key_lens[i]);

		e->keys[i] = strndup(text, e->key_lens[i]);
		jc.put(key);
		if (e->keys[i] == NULL) {
			tool_log(LOG_CRIT, "out of memory building the JSON output");
			exit(1);
		}
		e->values[i] = must(jc.new_string_len("", 0));
	}
	return e;
}

void json_entry_set(struct json_entry *e, size_t i, const char *value)
{
	size_t len = strlen(value);
	const char *text = value;

	if (len > INT_MAX) {
		tool_log(LOG_CRIT, "a string too long for the JSON output");
		exit(1);
	}
	if (!well_formed_utf8((const unsigned char *)value, len))
		text = escaped(value, len, &e->shown, &e->shown_size, &len);
	if (jc.set_string_len(e->values[i], text, (int)len) != 1) {
		tool_log(LOG_CRIT, "out of memory building the JSON output");
		exit(1);
	}
}

void json_entry_free(struct json_entry *e)
{
	if (e == NULL)
		return;
	for (size_t i = 0; i < e->count; i++) {
		jc.put(e->values[i]);
		free(e->keys[i]);
	}
	free(e->layout);
	free(e->shown);
	free(e);
}

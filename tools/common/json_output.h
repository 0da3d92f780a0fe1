/* SPDX-License-Identifier: GPL-2.0-or-later */
/* --json: every tool's machine-readable output, one document per run,
 * built and written by json-c (libjson-c.so.5). The library is opened on
 * the first --json of a run and never otherwise, so a run without --json
 * maps nothing of it.
 *
 * Every document is an object that starts with
 *     "schema_version": 1, "command": "<tool or kmod command>"
 * and then the command's own members; pmod-json(7) describes them all.
 * A member that does not apply is left out rather than given null; lists
 * are arrays even when they hold one element.
 *
 * Strings are JSON strings of the text the tools print: a string that is
 * not well-formed UTF-8 (a module's field is anyone's bytes) is given with
 * its malformed bytes as the four characters \xNN, the way the tools show
 * them on a terminal; control characters are JSON's own escapes. */
#ifndef PMOD_JSON_OUTPUT_H
#define PMOD_JSON_OUTPUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* json-c's value; the tools never look inside. */
struct json_object;

#define JSON_SCHEMA_VERSION 1

/* Loads json-c. On failure prints why (naming the library) through
 * tool_log and returns false: the caller exits 1 before any output. */
bool json_output_load(void);

/* A new document: {"schema_version": 1, "command": command}. */
struct json_object *json_document(const char *command);
struct json_object *json_new_object(void);
struct json_object *json_new_array(void);

/* Members of an object, kept in the order added. A NULL string value
 * adds nothing. */
void json_add_string(struct json_object *obj, const char *key, const char *value);
/* The first len bytes of value (which may hold NULs or lack one). */
void json_add_string_len(struct json_object *obj, const char *key, const char *value,
			 size_t len);
void json_add_int(struct json_object *obj, const char *key, int64_t value);
void json_add_bool(struct json_object *obj, const char *key, bool value);
/* Hands child to obj (NULL adds nothing). */
void json_add(struct json_object *obj, const char *key, struct json_object *child);

/* Elements of an array. */
void json_append(struct json_object *array, struct json_object *child);
void json_append_string(struct json_object *array, const char *value);
void json_append_string_len(struct json_object *array, const char *value, size_t len);

/* Writes the document to out (pretty-printed, one newline after) and
 * frees it. Returns 0, or -errno when writing failed. */
int json_print(struct json_object *document, FILE *out);

/* A document too big to hold whole (modinfo over a kernel tree holds a
 * quarter of a million strings): its members so far, then one last
 * member, an array whose elements are written one at a time as each is
 * complete, and freed. The text is the one json_print would write for
 * the whole document. json-c has no writer of its own for this: it still
 * writes every value, the stream adds only the brackets and commas
 * between them. */
struct json_stream;
/* Writes document's members and opens its array member key; takes
 * document. */
struct json_stream *json_stream_begin(struct json_object *document, const char *key, FILE *out);
/* The same with the array one level down: document's members, then a
 * last member object_key, an object whose first member is the array key
 * (modprobe -c's indexes). */
struct json_stream *json_stream_begin_in(struct json_object *document, const char *object_key,
					 const char *key, FILE *out);
/* Closes the array being written and opens the next member beside it,
 * an array key. */
void json_stream_next(struct json_stream *stream, const char *key);
/* Writes element and frees it. */
void json_stream_append(struct json_stream *stream, struct json_object *element);
/* An object of string members whose values change in place, written
 * once per element of a long array of objects of one shape (modprobe
 * -c's 40,000 index entries): a new object per element would cost json-c
 * an object, its hash table and a copy of each string. The text written
 * is the one an object built anew would give. */
struct json_entry;
/* An entry whose members are keys[0..count) (at most 4), in that
 * order, each "" until set. */
struct json_entry *json_entry_new(const char *const *keys, size_t count);
/* Member i's value from now on (shown as json_add_string shows it). */
void json_entry_set(struct json_entry *entry, size_t i, const char *value);
/* Writes the entry as it stands; it stays the caller's. */
void json_stream_append_entry(struct json_stream *stream, struct json_entry *entry);
void json_entry_free(struct json_entry *entry);
/* Closes the array, any object around it and the document, and frees
 * the stream. 0, or -errno
 * when any of the writing failed. */
int json_stream_end(struct json_stream *stream);

#endif

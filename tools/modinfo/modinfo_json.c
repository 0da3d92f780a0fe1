// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "json_output.h"
#include "modinfo_json.h"
#include "tool_output.h"

/* A module file recorded for --verify: its path and its object, which the
 * verdict is added to once every file has been judged. */
struct recorded_file {
	char *path;
	struct json_object *module;
};

struct modinfo_json {
	const char *field;
	const char *argument;
	/* Without --verify each record is written as soon as it is made, so
	 * a whole-tree run never holds more than one; with it, the records
	 * wait in modules for their verdicts. */
	struct json_stream *stream;
	struct json_object *document;
	struct json_object *modules;
	struct recorded_file *files;
	const char **paths;		/* files[i].path, for pmod_verify_files */
	size_t nfiles, cap;
};

static void out_of_memory(void)
{
	tool_log(LOG_CRIT, "out of memory building the JSON output");
	exit(EXIT_FAILURE);
}

struct modinfo_json *modinfo_json_new(const char *field, bool verify, FILE *out)
{
	struct modinfo_json *j;

	if (!json_output_load())
		return NULL;
	j = calloc(1, sizeof(*j));
	if (j == NULL)
		out_of_memory();
	j->field = field;
	j->document = json_document("modinfo");
	if (!verify) {
		j->stream = json_stream_begin(j->document, "modules", out);
		j->document = NULL;
		return j;
	}
	j->modules = json_new_array();
	json_add(j->document, "modules", j->modules);
	return j;
}

void modinfo_json_set_argument(struct modinfo_json *j, const char *argument)
{
	j->argument = argument;
}

static bool wants(const struct modinfo_json *j, const char *key)
{
	return j->field == NULL || strcmp(j->field, key) == 0;
}

static bool key_is(const struct pmod_modinfo *e, const char *key)
{
	return e->key_len == strlen(key) && memcmp(e->key, key, e->key_len) == 0;
}

static bool is_signature_key(const char *key)
{
	static const char *const keys[] = {
		"sig_id", "signer", "sig_key", "sig_hashalgo", "signature",
	};

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (strcmp(key, keys[i]) == 0)
			return true;
	return false;
}

/* The text output's hex (uppercase pairs joined by ':') without the line
 * breaks it puts after every 20 bytes: those are layout, not value. */
static void add_hex(struct json_object *obj, const char *key, const unsigned char *b, size_t n)
{
	static const char digits[] = "0123456789ABCDEF";
	char *s = malloc(3 * n + 1);
	size_t k = 0;

	if (s == NULL)
		out_of_memory();
	for (size_t i = 0; i < n; i++) {
		s[k++] = digits[b[i] >> 4];
		s[k++] = digits[b[i] & 15];
		if (i + 1 < n)
			s[k++] = ':';
	}
	json_add_string_len(obj, key, s, k);
	free(s);
}

/* Every .modinfo entry in file order (parm and parmtype too: they are
 * entries like any other), or with -F the entries of that key. */
static struct json_object *fields(const struct modinfo_json *j, const struct pmod_modinfo *e,
				  size_t n)
{
	struct json_object *list = json_new_array();

	for (size_t i = 0; i < n; i++) {
		struct json_object *f;

		if (j->field != NULL && !key_is(&e[i], j->field))
			continue;
		f = json_new_object();
		json_add_string_len(f, "key", e[i].key, e[i].key_len);
		json_add_string(f, "value", e[i].value);
		json_append(list, f);
	}
	return list;
}

/* parm and parmtype merged per parameter, in the text output's order. */
static struct json_object *parameters(const struct pmod_modinfo *e, size_t n)
{
	struct json_object *list = json_new_array();
	struct pmod_param *params;
	size_t count;

	if (pmod_params_from_modinfo(e, n, &params, &count, NULL) < 0)
		out_of_memory();
	for (size_t i = 0; i < count; i++) {
		struct json_object *p = json_new_object();

		json_add_string_len(p, "name", params[i].name, params[i].name_len);
		json_add_string_len(p, "description", params[i].desc, params[i].desc_len);
		json_add_string_len(p, "type", params[i].type, params[i].type_len);
		json_append(list, p);
	}
	pmod_free(params);
	return list;
}

/* The signature lines of the text output, under their keys, with the
 * same members present; NULL when -F leaves none. */
static struct json_object *signature(const struct modinfo_json *j,
				     const struct pmod_signature *sig)
{
	const struct pmod_signer *who = &sig->signer;
	bool has_key = who->key_id_len > 0, has_sig = sig->sig_len > 0;
	struct json_object *s;

	if (j->field != NULL && ((strcmp(j->field, "sig_key") == 0 && !has_key) ||
				 (strcmp(j->field, "signature") == 0 && !has_sig)))
		return NULL;
	s = json_new_object();
	if (wants(j, "sig_id"))
		json_add_string(s, "sig_id", sig->id_type_name);
	if (wants(j, "signer"))
		json_add_string_len(s, "signer", who->name, strnlen(who->name, who->name_len));
	if (has_key && wants(j, "sig_key"))
		add_hex(s, "sig_key", who->key_id, who->key_id_len);
	if (wants(j, "sig_hashalgo"))
		json_add_string(s, "sig_hashalgo", who->hash_algo[0] ? who->hash_algo : "unknown");
	if (has_sig && wants(j, "signature"))
		add_hex(s, "signature", sig->sig, sig->sig_len);
	return s;
}

/* The name the text output's name: line shows: a built-in module's own,
 * else the file's first name= entry. */
static void add_name(struct json_object *m, const char *builtin_name,
		     const struct pmod_modinfo *e, size_t n)
{
	if (builtin_name != NULL) {
		json_add_string(m, "name", builtin_name);
		return;
	}
	for (size_t i = 0; i < n; i++)
		if (key_is(&e[i], "name")) {
			json_add_string(m, "name", e[i].value);
			return;
		}
}

static void remember_file(struct modinfo_json *j, const char *path, struct json_object *m)
{
	if (j->nfiles == j->cap) {
		size_t cap = j->cap ? j->cap * 2 : 64;
		struct recorded_file *f = realloc(j->files, cap * sizeof(*f));
		const char **p = realloc(j->paths, cap * sizeof(*p));

		if (f != NULL)
			j->files = f;
		if (p != NULL)
			j->paths = p;
		if (f == NULL || p == NULL)
			out_of_memory();
		j->cap = cap;
	}
	j->files[j->nfiles].path = strdup(path);
	if (j->files[j->nfiles].path == NULL)
		out_of_memory();
	j->files[j->nfiles].module = m;
	j->paths[j->nfiles] = j->files[j->nfiles].path;
	j->nfiles++;
}

void modinfo_json_record(struct modinfo_json *j, const char *name, const char *filename,
			 const struct pmod_modinfo *e, size_t n, const struct pmod_signature *sig)
{
	struct json_object *m = json_new_object();
	bool all = j->field == NULL;

	add_name(m, name, e, n);
	json_add_string(m, "filename", filename);
	json_add_bool(m, "builtin", name != NULL);
	json_add_string(m, "argument", j->argument);
	if (all || (strcmp(j->field, "filename") != 0 && strcmp(j->field, "parm") != 0 &&
		    !is_signature_key(j->field)))
		json_add(m, "fields", fields(j, e, n));
	if (sig != NULL && (all || is_signature_key(j->field)))
		json_add(m, "signature", signature(j, sig));
	if (all || strcmp(j->field, "parm") == 0)
		json_add(m, "parameters", parameters(e, n));
	if (j->stream != NULL) {
		json_stream_append(j->stream, m);
		return;
	}
	json_append(j->modules, m);
	if (name == NULL)
		remember_file(j, filename, m);
}

size_t modinfo_json_files(const struct modinfo_json *j, const char *const **paths)
{
	*paths = j->paths;
	return j->nfiles;
}

/* The members of the --verify line, present under the same verdicts. */
void modinfo_json_verdict(struct modinfo_json *j, size_t i, const struct pmod_verify_result *res)
{
	static const char digits[] = "0123456789abcdef";
	struct json_object *v = json_new_object();
	enum pmod_verdict verdict = res->verdict;

	json_add_string(v, "verdict", pmod_verdict_name(verdict));
	if (verdict == PMOD_VERDICT_VALID || verdict == PMOD_VERDICT_UNTRUSTED ||
	    verdict == PMOD_VERDICT_BAD_SIGNATURE) {
		const struct pmod_signer *who = &res->signer;
		char key[2 * PMOD_SIGNER_KEY_ID_MAX];

		json_add_string_len(v, "signer", who->name, who->name_len);
		for (size_t k = 0; k < who->key_id_len; k++) {
			key[2 * k] = digits[who->key_id[k] >> 4];
			key[2 * k + 1] = digits[who->key_id[k] & 15];
		}
		json_add_string_len(v, "key", key, 2 * who->key_id_len);
		json_add_string(v, "hash", who->hash_algo[0] ? who->hash_algo : "unknown");
		json_add_bool(v, "weak_hash", who->weak_hash);
	}
	json_add_string(v, "certificate", res->certificate);
	if (verdict == PMOD_VERDICT_BAD_SIGNATURE || verdict == PMOD_VERDICT_MALFORMED)
		json_add_string(v, "reason", res->reason);
	json_add(j->files[i].module, "verification", v);
}

int modinfo_json_finish(struct modinfo_json *j, FILE *out)
{
	int r = j->stream != NULL ? json_stream_end(j->stream) : json_print(j->document, out);

	for (size_t i = 0; i < j->nfiles; i++)
		free(j->files[i].path);
	free(j->files);
	free(j->paths);
	free(j);
	return r;
}

// SPDX-License-Identifier: GPL-2.0-or-later
/* kmod audit: one answer to "what is in this kernel, and how did it get
 * there": every loaded module with its taint, the file the module
 * directory names for it, that file's signature verdict now, and who
 * loaded it under which policy, as this boot's journal has it. libpmod
 * gathers all of it (pmod_audit); this prints it as a table for people or
 * as JSON (pmod-json(7)). What cannot be known (no journal, no file)
 * says "unknown" in the table and is left out of the JSON: the audit
 * never fails for want of one answer. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "json_output.h"
#include "kmod_commands.h"
#include "loaded_module_json.h"
#include "pmod.h"
#include "tool_output.h"

struct audit_options {
	bool json;
	bool refusals;
	const char *root;
	const char *release;
};

static void usage(void)
{
	printf("Usage:\n"
	       "\tkmod audit [options]\n"
	       "\n"
	       "Lists every loaded module with its taint, the file the module directory\n"
	       "names for it, that file's signature verdict now, and who loaded it under\n"
	       "which policy, as this boot's journal recorded it.\n"
	       "\n"
	       "Options:\n"
	       "\t-r, --refusals    also list every load refused since boot\n"
	       "\t    --json        print a JSON document (pmod-json(7))\n"
	       "\t    --root=DIR    take the module directory and trust store under DIR\n"
	       "\t-k, --set-version=RELEASE  the module directory of RELEASE, not of the\n"
	       "\t                  running kernel (the modules listed are still the\n"
	       "\t                  running kernel's)\n"
	       "\t-h, --help        show this help\n");
}

/* 0: go on; 1: done (-h); -1: a usage error, already said. */
static int parse_args(int argc, char *argv[], struct audit_options *o)
{
	static const struct option longopts[] = {
		{ "refusals", no_argument, NULL, 'r' },
		{ "json", no_argument, NULL, 'J' },
		{ "root", required_argument, NULL, 'R' },
		{ "set-version", required_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "rk:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'r': o->refusals = true; break;
		case 'J': o->json = true; break;
		case 'R': o->root = optarg; break;
		case 'k': o->release = optarg; break;
		case 'h':
			usage();
			return 1;
		default:
			fputs("kmod audit: see kmod audit --help\n", stderr);
			return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "kmod audit: unexpected argument '%s'\n", argv[optind]);
		return -1;
	}
	return 0;
}

/* ---------------------------------------------------------------- shared */

static void key_id_hex(const struct pmod_signer *s, char *buf, size_t size)
{
	static const char digits[] = "0123456789abcdef";
	size_t at = 0;

	for (size_t i = 0; i < s->key_id_len && at + 3 <= size; i++) {
		buf[at++] = digits[s->key_id[i] >> 4];
		buf[at++] = digits[s->key_id[i] & 15];
	}
	buf[at] = '\0';
}

static bool names_signer(enum pmod_verdict v)
{
	return v == PMOD_VERDICT_VALID || v == PMOD_VERDICT_UNTRUSTED ||
	       v == PMOD_VERDICT_BAD_SIGNATURE;
}

/* "2026-12-05T10:11:12Z" (UTC, to the second). */
static void iso_time(uint64_t usec, char buf[32])
{
	time_t t = (time_t)(usec / 1000000);
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL || strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(buf, 32, "%" PRIu64, usec);
}

/* A decimal a record carries, or -1 when it is none. */
static long long decimal(const char *s)
{
	char *end;
	long long v;

	if (s == NULL || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	return errno != 0 || *end != '\0' ? -1 : v;
}

/* ---------------------------------------------------------------- JSON */

static struct json_object *json_signature(const struct pmod_audit_module *m)
{
	struct json_object *sig = json_new_object();
	const struct pmod_verify_result *v = &m->verdict;

	if (m->verify_error < 0) {
		json_add_string(sig, "verdict", "unknown");
		json_add_string(sig, "reason", v->reason);
		return sig;
	}
	json_add_string(sig, "verdict", pmod_verdict_name(v->verdict));
	if (names_signer(v->verdict)) {
		char hex[2 * PMOD_SIGNER_KEY_ID_MAX + 1];

		key_id_hex(&v->signer, hex, sizeof(hex));
		json_add_string(sig, "signer", v->signer.name);
		json_add_string(sig, "key_id", hex);
		if (v->signer.hash_algo[0] != '\0')
			json_add_string(sig, "hash", v->signer.hash_algo);
		if (v->signer.weak_hash)
			json_add_bool(sig, "weak_hash", true);
	}
	json_add_string(sig, "certificate", v->certificate);
	if (v->verdict == PMOD_VERDICT_BAD_SIGNATURE || v->verdict == PMOD_VERDICT_MALFORMED)
		json_add_string(sig, "reason", v->reason);
	return sig;
}

static struct json_object *json_record(const struct pmod_journal_record *r)
{
	struct json_object *o = json_new_object();
	char when[32];
	long long n;

	if (r->realtime_usec != 0) {
		iso_time(r->realtime_usec, when);
		json_add_string(o, "time", when);
	}
	json_add_string(o, "module", r->module);
	json_add_string(o, "request", r->request);
	json_add_string(o, "command", r->comm);
	json_add_string(o, "identifier", r->identifier);
	if ((n = decimal(r->pid)) >= 0)
		json_add_int(o, "pid", n);
	if ((n = decimal(r->uid)) >= 0)
		json_add_int(o, "uid", n);
	json_add_string(o, "parent", r->parent);
	if (r->demand != NULL)
		json_add_bool(o, "demand", strcmp(r->demand, "yes") == 0);
	json_add_string(o, "path", r->path);
	json_add_string(o, "signature", r->signature);
	json_add_string(o, "signer", r->signer);
	json_add_string(o, "key_id", r->key_id);
	json_add_string(o, "signing_policy", r->signing_policy);
	json_add_string(o, "autoload_policy", r->autoload_policy);
	json_add_string(o, "policy_source", r->policy_source);
	json_add_string(o, "rule", r->rule);
	json_add_string(o, "result", r->result);
	return o;
}

static int print_json(struct pmod_ctx *ctx, const struct pmod_audit *a, bool refusals)
{
	struct json_object *doc = json_document("kmod audit"), *list = json_new_array();
	struct json_object *journal = json_new_object();

	json_add_string(doc, "kernel_release", pmod_ctx_kernel_release(ctx));
	json_add_string(doc, "module_directory", pmod_ctx_module_dir(ctx));
	json_add_bool(journal, "read", a->journal_error == 0);
	if (a->journal_error < 0)
		json_add_string(journal, "reason", a->journal_problem);
	json_add(doc, "journal", journal);
	for (size_t i = 0; i < a->count; i++) {
		const struct pmod_audit_module *m = &a->modules[i];
		struct json_object *o = json_new_object();

		json_add_loaded_module(o, &m->loaded);
		json_add_string(o, "file", m->path);
		if (m->builtin)
			json_add_bool(o, "builtin", true);
		json_add(o, "signature", json_signature(m));
		if (m->last_load != NULL)
			json_add(o, "loaded_by", json_record(m->last_load));
		json_append(list, o);
	}
	json_add(doc, "modules", list);
	if (refusals) {
		struct json_object *refused = json_new_array();

		for (size_t i = 0; i < a->nrefusals; i++)
			json_append(refused, json_record(&a->refusals[i]));
		json_add(doc, "refusals", refused);
	}
	return json_print(doc, stdout);
}

/* ---------------------------------------------------------------- table */

enum column { COL_MODULE, COL_TAINT, COL_SIGNATURE, COL_LOADED_BY, COL_PARENT, COL_POLICY,
	      COL_FILE, NCOLUMNS };
static const char *const headings[NCOLUMNS] = {
	"Module", "Taint", "Signature", "Loaded by", "Parent", "Policy", "File",
};

/* A cell: the text as a terminal may show it (pmod_escape: a newline or
 * an escape sequence in a journal field or a file name cannot reach the
 * terminal), malloc'ed. */
static char *cell(const char *text)
{
	size_t need = pmod_escape(text, 0, 0, NULL, 0) + 1;
	char *c = malloc(need);

	if (c == NULL) {
		tool_log(LOG_CRIT, "out of memory");
		exit(EXIT_FAILURE);
	}
	pmod_escape(text, 0, 0, c, need);
	return c;
}

/* "SIGNING/AUTOLOAD". */
static char *policy_cell(const char *signing, const char *autoload)
{
	char buf[512];

	snprintf(buf, sizeof(buf), "%s/%s", signing ? signing : "?", autoload ? autoload : "?");
	return cell(buf);
}

/* The last column is not padded: no trailing blanks. */
static void put_cell(int column, size_t width, const char *text)
{
	if (column + 1 < NCOLUMNS)
		printf("%-*s  ", (int)width, text);
	else
		printf("%s\n", text);
}

static void fill_row(const struct pmod_audit_module *m, char *row[NCOLUMNS])
{
	const struct pmod_journal_record *r = m->last_load;
	bool demand = r != NULL && r->demand != NULL && strcmp(r->demand, "yes") == 0;

	row[COL_MODULE] = cell(m->loaded.name);
	row[COL_TAINT] = cell(m->loaded.taint[0] != '\0' ? m->loaded.taint : "-");
	row[COL_SIGNATURE] = cell(m->verify_error < 0 ? "unknown"
				  : pmod_verdict_name(m->verdict.verdict));
	if (r == NULL) {
		row[COL_LOADED_BY] = cell("unknown");
		row[COL_PARENT] = cell("unknown");
		row[COL_POLICY] = cell("unknown");
	} else {
		char who[160];

		/* Without the journal's _COMM (the sender had exited), the
		 * name it gave itself, marked as such. */
		snprintf(who, sizeof(who), "%s%s[%s] uid=%s%s",
			 r->comm ? r->comm : r->identifier ? r->identifier : "?",
			 r->comm == NULL && r->identifier != NULL ? "(says)" : "",
			 r->pid ? r->pid : "?", r->uid ? r->uid : "?", demand ? " demand" : "");
		row[COL_LOADED_BY] = cell(who);
		row[COL_PARENT] = cell(r->parent ? r->parent : "-");
		row[COL_POLICY] = policy_cell(r->signing_policy, r->autoload_policy);
	}
	row[COL_FILE] = cell(m->path != NULL ? m->path : m->builtin ? "(built in)" : "unknown");
}

static void print_table(const struct pmod_audit *a, bool refusals)
{
	size_t width[NCOLUMNS];
	char *(*rows)[NCOLUMNS] = calloc(a->count + 1, sizeof(*rows));

	if (rows == NULL) {
		tool_log(LOG_CRIT, "out of memory");
		exit(EXIT_FAILURE);
	}
	for (int c = 0; c < NCOLUMNS; c++)
		width[c] = strlen(headings[c]);
	for (size_t i = 0; i < a->count; i++) {
		fill_row(&a->modules[i], rows[i]);
		for (int c = 0; c < NCOLUMNS; c++)
			if (strlen(rows[i][c]) > width[c])
				width[c] = strlen(rows[i][c]);
	}
	for (int c = 0; c < NCOLUMNS; c++)
		put_cell(c, width[c], headings[c]);
	for (size_t i = 0; i < a->count; i++) {
		for (int c = 0; c < NCOLUMNS; c++) {
			put_cell(c, width[c], rows[i][c]);
			free(rows[i][c]);
		}
	}
	free(rows);
	if (a->journal_error < 0)
		printf("\nLoaded by, Parent, Policy: unknown: %s\n", a->journal_problem);
	if (!refusals)
		return;
	if (a->journal_error < 0) {
		printf("\nRefused since boot: unknown\n");
		return;
	}
	printf("\nRefused since boot: %zu\n", a->nrefusals);
	for (size_t i = 0; i < a->nrefusals; i++) {
		const struct pmod_journal_record *r = &a->refusals[i];
		char when[32], line[1024];
		char *shown;

		iso_time(r->realtime_usec, when);
		snprintf(line, sizeof(line), "%s %s (asked: %s) by %s[%s] parent=%s: %s", when,
			 r->module ? r->module : "?", r->request ? r->request : "?",
			 r->comm ? r->comm : "?", r->pid ? r->pid : "?", r->parent ? r->parent : "-",
			 r->rule ? r->rule : "?");
		shown = cell(line);
		printf("  %s\n", shown);
		free(shown);
	}
}

int audit_main(int argc, char *argv[])
{
	struct audit_options o = { 0 };
	struct pmod_ctx_options copts = { .size = sizeof(copts) };
	struct pmod_error err = { 0 };
	struct pmod_audit *a = NULL;
	struct pmod_ctx *ctx;
	int r;

	tool_output_init("kmod audit", LOG_ERR);
	r = parse_args(argc, argv, &o);
	if (r != 0)
		return r > 0 ? EXIT_SUCCESS : EXIT_FAILURE;
	if (o.json && !json_output_load())
		return EXIT_FAILURE;
	copts.root = o.root;
	copts.kernel_release = o.release;
	r = pmod_ctx_new(&copts, &ctx);
	if (r < 0) {
		tool_log(LOG_ERR, "cannot set up: %s", strerror(-r));
		return EXIT_FAILURE;
	}
	tool_output_attach(ctx);
	r = pmod_audit(ctx, o.refusals ? PMOD_AUDIT_REFUSALS : 0, &a, &err);
	if (r < 0) {
		tool_log(LOG_ERR, "cannot audit the loaded modules: %s", err.text);
		pmod_ctx_free(ctx);
		return EXIT_FAILURE;
	}
	if (o.json)
		r = print_json(ctx, a, o.refusals);
	else
		print_table(a, o.refusals);
	/* The verdicts name trust-store files the context owns. */
	pmod_audit_free(a);
	pmod_ctx_free(ctx);
	if (r < 0 || fflush(stdout) != 0 || ferror(stdout)) {
		tool_log(LOG_ERR, "writing output: %s", strerror(r < 0 ? -r : errno));
		return EXIT_FAILURE;
	}
	return EXIT_SUCCESS;
}

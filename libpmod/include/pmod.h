/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libpmod: the Peios kernel-module library.
 *
 * Conventions
 *  - Functions return 0 (or a count) on success and a negative errno on
 *    failure. Where a failure can have many causes (a malformed module file,
 *    a corrupt index), they also fill an optional struct pmod_error with one
 *    sentence saying exactly what is wrong; the caller adds the file name.
 *  - The library never prints and never exits. Diagnostics that are not the
 *    result of a call go through the context's log function.
 *  - Every object has one owner. Pointers returned by a getter belong to the
 *    object they were read from and stay valid until it is freed.
 *  - Nothing read from a file is trusted: every offset, size, count and
 *    string terminator is checked before use.
 *  - Options structs (pmod_ctx_options, pmod_config_options,
 *    pmod_depmod_options) begin with `size_t size`, which the caller sets
 *    to sizeof the struct; everything it does not set should be zero, as
 *    with `struct pmod_ctx_options o = { .size = sizeof(o) };`. So they
 *    can grow without breaking programs built against an older pmod.h:
 *    fields are only added past the end of the previous version (its
 *    sizeof), a smaller size leaves the newer fields at their zero
 *    defaults, and a larger size than the library knows is refused with
 *    -E2BIG unless every byte it does not know is zero. A size too small
 *    to hold the size member itself is -EINVAL.
 */
#ifndef PMOD_H
#define PMOD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------- errors */

struct pmod_error {
	int code;		/* the negative errno also returned */
	char text[256];		/* one sentence, no file name, no newline */
};

/* ---------------------------------------------------------------- context */

struct pmod_ctx;

struct pmod_ctx_options {
	size_t size;		/* sizeof(struct pmod_ctx_options) */
	/* Every file is taken under this directory instead of "/" (--root).
	 * NULL or "" means "/". /proc and /sys are never moved. */
	const char *root;
	/* kmod's -b: prefix of the module directory only. Relative paths are
	 * made absolute against the working directory. */
	const char *basedir;
	/* kmod's -k/-S; NULL means the running kernel (uname -r). */
	const char *kernel_release;
	/* depmod's -m: the directory holding one tree per release, instead of
	 * the build's (/lib/modules); always taken relative to the base. */
	const char *module_directory;
	/* The module directory itself (libkmod's dirname), used exactly as
	 * given: made absolute against the working directory when relative,
	 * never put under the root. basedir and module_directory are then
	 * not used. NULL builds it from the fields above. */
	const char *module_dir;
};

/* Log priorities are syslog's (LOG_ERR, LOG_WARNING, ...). */
typedef void (*pmod_log_fn)(void *data, int priority, const char *message);

/* opts NULL means every default. -EINVAL or -E2BIG for an options size
 * this library cannot take (see the conventions above). */
int pmod_ctx_new(const struct pmod_ctx_options *opts, struct pmod_ctx **ctx);
void pmod_ctx_free(struct pmod_ctx *ctx);
void pmod_ctx_set_log_fn(struct pmod_ctx *ctx, pmod_log_fn fn, void *data);
/* Messages less important than this are not passed on (default LOG_ERR). */
void pmod_ctx_set_log_priority(struct pmod_ctx *ctx, int priority);
/* The directory holding modules.dep etc.: ROOT BASEDIR MODDIR/RELEASE. */
const char *pmod_ctx_module_dir(const struct pmod_ctx *ctx);
const char *pmod_ctx_kernel_release(const struct pmod_ctx *ctx);
/* The directory every file is taken under ("" for "/"). */
const char *pmod_ctx_root(const struct pmod_ctx *ctx);

/* Frees a plain buffer the library returned (where a call says "free with
 * pmod_free"): never free() it yourself. NULL is fine. */
void pmod_free(void *ptr);

/* ---------------------------------------------------------------- names */

/* A module's name from a name or path: the basename, cut at its first '.',
 * with every '-' made '_' ("snd-hda-intel.ko.zst" -> "snd_hda_intel").
 * Returns the length, or -ENAMETOOLONG if it does not fit in buf. */
int pmod_module_name(const char *name_or_path, char *buf, size_t size);

/* An alias normalised for lookup: '-' made '_' except inside [...].
 * -EINVAL for an unbalanced bracket, -ENAMETOOLONG if buf is too small. */
int pmod_alias_normalize(const char *alias, char *buf, size_t size);

/* True when the name ends in .ko, .ko.gz, .ko.xz or .ko.zst. */
bool pmod_path_has_module_extension(const char *path);

/* ---------------------------------------------------------------- module image */

enum pmod_compression {
	PMOD_COMPRESSION_NONE = 0,
	PMOD_COMPRESSION_GZIP,
	PMOD_COMPRESSION_XZ,
	PMOD_COMPRESSION_ZSTD,
};

/* A module file read into memory: decompressed if it was compressed (the
 * format is recognised by its magic bytes, not its name), with its ELF
 * headers checked. Parts (modinfo, symbols, signature) are parsed on first
 * use, so a caller pays only for what it asks for. */
struct pmod_image;

int pmod_image_open(struct pmod_ctx *ctx, const char *path,
		    struct pmod_image **image, struct pmod_error *err);
/* The same from memory, for callers that already hold the bytes (the data
 * is copied only if it must be decompressed; otherwise it must outlive the
 * image). */
int pmod_image_new_from_memory(struct pmod_ctx *ctx, const void *data, size_t size,
			       struct pmod_image **image, struct pmod_error *err);
void pmod_image_free(struct pmod_image *image);

/* The path as given to pmod_image_open (NULL from memory). */
const char *pmod_image_path(const struct pmod_image *image);
enum pmod_compression pmod_image_compression(const struct pmod_image *image);
/* The uncompressed file: ELF plus any appended signature. */
const void *pmod_image_data(const struct pmod_image *image, size_t *size);

enum pmod_elf_class { PMOD_ELF_32 = 1, PMOD_ELF_64 = 2 };
enum pmod_elf_order { PMOD_ELF_LSB = 1, PMOD_ELF_MSB = 2 };
enum pmod_elf_class pmod_image_elf_class(const struct pmod_image *image);
enum pmod_elf_order pmod_image_elf_order(const struct pmod_image *image);
uint16_t pmod_image_elf_machine(const struct pmod_image *image);

/* .modinfo: the key=value strings in file order. key is not NUL-terminated
 * at key_len (it is followed by '='); value is NUL-terminated. */
struct pmod_modinfo {
	const char *key;
	size_t key_len;
	const char *value;
};
int pmod_image_modinfo(struct pmod_image *image, const struct pmod_modinfo **entries,
		       size_t *count, struct pmod_error *err);
/* The vermagic string, or NULL when the module has none. */
const char *pmod_image_vermagic(struct pmod_image *image);

/* __versions: the CRCs the module expects of the symbols it imports. */
struct pmod_version {
	uint64_t crc;
	const char *symbol;
};
int pmod_image_versions(struct pmod_image *image, const struct pmod_version **versions,
			size_t *count, struct pmod_error *err);

/* Symbols the module exports. CRC 0 when the module has no modversions. */
struct pmod_export {
	const char *symbol;
	uint64_t crc;
	bool gpl_only;		/* EXPORT_SYMBOL_GPL */
};
int pmod_image_exports(struct pmod_image *image, const struct pmod_export **exports,
		       size_t *count, struct pmod_error *err);

/* Symbols the module needs from the kernel or other modules. __versions
 * entries that no undefined symbol uses (module_layout) come last. */
struct pmod_import {
	const char *symbol;
	uint64_t crc;		/* from __versions, 0 when absent */
	bool weak;
};
int pmod_image_imports(struct pmod_image *image, const struct pmod_import **imports,
		       size_t *count, struct pmod_error *err);

/* The appended signature (Linux's module_signature trailer). */
enum pmod_sig_id_type {
	PMOD_SIG_ID_PGP = 0,
	PMOD_SIG_ID_X509 = 1,
	PMOD_SIG_ID_PKCS7 = 2,
};
enum pmod_key_id_kind {
	PMOD_KEY_ID_RAW = 0,		/* legacy trailers: raw bytes */
	PMOD_KEY_ID_ISSUER_SERIAL,	/* PKCS#7 signer named by issuer + serial */
	PMOD_KEY_ID_SUBJECT_KEY_ID,	/* PKCS#7 signer named by subjectKeyIdentifier */
};

/* Who signed a module and with which hash, as its signature says: what
 * modinfo shows and what verification reports. Held by value, so that it
 * can be copied and kept; longer values than the arrays hold are cut (a
 * legacy trailer's always fit: its lengths are single bytes). */
#define PMOD_SIGNER_NAME_MAX 256
#define PMOD_SIGNER_KEY_ID_MAX 256
#define PMOD_SIGNER_HASH_MAX 64
struct pmod_signer {
	enum pmod_key_id_kind key_id_kind;
	/* PKCS#7: the issuer's commonName, empty when the issuer has none
	 * or the signer is named by subjectKeyIdentifier (a verification
	 * result then names the subject of the certificate that matched);
	 * legacy trailers: the signer bytes. NUL-terminated; name_len
	 * excludes the terminator and counts any NUL bytes the name holds,
	 * so what precedes the first NUL is the printable name. */
	char name[PMOD_SIGNER_NAME_MAX];
	size_t name_len;
	/* issuer+serial: the serial number, big-endian, no leading zeros;
	 * subjectKeyIdentifier: its bytes; legacy: the raw key id. */
	unsigned char key_id[PMOD_SIGNER_KEY_ID_MAX];
	size_t key_id_len;
	char hash_algo[PMOD_SIGNER_HASH_MAX];	/* "sha256", ...; "" when unknown */
	/* Weaker than sha256 (md5, sha1, sha224, ripemd160, an unknown
	 * digest), in the digestAlgorithm or in a signature algorithm that
	 * names its own digest (sha1WithRSAEncryption; hash_algo then names
	 * that one). A valid signature with a weak hash is not acceptable
	 * under SigningPolicy=enforce. */
	bool weak_hash;
};

struct pmod_signature {
	enum pmod_sig_id_type id_type;
	const char *id_type_name;	/* "PKCS#7", "X509", "PGP" */
	struct pmod_signer signer;
	const unsigned char *sig;	/* the signature value */
	size_t sig_len;
	size_t signed_len;		/* bytes of the image the signature covers */
	const unsigned char *blob;	/* PKCS#7 DER (id_type PKCS7) */
	size_t blob_len;
};
/* 0 with *sig set when signed; -ENODATA when unsigned; -EBADMSG (with err
 * filled) when a trailer is present but cannot be parsed. The signature is
 * decoded on the first call (libcrypto is loaded then, for PKCS#7 only),
 * never when the image is opened; *sig belongs to the image. */
int pmod_image_signature(struct pmod_image *image, const struct pmod_signature **sig,
			 struct pmod_error *err);

/* ---------------------------------------------------------------- signature verification */
/* Whether a module's signature verifies with a certificate of the trust
 * store: the files of /usr/lib/pmod/keys/ (the distribution's) and
 * /etc/pmod/keys/ (the administrator's) under the context's root, one
 * X.509 certificate each, PEM or DER, read once per context. Files that
 * are not usable certificates are skipped with a warning naming them.
 * Trust is direct (no chains) and validity dates are not checked, as in
 * the kernel. What is verified is the module as the kernel sees it:
 * decompressed, up to its signature. */

enum pmod_verdict {
	PMOD_VERDICT_VALID = 0,		/* verifies with a trusted certificate */
	PMOD_VERDICT_UNSIGNED,		/* no signature trailer */
	PMOD_VERDICT_UNTRUSTED,		/* no certificate of the store names the signer */
	PMOD_VERDICT_BAD_SIGNATURE,	/* a matching certificate, but it does not verify */
	PMOD_VERDICT_MALFORMED,		/* the trailer or the PKCS#7 cannot be used */
};
/* "valid", "unsigned", "untrusted", "bad-signature", "malformed". */
const char *pmod_verdict_name(enum pmod_verdict verdict);

struct pmod_verify_result {
	/* pmod_verify_files only: a negative errno when the file could not
	 * be read as a module (reason says why); there is no verdict then. */
	int error;
	enum pmod_verdict verdict;
	/* Who signed, as the signature names it (what modinfo shows), for
	 * every verdict but unsigned and malformed; for a signer named by
	 * subjectKeyIdentifier, name is the subject commonName of the
	 * matching certificate ("" without one). */
	struct pmod_signer signer;
	/* valid and bad-signature: the trust-store file whose key was used.
	 * Belongs to the context. */
	const char *certificate;
	/* bad-signature, malformed (and errors): why, one phrase. */
	char reason[256];
};

/* The verdict on one image. 0 with *result filled, or a negative errno
 * (err filled) when verification could not be attempted: libcrypto cannot
 * be loaded, out of memory. An unsigned image never loads libcrypto. */
int pmod_image_verify(struct pmod_image *image, struct pmod_verify_result *result,
		      struct pmod_error *err);
/* The verdicts on many module files at once, results[i] for paths[i],
 * with `jobs` threads (0: every online CPU). Only the end of an
 * uncompressed file is read unless its signer is trusted. A file that
 * cannot be read gives results[i].error; the call returns 0 (err is
 * reserved for failures of the whole batch). */
int pmod_verify_files(struct pmod_ctx *ctx, const char *const *paths, size_t count,
		      unsigned jobs, struct pmod_verify_result *results, struct pmod_error *err);

/* ---------------------------------------------------------------- a kernel's own keys */
/* The certificates a kernel image carries built in (its trusted keyring:
 * the key that signed its modules, and any the distribution added), so
 * that the trust store can hold what that kernel trusts. The image is an
 * x86 bzImage (its payload compressed with gzip, xz or zstd) or an ELF
 * vmlinux. */
struct pmod_kernel_certificate {
	unsigned char *der;		/* the certificate, as the kernel holds it */
	size_t der_size;
	char *subject_cn;		/* its subject's commonName, "" without one */
};
/* In the kernel's order. A negative errno (err filled, naming what is
 * wrong with the image) when the file is no kernel image pmod can read,
 * or holds no built-in certificate list (-ENODATA). */
int pmod_kernel_image_certificates(struct pmod_ctx *ctx, const char *image_path,
				   struct pmod_kernel_certificate **certs, size_t *count,
				   struct pmod_error *err);
void pmod_kernel_certificates_free(struct pmod_kernel_certificate *certs, size_t count);

/* The trust store's copy of one kernel release's built-in certificates:
 * files kernel-RELEASE-N.der in /usr/lib/pmod/keys/ under the context's
 * root. Import replaces the release's set with the image's (*count
 * certificates); remove deletes it (*count removed, 0 when there was
 * none). RELEASE is a file-name-safe kernel release (-EINVAL otherwise). */
int pmod_trust_import_kernel(struct pmod_ctx *ctx, const char *release, const char *image_path,
			     size_t *count, struct pmod_error *err);
int pmod_trust_remove_kernel(struct pmod_ctx *ctx, const char *release, size_t *count,
			     struct pmod_error *err);
/* Before a load, pmod_load judges every module file by the effective
 * signing policy on the very bytes the kernel then receives; there is no
 * separate public gate to call. */

/* ---------------------------------------------------------------- parameters */

/* parm= and parmtype= entries merged by parameter name, in kmod's order:
 * reverse order of each name's first appearance. desc or type is NULL
 * when the module gives none. Lengths are explicit: the strings point into
 * modinfo values. */
struct pmod_param {
	const char *name;
	size_t name_len;
	const char *desc;
	size_t desc_len;
	const char *type;
	size_t type_len;
};
/* *params is the caller's (free with pmod_free). Entries without ':' are
 * skipped and counted in *skipped (may be NULL). */
int pmod_params_from_modinfo(const struct pmod_modinfo *entries, size_t count,
			     struct pmod_param **params, size_t *nparams, size_t *skipped);

/* ---------------------------------------------------------------- lookup */

enum pmod_lookup_flags {
	/* modinfo -m: module names only (modules.dep, modules.builtin and
	 * modules.builtin.alias), never aliases or symbols. */
	PMOD_LOOKUP_NAME_ONLY = 1 << 0,
};

struct pmod_found {
	char *name;		/* module name */
	char *path;		/* absolute path; NULL for a built-in module */
	bool builtin;		/* a key of modules.builtin.bin */
};

/* Resolve a name, alias or "symbol:NAME" through the indexes of the module
 * directory, in kmod's order: pmod_resolve's walk without its
 * configuration steps (no configuration files are consulted here).
 * *found is malloc'ed (free with pmod_found_free); *count may be 0.
 * A missing or empty index is "no match"; a corrupt one is an error. */
int pmod_lookup(struct pmod_ctx *ctx, const char *request, unsigned flags,
		struct pmod_found **found, size_t *count, struct pmod_error *err);
void pmod_found_free(struct pmod_found *found, size_t count);

/* A module's line of modules.dep: *path its file (absolute) and *deps the
 * files it needs, in load order (the most fundamental first), with their
 * module names. 1 when the name has a line, 0 when not (nothing set), a
 * negative errno (err filled) for a corrupt index or line. *path: free
 * with pmod_free; *deps: pmod_found_free (*count may be 0). */
int pmod_module_dependencies(struct pmod_ctx *ctx, const char *name, char **path,
			     struct pmod_found **deps, size_t *count, struct pmod_error *err);

/* The modinfo of a built-in module, from modules.builtin.modinfo. *entries
 * is the caller's (free with pmod_free); the strings belong to the context.
 * -ENOENT when the file or the module is absent. */
int pmod_builtin_modinfo(struct pmod_ctx *ctx, const char *name,
			 struct pmod_modinfo **entries, size_t *count,
			 struct pmod_error *err);

/* ---------------------------------------------------------------- configuration */
/* modprobe.d the way kmod reads it: *.conf files from
 * /etc/modprobe.d, /run/modprobe.d, /usr/local/lib/modprobe.d,
 * /usr/lib/modprobe.d and /lib/modprobe.d under the context's root, merged
 * by basename with modules.softdep and modules.weakdep of the module
 * directory, then the kernel command line (/proc/cmdline, never moved). */

struct pmod_config;

struct pmod_config_options {
	size_t size;		/* sizeof(struct pmod_config_options) */
	/* -C: files or directories replacing the default list, NULL-terminated;
	 * absolute ones are taken under the root. NULL for the defaults. */
	const char *const *paths;
	/* The kernel command line to use instead of /proc/cmdline; "" for
	 * none. NULL reads /proc/cmdline. */
	const char *kernel_cmdline;
};

/* Bad lines are logged (kmod's messages) and skipped; only running out of
 * memory fails. *cfg is owned by the caller (pmod_config_free). */
int pmod_config_load(struct pmod_ctx *ctx, const struct pmod_config_options *opts,
		     struct pmod_config **cfg, struct pmod_error *err);
void pmod_config_free(struct pmod_config *cfg);

/* The categories in the order modprobe -c prints them. */
enum pmod_config_kind {
	PMOD_CONFIG_BLACKLIST = 0,
	PMOD_CONFIG_INSTALL,
	PMOD_CONFIG_REMOVE,
	PMOD_CONFIG_ALIAS,
	PMOD_CONFIG_OPTIONS,
	PMOD_CONFIG_SOFTDEP,
	PMOD_CONFIG_WEAKDEP,
	PMOD_CONFIG_KIND_COUNT,
};
/* One directive as modprobe -c shows it: name, then value (NULL for
 * blacklist; for softdep kmod's "pre: a bpost: c" form, separator quirk
 * included). Entries of a kind are in parse order. */
struct pmod_config_entry {
	const char *name;
	const char *value;
};
/* The directories and files the configuration was read from: the
 * caller's paths, or the default directories, each under the context's
 * root as it was opened (existing or not; modules.softdep and
 * modules.weakdep of the module directory are not among them). NULL
 * past the last. */
const char *pmod_config_source(const struct pmod_config *cfg, size_t i);
size_t pmod_config_count(const struct pmod_config *cfg, enum pmod_config_kind kind);
const struct pmod_config_entry *pmod_config_get(const struct pmod_config *cfg,
						enum pmod_config_kind kind, size_t i);

/* The targets of entry i of kind SOFTDEP (pre and post, in the order
 * written) or WEAKDEP (*pre: its modules; *post empty), as the entry's
 * value lists them: names or aliases, resolved at use. false for another
 * kind or an i out of range (nothing set). */
bool pmod_config_get_targets(const struct pmod_config *cfg, enum pmod_config_kind kind,
			     size_t i, const char *const **pre, size_t *npre,
			     const char *const **post, size_t *npost);

/* Queries about one module (name normalised; alias the string it was
 * resolved through, or NULL). */
bool pmod_config_blacklisted(const struct pmod_config *cfg, const char *name);
/* The first install/remove line whose MOD fnmatch-matches name, or NULL. */
const char *pmod_config_install_command(const struct pmod_config *cfg, const char *name);
const char *pmod_config_remove_command(const struct pmod_config *cfg, const char *name);
/* Every options line naming the module or its alias, joined by spaces.
 * *options is the caller's (free with pmod_free; "" when none). */
int pmod_config_module_options(const struct pmod_config *cfg, const char *name,
			       const char *alias, char **options);
/* The first softdep/weakdep line whose MOD fnmatch-matches name: its raw
 * targets (names or aliases, resolved at use). false when none matches. */
bool pmod_config_softdeps(const struct pmod_config *cfg, const char *name,
			  const char *const **pre, size_t *npre,
			  const char *const **post, size_t *npost);
bool pmod_config_weakdeps(const struct pmod_config *cfg, const char *name,
			  const char *const **deps, size_t *ndeps);

/* Every key/value pair of an index in key order (modprobe -c's dump).
 * fn returning non-zero stops the walk and is returned. A missing index
 * gives nothing. */
enum pmod_index {
	PMOD_INDEX_DEP = 0,
	PMOD_INDEX_ALIAS,
	PMOD_INDEX_SYMBOLS,
	PMOD_INDEX_BUILTIN,
	PMOD_INDEX_BUILTIN_ALIAS,
};
typedef int (*pmod_index_fn)(void *data, const char *key, const char *value);
int pmod_index_dump(struct pmod_ctx *ctx, enum pmod_index which, pmod_index_fn fn,
		    void *data, struct pmod_error *err);
/* An index is otherwise opened on its first use and kept for the
 * context's life. pmod_index_open opens it now, afresh from disk (a
 * long-lived caller picks up a new depmod run this way): 0, -ENOENT when
 * the file is missing, -ENODATA when it is empty, -EBADMSG (err filled)
 * for a bad header; after a failure the context holds none of it and its
 * next use tries the file again. pmod_index_close lets it go: its next
 * use reads the file again. Neither may be called during a walk of the
 * same index. */
int pmod_index_open(struct pmod_ctx *ctx, enum pmod_index which, struct pmod_error *err);
void pmod_index_close(struct pmod_ctx *ctx, enum pmod_index which);

/* ---------------------------------------------------------------- resolution */

/* One module a request resolved to. */
struct pmod_resolved {
	char *name;		/* module name */
	char *path;		/* absolute; NULL for a built-in or a command-only module */
	/* What it was reached through: a config alias pattern, or the
	 * normalised request for index aliases and symbols; NULL by name.
	 * options lines naming the alias apply; the blacklist applies to
	 * aliases only (unless PROBE_BLACKLIST_NAMES). */
	char *alias;
	bool builtin;		/* a key of modules.builtin.bin */
};

/* kmod's lookup order, the first step that yields anything winning:
 * config aliases, modules.dep, modules.symbols (for "symbol:"),
 * install/remove commands, modules.alias, modules.builtin,
 * modules.builtin.alias. pmod_lookup is the same walk without the
 * configuration steps. *count may be 0. *found: pmod_resolved_free. */
int pmod_resolve(struct pmod_ctx *ctx, const struct pmod_config *cfg, const char *request,
		 struct pmod_resolved **found, size_t *count, struct pmod_error *err);
void pmod_resolved_free(struct pmod_resolved *found, size_t count);

/* ---------------------------------------------------------------- plans */

enum pmod_step_kind {
	PMOD_STEP_INSERT,	/* insmod path options */
	PMOD_STEP_COMMAND,	/* an install command through /bin/sh -c */
	PMOD_STEP_BUILTIN,	/* built in: nothing to load */
	PMOD_STEP_NOTHING,	/* neither file nor command: an insert fails with ENOENT */
	PMOD_STEP_REMOVE,	/* delete_module(name) */
	PMOD_STEP_REMOVE_COMMAND, /* a remove command, $CMDLINE_OPTS already expanded (to "") */
};

/* Why a step is in a load's plan. */
enum pmod_step_role {
	PMOD_ROLE_TARGET = 0,		/* the module the request resolved to */
	PMOD_ROLE_DEPENDENCY,		/* modules.dep: needed by role_of */
	PMOD_ROLE_SOFTDEP_PRE,		/* a softdep "pre:" of role_of */
	PMOD_ROLE_SOFTDEP_POST,		/* a softdep "post:" of role_of */
};
/* "target", "dependency", "softdep-pre", "softdep-post". */
const char *pmod_step_role_name(enum pmod_step_role role);

/* ---------------------------------------------------------------- gate answers */
/* What one gate of pmod_load decided, or would decide, about a request
 * or one module of it: what a plan (PMOD_LOAD_JUDGE) tells beside its
 * steps, so that a caller can show the gates a load would pass without
 * loading and without working them out itself. */
enum pmod_gate {
	PMOD_GATE_LOCKDOWN = 0,
	PMOD_GATE_PRIVILEGE,
	PMOD_GATE_AUTOLOAD,	/* AutoLoadPolicy, for demand and automatic loads */
	PMOD_GATE_BLACKLIST,
	PMOD_GATE_FORCED_LOAD,	/* FORCE_MODVERSION/FORCE_VERMAGIC under enforce */
	PMOD_GATE_SIGNATURE,
};
/* "lockdown", "privilege", "autoload-policy", "blacklist", "forced-load",
 * "signature". */
const char *pmod_gate_name(enum pmod_gate gate);

struct pmod_gate_answer {
	enum pmod_gate gate;
	/* A real load is refused here. */
	bool refused;
	/* This call applied the gate: a refusal stopped it (or skipped the
	 * module). false: the call only tells what a real load would meet
	 * (a listing asks for no lockdown, privilege or signature; a dry run
	 * for no privilege). */
	bool applied;
	const char *module;	/* NULL: the request as a whole */
	const char *path;	/* the module's file, when it has one */
	/* The rule that decided, in the records' words ("lockdown",
	 * "AutoLoadPolicy=enabled", "SigningPolicy enforce: signature
	 * untrusted", ...); NULL when no rule is named. */
	const char *rule;
	/* Why, in words: the refusal, or the warning a load would give
	 * (SigningPolicy warn); NULL when it passes without a word. */
	const char *reason;
	/* PMOD_GATE_SIGNATURE: the verdict, when one was reached. */
	const struct pmod_verify_result *verdict;
};
/* Strings live only during the call. */
typedef void (*pmod_gate_fn)(void *data, const struct pmod_gate_answer *answer);

struct pmod_step {
	enum pmod_step_kind kind;
	const char *name;
	const char *path;	/* PMOD_STEP_INSERT */
	const char *command;	/* PMOD_STEP_COMMAND: as configured, $CMDLINE_OPTS unexpanded */
	const char *options;	/* config options (+ the target's parameters); "" when none */
	bool target;		/* the module asked for, not a dependency or softdep */
	bool required;		/* the target or its dependency: failures stop the plan */
	/* Loads: why the step is there, and the module whose dependency or
	 * softdep it is (NULL for the target). */
	enum pmod_step_role role;
	const char *role_of;
	/* PMOD_LOAD_JUDGE: what the gates say of this module (AutoLoadPolicy
	 * and the blacklist where they apply, the signature of an insert
	 * step's file), in the order a load meets them; NULL/0 otherwise. */
	const struct pmod_gate_answer *gates;
	size_t ngates;
};

/* Called before each step is executed (or would be, in a dry run): where
 * modprobe -n/-v/-D prints "insmod PATH OPTS", "install CMD OPTS",
 * "builtin NAME", "rmmod NAME" or "remove CMD". */
typedef void (*pmod_step_fn)(void *data, const struct pmod_step *step);

/* ---------------------------------------------------------------- load and unload */
/* The only public way to put a module into the kernel or take one out.
 * Every caller, the tools and any other program alike, goes through the
 * same gates, inside the library, in this order, before the kernel is
 * asked anything:
 *   1. lockdown: /proc/sys/kernel/modules_disabled is 1 (a locked system
 *      is reported as locked, not as a missing privilege);
 *   2. the caller's authority: SeLoadDriverPrivilege in the Peios token,
 *      or CAP_SYS_MODULE where there is no token;
 *   3. for a demand or automatic load: AutoLoadPolicy, and the blacklist
 *      (by real name too), applied to every module the request brings in
 *      through an alias or a softdep (a refused target is refused, a
 *      refused softdep is skipped; both are recorded); the modules.dep
 *      dependencies of an allowed module are part of it;
 *   4. forced loads (FORCE_MODVERSION/FORCE_VERMAGIC) are refused when the
 *      signing policy is enforce: the kernel treats such a module as
 *      unsigned;
 *   5. each module file's signature, judged on the bytes the kernel then
 *      receives (the file is opened and decoded once; a sealed copy of
 *      those bytes goes to the kernel, never the file).
 * A dry run (DRY_RUN) passes every gate and stops only short of the
 * kernel, so it refuses exactly what the real run refuses, with the same
 * words. The one exception: the privilege (2) is not required for dry
 * runs and LIST_ONLY, because reading and planning change nothing and need
 * no authority. LIST_ONLY (modprobe -D, which initramfs builders run on
 * locked systems) also asks the kernel nothing, so neither lockdown (1)
 * nor signatures (5) apply to it; the policy gates (3, 4) do.
 * Where the policy cannot be read, the strictest setting applies.
 * Every load, unload and refusal leaves a record naming the request as
 * given, whether it was a demand load, and the rule that decided. */

enum pmod_load_flags {
	PMOD_LOAD_DRY_RUN = 1 << 0,		/* -n: every gate, no kernel call */
	PMOD_LOAD_FIRST_TIME = 1 << 1,		/* -EEXIST when the target is in the kernel */
	PMOD_LOAD_IGNORE_COMMANDS = 1 << 2,	/* -i: the target's install command and softdeps */
	PMOD_LOAD_USE_BLACKLIST = 1 << 3,	/* -b: the blacklist by real name too */
	PMOD_LOAD_FORCE_MODVERSION = 1 << 4,	/* ignore symbol versions */
	PMOD_LOAD_FORCE_VERMAGIC = 1 << 5,	/* ignore the version magic */
	PMOD_LOAD_DEMAND = 1 << 6,		/* the kernel's request_module */
	/* e.g. udev loading a device's driver: demand policy. A load whose
	 * calling process is systemd-udevd (or its worker, or udevadm) is
	 * automatic without this flag: the library tells from the process's
	 * executable and name (either one is enough, and an executable that
	 * cannot be read counts), and refuses FILE_ONLY loads from it. */
	PMOD_LOAD_AUTOMATIC = 1 << 7,
	/* insmod: exactly this file (request is a path; an absolute one is
	 * taken under the context's root), no dependencies, no configuration.
	 * Not with DEMAND or AUTOMATIC (-EINVAL): those name modules. */
	PMOD_LOAD_FILE_ONLY = 1 << 8,
	/* modprobe -D: list what would load (through show), even what is
	 * loaded already; ask the kernel nothing, no signature verdicts. */
	PMOD_LOAD_LIST_ONLY = 1 << 9,
	/* With LIST_ONLY or DRY_RUN only (-EINVAL otherwise): tell what every
	 * gate decides or would decide for a real load, without a record or
	 * a warning for what the call does not apply. The answers about a
	 * step are in the step (show); the others (lockdown, privilege, the
	 * request's AutoLoadPolicy and forced-load rule, and every module
	 * refused or skipped, which never becomes a step) go to the options'
	 * gate function in the order taken. A dry run's insert steps carry
	 * the signature gate's answer (applied). */
	PMOD_LOAD_JUDGE = 1 << 10,
	/* With LIST_ONLY and JUDGE only (-EINVAL otherwise): verify each
	 * insert step's file too and tell the signature gate's answer (not
	 * applied). It costs a verification per file, which a listing
	 * otherwise never pays. */
	PMOD_LOAD_VERIFY = 1 << 11,
};

/* Why a load or unload did not do everything, so that a tool can word it
 * (kmod reports some of these as fatal) without parsing err.text. */
enum pmod_outcome {
	PMOD_OUTCOME_DONE = 0,
	/* A gate refused the request as a whole before anything was looked
	 * up: lockdown, privilege, AutoLoadPolicy=disabled, the forced-load
	 * rule. The same gate would refuse any other request now. */
	PMOD_OUTCOME_REFUSED,
	/* The request could not be resolved (a corrupt index, a name that
	 * cannot be made from it): err says why. */
	PMOD_OUTCOME_LOOKUP_FAILED,
	/* Nothing by that name, alias or symbol (err.code -ENOENT); for
	 * FILE_ONLY the file could not be found (err.code its errno). */
	PMOD_OUTCOME_NOT_FOUND,
	/* The request resolved, and one or more of its modules failed or were
	 * refused; each failure was passed to report (err holds the last). */
	PMOD_OUTCOME_MODULE_FAILED,
	/* FILE_ONLY and MODULE_ONLY: the kernel answered err.code (err
	 * explains it). */
	PMOD_OUTCOME_KERNEL,
	/* MODULE_ONLY: the checks before the kernel refused: built in, not
	 * loaded, in use, unloading not supported (err says which). */
	PMOD_OUTCOME_CHECK_FAILED,
	/* FILE_ONLY and MODULE_ONLY: anything else that stopped before the
	 * kernel (the module's signature, the file unreadable); err says why. */
	PMOD_OUTCOME_FAILED,
};

/* Called for each module of a request that failed (the request goes on
 * with the others). fatal: kmod reports this one at its fatal level (an
 * unload's "is builtin", "is not in kernel", "is in use"). */
typedef void (*pmod_report_fn)(void *data, const char *module, const struct pmod_error *err,
			       bool fatal);

/* An install command to run for module name, "$CMDLINE_OPTS" already
 * replaced by its options: 0, or a negative errno that fails the step. The
 * library has passed every gate of the request before, and records the
 * command as it records one it runs itself. */
typedef int (*pmod_command_fn)(void *data, const char *name, const char *command);

struct pmod_load_options {
	size_t size;			/* sizeof(struct pmod_load_options) */
	unsigned flags;			/* enum pmod_load_flags */
	const char *params;		/* appended to the configured options; NULL for none */
	/* modprobe.d etc.; NULL: the default configuration, read for this
	 * call. FILE_ONLY uses none. */
	const struct pmod_config *config;
	pmod_step_fn show;		/* each step as it is executed, or would be */
	void *show_data;
	/* Each failed module; NULL logs "could not insert 'NAME': why" at
	 * LOG_ERR through the context's log function. */
	pmod_report_fn report;
	void *report_data;
	enum pmod_outcome outcome;	/* out */
	/* Runs an install command instead of /bin/sh -c (libkmod's
	 * run_install); NULL: the shell, with MODPROBE_MODULE set. */
	pmod_command_fn run_command;
	void *run_command_data;
	/* PMOD_LOAD_JUDGE: the answers that are not a step's (NULL: not
	 * told). Added after run_command_data: a caller's smaller size
	 * leaves them unset. */
	pmod_gate_fn gate;
	void *gate_data;
};

/* Load what request names: a module name, an alias, "symbol:NAME", or a
 * module file when it starts with '/' or "./" (with FILE_ONLY, always a
 * file). Every module it resolves to is tried with everything it needs,
 * in kmod's way: already loaded or built in is success (-EEXIST with
 * FIRST_TIME); a module reached through an alias and blacklisted is
 * skipped as a success (returns 1 when that was the last one); softdep
 * failures are ignored. Returns 0 (or 1) or a negative errno, with err
 * saying why and opts->outcome classifying it. */
int pmod_load(struct pmod_ctx *ctx, const char *request, struct pmod_load_options *opts,
	      struct pmod_error *err);

enum pmod_unload_flags {
	PMOD_UNLOAD_DRY_RUN = 1 << 0,		/* -n: every gate, no kernel call */
	PMOD_UNLOAD_IGNORE_COMMANDS = 1 << 1,	/* -i: the remove command and softdeps */
	PMOD_UNLOAD_REMOVE_HOLDERS = 1 << 2,	/* --remove-holders: holders first */
	PMOD_UNLOAD_FIRST_TIME = 1 << 3,	/* -ENOENT when the target is not loaded */
	/* Forced unload (O_TRUNC): only in builds with -Dforced_unload=true
	 * (pmod_forced_unload_available); elsewhere -EOPNOTSUPP before the
	 * kernel is asked, and no code that could send O_TRUNC is compiled
	 * in. With MODULE_ONLY the checks are skipped (the kernel decides). */
	PMOD_UNLOAD_FORCE = 1 << 4,
	/* rmmod: just this module, no configuration, no dependencies. The
	 * request is a module name, or a module file when such a file exists
	 * (its name is taken from the file name). Checked first: built in,
	 * not loaded, in use (holders and refcount). */
	PMOD_UNLOAD_MODULE_ONLY = 1 << 5,
};

struct pmod_unload_options {
	size_t size;			/* sizeof(struct pmod_unload_options) */
	unsigned flags;			/* enum pmod_unload_flags */
	unsigned wait_ms;		/* -w: retry a busy module this long (0: fail at once) */
	/* Remove commands and softdeps; NULL: the default configuration,
	 * read for this call. MODULE_ONLY uses none. */
	const struct pmod_config *config;
	pmod_step_fn show;		/* "rmmod NAME", "remove CMD" as they happen */
	void *show_data;
	/* Each failed module; NULL logs err.text at LOG_ERR. */
	pmod_report_fn report;
	void *report_data;
	enum pmod_outcome outcome;	/* out */
};

/* Unload what request names. Without MODULE_ONLY the way modprobe -r does
 * it: post softdeps, holders (REMOVE_HOLDERS), the module or its remove
 * command, then every module it depended on that nothing uses any more,
 * repeated until none is left (kmod stops after one pass), then pre
 * softdeps. Returns 0 or a negative errno (err, opts->outcome). */
int pmod_unload(struct pmod_ctx *ctx, const char *request, struct pmod_unload_options *opts,
		struct pmod_error *err);

/* Whether a program was started the way the kernel's request_module
 * starts modprobe: exactly "PROG -q -- NAME", from a kernel thread. A
 * parent that cannot be examined counts as the kernel (the demand-load
 * policy is the stricter reading). Give it main's argc and argv before
 * anything (MODPROBE_OPTIONS included) is added to them. */
bool pmod_demand_invocation(int argc, char *const argv[]);

/* What modprobe does with an argument before loading or unloading it: a
 * module file when it starts with '/' or "./" (its name from the file
 * name), else pmod_resolve. *found: pmod_resolved_free; *count may be 0. */
int pmod_resolve_request(struct pmod_ctx *ctx, const struct pmod_config *cfg,
			 const char *request, struct pmod_resolved **found, size_t *count,
			 struct pmod_error *err);

/* ---------------------------------------------------------------- the running kernel */
/* What the kernel says about its modules, read from /proc/modules and
 * /sys/module (never moved by the context's root). Changing them goes
 * through pmod_load and pmod_unload alone. */

enum pmod_module_state {
	PMOD_STATE_ABSENT = 0,		/* neither loaded nor built in */
	PMOD_STATE_BUILTIN,		/* a key of modules.builtin.bin */
	PMOD_STATE_LIVE,
	PMOD_STATE_COMING,		/* loading, or built in but not indexed */
	PMOD_STATE_GOING,
};
/* kmod's order: modules.builtin.bin, then
 * /sys/module/NAME/initstate, then the directory alone. Returns the state
 * (>= 0) or a negative errno for unreadable state. */
int pmod_kernel_module_state(struct pmod_ctx *ctx, const char *name);

/* A loaded module's taint letters, as the kernel writes them: at most a
 * few of the letters below, so this always holds them with room to spare. */
#define PMOD_TAINT_MAX 32

/* One line of /proc/modules, with what /sys/module adds. */
struct pmod_loaded_module {
	char *name;
	long size;		/* /sys/module/NAME/coresize, else /proc/modules */
	long refcnt;		/* /sys/module/NAME/refcnt; negative errno if absent */
	char **holders;		/* /sys/module/NAME/holders entries, readdir order */
	size_t nholders;
	/* LIVE, COMING (Loading) or GOING (Unloading), from the line's state
	 * column, else /sys/module/NAME/initstate; ABSENT when neither says
	 * (a line cut short, a module half gone). */
	enum pmod_module_state state;
	/* The kernel's taint letters for this module ("OE"), from the line's
	 * "(...)" column without its +/- state marks, else
	 * /sys/module/NAME/taint; "" when untainted or when neither can be
	 * read. Only the letters A-Z are ever kept. */
	char taint[PMOD_TAINT_MAX];
};
/* Every loaded module in /proc/modules order (most recent first).
 * *mods is malloc'ed; free with pmod_loaded_modules_free. */
int pmod_kernel_loaded_modules(struct pmod_ctx *ctx, struct pmod_loaded_module **mods,
			       size_t *count, struct pmod_error *err);
/* The same for one module (refcnt, holders; size from coresize). -ENOENT
 * when it is not loaded. */
int pmod_kernel_module_usage(struct pmod_ctx *ctx, const char *name,
			     struct pmod_loaded_module *usage, struct pmod_error *err);
void pmod_loaded_module_release(struct pmod_loaded_module *mod);
void pmod_loaded_modules_free(struct pmod_loaded_module *mods, size_t count);

/* What a module taint letter means: its short name ("out-of-tree") and one
 * sentence, for the letters the kernel gives modules (P F C O E K X T N);
 * NULL for any other character. */
const char *pmod_taint_flag_name(char letter);
const char *pmod_taint_flag_description(char letter);
/* "/proc/modules"-style state words: "Live", "Loading", "Unloading";
 * "unknown" for ABSENT, "built-in" for BUILTIN. */
const char *pmod_module_state_name(enum pmod_module_state state);

/* A loaded module's sections and where the kernel put them, from the files
 * of /sys/module/NAME/sections (readdir order; "." and ".." skipped, other
 * names starting with a dot kept: .text, .data, ...). Each file must hold
 * one hexadecimal address, "0x" optional, followed by a newline. -ENOENT
 * when the directory is missing; any file that cannot be read or holds
 * anything else fails the whole call (err names it), as kmod gives no
 * partial list either. *sections is malloc'ed; free with
 * pmod_sections_free. */
struct pmod_section {
	char *name;
	unsigned long address;
};
int pmod_kernel_module_sections(struct pmod_ctx *ctx, const char *name,
				struct pmod_section **sections, size_t *count,
				struct pmod_error *err);
void pmod_sections_free(struct pmod_section *sections, size_t count);

/* Whether this build has forced unload (meson option forced_unload). */
bool pmod_forced_unload_available(void);

/* ---------------------------------------------------------------- policy */
/* The Peios module policy: the registry key
 * Machine\System\Modules, or /etc/pmod/policy.conf under the context's root
 * where there is no registry. Read once per context, on first use. */

enum pmod_signing_policy {
	PMOD_SIGNING_WARN = 0,		/* say what is wrong with a signature, go on */
	PMOD_SIGNING_ENFORCE = 1,	/* anything but a valid signature is refused */
};
enum pmod_autoload_policy {
	PMOD_AUTOLOAD_ENABLED = 0,	/* demand loads as on Linux */
	PMOD_AUTOLOAD_ALLOW_LIST,	/* only what AutoLoadAllowList names */
	PMOD_AUTOLOAD_DISABLED,		/* every demand load refused */
};
enum pmod_policy_source {
	PMOD_POLICY_SOURCE_DEFAULTS = 0,	/* neither registry values nor a file */
	PMOD_POLICY_SOURCE_REGISTRY,
	PMOD_POLICY_SOURCE_FILE,
};

struct pmod_policy;
/* The context's policy; it belongs to the context. Bad values are logged
 * as warnings (naming the file and line, or the registry value) and fall
 * back to their default. Fails only for -ENOMEM. */
int pmod_ctx_policy(struct pmod_ctx *ctx, const struct pmod_policy **policy);
/* The effective signing policy: the stricter of the build's floor and
 * SigningPolicy. What signature verification consumes; the floor when the
 * policy cannot be read. */
enum pmod_signing_policy pmod_ctx_signing_policy(struct pmod_ctx *ctx);
/* The build's floor (meson option signing_floor). */
enum pmod_signing_policy pmod_signing_floor(void);

enum pmod_signing_policy pmod_policy_signing(const struct pmod_policy *policy);
enum pmod_autoload_policy pmod_policy_autoload(const struct pmod_policy *policy);
size_t pmod_policy_allow_list_count(const struct pmod_policy *policy);
const char *pmod_policy_allow_list_entry(const struct pmod_policy *policy, size_t i);
bool pmod_policy_lock_after_boot(const struct pmod_policy *policy);
enum pmod_policy_source pmod_policy_source(const struct pmod_policy *policy);
/* "warn"/"enforce", "enabled"/"allow-list"/"disabled",
 * "defaults"/"registry"/"policy.conf". */
const char *pmod_signing_policy_name(enum pmod_signing_policy policy);
const char *pmod_autoload_policy_name(enum pmod_autoload_policy policy);
const char *pmod_policy_source_name(enum pmod_policy_source source);

/* ---------------------------------------------------------------- lockdown */
/* The post-boot lock. /proc/sys/kernel/modules_disabled is the kernel's
 * one-way switch: once it is 1, no module loads or unloads until reboot.
 * With LockAfterBoot = 1, pmod_lockdown turns it once boot has loaded what
 * it loads (pmod's packages run `kmod lockdown` from a unit for that), and
 * notes when and by which setting in /run/pmod/lockdown under the
 * context's root, so that every refusal after can say so. */

enum pmod_lock_state {
	PMOD_LOCK_OPEN = 0,	/* modules load and unload */
	PMOD_LOCK_BY_PMOD,	/* locked by pmod_lockdown: since and setting are known */
	PMOD_LOCK_BY_OTHER,	/* modules_disabled is 1 and pmod did not note turning it */
	PMOD_LOCK_UNKNOWN,	/* modules_disabled cannot be read (problem says why) */
};

struct pmod_lock_status {
	size_t size;		/* sizeof(struct pmod_lock_status), set by the caller */
	enum pmod_lock_state state;
	/* PMOD_LOCK_BY_PMOD: when (seconds since the epoch), the same as a
	 * person reads it (local time with its zone), and the setting that
	 * asked for it ("LockAfterBoot = 1 in /etc/pmod/policy.conf");
	 * otherwise -1 and empty. */
	long long since;
	char since_text[64];
	char setting[128];
	int problem;		/* PMOD_LOCK_UNKNOWN: the negative errno */
	/* What LockAfterBoot asks now (1 also when it cannot be read), and
	 * where the policy was read. */
	bool lock_after_boot;
	bool lock_after_boot_unreadable;
	enum pmod_policy_source policy_source;
};
/* Whether module operations are locked, since when and why. Needs no
 * privilege. 0, or a negative errno (bad arguments, -ENOMEM). */
int pmod_lock_status(struct pmod_ctx *ctx, struct pmod_lock_status *status,
		     struct pmod_error *err);

enum pmod_lockdown_outcome {
	PMOD_LOCKDOWN_NOT_ASKED = 0,	/* LockAfterBoot is 0 or unset: nothing locked */
	PMOD_LOCKDOWN_LOCKED,		/* the lock was turned now */
	PMOD_LOCKDOWN_ALREADY,		/* it was locked already: nothing changed */
};
/* Turn the post-boot lock when LockAfterBoot asks for it (1, or a value
 * that cannot be read or understood, with the policy's warning). The
 * caller needs SeTcbPrivilege (CAP_SYS_MODULE where there is no Peios
 * token): without it -EPERM, nothing written. The kernel's switch must
 * read back 1 (else -EIO). Leaves a "lockdown" record, also when it
 * fails. *outcome says what happened and *status (may be NULL) what holds
 * after. 0 or a negative errno with err filled. */
int pmod_lockdown(struct pmod_ctx *ctx, enum pmod_lockdown_outcome *outcome,
		  struct pmod_lock_status *status, struct pmod_error *err);

/* ---------------------------------------------------------------- records */
/* Every load, unload and refusal leaves one record: what was asked, the
 * module and its file, the signature verdict, the policy in force, the
 * caller and the result. The library decides the content; by default it
 * goes (never to the user: the library still never prints) to the
 * journal where systemd-journald runs, as structured fields (PMOD_MODULE,
 * PMOD_SIGNATURE, ..., a MESSAGE_ID per action: pmod-records(7)) with the
 * text line as MESSAGE; else to syslog (LOG_AUTHPRIV); else, early in
 * boot when neither runs, to the kernel's log, which journald imports.
 * A service can send the text line elsewhere with pmod_ctx_set_record_fn. */

/* What a record or a refusal is about. */
enum pmod_operation {
	PMOD_OPERATION_LOAD,
	PMOD_OPERATION_UNLOAD,
};

struct pmod_record {
	/* "load", "unload", "refuse-load", "refuse-unload",
	 * "install-command"/"remove-command" for a configured command that
	 * stood in for the kernel call, and "lockdown" when the post-boot
	 * lock was turned (or turning it failed). */
	const char *action;
	const char *module;	/* NULL when not known (refused before resolving) */
	const char *path;	/* NULL for an unload or when not known */
	/* The signature verdict when verification reached one: its name
	 * (pmod_verdict_name) and, when the signature names them, the
	 * signer, key id and hash. NULL: signature says what happened. */
	const struct pmod_verify_result *verdict;
	/* Without a verdict: NULL is "not-checked" (no verification ran:
	 * unloads, install commands), "unverifiable" when it ran and could
	 * not reach one. */
	const char *signature;
	/* refusals: the gate or policy rule that decided. Demand loads that
	 * go ahead name the AutoLoadPolicy rule that let them. */
	const char *rule;
	int result;		/* 0 or a negative errno */
	/* The request as the caller gave it (e.g. an alias; NULL: none) and
	 * whether it was a demand or automatic load. pmod_load and
	 * pmod_unload fill these from the call's own request. */
	const char *request;
	bool demand;
};
/* record is one line, no newline; priority is LOG_NOTICE for what
 * happened, LOG_WARNING for failures and refusals. A policy value that
 * cannot be read or understood (it then takes its strictest setting)
 * leaves a "policy-warning message=..." record too, whatever the log
 * level: it is why the gates refuse. */
typedef void (*pmod_record_fn)(void *data, int priority, const char *record);
/* NULL restores the default (the journal, else syslog with facility
 * LOG_AUTHPRIV, else the kernel's log). */
void pmod_ctx_set_record_fn(struct pmod_ctx *ctx, pmod_record_fn fn, void *data);
/* The record's text: "ACTION key=value ..." with every value that is not
 * plain quoted and escaped with pmod_escape (a module name or a parent's
 * command cannot forge fields or lines). Returns the length it needed
 * (like snprintf). */
int pmod_record_format(struct pmod_ctx *ctx, const struct pmod_record *record, char *buf,
		       size_t size);

/* ---------------------------------------------------------------- audit */
/* What is loaded and how it got there, for the running system: each
 * loaded module with what the kernel says of it, the file the module
 * directory names for it and that file's signature verdict now, and,
 * where systemd's journal holds pmod's records of this boot, the last
 * load record of that module (who loaded it, under which policy). The
 * journal is read through libsystemd.so.0, opened on the first call;
 * without it (or without a journal, or without the right to read it) the
 * audit still succeeds and says why the records are missing. */

/* One of pmod's records of this boot, as the journal holds it: pmod's
 * PMOD_* fields and the journal's own fields of the process that sent it
 * (_COMM, _PID, _UID: the journal's, not the sender's word). A member is
 * NULL when the record does not carry it. */
struct pmod_journal_record {
	uint64_t realtime_usec;	/* when the journal received it (µs since 1970) */
	char *action;		/* PMOD_ACTION: load, refuse-load, ... */
	char *module, *request, *path;
	char *signature, *signer, *key_id;
	char *signing_policy, *autoload_policy, *policy_source;
	char *demand;		/* "yes" / "no" */
	char *rule, *result, *parent;
	char *comm, *pid, *uid;
	/* SYSLOG_IDENTIFIER: the name the sender gave itself. The journal
	 * reads _COMM from /proc when it reads the record, so a process
	 * that wrote before journald ran and has exited has none: this is
	 * then the only name, the sender's own word. */
	char *identifier;
};

struct pmod_audit_module {
	struct pmod_loaded_module loaded;	/* what the kernel says */
	/* The file the module directory's modules.dep names for it, NULL
	 * when it names none (then builtin says whether modules.builtin
	 * does: a loaded module normally is not). */
	char *path;
	bool builtin;
	/* 0 with verdict filled (the file as it is now, not necessarily
	 * the bytes that were loaded); else a negative errno and
	 * verdict.reason says why there is none: no file named (-ENOENT),
	 * the file cannot be read, the index is corrupt. */
	int verify_error;
	struct pmod_verify_result verdict;
	/* The last load record of this module in this boot; NULL when the
	 * journal has none (or could not be read). */
	struct pmod_journal_record *last_load;
};

enum pmod_audit_flags {
	/* Also every refuse-load record of this boot. */
	PMOD_AUDIT_REFUSALS = 1 << 0,
};

struct pmod_audit {
	struct pmod_audit_module *modules;	/* /proc/modules order */
	size_t count;
	/* 0 when the journal was read; a negative errno when it could not
	 * be, with journal_problem saying why (libsystemd missing, ...). */
	int journal_error;
	char journal_problem[256];
	/* With PMOD_AUDIT_REFUSALS: oldest first. */
	struct pmod_journal_record *refusals;
	size_t nrefusals;
};

/* Fails (err filled) only when the loaded modules cannot be listed or
 * memory runs out; a module that cannot be judged has its reason in its
 * entry. The verdicts' certificate names belong to the context: free the
 * audit (pmod_audit_free) before it. */
int pmod_audit(struct pmod_ctx *ctx, unsigned flags, struct pmod_audit **audit,
	       struct pmod_error *err);
void pmod_audit_free(struct pmod_audit *audit);

/* ---------------------------------------------------------------- escaping */
/* One escaper for every string that someone else chose (a file name, a
 * configuration value, a module's signer, an argument) on its way into a
 * log line or onto a terminal: a newline in it cannot start a forged
 * line, an escape sequence cannot move the cursor. */

enum pmod_escape_flags {
	/* The records' key=value form: a value that is not plain (letters,
	 * digits and ._/:+,-@*?[]) is put in double quotes, with " and \
	 * and every byte outside printable ASCII escaped. Without it,
	 * nothing is quoted and only control bytes (below 0x20, 0x7f and the
	 * C1 controls U+0080 to U+009F) and bytes that are not well-formed
	 * UTF-8 are escaped, so ordinary names, in any script, print exactly
	 * as they are. */
	PMOD_ESCAPE_QUOTE = 1 << 0,
};

/* s written into buf (always NUL-terminated when size > 0) with escapes
 * as \xNN (and \" \\ when quoting). max (0: no limit) caps the escaped
 * text, quotes excepted; a string cut there ends in "...", inside the
 * quotes when quoting. Returns the length the whole result needs, like
 * snprintf. */
size_t pmod_escape(const char *s, unsigned flags, size_t max, char *buf, size_t size);

/* ---------------------------------------------------------------- depmod */

/* Receives one text output of a dry run: file_name is the file it would
 * have been written to ("modules.dep", ...) and bytes[0..len) its whole
 * content, not NUL-terminated (len may be 0). A negative errno stops
 * pmod_depmod, which returns it. */
typedef int (*pmod_depmod_output_fn)(void *data, const char *file_name, const char *bytes,
				     size_t len);
/* One dependency found while resolving symbols: the module at module_path
 * needs `symbol`, which the module at provider_path exports. Called once
 * per new edge, in module order; paths are the files as opened. */
typedef void (*pmod_depmod_dependency_fn)(void *data, const char *module_path,
					  const char *symbol, const char *provider_path);

struct pmod_depmod_options {
	size_t size;		/* sizeof(struct pmod_depmod_options) */
	/* -C: configuration files or directories replacing the default
	 * depmod.d search list; NULL-terminated, NULL for the defaults. */
	const char *const *config_paths;
	/* -o: write outputs under OUTDIR/MODDIR/RELEASE instead of the input
	 * module directory (taken under the context's root). */
	const char *outdir;
	/* FILE arguments: index only these (absolute) module files, with no
	 * configuration. NULL-terminated, or NULL for a full scan. */
	const char *const *files;
	/* -n: write nothing; hand each text output (modules.dep,
	 * modules.alias, modules.softdep, modules.weakdep, modules.symbols,
	 * modules.devname, in that order) to dry_run_output instead, when it
	 * is not NULL, with dry_run_data. */
	bool dry_run;
	pmod_depmod_output_fn dry_run_output;
	void *dry_run_data;
	/* -A: do nothing when modules.dep is newer than every module. */
	bool quick;
	/* -E Module.symvers / -F System.map: kernel symbols, -e: warn about
	 * symbols nobody provides (and CRC mismatches with -E). */
	const char *symvers;
	const char *system_map;
	bool warn_unknown_symbols;
	/* -P: a symbol prefix character to strip ('\0' for none). */
	char symbol_prefix;
	/* -v: every dependency edge, when not NULL, with dependency_data. */
	pmod_depmod_dependency_fn dependency_fn;
	void *dependency_data;
	/* -w: warn about duplicate index entries. */
	bool warn_duplicates;
	/* Threads reading modules: 0 means every online CPU. The output does
	 * not depend on it. */
	unsigned jobs;
};

/* Scan the module directory, resolve symbols and dependencies, and write
 * every index (each file atomically). Problems with single modules are
 * logged and the module is skipped; cycles, unreadable configuration or a
 * failure to write are errors (err filled, nothing half-written). */
int pmod_depmod(struct pmod_ctx *ctx, const struct pmod_depmod_options *opts,
		struct pmod_error *err);

/* ---------------------------------------------------------------- static device nodes */

/* One line of modules.devname (written by depmod): a device node that
 * should exist before its module is loaded, so that opening it loads the
 * module. Lines that are comments or blank are not listed. A line that
 * cannot be used has `problem` set (a sentence) and `text` (the line,
 * escaped with pmod_escape so it prints on one line); the other fields are
 * then NULL or 0. Accepted: "MODULE DEVICE TMAJOR:MINOR" separated by
 * blanks, MODULE and DEVICE one token each of printable ASCII, DEVICE a
 * path relative to /dev with no empty, "." or ".." component, T 'c' or
 * 'b', MAJOR and MINOR decimal numbers that fit 32 bits, nothing after. */
struct pmod_static_node {
	unsigned line;		/* 1-based line number in the file */
	const char *problem;	/* NULL for a usable line */
	const char *text;	/* the line as read, escaped (always set) */
	const char *module;
	const char *device;	/* "net/tun" for /dev/net/tun */
	char type;		/* 'c' or 'b' */
	unsigned major, minor;
};
struct pmod_static_nodes {
	char *path;		/* the file read */
	struct pmod_static_node *nodes;	/* in file order */
	size_t count;
};
/* Reads MODULE_DIR/modules.devname of the context's module directory.
 * *nodes is set even on failure when the path is known (so a caller can
 * name the file): -ENOENT when the file does not exist, another negative
 * errno (err filled) when it cannot be read or is larger than 1 MiB.
 * Free with pmod_static_nodes_free in every case. */
int pmod_static_nodes_read(struct pmod_ctx *ctx, struct pmod_static_nodes **nodes,
			   struct pmod_error *err);
void pmod_static_nodes_free(struct pmod_static_nodes *nodes);

#ifdef __cplusplus
}
#endif

#endif /* PMOD_H */

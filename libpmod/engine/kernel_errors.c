// SPDX-License-Identifier: LGPL-2.1-or-later
/* What a kernel errno means for this module, in words a person can act
 * on. The kernel says little (ENOENT covers a missing symbol and, on old
 * kernels, an unknown parameter), so this looks at what it can see from
 * userspace: the parameters the module declares, its vermagic against the
 * running kernel and its signature (read from the very bytes the kernel
 * was sent, never from the path again), /sys/module's holders and
 * refcount, and modules_disabled. Every sentence fits struct pmod_error's text. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "context.h"
#include "error.h"
#include "kernel_errors.h"
#include "kernel.h"
#include "kernel_calls.h"
#include "lockdown.h"
#include "module_bytes.h"
#include "privilege.h"

static int negative(int error)
{
	return error < 0 ? error : -error;
}

/* Parameter names compare as the kernel compares them: '-' and '_' are
 * the same character. */
static bool param_name_eq(const char *a, size_t alen, const char *b, size_t blen)
{
	if (alen != blen)
		return false;
	for (size_t i = 0; i < alen; i++) {
		char x = a[i] == '-' ? '_' : a[i];
		char y = b[i] == '-' ? '_' : b[i];

		if (x != y)
			return false;
	}
	return true;
}

/* The module the kernel was sent, as an image to read its parts from.
 * Those bytes are already decoded: ones that look compressed were sent as
 * they are (a load under warn lets a non-module through), and are not
 * decoded again here, so the explanation is about what the kernel got. */
static int sent_image(struct pmod_ctx *ctx, const void *data, size_t size,
		      struct pmod_image **image, struct pmod_error *err)
{
	if (data == NULL)
		return pmod_fail(err, -ENOENT, "no module bytes");
	if (module_bytes_detect(data, size) != PMOD_COMPRESSION_NONE)
		return pmod_fail(err, -ENOEXEC, "not an ELF file");
	return pmod_image_new_from_memory(ctx, data, size, image, err);
}

struct module_params {
	struct pmod_image *image;
	struct pmod_param *params;
	size_t count;
};

static int module_params_load(struct pmod_ctx *ctx, const void *data, size_t size,
			      struct module_params *mp)
{
	const struct pmod_modinfo *entries;
	size_t n;
	int r;

	memset(mp, 0, sizeof(*mp));
	if (sent_image(ctx, data, size, &mp->image, NULL) < 0)
		return -ENOENT;
	r = pmod_image_modinfo(mp->image, &entries, &n, NULL);
	if (r >= 0)
		r = pmod_params_from_modinfo(entries, n, &mp->params, &mp->count, NULL);
	if (r < 0) {
		pmod_image_free(mp->image);
		mp->image = NULL;
	}
	return r;
}

static void module_params_release(struct module_params *mp)
{
	free(mp->params);
	pmod_image_free(mp->image);
}

/* The first parameter passed that the module does not declare, split the
 * way the kernel splits the string (spaces, with double quotes grouping).
 * Returns its length and sets *name, or 0 when every name is known. */
static size_t first_unknown_param(const char *given, const struct module_params *mp,
				  const char **name)
{
	const char *p = given;

	while (p != NULL && *p != '\0') {
		const char *start, *end;
		bool quoted = false;

		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		if (*p == '\0')
			break;
		start = p;
		while (*p != '\0' && (quoted || (*p != ' ' && *p != '\t' && *p != '\n'))) {
			if (*p == '"')
				quoted = !quoted;
			p++;
		}
		if (*start == '"')
			start++;
		end = start;
		while (end < p && *end != '=' && *end != '"')
			end++;
		if (end > start) {
			bool known = false;

			for (size_t i = 0; i < mp->count && !known; i++)
				known = param_name_eq(start, (size_t)(end - start),
						      mp->params[i].name, mp->params[i].name_len);
			if (!known) {
				*name = start;
				return (size_t)(end - start);
			}
		}
	}
	return 0;
}

/* "a, b, c" (with types when asked), cut with "..." to fit. */
static void param_list(const struct module_params *mp, bool with_types, char *buf, size_t size)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < mp->count; i++) {
		const struct pmod_param *pp = &mp->params[i];
		char item[160];
		int n;

		if (with_types && pp->type != NULL)
			n = snprintf(item, sizeof(item), "%s%.*s (%.*s)", i ? ", " : "",
				     (int)pp->name_len, pp->name, (int)pp->type_len, pp->type);
		else
			n = snprintf(item, sizeof(item), "%s%.*s", i ? ", " : "",
				     (int)pp->name_len, pp->name);
		if (n < 0 || (size_t)n >= sizeof(item) || used + (size_t)n + 4 >= size) {
			snprintf(buf + used, size - used, "%s", i ? ", ..." : "...");
			return;
		}
		memcpy(buf + used, item, (size_t)n + 1);
		used += (size_t)n;
	}
}

/* 1 and err filled when a passed parameter is unknown to the module. */
static int explain_unknown_param(const char *params, const struct module_params *mp,
				 int code, struct pmod_error *err)
{
	const char *name;
	char list[160];
	size_t len;

	len = first_unknown_param(params, mp, &name);
	if (len == 0)
		return 0;
	if (mp->count == 0) {
		pmod_fail(err, code, "unknown parameter '%.*s' (the module takes no parameters)",
			  (int)(len > 64 ? 64 : len), name);
		return 1;
	}
	param_list(mp, false, list, sizeof(list));
	pmod_fail(err, code, "unknown parameter '%.*s' (the module takes: %s)",
		  (int)(len > 64 ? 64 : len), name, list);
	return 1;
}

static void explain_vermagic(struct pmod_ctx *ctx, const void *data, size_t size, int code,
			     struct pmod_error *err)
{
	struct pmod_image *image;
	struct pmod_error why = { 0 };
	struct utsname u;
	const char *vermagic;
	size_t len;

	if (sent_image(ctx, data, size, &image, &why) < 0) {
		if (why.text[0] != '\0')
			pmod_fail(err, code, "not a valid module file: %s", why.text);
		else
			pmod_fail(err, code, "not a module the kernel can load (see dmesg)");
		return;
	}
	vermagic = pmod_image_vermagic(image);
	if (vermagic == NULL) {
		pmod_fail(err, code, "the module has no vermagic: not built for a Linux kernel (see dmesg)");
	} else if (uname(&u) == 0 &&
		   ((len = strcspn(vermagic, " ")) != strlen(u.release) ||
		    strncmp(vermagic, u.release, len) != 0)) {
		pmod_fail(err, code,
			  "the module was built for kernel %.*s "
			  "but the running kernel is %s (vermagic '%.80s')",
			  (int)(len > 64 ? 64 : len), vermagic, u.release, vermagic);
	} else {
		pmod_fail(err, code,
			  "the module matches this kernel release but not its configuration or "
			  "architecture (see dmesg)");
	}
	pmod_image_free(image);
}

/* Why the kernel refused a signature, told by pmod's own verdict on the
 * same bytes: a changed module and an unknown key need different fixes.
 * The kernel's keyring is not readable from userspace, so a module pmod
 * finds valid is one whose key only pmod's trust store holds. */
static void explain_signature(struct pmod_ctx *ctx, const void *data, size_t size, int code,
			      struct pmod_error *err)
{
	struct pmod_verify_result v;
	struct pmod_image *image;
	int signer_len;

	if (sent_image(ctx, data, size, &image, NULL) < 0) {
		pmod_fail(err, code, "the kernel rejected the module's signature");
		return;
	}
	if (pmod_image_verify(image, &v, NULL) < 0) {
		pmod_image_free(image);
		pmod_fail(err, code, "the kernel rejected the module's signature");
		return;
	}
	pmod_image_free(image);
	signer_len = (int)(v.signer.name_len > 80 ? 80 : v.signer.name_len);
	switch (v.verdict) {
	case PMOD_VERDICT_UNSIGNED:
		pmod_fail(err, code,
			  "the kernel accepts only signed modules and this module is unsigned "
			  "(or its signature was stripped by a forced load)");
		break;
	case PMOD_VERDICT_MALFORMED:
		pmod_fail(err, code, "the kernel rejected the module's signature: it is malformed");
		break;
	case PMOD_VERDICT_BAD_SIGNATURE:
		pmod_fail(err, code,
			  "the kernel rejected the module's signature: the module does not match "
			  "it (changed after signing, or a damaged signature)");
		break;
	case PMOD_VERDICT_VALID:
		pmod_fail(err, code,
			  "the kernel rejected the module's signature: its signer '%.*s' is in "
			  "pmod's trust store but the kernel does not hold that key or cannot "
			  "check %s (see dmesg)", signer_len, v.signer.name,
			  v.signer.hash_algo[0] ? v.signer.hash_algo : "its hash");
		break;
	default:
		pmod_fail(err, code,
			  "the kernel rejected the module's signature: no trusted key matches "
			  "its signer '%.*s'", signer_len, v.signer.name);
		break;
	}
}

/* The same sentences as the early checks (lockdown.c, privilege.c): the
 * kernel's EPERM is either the lock or the missing privilege. */
static void explain_eperm(struct pmod_ctx *ctx, enum pmod_operation op, int code,
			  struct pmod_error *err)
{
	if (!lockdown_explain(ctx, op, true, code, err))
		privilege_explain(ctx_privilege(ctx), op, code, err);
}

void explain_insert(struct pmod_ctx *ctx, const void *data, size_t size, const char *params,
		    int error, struct pmod_error *err)
{
	struct module_params mp;
	int code = negative(error);
	char list[200];

	if (params == NULL)
		params = "";
	switch (-code) {
	case EEXIST:
		pmod_fail(err, code, "the module is already loaded");
		return;
	case ENOENT:
	case EINVAL:
		if (module_params_load(ctx, data, size, &mp) == 0) {
			bool done = explain_unknown_param(params, &mp, code, err) == 1;

			if (!done && code == -EINVAL && params[0] != '\0' && mp.count > 0) {
				param_list(&mp, true, list, sizeof(list));
				pmod_fail(err, code,
					  "a parameter value was rejected (the module takes: %s); "
					  "see dmesg", list);
				done = true;
			}
			module_params_release(&mp);
			if (done)
				return;
		}
		if (code == -ENOENT)
			pmod_fail(err, code,
				  "a symbol it needs is missing: a module it depends on is not loaded "
				  "(load it first, or run depmod if modules.dep is stale); dmesg "
				  "names the symbol");
		else
			pmod_fail(err, code, "invalid parameters or flags (see dmesg)");
		return;
	case ENOEXEC:
		explain_vermagic(ctx, data, size, code, err);
		return;
	case ESRCH:
		pmod_fail(err, code,
			  "a symbol version does not match the running kernel: the module was "
			  "built against another kernel (see dmesg)");
		return;
	case EKEYREJECTED:
	case ENOKEY:
	case EBADMSG:
	case ENOPKG:
		explain_signature(ctx, data, size, code, err);
		return;
	case EPERM:
		explain_eperm(ctx, PMOD_OPERATION_LOAD, code, err);
		return;
	case EBUSY:
		pmod_fail(err, code, "the module is being loaded or unloaded right now; try again");
		return;
	case ENODEV:
	case ENXIO:
		pmod_fail(err, code,
			  "the module's initialisation found no device or feature to drive "
			  "(see dmesg)");
		return;
	case ENOMEM:
		pmod_fail(err, code, "the kernel ran out of memory loading the module");
		return;
	default:
		pmod_fail(err, code, "the module's initialisation or the kernel failed: %s "
			  "(see dmesg)", strerror(-code));
	}
}

void explain_remove(struct pmod_ctx *ctx, const char *name, int error,
			 struct pmod_error *err)
{
	struct pmod_loaded_module usage;
	int code = negative(error);
	char holders[160];

	switch (-code) {
	case EAGAIN:
	case EBUSY:
		if (name == NULL || pmod_kernel_module_usage(ctx, name, &usage, NULL) < 0) {
			pmod_fail(err, code, "the module is in use");
			return;
		}
		if (usage.nholders > 0) {
			size_t used = 0;

			holders[0] = '\0';
			for (size_t i = 0; i < usage.nholders; i++) {
				int n = snprintf(holders + used, sizeof(holders) - used, "%s%s",
						 i ? ", " : "", usage.holders[i]);

				if (n < 0 || used + (size_t)n + 5 >= sizeof(holders)) {
					snprintf(holders + used, sizeof(holders) - used, ", ...");
					break;
				}
				used += (size_t)n;
			}
			pmod_fail(err, code, "the module is in use by %s (refcount %ld)", holders,
				  usage.refcnt);
		} else if (usage.refcnt > 0) {
			pmod_fail(err, code, "the module is held by %ld reference%s "
				  "(open devices or files)", usage.refcnt,
				  usage.refcnt == 1 ? "" : "s");
		} else if (code == -EBUSY) {
			pmod_fail(err, code, "the module is not live (still loading or unloading) "
				  "or cannot be unloaded (it has no exit function)");
		} else {
			pmod_fail(err, code, "the module is in use");
		}
		pmod_loaded_module_release(&usage);
		return;
	case ENOENT:
		pmod_fail(err, code, "the module is not loaded");
		return;
	case EPERM:
		explain_eperm(ctx, PMOD_OPERATION_UNLOAD, code, err);
		return;
	default:
		pmod_fail(err, code, "%s", strerror(-code));
	}
}

void describe_usage(const struct pmod_loaded_module *usage, char *buf, size_t size)
{
	size_t used = 0;
	int n;

	if (size == 0)
		return;
	buf[0] = '\0';
	if (usage->nholders == 0) {
		snprintf(buf, size, " (refcount %ld: open files, devices or mounts hold it)",
			 usage->refcnt);
		return;
	}
	n = snprintf(buf, size, " by:");
	used = n < 0 ? 0 : (size_t)n;
	for (size_t i = 0; i < usage->nholders && used < size; i++) {
		n = snprintf(buf + used, size - used, " %s", usage->holders[i]);
		if (n < 0)
			return;
		used += (size_t)n;
	}
	if (used < size)
		snprintf(buf + used, size - used, " (refcount %ld)", usage->refcnt);
}

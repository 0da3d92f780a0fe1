// SPDX-License-Identifier: LGPL-2.1-or-later
/* kmod_module_get_info: a module's modinfo, in file order, then what its
 * signature says, in kmod's keys and format; for a built-in module, its
 * entries of modules.builtin.modinfo. libpmod reads and parses; this file
 * only lays the answers out as kmod does. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "context.h"
#include "list.h"
#include "module.h"
#include "module_file.h"

struct module_info {
	char *key;
	char value[];			/* the key follows the value */
};

static struct kmod_list *info_append(struct kmod_list **list, const char *key, size_t key_len,
				     const char *value, size_t value_len)
{
	struct module_info *info = malloc(sizeof(*info) + value_len + 1 + key_len + 1);
	struct kmod_list *longer;

	if (info == NULL)
		return NULL;
	memcpy(info->value, value, value_len);
	info->value[value_len] = '\0';
	info->key = info->value + value_len + 1;
	memcpy(info->key, key, key_len);
	info->key[key_len] = '\0';
	longer = list_append(*list, info);
	if (longer == NULL) {
		free(info);
		return NULL;
	}
	*list = longer;
	return longer;
}

/* kmod's rendering of binary values: upper-case hex bytes joined by ':',
 * and a line break with two tabs after every 20 bytes. */
#define HEX_BYTES_PER_LINE 20

static struct kmod_list *info_append_hex(struct kmod_list **list, const char *key,
					 const unsigned char *bytes, size_t len)
{
	static const char digits[] = "0123456789ABCDEF";
	struct kmod_list *added;
	char *text, *p;

	/* Three characters a byte, and three more for each line break. */
	text = malloc(len * 3 + (len / HEX_BYTES_PER_LINE) * 3 + 1);
	if (text == NULL)
		return NULL;
	p = text;
	for (size_t i = 0; i < len; i++) {
		*p++ = digits[bytes[i] >> 4];
		*p++ = digits[bytes[i] & 0x0f];
		if (i + 1 < len) {
			*p++ = ':';
			if ((i + 1) % HEX_BYTES_PER_LINE == 0) {
				memcpy(p, "\n\t\t", 3);
				p += 3;
			}
		}
	}
	*p = '\0';
	added = info_append(list, key, strlen(key), text, (size_t)(p - text));
	free(text);
	return added;
}

static int append_modinfo(struct kmod_list **list, const struct pmod_modinfo *entries,
			  size_t count)
{
	for (size_t i = 0; i < count; i++)
		if (info_append(list, entries[i].key, entries[i].key_len, entries[i].value,
				strlen(entries[i].value)) == NULL)
			return -ENOMEM;
	return (int)count;
}

/* The keys kmod adds for a signed module. An unsigned module, or one
 * whose signature cannot be parsed, gets none (kmod says nothing either). */
static int append_signature(struct kmod_list **list, struct pmod_image *image)
{
	const struct pmod_signature *sig;
	struct pmod_error err = { 0 };
	const struct pmod_signer *signer;

	if (pmod_image_signature(image, &sig, &err) < 0)
		return 0;
	signer = &sig->signer;
	if (info_append(list, "sig_id", 6, sig->id_type_name, strlen(sig->id_type_name)) == NULL ||
	    info_append(list, "signer", 6, signer->name, strlen(signer->name)) == NULL ||
	    info_append_hex(list, "sig_key", signer->key_id, signer->key_id_len) == NULL ||
	    info_append(list, "sig_hashalgo", 12, signer->hash_algo,
			strlen(signer->hash_algo)) == NULL ||
	    info_append_hex(list, "signature", sig->sig, sig->sig_len) == NULL)
		return -ENOMEM;
	return 5;
}

static bool is_builtin(const struct kmod_module *mod)
{
	return pmod_kernel_module_state(ctx_pmod(module_ctx(mod)), kmod_module_get_name(mod)) ==
	       PMOD_STATE_BUILTIN;
}

static int builtin_info(const struct kmod_module *mod, struct kmod_list **list)
{
	struct pmod_error err = { 0 };
	struct pmod_modinfo *entries;
	size_t count;
	int r;

	r = pmod_builtin_modinfo(ctx_pmod(module_ctx(mod)), kmod_module_get_name(mod), &entries,
				 &count, &err);
	if (r < 0) {
		if (r != -ENOENT)
			ctx_log_message(module_ctx(mod), LOG_ERR, "kmod_module_get_info", "%s\n", err.text);
		return r;
	}
	r = append_modinfo(list, entries, count);
	pmod_free(entries);
	return r;
}

static int file_info(const struct kmod_module *mod, struct kmod_list **list)
{
	const struct pmod_modinfo *entries;
	struct pmod_error err = { 0 };
	struct pmod_image *image;
	size_t count;
	int r, sig;

	r = module_file_open_image(mod, &image, "kmod_module_get_info");
	if (r < 0)
		return r;
	r = pmod_image_modinfo(image, &entries, &count, &err);
	if (r < 0) {
		ctx_log_message(module_ctx(mod), LOG_ERR, "kmod_module_get_info", "%s\n", err.text);
	} else {
		r = append_modinfo(list, entries, count);
		if (r >= 0) {
			sig = append_signature(list, image);
			r = sig < 0 ? sig : r + sig;
		}
	}
	pmod_image_free(image);
	return r;
}

int kmod_module_get_info(const struct kmod_module *mod, struct kmod_list **list)
{
	int r;

	if (mod == NULL || list == NULL)
		return -ENOENT;
	if (is_builtin(mod))
		r = builtin_info(mod, list);
	else
		r = file_info(mod, list);
	if (r < 0) {
		kmod_module_info_free_list(*list);
		*list = NULL;
	}
	return r;
}

const char *kmod_module_info_get_key(const struct kmod_list *entry)
{
	if (entry == NULL)
		return NULL;
	return ((const struct module_info *)entry->data)->key;
}

const char *kmod_module_info_get_value(const struct kmod_list *entry)
{
	if (entry == NULL)
		return NULL;
	return ((const struct module_info *)entry->data)->value;
}

void kmod_module_info_free_list(struct kmod_list *list)
{
	list_release(list, free);
}

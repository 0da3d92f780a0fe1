// SPDX-License-Identifier: LGPL-2.1-or-later
/* The symbols of a module file, as kmod lists them: the CRCs it expects
 * (__versions), the symbols it exports, and the symbols it needs with how
 * it binds them. libpmod parses the ELF; this file hands out the lists. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "context.h"
#include "list.h"
#include "module.h"
#include "module_file.h"

/* One entry of any of the three lists: kmod's layout, symbol last. */
struct module_symbol {
	uint64_t crc;
	uint8_t bind;
	char symbol[];
};

static int symbol_append(struct kmod_list **list, const char *symbol, uint64_t crc, uint8_t bind)
{
	size_t size = strlen(symbol) + 1;
	struct module_symbol *entry = malloc(sizeof(*entry) + size);
	struct kmod_list *longer;

	if (entry == NULL)
		return -ENOMEM;
	entry->crc = crc;
	entry->bind = bind;
	memcpy(entry->symbol, symbol, size);
	longer = list_append(*list, entry);
	if (longer == NULL) {
		free(entry);
		return -ENOMEM;
	}
	*list = longer;
	return 0;
}

enum symbol_table { TABLE_VERSIONS, TABLE_EXPORTS, TABLE_IMPORTS };

/* The chosen table of the module's file, appended to *list; its length,
 * or a negative errno (and *list left empty). */
static int read_table(const struct kmod_module *mod, struct kmod_list **list,
		      enum symbol_table table, const char *function)
{
	struct pmod_error err = { 0 };
	struct pmod_image *image;
	size_t count = 0;
	int r;

	if (mod == NULL || list == NULL)
		return -ENOENT;
	r = module_file_open_image(mod, &image, function);
	if (r < 0)
		return r;
	if (table == TABLE_VERSIONS) {
		const struct pmod_version *v;

		r = pmod_image_versions(image, &v, &count, &err);
		for (size_t i = 0; r >= 0 && i < count; i++)
			r = symbol_append(list, v[i].symbol, v[i].crc, KMOD_SYMBOL_NONE);
	} else if (table == TABLE_EXPORTS) {
		const struct pmod_export *e;

		r = pmod_image_exports(image, &e, &count, &err);
		/* kmod finds no exports where it finds neither __crc_ symbols
		 * nor a __ksymtab_strings section, and says so. */
		if (r >= 0 && count == 0)
			r = -ENOENT;
		for (size_t i = 0; r >= 0 && i < count; i++)
			r = symbol_append(list, e[i].symbol, e[i].crc, KMOD_SYMBOL_NONE);
	} else {
		const struct pmod_import *im;

		r = pmod_image_imports(image, &im, &count, &err);
		for (size_t i = 0; r >= 0 && i < count; i++)
			r = symbol_append(list, im[i].symbol, im[i].crc,
					  im[i].weak ? KMOD_SYMBOL_WEAK : KMOD_SYMBOL_UNDEF);
	}
	if (r < 0 && err.text[0] != '\0')
		ctx_log_message(module_ctx(mod), LOG_ERR, function, "%s\n", err.text);
	pmod_image_free(image);
	if (r < 0) {
		list_release(*list, free);
		*list = NULL;
		return r;
	}
	return (int)count;
}

static const struct module_symbol *entry_symbol(const struct kmod_list *entry)
{
	return entry == NULL ? NULL : entry->data;
}

int kmod_module_get_versions(const struct kmod_module *mod, struct kmod_list **list)
{
	return read_table(mod, list, TABLE_VERSIONS, __func__);
}

const char *kmod_module_version_get_symbol(const struct kmod_list *entry)
{
	const struct module_symbol *s = entry_symbol(entry);

	return s ? s->symbol : NULL;
}

uint64_t kmod_module_version_get_crc(const struct kmod_list *entry)
{
	const struct module_symbol *s = entry_symbol(entry);

	return s ? s->crc : 0;
}

void kmod_module_versions_free_list(struct kmod_list *list)
{
	list_release(list, free);
}

int kmod_module_get_symbols(const struct kmod_module *mod, struct kmod_list **list)
{
	return read_table(mod, list, TABLE_EXPORTS, __func__);
}

const char *kmod_module_symbol_get_symbol(const struct kmod_list *entry)
{
	const struct module_symbol *s = entry_symbol(entry);

	return s ? s->symbol : NULL;
}

uint64_t kmod_module_symbol_get_crc(const struct kmod_list *entry)
{
	const struct module_symbol *s = entry_symbol(entry);

	return s ? s->crc : 0;
}

void kmod_module_symbols_free_list(struct kmod_list *list)
{
	list_release(list, free);
}

int kmod_module_get_dependency_symbols(const struct kmod_module *mod, struct kmod_list **list)
{
	return read_table(mod, list, TABLE_IMPORTS, __func__);
}

const char *kmod_module_dependency_symbol_get_symbol(const struct kmod_list *entry)
{
	const struct module_symbol *s = entry_symbol(entry);

	return s ? s->symbol : NULL;
}

int kmod_module_dependency_symbol_get_bind(const struct kmod_list *entry)
{
	const struct module_symbol *s = entry_symbol(entry);

	return s ? s->bind : 0;
}

uint64_t kmod_module_dependency_symbol_get_crc(const struct kmod_list *entry)
{
	const struct module_symbol *s = entry_symbol(entry);

	return s ? s->crc : 0;
}

void kmod_module_dependency_symbols_free_list(struct kmod_list *list)
{
	list_release(list, free);
}

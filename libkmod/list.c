// SPDX-License-Identifier: LGPL-2.1-or-later
#include <stdlib.h>

#include "libkmod.h"
#include "list.h"

struct kmod_list *list_append(struct kmod_list *list, void *data)
{
	struct kmod_list *entry = malloc(sizeof(*entry));

	if (entry == NULL)
		return NULL;
	entry->data = data;
	if (list == NULL) {
		entry->next = entry->prev = entry;
		return entry;
	}
	entry->next = list;
	entry->prev = list->prev;
	list->prev->next = entry;
	list->prev = entry;
	return list;
}

void list_release(struct kmod_list *list, void (*release)(void *data))
{
	struct kmod_list *entry, *next;

	if (list == NULL)
		return;
	/* Cut the circle so that the walk ends at the last entry. */
	list->prev->next = NULL;
	for (entry = list; entry != NULL; entry = next) {
		next = entry->next;
		if (release != NULL)
			release(entry->data);
		free(entry);
	}
}

struct kmod_list *kmod_list_next(const struct kmod_list *list, const struct kmod_list *curr)
{
	if (list == NULL || curr == NULL || curr->next == list)
		return NULL;
	return curr->next;
}

struct kmod_list *kmod_list_prev(const struct kmod_list *list, const struct kmod_list *curr)
{
	if (list == NULL || curr == NULL || curr == list)
		return NULL;
	return curr->prev;
}

struct kmod_list *kmod_list_last(const struct kmod_list *list)
{
	if (list == NULL)
		return NULL;
	return list->prev;
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The lists handed to libkmod's callers: circular and doubly linked, named
 * by their first entry, so that the first entry's prev is the last one
 * and the last one's next is the first. Callers only walk them through
 * kmod_list_next/prev/last, which stop at either end. */
#ifndef PMOD_LIBKMOD_LIST_H
#define PMOD_LIBKMOD_LIST_H

struct kmod_list {
	struct kmod_list *next;
	struct kmod_list *prev;
	void *data;
};

/* The list with data added at its end: the new first entry (the same one
 * unless list was empty), or NULL when out of memory (list unchanged). */
struct kmod_list *list_append(struct kmod_list *list, void *data);
/* Frees every entry, after handing its data to release (when not NULL). */
void list_release(struct kmod_list *list, void (*release)(void *data));

#endif

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Reader for kmod's binary index format (modules.*.bin): a path-compressed
 * trie of big-endian u32 node references, read in place from a read-only
 * mapping. Every reference, length and terminator is checked, and a walk
 * is bounded, so a corrupt or hostile index gives an error, never a crash
 * or a loop. Either node layout (pre-order or post-order) is accepted. */
#ifndef PMOD_INDEX_READER_H
#define PMOD_INDEX_READER_H

#include <stddef.h>
#include <stdint.h>

#include "pmod.h"

struct index_reader;

struct index_value {
	uint32_t priority;
	const char *value;		/* points into the mapping */
};

/* -ENOENT when the file does not exist, -ENODATA when it is empty (depmod
 * writes 0-byte indexes), -EBADMSG for a bad header. */
int index_reader_open(const char *path, struct index_reader **out, struct pmod_error *err);
int index_reader_open_memory(const void *data, size_t size, struct index_reader **out,
			     struct pmod_error *err);
void index_reader_close(struct index_reader *idx);

/* Exact key: the first (lowest-priority) value. -ENODATA when absent. */
int index_reader_lookup(struct index_reader *idx, const char *key, const char **value,
			struct pmod_error *err);

/* Stored keys are fnmatch patterns matched against the literal key. All
 * matching values, by ascending priority; equal priorities come out in
 * reverse order of discovery (kmod's order). *values is malloc'ed. */
int index_reader_search(struct index_reader *idx, const char *key,
			struct index_value **values, size_t *count, struct pmod_error *err);

/* Every key and value in key order (values of one key in stored order);
 * fn returning non-zero stops the walk and is returned. */
int index_reader_dump(struct index_reader *idx,
		      int (*fn)(void *data, const char *key, const char *value), void *data,
		      struct pmod_error *err);

#endif

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Writer for kmod's binary index format (modules.*.bin), the counterpart of
 * index_reader.h: keys are added to a path-compressed trie in memory and
 * serialised in pre-order, the layout kmod 34 writes. The result depends
 * only on the sequence of adds, so the same input gives the same bytes. */
#ifndef PMOD_INDEX_WRITER_H
#define PMOD_INDEX_WRITER_H

#include <stddef.h>
#include <stdint.h>

struct index_writer;

int index_writer_new(struct index_writer **out);
void index_writer_free(struct index_writer *w);

/* Adds value under key with a priority. Keys and values must be 7-bit
 * ASCII (bytes 1..127): -EINVAL otherwise, with the index unchanged, and
 * the caller reports it. The empty key (stored at the root) and the empty
 * value are allowed.
 *
 * Values of one key are kept in ascending priority; a new value goes before
 * the first existing value whose priority is >= its own, so equal
 * priorities end up in reverse insertion order. A value string already
 * stored under the key (whatever its priority) is stored again and 1 is
 * returned, for depmod -w to warn about; otherwise 0. */
int index_writer_add(struct index_writer *w, const char *key, const char *value,
		     uint32_t priority);

/* Serialises the index: a 12-byte header (magic, version 2.1, root
 * reference), then the nodes in pre-order (the root at offset 12, each node
 * followed by its children's subtrees in ascending byte order), big-endian,
 * without padding. An empty index is just the header, with root reference
 * 0x0000000C. *data is malloc'ed and owned by the caller. -EFBIG when the
 * file would be larger than the 28-bit node offsets can address (256 MiB),
 * -ENOMEM. */
int index_writer_serialize(const struct index_writer *w, uint8_t **data, size_t *size);

#endif

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* modules.devname, read: the device nodes that load their module when
 * opened, one per line, each checked against the shape depmod writes. */
#ifndef PMOD_DEVNAME_FILE_H
#define PMOD_DEVNAME_FILE_H

#include "pmod.h"

/* Fills out->nodes and out->count from the file at path (out->path is the
 * caller's). -ENOENT when it does not exist; other read failures and a
 * file over the size cap are negative errnos with err filled. On failure
 * out->nodes stays NULL. */
int devname_file_read(const char *path, struct pmod_static_nodes *out, struct pmod_error *err);

/* Frees what devname_file_read put in nodes (each node's strings live in
 * one block that starts at its text). */
void devname_file_free_nodes(struct pmod_static_nodes *nodes);

#endif

// SPDX-License-Identifier: LGPL-2.1-or-later
/* The static-node call of the public API, bound to a context: the index
 * layer reads a file it is given; the context says which one. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "context.h"
#include "devname_file.h"
#include "error.h"

int pmod_static_nodes_read(struct pmod_ctx *ctx, struct pmod_static_nodes **nodes,
			   struct pmod_error *err)
{
	struct pmod_static_nodes *n = calloc(1, sizeof(*n));

	*nodes = n;
	if (n == NULL)
		return pmod_fail(err, -ENOMEM, "out of memory");
	if (asprintf(&n->path, "%s/modules.devname", pmod_ctx_module_dir(ctx)) < 0) {
		n->path = NULL;
		return pmod_fail(err, -ENOMEM, "out of memory");
	}
	return devname_file_read(n->path, n, err);
}

void pmod_static_nodes_free(struct pmod_static_nodes *nodes)
{
	if (nodes == NULL)
		return;
	devname_file_free_nodes(nodes);
	free(nodes->path);
	free(nodes);
}

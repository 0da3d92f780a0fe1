// SPDX-License-Identifier: LGPL-2.1-or-later
/* The configuration calls of the public API, bound to a context: the
 * configuration layer takes its root, module directory and log sink as
 * arguments and never sees the context. */
#include "context.h"
#include "modprobe_config.h"

int pmod_config_load(struct pmod_ctx *ctx, const struct pmod_config_options *opts,
		     struct pmod_config **cfg, struct pmod_error *err)
{
	return modprobe_config_load(ctx_log_sink(ctx), pmod_ctx_root(ctx), pmod_ctx_module_dir(ctx),
				    opts, cfg, err);
}

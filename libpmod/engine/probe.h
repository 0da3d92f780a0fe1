/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef PMOD_PROBE_H
#define PMOD_PROBE_H

#include "context.h"

/* An install or remove command through /bin/sh -c (system(3)), every
 * "$CMDLINE_OPTS" replaced by options, MODPROBE_MODULE=name set while it
 * runs. A non-zero exit is -EINVAL with err saying so. Leaves an
 * install-command/remove-command record (signature not-checked). */
int probe_run_command(struct pmod_ctx *ctx, const char *type, const char *name,
		      const char *command, const char *options, struct pmod_error *err);

#endif

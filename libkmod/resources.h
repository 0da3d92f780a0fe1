/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What kmod_validate_resources compares against: the modification times,
 * to the microsecond, of the configuration paths as kmod_new read them and
 * of each index kmod_load_resources opened. */
#ifndef PMOD_LIBKMOD_RESOURCES_H
#define PMOD_LIBKMOD_RESOURCES_H

#include <stdbool.h>
#include <stddef.h>

#include "libkmod.h"

#define RESOURCE_INDEX_COUNT 5

struct resource_stamps {
	unsigned long long *config;	/* one per pmod_config_source; 0: missing */
	size_t nconfig;
	bool index_loaded[RESOURCE_INDEX_COUNT];
	unsigned long long index[RESOURCE_INDEX_COUNT];
};

/* Called by kmod_new once the configuration is read; -ENOMEM or 0. */
int resources_record_config(struct kmod_ctx *ctx);
/* Called by kmod_unref before the context goes. */
void resources_release(struct kmod_ctx *ctx);

#endif

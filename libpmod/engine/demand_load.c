// SPDX-License-Identifier: LGPL-2.1-or-later
/* AutoLoadPolicy for the kernel's demand loads (peios.md §5): "enabled"
 * loads as Linux does, "disabled" refuses every one, "allow-list" loads
 * only when the requested name or the module it resolves to matches an
 * AutoLoadAllowList entry (a module name or an fnmatch pattern, e.g.
 * "fs-*" or "net-pf-10"). Names compare as modprobe compares them: '-'
 * and '_' are the same outside brackets. Explicit requests by an
 * administrator are not demand loads and never come here. */
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <string.h>

#include "context.h"
#include "error.h"
#include "policy.h"
#include "record.h"

static bool matches(const char *pattern, const char *name)
{
	char np[512], nn[512];

	if (name == NULL)
		return false;
	if (fnmatch(pattern, name, 0) == 0)
		return true;
	return pmod_alias_normalize(pattern, np, sizeof(np)) >= 0 &&
	       pmod_alias_normalize(name, nn, sizeof(nn)) >= 0 && fnmatch(np, nn, 0) == 0;
}

static int refuse(struct pmod_ctx *ctx, const char *request, const struct pmod_resolved *module,
		  const char *rule, struct pmod_error *err)
{
	pmod_fail(err, -EPERM, "demand load of '%.64s'%s%.64s%s refused by %s", request,
		  module ? " (module " : "", module ? module->name : "", module ? ")" : "", rule);
	record_refusal(ctx, PMOD_OPERATION_LOAD, module ? module->name : NULL,
		       module ? module->path : NULL, rule, -EPERM);
	return -EPERM;
}

/* The load records that follow name the rule that let the demand load
 * through (an entry is the administrator's text; the record escapes it). */
static int allow(struct pmod_ctx *ctx, const char *entry, struct pmod_error *err)
{
	char rule[320];

	if (entry != NULL)
		snprintf(rule, sizeof(rule), "AutoLoadPolicy=allow-list (AutoLoadAllowList entry %s)",
			 entry);
	else
		snprintf(rule, sizeof(rule), "AutoLoadPolicy=enabled");
	if (record_set_demand_rule(ctx, rule) < 0)
		return pmod_fail(err, -ENOMEM, "out of memory");
	return 0;
}

int pmod_demand_load_check(struct pmod_ctx *ctx, const char *request,
			   const struct pmod_resolved *module, struct pmod_error *err)
{
	const struct pmod_policy *p;
	int r;

	r = pmod_ctx_policy(ctx, &p);
	if (r < 0)
		return pmod_fail(err, r, "cannot read the module policy: %s", strerror(-r));
	switch (pmod_policy_autoload(p)) {
	case PMOD_AUTOLOAD_DISABLED:
		return refuse(ctx, request, module, "AutoLoadPolicy=disabled", err);
	case PMOD_AUTOLOAD_ALLOW_LIST:
		/* Before resolving only the request can be judged: wait for
		 * the module. */
		if (module == NULL)
			return 0;
		for (size_t i = 0; i < pmod_policy_allow_list_count(p); i++) {
			const char *entry = pmod_policy_allow_list_entry(p, i);

			if (matches(entry, request) || matches(entry, module->name))
				return allow(ctx, entry, err);
		}
		return refuse(ctx, request, module,
			      "AutoLoadPolicy=allow-list (no AutoLoadAllowList entry matches)", err);
	default:
		return allow(ctx, NULL, err);
	}
}

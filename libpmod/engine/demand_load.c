// SPDX-License-Identifier: LGPL-2.1-or-later
/* AutoLoadPolicy for the kernel's demand loads (and automatic loads such
 * as a device's driver, which follow the same policy): "enabled" loads as
 * Linux does, "disabled" refuses every one, "allow-list" loads only when
 * the requested name or the module it resolves to matches an
 * AutoLoadAllowList entry (a module name or an fnmatch pattern, e.g.
 * "fs-*" or "net-pf-10"). Names compare as modprobe compares them: '-'
 * and '_' are the same outside brackets. The policy covers every module
 * the request would bring in through an alias or a softdep, and the
 * blacklist applies to all of them by real name; the modules.dep
 * dependencies of an allowed module are part of it. Explicit requests by
 * an administrator are not demand loads and never come here. */
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include "context.h"
#include "error.h"
#include "gate.h"
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

#define RULE_DISABLED "AutoLoadPolicy=disabled"
#define RULE_NO_MATCH "AutoLoadPolicy=allow-list (no AutoLoadAllowList entry matches)"

/* The policy's word on bringing in module (NULL: not resolved yet), asked
 * for as `asked`: 0 with *entry the allow-list entry that matched or
 * *rule the allowing rule (both NULL before resolving under allow-list),
 * -EPERM with *rule the refusing rule, or the errno of a policy that
 * cannot be read (*rule NULL). */
static int judge(struct pmod_ctx *ctx, const char *asked, const char *module,
		 const char **entry, const char **rule)
{
	const struct pmod_policy *p;
	int r;

	*entry = NULL;
	*rule = NULL;
	r = pmod_ctx_policy(ctx, &p);
	if (r < 0)
		return r;
	switch (pmod_policy_autoload(p)) {
	case PMOD_AUTOLOAD_DISABLED:
		*rule = RULE_DISABLED;
		return -EPERM;
	case PMOD_AUTOLOAD_ALLOW_LIST:
		/* Before resolving only the request can be judged: wait for
		 * the module. */
		if (module == NULL)
			return 0;
		for (size_t i = 0; i < pmod_policy_allow_list_count(p); i++) {
			const char *e = pmod_policy_allow_list_entry(p, i);

			if (matches(e, asked) || matches(e, module)) {
				*entry = e;
				return 0;
			}
		}
		*rule = RULE_NO_MATCH;
		return -EPERM;
	default:
		*rule = "AutoLoadPolicy=enabled";
		return 0;
	}
}

/* rule into dst (size bytes), cut to fit: a copy, not printf, since every
 * demand load that goes ahead names its rule. */
static void copy_rule(char *dst, size_t size, const char *rule)
{
	size_t n = strlen(rule);

	if (n > size - 1)
		n = size - 1;
	memcpy(dst, rule, n);
	dst[n] = '\0';
}

int demand_check(struct pmod_ctx *ctx, struct request *req, const struct pmod_resolved *module,
		 struct pmod_error *err)
{
	const char *request = req->text ? req->text : "";
	const char *entry, *rule;
	int r;

	r = judge(ctx, request, module ? module->name : NULL, &entry, &rule);
	if (r < 0 && rule == NULL) {
		/* Unknown policy: the strictest reading, which refuses. */
		pmod_fail(err, -EPERM, "demand load of '%.64s' refused: the module policy cannot be read (%s)",
			  request, strerror(-r));
		record_refusal(ctx, req, PMOD_OPERATION_LOAD, module ? module->name : NULL,
			       module ? module->path : NULL, "AutoLoadPolicy unreadable", -EPERM);
		return -EPERM;
	}
	if (r < 0) {
		pmod_fail(err, -EPERM, "demand load of '%.64s'%s%.64s%s refused by %s", request,
			  module ? " (module " : "", module ? module->name : "", module ? ")" : "",
			  rule);
		record_refusal(ctx, req, PMOD_OPERATION_LOAD, module ? module->name : NULL,
			       module ? module->path : NULL, rule, -EPERM);
		return -EPERM;
	}
	/* The load records that follow name the rule that let the demand
	 * load through (an entry is the administrator's text; the record
	 * escapes it). Before resolving there is no verdict to name yet. */
	if (entry != NULL)
		snprintf(req->rule, sizeof(req->rule),
			 "AutoLoadPolicy=allow-list (AutoLoadAllowList entry %s)", entry);
	else if (rule != NULL)
		copy_rule(req->rule, sizeof(req->rule), rule);
	return 0;
}

const char *demand_refusing_rule(struct pmod_ctx *ctx, const struct request *req,
				 const struct pmod_resolved *module)
{
	const char *entry, *rule;

	(void)judge(ctx, req->text ? req->text : "", module ? module->name : NULL, &entry, &rule);
	return rule;
}

void demand_allowing_rule(struct pmod_ctx *ctx, const char *asked,
			  const struct pmod_resolved *module, char *rule, size_t size)
{
	const char *entry, *allowing;

	(void)judge(ctx, asked, module->name, &entry, &allowing);
	if (entry != NULL)
		snprintf(rule, size, "AutoLoadPolicy=allow-list (AutoLoadAllowList entry %s)", entry);
	else
		copy_rule(rule, size, allowing ? allowing : "");
}

int demand_check_extra(struct pmod_ctx *ctx, const struct request *req,
		       const struct pmod_config *cfg, const char *asked,
		       const struct pmod_resolved *module, bool record)
{
	const char *entry, *rule;
	int r;

	if (pmod_config_blacklisted(cfg, module->name)) {
		rule = "blacklist";
	} else {
		r = judge(ctx, asked, module->name, &entry, &rule);
		if (r == 0)
			return 0;
		(void)entry;
		if (rule == NULL)
			rule = "AutoLoadPolicy unreadable";
	}
	if (record)
		record_refusal(ctx, req, PMOD_OPERATION_LOAD, module->name, module->path, rule,
			       -EPERM);
	ctx_log(ctx, LOG_NOTICE, "demand load of '%s': not loading %s (%s)",
		req->text ? req->text : "", module->name, rule);
	if (req->judge) {
		char reason[320];
		struct pmod_gate_answer answer = {
			.gate = strcmp(rule, "blacklist") == 0 ? PMOD_GATE_BLACKLIST : PMOD_GATE_AUTOLOAD,
			.refused = true, .applied = true, .module = module->name,
			.path = module->path, .rule = rule, .reason = reason,
		};

		snprintf(reason, sizeof(reason), "%.64s, which '%.64s' brings in, is not loaded: %s",
			 module->name, asked, rule);
		gate_tell(req, &answer);
	}
	return -EPERM;
}

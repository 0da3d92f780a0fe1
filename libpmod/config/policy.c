// SPDX-License-Identifier: LGPL-2.1-or-later
/* The policy knobs: their names, how a value is checked and applied, the
 * build's signing floor, and reading them once per context (the registry
 * first; /etc/pmod/policy.conf where the system has none). Sources are in
 * policy_registry.c and policy_file.c. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>

#include "config.h"
#include "log.h"
#include "policy.h"

static const char *const knob_names[POLICY_KNOB_COUNT] = {
	[POLICY_KNOB_SIGNING] = "SigningPolicy",
	[POLICY_KNOB_AUTOLOAD] = "AutoLoadPolicy",
	[POLICY_KNOB_ALLOW_LIST] = "AutoLoadAllowList",
	[POLICY_KNOB_LOCK_AFTER_BOOT] = "LockAfterBoot",
};

const char *policy_knob_name(enum policy_knob knob)
{
	return knob < POLICY_KNOB_COUNT ? knob_names[knob] : "?";
}

int policy_knob_lookup(const char *name, size_t len)
{
	for (int k = 0; k < POLICY_KNOB_COUNT; k++)
		if (strlen(knob_names[k]) == len && strncasecmp(knob_names[k], name, len) == 0)
			return k;
	return -1;
}

enum pmod_signing_policy pmod_signing_floor(void)
{
	return PMOD_SIGNING_FLOOR_ENFORCE ? PMOD_SIGNING_ENFORCE : PMOD_SIGNING_WARN;
}

const char *pmod_signing_policy_name(enum pmod_signing_policy policy)
{
	return policy == PMOD_SIGNING_ENFORCE ? "enforce" : "warn";
}

const char *pmod_autoload_policy_name(enum pmod_autoload_policy policy)
{
	switch (policy) {
	case PMOD_AUTOLOAD_ALLOW_LIST: return "allow-list";
	case PMOD_AUTOLOAD_DISABLED: return "disabled";
	default: return "enabled";
	}
}

const char *pmod_policy_source_name(enum pmod_policy_source source)
{
	switch (source) {
	case PMOD_POLICY_SOURCE_REGISTRY: return "registry";
	case PMOD_POLICY_SOURCE_FILE: return "policy.conf";
	default: return "defaults";
	}
}

void policy_init(struct pmod_policy *p)
{
	memset(p, 0, sizeof(*p));
	p->signing_knob = pmod_signing_floor();
	p->autoload = PMOD_AUTOLOAD_ENABLED;
	p->source = PMOD_POLICY_SOURCE_DEFAULTS;
}

static void clear_list(struct pmod_policy *p)
{
	for (size_t i = 0; i < p->nallow; i++)
		free(p->allow_list[i]);
	free(p->allow_list);
	p->allow_list = NULL;
	p->nallow = 0;
}

void policy_release(struct pmod_policy *p)
{
	clear_list(p);
}

/* A value shown in a warning: cut, and with anything unprintable made
 * '?', so that a hostile value cannot garble the message. */
static const char *shown(const char *value, char *buf, size_t size)
{
	size_t i;

	for (i = 0; value[i] != '\0' && i + 1 < size; i++) {
		unsigned char c = (unsigned char)value[i];

		buf[i] = c < 0x20 || c >= 0x7f ? '?' : (char)c;
	}
	buf[i] = '\0';
	return buf;
}

int policy_set_text(const struct log_sink *log, struct pmod_policy *p, const char *where,
		    enum policy_knob knob, const char *value)
{
	char buf[64];

	switch (knob) {
	case POLICY_KNOB_SIGNING:
		if (strcasecmp(value, "warn") == 0) {
			p->signing_knob = PMOD_SIGNING_WARN;
		} else if (strcasecmp(value, "enforce") == 0) {
			p->signing_knob = PMOD_SIGNING_ENFORCE;
		} else {
			p->signing_knob = pmod_signing_floor();
			log_write(log, LOG_WARNING,
				"%s: unknown SigningPolicy '%s' (expected warn or enforce); "
				"using the build's floor '%s'", where, shown(value, buf, sizeof(buf)),
				pmod_signing_policy_name(pmod_signing_floor()));
		}
		return 0;
	case POLICY_KNOB_AUTOLOAD:
		if (strcasecmp(value, "enabled") == 0) {
			p->autoload = PMOD_AUTOLOAD_ENABLED;
		} else if (strcasecmp(value, "allow-list") == 0) {
			p->autoload = PMOD_AUTOLOAD_ALLOW_LIST;
		} else if (strcasecmp(value, "disabled") == 0) {
			p->autoload = PMOD_AUTOLOAD_DISABLED;
		} else {
			p->autoload = PMOD_AUTOLOAD_ENABLED;
			log_write(log, LOG_WARNING,
				"%s: unknown AutoLoadPolicy '%s' (expected enabled, allow-list or "
				"disabled); using the default 'enabled'", where,
				shown(value, buf, sizeof(buf)));
		}
		return 0;
	case POLICY_KNOB_ALLOW_LIST:
		return policy_set_list_text(log, p, where, value);
	case POLICY_KNOB_LOCK_AFTER_BOOT:
		if (strcmp(value, "0") == 0 || strcmp(value, "1") == 0)
			return policy_set_dword(log, p, where, knob, value[0] == '1');
		p->lock_after_boot = false;
		log_write(log, LOG_WARNING, "%s: LockAfterBoot must be 0 or 1, not '%s'; using 0",
			where, shown(value, buf, sizeof(buf)));
		return 0;
	default:
		return 0;
	}
}

int policy_set_dword(const struct log_sink *log, struct pmod_policy *p, const char *where,
		     enum policy_knob knob, uint32_t value)
{
	if (knob != POLICY_KNOB_LOCK_AFTER_BOOT) {
		log_write(log, LOG_WARNING, "%s: %s is not a number; ignored", where,
			policy_knob_name(knob));
		return 0;
	}
	if (value > 1) {
		log_write(log, LOG_WARNING, "%s: LockAfterBoot must be 0 or 1, not %u; using 0",
			where, value);
		value = 0;
	}
	p->lock_after_boot = value == 1;
	return 0;
}

/* An allow-list entry: a module name or an fnmatch pattern, printable,
 * no whitespace, not overlong. */
static bool entry_ok(const char *e)
{
	size_t len = strlen(e);

	if (len == 0 || len > POLICY_MAX_ENTRY_LEN)
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)e[i];

		if (c <= ' ' || c == 0x7f)
			return false;
	}
	return true;
}

int policy_set_list(const struct log_sink *log, struct pmod_policy *p, const char *where,
		    const char *const *items, size_t count)
{
	char buf[64];

	clear_list(p);
	p->allow_list = calloc(count ? count : 1, sizeof(*p->allow_list));
	if (p->allow_list == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < count; i++) {
		if (!entry_ok(items[i])) {
			log_write(log, LOG_WARNING,
				"%s: AutoLoadAllowList entry '%s' is not a module name or pattern; "
				"skipped", where, shown(items[i], buf, sizeof(buf)));
			continue;
		}
		if (p->nallow == POLICY_MAX_ALLOW_ENTRIES) {
			log_write(log, LOG_WARNING,
				"%s: AutoLoadAllowList has more than %d entries; the rest are ignored",
				where, POLICY_MAX_ALLOW_ENTRIES);
			break;
		}
		p->allow_list[p->nallow] = strdup(items[i]);
		if (p->allow_list[p->nallow] == NULL)
			return -ENOMEM;
		p->nallow++;
	}
	return 0;
}

int policy_set_list_text(const struct log_sink *log, struct pmod_policy *p, const char *where,
			 const char *value)
{
	static const char separators[] = " \t,";
	const char **items;
	char *copy, *save, *tok;
	size_t n = 0;
	int r;

	copy = strdup(value);
	/* At most one entry per two characters ("a,b,c"). */
	items = calloc(strlen(value) / 2 + 1, sizeof(*items));
	if (copy == NULL || items == NULL) {
		free(copy);
		free(items);
		return -ENOMEM;
	}
	for (tok = strtok_r(copy, separators, &save); tok != NULL;
	     tok = strtok_r(NULL, separators, &save))
		items[n++] = tok;
	r = policy_set_list(log, p, where, items, n);
	free(items);
	free(copy);
	return r;
}

enum pmod_signing_policy pmod_policy_signing(const struct pmod_policy *policy)
{
	/* The knob can tighten the floor, never loosen it. */
	if (pmod_signing_floor() == PMOD_SIGNING_ENFORCE)
		return PMOD_SIGNING_ENFORCE;
	return policy->signing_knob;
}

enum pmod_autoload_policy pmod_policy_autoload(const struct pmod_policy *policy)
{
	return policy->autoload;
}

size_t pmod_policy_allow_list_count(const struct pmod_policy *policy)
{
	return policy->nallow;
}

const char *pmod_policy_allow_list_entry(const struct pmod_policy *policy, size_t i)
{
	return i < policy->nallow ? policy->allow_list[i] : NULL;
}

bool pmod_policy_lock_after_boot(const struct pmod_policy *policy)
{
	return policy->lock_after_boot;
}

enum pmod_policy_source pmod_policy_source(const struct pmod_policy *policy)
{
	return policy->source;
}

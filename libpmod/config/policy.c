// SPDX-License-Identifier: LGPL-2.1-or-later
/* The policy knobs: their names, how a value is checked and applied, the
 * build's signing floor, and reading them once per context (the registry
 * first; /etc/pmod/policy.conf where the system has none). Sources are in
 * policy_registry.c and policy_file.c. */
#include <errno.h>
#include <stdarg.h>
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

/* Long enough for any word a knob takes, short enough that a hostile
 * value cannot fill the line. */
#define SHOWN_MAX 64

const char *policy_shown(const char *value, char *buf, size_t size)
{
	pmod_escape(value, PMOD_ESCAPE_QUOTE, size > SHOWN_MAX + 8 ? SHOWN_MAX : size / 2, buf,
		    size);
	return buf;
}

/* The strictest setting of one knob, as the warning names it. */
static const char *strictest_text(enum policy_knob knob)
{
	switch (knob) {
	case POLICY_KNOB_SIGNING: return "SigningPolicy = enforce";
	case POLICY_KNOB_AUTOLOAD: return "AutoLoadPolicy = disabled";
	case POLICY_KNOB_ALLOW_LIST: return "AutoLoadAllowList empty";
	default: return "LockAfterBoot = 1";
	}
}

static void set_strictest(struct pmod_policy *p, enum policy_knob knob)
{
	switch (knob) {
	case POLICY_KNOB_SIGNING:
		p->signing_knob = PMOD_SIGNING_ENFORCE;
		break;
	case POLICY_KNOB_AUTOLOAD:
		p->autoload = PMOD_AUTOLOAD_DISABLED;
		break;
	case POLICY_KNOB_ALLOW_LIST:
		clear_list(p);
		break;
	default:
		p->lock_after_boot = true;
		break;
	}
	p->fail_closed[knob] = true;
}

void policy_fail_closed(const struct log_sink *log, struct pmod_policy *p, const char *where,
			enum policy_knob knob, const char *problem, ...)
{
	char text[768];
	va_list ap;

	va_start(ap, problem);
	vsnprintf(text, sizeof(text), problem, ap);
	va_end(ap);
	set_strictest(p, knob);
	log_write(log, LOG_WARNING, "%s: %s; using the strictest setting, %s", where, text,
		  strictest_text(knob));
}

void policy_fail_closed_all(const struct log_sink *log, struct pmod_policy *p, const char *where,
			    const char *problem, ...)
{
	char text[768];
	va_list ap;

	va_start(ap, problem);
	vsnprintf(text, sizeof(text), problem, ap);
	va_end(ap);
	for (int k = 0; k < POLICY_KNOB_COUNT; k++)
		set_strictest(p, k);
	log_write(log, LOG_WARNING,
		  "%s: %s; using the strictest setting of every knob (%s, %s, %s, %s)", where,
		  text, strictest_text(POLICY_KNOB_SIGNING), strictest_text(POLICY_KNOB_AUTOLOAD),
		  strictest_text(POLICY_KNOB_ALLOW_LIST),
		  strictest_text(POLICY_KNOB_LOCK_AFTER_BOOT));
}

/* A good value after a bad one of the same knob: what the administrator
 * meant is unknown, and a later line cannot settle it. Said once per
 * value, quietly: the bad one was already warned about. */
static bool kept_strictest(const struct log_sink *log, const struct pmod_policy *p,
			   const char *where, enum policy_knob knob)
{
	if (!p->fail_closed[knob])
		return false;
	log_write(log, LOG_INFO, "%s: %s ignored: an earlier value could not be understood",
		  where, policy_knob_name(knob));
	return true;
}

int policy_set_text(const struct log_sink *log, struct pmod_policy *p, const char *where,
		    enum policy_knob knob, const char *value)
{
	char buf[SHOWN_MAX + 16];

	switch (knob) {
	case POLICY_KNOB_SIGNING:
		if (strcasecmp(value, "warn") != 0 && strcasecmp(value, "enforce") != 0)
			policy_fail_closed(log, p, where, knob,
					   "unknown SigningPolicy value %s (expected warn or enforce)",
					   policy_shown(value, buf, sizeof(buf)));
		else if (!kept_strictest(log, p, where, knob))
			p->signing_knob = strcasecmp(value, "warn") == 0 ? PMOD_SIGNING_WARN
									 : PMOD_SIGNING_ENFORCE;
		return 0;
	case POLICY_KNOB_AUTOLOAD:
		if (strcasecmp(value, "enabled") != 0 && strcasecmp(value, "allow-list") != 0 &&
		    strcasecmp(value, "disabled") != 0)
			policy_fail_closed(log, p, where, knob,
					   "unknown AutoLoadPolicy value %s (expected enabled, "
					   "allow-list or disabled)",
					   policy_shown(value, buf, sizeof(buf)));
		else if (!kept_strictest(log, p, where, knob))
			p->autoload = strcasecmp(value, "enabled") == 0 ? PMOD_AUTOLOAD_ENABLED
				      : strcasecmp(value, "disabled") == 0 ? PMOD_AUTOLOAD_DISABLED
									   : PMOD_AUTOLOAD_ALLOW_LIST;
		return 0;
	case POLICY_KNOB_ALLOW_LIST:
		return policy_set_list_text(log, p, where, value);
	case POLICY_KNOB_LOCK_AFTER_BOOT:
		if (strcmp(value, "0") == 0 || strcmp(value, "1") == 0)
			return policy_set_dword(log, p, where, knob, value[0] == '1');
		policy_fail_closed(log, p, where, knob, "LockAfterBoot value %s is not 0 or 1",
				   policy_shown(value, buf, sizeof(buf)));
		return 0;
	default:
		return 0;
	}
}

int policy_set_dword(const struct log_sink *log, struct pmod_policy *p, const char *where,
		     enum policy_knob knob, uint32_t value)
{
	if (knob >= POLICY_KNOB_COUNT)
		return 0;
	if (knob != POLICY_KNOB_LOCK_AFTER_BOOT) {
		policy_fail_closed(log, p, where, knob, "%s is a number (%u), not a word",
				   policy_knob_name(knob), value);
		return 0;
	}
	if (value > 1) {
		policy_fail_closed(log, p, where, knob, "LockAfterBoot value %u is not 0 or 1",
				   value);
		return 0;
	}
	if (!kept_strictest(log, p, where, knob))
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
	char buf[SHOWN_MAX + 16];

	if (kept_strictest(log, p, where, POLICY_KNOB_ALLOW_LIST))
		return 0;
	clear_list(p);
	p->allow_list = calloc(count ? count : 1, sizeof(*p->allow_list));
	if (p->allow_list == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < count; i++) {
		if (!entry_ok(items[i])) {
			log_write(log, LOG_WARNING,
				"%s: AutoLoadAllowList entry %s is not a module name or pattern; "
				"skipped (it allows nothing)", where,
				policy_shown(items[i], buf, sizeof(buf)));
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

// SPDX-License-Identifier: LGPL-2.1-or-later
/* The kernel command line's module options: tokens
 * MODNAME.PARAM[=VALUE] become "options MODNAME PARAM[=VALUE]", and
 * modprobe.blacklist=a,b adds blacklist entries. A small state machine over
 * the text, with kmod's rules about quotes: a quote may open the whole
 * token (GRUB passes "mod.p=a b" that way) or appear inside VALUE;
 * anywhere else it spoils the token. */
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <syslog.h>

#include "modprobe_config.h"
#include "log.h"

enum state {
	STATE_IGNORE,		/* this token is not a module option */
	STATE_MODNAME,
	STATE_PARAM,
	STATE_VALUE,
	STATE_COMPLETE,
};

static int add_result(const struct log_sink *log, struct pmod_config *cfg, char *modname,
		      char *param, char *value)
{
	int r;

	/* Blacklist entries from here are not normalised (kmod's rule). */
	if (strcmp(modname, "modprobe") == 0 && strncmp(param, "blacklist=", 10) == 0) {
		char *entry;

		while ((entry = strsep(&value, ",")) != NULL) {
			r = modprobe_config_add(cfg, PMOD_CONFIG_BLACKLIST, entry, NULL);
			if (r < 0)
				return r;
		}
		return 0;
	}
	if (pmod_alias_normalize(modname, modname, strlen(modname) + 1) < 0) {
		log_write(log, LOG_ERR,
			"Ignoring bad option on kernel command line while parsing module name: '%s'",
			modname);
		return 0;
	}
	for (char *p = param; *p; p++)
		if (*p == '\t')
			*p = ' ';
	return modprobe_config_add(cfg, PMOD_CONFIG_OPTIONS, modname, param);
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\n' || c == '\t' || c == '\v' || c == '\f' || c == '\r';
}

int kernel_cmdline_parse(const struct log_sink *log, struct pmod_config *cfg, char *text)
{
	enum state state = STATE_MODNAME;
	char *modname = text, *param = NULL, *value = NULL, *quote_start = NULL;
	bool quoted = false, more = true;
	int r;

	for (char *p = text; more; p++) {
		if (*p == '"') {
			quoted = !quoted;
			/* A quote opens a token only as its first character. */
			if (quoted && state == STATE_MODNAME && p == modname) {
				quote_start = p;
				modname = p + 1;
			} else if (state != STATE_VALUE) {
				state = STATE_IGNORE;
			}
		} else if (*p == '\0' || is_blank(*p)) {
			more = *p != '\0';
			if (quoted && state == STATE_VALUE) {
				/* blanks inside a quoted value belong to it */
			} else if (quoted) {
				state = STATE_IGNORE;
			} else if (state == STATE_VALUE || state == STATE_PARAM) {
				*p = '\0';
				state = STATE_COMPLETE;
			} else {
				modname = p + 1;
				state = STATE_MODNAME;
				quote_start = NULL;
			}
		} else if (*p == '.') {
			if (state == STATE_MODNAME) {
				*p = '\0';
				param = p + 1;
				state = STATE_PARAM;
			} else if (state == STATE_PARAM) {
				state = STATE_IGNORE;
			}
		} else if (*p == '=') {
			/* '=' stays in place: param keeps "PARAM=VALUE". */
			if (state == STATE_PARAM) {
				value = p + 1;
				state = STATE_VALUE;
			} else if (state == STATE_MODNAME) {
				state = STATE_IGNORE;
			}
		}
		if (state != STATE_COMPLETE)
			continue;
		/* "mod.p=a b" quoted whole becomes mod.p="a b": the name and
		 * "p=" move one byte left over the opening quote, which is put
		 * back in front of the value. */
		if (quote_start != NULL && quote_start < modname && value != NULL) {
			memmove(quote_start, modname, (size_t)(value - modname));
			value--;
			modname--;
			param--;
			*value = '"';
		}
		r = add_result(log, cfg, modname, param, value);
		if (r < 0)
			return r;
		modname = p + 1;
		param = value = NULL;
		state = STATE_MODNAME;
		quote_start = NULL;
	}
	return 0;
}

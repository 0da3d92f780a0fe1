// SPDX-License-Identifier: GPL-2.0-or-later
/* kmod lockdown: the post-boot lock. Without options it turns the lock
 * when LockAfterBoot asks for it (pmod's packages run it from a unit once
 * boot has loaded what it loads); --status says whether module operations
 * are locked, since when and by which setting, and needs no privilege.
 * libpmod decides everything (pmod_lockdown, pmod_lock_status); this
 * prints what it found. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "json_output.h"
#include "kmod_commands.h"
#include "pmod.h"
#include "tool_output.h"

static void usage(void)
{
	printf("Usage:\n"
	       "\tkmod lockdown [options]\n"
	       "\n"
	       "Locks module loading and unloading until reboot when the policy's\n"
	       "LockAfterBoot asks for it (run once boot has finished).\n"
	       "\n"
	       "Options:\n"
	       "\t    --status      say whether module operations are locked, since\n"
	       "\t                  when and by which setting; change nothing\n"
	       "\t    --wanted      exit 0 when LockAfterBoot asks for the lock, 1 when\n"
	       "\t                  not (for a unit's condition); change nothing\n"
	       "\t    --json        write --status or what was done as JSON (pmod-json(7))\n"
	       "\t    --root=DIR    read the policy and pmod's note of the lock under DIR\n"
	       "\t-h, --help        show this help\n");
}

/* "by ..., since ..." for a lock, or why it is not known. */
static void print_lock(const struct pmod_lock_status *st)
{
	switch (st->state) {
	case PMOD_LOCK_BY_PMOD:
		printf("Module loading and unloading are locked until reboot: since %s, by %s.\n",
		       st->since_text, st->setting);
		break;
	case PMOD_LOCK_BY_OTHER:
		printf("Module loading and unloading are locked until reboot "
		       "(/proc/sys/kernel/modules_disabled is 1), by someone other than pmod; "
		       "since when is not known.\n");
		break;
	case PMOD_LOCK_UNKNOWN:
		printf("Whether module loading is locked cannot be told: "
		       "/proc/sys/kernel/modules_disabled: %s.\n", strerror(-st->problem));
		break;
	default:
		printf("Module loading and unloading are not locked.\n");
		break;
	}
}

static void print_knob(const struct pmod_lock_status *st)
{
	const char *where = pmod_policy_source_name(st->policy_source);

	if (st->lock_after_boot_unreadable)
		printf("LockAfterBoot cannot be read (%s): taken as 1, the lock is turned at the "
		       "end of boot.\n", where);
	else if (st->lock_after_boot)
		printf("LockAfterBoot = 1 (%s): the lock is turned at the end of boot.\n", where);
	else
		printf("LockAfterBoot is not set (%s): nothing locks module loading.\n", where);
}

static const char *state_word(enum pmod_lock_state state)
{
	switch (state) {
	case PMOD_LOCK_BY_PMOD: return "locked-by-pmod";
	case PMOD_LOCK_BY_OTHER: return "locked-by-other";
	case PMOD_LOCK_UNKNOWN: return "unknown";
	default: return "open";
	}
}

static const char *outcome_word(enum pmod_lockdown_outcome outcome)
{
	switch (outcome) {
	case PMOD_LOCKDOWN_LOCKED: return "locked";
	case PMOD_LOCKDOWN_ALREADY: return "already-locked";
	default: return "not-asked";
	}
}

/* The document: the lock as it stands, what LockAfterBoot asks, and
 * (outcome non-NULL) what this run did. */
static int print_json(const struct pmod_lock_status *st, const char *outcome)
{
	struct json_object *doc = json_document("kmod lockdown"), *knob = json_new_object();

	if (outcome != NULL)
		json_add_string(doc, "outcome", outcome);
	json_add_bool(doc, "locked", st->state == PMOD_LOCK_BY_PMOD ||
				     st->state == PMOD_LOCK_BY_OTHER);
	json_add_string(doc, "state", state_word(st->state));
	if (st->state == PMOD_LOCK_BY_PMOD) {
		json_add_int(doc, "since", st->since);
		json_add_string(doc, "since_text", st->since_text);
		json_add_string(doc, "setting", st->setting);
	}
	if (st->state == PMOD_LOCK_UNKNOWN)
		json_add_string(doc, "problem", strerror(-st->problem));
	json_add_bool(knob, "asks_for_lock", st->lock_after_boot);
	json_add_bool(knob, "unreadable", st->lock_after_boot_unreadable);
	json_add_string(knob, "policy_source", pmod_policy_source_name(st->policy_source));
	json_add(doc, "lock_after_boot", knob);
	if (json_print(doc, stdout) < 0) {
		tool_log(LOG_ERR, "could not write to standard output");
		return EXIT_FAILURE;
	}
	return EXIT_SUCCESS;
}

static int status_main(struct pmod_ctx *ctx, bool json)
{
	struct pmod_lock_status st = { .size = sizeof(st) };
	struct pmod_error err = { 0 };

	if (pmod_lock_status(ctx, &st, &err) < 0) {
		tool_log(LOG_ERR, "%s", err.text);
		return EXIT_FAILURE;
	}
	if (json)
		return print_json(&st, NULL);
	print_lock(&st);
	print_knob(&st);
	return EXIT_SUCCESS;
}

/* For a unit's ExecCondition: 1 skips the unit. Anything that stops the
 * answer (no memory) is 0, so that the lock command runs and says what is
 * wrong: a lock is never skipped for want of an answer. */
static int wanted_main(struct pmod_ctx *ctx)
{
	struct pmod_lock_status st = { .size = sizeof(st) };
	struct pmod_error err = { 0 };

	if (pmod_lock_status(ctx, &st, &err) < 0)
		return EXIT_SUCCESS;
	if (st.lock_after_boot)
		return EXIT_SUCCESS;
	printf("LockAfterBoot is not set: nothing to lock.\n");
	return EXIT_FAILURE;
}

static int lock_main(struct pmod_ctx *ctx, bool json)
{
	struct pmod_lock_status st = { .size = sizeof(st) };
	enum pmod_lockdown_outcome outcome;
	struct pmod_error err = { 0 };

	if (pmod_lockdown(ctx, &outcome, &st, &err) < 0) {
		tool_log(LOG_ERR, "could not lock module loading: %s", err.text);
		return EXIT_FAILURE;
	}
	if (json)
		return print_json(&st, outcome_word(outcome));
	switch (outcome) {
	case PMOD_LOCKDOWN_LOCKED:
		printf("Locked module loading and unloading until reboot: "
		       "/proc/sys/kernel/modules_disabled is now 1, since %s, by %s.\n",
		       st.since_text, st.setting);
		break;
	case PMOD_LOCKDOWN_ALREADY:
		printf("Nothing to do: ");
		print_lock(&st);
		break;
	default:
		printf("LockAfterBoot is not set: nothing is locked.\n");
		if (st.state != PMOD_LOCK_OPEN)
			print_lock(&st);
		break;
	}
	return EXIT_SUCCESS;
}

int lockdown_main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "status", no_argument, NULL, 'S' },
		{ "wanted", no_argument, NULL, 'W' },
		{ "json", no_argument, NULL, 'J' },
		{ "root", required_argument, NULL, 'R' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct pmod_ctx_options copts = { .size = sizeof(copts) };
	struct pmod_ctx *ctx;
	bool status = false, wanted = false, json = false;
	int c, r;

	tool_output_init("kmod", LOG_WARNING);
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'S': status = true; break;
		case 'W': wanted = true; break;
		case 'J': json = true; break;
		case 'R': copts.root = optarg; break;
		case 'h':
			usage();
			return EXIT_SUCCESS;
		default:
			return EXIT_FAILURE;
		}
	}
	if (optind < argc) {
		tool_log(LOG_ERR, "unexpected argument '%s'", argv[optind]);
		return EXIT_FAILURE;
	}
	/* json-c is opened before anything is done, so that a missing
	 * library stops the run before the lock is turned. */
	if (json && !wanted && !json_output_load())
		return EXIT_FAILURE;
	r = pmod_ctx_new(&copts, &ctx);
	if (r < 0) {
		tool_log(LOG_ERR, "cannot set up: %s", strerror(-r));
		return wanted ? EXIT_SUCCESS : EXIT_FAILURE;
	}
	tool_output_attach(ctx);
	r = wanted ? wanted_main(ctx) : status ? status_main(ctx, json) : lock_main(ctx, json);
	pmod_ctx_free(ctx);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		tool_log(LOG_ERR, "could not write to standard output");
		return EXIT_FAILURE;
	}
	return r;
}

// SPDX-License-Identifier: LGPL-2.1-or-later
/* Where the policy knobs come from: the Peios registry, or, on a system
 * that has no registry, /etc/pmod/policy.conf under the root. Never both:
 * a file cannot loosen what the registry says (doc/policy-knobs.md). A
 * registry that exists but fails is not "no registry": it fails closed
 * (policy_registry.c) rather than falling back to a file. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <syslog.h>

#include "log.h"
#include "policy.h"

int policy_read(const struct log_sink *log, const char *root, struct pmod_policy **out)
{
	struct pmod_policy *p;
	char path[4096];
	int r;

	p = malloc(sizeof(*p));
	if (p == NULL)
		return -ENOMEM;
	policy_init(p);
	r = policy_registry_read(log, p);
	if (r == -ENOSYS) {
		policy_release(p);
		policy_init(p);
		if ((size_t)snprintf(path, sizeof(path), "%s" POLICY_FILE_PATH, root) >=
		    sizeof(path)) {
			/* The file may well be there: not being able to name it
			 * is no reason to be lenient. */
			char shown[96];

			p->source = PMOD_POLICY_SOURCE_FILE;
			policy_fail_closed_all(log, p, POLICY_FILE_PATH,
					       "under the root %s the path is longer than %zu bytes",
					       policy_shown(root, shown, sizeof(shown)),
					       sizeof(path) - 1);
			r = 0;
		} else {
			r = policy_file_read(log, p, path);
		}
	}
	if (r < 0) {
		policy_free(p);
		return r;
	}
	*out = p;
	return 0;
}

void policy_free(struct pmod_policy *p)
{
	if (p == NULL)
		return;
	policy_release(p);
	free(p);
}

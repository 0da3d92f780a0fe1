/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The trust store's copy of a kernel's built-in certificates, so that
 * pmod trusts the keys that kernel trusts for its own modules: one file
 * per certificate, kernel-RELEASE-N.der (N from 1, the kernel's order),
 * in the distribution's key directory under the given root. A release's
 * files are replaced as a set and removed with the kernel. */
#ifndef PMOD_KERNEL_KEYS_STORE_H
#define PMOD_KERNEL_KEYS_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel_certificates.h"
#include "pmod.h"

/* A release names files: letters, digits and . _ + ~ -, at most 128
 * characters, not starting with a dot. */
bool kernel_keys_release_valid(const char *release);

/* Writes the certificates (their bytes at kernel + offset) and removes
 * the release's files beyond them. Each file is written under a hidden
 * name (the store skips those) and renamed into place, so a reader sees
 * a certificate whole or not at all. */
int kernel_keys_install(const char *root, const char *release, const uint8_t *kernel,
			const struct kernel_certificate *certs, size_t count,
			struct pmod_error *err);

/* Removes the release's files (and temporaries a killed install left);
 * *removed counts the certificates. A missing directory removes nothing. */
int kernel_keys_remove(const char *root, const char *release, size_t *removed,
		       struct pmod_error *err);

#endif

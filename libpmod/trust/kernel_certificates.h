/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The certificates a kernel carries built in: its trusted keyring, whose
 * first key is normally the one that signed the kernel's own modules.
 * Found in the decoded kernel (kernel_image.h) as the kernel lays them
 * out: X.509 certificates in DER, back to back, followed (after zero
 * padding) by the list's total length as a 64- or 32-bit little-endian
 * number. Requiring that length keeps out certificates a kernel holds for
 * other purposes (test vectors of self-tests, for instance): they are not
 * trusted for modules, and their private keys may be public. */
#ifndef PMOD_KERNEL_CERTIFICATES_H
#define PMOD_KERNEL_CERTIFICATES_H

#include <stddef.h>
#include <stdint.h>

#include "lazy_crypto.h"
#include "pmod.h"

/* Caps: a real list holds a few certificates of a few KiB. */
#define KERNEL_CERTIFICATES_MAX 64

struct kernel_certificate {
	size_t offset;		/* into the decoded kernel */
	size_t size;		/* the whole DER certificate */
	char *subject_cn;	/* "" when the subject has no commonName */
};

/* The built-in list, in the kernel's order. -ENODATA (err filled) when
 * the kernel holds no such list; -EMLINK when more than one sequence of
 * certificates looks like one (nothing is guessed). */
int kernel_certificates_find(const struct lazy_crypto *c, const uint8_t *kernel, size_t size,
			     struct kernel_certificate **certs, size_t *count,
			     struct pmod_error *err);
void kernel_certificates_free(struct kernel_certificate *certs, size_t count);

#endif

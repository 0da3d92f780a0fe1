// SPDX-License-Identifier: GPL-2.0
/* One template for the signing checks, compiled under one name per case
 * (pmodtest_sha256, pmodtest_unsigned, ...: see Kbuild), because the kernel
 * names a module after its object. It does nothing; what matters is its
 * signature, added on the host after the build. */
#include <linux/module.h>

static int __init pmodtest_sig_init(void)
{
	return 0;
}

static void __exit pmodtest_sig_exit(void)
{
}

module_init(pmodtest_sig_init);
module_exit(pmodtest_sig_exit);
MODULE_LICENSE("GPL");
/* The host flips a byte of this text in the tampered copy. */
MODULE_DESCRIPTION("pmod test: signing case");

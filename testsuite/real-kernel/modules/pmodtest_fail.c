// SPDX-License-Identifier: GPL-2.0
/* Its init fails with -ENODEV: the load must fail and leave nothing. */
#include <linux/module.h>

static int __init pmodtest_fail_init(void)
{
	return -ENODEV;
}

module_init(pmodtest_fail_init);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("pmod test: init returns -ENODEV");

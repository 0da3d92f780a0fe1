// SPDX-License-Identifier: GPL-2.0
/* Exports one symbol, so that pmodtest_user depends on this module. */
#include <linux/module.h>

int pmodtest_base_add(int a, int b)
{
	return a + b;
}
EXPORT_SYMBOL_GPL(pmodtest_base_add);

static int __init pmodtest_base_init(void)
{
	return 0;
}

static void __exit pmodtest_base_exit(void)
{
}

module_init(pmodtest_base_init);
module_exit(pmodtest_base_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("pmod test: exports pmodtest_base_add");

// SPDX-License-Identifier: GPL-2.0
/* Uses pmodtest_base's export (a dependency), has parameters of several
 * types (read back from /sys/module/pmodtest_user/parameters/) and an
 * alias. */
#include <linux/module.h>
#include <linux/moduleparam.h>

int pmodtest_base_add(int a, int b);

static int count;
module_param(count, int, 0444);
static char *name = "unset";
module_param(name, charp, 0444);
static bool verbose;
module_param(verbose, bool, 0444);
static unsigned short port;
module_param(port, ushort, 0444);
static int levels[4];
static int nlevels;
module_param_array(levels, int, &nlevels, 0444);

static int __init pmodtest_user_init(void)
{
	/* A real call, so the dependency is not optimised away. */
	count = pmodtest_base_add(count, 0);
	return 0;
}

static void __exit pmodtest_user_exit(void)
{
}

module_init(pmodtest_user_init);
module_exit(pmodtest_user_exit);
MODULE_LICENSE("GPL");
MODULE_ALIAS("pmodtest-alias");
MODULE_DESCRIPTION("pmod test: depends on pmodtest_base, has parameters");

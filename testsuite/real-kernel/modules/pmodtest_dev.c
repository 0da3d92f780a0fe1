// SPDX-License-Identifier: GPL-2.0
/* A misc character device, /dev/pmodtest. Its file_operations name this
 * module as owner, so every open file holds a module reference: while a
 * shell keeps it open (exec 3</dev/pmodtest), delete_module answers EAGAIN,
 * and only a forced unload (O_TRUNC) would remove the module. */
#include <linux/module.h>
#include <linux/miscdevice.h>
#include <linux/fs.h>

static const struct file_operations pmodtest_fops = {
	.owner = THIS_MODULE,
	.llseek = noop_llseek,
};

static struct miscdevice pmodtest_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "pmodtest",
	.fops = &pmodtest_fops,
	.mode = 0444,
};

static int __init pmodtest_dev_init(void)
{
	return misc_register(&pmodtest_misc);
}

static void __exit pmodtest_dev_exit(void)
{
	misc_deregister(&pmodtest_misc);
}

module_init(pmodtest_dev_init);
module_exit(pmodtest_dev_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("pmod test: misc device that holds a module reference while open");

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The commands kmod has besides the tools. */
#ifndef PMOD_KMOD_COMMANDS_H
#define PMOD_KMOD_COMMANDS_H

/* kmod static-nodes: modules.devname of the running kernel, printed in
 * one of three formats. */
int static_nodes_main(int argc, char *argv[]);

/* kmod audit: every loaded module with its taint, file, signature
 * verdict and last load record of this boot. */
int audit_main(int argc, char *argv[]);
/* kmod lockdown: turn the post-boot lock when LockAfterBoot asks for it,
 * or (--status) say whether module operations are locked. */
int lockdown_main(int argc, char *argv[]);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Each tool's entry point. A tool is built twice from the same code: as
 * its own program (tool_main.c calls the one function) and inside kmod,
 * which calls the function named by the name it was started as, so that
 * a symlink modprobe -> kmod behaves as modprobe does. */
#ifndef PMOD_TOOL_MAINS_H
#define PMOD_TOOL_MAINS_H

int depmod_main(int argc, char *argv[]);
int insmod_main(int argc, char *argv[]);
int lsmod_main(int argc, char *argv[]);
int modinfo_main(int argc, char *argv[]);
int modprobe_main(int argc, char *argv[]);
int rmmod_main(int argc, char *argv[]);

#endif

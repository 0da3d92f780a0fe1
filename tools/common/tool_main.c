// SPDX-License-Identifier: GPL-2.0-or-later
/* The main of a single-tool program: TOOL_MAIN names the tool's entry
 * point (the build defines it, e.g. -DTOOL_MAIN=modprobe_main). */
#include "tool_mains.h"

int main(int argc, char *argv[])
{
	return TOOL_MAIN(argc, argv);
}

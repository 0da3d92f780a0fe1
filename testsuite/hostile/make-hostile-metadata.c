// SPDX-License-Identifier: LGPL-2.1-or-later
/* Writes a module tree whose modules carry hostile metadata: every field
 * depmod copies into a text index (alias, softdep, weakdep, devname, the
 * module's file name, exported symbols) holding a newline, a carriage
 * return or other bytes that would add a line of the attacker's choosing
 * to modules.softdep, modules.weakdep, modules.alias, modules.devname,
 * modules.dep or modules.symbols; and a .modinfo whose last string has no
 * terminating NUL. Each injected line is an `install NAME` command that
 * touches MARKER, NAME being the module itself or, for a softdep (a module
 * with soft dependencies has its own install command ignored), the module
 * "good" that the softdep loads first; a later `modprobe` of the module
 * would run it if the line were ever read as configuration.
 *
 * Usage: make-hostile-metadata ROOT MARKER
 * Modules go to ROOT/lib/modules/9.9.9/kernel/hostile/, with modules.order. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "elf_builder.h"

static int failures;

static void mkdir_p(const char *path)
{
	char buf[PATH_MAX];

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *s = buf + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		mkdir(buf, 0755);
		*s = '/';
	}
	if (mkdir(buf, 0755) < 0 && errno != EEXIST) {
		perror(buf);
		failures++;
	}
}

static void write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	if (f == NULL || fwrite(data, 1, len, f) != len || fclose(f) != 0) {
		perror(path);
		failures++;
	}
}

/* One module: .modinfo is `fields` (NUL separated, '\0' written as the
 * two bytes "\\0" in the format so that printf can fill in the marker)
 * followed by a license and a vermagic, unless `unterminated` asks for a
 * section whose last string runs to its end. */
static void write_module(const char *dir, const char *file, const char *fields,
			 const char *export_name, bool unterminated)
{
	struct fixture_export exports[1] = { { export_name, 0x1234, false } };
	char info[4096], path[PATH_MAX];
	size_t len = 0;
	uint8_t *img;
	size_t imglen;

	len = (size_t)snprintf(info, sizeof(info), "license=GPL|vermagic=9.9.9 SMP mod_unload |%s%s",
			       fields, unterminated ? "" : "|");
	if (len >= sizeof(info)) {
		failures++;
		return;
	}
	for (size_t i = 0; i < len; i++)
		if (info[i] == '|')
			info[i] = '\0';
	{
		struct fixture_spec spec = {
			.is64 = true,
			.modinfo = info, .modinfo_len = len,
			.exports = exports, .nexports = export_name ? 1 : 0,
		};

		if (fixture_build(&spec, &img, &imglen) < 0) {
			fprintf(stderr, "cannot build %s\n", file);
			failures++;
			return;
		}
	}
	snprintf(path, sizeof(path), "%s/%s", dir, file);
	write_file(path, img, imglen);
	free(img);
}

int main(int argc, char **argv)
{
	char dir[PATH_MAX], f[1024], order[4096], path[PATH_MAX];
	const char *marker;
	size_t olen = 0;

	if (argc != 3) {
		fprintf(stderr, "usage: %s ROOT MARKER\n", argv[0]);
		return 2;
	}
	marker = argv[2];
	snprintf(dir, sizeof(dir), "%s/lib/modules/9.9.9/kernel/hostile", argv[1]);
	mkdir_p(dir);

#define MOD(file, export, unterminated, ...)                                          \
	do {                                                                           \
		snprintf(f, sizeof(f), __VA_ARGS__);                                   \
		write_module(dir, file ".ko", f, export, unterminated);                \
		olen += (size_t)snprintf(order + olen, sizeof(order) - olen,           \
					 "kernel/hostile/%s.ko\n", file);              \
	} while (0)

	/* A well-formed module next to the hostile ones: its values must come
	 * through untouched. */
	MOD("good", "good_fn", false,
	    "alias=good-alias|alias=char-major-10-250|alias=devname:good/node|"
	    "softdep=pre: good-pre post: platform:good-post|weakdep=good_weak");
	MOD("soft_nl", NULL, false, "softdep=pre: good\ninstall good /bin/touch %s", marker);
	MOD("soft_cr", NULL, false, "softdep=pre: good\rinstall good /bin/touch %s", marker);
	MOD("soft_syntax", NULL, false, "softdep=pre: good \\");
	MOD("weak_nl", NULL, false, "weakdep=good\ninstall weak_nl /bin/touch %s", marker);
	MOD("weak_cr", NULL, false, "weakdep=good\rinstall weak_cr /bin/touch %s", marker);
	MOD("alias_nl", NULL, false, "alias=x-alias\ninstall alias_nl /bin/touch %s", marker);
	MOD("alias_cr", NULL, false, "alias=x-alias\rinstall alias_cr /bin/touch %s", marker);
	MOD("alias_space", NULL, false, "alias=x-alias install alias_space /bin/touch %s", marker);
	MOD("dev_nl", NULL, false,
	    "alias=char-major-10-251|alias=devname:node\noptions dev_nl evil=1\ninstall dev_nl /bin/touch %s",
	    marker);
	MOD("dev_dotdot", NULL, false, "alias=char-major-10-252|alias=devname:../etc/evil");
	MOD("sym_nl", "sym_nl_fn\ninstall sym_nl /bin/touch", false, "alias=sym-nl-alias");
	/* The last string runs to the end of the section: never read past it. */
	MOD("unterminated", NULL, true, "softdep=pre: good\ninstall good /bin/touch %s",
	    marker);
	/* A file name with a newline: the name and the path reach modules.dep,
	 * and the softdep line starts with the name. */
	MOD("name\ninstall name_nl touch pwned-by-name", NULL, false, "softdep=pre: good");

	snprintf(path, sizeof(path), "%s/lib/modules/9.9.9/modules.order", argv[1]);
	write_file(path, order, olen);
	return failures ? 1 : 0;
}

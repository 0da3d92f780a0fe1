// SPDX-License-Identifier: LGPL-2.1-or-later
/* The last steps of the gated path, right before the kernel boundary: the
 * module file opened once, the forced-load rule and the signing gate on
 * the bytes decoded from that descriptor, the kernel given a sealed copy
 * of exactly those bytes, its answer explained from them and recorded. pmod_load and
 * pmod_unload (load.c) are the only callers. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "context.h"
#include "elf_reader.h"
#include "error.h"
#include "kernel_errors.h"
#include "gate.h"
#include "kernel.h"
#include "kernel_calls.h"
#include "module_bytes.h"
#include "module_file.h"
#include "record.h"
#include "sealed_image.h"
#include "signing_gate.h"

/* ---------------------------------------------------------------- state */

static bool is_builtin(struct pmod_ctx *ctx, const char *name)
{
	struct pmod_error err = { 0 };
	int r = ctx_builtin_has(ctx, name, &err);

	/* A corrupt index must not stop an unload: say so and go on with
	 * what /sys says. */
	if (r < 0)
		ctx_log(ctx, LOG_WARNING, "%s/modules.builtin.bin: %s", pmod_ctx_module_dir(ctx),
			err.text);
	return r > 0;
}

int pmod_kernel_module_state(struct pmod_ctx *ctx, const char *name)
{
	int r;

	r = kernel_name_check(name);
	if (r < 0)
		return r;
	if (is_builtin(ctx, name))
		return PMOD_STATE_BUILTIN;
	return kernel_module_sysfs_state(name);
}

/* ---------------------------------------------------------------- records */

/* What the kernel was asked and what it answered. For a load, module is
 * the path (its name is taken from it) and verdict what the signing gate
 * found in the bytes the kernel was given (NULL: no verdict reached); an
 * unload checks no signature. */
static void record_kernel_call(struct pmod_ctx *ctx, const struct request *req,
			       const char *action, const char *module, const char *path,
			       const struct pmod_verify_result *verdict, int result)
{
	struct pmod_record rec = { .action = action, .path = path, .result = result };
	char name[64];

	if (path != NULL && pmod_module_name(module, name, sizeof(name)) >= 0)
		rec.module = name;
	else
		rec.module = module;
	if (path != NULL) {
		rec.verdict = verdict;
		rec.signature = RECORD_SIGNATURE_UNVERIFIABLE;
	}
	record_emit(ctx, req, &rec);
}

/* ---------------------------------------------------------------- the calls */

/* A privilege that could not be raised stops the call before the kernel:
 * that is a refusal, and is recorded as one. */
static int call_finit_module(struct pmod_ctx *ctx, const struct request *req, int fd,
			     const char *params, int flags, bool *asked, struct pmod_error *err)
{
	int r = kernel_finit_module(ctx_privilege(ctx), fd, params, flags, asked, err);

	if (!*asked)
		record_refusal(ctx, req, PMOD_OPERATION_LOAD, NULL, NULL, "privilege", r);
	return r;
}

static int call_init_module(struct pmod_ctx *ctx, const struct request *req, void *image,
			    size_t len, const char *params, bool *asked, struct pmod_error *err)
{
	int r = kernel_init_module(ctx_privilege(ctx), image, len, params, asked, err);

	if (!*asked)
		record_refusal(ctx, req, PMOD_OPERATION_LOAD, NULL, NULL, "privilege", r);
	return r;
}

/* ---------------------------------------------------------------- insert */

/* A forced load through init_module: the kernel has no flags there, so
 * what it would check is hidden the way it expects: __versions loses
 * SHF_ALLOC (the kernel then finds no version table) and the vermagic=
 * string is blanked. The image is a private copy. */
static int strip_for_force(uint8_t *data, size_t size, unsigned flags, struct pmod_error *err)
{
	struct elf_reader elf;
	struct elf_section sec;
	unsigned idx;
	int r;

	r = elf_reader_init(&elf, data, size, err);
	if (r < 0)
		return r;
	if ((flags & PMOD_INSERT_FORCE_MODVERSION) &&
	    elf_section_find(&elf, "__versions", &sec, &idx, err) == 0) {
		/* sh_flags sits right after sh_name and sh_type in both
		 * classes; the header was bounds-checked by the reader. */
		uint8_t *f = data + elf.shoff + (uint64_t)idx * elf.shentsize + 8;
		size_t width = elf.is64 ? 8 : 4;
		size_t low = elf.msb ? width - 1 : 0;

		f[low] &= (uint8_t)~ELF_SHF_ALLOC;
	}
	if ((flags & PMOD_INSERT_FORCE_VERMAGIC) &&
	    elf_section_find(&elf, ".modinfo", &sec, &idx, err) == 0 && sec.data != NULL) {
		uint8_t *p = data + sec.offset, *end = p + sec.size;

		while (p < end) {
			uint8_t *z = memchr(p, '\0', (size_t)(end - p));
			size_t len = z ? (size_t)(z - p) : (size_t)(end - p);

			if (len >= 9 && memcmp(p, "vermagic=", 9) == 0)
				memset(p, 0, len);
			p += len + 1;
		}
	}
	return 0;
}

/* The verified bytes given to init_module, where the kernel cannot read a
 * sealed copy. A forced load strips a private copy: init_module has no
 * flags to say what to ignore. */
static int insert_from_memory(struct pmod_ctx *ctx, const struct request *req,
			      const struct module_bytes *mb, const char *params, unsigned flags,
			      bool *kernel_error, struct pmod_error *err)
{
	uint8_t *copy = NULL;
	void *image = (void *)mb->data;
	int r;

	if (flags & (PMOD_INSERT_FORCE_MODVERSION | PMOD_INSERT_FORCE_VERMAGIC)) {
		copy = malloc(mb->size ? mb->size : 1);
		if (copy == NULL)
			return pmod_fail(err, -ENOMEM, "out of memory");
		memcpy(copy, mb->data, mb->size);
		r = strip_for_force(copy, mb->size, flags, err);
		if (r < 0)
			goto out;
		image = copy;
	}
	r = call_init_module(ctx, req, image, mb->size, params, kernel_error, err);
out:
	free(copy);
	return r;
}

/* The kernel gets the bytes the signing gate judged, decoded here, never
 * the module file: finit_module on a sealed memory file holding them, or
 * init_module on them where this kernel has no sealed memory files (or no
 * finit_module). Handing over the file's descriptor would let whoever can
 * write the file change it after the verdict, and a compressed file would
 * be decoded a second time by the kernel's own decompressor, which need
 * not read the stream as pmod did. */
static int insert_bytes(struct pmod_ctx *ctx, const struct request *req,
			const struct module_bytes *mb, const char *params, unsigned flags,
			bool *kernel_error, struct pmod_error *err)
{
	int kflags = 0, fd, r;

	if (flags & PMOD_INSERT_FORCE_MODVERSION)
		kflags |= KERNEL_INIT_IGNORE_MODVERSIONS;
	if (flags & PMOD_INSERT_FORCE_VERMAGIC)
		kflags |= KERNEL_INIT_IGNORE_VERMAGIC;
	r = sealed_image_create(mb->data, mb->size, &fd, err);
	if (r == 0) {
		r = call_finit_module(ctx, req, fd, params, kflags, kernel_error, err);
		close(fd);
		/* Kernels before 3.8 have only init_module. */
		if (r != -ENOSYS || !*kernel_error)
			return r;
		*kernel_error = false;
	} else if (r != -ENOSYS) {
		return r;
	}
	return insert_from_memory(ctx, req, mb, params, flags, kernel_error, err);
}

/* One open file from the signing gate to the kernel (module_file.h): the
 * verdict is on the bytes the kernel gets, and the record names it. */
int kernel_insert(struct pmod_ctx *ctx, const struct request *req, const char *path,
		  const char *params, unsigned flags, bool *kernel_answered, struct pmod_error *err)
{
	struct pmod_verify_result verdict;
	bool kernel_error = false, judged = false;
	const struct module_bytes *mb;
	struct module_file mf;
	int r;

	if (kernel_answered != NULL)
		*kernel_answered = false;
	if (params == NULL)
		params = "";
	/* pmod_load refuses this for the whole request first; kept here so
	 * that no path to the kernel skips it. */
	if (flags & (PMOD_INSERT_FORCE_MODVERSION | PMOD_INSERT_FORCE_VERMAGIC)) {
		char name[64];

		r = gate_forced_load(ctx, req, flags,
				     pmod_module_name(path, name, sizeof(name)) >= 0 ? name : NULL,
				     path, err);
		if (r < 0)
			return r;
	}
	r = module_file_open(&mf, path, err);
	if (r < 0)
		return r;
	/* The signing gate here, at the boundary, so that no caller of the
	 * library can load around it. It judges the bytes decoded from this
	 * descriptor, which mf keeps: they, not the file, go to the kernel. */
	r = signing_gate_file(ctx, req, &mf, &verdict, &judged, err);
	if (r < 0)
		goto out;
	r = module_file_bytes(&mf, ctx_max_module_size(ctx), &mb, err);
	if (r < 0)
		goto out;
	/* Written while it was read: the bytes judged may be half of one
	 * file and half of another. They are still exactly what would be
	 * loaded, but nobody meant to load them. */
	r = module_file_check_unchanged(&mf, err);
	if (r < 0)
		goto out;
	r = insert_bytes(ctx, req, mb, params, flags, &kernel_error, err);
	/* Explained from the bytes that were sent: the path may name another
	 * file by now, or one cut short under a mapping. */
	if (r < 0 && kernel_error)
		explain_insert(ctx, mb->data, mb->size, params, r, err);
	if (kernel_error)
		record_kernel_call(ctx, req, "load", path, path, judged ? &verdict : NULL, r);
out:
	module_file_close(&mf);
	if (kernel_answered != NULL)
		*kernel_answered = kernel_error;
	return r;
}

/* ---------------------------------------------------------------- remove */

int kernel_remove(struct pmod_ctx *ctx, const struct request *req, const char *name,
		  unsigned flags, struct pmod_error *err)
{
	bool force = flags & PMOD_KERNEL_REMOVE_FORCE, asked;
	int r;

	r = kernel_name_check(name);
	if (r < 0)
		return pmod_fail(err, r, "'%.64s' is not a module name", name ? name : "");
	if (force && !pmod_forced_unload_available())
		return pmod_fail(err, -EOPNOTSUPP, "forced unload is not available in this build");
	r = kernel_delete_module(ctx_privilege(ctx), name, force, &asked, err);
	/* Past the checks above, only the privilege stops the call. */
	if (!asked) {
		record_refusal(ctx, req, PMOD_OPERATION_UNLOAD, NULL, NULL, "privilege", r);
		return r;
	}
	if (r < 0)
		explain_remove(ctx, name, r, err);
	record_kernel_call(ctx, req, force ? "forced-unload" : "unload", name, NULL, NULL, r);
	return r;
}

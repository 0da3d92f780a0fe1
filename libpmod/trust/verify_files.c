// SPDX-License-Identifier: LGPL-2.1-or-later
/* Verdicts on many module files at once (modinfo --verify over a tree):
 * threads take the next file from a shared counter, each with its own
 * verifier (so its own memo and prepared keys) and its own buffers, so
 * that a module costs no allocation. An uncompressed file is read through
 * its descriptor: the trailer and PKCS#7 first, and the body only when a
 * trusted certificate has to check it. Compressed files are decompressed
 * in memory first (the signature covers the uncompressed module). */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "trust_context.h"
#include "error.h"
#include "module_bytes.h"
#include "signature_verify.h"

#define MAX_JOBS 64

struct batch {
	struct trust_context *trust;
	const char *const *paths;
	size_t count;
	struct pmod_verify_result *results;
	size_t next;			/* atomic */
};

static void file_error(struct pmod_verify_result *res, const struct pmod_error *e)
{
	memset(res, 0, sizeof(*res));
	res->error = e->code < 0 ? e->code : -EIO;
	snprintf(res->reason, sizeof(res->reason), "%s", e->text);
}

static bool is_elf(const uint8_t *head, size_t n)
{
	return n >= 4 && memcmp(head, "\x7f" "ELF", 4) == 0;
}

static void verify_one(struct verifier *v, struct byte_buffer *scratch, const char *path,
		       struct pmod_verify_result *res)
{
	struct pmod_error e = { 0 };
	struct verify_input in = { .fd = -1 };
	struct module_bytes mb;
	uint8_t head[6];
	struct stat st;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0) {
		pmod_fail(&e, -errno, "%s", strerror(errno));
		goto fail;
	}
	if (fstat(fd, &st) < 0) {
		pmod_fail(&e, -errno, "%s", strerror(errno));
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		pmod_fail(&e, S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL, "not a regular file");
		goto fail;
	}
	do {
		n = pread(fd, head, sizeof(head), 0);
	} while (n < 0 && errno == EINTR);
	if (n < 0) {
		pmod_fail(&e, -errno, "cannot read the module file: %s", strerror(errno));
		goto fail;
	}
	if (module_bytes_detect(head, (size_t)n) != PMOD_COMPRESSION_NONE) {
		close(fd);
		fd = -1;
		if (module_bytes_read(path, v->trust->max_module_size, scratch, &mb, &e) < 0)
			goto fail;
		if (!is_elf(mb.data, mb.size)) {
			module_bytes_release(&mb);
			pmod_fail(&e, -ENOEXEC, "not a kernel module (no ELF header)");
			goto fail;
		}
		in.data = mb.data;
		in.size = mb.size;
		if (verifier_check(v, &in, res, &e) < 0)
			res->error = e.code;
		module_bytes_release(&mb);
		return;
	}
	if (!is_elf(head, (size_t)n)) {
		pmod_fail(&e, -ENOEXEC, "not a kernel module (no ELF header)");
		goto fail;
	}
	in.fd = fd;
	in.size = (uint64_t)st.st_size;
	if (verifier_check(v, &in, res, &e) < 0)
		res->error = e.code;
	close(fd);
	return;
fail:
	if (fd >= 0)
		close(fd);
	file_error(res, &e);
}

static void *worker(void *arg)
{
	struct batch *b = arg;
	struct byte_buffer scratch = { 0 };
	struct verifier v;

	verifier_init(&v, b->trust);
	for (;;) {
		size_t i = __atomic_fetch_add(&b->next, 1, __ATOMIC_RELAXED);

		if (i >= b->count)
			break;
		verify_one(&v, &scratch, b->paths[i], &b->results[i]);
	}
	verifier_release(&v);
	free(scratch.data);
	return NULL;
}

int verify_files(struct trust_context *trust, const char *const *paths, size_t count,
		      unsigned jobs, struct pmod_verify_result *results, struct pmod_error *err)
{
	(void)err;	/* nothing can fail as a whole yet; kept for the ABI */
	struct batch b = {
		.trust = trust, .paths = paths, .count = count, .results = results,
	};
	pthread_t threads[MAX_JOBS];
	unsigned started = 0;
	long cpus;

	if (jobs == 0) {
		cpus = sysconf(_SC_NPROCESSORS_ONLN);
		jobs = cpus > 0 ? (unsigned)cpus : 1;
	}
	if (jobs > MAX_JOBS)
		jobs = MAX_JOBS;
	/* A thread per handful of files at most: starting one costs more
	 * than verifying a module. */
	if ((size_t)jobs > count / 8 + 1)
		jobs = (unsigned)(count / 8 + 1);
	for (unsigned i = 1; i < jobs; i++) {
		/* A thread that cannot be started leaves its share to the
		 * others: the main thread works too. */
		if (pthread_create(&threads[started], NULL, worker, &b) != 0)
			break;
		started++;
	}
	worker(&b);
	for (unsigned i = 0; i < started; i++)
		pthread_join(threads[i], NULL);
	return 0;
}

// SPDX-License-Identifier: LGPL-2.1-or-later
/* lazy_library.c: one attempt per process however many threads ask at
 * once, a failure that names the library and why, and the four real tables
 * resolved. What a tool run maps is tested end to end by
 * testsuite/lazy/lazy-libraries.sh. */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "lazy_crypto.h"
#include "lazy_library.h"
#include "lazy_xz.h"
#include "lazy_zlib.h"
#include "lazy_zstd.h"

/* ----------------------------------------------- a library that is absent */

struct absent_table {
	pid_t (*getpid)(void);
};
static const struct lazy_symbol absent_symbols[] = { LAZY_SYMBOL(struct absent_table, getpid) };
static struct absent_table absent_table;
static struct lazy_library absent = {
	.soname = "libpmod-test-absent.so.0",
	.needed_for = "test input",
	.symbols = absent_symbols,
	.nsymbols = 1,
	.table = &absent_table,
	.once = PTHREAD_ONCE_INIT,
};
static int absent_opens;

static void open_absent(void)
{
	absent_opens++;
	lazy_library_open(&absent);
}

static void absent_library(void **state)
{
	static const char prefix[] =
		"test input, but libpmod-test-absent.so.0 cannot be loaded: "
		"libpmod-test-absent.so.0: cannot open shared object file";
	struct pmod_error err = { 0 };

	for (int i = 0; i < 3; i++) {
		memset(&err, 0, sizeof(err));
		assert_null(lazy_library_get(&absent, open_absent, &err));
		assert_int_equal(err.code, -ELIBACC);
		assert_memory_equal(err.text, prefix, sizeof(prefix) - 1);
	}
	assert_null(lazy_library_get(&absent, open_absent, NULL));	/* err is optional */
	assert_int_equal(absent_opens, 1);	/* a failure is not retried */
}

/* ------------------------------------------ a library without a function */

struct libc_table {
	pid_t (*getpid)(void);
	void (*pmod_test_no_such_function)(void);
};
static const struct lazy_symbol libc_symbols[] = {
	LAZY_SYMBOL(struct libc_table, getpid),
	LAZY_SYMBOL(struct libc_table, pmod_test_no_such_function),
};
static struct libc_table short_table;
static struct lazy_library short_libc = {
	.soname = "libc.so.6",
	.needed_for = "test input",
	.symbols = libc_symbols,
	.nsymbols = 2,
	.table = &short_table,
	.once = PTHREAD_ONCE_INIT,
};

static void open_short_libc(void)
{
	lazy_library_open(&short_libc);
}

static void missing_function(void **state)
{
	static const char prefix[] =
		"test input, but libc.so.6 cannot be loaded: no pmod_test_no_such_function: ";
	struct pmod_error err = { 0 };

	assert_null(lazy_library_get(&short_libc, open_short_libc, &err));
	assert_int_equal(err.code, -ELIBACC);
	assert_memory_equal(err.text, prefix, sizeof(prefix) - 1);
	assert_non_null(strstr(err.text, "undefined symbol"));
}

/* ------------------------------- first use by many threads at the same time */

enum { THREADS = 8 };
static struct libc_table libc_table;
static struct lazy_library libc = {
	.soname = "libc.so.6",
	.needed_for = "test input",
	.symbols = libc_symbols,
	.nsymbols = 1,		/* getpid only */
	.table = &libc_table,
	.once = PTHREAD_ONCE_INIT,
};
static int libc_opens;
static pthread_barrier_t start;

static void open_libc(void)
{
	libc_opens++;
	/* Keep the window open: every other thread arrives meanwhile. */
	usleep(20000);
	lazy_library_open(&libc);
}

struct race_result {
	const struct libc_table *libc;
	const struct lazy_zstd *zstd;
	const struct lazy_xz *xz;
	const struct lazy_zlib *zlib;
	const struct lazy_crypto *crypto;
	pid_t pid;
};

static void *race(void *arg)
{
	struct race_result *r = arg;

	pthread_barrier_wait(&start);
	r->libc = lazy_library_get(&libc, open_libc, NULL);
	/* A thread that returned has a complete table. */
	r->pid = r->libc != NULL ? r->libc->getpid() : -1;
	r->zstd = lazy_zstd(NULL);
	r->xz = lazy_xz(NULL);
	r->zlib = lazy_zlib(NULL);
	r->crypto = lazy_crypto(NULL);
	return NULL;
}

static void concurrent_first_use(void **state)
{
	struct race_result res[THREADS] = { 0 };
	pthread_t t[THREADS];

	pthread_barrier_init(&start, NULL, THREADS);
	for (int i = 0; i < THREADS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, race, &res[i]), 0);
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	pthread_barrier_destroy(&start);

	assert_int_equal(libc_opens, 1);
	for (int i = 0; i < THREADS; i++) {
		assert_ptr_equal(res[i].libc, &libc_table);
		assert_int_equal(res[i].pid, getpid());
		assert_non_null(res[i].zstd);
		assert_ptr_equal(res[i].zstd, res[0].zstd);
		assert_non_null(res[i].xz);
		assert_ptr_equal(res[i].xz, res[0].xz);
		assert_non_null(res[i].zlib);
		assert_ptr_equal(res[i].zlib, res[0].zlib);
		assert_non_null(res[i].crypto);
		assert_ptr_equal(res[i].crypto, res[0].crypto);
	}
}

/* ------------------------------------------------- the four real tables */

static void real_tables(void **state)
{
	const struct lazy_zstd *z = lazy_zstd(NULL);
	const struct lazy_zlib *zl = lazy_zlib(NULL);
	const struct lazy_crypto *c = lazy_crypto(NULL);
	const struct lazy_xz *x = lazy_xz(NULL);
	lzma_stream strm = LZMA_STREAM_INIT;
	z_stream zs = { 0 };

	/* Each pointer reaches the function of that name: calls with a known
	 * answer. */
	assert_false(z->ZSTD_isError(0));
	assert_true(z->ZSTD_isError((size_t)-1));
	assert_string_equal(z->ZSTD_getErrorName(0), "No error detected");
	assert_int_equal(x->lzma_stream_decoder(&strm, UINT64_MAX, 0), LZMA_OK);
	x->lzma_end(&strm);
	assert_int_equal(zl->inflateInit2_(&zs, 16 + MAX_WBITS, ZLIB_VERSION, (int)sizeof(zs)),
			 Z_OK);
	assert_int_equal(zl->inflateEnd(&zs), Z_OK);
	{
		const unsigned char der[] = { 0x02, 0x02, 0x01, 0x00 };	/* INTEGER 256 */
		const unsigned char *p = der;

		assert_null(c->d2i_CMS_ContentInfo(NULL, &p, sizeof(der)));	/* not CMS */
		assert_int_equal(c->OPENSSL_sk_num(NULL), -1);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(absent_library),
		cmocka_unit_test(missing_function),
		cmocka_unit_test(concurrent_first_use),
		cmocka_unit_test(real_tables),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

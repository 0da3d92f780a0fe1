// SPDX-License-Identifier: LGPL-2.1-or-later
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "growable_array.h"
#include "log.h"
#include "signature_cache.h"
#include "trust_context.h"
#include "error.h"
#include "trust_store.h"

/* Loading is rare (once per context) and verification threads may race
 * to it: one lock for all contexts is enough. */
static pthread_mutex_t load_lock = PTHREAD_MUTEX_INITIALIZER;

/* A certificate never carries an encrypted part; refuse any prompt. */
static int no_password(char *buf, int size, int rwflag, void *u)
{
	(void)buf; (void)size; (void)rwflag; (void)u;
	return -1;
}

/* The whole file, if it is a regular file of sane size. *why on failure. */
static int read_cert_file(const char *path, unsigned char **data, size_t *size,
			  const char **why)
{
	struct stat st;
	unsigned char *buf = NULL;
	size_t used = 0;
	int fd, r = 0;

	/* O_NONBLOCK: a FIFO planted in the store must not hang a load. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0) {
		*why = strerror(errno);
		return -errno;
	}
	if (fstat(fd, &st) < 0) {
		r = -errno;
		*why = strerror(errno);
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		r = -EINVAL;
		*why = "not a regular file";
		goto out;
	}
	if ((uint64_t)st.st_size > TRUST_STORE_MAX_FILE_SIZE) {
		r = -EFBIG;
		*why = "larger than 1 MiB, not a certificate";
		goto out;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (buf == NULL) {
		r = -ENOMEM;
		*why = "out of memory";
		goto out;
	}
	/* Read to the end, not to st_size: the file may change under us, and
	 * must still not exceed the cap. */
	for (;;) {
		ssize_t n;

		if (used == (size_t)st.st_size + 1) {
			r = -EFBIG;
			*why = "grew while being read";
			goto out;
		}
		n = read(fd, buf + used, (size_t)st.st_size + 1 - used);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			r = -errno;
			*why = strerror(errno);
			goto out;
		}
		if (n == 0)
			break;
		used += (size_t)n;
	}
out:
	close(fd);
	if (r < 0) {
		free(buf);
		return r;
	}
	*data = buf;
	*size = used;
	return 0;
}

/* One X.509 certificate from PEM or DER bytes; NULL with *why. A second
 * certificate after the first is ignored with a warning (*extra). */
static X509 *parse_cert(const struct lazy_crypto *c, const unsigned char *data, size_t size,
			bool *extra, const char **why)
{
	X509 *cert = NULL;

	*extra = false;
	if (size == 0) {
		*why = "empty file";
		return NULL;
	}
	if (size > INT32_MAX) {
		*why = "too large";
		return NULL;
	}
	if (memmem(data, size, "-----BEGIN", 10) != NULL) {
		BIO *bio = c->BIO_new_mem_buf(data, (int)size);
		X509 *more;

		if (bio == NULL) {
			*why = "out of memory";
			return NULL;
		}
		cert = c->PEM_read_bio_X509(bio, NULL, no_password, NULL);
		if (cert == NULL) {
			*why = "no PEM certificate could be read from it";
		} else if ((more = c->PEM_read_bio_X509(bio, NULL, no_password, NULL)) != NULL) {
			c->X509_free(more);
			*extra = true;
		}
		c->BIO_free(bio);
	} else {
		const unsigned char *p = data;

		cert = c->d2i_X509(NULL, &p, (long)size);
		if (cert == NULL)
			*why = "neither a PEM nor a DER X.509 certificate";
		else if (p != data + size)
			*extra = true;
	}
	c->ERR_clear_error();
	return cert;
}

static int add_cert(struct trust_store *s, size_t *cap, struct trust_cert *tc)
{
	if (growable_array_append(&s->certs, &s->count, cap, sizeof(*tc), tc) < 0)
		return -ENOMEM;
	return 0;
}

static void cert_release(const struct lazy_crypto *c, struct trust_cert *tc)
{
	if (tc->cert != NULL)
		c->X509_free(tc->cert);
	free(tc->path);
	free(tc->subject_cn);
}

static const char *key_type_name(int type)
{
	switch (type) {
	case EVP_PKEY_DSA: return "DSA";
	case EVP_PKEY_DH: return "DH";
	case EVP_PKEY_ED25519: return "Ed25519";
	case EVP_PKEY_ED448: return "Ed448";
	case EVP_PKEY_X25519: return "X25519";
	case EVP_PKEY_X448: return "X448";
	case EVP_PKEY_SM2: return "SM2";
	default: return "unsupported";
	}
}

/* One file of the store: added, or skipped with a warning. Only running
 * out of memory is an error. */
static int load_file(struct trust_context *t, const struct lazy_crypto *c, struct trust_store *s,
		     size_t *cap, char *path)
{
	struct trust_cert tc = { .path = path };
	const char *why = NULL;
	unsigned char *data = NULL;
	size_t size = 0;
	bool extra;
	int idx, r;
	/* The file name as warnings show it: anyone who can name a file in
	 * the store must not be able to forge a log line with it. */
	char shown[1024];

	pmod_escape(path, 0, sizeof(shown) - 8, shown, sizeof(shown));

	r = read_cert_file(path, &data, &size, &why);
	if (r == -ENOMEM)
		goto fail;
	if (r < 0) {
		log_write(t->log, LOG_WARNING, "trust store: %s: %s; skipped", shown, why);
		goto skip;
	}
	tc.cert = parse_cert(c, data, size, &extra, &why);
	free(data);
	if (tc.cert == NULL) {
		log_write(t->log, LOG_WARNING, "trust store: %s: %s; skipped", shown, why);
		goto skip;
	}
	if (extra)
		log_write(t->log, LOG_WARNING,
			"trust store: %s: holds more than one certificate; only the first is used",
			shown);
	tc.key = c->X509_get0_pubkey(tc.cert);
	c->ERR_clear_error();
	if (tc.key == NULL) {
		log_write(t->log, LOG_WARNING,
			"trust store: %s: the certificate's public key cannot be decoded; skipped",
			shown);
		goto skip;
	}
	tc.key_type = c->EVP_PKEY_get_base_id(tc.key);
	if (tc.key_type != EVP_PKEY_RSA && tc.key_type != EVP_PKEY_RSA_PSS &&
	    tc.key_type != EVP_PKEY_EC) {
		log_write(t->log, LOG_WARNING,
			"trust store: %s: its key is %s, but module signatures use RSA or ECDSA; skipped",
			shown, key_type_name(tc.key_type));
		goto skip;
	}
	idx = c->X509_NAME_get_index_by_NID(c->X509_get_subject_name(tc.cert), NID_commonName,
					    -1);
	if (idx >= 0) {
		const ASN1_STRING *cn = c->X509_NAME_ENTRY_get_data(
			c->X509_NAME_get_entry(c->X509_get_subject_name(tc.cert), idx));
		int len = cn ? c->ASN1_STRING_length(cn) : 0;

		tc.subject_cn_len = len > 0 ? (size_t)len : 0;
		tc.subject_cn = malloc(tc.subject_cn_len + 1);
		if (tc.subject_cn == NULL)
			goto fail;
		if (tc.subject_cn_len > 0)
			memcpy(tc.subject_cn, c->ASN1_STRING_get0_data(cn), tc.subject_cn_len);
		tc.subject_cn[tc.subject_cn_len] = '\0';
	} else {
		tc.subject_cn = strdup("");
		if (tc.subject_cn == NULL)
			goto fail;
	}
	if (add_cert(s, cap, &tc) < 0)
		goto fail;
	return 0;
skip:
	cert_release(c, &tc);
	return 0;
fail:
	cert_release(c, &tc);
	return -ENOMEM;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every file of one directory, in name order (the order verdicts try
 * certificates in must not depend on the file system). */
static int load_dir(struct trust_context *t, const struct lazy_crypto *c, struct trust_store *s,
		    size_t *cap, const char *dir)
{
	char *dirpath = NULL, **names = NULL;
	size_t nnames = 0, cap_names = 0;
	struct dirent *de;
	DIR *d;
	int r = 0;

	if (asprintf(&dirpath, "%s%s", t->root, dir) < 0)
		return -ENOMEM;
	d = opendir(dirpath);
	if (d == NULL) {
		if (errno != ENOENT && errno != ENOTDIR)
			log_write(t->log, LOG_WARNING, "trust store: cannot read %s: %s", dirpath,
				strerror(errno));
		free(dirpath);
		return 0;
	}
	while ((de = readdir(d)) != NULL) {
		/* Hidden files: editors' and package managers' leftovers. */
		if (de->d_name[0] == '.')
			continue;
		if (nnames == TRUST_STORE_MAX_FILES) {
			log_write(t->log, LOG_WARNING,
				"trust store: %s holds more than %d files; the rest are ignored",
				dirpath, TRUST_STORE_MAX_FILES);
			break;
		}
		if (growable_array_reserve(&names, &cap_names, nnames + 1, sizeof(*names)) < 0) {
			r = -ENOMEM;
			goto out;
		}
		names[nnames] = strdup(de->d_name);
		if (names[nnames] == NULL) {
			r = -ENOMEM;
			goto out;
		}
		nnames++;
	}
	/* An empty directory has no array at all: qsort must not see NULL. */
	if (nnames > 1)
		qsort(names, nnames, sizeof(*names), by_name);
	for (size_t i = 0; i < nnames && r == 0; i++) {
		char *path;

		if (asprintf(&path, "%s/%s", dirpath, names[i]) < 0) {
			r = -ENOMEM;
			break;
		}
		r = load_file(t, c, s, cap, path);	/* path now belongs to it */
	}
out:
	for (size_t i = 0; i < nnames; i++)
		free(names[i]);
	free(names);
	closedir(d);
	free(dirpath);
	return r;
}

int trust_store_get(struct trust_context *t, const struct lazy_crypto *c,
		    const struct trust_store **store, struct pmod_error *err)
{
	struct trust_store *s;
	size_t cap = 0;
	int r = 0;

	pthread_mutex_lock(&load_lock);
	if (t->store != NULL)
		goto done;
	s = calloc(1, sizeof(*s));
	if (s == NULL) {
		r = -ENOMEM;
		goto done;
	}
	r = load_dir(t, c, s, &cap, TRUST_STORE_DISTRIBUTION_DIR);
	if (r == 0)
		r = load_dir(t, c, s, &cap, TRUST_STORE_ADMIN_DIR);
	if (r < 0) {
		trust_store_free(s);
		goto done;
	}
	t->store = s;
done:
	pthread_mutex_unlock(&load_lock);
	if (r < 0)
		return pmod_fail(err, r, "out of memory while loading the trust store");
	*store = t->store;
	return 0;
}

size_t trust_store_match(const struct trust_store *store, const struct lazy_crypto *c,
			 CMS_SignerInfo *si, size_t *out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < store->count && n < max; i++)
		if (c->CMS_SignerInfo_cert_cmp(si, store->certs[i].cert) == 0)
			out[n++] = i;
	c->ERR_clear_error();
	return n;
}

void trust_store_free(struct trust_store *s)
{
	const struct lazy_crypto *c;

	if (s == NULL)
		return;
	/* Certificates exist only if libcrypto was loaded to parse them. */
	c = s->count > 0 ? lazy_crypto(NULL) : NULL;
	for (size_t i = 0; i < s->count; i++)
		cert_release(c, &s->certs[i]);
	free(s->certs);
	free(s);
}

void trust_context_release(struct trust_context *t)
{
	signature_cache_free(t->signature_cache);
	t->signature_cache = NULL;
	trust_store_free(t->store);
	t->store = NULL;
}

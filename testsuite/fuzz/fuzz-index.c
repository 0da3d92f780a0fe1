// SPDX-License-Identifier: LGPL-2.1-or-later
/* libFuzzer target for the binary index reader (modules.*.bin): the input
 * is an index; exact lookups and wildcard searches are run on it and every
 * value returned is read in full.
 *   fuzz-index -max_total_time=60 CORPUS_DIR */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "index_reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile unsigned long sink;

static void touch_str(const char *s)
{
	for (; *s; s++)
		sink += (unsigned char)*s;
}

static void check_error(int r, const struct pmod_error *err)
{
	if (r < 0 && r != -ENODATA &&
	    (r < -4095 || err->code != r || err->text[0] == '\0' ||
	     memchr(err->text, '\0', sizeof(err->text)) == NULL))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const lookups[] = {
		"crc7", "snd_hda_intel", "kernel/lib/crc7.ko", "symbol:crc7_be", "",
		"a", "pci:v00008086d00001234sv*",
	};
	static const char *const searches[] = {
		"pci:v00008086d00001234sv00001028sd00000001bc02sc00i00",
		"pci:v00008086d00001234sv*",
		"usb:v1D6Bp0002d0515dc09dsc00dp03ic09isc00ip00in00",
		"usb:v1D6Bp0002d*",
		"abc", "", "*", "[", "acpi*:PNP0C0A:*",
	};
	struct index_reader *idx;
	struct pmod_error err;
	int r;

	r = index_reader_open_memory(data, size, &idx, &err);
	check_error(r, &err);
	if (r < 0)
		return 0;
	for (size_t i = 0; i < sizeof(lookups) / sizeof(lookups[0]); i++) {
		const char *value;

		memset(&err, 0, sizeof(err));
		r = index_reader_lookup(idx, lookups[i], &value, &err);
		check_error(r, &err);
		if (r == 0)
			touch_str(value);
	}
	for (size_t i = 0; i < sizeof(searches) / sizeof(searches[0]); i++) {
		struct index_value *values;
		size_t count;

		memset(&err, 0, sizeof(err));
		r = index_reader_search(idx, searches[i], &values, &count, &err);
		check_error(r, &err);
		if (r < 0)
			continue;
		for (size_t k = 0; k < count; k++) {
			sink += values[k].priority;
			touch_str(values[k].value);
		}
		free(values);
	}
	index_reader_close(idx);
	return 0;
}

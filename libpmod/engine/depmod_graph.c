// SPDX-License-Identifier: LGPL-2.1-or-later
/* depmod's graph: which module owns each symbol, the dependency edges
 * that imports make, and the topological order modules.dep is written in
 * (every module after the modules it needs). Symbols live in an open-addressing hash table:
 * kmod spends almost half of depmod comparing symbol names linearly. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "depmod_internal.h"
#include "error.h"
#include "growable_array.h"
#include "fnv_hash.h"

#define KERNEL_OWNER SIZE_MAX

struct symbol {
	const char *name;
	size_t owner;
	uint64_t crc;
};

struct depmod_symbols {
	struct symbol *slots;
	size_t nslots, count;
	char **owned;			/* names read from -E/-F files */
	size_t nowned, capowned;
};

int depmod_symbols_new(struct depmod_symbols **out)
{
	struct depmod_symbols *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return -ENOMEM;
	s->nslots = 1 << 16;
	s->slots = calloc(s->nslots, sizeof(*s->slots));
	if (s->slots == NULL) {
		free(s);
		return -ENOMEM;
	}
	*out = s;
	return 0;
}

void depmod_symbols_free(struct depmod_symbols *s)
{
	if (s == NULL)
		return;
	for (size_t i = 0; i < s->nowned; i++)
		free(s->owned[i]);
	free(s->owned);
	free(s->slots);
	free(s);
}

static struct symbol *slot_for(const struct depmod_symbols *s, const char *name)
{
	size_t mask = s->nslots - 1;
	size_t h = (size_t)fnv1a_str(name) & mask;

	while (s->slots[h].name != NULL && strcmp(s->slots[h].name, name) != 0)
		h = (h + 1) & mask;
	return &s->slots[h];
}

static int grow(struct depmod_symbols *s)
{
	struct symbol *old = s->slots;
	size_t n = s->nslots;

	s->slots = calloc(n * 2, sizeof(*s->slots));
	if (s->slots == NULL) {
		s->slots = old;
		return -ENOMEM;
	}
	s->nslots = n * 2;
	for (size_t i = 0; i < n; i++)
		if (old[i].name != NULL)
			*slot_for(s, old[i].name) = old[i];
	free(old);
	return 0;
}

/* A later definition replaces an earlier one: with modules added in
 * modules.order, the last module exporting a symbol owns it. */
static int symbol_set(struct depmod_symbols *s, const char *name, size_t owner, uint64_t crc)
{
	struct symbol *slot;

	if ((s->count + 1) * 2 > s->nslots && grow(s) < 0)
		return -ENOMEM;
	slot = slot_for(s, name);
	if (slot->name == NULL)
		s->count++;
	slot->name = name;
	slot->owner = owner;
	slot->crc = crc;
	return 0;
}

static int kernel_symbol(struct depmod_symbols *s, const char *name, uint64_t crc)
{
	char *copy = strdup(name);

	if (copy == NULL ||
	    growable_array_append(&s->owned, &s->nowned, &s->capowned, sizeof(copy), &copy) < 0) {
		free(copy);
		return -ENOMEM;
	}
	return symbol_set(s, copy, KERNEL_OWNER, crc);
}

/* Names that never count as unknown once kernel symbols are given. */
static int add_always_known(struct depmod_symbols *s)
{
	static const char *const names[] = { "__this_module", "_GLOBAL_OFFSET_TABLE_", "TOC." };
	int r = 0;

	for (size_t i = 0; r == 0 && i < 3; i++)
		r = kernel_symbol(s, names[i], 0);
	return r;
}

int depmod_symbols_load_symvers(struct pmod_ctx *ctx, struct depmod_symbols *s,
				const char *path, struct pmod_error *err)
{
	FILE *f = fopen(path, "re");
	char line[4096];
	unsigned lineno = 0;
	int r = 0;

	if (f == NULL)
		return pmod_fail(err, -errno, "%s: cannot open: %s", path, strerror(errno));
	while (r == 0 && fgets(line, sizeof(line), f)) {
		char *cur = line, *crc, *sym, *where, *end;
		unsigned long long v;

		lineno++;
		line[strcspn(line, "\n")] = '\0';
		crc = strtok_r(cur, " \t", &cur);
		sym = strtok_r(NULL, " \t", &cur);
		where = strtok_r(NULL, " \t", &cur);
		if (crc == NULL || sym == NULL || where == NULL || strcmp(where, "vmlinux") != 0)
			continue;
		errno = 0;
		v = strtoull(crc, &end, 16);
		if (errno != 0 || *end != '\0') {
			ctx_log(ctx, LOG_ERR, "%s:%u Invalid symbol version %s", path, lineno, crc);
			continue;
		}
		r = kernel_symbol(s, sym, v);
	}
	fclose(f);
	if (r == 0)
		r = add_always_known(s);
	return r < 0 ? pmod_fail(err, r, "out of memory") : 0;
}

int depmod_symbols_load_system_map(struct pmod_ctx *ctx, struct depmod_symbols *s,
				   const char *path, char prefix, struct pmod_error *err)
{
	FILE *f = fopen(path, "re");
	char line[4096];
	int r = 0;

	if (f == NULL)
		return pmod_fail(err, -errno, "%s: cannot open: %s", path, strerror(errno));
	while (r == 0 && fgets(line, sizeof(line), f)) {
		char *p = strchr(line, ' '), *name;

		line[strcspn(line, "\n")] = '\0';
		if (p == NULL || (p = strchr(p + 1, ' ')) == NULL)
			continue;
		name = p + 1;
		if (prefix != '\0' && name[0] == prefix)
			name++;
		if (strncmp(name, "__ksymtab_", 10) != 0)
			continue;
		r = kernel_symbol(s, name + 10, 0);
	}
	fclose(f);
	(void)ctx;
	if (r == 0)
		r = add_always_known(s);
	return r < 0 ? pmod_fail(err, r, "out of memory") : 0;
}

static const struct symbol *symbol_find(const struct depmod_symbols *s, const char *name,
					char prefix)
{
	const struct symbol *slot;

	if (name[0] == '.')	/* PPC64 function descriptors: .foo is foo */
		name++;
	if (prefix != '\0' && name[0] == prefix)
		name++;
	slot = slot_for(s, name);
	return slot->name ? slot : NULL;
}

static int add_edge(struct depmod_module *m, size_t to)
{
	for (size_t k = 0; k < m->ndeps; k++)
		if (m->deps[k] == to)
			return 0;
	if (growable_array_append(&m->deps, &m->ndeps, &m->capdeps, sizeof(to), &to) < 0)
		return -ENOMEM;
	return 1;
}

/* The cycles among the modules the sort could not place, in kmod's words
 * and order: from each such module in module order (unless it already lies
 * on a reported cycle), a depth-first search that tries dependencies last
 * first and reports every way back to where it started; then the number of
 * modules on the cycles. */
static void report_cycles(struct pmod_ctx *ctx, const struct depmod_modules *mods,
			  const unsigned *users)
{
	struct frame {
		size_t mod;
		size_t next;		/* dependencies still to try, counting down */
	};
	size_t n = mods->count, found = 0;
	struct frame *stack = malloc((n + 1) * sizeof(*stack));
	size_t *visited = calloc(n + 1, sizeof(*visited));
	bool *on_cycle = calloc(n + 1, sizeof(*on_cycle));
	char *line = malloc(8192);

	if (stack == NULL || visited == NULL || on_cycle == NULL || line == NULL)
		goto out;
	for (size_t root = 0; root < n; root++) {
		size_t depth = 1;

		if (users[root] == 0 || on_cycle[root])
			continue;
		visited[root] = root + 1;
		stack[0] = (struct frame){ root, mods->items[root].ndeps };
		while (depth > 0) {
			struct frame *f = &stack[depth - 1];
			size_t d, used = 0;

			if (f->next == 0) {
				depth--;
				continue;
			}
			d = mods->items[f->mod].deps[--f->next];
			if (users[d] == 0)
				continue;	/* placed by the sort: on no cycle */
			if (d == root) {
				for (size_t k = 0; k < depth; k++) {
					size_t m = stack[k].mod;

					if (!on_cycle[m]) {
						on_cycle[m] = true;
						found++;
					}
					if (used < 8192)
						used += (size_t)snprintf(line + used, 8192 - used, "%s -> ",
									 mods->items[m].name);
				}
				if (used < 8192)
					snprintf(line + used, 8192 - used, "%s", mods->items[root].name);
				ctx_log(ctx, LOG_ERR, "Cycle detected: %s", line);
				continue;
			}
			if (visited[d] == root + 1)
				continue;
			visited[d] = root + 1;
			stack[depth++] = (struct frame){ d, mods->items[d].ndeps };
		}
	}
	ctx_log(ctx, LOG_ERR, "Found %zu modules in dependency cycles!", found);
out:
	free(stack);
	free(visited);
	free(on_cycle);
	free(line);
}

int depmod_graph_build(struct pmod_ctx *ctx, struct depmod_modules *mods,
		       struct depmod_symbols *syms, const struct depmod_graph_options *o,
		       struct pmod_error *err)
{
	size_t n = mods->count, nroots = 0, sorted = 0;
	unsigned *users;
	size_t *roots;
	int r;

	for (size_t i = 0; i < n; i++) {
		const struct depmod_module *m = &mods->items[i];

		for (size_t k = 0; k < m->nexports; k++) {
			const char *name = m->exports[k].name;

			if (o->symbol_prefix != '\0' && name[0] == o->symbol_prefix)
				name++;
			if (symbol_set(syms, name, i, m->exports[k].crc) < 0)
				return pmod_fail(err, -ENOMEM, "out of memory");
		}
	}
	for (size_t i = 0; i < n; i++) {
		struct depmod_module *m = &mods->items[i];

		for (size_t k = 0; k < m->nimports; k++) {
			const struct depmod_import *im = &m->imports[k];
			const struct symbol *sym = symbol_find(syms, im->name, o->symbol_prefix);

			if (sym == NULL) {
				if (o->warn_unknown && !im->weak)
					ctx_log(ctx, LOG_WARNING, "%s needs unknown symbol %s", m->path,
						im->name);
				continue;
			}
			if (o->check_crcs && o->warn_unknown && sym->crc != im->crc && !im->weak)
				ctx_log(ctx, LOG_WARNING, "%s disagrees about version of symbol %s",
					m->path, im->name);
			if (sym->owner == KERNEL_OWNER)
				continue;
			r = add_edge(m, sym->owner);
			if (r < 0)
				return pmod_fail(err, -ENOMEM, "out of memory");
			if (r > 0) {
				mods->items[sym->owner].users++;
				if (o->dependency_fn)
					o->dependency_fn(o->dependency_data, m->path, sym->name,
							 mods->items[sym->owner].path);
			}
		}
	}

	/* Kahn's sort: modules nobody uses first; a LIFO of ready modules
	 * seeded in module order, as kmod does, so lines come out the same. */
	users = malloc((n + 1) * sizeof(*users));
	roots = malloc((n + 1) * sizeof(*roots));
	if (users == NULL || roots == NULL) {
		free(users);
		free(roots);
		return pmod_fail(err, -ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < n; i++) {
		users[i] = mods->items[i].users;
		if (users[i] == 0)
			roots[nroots++] = i;
	}
	while (nroots > 0) {
		struct depmod_module *m = &mods->items[roots[--nroots]];

		m->sort_idx = sorted++;
		for (size_t k = 0; k < m->ndeps; k++)
			if (--users[m->deps[k]] == 0)
				roots[nroots++] = m->deps[k];
	}
	r = 0;
	if (sorted < n) {
		report_cycles(ctx, mods, users);
		r = pmod_fail(err, -ELOOP, "dependency cycles: no output written");
	}
	free(users);
	free(roots);
	return r;
}

static int cmp_sort_idx(const void *a, const void *b, void *arg)
{
	const struct depmod_modules *mods = arg;
	size_t x = mods->items[*(const size_t *)a].sort_idx;
	size_t y = mods->items[*(const size_t *)b].sort_idx;

	return x < y ? -1 : (x > y);
}

int depmod_closure(const struct depmod_modules *mods, size_t i, size_t **out, size_t *count)
{
	size_t n = mods->count, len = 0, top = 0;
	size_t *stack = malloc((n + 1) * sizeof(*stack)), *seen_list = malloc((n + 1) * sizeof(size_t));
	bool *seen = calloc(n + 1, sizeof(*seen));

	if (stack == NULL || seen == NULL || seen_list == NULL) {
		free(stack);
		free(seen);
		free(seen_list);
		return -ENOMEM;
	}
	seen[i] = true;
	stack[top++] = i;
	while (top > 0) {
		const struct depmod_module *m = &mods->items[stack[--top]];

		for (size_t k = 0; k < m->ndeps; k++) {
			size_t d = m->deps[k];

			if (seen[d])
				continue;
			seen[d] = true;
			seen_list[len++] = d;
			stack[top++] = d;
		}
	}
	free(stack);
	free(seen);
	qsort_r(seen_list, len, sizeof(*seen_list), cmp_sort_idx, (void *)mods);
	*out = seen_list;
	*count = len;
	return 0;
}

static int cmp_owned(const void *a, const void *b)
{
	return strcmp(((const struct depmod_owned_symbol *)a)->name,
		      ((const struct depmod_owned_symbol *)b)->name);
}

int depmod_symbols_owned(const struct depmod_symbols *s, struct depmod_owned_symbol **out,
			 size_t *count)
{
	struct depmod_owned_symbol *list = malloc((s->count + 1) * sizeof(*list));
	size_t n = 0;

	if (list == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < s->nslots; i++) {
		if (s->slots[i].name == NULL || s->slots[i].owner == KERNEL_OWNER)
			continue;
		list[n].name = s->slots[i].name;
		list[n].owner = s->slots[i].owner;
		n++;
	}
	qsort(list, n, sizeof(*list), cmp_owned);
	*out = list;
	*count = n;
	return 0;
}

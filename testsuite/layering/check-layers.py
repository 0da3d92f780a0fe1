#!/usr/bin/env python3
"""The library's layers, checked on what the compiler built.

Each layer of libpmod is a static library (libpmod/LAYER/libpmod-LAYER.a).
Arrows point down the list given on the command line (first = bottom): an
object of a layer may call functions defined in its own layer or below,
never above. Calls are read from the objects themselves (nm: defined and
undefined symbols), so a call written any way at all is seen, and no file
of the library may take part in a circle of calls with another file.

It also checks the include paths the build gave each layer: with a
layer's own compiler flags (from compile_commands.json), every header of a
layer above must fail to preprocess, and every header of its own layer and
the ones below must be found.

usage: check-layers.py NM BUILD_DIR/libpmod LAYER... [--includes BUILD_DIR SOURCE_DIR/libpmod]
Exits 1 and names every offending call, circle or include; prints a
summary line.
"""
import collections
import os
import json
import re
import shlex
import subprocess
import sys


MEMBER = re.compile(r'^(?P<archive>[^:]*\.a):(?P<member>[^:]*\.o):\s*(?P<rest>.*)$')


def read_archive(nm, archive):
    """{object file name: (defined set, undefined set)} for one static library."""
    objs = collections.defaultdict(lambda: (set(), set()))
    for which, index in (('--defined-only', 0), ('--undefined-only', 1)):
        out = subprocess.run([nm, '-A', which, archive], capture_output=True, text=True,
                             check=True).stdout
        for line in out.splitlines():
            m = MEMBER.match(line)
            if not m:
                continue
            parts = m.group('rest').split()
            if index == 0 and (len(parts) != 3 or parts[1] not in 'TDBRVWGS'):
                continue
            if index == 1 and (len(parts) != 2 or parts[0] != 'U'):
                continue
            # meson names members LAYER_FILE.c.o: keep FILE.c
            member = os.path.basename(m.group('member'))
            member = member.split('_', 1)[1] if '_' in member else member
            objs[member.replace('.c.o', '.c')][index].add(parts[-1])
    return objs


def strongly_connected(nodes, edges):
    """Tarjan's algorithm, iterative: the components with more than one node."""
    index, low, on_stack, stack, result = {}, {}, set(), [], []
    counter = [0]
    for root in nodes:
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = counter[0]; counter[0] += 1
        stack.append(root); on_stack.add(root)
        while work:
            node, it = work[-1]
            advanced = False
            for nxt in it:
                if nxt not in index:
                    index[nxt] = low[nxt] = counter[0]; counter[0] += 1
                    stack.append(nxt); on_stack.add(nxt)
                    work.append((nxt, iter(sorted(edges[nxt]))))
                    advanced = True
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                comp = []
                while True:
                    w = stack.pop(); on_stack.discard(w); comp.append(w)
                    if w == node:
                        break
                if len(comp) > 1:
                    result.append(sorted(comp))
    return result


def layer_flags(build_dir, layer):
    """(compiler, flags, cwd) of one object of the layer, as the build ran it."""
    with open(os.path.join(build_dir, 'compile_commands.json')) as f:
        commands = json.load(f)
    for c in commands:
        if 'libpmod-%s.a.p' % layer in c.get('output', c['command']):
            argv = shlex.split(c['command'])
            keep = [a for a in argv[1:] if a.startswith(('-I', '-D', '-std='))]
            return argv[0], keep, c['directory']
    return None


def check_includes(build_dir, source_dir, layers):
    """Problems with the include paths: an upward header found, or a header
    of the layer itself or below not found."""
    problems, probes = [], 0
    headers = {l: sorted(h for h in os.listdir(os.path.join(source_dir, l)) if h.endswith('.h'))
               for l in layers}
    for i, layer in enumerate(layers):
        found = layer_flags(build_dir, layer)
        if found is None:
            problems.append('no compile command for layer %s' % layer)
            continue
        compiler, flags, cwd = found
        for j, other in enumerate(layers):
            for h in headers[other]:
                probes += 1
                r = subprocess.run([compiler] + flags + ['-E', '-x', 'c', '-o', os.devnull, '-'],
                                   input='#include "%s"\n' % h, text=True, cwd=cwd,
                                   capture_output=True)
                if j > i and r.returncode == 0:
                    problems.append('upward include: %s/%s is reachable from layer %s'
                                    % (other, h, layer))
                elif j <= i and r.returncode != 0:
                    problems.append('%s/%s cannot be included from layer %s: %s'
                                    % (other, h, layer, r.stderr.strip().splitlines()[:1]))
    return problems, probes


def main():
    args = sys.argv[1:]
    includes = None
    if '--includes' in args:
        k = args.index('--includes')
        includes = args[k + 1:k + 3]
        del args[k:k + 3]
    if len(args) < 3 or (includes is not None and len(includes) != 2):
        print(__doc__, file=sys.stderr)
        return 2
    nm, libdir, layers = args[0], args[1], args[2:]
    rank, objects = {}, {}
    for i, layer in enumerate(layers):
        archive = os.path.join(libdir, 'libpmod-%s.a' % layer)
        if not os.path.exists(archive):
            print('check-layers: %s is missing' % archive, file=sys.stderr)
            return 1
        for obj, syms in read_archive(nm, archive).items():
            key = '%s/%s' % (layer, obj)
            objects[key] = syms
            rank[key] = i
    owner = {}
    for key, (defined, _) in objects.items():
        for sym in defined:
            owner[sym] = key
    problems = []
    edges = collections.defaultdict(set)
    calls = 0
    for key, (_, undefined) in sorted(objects.items()):
        for sym in sorted(undefined):
            target = owner.get(sym)
            if target is None or target == key:
                continue
            calls += 1
            edges[key].add(target)
            if rank[target] > rank[key]:
                problems.append('upward call: %s uses %s, defined in %s (layer %s is above %s)'
                                % (key, sym, target, layers[rank[target]], layers[rank[key]]))
    for comp in strongly_connected(sorted(objects), edges):
        problems.append('circle of calls between files: %s' % ' <-> '.join(comp))
    probes = 0
    if includes is not None:
        more, probes = check_includes(includes[0], includes[1], layers)
        problems += more
    for p in problems:
        print('check-layers: ' + p)
    print('check-layers: %d files in %d layers, %d cross-file calls, %d include probes, '
          '%d problems' % (len(objects), len(layers), calls, probes, len(problems)))
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())

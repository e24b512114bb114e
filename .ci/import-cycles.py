#!/usr/bin/env python3
"""Fails when two modules of a crate import each other, directly or through others.

The rule: dependencies between sibling modules (children of the same parent, e.g. `cache` and
`catalog` under the crate root, or `profile_format::funcs` and `profile_format::sprig`) form
no cycle. A parent may use its children and a child its ancestors' items (that is how Rust
re-exports work); an edge between two modules is lifted to the two siblings under their
lowest common ancestor that contain them. Test modules (`tests.rs`, `*_tests.rs`, `#[cfg(test)]`
blocks are not told apart: keep test-only imports in test files) are skipped.

Usage: python3 .ci/import-cycles.py [crate-src-dir ...]   (default: src and crates/*/src)
"""

import glob
import os
import re
import sys

PATH = re.compile(r"\b(crate|super|self)((?:::[a-z_][a-z0-9_]*)+)")
GROUP = re.compile(r"\b(crate|super|self)((?:::[a-z_][a-z0-9_]*)*)::\{([^}]*)\}", re.S)


def modules(src):
    """Module path (tuple) -> file, for every .rs file under src."""
    found = {}
    for path in glob.glob(os.path.join(src, "**", "*.rs"), recursive=True):
        rel = os.path.relpath(path, src)[:-3].split(os.sep)
        if rel[0] == "bin":
            continue
        if rel in (["lib"], ["main"]):
            mod = ()
        elif rel[-1] == "mod":
            mod = tuple(rel[:-1])
        else:
            mod = tuple(rel)
        found[mod] = path
    return found


def is_test(mod):
    last = mod[-1] if mod else ""
    return last == "tests" or last.endswith("_tests") or last == "proptests"


def resolve(base, head, rest, mods):
    if head == "crate":
        start = ()
    elif head == "self":
        start = base
    else:
        start = base[:-1]
        while rest and rest[0] == "super":
            start, rest = start[:-1], rest[1:]
    target = start
    for part in rest:
        if target + (part,) in mods:
            target = target + (part,)
        else:
            break
    return target


def edges_of(mod, text, mods):
    out = set()
    for m in GROUP.finditer(text):
        head, prefix = m.group(1), [p for p in m.group(2).split("::") if p]
        for item in m.group(3).split(","):
            first = item.strip().split("::")[0].strip()
            if re.fullmatch(r"[a-z_][a-z0-9_]*", first or "") and first != "self":
                out.add(resolve(mod, head, prefix + [first], mods))
            else:
                out.add(resolve(mod, head, prefix, mods))
    for m in PATH.finditer(text):
        rest = [p for p in m.group(2).split("::") if p]
        out.add(resolve(mod, m.group(1), rest, mods))
    return out


def lift(a, b):
    n = 0
    while n < len(a) and n < len(b) and a[n] == b[n]:
        n += 1
    if n == len(a) or n == len(b):
        return None  # one contains the other
    return a[: n + 1], b[: n + 1]


def cycles(graph):
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in list(graph):
        if v not in index:
            visit(v)
    return out


def check(src):
    mods = modules(src)
    graph, why = {}, {}
    for mod, path in mods.items():
        if any(is_test(mod[: i + 1]) for i in range(len(mod))):
            continue
        text = open(path, encoding="utf-8").read()
        text = re.sub(r"//[^\n]*", "", text)  # comments and doc links are not imports
        for target in edges_of(mod, text, mods):
            if target == mod or any(is_test(target[: i + 1]) for i in range(len(target))):
                continue
            pair = lift(mod, target)
            if pair:
                graph.setdefault(pair[0], set()).add(pair[1])
                why.setdefault(pair, f"{path} uses {'::'.join(target) or 'crate'}")
    found = cycles(graph)
    for comp in found:
        names = ", ".join("::".join(m) for m in comp)
        print(f"{src}: import cycle among {names}")
        for a in comp:
            for b in comp:
                if (a, b) in why and b in graph.get(a, ()):
                    print(f"  {why[(a, b)]}")
    return not found


def main():
    roots = sys.argv[1:] or ["src"] + sorted(glob.glob("crates/*/src"))
    ok = all([check(r) for r in roots])
    if ok:
        print(f"import-cycles: no cycle in {', '.join(roots)}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()

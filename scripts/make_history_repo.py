#!/usr/bin/env python3
"""Builds a benchmark git repository by replaying a source tree as a long history.

Usage: make_history_repo.py SOURCE_DIR OUT_REPO [COMMITS]

Each commit adds, edits, renames, copies or deletes a few files taken from SOURCE_DIR (for example the
cargo registry sources), with a fixed seed, through `git fast-import` (fast, no working tree). Some
branches are left unmerged and a few made-up secrets are planted, so a history scan has real work:
many commits, many unique blobs of real text, renames and copies for provenance.
"""
import os
import random
import subprocess
import sys

src, out = sys.argv[1], sys.argv[2]
n_commits = int(sys.argv[3]) if len(sys.argv) > 3 else 30000
rng = random.Random(1234)

files = []
for root, dirs, names in os.walk(src):
    dirs.sort()
    for name in sorted(names):
        p = os.path.join(root, name)
        try:
            if os.path.getsize(p) > 512 * 1024:
                continue
            data = open(p, "rb").read()
        except OSError:
            continue
        if b"\0" in data[:8192]:
            continue
        files.append((os.path.relpath(p, src), data))
rng.shuffle(files)
alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

subprocess.run(["git", "init", "-q", "--bare", out], check=True)
fi = subprocess.Popen(["git", "-C", out, "fast-import", "--quiet"], stdin=subprocess.PIPE)
w = fi.stdin
tree = {}  # path -> bytes
next_file = 0
mark = 0
t0 = 1_500_000_000
planted = 0


def data(b):
    w.write(b"data %d\n" % len(b))
    w.write(b)
    w.write(b"\n")


def commit(branch, i, ops, parent_from=None):
    global mark
    mark += 1
    who = rng.choice(["Alice <alice@example.org>", "Bob <bob@example.org>", "Carol <carol@example.org>"])
    w.write(b"commit refs/heads/%s\nmark :%d\n" % (branch.encode(), mark))
    w.write(b"author %s %d +0000\ncommitter %s %d +0000\n" % (who.encode(), t0 + i * 600, who.encode(), t0 + i * 600))
    data(b"change %d" % i)
    if parent_from:
        w.write(b"from %s\n" % parent_from.encode())
    for op in ops:
        w.write(op)


for i in range(n_commits):
    ops = []
    for _ in range(rng.randint(1, 4)):
        r = rng.random()
        if (r < 0.45 or not tree) and next_file < len(files):
            path, content = files[next_file]
            next_file += 1
            tree[path] = content
        elif r < 0.85 and tree:
            path = rng.choice(list(tree)) if len(tree) < 5000 else rng.choice(list(tree.keys())[-5000:])
            lines = tree[path].split(b"\n")
            k = rng.randrange(len(lines))
            lines[k] = lines[k] + b" // edit %d" % i
            if rng.random() < 0.01:
                lines.insert(k, ("GITHUB_TOKEN=ghp_" + "".join(rng.choice(alnum) for _ in range(36))).encode())
                planted += 1
            tree[path] = b"\n".join(lines)
        elif r < 0.90 and tree:
            path = rng.choice(list(tree.keys())[-5000:])
            new = path + ".moved"
            tree[new] = tree.pop(path)
            ops.append(b"D %s\n" % path.encode())
            path = new
        elif r < 0.95 and tree:
            path = rng.choice(list(tree.keys())[-5000:])
            new = "copies/%d/%s" % (i, os.path.basename(path))
            tree[new] = tree[path]
            path = new
        elif tree:
            path = rng.choice(list(tree.keys())[-5000:])
            del tree[path]
            ops.append(b"D %s\n" % path.encode())
            continue
        else:
            continue
        ops.append(b"M 100644 inline %s\n" % path.encode())
        ops[-1] += b"data %d\n" % len(tree[path]) + tree[path] + b"\n"
    commit("main", i, ops)
    if i % 5000 == 4999:
        # an unmerged side branch from here
        commit("side-%d" % i, i, [b"M 100644 inline side.env\ndata 45\nAPI_TOKEN=ghp_" + "".join(rng.choice(alnum) for _ in range(30)).encode() + b"\n\n"], parent_from="refs/heads/main")
w.close()
fi.wait()
print(f"{n_commits} commits, {next_file} source files used, {planted} planted secrets -> {out}")

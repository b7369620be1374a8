#!/usr/bin/env python3
"""Generates a deterministic source-like corpus for throughput measurement.

Usage: gen_corpus.py OUT_DIR SIZE_MB

Files of code, config, markup and logs in many directories, with rare planted (made-up) secrets, so the
scan exercises the prefilter on realistic text and finds a known number of credentials.
"""
import os
import random
import sys

out, size_mb = sys.argv[1], int(sys.argv[2])
rng = random.Random(42)
words = ("request response handler config value index buffer stream token parser client server "
         "session user account record query result error status message cache thread worker key "
         "password secret auth header payload params options builder context timeout retry").split()
templates = [
    "fn {a}_{b}(ctx: &Context) -> Result<{C}, Error> {{\n    let {a} = ctx.{b}()?;\n    Ok({C}::new({a}))\n}}\n",
    "def {a}_{b}(self, {a}):\n    return self.{b}.get({a}, None)\n",
    "const {a}{C} = require('./{b}');\nmodule.exports = {{ {a}{C} }};\n",
    "{a}:\n  {b}: {n}\n  enabled: true\n",
    "<div class=\"{a}-{b}\"><span>{C} {n}</span></div>\n",
    "2024-05-{d:02d}T12:{d:02d}:00Z INFO {a} {b} completed in {n}ms\n",
    "// {C}: the {a} {b} is refreshed every {n} seconds\n",
]
secrets = [
    "GITHUB_TOKEN=ghp_{r36}\n",
    "DATABASE_URL=postgres://app:{r16}@db.internal:5432/app\n",
    "aws_access_key_id = AKIA{r16u}\n",
]
alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
exts = [".rs", ".py", ".js", ".yaml", ".html", ".log", ".go", ".md"]
total = size_mb << 20
written = 0
n_files = 0
planted = 0
while written < total:
    d = os.path.join(out, f"pkg{n_files % 97:02d}", f"mod{n_files % 13}")
    os.makedirs(d, exist_ok=True)
    parts = []
    size = rng.choice([2_000, 8_000, 30_000, 120_000])
    cur = 0
    while cur < size:
        if rng.random() < 0.0005:
            s = rng.choice(secrets).format(
                r36="".join(rng.choice(alnum) for _ in range(36)),
                r16="".join(rng.choice(alnum) for _ in range(16)),
                r16u="".join(rng.choice(upper) for _ in range(16)))
            planted += 1
        else:
            s = rng.choice(templates).format(a=rng.choice(words), b=rng.choice(words),
                                             C=rng.choice(words).capitalize(), n=rng.randint(1, 9999),
                                             d=rng.randint(1, 28))
        parts.append(s)
        cur += len(s)
    data = "".join(parts).encode()
    with open(os.path.join(d, f"file{n_files}{rng.choice(exts)}"), "wb") as f:
        f.write(data)
    written += len(data)
    n_files += 1
print(f"generated {written / 1e6:.0f} MB in {n_files} files under {out}, {planted} planted secrets")

#!/usr/bin/env python3
"""Writes the seed inputs of the fuzz targets (fuzz/seeds/TARGET/), from the built-in rules' examples
and small hand-made documents, archives and git objects. Run from the repository root; the seeds are
committed, so this is only needed when the formats change. `cargo test` replays every seed."""

import base64
import gzip
import hashlib
import io
import pathlib
import tarfile
import tomllib
import urllib.parse
import zipfile
import zlib

ROOT = pathlib.Path(__file__).resolve().parent.parent
SEEDS = ROOT / "fuzz" / "seeds"


def put(target, name, data):
    d = SEEDS / target
    d.mkdir(parents=True, exist_ok=True)
    (d / name).write_bytes(data if isinstance(data, bytes) else data.encode())


examples = []
for f in sorted((ROOT / "rules").glob("*.toml")):
    for r in tomllib.loads(f.read_text()).get("rules", []):
        examples += r.get("examples", [])[:1] + r.get("negative_examples", [])[:1]

# engine: the rules' examples in groups, as written and encoded
for i in range(0, len(examples), 8):
    text = "\n".join(examples[i : i + 8]) + "\n"
    put("engine", f"examples-{i // 8:03}", text)
put("engine", "base64", "data: " + base64.b64encode("\n".join(examples[:20]).encode()).decode() + "\n")
put("engine", "percent", "u=" + urllib.parse.quote("\n".join(examples[20:30])) + "\n")
put("engine", "utf16", "\n".join(examples[30:40]).encode("utf-16"))
put("engine", "binary", b"\x00\x7fELF" + "\n".join(examples[40:60]).encode() + b"\x00" * 64)

# decode: encoded spans of each kind
put("decode", "base64", "a = " + base64.b64encode(b"password = 'hunter2hunter2'" * 3).decode())
put("decode", "base64url", base64.urlsafe_b64encode(bytes(range(256))).decode())
put("decode", "percent", "p=" + urllib.parse.quote("secret=\"a/b c\" & token=x", safe=""))
put("decode", "escape", r'"key\u003d\x41\x42\n\t\"quoted\"\\ \101"')

# archive: zip, nested zip, gzip, tar, tar.gz, utf-16 member
text = "\n".join(examples[:10]).encode()
zbuf = io.BytesIO()
with zipfile.ZipFile(zbuf, "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("dir/a.txt", text)
    z.writestr("b.env", b"TOKEN=abc\n")
put("archive", "zip", zbuf.getvalue())
outer = io.BytesIO()
with zipfile.ZipFile(outer, "w", zipfile.ZIP_STORED) as z:
    z.writestr("inner.zip", zbuf.getvalue())
    z.writestr("u16.txt", text.decode().encode("utf-16-le"))
put("archive", "nested-zip", outer.getvalue())
put("archive", "gzip", gzip.compress(text, mtime=0))
tbuf = io.BytesIO()
with tarfile.open(fileobj=tbuf, mode="w", format=tarfile.USTAR_FORMAT) as t:
    info = tarfile.TarInfo("conf/app.yml")
    info.size = len(text)
    t.addfile(info, io.BytesIO(text))
put("archive", "tar", tbuf.getvalue())
put("archive", "tar-gz", gzip.compress(tbuf.getvalue(), mtime=0))

# config: first byte picks the parser (see harness::config)
put("config", "sprawl", b"\x00" + b"""
exclude_paths = ["vendor/**"]
allow_values = ["not-a-secret"]
min_confidence = "medium"

[[rules]]
id = "acme.key"
name = "Acme key"
keywords = ["acme_"]
pattern = '''\\b(?P<secret>acme_[a-z0-9]{24})\\b'''
confidence = "high"
examples = ["k = acme_0123456789abcdefghijklmn"]
negative_examples = ["k = acme_short"]
""")
put("config", "gitleaks", b"\x01" + b"""
title = "custom"

[extend]
useDefault = true

[[rules]]
id = "custom-token"
description = "Custom token"
regex = '''(?i)custom[_-]?token\\s*=\\s*['"]?([a-z0-9]{32})'''
secretGroup = 1
entropy = 3.5
keywords = ["custom"]

[allowlist]
paths = ['''vendor/''']
regexes = ['''EXAMPLE''']
stopwords = ["dummy"]
""")
put("config", "rule-file", b"\x02" + (ROOT / "rules" / "github.toml").read_bytes())
put("config", "validate", b"\x03" + b"""
hosts = ["api.example.com"]
url = "https://api.example.com/v1/me"
headers = { Authorization = "Bearer {secret}" }
invalid = [401, 403]
identity = ["/user/name"]
""")
put("config", "inventory-toml", b"\x04" + b"""
[[credentials]]
rule = "github.pat-classic"
owner = "@platform"
created = "2025-01-01"
rotate_every = "90d"

[[credentials]]
fingerprint = "ff"
owner = "@b"
expires = "2025-06-01"
""")
put("config", "inventory-yaml", b"\x05" + b"""credentials:
  - rule: aws.access-key
    path: "deploy/**"
    owner: "@ops"
    created: "2025-01-01"
    rotate_every: 12w
""")
put("config", "codeowners", b"\x06" + b"""# owners
*       @org/everyone
/src/   @org/core dev@example.com
*.tf    @org/infra
docs/** @org/docs
""")

# baseline: the versions the loader reads
fp = hashlib.sha256(b"seed").hexdigest()
put("baseline", "v1", '{\n  "version": 1,\n  "entries": [\n    {"fingerprint":"%s","rule_id":"github.pat-classic","added":"2026-01-01","reason":"rotated"}\n  ]\n}\n' % fp)
put("baseline", "v0", '["%s"]' % fp)
put("baseline", "empty", '{"version": 1, "entries": []}')


# git: records of [kind][len u16 LE][body], 0xFE k = id of the kth object (see harness::write_objects)
def rec(kind, body):
    return bytes([kind]) + len(body).to_bytes(2, "little") + body


blob = rec(0, b"password = 'correct-horse-battery-staple'\n" + examples[0].encode())
blob2 = rec(0, b"nothing here\n")
tree = rec(1, b"100644 a.env\0\xfe\x00" + b"100644 b.txt\0\xfe\x01")
sub = rec(1, b"40000 dir\0\xfe\x02" + b"100644 top\0\xfe\x01")
who = b"A U Thor <author@example.com> 1700000000 +0000\n"
c1 = rec(2, b"tree \xfe\x02\nauthor " + who + b"committer " + who + b"\nfirst\n")
c2 = rec(2, b"tree \xfe\x03\nparent \xfe\x04\nauthor " + who + b"committer " + who + b"\nsecond token=abc\n")
put("git", "two-commits", blob + blob2 + tree + sub + c1 + c2)
tag = rec(3, b"object \xfe\x04\ntype commit\ntag v1\ntagger " + who + b"\nrelease\n")
put("git", "tag", blob + blob2 + tree + sub + c1 + tag)
put("git", "tree-only", blob + tree)


# loose: a complete blob object, a truncated one, and a damaged one
def loose(kind, content):
    return zlib.compress(kind + b" " + str(len(content)).encode() + b"\0" + content)


good = loose(b"blob", b"sprawl fuzz")
put("loose", "complete", good)
put("loose", "truncated", good[: len(good) // 2])
put("loose", "damaged", good[:4] + bytes(b ^ 0x55 for b in good[4:]))
put("loose", "wrong-type", loose(b"tree", b"sprawl fuzz"))

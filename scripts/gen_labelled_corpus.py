#!/usr/bin/env python3
"""Generates the labelled detection corpus under tests/corpus/ (deterministic: fixed seed): the files to
scan in tests/corpus/files/, their labels in tests/corpus/labels.jsonl (paths relative to files/).

    python3 scripts/gen_labelled_corpus.py            # rewrites tests/corpus/

Positives: made-up credentials in real formats. For every high-confidence provider rule, the token of its
first example is re-randomised character class by character class after its keyword (so prefix, length
and alphabet stay those of the real format, the value is new), checked against the rule's pattern, and
written into a realistic file. Structural families (private keys, connection URLs, .netrc, .pypirc, .npmrc,
docker configs, Kubernetes secrets, basic-auth headers, generic password assignments) have their own
generators. Every positive is a line in labels.jsonl: {"path", "line", "provider", "rule_id", "secret"}
(the secret as reported: decoded for base64-encoded ones).

Hard negatives (no label): placeholders, templates, environment lookups, hashes and digests, bcrypt,
integrity strings, UUIDs, versions, lock files, fake values in test files, low-entropy values and
documented sample keys.
"""
import base64
import glob
import json
import os
import random
import re
import shutil
import string
import sys
import tomllib
import zlib

SEED = 20260401
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
OUT = os.path.join(ROOT, "tests", "corpus")
STRUCTURAL = {"generic", "configfiles", "http", "url", "database", "jwt", "privatekey"}

rng = random.Random(SEED)
labels = []
files = {}


def emit(path, lines, positives=()):
    """Writes `lines` to `path`; `positives` are (line index, provider, rule_id, secret)."""
    files[path] = "\n".join(lines) + "\n"
    for idx, provider, rule_id, secret in positives:
        labels.append(
            {"path": path, "line": idx + 1, "provider": provider, "rule_id": rule_id, "secret": secret}
        )


def emit_bytes(path, data, positives=()):
    """Writes binary `data` to `path`; `positives` are (label path, line index, provider, rule_id, secret)."""
    files[path] = data
    for label_path, idx, provider, rule_id, secret in positives:
        labels.append(
            {"path": label_path, "line": idx + 1, "provider": provider, "rule_id": rule_id, "secret": secret}
        )


def rand(alphabet, n):
    return "".join(rng.choice(alphabet) for _ in range(n))


ALNUM = string.ascii_letters + string.digits


def password(n=18):
    # Mixed classes with a symbol, never a dictionary word: a realistic generated password.
    while True:
        p = rand(ALNUM + "!#%^*-_~", n)
        if any(c.isdigit() for c in p) and any(c.isupper() for c in p) and any(c.islower() for c in p):
            return p


BASE62 = string.digits + string.ascii_uppercase + string.ascii_lowercase


def crc_suffix(random30):
    """The base62 CRC32 checksum GitHub and npm append to the 30 random characters of a token."""
    n = zlib.crc32(random30.encode())
    out = []
    for _ in range(6):
        out.append(BASE62[n % 62])
        n //= 62
    return "".join(reversed(out))


def make_valid(token):
    """Makes a made-up token pass the offline checks a real one passes: the CRC32 suffix of GitHub and
    npm tokens, the base32 alphabet of AWS key ids."""
    if len(token) == 40 and token[:4] in ("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "npm_") and token[4:].isalnum():
        return token[:34] + crc_suffix(token[4:34])
    if len(token) == 20 and token[:4] in ("AKIA", "ASIA"):
        return token[:4] + "".join(c if c in string.ascii_uppercase + "234567" else rng.choice("234567") for c in token[4:])
    return token


def randomise(token, keep):
    """Replaces each character after `keep` by a random one of the same class (hex stays hex)."""
    head, tail = token[:keep], token[keep:]
    body = [c for c in tail if c.isalnum()]
    lower_hex = body and all(c in "0123456789abcdef" for c in body)
    upper_hex = body and all(c in "0123456789ABCDEF" for c in body)
    out = []
    for c in tail:
        if lower_hex and c.isalnum():
            out.append(rng.choice("0123456789abcdef"))
        elif upper_hex and c.isalnum():
            out.append(rng.choice("0123456789ABCDEF"))
        elif c.isdigit():
            out.append(rng.choice(string.digits))
        elif c.isupper():
            out.append(rng.choice(string.ascii_uppercase))
        elif c.islower():
            out.append(rng.choice(string.ascii_lowercase))
        else:
            out.append(c)
    return make_valid(head + "".join(out))


def py_pattern(p):
    return re.compile(p.replace("(?-u:\\b)", "\\b").replace("\\z", "\\Z"))


# ---------------------------------------------------------------------------------------------------
# Provider tokens, from the rules' own examples.
def provider_tokens():
    out = []
    for f in sorted(glob.glob(os.path.join(ROOT, "rules", "*.toml"))):
        d = tomllib.load(open(f, "rb"))
        provider = d["provider"]
        if provider in STRUCTURAL:
            continue
        for r in d.get("rules", []):
            if r["confidence"] != "high":
                continue
            try:
                rx = py_pattern(r["pattern"])
            except re.error:
                continue
            example = r["examples"][0]
            m = rx.search(example)
            if not m or not m.group("secret"):
                continue
            secret = m.group("secret")
            lower = secret.lower()
            keep = 0
            for k in r["keywords"]:
                i = lower.find(k.lower())
                if i >= 0:
                    keep = max(keep, i + len(k))
            for _ in range(20):
                new = randomise(secret, keep)
                line = example[: m.start("secret")] + new + example[m.end("secret"):]
                m2 = rx.search(line)
                if m2 and m2.group("secret") == new and new != secret:
                    out.append((provider, r["id"], line, m2.start("secret"), new))
                    break
    return out


FILLER = {
    "env": ["# service configuration", "APP_ENV=production", "LOG_LEVEL=info", "PORT=8080"],
    "sh": ["#!/usr/bin/env bash", "set -euo pipefail", 'echo "deploying $SERVICE"'],
    "md": ["# Setup notes", "", "Run the installer, then configure the client:", ""],
    "yaml": ["# generated by ops", "service: api", "replicas: 3"],
}


def write_provider_files(tokens):
    by_provider = {}
    for t in tokens:
        by_provider.setdefault(t[0], []).append(t)
    kinds = ["env", "sh", "md", "yaml"]
    for n, (provider, items) in enumerate(sorted(by_provider.items())):
        kind = kinds[n % len(kinds)]
        path = {
            "env": f"services/{provider}/.env",
            "sh": f"scripts/{provider}-setup.sh",
            "md": f"docs/{provider}.md",
            "yaml": f"deploy/{provider}/values.yaml",
        }[kind]
        lines = list(FILLER[kind])
        positives = []
        for (prov, rule_id, line, _col, secret) in items:
            if kind == "yaml":
                lines.append("# credential:")
            lines.append(line)
            positives.append((len(lines) - 1, prov, rule_id, secret))
            lines.append("")
        emit(path, lines, positives)


# ---------------------------------------------------------------------------------------------------
# Realistic structured files using simple, distinctive formats.
def gh():
    return make_valid("ghp_" + rand(ALNUM, 36))


def slack_bot():
    return f"xoxb-{rand(string.digits, 12)}-{rand(string.digits, 13)}-{rand(ALNUM, 24)}"


def npm_tok():
    return make_valid("npm_" + rand(ALNUM, 36))


def stripe():
    return "sk_live_" + rand(ALNUM, 24)


def gitlab():
    return "glpat-" + rand(ALNUM + "-_", 20)


def aws_id():
    return "AKIA" + rand(string.ascii_uppercase + "234567", 16)


def structured():
    # .env with several providers and a generic password
    t1, t2, t3, pw = gh(), stripe(), slack_bot(), password()
    emit(
        "app/.env",
        ["# app", "NODE_ENV=production", f"GITHUB_TOKEN={t1}", f"STRIPE_SECRET_KEY={t2}",
         f"SLACK_BOT_TOKEN={t3}", f"DB_PASSWORD={pw}", "DB_HOST=db.internal"],
        [(2, "github", "github.pat-classic", t1), (3, "stripe", "stripe.secret-key-live", t2),
         (4, "slack", "slack.bot-token", t3), (5, "generic", "generic.password", pw)],
    )
    # YAML app config
    pw2, t4 = password(20), gitlab()
    emit(
        "config/application.yaml",
        ["server:", "  port: 8443", "database:", "  user: app", f'  password: "{pw2}"',
         "gitlab:", f"  token: {t4}", "  url: https://gitlab.corp.local"],
        [(4, "generic", "generic.password", pw2), (6, "gitlab", "gitlab.pat", t4)],
    )
    # JSON
    t5 = npm_tok()
    pw3 = password(16)
    emit(
        "config/settings.json",
        ["{", '  "name": "billing",', f'  "npmToken": "{t5}",', f'  "smtp_password": "{pw3}",',
         '  "retries": 3', "}"],
        [(2, "npm", "npm.access-token", t5), (3, "generic", "generic.password", pw3)],
    )
    # Python
    t6, pw4 = gh(), password()
    emit(
        "src/client.py",
        ["import os", "import requests", "", f'GITHUB_TOKEN = "{t6}"',
         'API_URL = os.environ.get("API_URL", "https://api.github.com")', "",
         "def connect():", f'    return db.connect(user="svc", password="{pw4}")'],
        [(3, "github", "github.pat-classic", t6), (7, "generic", "generic.password", pw4)],
    )
    # JavaScript
    t7 = stripe()
    emit(
        "web/src/pay.js",
        ["import Stripe from 'stripe';", f"const stripe = new Stripe('{t7}');",
         "export default stripe;"],
        [(1, "stripe", "stripe.secret-key-live", t7)],
    )
    # Go
    t8 = slack_bot()
    emit(
        "cmd/notify/main.go",
        ["package main", "", 'import "github.com/slack-go/slack"', "", "func main() {",
         f'\tapi := slack.New("{t8}")', "\t_ = api", "}"],
        [(5, "slack", "slack.bot-token", t8)],
    )
    # Terraform
    pw5 = password(22)
    emit(
        "infra/main.tf",
        ['resource "aws_db_instance" "main" {', '  engine   = "postgres"', '  username = "admin"',
         f'  password = "{pw5}"', "}"],
        [(3, "generic", "generic.password", pw5)],
    )
    # Database URL
    pw6 = rand(ALNUM, 16)
    emit(
        "deploy/docker-compose.yml",
        ["services:", "  api:", "    image: corp/api:1.4.2", "    environment:",
         f"      DATABASE_URL: postgres://api:{pw6}@db:5432/api", "      LOG_LEVEL: debug"],
        [(4, "database", "database.postgres-uri", pw6)],
    )
    # Kubernetes secret (base64 data, decoded)
    t9 = gh()
    enc = base64.b64encode(t9.encode()).decode()
    emit(
        "k8s/github-secret.yaml",
        ["apiVersion: v1", "kind: Secret", "metadata:", "  name: github", "type: Opaque", "data:",
         f"  token: {enc}", f"  username: {base64.b64encode(b'ci-bot').decode()}"],
        [(6, "github", "github.pat-classic", t9)],
    )
    # docker config.json with auth = base64(user:token)
    t10 = gh()
    auth = base64.b64encode(f"robot:{t10}".encode()).decode()
    emit(
        ".docker/config.json",
        ["{", '  "auths": {', '    "ghcr.io": {', f'      "auth": "{auth}"', "    }", "  }", "}"],
        [(3, "github", "github.pat-classic", t10)],
    )
    # .npmrc
    t11 = npm_tok()
    emit(
        ".npmrc",
        ["registry=https://registry.npmjs.org/", f"//registry.npmjs.org/:_authToken={t11}",
         "always-auth=true"],
        [(1, "npm", "npm.access-token", t11)],
    )
    # .pypirc
    pw7 = password(16)
    emit(
        ".pypirc",
        ["[distutils]", "index-servers = internal", "", "[internal]",
         "repository = https://pypi.corp.local/simple", "username = deploy", f"password = {pw7}"],
        [(6, "configfiles", "configfiles.pypirc-password", pw7)],
    )
    # .netrc
    pw8 = password(18)
    emit(
        "home/.netrc",
        ["machine artifacts.corp.local", "  login ci", f"  password {pw8}"],
        [(2, "configfiles", "configfiles.netrc-password", pw8)],
    )
    # CI file
    t12, t13 = gitlab(), aws_id()
    emit(
        ".gitlab-ci.yml",
        ["stages: [build, deploy]", "variables:", f"  GITLAB_TOKEN: {t12}",
         f"  AWS_ACCESS_KEY_ID: {t13}", "deploy:", "  stage: deploy", "  script:", "    - make deploy"],
        [(2, "gitlab", "gitlab.pat", t12), (3, "aws", "aws.access-key-id", t13)],
    )
    # GitHub Actions with a basic-auth header
    user_pass = f"deploy:{password(16)}"
    enc2 = base64.b64encode(user_pass.encode()).decode()
    emit(
        ".github/workflows/release.yml",
        ["name: release", "on: [push]", "jobs:", "  release:", "    runs-on: ubuntu-latest", "    steps:",
         f'      - run: curl -H "Authorization: Basic {enc2}" https://repo.corp.local/upload'],
        [(6, "http", "http.basic-auth-header", user_pass)],
    )
    # A private key: a DER SEQUENCE, as a real PEM body is.
    der = bytes([0x30, 0x82, 0x02, 0x5c]) + bytes(rng.getrandbits(8) for _ in range(0x25c))
    b64 = base64.b64encode(der).decode()
    body = [b64[i:i + 64] for i in range(0, len(b64), 64)]
    key = "\n".join(["-----BEGIN RSA PRIVATE KEY-----"] + body + ["-----END RSA PRIVATE KEY-----"])
    lines = ["# deploy key, do not share"] + key.split("\n")
    emit("keys/deploy_rsa.pem", lines, [(1, "privatekey", "privatekey.rsa", key)])


# ---------------------------------------------------------------------------------------------------
# Hard negatives: nothing here may be reported.
def negatives():
    hexd = lambda n: rand("0123456789abcdef", n)  # noqa: E731
    emit(
        "neg/templates.env",
        ["DB_PASSWORD=${DB_PASSWORD}", "API_TOKEN={{ api_token }}", "SECRET_KEY=<your-secret-key>",
         "GITHUB_TOKEN=$(cat /run/secrets/gh)", "PASSWORD=%s", "AUTH_TOKEN=${{ secrets.AUTH_TOKEN }}",
         "STRIPE_KEY=sk_live_xxxxxxxxxxxxxxxxxxxxxxxx", "password=changeme", "api_key=your_api_key_here",
         "token=REDACTED", "password=placeholder"],
    )
    emit(
        "neg/lookups.py",
        ["import os", 'password = os.environ["DB_PASSWORD"]', 'token = os.getenv("GITHUB_TOKEN")',
         "secret = settings.SECRET_KEY", "api_key = config.get('api_key')",
         "client_secret = vault.read('kv/app')['client_secret']"],
    )
    emit(
        "neg/lookups.js",
        ["const token = process.env.GITHUB_TOKEN;", "const password = process.env['DB_PASSWORD'];",
         "const apiKey = import.meta.env.VITE_API_KEY;", "let secret = getSecret('app');"],
    )
    emit(
        "neg/hashes.txt",
        [f"md5 = {hexd(32)}", f"sha1: {hexd(40)}", f"sha256={hexd(64)}", f"commit {hexd(40)}",
         f"password_hash = \"$2b$12${rand(ALNUM + './', 53)}\"",
         f"password_hash = \"$argon2id$v=19$m=65536,t=3,p=4${rand(ALNUM + '+/', 22)}${rand(ALNUM + '+/', 43)}\"",
         f"token_sha256 = \"{hexd(64)}\""],
    )
    emit(
        "neg/package-lock.json",
        ["{", '  "name": "web",', '  "lockfileVersion": 3,', '  "packages": {', '    "node_modules/left-pad": {',
         '      "version": "1.3.0",',
         f'      "integrity": "sha512-{rand(ALNUM + "+/", 86)}=="', "    }", "  }", "}"],
    )
    emit(
        "neg/go.sum",
        [f"github.com/pkg/errors v0.9.1 h1:{rand(ALNUM + '+/', 43)}=",
         f"github.com/pkg/errors v0.9.1/go.mod h1:{rand(ALNUM + '+/', 43)}="],
    )
    import uuid

    u = uuid.UUID(int=rng.getrandbits(128), version=4)
    emit(
        "neg/ids.yaml",
        [f"client_id: {u}", f"tenant_id: {uuid.UUID(int=rng.getrandbits(128), version=4)}",
         "version: 1.24.3-rc.1", "image: corp/api:2.0.1", "api_version: 2023-10-01",
         f"request_id: {uuid.UUID(int=rng.getrandbits(128), version=4)}"],
    )
    emit(
        "tests/test_auth.py",
        ["def test_login():", '    password = "fake_password_123"', '    token = "mock_token_abcdef123"',
         '    api_key = "test_api_key_987654"', '    secret = "dummy-secret-value"',
         "    assert login(password)"],
    )
    emit(
        "neg/lowentropy.ini",
        ["[db]", "password = aaaaaaaaaaaa", "token = 1234567890", "secret = abcabcabcabc",
         "api_key = 000000000000000000000000"],
    )
    emit(
        "neg/docs-samples.md",
        ["Example credentials from the AWS docs:", "", "    AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE",
         "    AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "",
         "    Authorization: Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==",
         "Set `GITHUB_TOKEN` to a token starting with `ghp_`."],
    )
    emit(
        "neg/encoded-noise.yaml",
        ["kind: Secret", "data:", f"  password: {base64.b64encode(b'changeme').decode()}",
         f"  ca.crt: {base64.b64encode(bytes(rng.getrandbits(8) for _ in range(48))).decode()}",
         f"  note: {base64.b64encode(b'this is a harmless note').decode()}"],
    )
    emit(
        "neg/minified.js",
        ['!function(e){var t="' + rand(ALNUM, 40) + '";e.exports={id:t,url:"/api/v1/items?q=a%20b"}}(module);'],
    )


def more_negatives():
    hexd = lambda n: rand("0123456789abcdef", n)  # noqa: E731
    emit(
        "neg/.env.example",
        ["# copy to .env and fill in", "GITHUB_TOKEN=", "STRIPE_SECRET_KEY=sk_live_...",
         "DATABASE_URL=postgres://user:password@localhost:5432/app", "SLACK_BOT_TOKEN=xoxb-your-token",
         "AWS_SECRET_ACCESS_KEY=<aws secret>"],
    )
    emit(
        "neg/.github/workflows/ci.yml",
        ["name: ci", "on: [pull_request]", "jobs:", "  test:", "    runs-on: ubuntu-latest", "    env:",
         "      GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}", "      NPM_TOKEN: ${{ secrets.NPM_TOKEN }}",
         "      DB_PASSWORD: ${{ secrets.DB_PASSWORD }}", "    steps:", "      - uses: actions/checkout@v4",
         f"      - uses: actions/setup-node@{hexd(40)}"],
    )
    emit(
        "neg/variables.tf",
        ['variable "db_password" {', "  type      = string", "  sensitive = true", "}",
         'resource "aws_db_instance" "x" {', "  password = var.db_password",
         '  kms_key_id = data.aws_kms_key.main.arn', "}"],
    )
    emit(
        "neg/AppConfig.java",
        ["public class AppConfig {", '    @Value("${db.password}")', "    private String password;",
         '    private static final String TOKEN_HEADER = "X-Auth-Token";',
         '    String secret = System.getenv("APP_SECRET");', "}"],
    )
    emit(
        "neg/helm/templates/secret.yaml",
        ["apiVersion: v1", "kind: Secret", "data:", "  password: {{ .Values.db.password | b64enc }}",
         "  token: {{ required \"token\" .Values.token | b64enc | quote }}"],
    )
    emit(
        "neg/settings.rb",
        ["config.secret_key_base = ENV['SECRET_KEY_BASE']", "password = ENV.fetch('DB_PASSWORD')",
         "api_key = Rails.application.credentials.api_key"],
    )
    emit(
        "neg/config.php",
        ["<?php", "$password = getenv('DB_PASSWORD');", "$token = $_ENV['API_TOKEN'];",
         "define('AUTH_KEY', 'put your unique phrase here');"],
    )
    emit(
        "neg/Cargo.lock",
        ["[[package]]", 'name = "serde"', 'version = "1.0.210"',
         'source = "registry+https://github.com/rust-lang/crates.io-index"', f'checksum = "{hexd(64)}"'],
    )
    emit(
        "neg/yarn.lock",
        ['"lodash@^4.17.21":', '  version "4.17.21"',
         f'  resolved "https://registry.yarnpkg.com/lodash/-/lodash-4.17.21.tgz#{hexd(40)}"',
         f'  integrity sha512-{rand(ALNUM + "+/", 86)}=='],
    )
    emit(
        "neg/keys/id_ed25519.pub",
        [f"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI{rand(ALNUM + '+/', 43)} dev@laptop"],
    )
    cert = ["-----BEGIN CERTIFICATE-----"] + [rand(ALNUM + "+/", 64) for _ in range(8)] + [
        "-----END CERTIFICATE-----"]
    emit("neg/keys/server.crt", cert)
    emit(
        "neg/docker-compose.override.yml",
        ["services:", "  web:", f"    image: corp/web@sha256:{hexd(64)}", "    environment:",
         "      - DB_PASSWORD=${DB_PASSWORD:?missing}", "      - REDIS_URL=redis://redis:6379/0"],
    )
    emit(
        "neg/app.log",
        [f"2024-05-01T12:00:00Z INFO request_id={hexd(32)} user=42 status=200",
         f"2024-05-01T12:00:01Z INFO trace_id={hexd(32)} span_id={hexd(16)}",
         "2024-05-01T12:00:02Z WARN token expired for session, refreshing"],
    )
    emit(
        "neg/i18n.json",
        ["{", '  "password_label": "Password",', '  "token_expired": "Your session token has expired",',
         '  "secret_question": "What is the name of your first pet?"', "}"],
    )


def more_positives():
    import gzip
    import io
    import tarfile
    import zipfile

    # Generic passwords in many syntaxes.
    pws = [password(rng.randint(12, 24)) for _ in range(8)]
    syntaxes = [
        ("conf/app.properties", f"spring.datasource.password={pws[0]}"),
        ("conf/config.toml", f'db_password = "{pws[1]}"'),
        ("conf/settings.ini", f"[smtp]\npassword = {pws[2]}"),
        ("conf/web.config", f'<add key="SmtpPassword" value="{pws[3]}" />'),
        ("scripts/export.sh", f"export REDIS_PASSWORD='{pws[4]}'"),
        ("scripts/backup.sh", f"mysqldump -u backup --password={pws[5]} appdb > /tmp/db.sql"),
        ("src/Settings.cs", f'var connection = new Client("svc", password: "{pws[6]}");'),
        ("src/config.ts", f"export const adminPassword: string = '{pws[7]}';"),
    ]
    for (path, text), pw in zip(syntaxes, pws):
        lines = ["# settings"] + text.split("\n")
        idx = next(i for i, l in enumerate(lines) if pw in l)
        emit(path, lines, [(idx, "generic", "generic.password", pw)])
    # Percent-encoded and escaped tokens.
    t1 = gh()
    emit(
        "notes/webhook.txt",
        ["Webhook configured:", f"https://hooks.corp.local/run?token={t1.replace('_', '%5F')}&env=prod"],
        [(1, "github", "github.pat-classic", t1)],
    )
    t2 = npm_tok()
    esc = "".join(f"\\u{ord(c):04x}" for c in t2[:4]) + t2[4:]
    emit(
        "web/dist/config.json",
        ["{", f'  "registryToken": "{esc}"', "}"],
        [(1, "npm", "npm.access-token", t2)],
    )
    # Archives: a zip with an .env, a tar.gz with a YAML file, a gzipped SQL dump.
    t3, t4, pw9 = gh(), slack_bot(), password(20)
    zbuf = io.BytesIO()
    with zipfile.ZipFile(zbuf, "w", zipfile.ZIP_DEFLATED) as z:
        info = zipfile.ZipInfo("config/.env", date_time=(2024, 1, 1, 0, 0, 0))
        z.writestr(info, f"APP=web\nGITHUB_TOKEN={t3}\n")
        info = zipfile.ZipInfo("README.txt", date_time=(2024, 1, 1, 0, 0, 0))
        z.writestr(info, "release bundle\n")
    emit_bytes("dist/release.zip", zbuf.getvalue(),
               [("dist/release.zip!config/.env", 1, "github", "github.pat-classic", t3)])
    tbuf = io.BytesIO()
    with tarfile.open(fileobj=tbuf, mode="w", format=tarfile.GNU_FORMAT) as t:
        data = f"notify:\n  slack_token: {t4}\n".encode()
        ti = tarfile.TarInfo("chart/values.yaml")
        ti.size, ti.mtime = len(data), 1704067200
        t.addfile(ti, io.BytesIO(data))
    emit_bytes("dist/chart.tgz", gzip.compress(tbuf.getvalue(), mtime=0),
               [("dist/chart.tgz!chart/values.yaml", 1, "slack", "slack.bot-token", t4)])
    sql = f"-- dump\nCREATE USER app WITH PASSWORD '{pw9}';\n".encode()
    emit_bytes("backup/db.sql.gz", gzip.compress(sql, mtime=0),
               [("backup/db.sql.gz!db.sql", 1, "generic", "generic.password", pw9)])
    # UTF-16 (Windows tools write it): with a BOM, little-endian.
    t5 = stripe()
    text = f"[billing]\r\nprovider = stripe\r\nsecret_key = {t5}\r\n"
    emit_bytes("win/billing.ini", b"\xff\xfe" + text.encode("utf-16-le"),
               [("win/billing.ini", 2, "stripe", "stripe.secret-key-live", t5)])


# ---------------------------------------------------------------------------------------------------
# Bait: what a reader dismisses at a glance, one class per reason the default report holds a finding
# back (at least 30 of each, none labelled), and the recall cases next to them (labelled).
WORDS = ["session", "express", "bucket", "region", "manager", "webhook", "cluster", "service", "account",
         "storage", "client", "server", "option", "handler", "config", "module", "request", "access",
         "default", "vendor", "signing", "profile", "context", "router", "channel", "tenant", "upload"]


def word():
    return rng.choice(WORDS)


def bait_failed_checks():
    # Provider-format tokens whose checksum fails: the provider never issued them.
    for n in range(3):
        lines = ["# tokens copied from the old runner"]
        for i in range(10):
            prefix = ["ghp_", "gho_", "npm_"][i % 3]
            tok = prefix + rand(ALNUM, 36)
            if make_valid(tok) == tok:
                continue
            lines.append(f"{['GITHUB_TOKEN', 'GH_OAUTH', 'NPM_TOKEN'][i % 3]}_{n}{i}={tok}")
        emit(f"bait/failed-check/runner{n}.env", lines)


TEST_PATHS = ["tests/{w}_settings.py", "src/{w}/testdata/config.yaml", "pkg/{w}/client_test.go",
              "test_{w}.py", "web/src/{w}.spec.ts", "src/__tests__/{w}.js", "spec/{w}_spec.rb",
              "internal/{w}/fixtures/app.env", "src/test/java/{W}ServiceTest.java", "mocks/{w}.json"]


def bait_test_fixtures():
    # Generic matches in test code and fixtures, and assignments whose name says test.
    for i in range(20):
        w = word()
        path = TEST_PATHS[i % len(TEST_PATHS)].format(w=f"{w}{i}", W=w.capitalize())
        emit(path, ["# fixture", f'password = "{password()}"', f'api_token: "{rand(ALNUM, 24)}"'])
    lines = ["# local settings"]
    names = ["TEST_PASSWORD", "mock_secret", "FAKE_API_KEY", "dummy_token", "sample_password",
             "example_client_secret", "stub_auth_token", "TestPassword", "mockApiKey", "fakeSecret"]
    for n in names * 2:
        sep = ": " if n[0].islower() else "="
        lines.append(f"{n}{sep}{password()}")
    emit("config/local-dev.env", lines)


def bait_truncated():
    prefixes = [("ghp_", 12), ("sk_live_", 10), ("SG.", 14), ("dop_v1_", 12), ("glpat-", 9), ("npm_", 12),
                ("AKIA", 8), ("xoxb-", 0), ("github_pat_", 14), ("sk-ant-", 12)]
    lines = ["# values quoted in the incident ticket (first characters only)"]
    names = ["api_key", "token", "secret", "auth_token", "access_key"]
    for i in range(30):
        p, n = prefixes[i % len(prefixes)]
        value = p + (rand(string.digits, 10) + "-" + rand(ALNUM, 6) if p == "xoxb-" else rand(ALNUM, n))
        lines.append(f'{names[i % len(names)]}_{i} = "{value}"')
    emit("docs/incident-2024-117.md", lines)


def bait_masked():
    lines = ["# settings dump (masked by the exporter)"]
    for i in range(30):
        a, b = rand(ALNUM, 6), rand(ALNUM, 4)
        value = [f"{a}...{b}", f"{a}***{b}", f"{a}****", f"sk_live_{a}...{b}", f"***{a}{b}"][i % 5]
        lines.append(f'{["password", "secret", "api_key", "token", "client_secret"][i % 5]}_{i}: "{value}"')
    emit("ops/settings-export.yaml", lines)


def bait_references():
    lines = ["# where the runtime reads its secrets"]
    for i in range(30):
        w = word()
        value = [f"projects/acme-{w}/secrets/db-password-{i}/versions/{i % 4 + 1}",
                 f"secret/data/{w}/db{i}",
                 f"kv/{w}/api-token-{i}",
                 f"arn-free/{w}/secrets/stripe-{i}",
                 f"vault/{w}{i}/token"][i % 5]
        lines.append(f'{["password", "secret", "token", "client_secret", "api_key"][i % 5]}_{i}: "{value}"')
    emit("deploy/secret-refs.yaml", lines)


def bait_names():
    lines = ["// generated options"]
    shapes = [
        lambda: f"s3_disable_{word()}_{word()}_auth",
        lambda: f"options.Disable{word().capitalize()}{word().capitalize()}Auth",
        lambda: f"x-amz-{word()}-token",
        lambda: f"cert-manager/cert-manager-{word()}-ca",
        lambda: f"secret_access_key@region/{word()}_name",
        lambda: f"SecretName-6Random{word().capitalize()}",
    ]
    names = ["secret", "token", "password", "api_key", "client_secret", "auth_token"]
    for i in range(36):
        lines.append(f'{names[i % len(names)]} = "{shapes[i % len(shapes)]()}"')
    emit("src/generated/options.go", lines)


def bait_documented():
    docs = ["sk_test_4eC39HqLyjWDarjtT1zdp7dc", "xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy",
            "ghp_16C7e42F292c6912E7710c838347Ae178B4a"]
    for n in range(10):
        emit(f"vendor/sdk{n}/README.md",
             ["## Quick start", "", f"    STRIPE_SECRET_KEY={docs[0]}", f"    SLACK_BOT_TOKEN={docs[1]}",
              f"    GITHUB_TOKEN={docs[2]}"])


def bait_publishable():
    for n in range(10):
        emit(f"web/src/firebase{n}.js",
             ["const firebaseConfig = {", f'  apiKey: "AIza{rand(ALNUM + "-_", 35)}",',
              f'  authDomain: "app-{n}.firebaseapp.com",', f'  projectId: "app-{n}",', "};"])
    lines = ["# browser keys"]
    for i in range(10):
        lines.append(f"STRIPE_PUBLISHABLE_API_KEY_{i}=pk_live_{rand(ALNUM, 24)}")
        lines.append(f"MAPBOX_ACCESS_TOKEN_{i}=pk.eyJ1Ijoi{rand(ALNUM, 20)}.{rand(ALNUM + '-_', 22)}")
    emit("web/.env.production", lines)


def recall_cases():
    # Real credentials where the baits live: provider tokens in test files stay reported, and generic
    # passwords in every common syntax.
    for i in range(30):
        t = gh() if i % 2 == 0 else npm_tok()
        rule = "github.pat-classic" if i % 2 == 0 else "npm.access-token"
        w = word()
        path = TEST_PATHS[i % len(TEST_PATHS)].format(w=f"leak{w}{i}", W=f"Leak{w.capitalize()}{i}")
        emit(path, ["# integration setup", f'TOKEN = "{t}"'], [(1, rule.split(".")[0], rule, t)])
    syntaxes = [
        ("conf/r{i}.yaml", "db:\n  password: {pw}"),
        ("conf/r{i}.json", '{{\n  "password": "{pw}"\n}}'),
        ("conf/r{i}.toml", '[database]\npassword = "{pw}"'),
        ("conf/r{i}.ini", "[smtp]\npassword={pw}"),
        ("conf/r{i}/.env", "DB_PASSWORD={pw}"),
        ("conf/r{i}.xml", '<datasource user="app" password="{pw}" />'),
        ("conf/r{i}.properties", "mail.smtp.password={pw}"),
        ("infra/r{i}.tf", 'resource "aws_db_instance" "db" {{\n  password = "{pw}"\n}}'),
        ("web/r{i}.php", "<?php\n$config = ['db_password' => '{pw}'];"),
        ("web/r{i}.js", "module.exports = {{ password: '{pw}' }};"),
        ("app/r{i}.py", 'client = connect(host="db", password="{pw}")'),
        ("bin/r{i}.sh", "export DB_PASSWORD='{pw}'"),
        ("bin/r{i}-cli.sh", "psql --username app --password={pw} appdb"),
        ("app/r{i}.rb", 'config.password = "{pw}"'),
        ("k8s/r{i}.yaml", "env:\n  - name: DB_PASSWORD\n    value: \"{pw}\""),
    ]
    for i in range(30):
        path, text = syntaxes[i % len(syntaxes)]
        pw = password(rng.randint(14, 22))
        lines = ["# settings"] + text.format(pw=pw).split("\n")
        idx = next(j for j, l in enumerate(lines) if pw in l)
        emit(path.format(i=i), lines, [(idx, "generic", "generic.password", pw)])


def recall_twilio():
    # A Twilio auth token named only `auth_token`, next to its account SID.
    hexs = "0123456789abcdef"
    for i in range(3):
        sid, tok = "AC" + rand(hexs, 32), rand(hexs, 32)
        lines = ["from twilio.rest import Client", "", f'account_sid = "{sid}"', f'auth_token = "{tok}"',
                 "client = Client(account_sid, auth_token)"]
        emit(f"app/sms{i}.py", lines, [(3, "twilio", "twilio.auth-token-beside-sid", tok)])


def recall_notebooks():
    # Jupyter cells are JSON strings: the value sits between escaped quotes.
    for i in range(3):
        pw = password(16)
        lines = ["{", ' "cells": [', "  {", '   "cell_type": "code",', '   "source": [',
                 '    "import psycopg2\\n",', f'    "db_password = \\"{pw}\\"\\n",',
                 '    "conn = psycopg2.connect(password=db_password)\\n"', "   ]", "  }", " ]", "}"]
        emit(f"notebooks/analysis{i}.ipynb", lines, [(6, "generic", "generic.password", pw)])


def recall_env_prefix():
    # A password in the environment of one command.
    for i, (var, cmd) in enumerate([("PGPASSWORD", "psql -h db -U app appdb"),
                                    ("MYSQL_PWD", "mysql -u root orders"),
                                    ("REDISCLI_PASS", "redis-cli -h cache ping")]):
        pw = rand(ALNUM, 18)
        emit(f"ops/restore{i}.sh", ["#!/bin/sh", "set -e", f"{var}={pw} {cmd}"],
             [(2, "generic", "generic.env-prefix-password", pw)])


def bait_more():
    # Enough of the shapes that reach a generic rule that each class has at least 30 held back.
    lines = ["# more masked values"]
    for i in range(20):
        a, b = rand(ALNUM, 7), rand(ALNUM, 5)
        lines.append(f'{["password", "token"][i % 2]}_{40 + i}: "{a}...{b}"')
    emit("ops/masked-more.yaml", lines)
    lines = ["# more cut-off tokens"]
    for i, (p, n) in enumerate([("ghp_", 12), ("SG.", 14), ("dop_v1_", 12), ("glpat-", 9), ("npm_", 12)] * 2):
        lines.append(f'api_key_{40 + i} = "{p}{rand(ALNUM, n)}"')
    emit("docs/incident-2024-118.md", lines)
    lines = ["// more generated names"]
    shapes = [lambda: f"s3_disable_{word()}_{word()}_auth", lambda: f"cert-manager/cert-manager-{word()}-ca",
              lambda: f"secret_access_key@region/{word()}_name", lambda: f"SecretName-6Random{word().capitalize()}"]
    for i in range(12):
        lines.append(f'{["secret", "token", "password"][i % 3]} = "{shapes[i % 4]()}"')
    emit("src/generated/more_options.go", lines)


def baits():
    recall_twilio()
    bait_failed_checks()
    bait_test_fixtures()
    bait_truncated()
    bait_masked()
    bait_references()
    bait_names()
    bait_documented()
    bait_publishable()
    recall_cases()
    recall_notebooks()
    recall_env_prefix()
    bait_more()


def main():
    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    write_provider_files(provider_tokens())
    structured()
    negatives()
    more_negatives()
    more_positives()
    baits()
    for path, text in files.items():
        full = os.path.join(OUT, "files", path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        if isinstance(text, bytes):
            with open(full, "wb") as f:
                f.write(text)
        else:
            with open(full, "w", newline="\n") as f:
                f.write(text)
    labels.sort(key=lambda l: (l["path"], l["line"], l["rule_id"]))
    with open(os.path.join(OUT, "labels.jsonl"), "w") as f:
        for l in labels:
            f.write(json.dumps(l, sort_keys=True) + "\n")
    providers = {l["provider"] for l in labels}
    print(f"{len(files)} files, {len(labels)} labelled credentials, {len(providers)} providers", file=sys.stderr)


if __name__ == "__main__":
    main()

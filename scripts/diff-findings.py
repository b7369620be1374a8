#!/usr/bin/env python3
"""Compares the findings of two sprawl JSON reports: rule, fingerprint and location of each.

Usage: diff-findings.py BEFORE.json AFTER.json

Prints the findings only one report has and exits 1 if there are any, so a speed change can be checked
for changed results on real trees.
"""
import json
import sys


def keys(path):
    with open(path, encoding="utf-8") as f:
        report = json.load(f)
    return {
        (x["rule_id"], x["fingerprint"], x.get("repository"), x.get("commit"), x["path"], x["line"],
         x["column"], x["end_column"], json.dumps(x.get("decoded"), sort_keys=True))
        for x in report["findings"]
    }


before, after = keys(sys.argv[1]), keys(sys.argv[2])
for tag, diff in (("only before", before - after), ("only after", after - before)):
    for k in sorted(diff, key=str):
        print(f"{tag}: {k[0]} {k[4]}:{k[5]}:{k[6]}-{k[7]} {k[1]}")
print(f"{len(before)} before, {len(after)} after, {len(before ^ after)} different")
sys.exit(1 if before != after else 0)

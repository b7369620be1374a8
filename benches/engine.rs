//! Engine throughput (MB/s) on generated text: no keywords at all, dense keywords but no secrets, and
//! source code with planted secrets. Regexes are warmed up first so compile time is not measured.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use sprawl::engine::{Engine, EngineOptions};
use sprawl::rules;

const SIZE: usize = 4 << 20;

/// Deterministic pseudo-random generator (xorshift), so every run scans the same bytes.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }
}

fn prose() -> Vec<u8> {
    let words = [
        "the", "river", "flows", "under", "bridge", "while", "morning", "light", "falls", "on",
        "quiet", "streets", "and", "people", "walk", "slowly", "towards", "market", "square",
    ];
    let mut rng = Rng(7);
    let mut out = Vec::with_capacity(SIZE);
    while out.len() < SIZE {
        out.extend_from_slice(rng.pick(&words).as_bytes());
        out.push(if rng.next() % 12 == 0 { b'\n' } else { b' ' });
    }
    out
}

fn keyword_dense() -> Vec<u8> {
    let lines = [
        "const token = getToken(request);\n",
        "if (password.length < 8) { throw new Error('password too short'); }\n",
        "let api_key = config.get(\"api_key\");\n",
        "secret_name: db-credentials\n",
        "auth: { type: 'bearer', header: 'Authorization' }\n",
        "// the github client reads GITHUB_TOKEN from the environment\n",
        "aws_region = \"us-east-1\"  # aws account settings\n",
        "export SLACK_CHANNEL=alerts\n",
    ];
    let mut rng = Rng(11);
    let mut out = Vec::with_capacity(SIZE);
    while out.len() < SIZE {
        out.extend_from_slice(rng.pick(&lines).as_bytes());
    }
    out
}

fn code_with_secrets() -> Vec<u8> {
    let lines = [
        "fn handle(req: Request) -> Response {\n",
        "    let user = db.find_user(req.user_id)?;\n",
        "    log::info!(\"handled request for {}\", user.name);\n",
        "}\n",
        "import os, sys, json\n",
        "def load(path):\n    with open(path) as f:\n        return json.load(f)\n",
        "GITHUB_TOKEN=ghp_MkGBRVzDDOgeiil5DWqkEYIVSbYvmfz2HPL7\n",
        "DATABASE_URL=postgres://app:Vq8tLm2xR9pZk3@db.internal:5432/app\n",
    ];
    let mut rng = Rng(13);
    let mut out = Vec::with_capacity(SIZE);
    while out.len() < SIZE {
        // secrets are rare: 2 of 8 lines, drawn 1 time in 16
        let idx = (rng.next() % 64) as usize;
        let line = if idx < 2 {
            lines[6 + idx]
        } else {
            lines[idx % 6]
        };
        out.extend_from_slice(line.as_bytes());
    }
    out
}

fn bench(c: &mut Criterion) {
    let engine = Engine::new(rules::builtin().unwrap(), EngineOptions::default());
    let mut scratch = engine.scratch();
    let mut out = Vec::new();
    let mut group = c.benchmark_group("engine");
    group.sample_size(20);
    for (name, data) in [
        ("no_keywords", prose()),
        ("keyword_dense", keyword_dense()),
        ("code_with_secrets", code_with_secrets()),
    ] {
        engine.scan_exhaustive(&data[..64 << 10], &mut scratch, &mut out); // compile every regex
        group.throughput(Throughput::Bytes(data.len() as u64));
        group.bench_with_input(BenchmarkId::from_parameter(name), &data, |b, data| {
            b.iter(|| {
                out.clear();
                engine.scan(data, &mut scratch, &mut out);
                out.len()
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

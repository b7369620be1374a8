//! Engine throughput (MB/s) on generated text: no keywords at all, dense keywords but no secrets, and
//! source code with planted secrets, and a 5 MB single-line minified JavaScript file with three planted
//! secrets. Regexes are warmed up first so compile time is not measured. The engine runs with its
//! default options, decoding included.

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

/// 5 MB of minified JavaScript on one line (identifiers, strings, base64 data URIs, `%20` and `\u0026`
/// escapes) with three planted secrets, one of them base64-encoded. Like the generator of the
/// integration test `five_megabyte_minified_line_with_three_planted_secrets`.
fn minified_js() -> Vec<u8> {
    let size = 5 << 20;
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    const B64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(size + 256);
    out.push_str("!function(e){\"use strict\";");
    let plants = [
        ";var t=\"ghp_MkGBRVzDDOgeiil5DWqkEYIVSbYvmfz2HPL7\";",
        // base64 of a GitHub token
        ";h.k=\"Z2hwX3VzM2FqTDloaDZidWxGamdYTW9PczZpT1BaTkFrZlBkcm5TcA==\";",
        ";c.token=\"xoxb-768662512421-5819082972089-ebC1hvFr3H4xeT1jkFyW7qir\";",
    ];
    let mut planted = 0;
    while out.len() < size {
        if planted < plants.len() && out.len() >= (planted + 1) * size / 4 {
            out.push_str(plants[planted]);
            planted += 1;
        }
        let n = rng.next();
        match n % 6 {
            0 => out.push_str(&format!(
                "var a{}=function(t,n){{return t.x{}+n.y}};",
                n % 997,
                n % 89
            )),
            1 => out.push_str(&format!("e.exports.k{}=\"label-{}\";", n % 113, n % 7919)),
            2 => out.push_str(&format!(
                "if(t.length>{}){{n=t.slice(0,{})}}else{{n=null}}",
                n % 50,
                n % 40
            )),
            3 => {
                out.push_str("u.src=\"data:image/png;base64,");
                for _ in 0..120 {
                    out.push(B64[(rng.next() % 64) as usize] as char);
                }
                out.push_str("\";");
            }
            4 => out.push_str(&format!(
                "o.fetch(\"/api/v{}/items?page=\"+p+\"&q=a%20b\");",
                n % 3
            )),
            _ => out.push_str("for(var i=0;i<n.length;i++){r.push(n[i]\\u0026\\u0026n[i].id)}"),
        }
    }
    out.push_str("}(module);");
    out.into_bytes()
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
        ("minified_js_5mb", minified_js()),
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
        if name == "minified_js_5mb" {
            out.clear();
            engine.scan(&data, &mut scratch, &mut out);
            assert_eq!(out.len(), 3, "the three planted secrets");
        }
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

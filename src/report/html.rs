//! `sprawl inventory --format html`: the governance view as one self-contained page a security lead opens
//! in a browser. A chart of credentials by age and severity (inline SVG), then a table per owner in the
//! order of [`super::governance::by_owner`].
//!
//! The page loads nothing and runs nothing: no external asset, no script, and a Content-Security-Policy
//! that forbids both. Everything from scanned content (paths, owners, repository names, reasons) is
//! HTML-escaped, and secrets are never in it, even from a `--no-redact` report: only the short prefix
//! every report shows ([`Secret::redacted`]).

use std::io::{self, Write};

use super::governance::{by_owner, locations, summary};
use super::inventory::{days, Row};
use crate::finding::Secret;

/// Severities from the greatest, with their colours (the chart, its legend and the table badges).
const SEVERITIES: [(&str, &str); 5] = [
    ("admin", "#b71c1c"),
    ("write", "#e65100"),
    ("read", "#f9a825"),
    ("unknown", "#607d8b"),
    ("none", "#2e7d32"),
];

/// Age buckets of the chart: (label, greatest exposed days in it); the last bucket is "age unknown".
const AGES: [(&str, i64); 5] = [
    ("≤ 30 days", 30),
    ("31–90 days", 90),
    ("91–365 days", 365),
    ("1–2 years", 730),
    ("> 2 years", i64::MAX),
];
const UNKNOWN_AGE: &str = "age unknown";

/// Pixel height of the tallest bar.
const BAR_HEIGHT: usize = 200;
const BAR_WIDTH: usize = 56;
const BAR_GAP: usize = 36;

/// Text for HTML content or a quoted attribute: `& < > " '` as entities, control characters as Rust
/// escapes (they are not printable, and some are not allowed in HTML).
pub fn escape(s: &str) -> String {
    let s = crate::diag::escape_control(s);
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A report's secret as the page shows it: a redacted value (a short prefix and `…`) is kept, anything
/// else (a `--no-redact` report) is redacted here.
fn shown_secret(s: &str) -> String {
    if s.ends_with('…') && s.chars().count() <= 7 {
        s.to_string()
    } else {
        Secret::new(s.as_bytes().to_vec()).redacted()
    }
}

fn age_bucket(days: Option<i64>) -> usize {
    match days {
        Some(d) => AGES.iter().position(|&(_, max)| d <= max).unwrap_or(0),
        None => AGES.len(),
    }
}

fn severity_index(s: &str) -> usize {
    SEVERITIES
        .iter()
        .position(|&(name, _)| name == s)
        .unwrap_or(3)
}

/// Counts by [age bucket][severity].
fn counts(rows: &[Row]) -> [[usize; SEVERITIES.len()]; AGES.len() + 1] {
    let mut c = [[0; SEVERITIES.len()]; AGES.len() + 1];
    for r in rows {
        c[age_bucket(r.exposed_days)][severity_index(&r.severity)] += 1;
    }
    c
}

/// The chart: one stacked bar per age bucket, greatest severity on top; each segment is a `rect` with
/// its bucket, severity and count as data attributes, and a tooltip.
fn chart(rows: &[Row], out: &mut dyn Write) -> io::Result<()> {
    let counts = counts(rows);
    let tallest = counts
        .iter()
        .map(|b| b.iter().sum::<usize>())
        .max()
        .unwrap_or(0)
        .max(1);
    let buckets = AGES.len() + 1;
    let width = 60 + buckets * (BAR_WIDTH + BAR_GAP);
    let (top, base) = (20, 20 + BAR_HEIGHT);
    writeln!(
        out,
        "<svg id=\"age-chart\" role=\"img\" aria-label=\"Credentials by age and severity\" \
         width=\"{width}\" height=\"{}\" viewBox=\"0 0 {width} {}\">",
        base + 50,
        base + 50
    )?;
    writeln!(
        out,
        "<line x1=\"40\" y1=\"{base}\" x2=\"{}\" y2=\"{base}\" stroke=\"#333\"/>",
        width - 10
    )?;
    writeln!(
        out,
        "<text x=\"34\" y=\"{}\" text-anchor=\"end\" font-size=\"12\">{tallest}</text>\
         <text x=\"34\" y=\"{base}\" text-anchor=\"end\" font-size=\"12\">0</text>",
        top + 4
    )?;
    for (b, bucket) in counts.iter().enumerate() {
        let label = AGES.get(b).map_or(UNKNOWN_AGE, |a| a.0);
        let x = 50 + b * (BAR_WIDTH + BAR_GAP);
        let mut y = base;
        // From the bottom: the least severe first, so the greatest is on top.
        for (s, &(severity, colour)) in SEVERITIES.iter().enumerate().rev() {
            let n = bucket[s];
            if n == 0 {
                continue;
            }
            let h = n * BAR_HEIGHT / tallest;
            y -= h;
            writeln!(
                out,
                "<rect class=\"bar\" data-age=\"{label}\" data-severity=\"{severity}\" data-count=\"{n}\" \
                 x=\"{x}\" y=\"{y}\" width=\"{BAR_WIDTH}\" height=\"{h}\" fill=\"{colour}\">\
                 <title>{label}: {n} {severity}</title></rect>"
            )?;
        }
        let total: usize = bucket.iter().sum();
        if total > 0 {
            writeln!(
                out,
                "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"12\">{total}</text>",
                x + BAR_WIDTH / 2,
                y - 4
            )?;
        }
        writeln!(
            out,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"12\">{label}</text>",
            x + BAR_WIDTH / 2,
            base + 18
        )?;
    }
    let mut x = 50;
    for (severity, colour) in SEVERITIES {
        writeln!(
            out,
            "<rect class=\"legend\" x=\"{x}\" y=\"{}\" width=\"10\" height=\"10\" fill=\"{colour}\"/>\
             <text x=\"{}\" y=\"{}\" font-size=\"12\">{severity}</text>",
            base + 32,
            x + 14,
            base + 41
        )?;
        x += 90;
    }
    writeln!(out, "</svg>")
}

fn revoke_cell(r: &Row) -> String {
    let Some(v) = &r.revoke else {
        return "-".into();
    };
    // A hand-edited report could hold any text here: only an https:// URL becomes a link.
    let mut cell = if v.page.starts_with("https://") {
        format!(
            "<a href=\"{0}\" rel=\"noreferrer noopener\">{0}</a>",
            escape(&v.page)
        )
    } else {
        escape(&v.page)
    };
    if let Some(cli) = &v.cli {
        cell.push_str(&format!("<br><code>{}</code>", escape(cli)));
    }
    cell
}

fn row_html(r: &Row, out: &mut dyn Write) -> io::Result<()> {
    let locations: Vec<String> = locations(r).iter().map(|l| escape(l)).collect();
    writeln!(
        out,
        "<tr class=\"credential\" data-fingerprint=\"{fp}\" data-severity=\"{sev}\">\
         <td><span class=\"sev sev-{sev}\">{sev}</span></td><td>{status}</td><td>{provider}</td>\
         <td><code>{secret}</code></td><td class=\"num\">{days}</td><td>{place}</td>\
         <td class=\"long\">{locations}</td><td>{reach}</td><td class=\"long\">{revoke}</td>\
         <td><code>{short}</code></td></tr>",
        fp = escape(&r.fingerprint),
        sev = escape(&r.severity),
        status = escape(r.status()),
        provider = escape(&r.provider),
        secret = escape(&shown_secret(&r.secret)),
        days = days(r.exposed_days),
        place = r.place(),
        locations = locations.join("<br>"),
        reach = if r.severity_reason.is_empty() {
            "-".to_string()
        } else {
            escape(&r.severity_reason)
        },
        revoke = revoke_cell(r),
        short = escape(r.fingerprint.get(..12).unwrap_or(&r.fingerprint)),
    )
}

const STYLE: &str = "body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222}\
h1{font-size:22px}h2{font-size:17px;margin:28px 0 4px}\
table{border-collapse:collapse;width:100%;margin-top:8px}\
th,td{border:1px solid #ccc;padding:4px 6px;text-align:left;vertical-align:top}\
th{background:#f3f3f3}td.num{text-align:right}code{font-size:12px}\
td.long{overflow-wrap:anywhere}code,.sev,th{white-space:nowrap}td.long code{white-space:normal}\
.sev{color:#fff;border-radius:3px;padding:1px 6px;font-weight:600}\
.sev-admin{background:#b71c1c}.sev-write{background:#e65100}.sev-read{background:#f9a825;color:#222}\
.sev-unknown{background:#607d8b}.sev-none{background:#2e7d32}";

/// Writes the page.
pub fn write(rows: &[Row], out: &mut dyn Write) -> io::Result<()> {
    let owners = by_owner(rows);
    let live = rows.iter().filter(|r| r.is_live()).count();
    let head = rows.iter().filter(|r| r.in_head == Some(true)).count();
    writeln!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n\
         <meta name=\"referrer\" content=\"no-referrer\">\n\
         <title>sprawl: credentials by owner</title>\n<style>{STYLE}</style>\n</head>\n<body>"
    )?;
    writeln!(
        out,
        "<h1>Credentials by owner</h1>\n<p id=\"totals\">{} credential{}, {live} live, {head} in HEAD, \
         {} owner{} · sprawl {} · {}</p>",
        rows.len(),
        if rows.len() == 1 { "" } else { "s" },
        owners.len(),
        if owners.len() == 1 { "" } else { "s" },
        env!("CARGO_PKG_VERSION"),
        crate::clock::now_rfc3339()
    )?;
    writeln!(out, "<h2>Credentials by age and severity</h2>")?;
    chart(rows, out)?;
    for (i, o) in owners.iter().enumerate() {
        writeln!(
            out,
            "<section class=\"owner\" id=\"owner-{}\">\n<h2>{}</h2>\n<p>{}</p>\n<table>\n<thead><tr>\
             <th>severity</th><th>validity</th><th>provider</th><th>secret</th><th>exposed days</th>\
             <th>where</th><th>locations</th><th>reach</th><th>revoke</th><th>fingerprint</th>\
             </tr></thead>\n<tbody>",
            i + 1,
            escape(&o.owner),
            escape(&summary(o))
        )?;
        for r in &o.credentials {
            row_html(r, out)?;
        }
        writeln!(out, "</tbody>\n</table>\n</section>")?;
    }
    writeln!(out, "</body>\n</html>")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_covers_markup_quotes_and_control_characters() {
        assert_eq!(
            escape("<img src=x onerror='a'>&\"\u{1b}[31m"),
            "&lt;img src=x onerror=&#39;a&#39;&gt;&amp;&quot;\\u{1b}[31m"
        );
    }

    #[test]
    fn secrets_are_always_shown_redacted() {
        assert_eq!(shown_secret("ghp_Mk…"), "ghp_Mk…");
        assert_eq!(
            shown_secret("ghp_MkLwp1234567890abcdefghijklmnopqrst"),
            "ghp_Mk…"
        );
        assert_eq!(shown_secret("hunter2"), "…");
    }

    #[test]
    fn ages_fall_in_their_buckets() {
        let got: Vec<usize> = [
            Some(0),
            Some(30),
            Some(31),
            Some(365),
            Some(366),
            Some(731),
            None,
        ]
        .into_iter()
        .map(age_bucket)
        .collect();
        assert_eq!(got, [0, 0, 1, 2, 3, 4, 5]);
    }
}

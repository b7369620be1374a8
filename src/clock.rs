//! The one clock: "now" for every date sprawl writes or compares (exposure ages, governance expiry,
//! JWT expiry, `checked_at`, `revoked_at`, the date a baseline entry was added, audit lines).
//!
//! `SPRAWL_NOW` fixes it, for tests and reproducible output: an RFC 3339 time
//! (`2026-01-02T03:04:05Z`) or a date (`2026-01-02`, midnight UTC). Unset or unreadable, it is the
//! system clock. AWS request signing alone reads the system clock ([`system_now`]): AWS refuses a
//! stale signature.

use time::format_description::well_known::Rfc3339;
use time::{Date, OffsetDateTime, UtcOffset};

/// The variable that fixes "now".
pub const VAR: &str = "SPRAWL_NOW";

/// Now: `SPRAWL_NOW` when set, else the system clock.
pub fn now() -> OffsetDateTime {
    std::env::var(VAR)
        .ok()
        .and_then(|s| parse(s.trim()))
        .unwrap_or_else(system_now)
}

/// The system clock, whatever `SPRAWL_NOW` says.
pub fn system_now() -> OffsetDateTime {
    OffsetDateTime::now_utc()
}

/// An RFC 3339 time, or a `YYYY-MM-DD` date at midnight UTC.
fn parse(s: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(s, &Rfc3339).ok().or_else(|| {
        Date::parse(s, time::macros::format_description!("[year]-[month]-[day]"))
            .ok()
            .map(|d| d.midnight().assume_utc())
    })
}

/// [`now`] in seconds since the epoch.
pub fn now_unix() -> i64 {
    now().unix_timestamp()
}

/// Today's date in UTC.
pub fn today() -> Date {
    now().to_offset(UtcOffset::UTC).date()
}

/// [`today`] as `YYYY-MM-DD`.
pub fn today_text() -> String {
    date_text(today())
}

/// A date as `YYYY-MM-DD`.
pub fn date_text(d: Date) -> String {
    d.format(time::macros::format_description!("[year]-[month]-[day]"))
        .unwrap_or_default()
}

/// [`now`] as RFC 3339 in UTC, whole seconds.
pub fn now_rfc3339() -> String {
    utc_rfc3339(now())
}

/// A time as RFC 3339 in UTC, whole seconds.
pub fn utc_rfc3339(t: OffsetDateTime) -> String {
    let t = t.to_offset(UtcOffset::UTC);
    t.replace_nanosecond(0)
        .unwrap_or(t)
        .format(&Rfc3339)
        .unwrap_or_default()
}

/// A git time (seconds, the author's offset in minutes) as RFC 3339 in the author's zone.
pub fn git_rfc3339(seconds: i64, offset_minutes: i32) -> String {
    let utc = OffsetDateTime::from_unix_timestamp(seconds).unwrap_or(OffsetDateTime::UNIX_EPOCH);
    let offset = UtcOffset::from_whole_seconds(offset_minutes * 60).unwrap_or(UtcOffset::UTC);
    utc.to_offset(offset)
        .format(&Rfc3339)
        .unwrap_or_else(|_| seconds.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_dates_and_git_zones() {
        let t = parse("2026-01-02T03:04:05.5+02:00").unwrap();
        assert_eq!(utc_rfc3339(t), "2026-01-02T01:04:05Z");
        assert_eq!(
            utc_rfc3339(parse("2026-01-02").unwrap()),
            "2026-01-02T00:00:00Z"
        );
        assert_eq!(parse("soon"), None);
        assert_eq!(
            date_text(
                parse("2024-12-31T23:00:00-02:00")
                    .unwrap()
                    .to_offset(UtcOffset::UTC)
                    .date()
            ),
            "2025-01-01"
        );
        assert_eq!(
            git_rfc3339(1_700_000_000, -300),
            "2023-11-14T17:13:20-05:00"
        );
    }
}

//! The progress line of a bulk scan on stderr (repositories done, throughput, ETA), redrawn in place
//! with `\r`. Only when stderr is a terminal: logs and CI output get no control characters.

use std::io::Write;
use std::sync::Mutex;
use std::time::Instant;

/// Shared by the worker threads; every call takes the lock briefly.
pub struct Progress {
    enabled: bool,
    total: usize,
    started: Instant,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    done: usize,
    bytes: u64,
    /// Width of the line on screen (to erase it).
    shown: usize,
}

impl Progress {
    pub fn new(total: usize, enabled: bool) -> Progress {
        let p = Progress {
            enabled,
            total,
            started: Instant::now(),
            state: Mutex::default(),
        };
        p.draw(&mut p.state.lock().unwrap_or_else(|e| e.into_inner()));
        p
    }

    /// A repository finished, having scanned `bytes`.
    pub fn done(&self, bytes: u64) {
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        s.done += 1;
        s.bytes += bytes;
        self.draw(&mut s);
    }

    /// Prints a message line on stderr (above the progress line, which is redrawn).
    pub fn message(&self, text: &str) {
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let mut err = std::io::stderr().lock();
        if self.enabled && s.shown > 0 {
            let _ = write!(err, "\r{:width$}\r", "", width = s.shown);
            s.shown = 0;
        }
        let _ = writeln!(err, "{text}");
        drop(err);
        self.draw(&mut s);
    }

    /// Erases the line at the end of the run.
    pub fn clear(&self) {
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if self.enabled && s.shown > 0 {
            eprint!("\r{:width$}\r", "", width = s.shown);
            s.shown = 0;
        }
    }

    fn draw(&self, s: &mut State) {
        if !self.enabled {
            return;
        }
        let line = line(
            self.total,
            s.done,
            s.bytes,
            self.started.elapsed().as_secs_f64(),
        );
        let pad = s.shown.saturating_sub(line.chars().count());
        eprint!("\r{line}{:pad$}", "");
        s.shown = line.chars().count();
    }
}

/// `sprawl: 3/10 repositories, 12.5 MB/s, ETA 1m05s`.
pub fn line(total: usize, done: usize, bytes: u64, seconds: f64) -> String {
    let rate = if seconds > 0.0 {
        bytes as f64 / seconds / 1e6
    } else {
        0.0
    };
    let eta = if done == 0 || done >= total {
        "--".to_string()
    } else {
        let left = seconds / done as f64 * (total - done) as f64;
        let left = left.round() as u64;
        format!("{}m{:02}s", left / 60, left % 60)
    };
    format!("sprawl: {done}/{total} repositories, {rate:.1} MB/s, ETA {eta}")
}

#[cfg(test)]
mod tests {
    #[test]
    fn line_shows_done_rate_and_eta() {
        assert_eq!(
            super::line(10, 4, 20_000_000, 10.0),
            "sprawl: 4/10 repositories, 2.0 MB/s, ETA 0m15s"
        );
        assert_eq!(
            super::line(3, 0, 0, 0.0),
            "sprawl: 0/3 repositories, 0.0 MB/s, ETA --"
        );
    }
}

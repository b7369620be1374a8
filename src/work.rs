//! The one work loop for running a list of jobs on a few threads: each thread takes the next job not yet
//! taken, so a slow job (a large repository, a slow provider) holds up one thread, not a batch. Used by
//! any layer that fans out (bulk scanning, credential validation), like `diag`.

use std::sync::atomic::{AtomicUsize, Ordering};

/// Calls `f` once on every item of `items`, from at most `workers` scoped threads (at least one while
/// there is an item), and returns when every call has returned. The order of the calls is not
/// specified; callers that need a stable result sort what they collect.
pub fn for_each<T: Sync>(items: &[T], workers: usize, f: impl Fn(&T) + Sync) {
    let next = AtomicUsize::new(0);
    std::thread::scope(|s| {
        for _ in 0..workers.max(1).min(items.len()) {
            s.spawn(|| {
                while let Some(item) = items.get(next.fetch_add(1, Ordering::Relaxed)) {
                    f(item);
                }
            });
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    #[test]
    fn every_item_once_on_at_most_the_workers_asked_for() {
        let items: Vec<usize> = (0..200).collect();
        let seen = Mutex::new(Vec::new());
        let (running, most) = (AtomicUsize::new(0), AtomicUsize::new(0));
        for_each(&items, 3, |&i| {
            let now = running.fetch_add(1, Ordering::SeqCst) + 1;
            most.fetch_max(now, Ordering::SeqCst);
            seen.lock().unwrap().push(i);
            running.fetch_sub(1, Ordering::SeqCst);
        });
        let mut seen = seen.into_inner().unwrap();
        seen.sort_unstable();
        assert_eq!(seen, items);
        assert!((1..=3).contains(&most.into_inner()));
        // No items, no threads and no calls; zero workers still does the work.
        for_each(&[] as &[usize], 4, |_| unreachable!());
        let calls = AtomicUsize::new(0);
        for_each(&items, 0, |_| {
            calls.fetch_add(1, Ordering::SeqCst);
        });
        assert_eq!(calls.into_inner(), 200);
    }
}

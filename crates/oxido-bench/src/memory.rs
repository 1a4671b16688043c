//! Resident-memory figures of this process and of child processes (Linux).

/// Peak resident set size of this process so far (`VmHWM`), in KiB; `None` off Linux.
pub fn peak_rss_kib() -> Option<u64> {
    status_field_kib("VmHWM")
}

/// Current resident set size of this process (`VmRSS`), in KiB; `None` off Linux.
pub fn current_rss_kib() -> Option<u64> {
    status_field_kib("VmRSS")
}

fn status_field_kib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status.lines().find_map(|line| {
        let rest = line.strip_prefix(field)?.strip_prefix(':')?;
        rest.split_whitespace().next()?.parse().ok()
    })
}

/// User plus system CPU time this process has used so far; `None` if it cannot be read.
pub fn process_cpu_time() -> Option<std::time::Duration> {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: as in `children_peak_rss_kib`: getrusage fills the local it points to, read only on success.
    let usage = unsafe {
        if libc::getrusage(libc::RUSAGE_SELF, usage.as_mut_ptr()) != 0 {
            return None;
        }
        usage.assume_init()
    };
    let micros = |time: libc::timeval| {
        u64::try_from(time.tv_sec)
            .ok()?
            .checked_mul(1_000_000)?
            .checked_add(u64::try_from(time.tv_usec).ok()?)
    };
    Some(std::time::Duration::from_micros(
        micros(usage.ru_utime)?.checked_add(micros(usage.ru_stime)?)?,
    ))
}

/// Largest peak resident set size among the child processes waited for so far, in KiB.
pub fn children_peak_rss_kib() -> Option<u64> {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: getrusage writes a whole `rusage` into the pointer it is given, which points to
    // a properly sized and aligned local; the value is read only when the call reports success.
    let usage = unsafe {
        if libc::getrusage(libc::RUSAGE_CHILDREN, usage.as_mut_ptr()) != 0 {
            return None;
        }
        usage.assume_init()
    };
    // On Linux ru_maxrss is in KiB.
    u64::try_from(usage.ru_maxrss).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_memory_is_visible_on_linux() {
        if cfg!(target_os = "linux") {
            // Current first: the peak read afterwards can only be as large or larger.
            let now = current_rss_kib().expect("VmRSS");
            let peak = peak_rss_kib().expect("VmHWM");
            assert!(peak >= now && now > 0, "peak {peak} now {now}");
        }
    }
}

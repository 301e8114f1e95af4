//! CPU time of a process (all its threads), from `/proc/<pid>/stat`.

use std::time::Duration;

/// Clock ticks per second of `/proc` times: Linux's `USER_HZ`, 100 on
/// every architecture it exposes to user space.
const USER_HZ: u64 = 100;

/// User plus system CPU time of process `pid` (`None`: this process), or
/// `None` when `/proc` cannot tell (not Linux).
pub fn process_time(pid: Option<u32>) -> Option<Duration> {
    let path = match pid {
        Some(pid) => format!("/proc/{pid}/stat"),
        None => "/proc/self/stat".to_string(),
    };
    parse_stat(&std::fs::read_to_string(path).ok()?)
}

/// `utime + stime` of a `stat` line; fields are counted after the command
/// name, which is in parentheses and may contain spaces.
fn parse_stat(stat: &str) -> Option<Duration> {
    let after_name = &stat[stat.rfind(')')? + 1..];
    let mut fields = after_name.split_whitespace();
    // After the name: state(3) ... utime(14), stime(15), 1-based in proc(5).
    let utime: u64 = fields.nth(11)?.parse().ok()?;
    let stime: u64 = fields.next()?.parse().ok()?;
    Some(Duration::from_millis((utime + stime) * 1000 / USER_HZ))
}

/// CPU use between two readings, in cores (1.0 = one core busy all along).
pub fn cores(before: Option<Duration>, after: Option<Duration>, wall: Duration) -> Option<f64> {
    let used = after?.checked_sub(before?)?;
    Some(used.as_secs_f64() / wall.as_secs_f64().max(1e-9))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_utime_and_stime() {
        let stat = "4242 (tokio (worker)) S 1 4242 4242 0 -1 4194560 100 0 0 0 150 50 0 0 20 0 9 0";
        assert_eq!(parse_stat(stat), Some(Duration::from_secs(2)));
    }

    #[test]
    fn this_process_has_a_cpu_time() {
        if cfg!(target_os = "linux") {
            assert!(process_time(None).is_some());
        }
    }
}

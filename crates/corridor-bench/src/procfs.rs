//! What a process (all its threads) used so far, from `/proc/<pid>/stat`
//! (CPU time) and `/proc/<pid>/io` (bytes sent towards the disk).

use std::time::Duration;

/// Clock ticks per second of `/proc` times: Linux's `USER_HZ`, 100 on
/// every architecture it exposes to user space.
const USER_HZ: u64 = 100;

/// One reading of a process's counters.
#[derive(Debug, Clone, Copy)]
pub struct Usage {
    /// User plus system CPU time.
    pub cpu: Duration,
    /// Bytes the process caused to be written to storage (`None`: unreadable).
    pub write_bytes: Option<u64>,
}

/// The counters of process `pid` (`None`: this process), or `None` when
/// `/proc` cannot tell (not Linux).
pub fn usage(pid: Option<u32>) -> Option<Usage> {
    let dir = match pid {
        Some(pid) => format!("/proc/{pid}"),
        None => "/proc/self".to_string(),
    };
    let cpu = parse_stat(&std::fs::read_to_string(format!("{dir}/stat")).ok()?)?;
    let write_bytes = std::fs::read_to_string(format!("{dir}/io"))
        .ok()
        .and_then(|io| parse_write_bytes(&io));
    Some(Usage { cpu, write_bytes })
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

fn parse_write_bytes(io: &str) -> Option<u64> {
    io.lines()
        .find_map(|line| line.strip_prefix("write_bytes:"))
        .and_then(|v| v.trim().parse().ok())
}

/// What was used between two readings.
#[derive(Debug, Clone, Copy)]
pub struct Used {
    /// CPU, in cores (1.0 = one core busy all along).
    pub cores: f64,
    /// Bytes written towards the disk.
    pub write_bytes: Option<u64>,
}

/// The difference of two readings over `wall`.
pub fn used(before: Option<Usage>, after: Option<Usage>, wall: Duration) -> Option<Used> {
    let (before, after) = (before?, after?);
    let cpu = after.cpu.checked_sub(before.cpu)?;
    Some(Used {
        cores: cpu.as_secs_f64() / wall.as_secs_f64().max(1e-9),
        write_bytes: after
            .write_bytes
            .zip(before.write_bytes)
            .map(|(a, b)| a.saturating_sub(b)),
    })
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
    fn reads_write_bytes() {
        let io = "rchar: 1\nwchar: 2\nread_bytes: 0\nwrite_bytes: 4096\ncancelled_write_bytes: 0\n";
        assert_eq!(parse_write_bytes(io), Some(4096));
    }

    #[test]
    fn this_process_has_a_cpu_time() {
        if cfg!(target_os = "linux") {
            assert!(usage(None).is_some());
        }
    }
}

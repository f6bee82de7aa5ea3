//! What Linux's `/proc` tells about a process and the machine: CPU time,
//! resident memory, load average. Every reader returns `None` off Linux or for a
//! process that is gone, and the reports then leave the column empty.

use std::time::Instant;

/// Clock ticks per second in `/proc/*/stat`: `USER_HZ`, which the kernel fixes
/// at 100 in its user ABI on every mainstream architecture.
const TICKS_PER_SECOND: f64 = 100.0;

/// User plus system CPU seconds used so far by process `pid` (`None`: this
/// process), all threads included.
pub fn cpu_seconds(pid: Option<u32>) -> Option<f64> {
    let path = match pid {
        Some(pid) => format!("/proc/{pid}/stat"),
        None => "/proc/self/stat".to_owned(),
    };
    let stat = std::fs::read_to_string(path).ok()?;
    // The command name (field 2) may hold spaces; fields after it are plain.
    let rest = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // After the name: state is field 3, so utime (14) and stime (15) are at 11, 12.
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) / TICKS_PER_SECOND)
}

/// A `(VmRSS, VmHWM)` pair in KiB for process `pid`: resident memory now and
/// at its peak.
pub fn resident_kib(pid: u32) -> Option<(u64, u64)> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let field = |name: &str| -> Option<u64> {
        let line = status.lines().find(|l| l.starts_with(name))?;
        line[name.len()..]
            .trim()
            .trim_end_matches("kB")
            .trim()
            .parse()
            .ok()
    };
    Some((field("VmRSS:")?, field("VmHWM:")?))
}

/// Bytes process `pid` has caused to be written to storage so far
/// (`write_bytes` of `/proc/PID/io`: what reached the block layer, WAL and
/// checkpoints included).
pub fn written_bytes(pid: u32) -> Option<u64> {
    let io = std::fs::read_to_string(format!("/proc/{pid}/io")).ok()?;
    let line = io.lines().find(|l| l.starts_with("write_bytes:"))?;
    line["write_bytes:".len()..].trim().parse().ok()
}

/// The 1-minute load average.
pub fn load_average() -> Option<f64> {
    let text = std::fs::read_to_string("/proc/loadavg").ok()?;
    text.split_whitespace().next()?.parse().ok()
}

/// CPU use of a process over an interval, as a share of one core.
#[derive(Debug)]
pub struct CpuMeter {
    pid: Option<u32>,
    started: Instant,
    cpu_at_start: Option<f64>,
}

impl CpuMeter {
    /// Starts measuring process `pid` (`None`: this process).
    pub fn start(pid: Option<u32>) -> CpuMeter {
        CpuMeter {
            pid,
            started: Instant::now(),
            cpu_at_start: cpu_seconds(pid),
        }
    }

    /// CPU seconds per wall-clock second since [`CpuMeter::start`]: 1.0 is one
    /// core kept busy.
    pub fn share(&self) -> Option<f64> {
        let used = cpu_seconds(self.pid)? - self.cpu_at_start?;
        let wall = self.started.elapsed().as_secs_f64();
        (wall > 0.0).then(|| used / wall)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_this_process() {
        if !std::path::Path::new("/proc/self/stat").exists() {
            return;
        }
        assert!(cpu_seconds(None).is_some());
        let (rss, peak) = resident_kib(std::process::id()).expect("status");
        assert!(rss > 0 && peak >= rss);
        assert!(load_average().is_some());
        assert!(written_bytes(std::process::id()).is_some());
    }
}

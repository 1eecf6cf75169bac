//! What the tests that must leave nothing behind read from /proc: the live processes
//! (zombies aside, since they are gone but for their exit status) and their arguments.
//! Linux only; elsewhere nothing is found.

#![allow(dead_code)]

use std::fs;

/// One live process: its pid and its command line, argument by argument.
pub struct Proc {
    pub pid: u32,
    pub args: Vec<String>,
}

/// Whether `pid` exists and is not a zombie waiting to be reaped.
pub fn alive(pid: u32) -> bool {
    match fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => stat.rsplit(')').next().and_then(|rest| rest.trim_start().chars().next()).is_some_and(|s| s != 'Z'),
        Err(_) => false,
    }
}

/// Every live process but this test's own.
pub fn live() -> Vec<Proc> {
    let me = std::process::id();
    let mut found = Vec::new();
    for entry in fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Some(pid) = entry.file_name().to_str().and_then(|n| n.parse::<u32>().ok()) else { continue };
        if pid == me {
            continue;
        }
        let Ok(cmdline) = fs::read(format!("/proc/{pid}/cmdline")) else { continue };
        let args = cmdline
            .split(|&b| b == 0)
            .filter(|a| !a.is_empty())
            .map(|a| String::from_utf8_lossy(a).into_owned())
            .collect();
        if alive(pid) {
            found.push(Proc { pid, args });
        }
    }
    found
}

/// Live `parlab worker` processes started by the process `parent` (their arguments say
/// `worker --parent <pid>`).
pub fn workers_of(parent: u32) -> Vec<u32> {
    let parent = parent.to_string();
    live()
        .into_iter()
        .filter(|p| p.args.windows(3).any(|w| w[0] == "worker" && w[1] == "--parent" && w[2] == parent))
        .map(|p| p.pid)
        .collect()
}

/// Live processes whose command line contains `marker`, other than this test's own and
/// cargo's (whose command line may name the test).
pub fn with_marker(marker: &str) -> Vec<u32> {
    live()
        .into_iter()
        .filter(|p| {
            let line = p.args.join(" ");
            line.contains(marker) && !p.args.first().is_some_and(|a| a.ends_with("cargo"))
        })
        .map(|p| p.pid)
        .collect()
}

//! Whether the CPU may raise its clock above base when few cores are busy (Intel Turbo
//! Boost, AMD Core Performance Boost). Then one worker alone runs faster than each of
//! several, and a perfect program still shows an efficiency below 1.

use std::path::Path;

/// Where Linux says whether boost is on: the generic cpufreq switch (1 = on) and
/// intel_pstate's inverse one (0 = turbo allowed).
const BOOST: &str = "/sys/devices/system/cpu/cpufreq/boost";
const NO_TURBO: &str = "/sys/devices/system/cpu/intel_pstate/no_turbo";

/// `Some(true)` when boost is on, `Some(false)` when it is off, `None` when the system
/// does not say (virtual machines, macOS).
pub fn turbo_boost() -> Option<bool> {
    boost_from(Path::new(BOOST), Path::new(NO_TURBO))
}

fn boost_from(boost: &Path, no_turbo: &Path) -> Option<bool> {
    let read = |path: &Path| std::fs::read_to_string(path).ok().and_then(|t| t.trim().parse::<u8>().ok());
    read(boost).map(|b| b == 1).or_else(|| read(no_turbo).map(|n| n == 0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boost_is_read_from_either_switch() {
        let dir = tempfile::tempdir().unwrap();
        let (boost, no_turbo) = (dir.path().join("boost"), dir.path().join("no_turbo"));
        assert_eq!(boost_from(&boost, &no_turbo), None);
        std::fs::write(&no_turbo, "0\n").unwrap();
        assert_eq!(boost_from(&boost, &no_turbo), Some(true));
        std::fs::write(&no_turbo, "1\n").unwrap();
        assert_eq!(boost_from(&boost, &no_turbo), Some(false));
        std::fs::write(&boost, "1\n").unwrap();
        assert_eq!(boost_from(&boost, &no_turbo), Some(true), "the generic switch wins");
    }
}

//! Durations, byte sizes and counts as a learner reads them: one formatter each, used
//! by `parlab run`, the TUI, report.md and the charts' titles.

/// Seconds with a unit chosen for the value: "1.382 s", "706.5 ms", "40.0 µs".
pub fn seconds(value: f64) -> String {
    if value >= 1.0 {
        format!("{value:.3} s")
    } else if value >= 1e-3 {
        format!("{:.1} ms", value * 1e3)
    } else {
        format!("{:.1} µs", value * 1e6)
    }
}

/// Bytes with a binary unit: "512 B", "1.5 KiB", "8.0 MiB".
pub fn bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut value = n as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 { format!("{n} B") } else { format!("{value:.1} {}", UNITS[unit]) }
}

/// A count with thousands separators: 200000000 -> "200,000,000".
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A number in at most about six characters: 1234567 -> "1.23M", 0.5 -> "0.500".
pub fn compact(value: f64) -> String {
    let magnitude = value.abs();
    if magnitude >= 1e9 {
        format!("{:.2}G", value / 1e9)
    } else if magnitude >= 1e6 {
        format!("{:.2}M", value / 1e6)
    } else if magnitude >= 1e4 {
        format!("{:.1}k", value / 1e3)
    } else if value.fract() == 0.0 {
        format!("{value:.0}")
    } else {
        format!("{value:.3}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_pick_their_unit() {
        assert_eq!(seconds(1.3824), "1.382 s");
        assert_eq!(seconds(0.7065), "706.5 ms");
        assert_eq!(seconds(4e-5), "40.0 µs");
        assert_eq!(seconds(0.0), "0.0 µs");
    }

    #[test]
    fn bytes_use_binary_units() {
        assert_eq!(bytes(0), "0 B");
        assert_eq!(bytes(1023), "1023 B");
        assert_eq!(bytes(1536), "1.5 KiB");
        assert_eq!(bytes(8 << 20), "8.0 MiB");
        assert_eq!(bytes(u64::MAX), "16777216.0 TiB");
    }

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(200_000_000), "200,000,000");
    }

    #[test]
    fn compact_numbers_stay_short() {
        assert_eq!(compact(1_093_000.0), "1.09M");
        assert_eq!(compact(987_500.0), "987.5k");
        assert_eq!(compact(2.5e9), "2.50G");
        assert_eq!(compact(2000.0), "2000");
        assert_eq!(compact(0.5), "0.500");
    }
}

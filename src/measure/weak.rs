//! Strong against weak scaling. Strong scaling (parlab's default) keeps the size fixed
//! and asks how much sooner p workers finish it; weak scaling gives p workers p times
//! the size (n x p) and asks whether they finish it in the time one worker takes for n.
//! Its speedup is the scaled speedup p x T(1, n) / T(p, p n), the ratio of work rates,
//! and Gustafson's law S(p) = p - s (p - 1) describes it (see
//! [`super::speedup::GustafsonFit`]).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// How the size of a plan changes with the worker count.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scale {
    /// The same size at every worker count (Amdahl's view).
    #[default]
    Strong,
    /// The size times the worker count (Gustafson's view).
    Weak,
}

impl Scale {
    /// Every scale, as the command line spells it.
    pub const NAMES: [&'static str; 2] = ["strong", "weak"];

    /// The size measured at `workers` workers for a plan of size `size`.
    pub fn size_at(self, size: u64, workers: usize) -> u64 {
        match self {
            Scale::Strong => size,
            Scale::Weak => size.saturating_mul(workers as u64),
        }
    }

    /// Whether this is weak scaling.
    pub fn is_weak(self) -> bool {
        self == Scale::Weak
    }

    /// Whether results.json should leave the field out (strong, the default, as before it existed).
    pub fn is_strong(&self) -> bool {
        *self == Scale::Strong
    }
}

impl fmt::Display for Scale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Scale::Strong => "strong",
            Scale::Weak => "weak",
        })
    }
}

impl FromStr for Scale {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, String> {
        match text {
            "strong" => Ok(Scale::Strong),
            "weak" => Ok(Scale::Weak),
            other => Err(format!("unknown scale '{other}'; valid scales: {}", Scale::NAMES.join(", "))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weak_scaling_multiplies_the_size_by_the_workers() {
        assert_eq!(Scale::Weak.size_at(1000, 4), 4000);
        assert_eq!(Scale::Strong.size_at(1000, 4), 1000);
        assert_eq!(Scale::Weak.size_at(u64::MAX, 2), u64::MAX);
        assert_eq!("weak".parse::<Scale>(), Ok(Scale::Weak));
        assert!("medium".parse::<Scale>().unwrap_err().contains("strong, weak"));
        assert_eq!(serde_json::to_string(&Scale::Weak).unwrap(), "\"weak\"");
    }
}

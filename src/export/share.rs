//! The share line: one learner's results as one line of text to paste into a workshop
//! pad (`parlab share`), read back by `parlab room`. It carries the kernel and plan,
//! the median of every point, the Amdahl fits, the learner's predictions and an
//! anonymous machine class; never a host or user name.
//!
//! Format, version 1: `parlab1:` then base64url (no padding) of a small frame:
//! the length of the body (4 bytes, big-endian), the body (compact JSON of [`Share`]),
//! and the CRC-32 (IEEE) of the body (4 bytes, big-endian). Reading is strict: the
//! prefix and version, the alphabet, the length (a cut line is "truncated"), the
//! checksum (a changed line is "checksum"), then every field and value.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::kernels::KernelSpec;
use crate::measure::{Fit, Law, Order, Plan, Point, Report, Scale};
use crate::sysmon::MachineFacts;

/// What every share line starts with, before its version number.
pub const PREFIX: &str = "parlab";
/// The version this build writes and reads.
pub const VERSION: u32 = 1;
/// The longest share line read (a line of thirty backends and worker counts is a few KiB).
pub const MAX_LINE: usize = 64 * 1024;
/// Environment variable naming the folder where the last results are kept (tests,
/// shared accounts); else parlab's data folder.
pub const DATA_VARIABLE: &str = "PARLAB_DATA";
/// File name of the last results in that folder.
pub const LAST_RESULTS: &str = "last-results.json";

/// The machine without anything that names it or its owner.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MachineClass {
    /// CPU model.
    #[serde(rename = "cpu")]
    pub cpu_model: String,
    /// Logical CPUs the OS reports.
    #[serde(rename = "lc")]
    pub logical_cores: usize,
    /// Physical cores, when known.
    #[serde(rename = "pc", default, skip_serializing_if = "Option::is_none")]
    pub physical_cores: Option<usize>,
    /// CPUs this process could use (affinity and quota applied).
    #[serde(rename = "ac")]
    pub available: usize,
    /// Simultaneous multithreading: more logical CPUs than physical cores (unknown when
    /// the physical count is).
    #[serde(rename = "smt", default, skip_serializing_if = "Option::is_none")]
    pub smt: Option<bool>,
    /// Operating system.
    pub os: String,
}

impl MachineClass {
    /// The class of a machine.
    pub fn of(facts: &MachineFacts) -> Self {
        Self {
            cpu_model: facts.cpu_model.clone(),
            logical_cores: facts.logical_cores,
            physical_cores: facts.physical_cores,
            available: facts.available_parallelism,
            smt: facts.physical_cores.map(|p| facts.logical_cores > p),
            os: facts.os.clone(),
        }
    }

    /// One line: "AMD EPYC 7763, 2 of 2 CPUs (2 cores, no SMT), Linux 12".
    pub fn describe(&self) -> String {
        let cores = match (self.physical_cores, self.smt) {
            (Some(p), Some(true)) => format!(" ({p} cores, SMT)"),
            (Some(p), _) => format!(" ({p} cores, no SMT)"),
            _ => String::new(),
        };
        format!("{}, {} of {} CPUs{cores}, {}", self.cpu_model, self.available, self.logical_cores, self.os)
    }
}

/// One measured point: backend (index into [`Share::backends`]), workers, median
/// seconds, spread, and flags.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SharePoint(
    /// Backend index.
    pub usize,
    /// Worker count.
    pub usize,
    /// Median seconds.
    pub f64,
    /// Spread, (max - min) / median.
    pub f64,
    /// Flags: [`NOISY`] | [`OVERSUBSCRIBED`] | [`VERIFIED`].
    pub u8,
);

/// Flag of a point whose spread was above 5 %.
pub const NOISY: u8 = 1;
/// Flag of a point with more workers than available CPUs.
pub const OVERSUBSCRIBED: u8 = 2;
/// Flag of a point whose outcome agreed with the reference.
pub const VERIFIED: u8 = 4;

impl SharePoint {
    /// Backend index.
    pub fn backend(&self) -> usize {
        self.0
    }
    /// Worker count.
    pub fn workers(&self) -> usize {
        self.1
    }
    /// Median seconds.
    pub fn median_s(&self) -> f64 {
        self.2
    }
    /// Spread.
    pub fn spread(&self) -> f64 {
        self.3
    }
    /// Whether the spread was above 5 %.
    pub fn noisy(&self) -> bool {
        self.4 & NOISY != 0
    }
    /// Whether it had more workers than CPUs.
    pub fn oversubscribed(&self) -> bool {
        self.4 & OVERSUBSCRIBED != 0
    }
}

/// The Amdahl fit of one backend: backend index, serial fraction, R².
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShareFit(pub usize, pub f64, pub f64);

/// One prediction the learner made in an exercise, and what was measured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Prediction {
    /// The exercise: lesson id, `#`, its number in the lesson (e.g. `amdahl#2`).
    #[serde(rename = "x")]
    pub exercise: String,
    /// The learner's prediction.
    #[serde(rename = "g")]
    pub guess: f64,
    /// The measured value.
    #[serde(rename = "m")]
    pub measured: f64,
}

impl Prediction {
    /// Relative error of the prediction, (guess - measured) / measured.
    pub fn error(&self) -> f64 {
        (self.guess - self.measured) / self.measured
    }
}

/// One learner's results as a share line carries them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Share {
    /// parlab version that measured.
    #[serde(rename = "v")]
    pub parlab_version: String,
    /// Day of the run, YYYY-MM-DD.
    #[serde(rename = "d")]
    pub date: String,
    /// Machine class.
    #[serde(rename = "m")]
    pub machine: MachineClass,
    /// Kernel id, or the command names joined by `+` for `run --cmd`.
    #[serde(rename = "k")]
    pub kernel: String,
    /// Size in the kernel's unit.
    #[serde(rename = "n")]
    pub size: u64,
    /// Kernel parameters.
    #[serde(rename = "pa", default, skip_serializing_if = "BTreeMap::is_empty")]
    pub params: BTreeMap<String, String>,
    /// Timed repetitions per point.
    #[serde(rename = "r")]
    pub repetitions: u32,
    /// Backends, in the order measured.
    #[serde(rename = "b")]
    pub backends: Vec<String>,
    /// Worker counts of the plan.
    #[serde(rename = "w")]
    pub workers: Vec<usize>,
    /// Measured points.
    #[serde(rename = "p")]
    pub points: Vec<SharePoint>,
    /// Amdahl fits.
    #[serde(rename = "f", default, skip_serializing_if = "Vec::is_empty")]
    pub fits: Vec<ShareFit>,
    /// Predictions and what was measured.
    #[serde(rename = "e", default, skip_serializing_if = "Vec::is_empty")]
    pub predictions: Vec<Prediction>,
}

/// Why a line is not a share parlab can read.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ShareError {
    /// No `parlab<N>:` at the start.
    #[error("not a share line: it should start with '{PREFIX}{VERSION}:' (copy the whole line `parlab share` printed)")]
    NotAShare,
    /// Another version of the format.
    #[error(
        "share version {0}: this parlab ({version}) reads version {VERSION}; ask the learner to run `parlab share` with the same parlab as the room",
        version = env!("CARGO_PKG_VERSION")
    )]
    Version(u32),
    /// A character outside base64url.
    #[error(
        "character {position} ('{character}') is not part of a share (A-Z a-z 0-9 - _); the line was changed while copying"
    )]
    Alphabet { position: usize, character: char },
    /// Shorter than its length says.
    #[error("truncated: the share holds {have} of its {need} bytes; the line was cut while copying (copy it whole)")]
    Truncated { have: usize, need: usize },
    /// Longer than its length says.
    #[error("{extra} bytes after the end of the share; two lines were joined while copying")]
    Trailing { extra: usize },
    /// The checksum does not match.
    #[error("checksum mismatch: the line was changed while copying (copy it again)")]
    Checksum,
    /// Longer than [`MAX_LINE`].
    #[error("longer than {MAX_LINE} characters: not a share line")]
    TooLong,
    /// The body is not a share.
    #[error("the share's contents are not readable: {0}")]
    Body(String),
    /// A value no run could have produced.
    #[error("the share's values make no sense: {0}")]
    Invalid(String),
}

impl Share {
    /// The share of a report, with the learner's predictions.
    pub fn of(report: &Report, predictions: Vec<Prediction>) -> Self {
        let backends: Vec<String> = report.backends().into_iter().map(str::to_string).collect();
        let index = |b: &str| backends.iter().position(|x| x == b).unwrap_or(0);
        let points = report
            .points
            .iter()
            .map(|p| {
                let flags = if p.noisy { NOISY } else { 0 }
                    | if p.oversubscribed { OVERSUBSCRIBED } else { 0 }
                    | if p.verified { VERIFIED } else { 0 };
                SharePoint(index(&p.backend), p.workers, p.median_s, p.spread, flags)
            })
            .collect();
        let fits = report
            .fits
            .iter()
            .filter(|f| backends.contains(&f.backend))
            .map(|f| ShareFit(index(&f.backend), f.serial_fraction, f.r_squared))
            .collect();
        let kernel = match &report.commands {
            Some(commands) => commands.commands.iter().map(|c| c.name.as_str()).collect::<Vec<_>>().join("+"),
            None => report.plan.spec.kernel.clone(),
        };
        Share {
            parlab_version: report.parlab_version.clone(),
            date: report.created.get(..10).unwrap_or(&report.created).to_string(),
            machine: MachineClass::of(&report.machine),
            kernel,
            size: report.plan.spec.size,
            params: report.plan.spec.params.clone(),
            repetitions: report.plan.repetitions,
            backends,
            workers: report.plan.workers.clone(),
            points,
            fits,
            predictions,
        }
    }

    /// The line to paste: `parlab1:` and the encoded frame.
    pub fn encode(&self) -> String {
        let body = serde_json::to_vec(self).unwrap_or_default();
        let mut frame = Vec::with_capacity(body.len() + 8);
        frame.extend_from_slice(&(body.len() as u32).to_be_bytes());
        frame.extend_from_slice(&body);
        frame.extend_from_slice(&crc32(&body).to_be_bytes());
        format!("{PREFIX}{VERSION}:{}", base64url(&frame))
    }

    /// Reads a line written by [`Share::encode`] (surrounding blanks are ignored).
    pub fn decode(line: &str) -> Result<Share, ShareError> {
        let line = line.trim();
        if line.len() > MAX_LINE {
            return Err(ShareError::TooLong);
        }
        let rest = line.strip_prefix(PREFIX).ok_or(ShareError::NotAShare)?;
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 || rest.as_bytes().get(digits) != Some(&b':') {
            return Err(ShareError::NotAShare);
        }
        let version: u32 = rest[..digits].parse().map_err(|_| ShareError::Version(u32::MAX))?;
        if version != VERSION {
            return Err(ShareError::Version(version));
        }
        let text = &rest[digits + 1..];
        let offset = line.len() - text.len();
        let frame = unbase64url(text)
            .map_err(|(position, character)| ShareError::Alphabet { position: position + offset + 1, character })?;
        if frame.len() < 4 {
            return Err(ShareError::Truncated { have: frame.len(), need: 8 });
        }
        let length = u32::from_be_bytes([frame[0], frame[1], frame[2], frame[3]]) as usize;
        if length > MAX_LINE {
            return Err(ShareError::Invalid(format!("a body of {length} bytes is longer than any share")));
        }
        let need = 4 + length + 4;
        if frame.len() < need {
            return Err(ShareError::Truncated { have: frame.len(), need });
        }
        if frame.len() > need {
            return Err(ShareError::Trailing { extra: frame.len() - need });
        }
        let body = &frame[4..4 + length];
        let sum = u32::from_be_bytes([frame[need - 4], frame[need - 3], frame[need - 2], frame[need - 1]]);
        if crc32(body) != sum {
            return Err(ShareError::Checksum);
        }
        let share: Share = serde_json::from_slice(body).map_err(|e| ShareError::Body(e.to_string()))?;
        share.validate().map_err(ShareError::Invalid)?;
        Ok(share)
    }

    /// Checks the values a run could have produced.
    pub fn validate(&self) -> Result<(), String> {
        let m = &self.machine;
        if m.logical_cores == 0 || m.available == 0 || m.physical_cores == Some(0) {
            return Err("the machine has no CPU".into());
        }
        if self.backends.is_empty() {
            return Err("no backend".into());
        }
        if self.repetitions == 0 {
            return Err("no timed repetition".into());
        }
        for (i, p) in self.points.iter().enumerate() {
            if p.0 >= self.backends.len() {
                return Err(format!("point {}: backend {} of {}", i + 1, p.0 + 1, self.backends.len()));
            }
            if p.1 == 0 {
                return Err(format!("point {}: 0 workers", i + 1));
            }
            if !(p.2.is_finite() && p.2 > 0.0) {
                return Err(format!("point {}: median time {} s", i + 1, p.2));
            }
            if !(p.3.is_finite() && p.3 >= 0.0) {
                return Err(format!("point {}: spread {}", i + 1, p.3));
            }
            if p.4 > NOISY | OVERSUBSCRIBED | VERIFIED {
                return Err(format!("point {}: unknown flags {}", i + 1, p.4));
            }
        }
        for f in &self.fits {
            if f.0 >= self.backends.len() {
                return Err(format!("a fit of backend {} of {}", f.0 + 1, self.backends.len()));
            }
            if !(f.1.is_finite() && (0.0..=1.0).contains(&f.1) && f.2.is_finite()) {
                return Err(format!("a fit with serial fraction {} and R² {}", f.1, f.2));
            }
        }
        for p in &self.predictions {
            if !(p.guess.is_finite() && p.measured.is_finite() && p.measured != 0.0) {
                return Err(format!("prediction {}: {} against {}", p.exercise, p.guess, p.measured));
            }
        }
        Ok(())
    }

    /// Points of one backend, in worker order.
    pub fn points_of(&self, backend: usize) -> Vec<&SharePoint> {
        let mut points: Vec<&SharePoint> = self.points.iter().filter(|p| p.0 == backend).collect();
        points.sort_by_key(|p| p.1);
        points
    }

    /// Index of a backend by id.
    pub fn backend_index(&self, id: &str) -> Option<usize> {
        self.backends.iter().position(|b| b == id)
    }

    /// Speedup curve of one backend: (workers, T(1) / T(p)); empty without a 1-worker point.
    pub fn speedups(&self, backend: usize) -> Vec<(usize, f64, &SharePoint)> {
        let points = self.points_of(backend);
        let Some(base) = points.iter().find(|p| p.1 == 1).map(|p| p.2) else { return Vec::new() };
        points.into_iter().map(|p| (p.1, base / p.2, p)).collect()
    }

    /// Fitted serial fraction of one backend.
    pub fn serial_fraction(&self, backend: usize) -> Option<f64> {
        self.fits.iter().find(|f| f.0 == backend).map(|f| f.1)
    }
}

impl Share {
    /// The share as a report of its medians, so that a figure is read from a partner's
    /// share by the one figure model ([`crate::lessons::Figure`]) that reads the
    /// learner's own results: speedups are ratios of the medians (as `parlab room` draws
    /// them), and the fits are the share's own. The machine is its class; what a share
    /// does not carry (CPU times, busy cores, outcomes, costs) is absent.
    pub fn to_report(&self) -> Report {
        let machine = MachineFacts {
            cpu_model: self.machine.cpu_model.clone(),
            logical_cores: self.machine.logical_cores,
            physical_cores: self.machine.physical_cores,
            available_parallelism: self.machine.available,
            affinity: None,
            cgroup_cpu_quota: None,
            env: BTreeMap::new(),
            memory_total_bytes: 0,
            memory_available_bytes: 0,
            os: self.machine.os.clone(),
            host: String::new(),
            job: None,
            sockets: Vec::new(),
        };
        let plan = Plan {
            spec: KernelSpec { kernel: self.kernel.clone(), size: self.size, seed: 42, params: self.params.clone() },
            backends: self.backends.clone(),
            workers: self.workers.clone(),
            warmup: 0,
            repetitions: self.repetitions,
            scale: Scale::Strong,
            // Point after point: a speedup is then the ratio of the medians, all a share holds.
            order: Order::Sequential,
        };
        let mut report = Report::new(machine, plan);
        report.parlab_version = self.parlab_version.clone();
        report.created = self.date.clone();
        for p in &self.points {
            let backend = self.backends.get(p.backend()).cloned().unwrap_or_default();
            let mut point = Point::new(&self.kernel, &backend, p.workers(), vec![p.median_s()]);
            point.spread = p.spread();
            point.noisy = p.noisy();
            point.verified = p.4 & VERIFIED != 0;
            report.points.push(point);
        }
        report.derive();
        // The share's fits are the partner's own (made from their full report).
        for fit in &self.fits {
            let Some(backend) = self.backends.get(fit.0) else { continue };
            let derived = report.fits.iter_mut().find(|f| &f.backend == backend);
            match derived {
                Some(f) => {
                    f.serial_fraction = fit.1;
                    f.r_squared = fit.2;
                }
                None => report.fits.push(Fit {
                    backend: backend.clone(),
                    law: Law::Amdahl,
                    serial_fraction: fit.1,
                    speedup_limit: (fit.1 > 0.0).then(|| 1.0 / fit.1),
                    serial_s: 0.0,
                    parallel_s: 0.0,
                    r_squared: fit.2,
                    workers_used: Vec::new(),
                }),
            }
        }
        report
    }

    /// The one share in `text` (a pasted line, or a file a partner sent): every line's
    /// [`token`] is read; none, one that cannot be read, or two different ones is an
    /// error saying what to do.
    pub fn from_text(text: &str) -> Result<Share, String> {
        let mut found: Vec<(usize, &str)> =
            text.lines().enumerate().filter_map(|(i, l)| token(l).map(|t| (i, t))).collect();
        found.dedup_by(|a, b| a.1 == b.1);
        match found.as_slice() {
            [] => Err(format!(
                "no share line found: it starts with '{PREFIX}{VERSION}:' (your partner prints it with `parlab share`)"
            )),
            [(_, line)] => Share::decode(line).map_err(|e| e.to_string()),
            many => Err(format!("{} different share lines: give only your partner's", many.len())),
        }
    }

    /// The share in the file at `path` (at most [`MAX_FILE`] bytes), as [`Share::from_text`].
    pub fn from_file(path: &std::path::Path) -> Result<Share, String> {
        use std::io::Read as _;
        let file = std::fs::File::open(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let mut bytes = Vec::new();
        file.take(MAX_FILE + 1).read_to_end(&mut bytes).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        if bytes.len() as u64 > MAX_FILE {
            return Err(format!("{} is larger than {MAX_FILE} bytes: not a file of share lines", path.display()));
        }
        Share::from_text(&String::from_utf8_lossy(&bytes)).map_err(|why| format!("{}: {why}", path.display()))
    }
}

/// The largest file a single share is read from.
pub const MAX_FILE: u64 = 1 << 20;

/// The share on a line of a pad: from `parlab<digits>:` to the next blank, wherever it
/// starts (pads add names, bullets and quotes).
pub fn token(line: &str) -> Option<&str> {
    let mut from = 0;
    while let Some(at) = line[from..].find(PREFIX) {
        let start = from + at;
        let rest = &line[start + PREFIX.len()..];
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits > 0 && rest.as_bytes().get(digits) == Some(&b':') {
            let end = line[start..]
                .find(|c: char| c.is_whitespace() || matches!(c, '`' | '"' | '\'' | '<' | '>' | ')'))
                .map_or(line.len(), |e| start + e);
            return Some(&line[start..end]);
        }
        from = start + 1;
    }
    None
}

/// Where the last results are kept: `$PARLAB_DATA/last-results.json`, else in parlab's
/// data folder.
pub fn last_path() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os(DATA_VARIABLE).filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(dir).join(LAST_RESULTS));
    }
    directories::ProjectDirs::from("", "", "parlab").map(|dirs| dirs.data_dir().join(LAST_RESULTS))
}

/// Keeps `report` (without the host name) as the last results, for `parlab share`.
/// Never fatal: a folder that cannot be written only loses this convenience.
pub fn save_last(report: &Report) {
    if report.points.is_empty() {
        return;
    }
    let Some(path) = last_path() else { return };
    if let Some(dir) = path.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    let text = super::json::to_json(&super::without_host(report, false));
    let _ = crate::files::replace(&path, text.as_bytes());
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// base64url without padding (RFC 4648 §5).
pub fn base64url(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = (u32::from(chunk[0]) << 16)
            | (u32::from(*chunk.get(1).unwrap_or(&0)) << 8)
            | u32::from(*chunk.get(2).unwrap_or(&0));
        let chars = chunk.len() + 1;
        for i in 0..chars {
            out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

/// Reads base64url without padding; the error is the 0-based position and character of
/// the first character outside the alphabet. A dangling last character (a length of
/// 4k + 1) is dropped: the length check then reports the cut.
pub fn unbase64url(text: &str) -> Result<Vec<u8>, (usize, char)> {
    let mut values = Vec::with_capacity(text.len());
    for (position, character) in text.chars().enumerate() {
        let value = match character {
            'A'..='Z' => character as u8 - b'A',
            'a'..='z' => character as u8 - b'a' + 26,
            '0'..='9' => character as u8 - b'0' + 52,
            '-' => 62,
            '_' => 63,
            _ => return Err((position, character)),
        };
        values.push(u32::from(value));
    }
    let mut out = Vec::with_capacity(values.len() * 3 / 4);
    for chunk in values.chunks(4) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, v)| n | (v << (18 - 6 * i)));
        let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&bytes[..chunk.len().saturating_sub(1)]);
    }
    Ok(out)
}

/// CRC-32 (IEEE 802.3, as zip and PNG use).
pub fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in bytes {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 != 0 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64url_matches_the_rfc_vectors() {
        let table = [("", ""), ("f", "Zg"), ("fo", "Zm8"), ("foo", "Zm9v"), ("foob", "Zm9vYg"), ("fooba", "Zm9vYmE")];
        for (plain, coded) in table {
            assert_eq!(base64url(plain.as_bytes()), coded);
            assert_eq!(unbase64url(coded).unwrap(), plain.as_bytes());
        }
        assert_eq!(base64url(&[0xfb, 0xff]), "-_8");
        assert_eq!(unbase64url("Zm9v+"), Err((4, '+')));
    }

    #[test]
    fn crc32_matches_the_check_value() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    }

    fn sample() -> Share {
        Share {
            parlab_version: "0.1.0".into(),
            date: "2026-11-30".into(),
            machine: MachineClass {
                cpu_model: "AMD EPYC".into(),
                logical_cores: 2,
                physical_cores: Some(1),
                available: 2,
                smt: Some(true),
                os: "Linux".into(),
            },
            kernel: "amdahl".into(),
            size: 1000,
            params: BTreeMap::from([("serial".into(), "0.1".into())]),
            repetitions: 3,
            backends: vec!["threads".into()],
            workers: vec![1, 2],
            points: vec![SharePoint(0, 1, 1.0, 0.01, VERIFIED), SharePoint(0, 2, 0.55, 0.08, NOISY | VERIFIED)],
            fits: vec![ShareFit(0, 0.1, 0.99)],
            predictions: vec![Prediction { exercise: "amdahl#1".into(), guess: 1.8, measured: 1.82 }],
        }
    }

    #[test]
    fn round_trip_and_strict_errors() {
        let share = sample();
        let line = share.encode();
        assert!(line.starts_with("parlab1:"), "{line}");
        assert_eq!(Share::decode(&format!("  {line}\n")).unwrap(), share);
        assert_eq!(Share::decode("hello"), Err(ShareError::NotAShare));
        assert_eq!(Share::decode(&line.replacen("parlab1:", "parlab2:", 1)), Err(ShareError::Version(2)));
        assert!(matches!(Share::decode(&line[..line.len() - 10]), Err(ShareError::Truncated { .. })));
        let mut changed = line.clone().into_bytes();
        let at = changed.len() / 2;
        changed[at] = if changed[at] == b'A' { b'B' } else { b'A' };
        assert_eq!(Share::decode(&String::from_utf8(changed).unwrap()), Err(ShareError::Checksum));
        assert!(matches!(Share::decode(&format!("{line}AAAA")), Err(ShareError::Trailing { .. })));
        assert!(matches!(Share::decode(&format!("{line}!")), Err(ShareError::Alphabet { character: '!', .. })));
    }

    #[test]
    fn values_are_checked() {
        let mut share = sample();
        share.points[1].2 = -1.0;
        assert!(matches!(Share::decode(&share.encode()), Err(ShareError::Invalid(_))));
        let mut share = sample();
        share.points[0].0 = 3;
        assert!(matches!(Share::decode(&share.encode()), Err(ShareError::Invalid(_))));
    }

    #[test]
    fn tokens_are_found_inside_pad_lines() {
        assert_eq!(token("- alice: `parlab1:AAAA` thanks"), Some("parlab1:AAAA"));
        assert_eq!(token("parlab1:abc"), Some("parlab1:abc"));
        assert_eq!(token("parlab is great: parlab2:x"), Some("parlab2:x"));
        assert_eq!(token("run parlab share"), None);
    }

    #[test]
    fn one_share_is_read_from_text_and_becomes_a_report_of_its_medians() {
        let share = sample();
        let line = share.encode();
        let text = format!("from bob:\n  {line}\n{line}\n");
        assert_eq!(Share::from_text(&text).unwrap(), share, "the same line twice is one share");
        assert!(Share::from_text("hello").unwrap_err().contains("no share line"));
        let mut other = sample();
        other.size = 2000;
        let two = format!("{line}\n{}", other.encode());
        assert!(Share::from_text(&two).unwrap_err().contains("2 different share lines"));
        let report = share.to_report();
        assert_eq!(report.machine.available_parallelism, 2);
        let two_workers = report.points.iter().find(|p| p.workers == 2).unwrap();
        assert!((two_workers.speedup.unwrap() - 1.0 / 0.55).abs() < 1e-12);
        assert!(two_workers.noisy && two_workers.verified);
        assert_eq!(report.fit_of("threads").map(|f| (f.serial_fraction, f.r_squared)), Some((0.1, 0.99)));
    }

    #[test]
    fn speedups_come_from_the_medians() {
        let share = sample();
        let curve = share.speedups(0);
        assert_eq!(curve.len(), 2);
        assert!((curve[1].1 - 1.0 / 0.55).abs() < 1e-12);
        assert_eq!(share.machine.describe(), "AMD EPYC, 2 of 2 CPUs (1 cores, SMT), Linux");
    }
}

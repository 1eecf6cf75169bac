//! Writers for measured results: one file per format, each a pure function of a
//! [`Report`](crate::measure::Report) returning text, and the bundle that writes them
//! all (with the charts) into one folder.

pub mod bundle;
pub mod csv;
pub mod json;
pub mod markdown;
pub mod share;

use std::borrow::Cow;
use std::io;
use std::path::Path;

use anyhow::{Context, Result, bail};

use crate::files;
use crate::measure::Report;

/// The report as exports write it: without the host name unless `with_host` (the
/// `--with-host` flag), so a results file handed to a room or posted online does not
/// say whose computer it came from.
pub fn without_host(report: &Report, with_host: bool) -> Cow<'_, Report> {
    if with_host || report.machine.host.is_empty() {
        return Cow::Borrowed(report);
    }
    let mut anonymous = report.clone();
    anonymous.machine.host.clear();
    Cow::Owned(anonymous)
}

/// Writes `contents` to `path`, refusing to replace an existing file unless `force`.
/// Written through [`crate::files`]: beside its destination first, then renamed into
/// place without clobbering a file that appeared meanwhile, so a crash never leaves half a file.
pub fn write_new(path: &Path, contents: &[u8], force: bool) -> Result<()> {
    let written = if force { files::replace(path, contents) } else { files::create_new(path, contents) };
    match written {
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
            bail!("{} already exists; pass --force to replace it", path.display())
        }
        other => other.with_context(|| format!("Failed to write {}", path.display())),
    }
}

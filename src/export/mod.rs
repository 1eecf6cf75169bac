//! Writers for measured results: one file per format, each a pure function of a
//! [`Report`](crate::measure::Report) returning text, and the bundle that writes them
//! all (with the charts) into one folder.

pub mod bundle;
pub mod csv;
pub mod json;
pub mod markdown;

use std::io;
use std::path::Path;

use anyhow::{Context, Result, bail};

use crate::files;

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

//! Writers for measured results: one file per format, each a pure function of a
//! [`Report`](crate::measure::Report) returning text, and the bundle that writes them
//! all (with the charts) into one folder.

pub mod bundle;
pub mod csv;
pub mod json;
pub mod markdown;

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

/// Writes `contents` to `path`, refusing to replace an existing file unless `force`.
/// The file is written beside its destination first and renamed into place, so a
/// crash never leaves half a file.
pub fn write_new(path: &Path, contents: &[u8], force: bool) -> Result<()> {
    if path.exists() && !force {
        bail!("{} already exists; pass --force to replace it", path.display());
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        fs::create_dir_all(dir).with_context(|| format!("Failed to create {}", dir.display()))?;
    }
    let temporary = temporary_name(path);
    let mut file = fs::File::create(&temporary).with_context(|| format!("Failed to create {}", temporary.display()))?;
    file.write_all(contents).with_context(|| format!("Failed to write {}", temporary.display()))?;
    file.sync_all().ok();
    fs::rename(&temporary, path).with_context(|| format!("Failed to move {} into place", path.display()))
}

fn temporary_name(path: &Path) -> PathBuf {
    let mut name = path.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(format!(".tmp{}", std::process::id()));
    path.with_file_name(name)
}

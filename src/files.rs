//! Safe file writes: the one place parlab puts a file on disk (exports, the progress
//! file, progress reports). Every write goes to a temporary file beside its target,
//! reaches the disk, and only then takes the target's name, so a crash or a full disk
//! leaves the old file or the new one, never half of one. Depends on nothing in the crate.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

/// How many numbered names [`numbered`] offers before giving up.
pub const MAX_NUMBERED: u32 = 10_000;

/// Writes `bytes` to `path`, replacing whatever is there, atomically.
pub fn replace(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let temporary = written_beside(path, bytes)?;
    temporary.persist(path).map_err(|e| e.error)?;
    sync_folder(path)
}

/// Writes `bytes` to `path` only if nothing has that name; fails with
/// [`io::ErrorKind::AlreadyExists`] otherwise (also when another program takes the name
/// between a check and the write: the file is never clobbered).
pub fn create_new(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let temporary = written_beside(path, bytes)?;
    temporary.persist_noclobber(path).map_err(|e| e.error)?;
    sync_folder(path)
}

/// Writes `bytes` to the first free name of [`numbered`]`(dir, stem, ext)`:
/// `stem.ext`, else `stem-2.ext`, `stem-3.ext`, ...; never overwrites. Returns the path written.
pub fn create_fresh(dir: &Path, stem: &str, ext: Option<&str>, bytes: &[u8]) -> io::Result<PathBuf> {
    for path in numbered(dir, stem, ext) {
        match create_new(&path, bytes) {
            Ok(()) => return Ok(path),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::other(format!("{} and {} numbered copies exist already", name(stem, ext), MAX_NUMBERED - 1)))
}

/// The names a fresh file or folder may take, in order: `dir/stem.ext`, `dir/stem-2.ext`,
/// `dir/stem-3.ext`, ... (without `.ext` when `ext` is `None`).
pub fn numbered<'a>(dir: &'a Path, stem: &'a str, ext: Option<&'a str>) -> impl Iterator<Item = PathBuf> + 'a {
    (1..MAX_NUMBERED).map(move |n| {
        let stem = if n == 1 { stem.to_string() } else { format!("{stem}-{n}") };
        dir.join(name(&stem, ext))
    })
}

fn name(stem: &str, ext: Option<&str>) -> String {
    match ext {
        Some(ext) => format!("{stem}.{ext}"),
        None => stem.to_string(),
    }
}

/// A temporary file in `path`'s folder (created if needed) holding `bytes`, on disk.
fn written_beside(path: &Path, bytes: &[u8]) -> io::Result<NamedTempFile> {
    let dir = folder(path);
    fs::create_dir_all(dir)?;
    let mut builder = tempfile::Builder::new();
    builder.prefix(".parlab-").suffix(".tmp");
    // A temporary file is private (0600) by default; the file it becomes is not.
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    let mut temporary = builder.tempfile_in(dir)?;
    temporary.write_all(bytes)?;
    temporary.as_file().sync_all()?;
    Ok(temporary)
}

fn folder(path: &Path) -> &Path {
    path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or_else(|| Path::new("."))
}

/// The rename itself must reach the disk too.
fn sync_folder(path: &Path) -> io::Result<()> {
    #[cfg(unix)]
    File::open(folder(path))?.sync_all()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replace_overwrites_and_create_new_never_does() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/results.json");
        create_new(&path, b"one").unwrap();
        let err = create_new(&path, b"two").unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::AlreadyExists);
        assert_eq!(fs::read(&path).unwrap(), b"one");
        replace(&path, b"three").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"three");
        // No temporary file is left behind.
        assert_eq!(fs::read_dir(path.parent().unwrap()).unwrap().count(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn written_files_are_not_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.csv");
        replace(&path, b"x").unwrap();
        let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_ne!(mode & 0o044, 0, "mode {mode:o}: others can read it as they could a plain write");
    }

    #[test]
    fn fresh_names_are_numbered() {
        let dir = tempfile::tempdir().unwrap();
        let first = create_fresh(dir.path(), "report", Some("md"), b"1").unwrap();
        let second = create_fresh(dir.path(), "report", Some("md"), b"2").unwrap();
        assert_eq!(first, dir.path().join("report.md"));
        assert_eq!(second, dir.path().join("report-2.md"));
        assert_eq!(fs::read(&first).unwrap(), b"1");
        let names: Vec<PathBuf> = numbered(Path::new("out"), "results", None).take(3).collect();
        assert_eq!(names, [PathBuf::from("out/results"), "out/results-2".into(), "out/results-3".into()]);
    }
}

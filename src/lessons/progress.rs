//! The learner's progress file: which lessons were read and which were measured,
//! kept between sessions (`progress.toml` in parlab's data folder, or the file named by
//! `PARLAB_PROGRESS`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// Environment variable naming the progress file (tests and shared accounts).
pub const PROGRESS_VARIABLE: &str = "PARLAB_PROGRESS";

/// How far a learner got with a lesson.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mark {
    /// Not opened yet.
    New,
    /// Read.
    Read,
    /// Measured in the Lab.
    Ran,
}

/// The progress file's contents.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ProgressFile {
    /// Lesson id -> how far the learner got with it.
    #[serde(default)]
    pub lessons: BTreeMap<String, Mark>,
}

/// Where progress is kept: `$PARLAB_PROGRESS`, else parlab's data folder.
pub fn default_path() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os(PROGRESS_VARIABLE).filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(path));
    }
    directories::ProjectDirs::from("", "", "parlab").map(|dirs| dirs.data_dir().join("progress.toml"))
}

/// Reads the progress file; a missing or unreadable file is a fresh start.
pub fn load(path: &Path) -> ProgressFile {
    std::fs::read_to_string(path).ok().and_then(|text| toml::from_str(&text).ok()).unwrap_or_default()
}

/// Writes the progress file (beside it first, then renamed into place).
pub fn save(path: &Path, progress: &ProgressFile) -> std::io::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let text = toml::to_string(progress).map_err(std::io::Error::other)?;
    let temporary = path.with_extension("toml.tmp");
    std::fs::write(&temporary, text)?;
    std::fs::rename(&temporary, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_survives_a_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/progress.toml");
        assert_eq!(load(&path), ProgressFile::default());
        let mut progress = ProgressFile::default();
        progress.lessons.insert("the-gil".into(), Mark::Ran);
        progress.lessons.insert("embarrassingly-parallel".into(), Mark::Read);
        save(&path, &progress).unwrap();
        assert_eq!(load(&path), progress);
        std::fs::write(&path, "not toml [").unwrap();
        assert_eq!(load(&path), ProgressFile::default(), "a broken file is a fresh start");
    }
}

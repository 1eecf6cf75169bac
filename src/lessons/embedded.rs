//! The built-in course files, embedded at build time. A test checks that every file in
//! `lessons/` is listed here.

/// (file name relative to `lessons/`, contents).
pub const FILES: &[(&str, &str)] = &[
    ("course.toml", include_str!("../../lessons/course.toml")),
    ("01-before-you-parallelise.md", include_str!("../../lessons/01-before-you-parallelise.md")),
    ("02-embarrassingly-parallel.md", include_str!("../../lessons/02-embarrassingly-parallel.md")),
    ("03-amdahl.md", include_str!("../../lessons/03-amdahl.md")),
    ("04-the-gil.md", include_str!("../../lessons/04-the-gil.md")),
    ("05-when-threads-help.md", include_str!("../../lessons/05-when-threads-help.md")),
    ("06-processes-and-data.md", include_str!("../../lessons/06-processes-and-data.md")),
    ("07-race-conditions.md", include_str!("../../lessons/07-race-conditions.md")),
    ("08-parallel-libraries.md", include_str!("../../lessons/08-parallel-libraries.md")),
    ("09-load-balance.md", include_str!("../../lessons/09-load-balance.md")),
    ("10-message-passing.md", include_str!("../../lessons/10-message-passing.md")),
    ("11-larger-than-memory.md", include_str!("../../lessons/11-larger-than-memory.md")),
    ("12-cluster.md", include_str!("../../lessons/12-cluster.md")),
    ("13-which-tool-when.md", include_str!("../../lessons/13-which-tool-when.md")),
];

/// The Python twins (`lessons/python/<kernel>/<variant>.py`), embedded beside the lessons.
/// They live in `backends::python_twins`, where the `py-*` backends that run them can reach
/// them (imports flow one way); its test checks that every file there is listed.
pub use crate::backends::python_twins::{TWINS as PYTHON_TWINS, twin as python_twin};

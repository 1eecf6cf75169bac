//! The built-in course files, embedded at build time. A test checks that every file in
//! `lessons/` is listed here.

/// (file name relative to `lessons/`, contents).
pub const FILES: &[(&str, &str)] = &[
    ("course.toml", include_str!("../../lessons/course.toml")),
    ("01-embarrassingly-parallel.md", include_str!("../../lessons/01-embarrassingly-parallel.md")),
    ("02-the-gil.md", include_str!("../../lessons/02-the-gil.md")),
];

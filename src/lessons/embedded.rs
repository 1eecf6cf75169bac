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
    // Write-the-code exercises: starters (with a TODO) and reference solutions.
    ("code/02-prange.py", include_str!("../../lessons/code/02-prange.py")),
    ("code/02-prange.solution.py", include_str!("../../lessons/code/02-prange.solution.py")),
    ("code/05-gather.py", include_str!("../../lessons/code/05-gather.py")),
    ("code/05-gather.solution.py", include_str!("../../lessons/code/05-gather.solution.py")),
    ("code/06-pool.py", include_str!("../../lessons/code/06-pool.py")),
    ("code/06-pool.solution.py", include_str!("../../lessons/code/06-pool.solution.py")),
    ("code/06-guard.py", include_str!("../../lessons/code/06-guard.py")),
    ("code/06-guard.solution.py", include_str!("../../lessons/code/06-guard.solution.py")),
    ("code/07-counter.py", include_str!("../../lessons/code/07-counter.py")),
    ("code/07-counter.solution.py", include_str!("../../lessons/code/07-counter.solution.py")),
    ("code/09-chunksize.py", include_str!("../../lessons/code/09-chunksize.py")),
    ("code/09-chunksize.solution.py", include_str!("../../lessons/code/09-chunksize.solution.py")),
    // Python twins of the kernels (the pytwins branch adds the rest).
    ("python/pi/seq.py", include_str!("../../lessons/python/pi/seq.py")),
];

/// The Python twins (`lessons/python/<kernel>/<variant>.py`), embedded beside the lessons.
/// They live in `backends::python_twins`, where the `py-*` backends that run them can reach
/// them (imports flow one way); its test checks that every file there is listed.
pub use crate::backends::python_twins::{TWINS as PYTHON_TWINS, twin as python_twin};

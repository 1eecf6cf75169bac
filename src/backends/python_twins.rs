//! The Python twins of the kernels (`lessons/python/<kernel>/<variant>.py`), embedded so
//! that the `py-*` backends and the course can use them from an installed binary. A test
//! checks that every file in `lessons/python/` is listed here.

/// (`kernel/variant`, the script's text).
pub const TWINS: &[(&str, &str)] = &[
    ("bigresult/processes", include_str!("../../lessons/python/bigresult/processes.py")),
    ("bigresult/seq", include_str!("../../lessons/python/bigresult/seq.py")),
    ("bigresult/threads", include_str!("../../lessons/python/bigresult/threads.py")),
    ("colmeans/processes", include_str!("../../lessons/python/colmeans/processes.py")),
    ("colmeans/seq", include_str!("../../lessons/python/colmeans/seq.py")),
    ("colmeans/threads", include_str!("../../lessons/python/colmeans/threads.py")),
    ("counter/processes", include_str!("../../lessons/python/counter/processes.py")),
    ("counter/seq", include_str!("../../lessons/python/counter/seq.py")),
    ("counter/threads", include_str!("../../lessons/python/counter/threads.py")),
    ("integral/mpi4py", include_str!("../../lessons/python/integral/mpi4py.py")),
    ("integral/numba", include_str!("../../lessons/python/integral/numba.py")),
    ("integral/processes", include_str!("../../lessons/python/integral/processes.py")),
    ("integral/seq", include_str!("../../lessons/python/integral/seq.py")),
    ("integral/threads", include_str!("../../lessons/python/integral/threads.py")),
    ("io/asyncio", include_str!("../../lessons/python/io/asyncio.py")),
    ("io/processes", include_str!("../../lessons/python/io/processes.py")),
    ("io/seq", include_str!("../../lessons/python/io/seq.py")),
    ("io/threads", include_str!("../../lessons/python/io/threads.py")),
    ("pi/mpi4py", include_str!("../../lessons/python/pi/mpi4py.py")),
    ("pi/numba", include_str!("../../lessons/python/pi/numba.py")),
    ("pi/processes", include_str!("../../lessons/python/pi/processes.py")),
    ("pi/seq", include_str!("../../lessons/python/pi/seq.py")),
    ("pi/threads", include_str!("../../lessons/python/pi/threads.py")),
    ("skewed/processes", include_str!("../../lessons/python/skewed/processes.py")),
    ("skewed/seq", include_str!("../../lessons/python/skewed/seq.py")),
    ("skewed/threads", include_str!("../../lessons/python/skewed/threads.py")),
    ("square/processes", include_str!("../../lessons/python/square/processes.py")),
    ("square/seq", include_str!("../../lessons/python/square/seq.py")),
    ("square/threads", include_str!("../../lessons/python/square/threads.py")),
    ("walk/numba", include_str!("../../lessons/python/walk/numba.py")),
    ("walk/processes", include_str!("../../lessons/python/walk/processes.py")),
    ("walk/seq", include_str!("../../lessons/python/walk/seq.py")),
    ("walk/threads", include_str!("../../lessons/python/walk/threads.py")),
];

/// The text of the twin of `kernel` in `variant` (`seq`, `threads`, `processes`,
/// `asyncio`, `numba`, `mpi4py`), if there is one.
pub fn twin(kernel: &str, variant: &str) -> Option<&'static str> {
    TWINS.iter().find(|(name, _)| name.split_once('/') == Some((kernel, variant))).map(|(_, text)| *text)
}

/// The variants that `kernel` has a twin in.
pub fn variants(kernel: &str) -> Vec<&'static str> {
    TWINS.iter().filter_map(|(name, _)| name.split_once('/').filter(|(k, _)| *k == kernel).map(|(_, v)| v)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_twin_on_disk_is_embedded() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("lessons/python");
        let mut on_disk = Vec::new();
        for kernel in std::fs::read_dir(&dir).unwrap() {
            let kernel = kernel.unwrap();
            if !kernel.file_type().unwrap().is_dir() {
                continue;
            }
            for file in std::fs::read_dir(kernel.path()).unwrap() {
                let name = file.unwrap().file_name().to_string_lossy().to_string();
                if let Some(variant) = name.strip_suffix(".py") {
                    on_disk.push(format!("{}/{variant}", kernel.file_name().to_string_lossy()));
                }
            }
        }
        on_disk.sort();
        let mut listed: Vec<String> = TWINS.iter().map(|(name, _)| name.to_string()).collect();
        listed.sort();
        assert_eq!(on_disk, listed, "lessons/python/ and backends::python_twins::TWINS differ");
        assert!(twin("pi", "seq").is_some_and(|t| t.contains("def count_inside")));
        assert_eq!(variants("io"), ["asyncio", "processes", "seq", "threads"]);
    }

    #[test]
    fn every_kernel_with_a_twin_exists() {
        for (name, _) in TWINS {
            let kernel = name.split('/').next().unwrap();
            assert!(crate::kernels::find(kernel).is_some(), "lessons/python/{kernel} is not a kernel");
        }
    }
}

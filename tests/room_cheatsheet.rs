//! `parlab cheatsheet`: printed as Markdown, or written with SVG and PNG; every key of
//! every key table is on it (the table test is in src/cli/cheatsheet.rs; here the binary).

use std::fs;

use assert_cmd::Command;
use parlab::app::help_groups;
use predicates::prelude::*;

fn parlab() -> Command {
    Command::cargo_bin("parlab").expect("the parlab binary is built")
}

#[test]
fn cheatsheet_lists_every_key_and_writes_a_printable_page() {
    let output = parlab().arg("cheatsheet").output().unwrap();
    assert!(output.status.success());
    let md = String::from_utf8(output.stdout).unwrap();
    for group in help_groups() {
        for line in group.lines {
            assert!(md.contains(&format!("`{}`", line.keys)) && md.contains(line.help), "{}", line.keys);
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("handout");
    parlab().args(["cheatsheet", "--out"]).arg(&out).assert().success();
    assert_eq!(fs::read_to_string(out.join("cheatsheet.md")).unwrap(), md);
    assert_eq!(&fs::read(out.join("cheatsheet.png")).unwrap()[..4], b"\x89PNG");
    let svg = fs::read_to_string(out.join("cheatsheet.svg")).unwrap();
    assert!(svg.contains("<svg") && svg.contains("Karp-Flatt"));
    parlab().args(["cheatsheet", "--out"]).arg(&out).assert().code(2).stderr(predicate::str::contains("--force"));
}

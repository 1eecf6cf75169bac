//! Site profiles for `parlab batch --site FILE`: the few facts of one cluster an
//! instructor fills in once (account, partition, reservation, QOS, modules, limits) and
//! hands out, so that every learner's script submits as is. A key parlab does not know,
//! or a value that cannot go into an `#SBATCH` line, is an error with its file:line.

use std::io::Read;
use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use crate::lessons::line_of;

/// The largest site file parlab reads (a site file is a dozen lines).
const MAX_BYTES: u64 = 64 << 10;

/// One `site.toml`.
///
/// ```toml
/// name = "Example University, cluster Aurora"
/// account = "training"
/// partition = "short"
/// reservation = "parlab-workshop"
/// qos = "normal"
/// modules = ["GCCcore/13.2.0", "Python/3.11.5"]
/// setup = ["source $HOME/parlab-venv/bin/activate"]
/// cpus = 8
/// time = "00:15:00"
/// mem = "4G"
/// ```
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Site {
    /// Whose cluster this is, written into the script's header.
    #[serde(default)]
    pub name: Option<Spanned<String>>,
    /// The allocation the job's CPU hours are charged to (`#SBATCH --account`).
    #[serde(default)]
    pub account: Option<Spanned<String>>,
    /// The queue of nodes the job waits for (`#SBATCH --partition`).
    #[serde(default)]
    pub partition: Option<Spanned<String>>,
    /// Nodes the site set aside for the workshop (`#SBATCH --reservation`).
    #[serde(default)]
    pub reservation: Option<Spanned<String>>,
    /// The site's priority and limits class (`#SBATCH --qos`).
    #[serde(default)]
    pub qos: Option<Spanned<String>>,
    /// Environment modules loaded before parlab runs (`module load NAME`), in order.
    #[serde(default)]
    pub modules: Option<Spanned<Vec<String>>>,
    /// Shell lines run after the modules, before parlab, e.g. activating the venv parlab
    /// was installed into.
    #[serde(default)]
    pub setup: Option<Spanned<Vec<String>>>,
    /// CPUs a learner's job asks for [`--workers`'s default].
    #[serde(default)]
    pub cpus: Option<Spanned<usize>>,
    /// Wall-clock limit, HH:MM:SS or D-HH:MM:SS [`--time`'s default].
    #[serde(default)]
    pub time: Option<Spanned<String>>,
    /// Memory per node, e.g. 4G [`--mem`'s default].
    #[serde(default)]
    pub mem: Option<Spanned<String>>,
}

/// A site file read and checked: plain values, every one of them safe in a script.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct SiteProfile {
    /// Where it was read from, for the script's header.
    pub path: String,
    /// `name`.
    pub name: Option<String>,
    /// `account`.
    pub account: Option<String>,
    /// `partition`.
    pub partition: Option<String>,
    /// `reservation`.
    pub reservation: Option<String>,
    /// `qos`.
    pub qos: Option<String>,
    /// `modules`.
    pub modules: Vec<String>,
    /// `setup`.
    pub setup: Vec<String>,
    /// `cpus`.
    pub cpus: Option<usize>,
    /// `time`.
    pub time: Option<String>,
    /// `mem`.
    pub mem: Option<String>,
}

/// Reads and checks a site file; every problem as `file:line: message`.
pub fn load(path: &Path) -> Result<SiteProfile, Vec<String>> {
    let shown = path.display().to_string();
    let text = read(path).map_err(|why| vec![format!("--site {shown}: {why}")])?;
    parse(&text, &shown)
}

fn read(path: &Path) -> Result<String, String> {
    let file = std::fs::File::open(path).map_err(|e| format!("cannot be read: {e}"))?;
    if !file.metadata().is_ok_and(|m| m.is_file()) {
        return Err("is not a regular file".into());
    }
    let mut bytes = Vec::new();
    file.take(MAX_BYTES + 1).read_to_end(&mut bytes).map_err(|e| format!("cannot be read: {e}"))?;
    if bytes.len() as u64 > MAX_BYTES {
        return Err(format!("is larger than {} KiB; a site file is a dozen lines", MAX_BYTES >> 10));
    }
    String::from_utf8(bytes).map_err(|_| "is not UTF-8 text".into())
}

/// Checks the text of a site file shown as `shown` in messages.
pub fn parse(text: &str, shown: &str) -> Result<SiteProfile, Vec<String>> {
    let at = |offset: usize, message: String| format!("{shown}:{}: {message}", line_of(text, offset));
    let site: Site = toml::from_str(text).map_err(|e| {
        let mut message = e.message().trim().to_string();
        if message.starts_with("unknown field") {
            message.push_str(" (a site file sets only these keys; see `parlab batch --help`)");
        }
        vec![at(e.span().map_or(0, |s| s.start), message)]
    })?;
    let mut errors = Vec::new();
    let mut word = |key: &str, value: &Option<Spanned<String>>, check: fn(&str) -> Result<(), String>| {
        let value = value.as_ref()?;
        match check(value.get_ref()) {
            Ok(()) => Some(value.get_ref().clone()),
            Err(why) => {
                errors.push(at(value.span().start, format!("{key} = \"{}\": {why}", value.get_ref())));
                None
            }
        }
    };
    let name = word("name", &site.name, one_line);
    let account = word("account", &site.account, sbatch_word);
    let partition = word("partition", &site.partition, sbatch_word);
    let reservation = word("reservation", &site.reservation, sbatch_word);
    let qos = word("qos", &site.qos, sbatch_word);
    let time = word("time", &site.time, super::batch::check_time_value);
    let mem = word("mem", &site.mem, super::batch::check_mem_value);
    let mut list = |key: &str, value: &Option<Spanned<Vec<String>>>, check: fn(&str) -> Result<(), String>| {
        let Some(value) = value else { return Vec::new() };
        for item in value.get_ref() {
            if let Err(why) = check(item) {
                errors.push(at(value.span().start, format!("{key}: \"{item}\": {why}")));
            }
        }
        value.get_ref().clone()
    };
    let modules = list("modules", &site.modules, module_name);
    let setup = list("setup", &site.setup, one_line);
    let cpus = match &site.cpus {
        Some(cpus) if *cpus.get_ref() == 0 || *cpus.get_ref() > crate::measure::MAX_WORKERS => {
            errors.push(at(
                cpus.span().start,
                format!("cpus = {}: give 1 to {}", cpus.get_ref(), crate::measure::MAX_WORKERS),
            ));
            None
        }
        other => other.as_ref().map(|c| *c.get_ref()),
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(SiteProfile {
        path: shown.to_string(),
        name,
        account,
        partition,
        reservation,
        qos,
        modules,
        setup,
        cpus,
        time,
        mem,
    })
}

/// A value of an `#SBATCH --key=value` line: one word a shell and Slurm take as is.
pub fn sbatch_word(value: &str) -> Result<(), String> {
    let fine = |c: char| c.is_ascii_alphanumeric() || "_.,:+-@%/=".contains(c);
    if value.is_empty() {
        Err("is empty; leave the key out instead".into())
    } else if let Some(bad) = value.chars().find(|&c| !fine(c)) {
        Err(format!("'{bad}' cannot be part of an #SBATCH value (letters, digits and _.,:+-@%/= only)"))
    } else {
        Ok(())
    }
}

/// A module name as `module load` takes it, e.g. `Python/3.11.5-GCCcore-13.2.0`.
pub fn module_name(value: &str) -> Result<(), String> {
    let fine = |c: char| c.is_ascii_alphanumeric() || "_.+-/@:".contains(c);
    if value.is_empty() {
        Err("is empty".into())
    } else if let Some(bad) = value.chars().find(|&c| !fine(c)) {
        Err(format!("'{bad}' is not part of a module name (letters, digits and _.+-/@: only)"))
    } else {
        Ok(())
    }
}

/// One line of text (a name or a setup command): no line breaks.
fn one_line(value: &str) -> Result<(), String> {
    if value.contains(['\n', '\r']) { Err("must be one line".into()) } else { Ok(()) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_site_file_reads() {
        let text = r#"name = "Aurora"
account = "training"
partition = "short"
reservation = "ws-1"
qos = "normal"
modules = ["Python/3.11.5", "OpenMPI/4.1"]
setup = ["source $HOME/venv/bin/activate"]
cpus = 8
time = "00:15:00"
mem = "4G"
"#;
        let site = parse(text, "site.toml").unwrap();
        assert_eq!(site.account.as_deref(), Some("training"));
        assert_eq!(site.modules, ["Python/3.11.5", "OpenMPI/4.1"]);
        assert_eq!(site.cpus, Some(8));
        assert_eq!(site.time.as_deref(), Some("00:15:00"));
    }

    #[test]
    fn unknown_keys_and_bad_values_name_the_line() {
        let errors = parse("account = \"a\"\npartiton = \"short\"\n", "s.toml").unwrap_err();
        assert!(errors[0].starts_with("s.toml:2: unknown field `partiton`"), "{errors:?}");
        let errors = parse("account = \"a\"\n\npartition = \"short queue\"\ntime = \"ten\"\n", "s.toml").unwrap_err();
        assert!(errors[0].starts_with("s.toml:3: partition = \"short queue\""), "{errors:?}");
        assert!(errors[1].starts_with("s.toml:4: time = \"ten\""), "{errors:?}");
        let errors = parse("modules = [\"ok\", \"rm -rf\"]\ncpus = 0\n", "s.toml").unwrap_err();
        assert!(errors[0].starts_with("s.toml:1: modules: \"rm -rf\""), "{errors:?}");
        assert!(errors[1].starts_with("s.toml:2: cpus = 0"), "{errors:?}");
    }
}

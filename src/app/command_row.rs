//! The Lab's "your command" row: the learner types or pastes a command with `{workers}`
//! (`!` opens the input line), and the Lab sweeps it over the switched-on worker counts as
//! `parlab run --cmd` does, with the same Cores panel, results table, chart and export.
//! The last commands are remembered in parlab's data folder (`commands.toml`, beside the
//! progress file), written atomically; a damaged file is set aside with a warning.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::{App, Effect, Key, RunProgress};
use crate::backends::command::CommandSpec;
use crate::measure::commands::{CommandPlan, OutputCheck};

/// How many commands are remembered.
pub const REMEMBERED: usize = 10;

/// The remembered-commands file's name, in the folder of the progress file.
pub const FILE_NAME: &str = "commands.toml";

/// The command row's state.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CommandRow {
    /// The accepted command; while set the Lab's kernel row is "your command" and `s`/`r`
    /// measure it.
    pub command: Option<String>,
    /// The input line, while open.
    pub input: Option<CommandInput>,
    /// Commands used before, newest first.
    pub history: Vec<String>,
    /// Where `history` is kept (None: not kept).
    pub path: Option<PathBuf>,
}

/// The open input line.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CommandInput {
    /// The text typed so far.
    pub text: String,
    /// Which remembered command ↑↓ show (None: the text typed).
    pub recalled: Option<usize>,
    /// Why the text was refused, shown beside it.
    pub error: Option<String>,
}

/// The remembered-commands file.
#[derive(Debug, Default, Serialize, Deserialize)]
struct HistoryFile {
    /// Commands, newest first.
    #[serde(default)]
    commands: Vec<String>,
}

/// The spec the Lab measures for `template`: split into words, no shell, named after its
/// script or program as `parlab run --cmd` names it.
pub fn spec(template: &str) -> CommandSpec {
    CommandSpec {
        name: crate::measure::commands::default_name(template),
        template: template.to_string(),
        shell: false,
        threads_env: false,
        launcher: None,
    }
}

/// The remembered commands at `path`, and a warning when the file was damaged (it is
/// then renamed to `commands.toml.corrupt-N`) or cannot be read.
pub fn load(path: &Path) -> (Vec<String>, Option<String>) {
    let text = match fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return (Vec::new(), None),
        Err(e) => return (Vec::new(), Some(format!("Remembered commands {} cannot be read ({e}).", path.display()))),
    };
    match toml::from_str::<HistoryFile>(&text) {
        Ok(file) => (file.commands.into_iter().take(REMEMBERED).collect(), None),
        Err(why) => {
            let name = path.file_name().map_or_else(|| FILE_NAME.into(), |n| n.to_string_lossy().to_string());
            let aside = (1..).map(|n| path.with_file_name(format!("{name}.corrupt-{n}"))).find(|p| !p.exists());
            let moved = aside.and_then(|aside| fs::rename(path, &aside).ok().map(|()| aside));
            let warning = match moved {
                Some(aside) => format!(
                    "Remembered commands {} were damaged ({}); the file was kept as {}.",
                    path.display(),
                    why.message().trim(),
                    aside.display()
                ),
                None => format!("Remembered commands {} are damaged ({}).", path.display(), why.message().trim()),
            };
            (Vec::new(), Some(warning))
        }
    }
}

/// Writes the remembered commands atomically (a temporary file, then a rename).
pub fn save(path: &Path, history: &[String]) -> io::Result<()> {
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir)?;
    }
    let text = toml::to_string(&HistoryFile { commands: history.to_vec() }).map_err(io::Error::other)?;
    crate::files::replace(path, text.as_bytes())
}

impl CommandRow {
    /// Loads the commands remembered beside the progress file `progress`; a warning for
    /// the learner when the file was damaged.
    pub fn beside(progress: &Path) -> (Self, Option<String>) {
        let path = progress.with_file_name(FILE_NAME);
        let (history, warning) = load(&path);
        (Self { history, path: Some(path), ..Self::default() }, warning)
    }

    /// Puts `command` first in the history (once), keeping the last [`REMEMBERED`].
    pub fn remember(&mut self, command: &str) {
        self.history.retain(|c| c != command);
        self.history.insert(0, command.to_string());
        self.history.truncate(REMEMBERED);
    }

    /// Saves the history where it is kept; the error for the learner if that failed.
    pub fn save(&self) -> Option<String> {
        let path = self.path.as_ref()?;
        save(path, &self.history).err().map(|e| format!("Could not remember the command in {}: {e}", path.display()))
    }
}

impl App {
    /// Whether the command input line is open (it then takes every key but Ctrl-C).
    pub fn command_input_open(&self) -> bool {
        self.command_row.input.is_some()
    }

    /// Opens the input line with the current (or last) command to edit.
    pub(super) fn open_command_input(&mut self) {
        if self.run.is_some() {
            self.message = Some("A run is in progress: wait for it or press c to cancel.".into());
            return;
        }
        let text = self.command_row.command.clone().or_else(|| self.command_row.history.first().cloned());
        self.command_row.input = Some(CommandInput { text: text.unwrap_or_default(), ..CommandInput::default() });
    }

    /// A key while the input line is open.
    pub(super) fn command_input_key(&mut self, key: Key) -> Option<Effect> {
        let row = &mut self.command_row;
        let input = row.input.as_mut()?;
        match key {
            Key::Esc => row.input = None,
            Key::Enter => {
                let text = input.text.trim().to_string();
                match spec(&text).validate() {
                    Ok(()) => {
                        row.input = None;
                        row.command = Some(text);
                        self.message = Some(
                            "Your command is set: s sweeps it, r runs the underlined worker count; ←→ on the kernel row: back to kernels.".into(),
                        );
                    }
                    Err(e) => {
                        // The command is on the line already: its message need not repeat it.
                        let message = e.to_string();
                        let short = message.split_once("': ").map_or(message.as_str(), |(_, why)| why);
                        input.error = Some(short.to_string());
                    }
                }
            }
            Key::Backspace => {
                input.text.pop();
                input.error = None;
            }
            Key::Up | Key::Down => {
                let len = row.history.len();
                if len > 0 {
                    let next = match (input.recalled, key) {
                        (None, Key::Up) => Some(0),
                        (None, _) => None,
                        (Some(i), Key::Up) => Some((i + 1).min(len - 1)),
                        (Some(0), _) => None,
                        (Some(i), _) => Some(i - 1),
                    };
                    input.recalled = next;
                    input.text = next.map(|i| row.history[i].clone()).unwrap_or_default();
                    input.error = None;
                }
            }
            Key::Char(c) => {
                input.text.push(c);
                input.error = None;
            }
            Key::Tab => input.text.push(' '),
            _ => {}
        }
        None
    }

    /// The plan that measures the command: every switched-on worker count (`sweep`) or
    /// the underlined one.
    pub fn command_plan(&self, sweep: bool) -> Result<CommandPlan, String> {
        let command = self.command_row.command.as_ref().ok_or("no command: press ! to type one")?;
        let lab = self.lab.as_ref().ok_or("open a lesson first")?;
        let workers: Vec<usize> = if sweep {
            lab.workers.iter().filter(|w| w.on).map(|w| w.value).collect()
        } else {
            lab.cursor_workers().into_iter().collect()
        };
        if workers.is_empty() {
            return Err("switch on at least one worker count (Workers row, Enter)".into());
        }
        let plan = CommandPlan {
            commands: vec![spec(command)],
            workers,
            warmup: lab.warmup,
            repetitions: lab.reps,
            timeout_s: None,
            check: OutputCheck::None,
        };
        plan.validate().map_err(|e| e.to_string())?;
        Ok(plan)
    }

    /// Starts measuring the command, remembering it.
    pub(super) fn start_command(&mut self, sweep: bool) -> Option<Effect> {
        if self.run.is_some() {
            self.message = Some("A run is in progress: wait for it or press c to cancel.".into());
            return None;
        }
        match self.command_plan(sweep) {
            Ok(mut plan) => {
                self.guard_commands(&mut plan);
                let as_plan = plan.as_plan();
                self.message = None;
                self.run = Some(RunProgress {
                    sweep,
                    plan: as_plan,
                    done: 0,
                    total: plan.total_runs(),
                    current: None,
                    last: None,
                    exercise: None,
                });
                if let Some(command) = self.command_row.command.clone() {
                    self.command_row.remember(&command);
                    if let Some(why) = self.command_row.save() {
                        self.warning = Some(why);
                    }
                }
                Some(Effect::StartCommands(Box::new(plan)))
            }
            Err(why) => {
                self.message = Some(why);
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_history_keeps_the_last_commands_once() {
        let mut row = CommandRow::default();
        for i in 0..12 {
            row.remember(&format!("cmd {i} {{workers}}"));
        }
        row.remember("cmd 5 {workers}");
        assert_eq!(row.history.len(), REMEMBERED);
        assert_eq!(row.history[0], "cmd 5 {workers}");
        assert_eq!(row.history.iter().filter(|c| *c == "cmd 5 {workers}").count(), 1);
    }

    #[test]
    fn history_round_trips_and_a_damaged_file_is_set_aside() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE_NAME);
        save(&path, &["python3 pi.py {workers}".to_string()]).unwrap();
        assert_eq!(load(&path), (vec!["python3 pi.py {workers}".to_string()], None));
        fs::write(&path, "commands = [unterminated").unwrap();
        let (history, warning) = load(&path);
        assert!(history.is_empty());
        assert!(warning.unwrap().contains("corrupt-1"));
        assert!(dir.path().join("commands.toml.corrupt-1").exists());
        assert!(!path.exists());
    }
}

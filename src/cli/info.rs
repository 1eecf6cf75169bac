//! `parlab info`, `parlab kernels`, `parlab backends`.

use std::process::ExitCode;

use anyhow::Result;

use super::InfoArgs;
use crate::backends;
use crate::kernels;
use crate::present::describe;
use crate::sysmon::MachineFacts;

/// Prints the machine facts and the CPU count a pool would use.
pub fn info(args: &InfoArgs) -> Result<ExitCode> {
    let facts = MachineFacts::detect();
    if args.json {
        println!("{}", serde_json::to_string_pretty(&facts)?);
        return Ok(ExitCode::SUCCESS);
    }
    print!("{}", describe(&facts));
    Ok(ExitCode::SUCCESS)
}

/// Lists the kernels.
pub fn kernels() -> Result<ExitCode> {
    for kernel in kernels::registry() {
        println!("{:<10}{}", kernel.id(), kernel.about());
        println!("{:<10}size: {} {} by default", "", kernel.default_size(), kernel.size_unit());
        for p in kernel.params() {
            println!("{:<10}--param {}={}  {}", "", p.key, p.default, p.help);
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Lists the backends.
pub fn backends() -> Result<ExitCode> {
    for backend in backends::registry() {
        println!("{:<9} {}", backend.id(), backend.about());
        println!("{:<10}like: {}", "", backend.mirrors());
        if let Err(why) = backend.available(None) {
            println!("{:<10}unavailable here: {why}", "");
        }
        for p in backend.params() {
            println!("{:<10}--param {}={}  {}", "", p.key, p.default, p.help);
        }
    }
    Ok(ExitCode::SUCCESS)
}

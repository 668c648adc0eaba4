//! Command-line help in the user's language: every `about`, argument help and example comes from the
//! locale files (`help.<command path>.<arg id>`), applied over the clap command tree before parsing.

use clap::Command;
use rust_i18n::t;

use crate::i18n::Lang;

/// The text of `key` in `lang`, or None when the locale files lack it.
pub fn lookup(key: &str, lang: Lang) -> Option<String> {
    let text = t!(key, locale = lang.code());
    (text != key).then(|| text.into_owned())
}

/// The locale keys a command at `path` ("" for the top) looks up.
pub fn key(path: &str, item: &str) -> String {
    if path.is_empty() { format!("help.innolab.{item}") } else { format!("help.{path}.{item}") }
}

/// Replaces the help texts of `cmd` and all its subcommands with those of `lang`.
pub fn localize(cmd: Command, lang: Lang) -> Command {
    localize_at(cmd, "", lang)
}

fn localize_at(mut cmd: Command, path: &str, lang: Lang) -> Command {
    if let Some(about) = lookup(&key(path, "about"), lang) {
        cmd = cmd.about(about);
    }
    if let Some(example) = lookup(&key(path, "example"), lang) {
        cmd = cmd.after_help(example);
    }
    let args: Vec<String> = cmd.get_arguments().map(|a| a.get_id().to_string()).collect();
    for id in args {
        if let Some(help) = lookup(&key(path, &id), lang) {
            cmd = cmd.mut_arg(id, |a| a.help(help));
        }
    }
    let subs: Vec<String> = cmd.get_subcommands().map(|s| s.get_name().to_string()).collect();
    for name in subs {
        let child = if path.is_empty() { name.clone() } else { format!("{path}.{name}") };
        cmd = cmd.mut_subcommand(name, |sub| localize_at(sub, &child, lang));
    }
    cmd
}

/// Every help key a command tree needs (each command's about and example, each argument's help), for the
/// test that both languages have them all.
pub fn required_keys(cmd: &Command) -> Vec<String> {
    fn walk(cmd: &Command, path: &str, keys: &mut Vec<String>) {
        keys.push(key(path, "about"));
        keys.push(key(path, "example"));
        for arg in cmd.get_arguments() {
            let id = arg.get_id().as_str();
            if id != "help" && id != "version" {
                keys.push(key(path, id));
            }
        }
        for sub in cmd.get_subcommands() {
            let child = if path.is_empty() { sub.get_name().to_string() } else { format!("{path}.{}", sub.get_name()) };
            walk(sub, &child, keys);
        }
    }
    let mut keys = Vec::new();
    walk(cmd, "", &mut keys);
    keys.sort();
    keys.dedup();
    keys
}

/// Picks the language before parsing: `--lang id|en` on the command line, else `LANG`.
pub fn lang_from_args(args: &[String]) -> Lang {
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        let value = if arg == "--lang" { iter.next().map(String::as_str) } else { arg.strip_prefix("--lang=") };
        match value {
            Some("id") => return Lang::Id,
            Some("en") => return Lang::En,
            _ => {}
        }
    }
    Lang::from_env()
}

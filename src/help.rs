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
            cmd = cmd.mut_arg(&id, |a| a.help(help));
        }
        cmd = cmd.mut_arg(&id, |a| localized_parser(a, &id, lang));
    }
    let subs: Vec<String> = cmd.get_subcommands().map(|s| s.get_name().to_string()).collect();
    for name in subs {
        let child = if path.is_empty() { name.clone() } else { format!("{path}.{name}") };
        cmd = cmd.mut_subcommand(name, |sub| localize_at(sub, &child, lang));
    }
    cmd
}

/// The domain's values (a form, a stage) are parsed with their error worded in `lang`: their `FromStr` error
/// is typed and says nothing until asked in a language.
fn localized_parser(arg: clap::Arg, id: &str, lang: Lang) -> clap::Arg {
    use crate::model::{Form, Stage};
    fn parser<T: std::str::FromStr<Err = crate::model::ParseError> + Clone + Send + Sync + 'static>(
        lang: Lang,
    ) -> impl Fn(&str) -> Result<T, String> + Clone + Send + Sync + 'static {
        move |text: &str| text.parse::<T>().map_err(|e| e.message(lang))
    }
    match id {
        "form" => arg.value_parser(parser::<Form>(lang)),
        "stage" => arg.value_parser(parser::<Stage>(lang)),
        _ => arg,
    }
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

/// A usage error (or the help clap shows in its place) made safe to print: every argument clap quotes back
/// ("unexpected argument '…'", "invalid value '…'") is shown visibly escaped, as `ls` shows a file name, so an
/// argument such as a file name holding an escape sequence cannot act on the terminal.
pub fn escape_quoted_args(mut err: clap::Error) -> clap::Error {
    use crate::model::text::escape_visible;
    use clap::error::ContextValue;
    let changed: Vec<_> = err
        .context()
        .filter_map(|(kind, value)| {
            let escaped = match value {
                ContextValue::String(s) => ContextValue::String(escape_visible(s).into_owned()),
                ContextValue::Strings(v) => {
                    ContextValue::Strings(v.iter().map(|s| escape_visible(s).into_owned()).collect())
                }
                _ => return None,
            };
            (escaped != *value).then_some((kind, escaped))
        })
        .collect();
    for (kind, value) in changed {
        err.insert(kind, value);
    }
    err
}

/// Prints a usage error and exits as clap does (status 2, or 0 for help and version). When an argument
/// holds a terminal control, the message goes out plain (no colours) and inert line by line, whatever part
/// of clap's message quotes it; otherwise clap prints it, in colour on a terminal.
pub fn exit_with(err: clap::Error, args: &[String]) -> ! {
    use std::io::Write;
    let err = escape_quoted_args(err);
    if !args.iter().any(|a| a.chars().any(crate::model::text::is_hazard)) {
        err.exit();
    }
    let text = err.render().to_string();
    let mut out: Box<dyn Write> =
        if err.use_stderr() { Box::new(std::io::stderr().lock()) } else { Box::new(std::io::stdout().lock()) };
    for line in text.lines() {
        let _ = writeln!(out, "{}", crate::model::text::inert(line));
    }
    let _ = out.flush();
    std::process::exit(err.exit_code());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_arguments_are_shown_escaped() {
        let cmd = || Command::new("innolab").arg(clap::Arg::new("lang").long("lang").value_parser(["id", "en"]));
        let err = cmd().try_get_matches_from(["innolab", "--lang", "\u{1b}]52;c;aGk=\u{7}\u{202e}"]).unwrap_err();
        let text = escape_quoted_args(err).render().to_string();
        assert!(text.contains("'\\e]52;c;aGk=\\a\\u{202e}'"), "{text}");
        let err = cmd().try_get_matches_from(["innolab", "--x\u{9b}2J"]).unwrap_err();
        let text = escape_quoted_args(err).render().to_string();
        assert!(text.contains("'--x\\x9b2J'"), "{text}");
        assert!(!text.lines().any(|l| l.chars().any(crate::model::text::is_hazard)), "{text}");
    }
}

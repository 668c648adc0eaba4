//! The `innolab` command line: parses arguments and dispatches to the library. Nothing else lives here.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use chrono::NaiveDate;
use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand};
use innolab::cli::{self, TallyFormat};
use innolab::export::ExportFormat;
use innolab::i18n::Lang;
use innolab::model::{Form, NewIdea, Stage};
use innolab::ops::{self, IdeaArgs, NewOptions, OpsError};
use innolab::runtime::{self, RoomOptions, RunOptions, Target};
use innolab::ui::theme::ThemeName;

#[derive(Parser)]
#[command(name = "innolab", version)]
struct Cli {
    #[arg(long, global = true, value_name = "DIR", default_value = "sessions", env = "INNOLAB_SESSIONS")]
    sessions: PathBuf,
    #[arg(long, global = true, value_enum)]
    lang: Option<Lang>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    Run(RunArgs),
    Attach {
        #[arg(value_name = "SESSION")]
        session: PathBuf,
    },
    New(NewArgs),
    List,
    Plan {
        #[command(subcommand)]
        command: PlanCommand,
    },
    Validate {
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
    },
    Idea {
        #[command(subcommand)]
        command: IdeaCommand,
    },
    Check {
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<PathBuf>,
    },
    Tally {
        #[arg(long, value_enum, default_value_t = TallyFormat::Text)]
        format: TallyFormat,
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<PathBuf>,
    },
    Export {
        #[arg(value_name = "SESSION")]
        session: PathBuf,
        #[arg(long, value_enum)]
        format: ExportFormat,
        #[arg(short, long, value_name = "PATH")]
        output: Option<PathBuf>,
        #[arg(long)]
        excel: bool,
    },
    Report {
        #[arg(required = true, value_name = "SESSION")]
        paths: Vec<PathBuf>,
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    Import(IdeaImportArgs),
    Certificates(CertificatesArgs),
    Set(SetArgs),
    Roster {
        #[command(subcommand)]
        command: RosterCommand,
    },
    Schema,
}

/// Who signs the certificates, as given on the command line.
#[derive(Args, Default)]
struct SignatoryArgs {
    #[arg(long, value_name = "NAME")]
    signatory: Option<String>,
    #[arg(long, value_name = "TEXT")]
    position: Option<String>,
}

impl SignatoryArgs {
    fn change(self) -> ops::SignatoryChange {
        ops::SignatoryChange { name: self.signatory, position: self.position }
    }
}

#[derive(Args)]
struct CertificatesArgs {
    #[arg(value_name = "SESSION")]
    session: PathBuf,
    #[arg(short, long, value_name = "DIR")]
    output: Option<PathBuf>,
    #[command(flatten)]
    signatory: SignatoryArgs,
    #[arg(long)]
    strict: bool,
}

#[derive(Args)]
#[command(group(clap::ArgGroup::new("change").required(true).multiple(true).args(["signatory", "position"])))]
struct SetArgs {
    #[arg(value_name = "SESSION")]
    session: PathBuf,
    #[command(flatten)]
    signatory: SignatoryArgs,
}

#[derive(Subcommand)]
enum RosterCommand {
    Import(CsvImportArgs),
}

/// A CSV to bring into a session: ideas (`import`) or participants (`roster import`).
#[derive(Args)]
struct CsvImportArgs {
    #[arg(value_name = "SESSION")]
    session: PathBuf,
    #[arg(value_name = "FILE")]
    file: PathBuf,
    #[arg(long)]
    dry_run: bool,
}

/// A CSV of ideas to bring into a session, and where its rows go.
#[derive(Args)]
struct IdeaImportArgs {
    #[command(flatten)]
    csv: CsvImportArgs,
    #[arg(long, value_name = "ID")]
    block: Option<String>,
    #[arg(long, value_name = "S")]
    stage: Option<Stage>,
    #[arg(long)]
    allow_duplicates: bool,
}

#[derive(Args, Default)]
struct RunArgs {
    #[arg(value_name = "PATH", conflicts_with = "new")]
    path: Option<PathBuf>,
    #[arg(long)]
    new: bool,
    #[arg(long, value_name = "FILE", requires = "new")]
    plan: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = ThemeName::Projector)]
    theme: ThemeName,
    #[arg(long)]
    room: bool,
    #[arg(long, value_name = "ADDR[:PORT]", value_parser = innolab::room::addr::parse_bind)]
    bind: Option<std::net::SocketAddr>,
}

#[derive(Args)]
struct NewArgs {
    #[arg(long, value_name = "FILE")]
    plan: Option<PathBuf>,
    #[arg(long, value_name = "T")]
    title: Option<String>,
    #[arg(long, value_name = "YYYY-MM-DD")]
    start_date: Option<NaiveDate>,
    #[arg(short, long, value_name = "PATH")]
    output: Option<PathBuf>,
    #[command(flatten)]
    signatory: SignatoryArgs,
}

#[derive(Subcommand)]
enum PlanCommand {
    Default {
        #[arg(long, value_name = "YYYY-MM-DD")]
        start_date: Option<NaiveDate>,
    },
    Check {
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
}

#[derive(Subcommand)]
enum IdeaCommand {
    Add(IdeaAddArgs),
}

#[derive(Args)]
struct IdeaAddArgs {
    #[arg(value_name = "SESSION")]
    session: PathBuf,
    #[arg(long, value_name = "G")]
    group: String,
    #[arg(long, value_name = "T")]
    title: String,
    #[arg(long, value_name = "A")]
    agency: Option<String>,
    #[arg(long, value_name = "NAME")]
    author: Option<String>,
    #[arg(long, value_name = "TEXT")]
    detail: Option<String>,
    #[arg(long, value_name = "F")]
    form: Option<Form>,
    #[arg(long)]
    digital: bool,
    #[arg(long)]
    flagship: bool,
    #[arg(long, value_name = "S")]
    stage: Option<Stage>,
    #[arg(long, value_name = "ID")]
    block: Option<String>,
    #[arg(long)]
    allow_duplicates: bool,
    #[arg(long, requires = "flagship")]
    replace_flagship: bool,
}

/// mimalloc instead of the system's allocator: decoding a large session allocates hundreds of thousands of
/// small strings on several threads at once, and the first frame at 100,000 ideas is a quarter faster.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    innolab::store::survive_file_size_limit();
    // `args_os`: an argument that is not UTF-8 must reach clap (a usage error), not panic here.
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let lossy: Vec<String> = args.iter().map(|a| a.to_string_lossy().into_owned()).collect();
    let lang = innolab::help::lang_from_args(&lossy);
    // Usage errors quote the arguments back: shown escaped, never raw (an argument may be a file name).
    let matches = match innolab::help::localize(Cli::command(), lang).try_get_matches_from(&args) {
        Ok(matches) => matches,
        Err(e) => innolab::help::exit_with(e, &lossy),
    };
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => innolab::help::exit_with(e, &lossy),
    };
    let lang_pinned = cli.lang.is_some();
    let lang = cli.lang.unwrap_or(lang);
    let command = cli.command.unwrap_or(Command::Run(RunArgs::default()));
    match run(command, cli.sessions, lang, lang_pinned) {
        Ok(()) => ExitCode::SUCCESS,
        Err(lines) => {
            let mut stderr = std::io::stderr().lock();
            for line in lines {
                // Lines quote file names and file contents: nothing in them may act on the terminal.
                let _ = writeln!(stderr, "innolab: {}", innolab::model::text::inert(&line));
            }
            ExitCode::FAILURE
        }
    }
}

fn run_tui(sessions: PathBuf, lang: Lang, lang_pinned: bool, args: RunArgs) -> Result<(), Vec<String>> {
    let target = match (args.path, args.new) {
        (Some(path), _) => Target::Open(ops::resolve_session_path(&sessions, &path)),
        (None, true) => Target::New { plan: args.plan },
        (None, false) => Target::Start,
    };
    let room = RoomOptions { on: args.room, bind: args.bind };
    let options = RunOptions { sessions_dir: sessions, target, lang, lang_pinned, theme: args.theme, room };
    runtime::run(options).map_err(|e| e.lines(lang))
}

/// `innolab attach`: the coach's own screen until F10, the app's goodbye or another coach screen.
fn attach(sessions: &std::path::Path, session: &std::path::Path, lang: Lang) -> Result<(), Vec<String>> {
    let path = ops::resolve_session_path(sessions, session);
    let end = runtime::coach::attach::attach(&path, lang).map_err(|e| vec![e.line(lang)])?;
    let line = end.line(lang);
    if matches!(end, runtime::coach::attach::AttachEnd::ByeUnsaved(_)) {
        return Err(line.into_iter().collect());
    }
    if let Some(line) = line {
        println!("innolab: {}", innolab::model::text::inert(&line));
    }
    Ok(())
}

/// Runs one command; the error is the lines to print, each naming its file.
fn run(command: Command, sessions: PathBuf, lang: Lang, lang_pinned: bool) -> Result<(), Vec<String>> {
    match command {
        Command::Run(args) => run_tui(sessions, lang, lang_pinned, args),
        Command::Attach { session } => attach(&sessions, &session, lang),
        command => match run_headless(command, &sessions, lang) {
            // `innolab tally … | head`: the reader has all it wanted; exit quietly, as other tools do.
            Err(e) if e.is_broken_pipe() => Ok(()),
            result => result.map_err(|e| e.lines(lang)),
        },
    }
}

fn run_headless(command: Command, sessions: &std::path::Path, lang: Lang) -> Result<(), OpsError> {
    let mut stdout = std::io::stdout().lock();
    let out: &mut dyn Write = &mut stdout;
    match command {
        // `run` and `attach` are terminal screens, sent elsewhere; nothing to do here.
        Command::Run(_) | Command::Attach { .. } => {}
        Command::New(a) => {
            let options = NewOptions {
                plan: a.plan,
                title: a.title,
                start_date: a.start_date,
                output: a.output,
                signatory: a.signatory.change(),
            };
            let path = ops::new_session(sessions, &options)?;
            writeln!(out, "{}", innolab::model::text::shown(&path))?;
        }
        Command::List => cli::list(sessions, out, lang)?,
        Command::Plan { command: PlanCommand::Default { start_date } } => cli::plan_default(start_date, out)?,
        Command::Plan { command: PlanCommand::Check { file } } => cli::plan_check(&file, out, lang)?,
        Command::Validate { files } => cli::validate(&files, out, &mut std::io::stderr(), lang)?,
        Command::Idea { command: IdeaCommand::Add(a) } => {
            let path = ops::resolve_session_path(sessions, &a.session);
            let added = ops::idea_add(
                &path,
                IdeaArgs {
                    idea: NewIdea {
                        group: a.group,
                        title: a.title,
                        agency: a.agency,
                        author: a.author,
                        detail: a.detail,
                        form: a.form,
                        digital: a.digital,
                        flagship: a.flagship,
                        stage: a.stage,
                        block: a.block,
                    },
                    allow_duplicates: a.allow_duplicates,
                    replace_flagship: a.replace_flagship,
                },
            )?;
            cli::idea_added(&added, out, &mut std::io::stderr().lock(), lang)?;
        }
        Command::Check { paths } => {
            let paths: Vec<PathBuf> = paths.iter().map(|p| ops::resolve_session_path(sessions, p)).collect();
            cli::check(&paths, out, lang)?;
        }
        Command::Tally { format, paths } => cli::tally(&paths, format, out, &mut std::io::stderr(), lang)?,
        Command::Export { session, format, output, excel } => {
            let path = ops::resolve_session_path(sessions, &session);
            let written = ops::export(&path, format, output.as_deref(), excel, lang)?;
            writeln!(out, "{}", innolab::model::text::shown(&written))?;
        }
        Command::Report { paths, output } => {
            let paths: Vec<PathBuf> = paths.iter().map(|p| ops::resolve_session_path(sessions, p)).collect();
            let done = ops::report(&paths, output.as_deref(), lang)?;
            cli::report_written(&done, out, &mut std::io::stderr().lock(), lang)?;
        }
        Command::Import(IdeaImportArgs {
            csv: CsvImportArgs { session, file, dry_run },
            block,
            stage,
            allow_duplicates,
        }) => {
            let path = ops::resolve_session_path(sessions, &session);
            let options = ops::ImportOptions { dry_run, block, stage, allow_duplicates };
            let done = ops::import_ideas(&path, &file, &options, lang)?;
            cli::ideas_imported(&path, &file, &done, out, &mut std::io::stderr().lock(), lang)?;
        }
        Command::Certificates(a) => {
            let path = ops::resolve_session_path(sessions, &a.session);
            let change = a.signatory.change();
            let mut err = std::io::stderr().lock();
            cli::certificates(&path, &change, a.output.as_deref(), a.strict, out, &mut err, lang)?;
        }
        Command::Set(a) => {
            let path = ops::resolve_session_path(sessions, &a.session);
            let signatory = ops::set_signatory(&path, &a.signatory.change())?;
            cli::signatory_set(&path, &signatory, out, lang)?;
        }
        Command::Roster { command: RosterCommand::Import(CsvImportArgs { session, file, dry_run }) } => {
            let path = ops::resolve_session_path(sessions, &session);
            let done = ops::roster_import(&path, &file, dry_run, lang)?;
            cli::roster_imported(&path, &done, out, lang)?;
        }
        Command::Schema => {
            let schema = serde_json::to_string_pretty(&cli::schema()).unwrap_or_default();
            writeln!(out, "{schema}")?;
        }
    }
    out.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }

    /// Every command's about, example and argument help exists in both languages.
    #[test]
    fn every_help_text_exists_in_both_languages() {
        for key in innolab::help::required_keys(&Cli::command()) {
            for lang in [Lang::Id, Lang::En] {
                assert!(innolab::help::lookup(&key, lang).is_some(), "missing help text {key} in {}", lang.code());
            }
        }
    }
}

//! The headless commands an organiser scripts (`new`, `list`, `plan`, `validate`, `idea add`, `schema`).
//! Each takes plain arguments, writes its output to the given writer and returns a typed error.

use std::collections::HashMap;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use rust_i18n::t;
use unicode_width::UnicodeWidthStr;

use crate::catalog;
use crate::clock;
use crate::export::{ExportFormat, Identified};
use crate::i18n::{Lang, count_of, plural_key};
use crate::model::text::{ellipsize, inert, shown, slug};
use crate::model::{DuplicateKey, FlagshipConflict, Form, NewIdea, Plan, Session, Stage, UtcOffset};
use crate::store::{self, LoadError, OpenError, OpenSession, SaveError};

#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(transparent)]
    Load(#[from] LoadError),
    #[error(transparent)]
    Save(#[from] SaveError),
    #[error(transparent)]
    Open(#[from] OpenError),
    #[error("{}", t!("cli.unknown_group", path = shown(.path), group = inert(.group), available = .available))]
    UnknownGroup { path: PathBuf, group: String, available: String },
    #[error("{}", t!("cli.unknown_block", path = shown(.path), block = inert(.block), available = .available))]
    UnknownBlock { path: PathBuf, block: String, available: String },
    #[error("{}", t!("ideas.cli.ambiguous_block", path = shown(.path), block = inert(.block), ids = .ids))]
    AmbiguousBlock { path: PathBuf, block: String, ids: String },
    #[error("{}", t!("cli.empty_title"))]
    EmptyTitle,
    #[error("{}", t!("cli.io", path = shown(.path), error = .source))]
    Io { path: PathBuf, source: io::Error },
    #[error("{}", t!("cli.output", error = .0))]
    Output(io::Error),
    #[error("{}", t!("cli.export", path = shown(.path), error = .message))]
    Export { path: PathBuf, message: String },
    /// An export would have written over something that is not an earlier export of its kind.
    #[error("{}", .0)]
    ExportRefused(String),
    /// A file's rows were refused; one line each, already translated.
    #[error("{}", .0.join("; "))]
    Rows(Vec<String>),
    /// Some files failed; each was already reported on its own line.
    #[error("{}", t!(&plural_key("cli.some_failed", *.0 as u64), count = .0))]
    SomeFailed(usize),
    #[error("{}", t!("ideas.cli.no_agency", path = shown(.path)))]
    FlagshipNoAgency { path: PathBuf },
    #[error("{}", t!("ideas.cli.flagship_taken", path = shown(.path), agency = inert(.agency), id = .holder, title = inert(.title)))]
    FlagshipTaken { path: PathBuf, agency: String, holder: u64, title: String },
    /// The session has used every idea id; nothing was added.
    #[error("{}: {}", shown(.path), crate::model::IdsExhausted)]
    IdsExhausted { path: PathBuf },
    /// The readiness check found open items (each already printed); `failed` files could not be loaded.
    #[error("{}", not_ready_line(*.open, *.failed))]
    NotReady { open: usize, failed: usize },
}

fn not_ready_line(open: usize, failed: usize) -> String {
    let failed_line = t!(&plural_key("cli.some_failed", failed as u64), count = failed);
    let open_line = t!(&plural_key("check.cli.open", open as u64), count = open);
    match (open, failed) {
        (_, 0) => open_line.into_owned(),
        (0, _) => failed_line.into_owned(),
        _ => format!("{open_line}; {failed_line}"),
    }
}

impl CliError {
    /// The reader of the output went away (`innolab tally … | head`): nothing is wrong, nothing to say.
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, CliError::Output(e) if e.kind() == io::ErrorKind::BrokenPipe)
    }

    /// The lines to print on stderr: one per problem.
    pub fn lines(&self) -> Vec<String> {
        match self {
            CliError::Load(e) | CliError::Open(OpenError::Load(e)) => e.lines(),
            CliError::Rows(lines) => lines.clone(),
            other => vec![other.to_string()],
        }
    }
}

impl From<io::Error> for CliError {
    fn from(e: io::Error) -> Self {
        CliError::Output(e)
    }
}

/// Where a SESSION argument points: the path itself if it exists, else the same name inside the sessions
/// directory, with or without ".json".
pub fn resolve_session_path(sessions: &Path, given: &Path) -> PathBuf {
    if given.exists() || given.components().count() > 1 {
        return given.to_path_buf();
    }
    let inside = sessions.join(given);
    if inside.exists() {
        return inside;
    }
    let with_ext = sessions.join(format!("{}.json", shown(&given)));
    if with_ext.exists() { with_ext } else { given.to_path_buf() }
}

pub struct NewOptions {
    pub plan: Option<PathBuf>,
    pub title: Option<String>,
    pub start_date: Option<NaiveDate>,
    pub output: Option<PathBuf>,
}

/// Builds the plan for a new session: the built-in lab with day 1 today (or `start_date`), or a plan file
/// with its own dates (moved when `start_date` is given), with an optional new title.
pub fn plan_for_new(options: &NewOptions) -> Result<Plan, CliError> {
    let mut plan = match &options.plan {
        Some(path) => {
            let mut plan = store::load_plan(path)?;
            if let Some(start) = options.start_date {
                plan.start_on(start);
            }
            plan
        }
        None => {
            let today = clock::now_in(UtcOffset::default().fixed()).date_naive();
            Plan::builtin(options.start_date.unwrap_or(today))
        }
    };
    if let Some(title) = &options.title {
        let title = crate::model::text::clean_line(title);
        if title.is_empty() {
            return Err(CliError::EmptyTitle);
        }
        plan.title = title;
    }
    Ok(plan)
}

/// Creates a new session file and returns its path. Never overwrites: an explicit `-o` that exists is an
/// error, and the default name gets "-2", "-3" … when taken.
pub fn new_session(sessions: &Path, options: &NewOptions) -> Result<PathBuf, CliError> {
    let plan = plan_for_new(options)?;
    let now = clock::now_in(plan.utc_offset.fixed());
    let session = Session::new(plan, now);
    create_session_file(sessions, options.output.as_deref(), &session)
}

pub fn create_session_file(sessions: &Path, output: Option<&Path>, session: &Session) -> Result<PathBuf, CliError> {
    if let Some(path) = output {
        ensure_parent(path)?;
        store::create(path, session)?;
        return Ok(path.to_path_buf());
    }
    store::create_private_dir(sessions).map_err(|source| CliError::Io { path: sessions.to_path_buf(), source })?;
    let date = session.plan.first_date().map(|d| d.to_string()).unwrap_or_default();
    let stem = format!("{date}-{}", slug(&session.plan.title));
    for n in 1.. {
        let name = if n == 1 { format!("{stem}.json") } else { format!("{stem}-{n}.json") };
        let path = sessions.join(name);
        match store::create(&path, session) {
            Ok(()) => return Ok(path),
            Err(SaveError::Exists { .. }) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    unreachable!("the loop above returns")
}

fn ensure_parent(path: &Path) -> Result<(), CliError> {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() && !parent.exists() => {
            store::create_private_dir(parent).map_err(|source| CliError::Io { path: parent.to_path_buf(), source })
        }
        _ => Ok(()),
    }
}

/// Prints the session files of `sessions`, newest change first, as an aligned table.
pub fn list(sessions: &Path, out: &mut dyn Write) -> Result<(), CliError> {
    let entries = catalog::scan(sessions).map_err(|source| CliError::Io { path: sessions.to_path_buf(), source })?;
    let exports = catalog::exports_among(sessions).unwrap_or_default();
    if entries.is_empty() {
        writeln!(out, "{}", t!("list.none", dir = shown(&sessions)))?;
    }
    let header = [t!("list.file"), t!("list.title"), t!("list.dates"), t!("list.ideas"), t!("list.changed")]
        .map(|h| h.into_owned());
    let mut rows = Vec::new();
    let mut failed = Vec::new();
    for entry in &entries {
        match &entry.summary {
            Ok(s) => {
                let dates = match (s.first_date, s.last_date) {
                    (Some(a), Some(b)) if a != b => format!("{a} – {b}"),
                    (Some(a), _) => a.to_string(),
                    _ => String::new(),
                };
                rows.push([
                    shown(&entry.path),
                    ellipsize(&inert(&s.title), 48).into_owned(),
                    dates,
                    format!("{}/{}", s.ideas, s.target),
                    s.updated_at.format("%Y-%m-%d %H:%M").to_string(),
                ]);
            }
            Err(e) => failed.push(inert(&e.to_string()).into_owned()),
        }
    }
    if !rows.is_empty() {
        write_table(out, &header, &rows, &[false, false, false, true, false])?;
    }
    for line in &failed {
        writeln!(out, "{line}")?;
    }
    for (path, format) in &exports {
        writeln!(out, "{}", not_a_session(path, *format, Lang::current()))?;
    }
    if failed.is_empty() { Ok(()) } else { Err(CliError::SomeFailed(failed.len())) }
}

/// Writes rows as columns padded to their display width (wide characters count double).
pub fn write_table<const N: usize>(
    out: &mut dyn Write,
    header: &[String; N],
    rows: &[[String; N]],
    right_align: &[bool; N],
) -> io::Result<()> {
    let mut widths = header.clone().map(|h| h.width());
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.width());
        }
    }
    for row in std::iter::once(header).chain(rows) {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            let pad = " ".repeat(widths[i].saturating_sub(cell.width()));
            if right_align[i] {
                line.push_str(&pad);
                line.push_str(cell);
            } else {
                line.push_str(cell);
                if i + 1 < N {
                    line.push_str(&pad);
                }
            }
            if i + 1 < N {
                line.push_str("  ");
            }
        }
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(())
}

/// Prints the built-in plan with day 1 on `start` (today by default): the starting point for a custom plan.
pub fn plan_default(start: Option<NaiveDate>, out: &mut dyn Write) -> Result<(), CliError> {
    let today = clock::now_in(UtcOffset::default().fixed()).date_naive();
    let plan = Plan::builtin(start.unwrap_or(today));
    let json = serde_json::to_string_pretty(&plan).map_err(|e| CliError::Output(io::Error::other(e)))?;
    writeln!(out, "{json}")?;
    Ok(())
}

pub fn plan_check(path: &Path, out: &mut dyn Write) -> Result<(), CliError> {
    store::load_plan(path)?;
    writeln!(out, "{}", t!("validate.ok", path = shown(&path)))?;
    Ok(())
}

/// Checks each session file: prints "ok" for good ones, every problem (one line each) for the others. An
/// innolab export given by mistake (`sessions/*.json` meeting a tally) is named for what it is and skipped.
pub fn validate(paths: &[PathBuf], out: &mut dyn Write, err: &mut dyn Write) -> Result<(), CliError> {
    let lang = Lang::current();
    let mut failed = 0;
    for path in paths {
        match store::load(path) {
            Ok(_) => writeln!(out, "{}", t!("validate.ok", path = shown(&path)))?,
            Err(e) => match catalog::export_kind(path) {
                Some(format) => writeln!(out, "{}", not_a_session(path, format, lang))?,
                None => {
                    failed += 1;
                    for line in e.lines() {
                        writeln!(err, "{}", inert(&line))?;
                    }
                }
            },
        }
    }
    if failed == 0 { Ok(()) } else { Err(CliError::SomeFailed(failed)) }
}

/// "sessions/rekap.json: an innolab tally (JSON), not a session; skipped".
fn not_a_session(path: &Path, format: ExportFormat, lang: Lang) -> String {
    let shown = shown(&path);
    t!("export.not_a_session", path = shown, what = format.described(lang)).into_owned()
}

pub struct IdeaArgs {
    pub group: String,
    pub title: String,
    pub agency: Option<String>,
    pub author: Option<String>,
    pub detail: Option<String>,
    pub form: Option<Form>,
    pub digital: bool,
    pub flagship: bool,
    pub stage: Option<Stage>,
    /// The agenda block it came from (default: [`Session::default_capture_block`]).
    pub block: Option<String>,
    /// Add it even when a live idea has the same table, title and author.
    pub allow_duplicates: bool,
    /// With `flagship`: take the star from the agency's current flagship.
    pub replace_flagship: bool,
}

/// What `idea add` did: the id to print, and the notes for stderr.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdeaAdded {
    /// The new idea's id, or the existing one's when it was a duplicate.
    pub id: u64,
    /// One line each, already translated.
    pub notes: Vec<String>,
}

/// Where an idea with no `--block` goes, said in words: `block d2-curah-ide "Curah Ide" (day 2, Diagnose)`.
fn block_words(session: &Session, block_id: &str) -> String {
    let lang = crate::i18n::Lang::current();
    match session.plan.find_block(block_id) {
        Some((pos, block)) => t!(
            "ideas.cli.block",
            id = block.id,
            title = inert(&block.title),
            day = pos.day + 1,
            stage = crate::tally::stage_label(block.stage, lang)
        )
        .into_owned(),
        None => inert(block_id).into_owned(),
    }
}

/// The id of the block `--block` names (an id or a title); an unknown name lists the blocks, an ambiguous
/// title the blocks it could mean.
fn named_block(path: &Path, session: &Session, wanted: &str) -> Result<String, CliError> {
    match session.plan.find_block_named(wanted) {
        Ok((_, block)) => Ok(block.id.clone()),
        Err(ids) if ids.is_empty() => {
            let available = session.plan.blocks().map(|(_, b)| b.id.as_str()).collect::<Vec<_>>().join(", ");
            Err(CliError::UnknownBlock { path: path.to_path_buf(), block: wanted.into(), available })
        }
        Err(ids) => {
            Err(CliError::AmbiguousBlock { path: path.to_path_buf(), block: wanted.into(), ids: ids.join(", ") })
        }
    }
}

/// Appends one idea under the lock, saves atomically, and returns its id. An idea the session already has
/// (same table, title and author) is not added again: its id comes back with a note, so a retried script is
/// harmless. A flagship follows One Agency One Innovation.
pub fn idea_add(path: &Path, args: IdeaArgs) -> Result<IdeaAdded, CliError> {
    if crate::model::text::clean_line(&args.title).is_empty() {
        return Err(CliError::EmptyTitle);
    }
    let mut open = OpenSession::open(path)?;
    let session = &mut open.session;
    let Some(group) = session.resolve_group(&args.group).map(|g| g.id.clone()) else {
        let available =
            session.groups.iter().map(|g| format!("{} ({})", inert(&g.name), g.id)).collect::<Vec<_>>().join(", ");
        return Err(CliError::UnknownGroup { path: path.to_path_buf(), group: args.group, available });
    };
    let mut notes = Vec::new();
    let (block, defaulted) = match &args.block {
        Some(wanted) => (named_block(path, session, wanted)?, false),
        None => match session.default_capture_block() {
            Some((_, block)) => (block.id.clone(), true),
            None => (session.progress.block.clone(), true),
        },
    };
    let new = NewIdea {
        group,
        title: args.title,
        agency: args.agency,
        author: args.author,
        detail: args.detail,
        form: args.form,
        digital: args.digital,
        flagship: args.flagship,
        stage: args.stage,
        block: Some(block.clone()),
    };
    if !args.allow_duplicates
        && let Some(id) = session.find_duplicate(&new)
    {
        notes.push(t!("ideas.cli.duplicate", id = id).into_owned());
        return Ok(IdeaAdded { id, notes });
    }
    let now = clock::now_in(session.plan.utc_offset.fixed());
    let id = session.add_idea(new, now).map_err(|_| CliError::IdsExhausted { path: path.to_path_buf() })?;
    if args.flagship
        && let Some(idea) = session.idea(id).cloned()
    {
        match session.flagship_conflict(&idea) {
            None => {}
            Some(FlagshipConflict::NoAgency) => return Err(CliError::FlagshipNoAgency { path: path.to_path_buf() }),
            Some(FlagshipConflict::Taken { agency, holder }) => {
                if !args.replace_flagship {
                    let title = session.idea(holder).map(|old| old.title.clone()).unwrap_or_default();
                    return Err(CliError::FlagshipTaken { path: path.to_path_buf(), agency, holder, title });
                }
                if let Some(old) = session.idea_mut(holder) {
                    old.flagship = false;
                    old.updated_at = now;
                }
                notes.push(t!("ideas.cli.star_moved", agency = inert(&agency), from = holder, to = id).into_owned());
            }
        }
    }
    if defaulted {
        notes.insert(0, t!("ideas.cli.filed_under", id = id, block = block_words(session, &block)).into_owned());
    }
    open.save()?;
    Ok(IdeaAdded { id, notes })
}

/// A file whose rows were refused: one line per bad row (file and line), then what that means (`summary`).
fn refused_rows(file: &Path, errors: &[crate::import::RowError], summary: &str) -> CliError {
    let mut lines: Vec<String> = errors
        .iter()
        .map(|e| t!("roster.cli.row_error", path = shown(&file), line = e.line, message = e.message).into_owned())
        .collect();
    let problems = count_of("count.problems", errors.len() as u64, crate::i18n::Lang::current());
    lines.push(t!(summary, path = shown(&file), problems = problems).into_owned());
    CliError::Rows(lines)
}

/// Imports participants from a roster CSV under the lock: every row checked first, then all placed and saved
/// (or, with `dry_run`, only counted).
pub fn roster_import(path: &Path, file: &Path, dry_run: bool, out: &mut dyn Write) -> Result<(), CliError> {
    let bytes = store::read_input(file, store::MAX_CSV_BYTES)?;
    let mut open = OpenSession::open(path)?;
    let rows = match crate::roster_import::parse(&bytes) {
        Ok(rows) => rows,
        Err(errors) => return Err(refused_rows(file, &errors, "roster.cli.nothing_imported")),
    };
    let summary = crate::roster_import::apply(&mut open.session, rows);
    let key = if dry_run { "roster.cli.dry_run" } else { "roster.cli.done" };
    if !dry_run {
        open.session.updated_at = clock::now_in(open.session.plan.utc_offset.fixed());
        open.save()?;
    }
    let lang = crate::i18n::Lang::current();
    let line = t!(
        key,
        path = shown(&path),
        added = count_of("count.participants", summary.added as u64, lang),
        updated = summary.updated,
        tables = count_of("count.tables", summary.tables_created as u64, lang)
    );
    writeln!(out, "{line}")?;
    Ok(())
}

/// The JSON Schema (draft 2020-12) of the session file.
pub fn schema() -> serde_json::Value {
    serde_json::to_value(schemars::schema_for!(Session)).unwrap_or_default()
}

/// `innolab tally`: every loadable session aggregated; a file that fails is named in the output and in the
/// errors (exit 1) while the rest are still counted. A file named twice is counted once and named on stderr.
pub fn tally(paths: &[PathBuf], format: TallyFormat, out: &mut dyn Write, err: &mut dyn Write) -> Result<(), CliError> {
    let gathered = catalog::gather(paths).map_err(|(path, source)| CliError::Io { path, source })?;
    if !gathered.skipped.is_empty() {
        let count = gathered.skipped.len();
        writeln!(err, "innolab: {}", t!(&plural_key("tally.cli.duplicates", count as u64), count = count))?;
    }
    let tally = catalog::tally_files(&gathered);
    let failed = tally.left_out.len();
    let lang = crate::i18n::Lang::current();
    match format {
        TallyFormat::Text => write!(out, "{}", crate::tally::to_text(&tally, lang))?,
        TallyFormat::Json => {
            // Pretty JSON is written in many small pieces: buffer them (stdout is line-buffered).
            let mut buffered = io::BufWriter::with_capacity(1 << 16, &mut *out);
            // io::Error::from keeps the kind of an I/O failure, so a closed pipe stays a closed pipe.
            serde_json::to_writer_pretty(&mut buffered, &tally).map_err(|e| CliError::Output(io::Error::from(e)))?;
            writeln!(buffered)?;
            buffered.flush()?;
        }
        TallyFormat::Csv => write!(out, "{}", crate::tally::to_csv(&tally, lang))?,
        TallyFormat::Md => write!(out, "{}", crate::tally::to_markdown(&tally, lang))?,
    }
    if failed == 0 { Ok(()) } else { Err(CliError::SomeFailed(failed)) }
}

/// `innolab check`: the readiness check of each session (files and folders, each file once): what is still
/// open before the awards and the report. Fails (exit 1) while anything is open or a file does not load.
pub fn check(paths: &[PathBuf], out: &mut dyn Write) -> Result<(), CliError> {
    let gathered = catalog::gather(paths).map_err(|(path, source)| CliError::Io { path, source })?;
    let lang = crate::i18n::Lang::current();
    let (mut open, mut failed) = (0, 0);
    for file in &gathered.files {
        let shown = shown(&file.path);
        let session = match store::load(&file.path) {
            Ok(session) => session,
            Err(e) => {
                failed += 1;
                for line in e.lines() {
                    writeln!(out, "{}", inert(&line))?;
                }
                continue;
            }
        };
        let findings = crate::tally::readiness::check(&session);
        open += findings.len();
        writeln!(out, "{shown}: {}", crate::tally::readiness::headline(findings.len(), lang))?;
        for finding in &findings {
            writeln!(out, "- {}", inert(&finding.sentence(lang)))?;
        }
    }
    if open == 0 && failed == 0 { Ok(()) } else { Err(CliError::NotReady { open, failed }) }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TallyFormat {
    /// Aligned tables for the terminal
    Text,
    Json,
    /// One long table a spreadsheet can pivot
    Csv,
    /// Markdown tables for a report
    Md,
}

/// `innolab export`: writes one report file (atomically, owner-only) in `lang` and returns where: `output`,
/// or the exports folder beside the session.
pub fn export(
    path: &Path,
    format: ExportFormat,
    output: Option<&Path>,
    excel: bool,
    lang: Lang,
) -> Result<PathBuf, CliError> {
    let session = store::load(path)?;
    let target = output.map_or_else(|| crate::export::default_file_name(path, format), Path::to_path_buf);
    write_report(&session, path, format, &target, excel, lang)?;
    Ok(target)
}

/// Writes one export of `session` to `target`. It never writes over the session itself, another session, a
/// file innolab holds open, or anything that is not an earlier innolab export of the same kind (see
/// [`export_target`]); a new file is published without clobbering what may appear meanwhile.
pub fn write_report(
    session: &Session,
    session_path: &Path,
    format: ExportFormat,
    target: &Path,
    excel: bool,
    lang: Lang,
) -> Result<(), CliError> {
    let publish = export_target(session_path, target, format, lang)?;
    let bytes = crate::export::write_export(session, &catalog::file_name(session_path), format, lang, excel)
        .map_err(|e| CliError::Export { path: target.to_path_buf(), message: e.to_string() })?;
    ensure_private_parent(target)?;
    store::remove_dead_temps(target);
    store::write_atomic(&store::RealDisk, target, &bytes, publish)?;
    Ok(())
}

/// How an export may be written at `target`: as a new file, or over an earlier export of the same kind.
/// Anything else there is refused with one line saying what it is.
fn export_target(
    session_path: &Path,
    target: &Path,
    format: ExportFormat,
    lang: Lang,
) -> Result<store::Publish, CliError> {
    let l = lang.code();
    let shown = shown(&target);
    let refuse = |line: std::borrow::Cow<'_, str>| Err(CliError::ExportRefused(line.into_owned()));
    let meta = match std::fs::metadata(target) {
        Ok(meta) => meta,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(store::Publish::NoClobber),
        Err(source) => return Err(CliError::Io { path: target.to_path_buf(), source }),
    };
    if meta.is_dir() {
        return refuse(t!("export.refuse.folder", path = shown, locale = l));
    }
    if same_file(&meta, session_path) {
        return refuse(t!("export.refuse.same", path = shown, locale = l));
    }
    if let Some(holder) = store::lock_holder(target) {
        let pid = holder.map(|p| p.to_string()).unwrap_or_else(|| "?".into());
        return refuse(t!("export.refuse.locked", path = shown, pid = pid, locale = l));
    }
    let found =
        crate::export::identify(target).map_err(|source| CliError::Io { path: target.to_path_buf(), source })?;
    let wanted = format.described(lang);
    match found {
        Identified::Export(kind) if kind == format => Ok(store::Publish::Replace),
        Identified::Session => refuse(t!("export.refuse.session", path = shown, locale = l)),
        Identified::Export(kind) => refuse(t!(
            "export.refuse.other_export",
            path = shown,
            found = kind.described(lang),
            wanted = wanted,
            locale = l
        )),
        Identified::Unknown => refuse(t!("export.refuse.unknown", path = shown, wanted = wanted, locale = l)),
    }
}

/// Whether `meta` (of a file) and `other` are the same file on disk, however each is named.
fn same_file(meta: &std::fs::Metadata, other: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        std::fs::metadata(other).is_ok_and(|o| o.dev() == meta.dev() && o.ino() == meta.ino())
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        false
    }
}

/// Creates the folder an export goes to when it is missing, readable by its owner only: reports hold
/// participants' names, as sessions do.
fn ensure_private_parent(path: &Path) -> Result<(), CliError> {
    let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty() && !p.exists()) else { return Ok(()) };
    store::create_private_dir(parent).map_err(|source| CliError::Io { path: parent.to_path_buf(), source })
}

/// How `innolab import` files and filters the rows.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    pub dry_run: bool,
    /// The block of every row without its own (`block` column); default `Session::default_capture_block`.
    pub block: Option<String>,
    /// The stage of every row without its own (`stage` column); default the block's stage.
    pub stage: Option<Stage>,
    /// Keep rows that repeat a live idea (same table, title and author) or an earlier row.
    pub allow_duplicates: bool,
}

/// What a repeated row repeats.
enum Seen {
    /// An idea of the session, by its position in `ideas` (found without a search).
    Idea(usize),
    Row(usize),
}

/// `innolab import`: ideas from a CSV, all or none, under the lock; with `dry_run` only shown. A row that
/// repeats an idea of the session or an earlier row is skipped and named on `err`, so importing the same
/// sheet twice adds nothing the second time.
pub fn import_ideas(
    path: &Path,
    file: &Path,
    options: &ImportOptions,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<(), CliError> {
    let bytes = store::read_input(file, store::MAX_CSV_BYTES)?;
    let mut open = OpenSession::open(path)?;
    let lang = crate::i18n::Lang::current();
    let session = &open.session;
    let flag_block = options.block.as_deref().map(|wanted| named_block(path, session, wanted)).transpose()?;
    let rows = match crate::import::parse_ideas_csv(&bytes, session) {
        Ok(rows) => rows,
        Err(errors) => return Err(refused_rows(file, &errors, "import.cli.nothing_imported")),
    };
    let default_block = flag_block.clone().or_else(|| session.default_capture_block().map(|(_, b)| b.id.clone()));
    let mut defaulted = false;
    let mut seen: HashMap<DuplicateKey, Seen> = session
        .ideas
        .iter()
        .enumerate()
        .filter(|(_, idea)| idea.is_live())
        .map(|(at, idea)| (DuplicateKey::of_idea(idea), Seen::Idea(at)))
        .collect();
    let (mut kept, mut skipped) = (Vec::new(), Vec::new());
    for mut row in rows {
        let by_default = row.idea.block.is_none() && flag_block.is_none();
        if row.idea.block.is_none() {
            row.idea.block = default_block.clone();
        }
        if row.idea.stage.is_none() {
            row.idea.stage = options.stage;
        }
        let key = DuplicateKey::of(&row.idea.group, &row.idea.title, row.idea.author.as_deref());
        match seen.get(&key) {
            Some(first) if !options.allow_duplicates => {
                let shown = shown(&file);
                skipped.push(match first {
                    Seen::Idea(at) => {
                        let idea = &session.ideas[*at];
                        let id = idea.id;
                        let table = session.group(&idea.group).map_or(idea.group.as_str(), |g| &g.name);
                        let title = idea.title.as_str();
                        t!(
                            "import.skipped_idea",
                            path = shown,
                            line = row.line,
                            id = id,
                            table = inert(table),
                            title = inert(title)
                        )
                    }
                    Seen::Row(line) => t!("import.skipped_row", path = shown, line = row.line, other = line),
                });
            }
            _ => {
                seen.entry(key).or_insert(Seen::Row(row.line));
                defaulted |= by_default;
                kept.push(row);
            }
        }
    }
    for line in &skipped {
        writeln!(err, "innolab: {line}")?;
    }
    if defaulted && let Some(block) = &default_block {
        writeln!(err, "innolab: {}", t!("import.cli.filed_under", block = block_words(session, block)))?;
    }
    let ideas = count_of("count.ideas", kept.len() as u64, lang);
    let duplicates = match skipped.len() {
        0 => String::new(),
        n => format!("; {}", t!(&plural_key("import.cli.skipped", n as u64), count = n)),
    };
    if options.dry_run {
        write!(out, "{}", crate::import::describe(&kept, session, lang))?;
        writeln!(out, "{}{duplicates}", t!("import.cli.dry_run", path = shown(&path), ideas = ideas))?;
        return Ok(());
    }
    let now = clock::now_in(open.session.plan.utc_offset.fixed());
    let news = kept.into_iter().map(|imported| imported.idea).collect();
    let ids = open.session.add_ideas(news, now).map_err(|_| CliError::IdsExhausted { path: path.to_path_buf() })?;
    if !ids.is_empty() {
        open.save()?;
    }
    let range = match (ids.first(), ids.last()) {
        (Some(a), Some(b)) if a != b => format!(" (#{a}–#{b})"),
        (Some(a), _) => format!(" (#{a})"),
        _ => String::new(),
    };
    writeln!(out, "{}{duplicates}", t!("import.cli.done", path = shown(&path), ideas = ideas, ids = range))?;
    Ok(())
}

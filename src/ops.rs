//! The use cases the command line and the TUI share: create a session, add and import ideas, import a
//! roster, write a report to disk. Each takes plain arguments and returns a typed error ([`OpsError`]),
//! worded in the reader's language only when shown.

use std::collections::HashMap;
use std::io;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use rust_i18n::t;

use crate::catalog;
use crate::clock;
use crate::export::certificates::Awardee;
use crate::export::{ExportFormat, Identified};
use crate::i18n::{Lang, count_of, plural_key};
use crate::model::text::{inert, shown, slug};
use crate::model::{DuplicateKey, FlagshipConflict, NewIdea, Plan, Session, Signatory, Stage, UtcOffset};
use crate::store::{self, LoadError, OpenError, OpenSession, SaveError};
use crate::tally::readiness::Finding;

#[derive(Debug)]
pub enum OpsError {
    Load(LoadError),
    Save(SaveError),
    Open(OpenError),
    UnknownGroup {
        path: PathBuf,
        group: String,
        available: String,
    },
    UnknownBlock {
        path: PathBuf,
        block: String,
        available: String,
    },
    AmbiguousBlock {
        path: PathBuf,
        block: String,
        ids: String,
    },
    EmptyTitle,
    Io {
        path: PathBuf,
        source: io::Error,
    },
    Output(io::Error),
    Export {
        path: PathBuf,
        message: String,
    },
    /// An export would have written over something that is not an earlier export of its kind.
    ExportRefused {
        path: PathBuf,
        why: Refusal,
    },
    /// A file's rows were refused (each row's problem worded as the file was read).
    Rows {
        file: PathBuf,
        errors: Vec<crate::import::RowError>,
        of: RowsOf,
    },
    /// Some files failed; each was already reported on its own line.
    SomeFailed(usize),
    FlagshipNoAgency {
        path: PathBuf,
    },
    FlagshipTaken {
        path: PathBuf,
        agency: String,
        holder: u64,
        title: String,
    },
    /// The session has used every idea id; nothing was added.
    IdsExhausted {
        path: PathBuf,
    },
    /// The readiness check found open items (each already printed); `failed` files could not be loaded.
    NotReady {
        open: usize,
        failed: usize,
    },
    /// Files meant for a report that did not load (each names itself); nothing was written.
    NotLoaded(Vec<LoadError>),
    /// The paths given for a report hold no session.
    NoSessions {
        paths: String,
    },
    /// `certificates --strict` while the awards' readiness check has `open` items (each already printed).
    StrictCertificates {
        open: usize,
    },
    /// Nobody is credited with an idea: there is no certificate to write.
    NoAwardees {
        path: PathBuf,
    },
}

impl OpsError {
    /// The one line that says what went wrong, in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        let l = lang.code();
        match self {
            OpsError::Load(v0) => v0.message(lang),
            OpsError::Save(v0) => v0.message(lang),
            OpsError::Open(v0) => v0.message(lang),
            OpsError::UnknownGroup { path, group, available } => {
                t!("cli.unknown_group", path = shown(path), group = inert(group), available = available, locale = l)
                    .into_owned()
            }
            OpsError::UnknownBlock { path, block, available } => {
                t!("cli.unknown_block", path = shown(path), block = inert(block), available = available, locale = l)
                    .into_owned()
            }
            OpsError::AmbiguousBlock { path, block, ids } => {
                t!("ideas.cli.ambiguous_block", path = shown(path), block = inert(block), ids = ids, locale = l)
                    .into_owned()
            }
            OpsError::EmptyTitle => t!("cli.empty_title", locale = l).into_owned(),
            OpsError::Io { path, source } => t!("cli.io", path = shown(path), error = source, locale = l).into_owned(),
            OpsError::Output(v0) => t!("cli.output", error = v0, locale = l).into_owned(),
            OpsError::Export { path, message } => {
                t!("cli.export", path = shown(path), error = message, locale = l).into_owned()
            }
            OpsError::ExportRefused { path, why } => why.message(path, lang),
            OpsError::Rows { file, errors, of } => refused_rows_lines(file, errors, *of, lang).join("; "),
            OpsError::SomeFailed(v0) => {
                t!(&plural_key("cli.some_failed", *v0 as u64), count = v0, locale = l).into_owned()
            }
            OpsError::FlagshipNoAgency { path } => {
                t!("ideas.cli.no_agency", path = shown(path), locale = l).into_owned()
            }
            OpsError::FlagshipTaken { path, agency, holder, title } => t!(
                "ideas.cli.flagship_taken",
                path = shown(path),
                agency = inert(agency),
                id = holder,
                title = inert(title),
                locale = l
            )
            .into_owned(),
            OpsError::IdsExhausted { path } => format!("{}: {}", shown(path), crate::model::IdsExhausted.message(lang)),
            OpsError::NotReady { open, failed } => not_ready_line(*open, *failed, lang),
            OpsError::NotLoaded(errors) => errors.iter().map(|e| e.message(lang)).collect::<Vec<_>>().join("; "),
            OpsError::NoSessions { paths } => t!("report_html.cli.no_sessions", paths = paths, locale = l).into_owned(),
            OpsError::StrictCertificates { open } => {
                t!(&plural_key("certificates.cli.strict", *open as u64), count = open, locale = l).into_owned()
            }
            OpsError::NoAwardees { path } => {
                t!("certificates.cli.no_awardees", path = shown(path), locale = l).into_owned()
            }
        }
    }
}

impl std::fmt::Display for OpsError {
    /// In English; what a user reads is [`OpsError::message`] in their language.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

impl std::error::Error for OpsError {}

fn not_ready_line(open: usize, failed: usize, lang: Lang) -> String {
    let failed_line = t!(&plural_key("cli.some_failed", failed as u64), count = failed, locale = lang.code());
    let open_line = t!(&plural_key("check.cli.open", open as u64), count = open, locale = lang.code());
    match (open, failed) {
        (_, 0) => open_line.into_owned(),
        (0, _) => failed_line.into_owned(),
        _ => format!("{open_line}; {failed_line}"),
    }
}

impl OpsError {
    /// The reader of the output went away (`innolab tally … | head`): nothing is wrong, nothing to say.
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, OpsError::Output(e) if e.kind() == io::ErrorKind::BrokenPipe)
    }

    /// The lines to print on stderr: one per problem.
    pub fn lines(&self, lang: Lang) -> Vec<String> {
        match self {
            OpsError::Load(e) | OpsError::Open(OpenError::Load(e)) => e.lines(lang),
            OpsError::Rows { file, errors, of } => refused_rows_lines(file, errors, *of, lang),
            OpsError::NotLoaded(errors) => errors.iter().flat_map(|e| e.lines(lang)).collect(),
            other => vec![other.message(lang)],
        }
    }
}

impl From<LoadError> for OpsError {
    fn from(e: LoadError) -> Self {
        OpsError::Load(e)
    }
}

impl From<SaveError> for OpsError {
    fn from(e: SaveError) -> Self {
        OpsError::Save(e)
    }
}

impl From<OpenError> for OpsError {
    fn from(e: OpenError) -> Self {
        OpsError::Open(e)
    }
}

impl From<io::Error> for OpsError {
    fn from(e: io::Error) -> Self {
        OpsError::Output(e)
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

#[derive(Default)]
pub struct NewOptions {
    pub plan: Option<PathBuf>,
    pub title: Option<String>,
    pub start_date: Option<NaiveDate>,
    pub output: Option<PathBuf>,
    /// Who signs the certificates: replaces the plan file's (see [`SignatoryChange`]).
    pub signatory: SignatoryChange,
}

/// Builds the plan for a new session: the built-in lab with day 1 today (or `start_date`), or a plan file
/// with its own dates (moved when `start_date` is given), with an optional new title.
pub fn plan_for_new(options: &NewOptions) -> Result<Plan, OpsError> {
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
            return Err(OpsError::EmptyTitle);
        }
        plan.title = title;
    }
    options.signatory.apply(&mut plan.signatory);
    Ok(plan)
}

/// A change to who signs the certificates, as typed on the command line: each field given replaces the plan's
/// (cleaned like any typed text; empty clears it), each left out keeps it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SignatoryChange {
    pub name: Option<String>,
    pub position: Option<String>,
}

impl SignatoryChange {
    pub fn is_empty(&self) -> bool {
        self.name.is_none() && self.position.is_none()
    }

    pub fn apply(&self, signatory: &mut Signatory) {
        let clean = |text: &String| Some(crate::model::text::clean_line(text)).filter(|t| !t.is_empty());
        if let Some(name) = &self.name {
            signatory.name = clean(name);
        }
        if let Some(position) = &self.position {
            signatory.position = clean(position);
        }
    }
}

/// `innolab set`: stores who signs the certificates in the session, under the lock, saved atomically; returns
/// the signatory as now stored.
pub fn set_signatory(path: &Path, change: &SignatoryChange) -> Result<Signatory, OpsError> {
    let mut open = OpenSession::open(path)?;
    let before = open.session.plan.signatory.clone();
    change.apply(&mut open.session.plan.signatory);
    if open.session.plan.signatory != before {
        open.session.updated_at = clock::now_in(open.session.plan.utc_offset.fixed());
        open.save()?;
    }
    Ok(open.session.plan.signatory.clone())
}

/// Creates a new session file and returns its path. Never overwrites: an explicit `-o` that exists is an
/// error, and the default name gets "-2", "-3" … when taken.
pub fn new_session(sessions: &Path, options: &NewOptions) -> Result<PathBuf, OpsError> {
    let plan = plan_for_new(options)?;
    let now = clock::now_in(plan.utc_offset.fixed());
    let session = Session::new(plan, now);
    create_session_file(sessions, options.output.as_deref(), &session)
}

pub fn create_session_file(sessions: &Path, output: Option<&Path>, session: &Session) -> Result<PathBuf, OpsError> {
    if let Some(path) = output {
        ensure_parent(path)?;
        store::create(path, session)?;
        return Ok(path.to_path_buf());
    }
    store::create_private_dir(sessions).map_err(|source| OpsError::Io { path: sessions.to_path_buf(), source })?;
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

fn ensure_parent(path: &Path) -> Result<(), OpsError> {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() && !parent.exists() => {
            store::create_private_dir(parent).map_err(|source| OpsError::Io { path: parent.to_path_buf(), source })
        }
        _ => Ok(()),
    }
}

/// What `idea add` is given.
pub struct IdeaArgs {
    /// The idea as typed: `group` names a table (id, name or number) and `block` an agenda block (id or
    /// title; none: [`Session::default_capture_block`]); both are resolved against the session.
    pub idea: NewIdea,
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
    pub notes: Vec<IdeaNote>,
}

/// A note `idea add` (or `import`) leaves for the organiser, worded when shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdeaNote {
    /// No `--block` was given: the idea went to the block the capture bar would use.
    FiledUnder { id: u64, block: BlockRef },
    /// The session already has this idea (same table, title and author): nothing was added.
    Duplicate { id: u64 },
    /// `--replace-flagship`: the agency's star moved from one idea to the new one.
    StarMoved { agency: String, from: u64, to: u64 },
}

impl IdeaNote {
    pub fn message(&self, lang: Lang) -> String {
        let l = lang.code();
        match self {
            IdeaNote::FiledUnder { id, block } => {
                t!("ideas.cli.filed_under", id = id, block = block.words(lang), locale = l).into_owned()
            }
            IdeaNote::Duplicate { id } => t!("ideas.cli.duplicate", id = id, locale = l).into_owned(),
            IdeaNote::StarMoved { agency, from, to } => {
                t!("ideas.cli.star_moved", agency = inert(agency), from = from, to = to, locale = l).into_owned()
            }
        }
    }
}

/// An agenda block as a note names it: its id, title, day and stage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockRef {
    pub id: String,
    /// The block's title, day (1-based) and stage, when the plan has it.
    pub found: Option<(String, usize, Stage)>,
}

impl BlockRef {
    fn of(session: &Session, block_id: &str) -> BlockRef {
        let found = session.plan.find_block(block_id).map(|(pos, b)| (b.title.clone(), pos.day + 1, b.stage));
        BlockRef { id: block_id.to_string(), found }
    }

    /// `block d2-curah-ide "Curah Ide" (day 2, Diagnose)`.
    pub fn words(&self, lang: Lang) -> String {
        match &self.found {
            Some((title, day, stage)) => t!(
                "ideas.cli.block",
                id = self.id,
                title = inert(title),
                day = day,
                stage = crate::i18n::stage_label(*stage, lang),
                locale = lang.code()
            )
            .into_owned(),
            None => inert(&self.id).into_owned(),
        }
    }
}

/// The id of the block `--block` names (an id or a title); an unknown name lists the blocks, an ambiguous
/// title the blocks it could mean.
fn named_block(path: &Path, session: &Session, wanted: &str) -> Result<String, OpsError> {
    match session.plan.find_block_named(wanted) {
        Ok((_, block)) => Ok(block.id.clone()),
        Err(ids) if ids.is_empty() => {
            let available = session.plan.blocks().map(|(_, b)| b.id.as_str()).collect::<Vec<_>>().join(", ");
            Err(OpsError::UnknownBlock { path: path.to_path_buf(), block: wanted.into(), available })
        }
        Err(ids) => {
            Err(OpsError::AmbiguousBlock { path: path.to_path_buf(), block: wanted.into(), ids: ids.join(", ") })
        }
    }
}

/// Appends one idea under the lock, saves atomically, and returns its id. An idea the session already has
/// (same table, title and author) is not added again: its id comes back with a note, so a retried script is
/// harmless. A flagship follows One Agency One Innovation.
pub fn idea_add(path: &Path, args: IdeaArgs) -> Result<IdeaAdded, OpsError> {
    if crate::model::text::clean_line(&args.idea.title).is_empty() {
        return Err(OpsError::EmptyTitle);
    }
    let mut open = OpenSession::open(path)?;
    let session = &mut open.session;
    let Some(group) = session.resolve_group(&args.idea.group).map(|g| g.id.clone()) else {
        let available =
            session.groups.iter().map(|g| format!("{} ({})", inert(&g.name), g.id)).collect::<Vec<_>>().join(", ");
        return Err(OpsError::UnknownGroup { path: path.to_path_buf(), group: args.idea.group.clone(), available });
    };
    let mut notes = Vec::new();
    let (block, defaulted) = match &args.idea.block {
        Some(wanted) => (named_block(path, session, wanted)?, false),
        None => match session.default_capture_block() {
            Some((_, block)) => (block.id.clone(), true),
            None => (session.progress.block.clone(), true),
        },
    };
    let new_flagship = args.idea.flagship;
    let new = NewIdea { group, block: Some(block.clone()), ..args.idea };
    if !args.allow_duplicates
        && let Some(id) = session.find_duplicate(&new)
    {
        notes.push(IdeaNote::Duplicate { id });
        return Ok(IdeaAdded { id, notes });
    }
    let now = clock::now_in(session.plan.utc_offset.fixed());
    let id = session.add_idea(new, now).map_err(|_| OpsError::IdsExhausted { path: path.to_path_buf() })?;
    if new_flagship && let Some(idea) = session.idea(id).cloned() {
        match session.flagship_conflict(&idea) {
            None => {}
            Some(FlagshipConflict::NoAgency) => return Err(OpsError::FlagshipNoAgency { path: path.to_path_buf() }),
            Some(FlagshipConflict::Taken { agency, holder }) => {
                if !args.replace_flagship {
                    let title = session.idea(holder).map(|old| old.title.clone()).unwrap_or_default();
                    return Err(OpsError::FlagshipTaken { path: path.to_path_buf(), agency, holder, title });
                }
                if let Some(old) = session.idea_mut(holder) {
                    old.flagship = false;
                    old.updated_at = now;
                }
                notes.push(IdeaNote::StarMoved { agency, from: holder, to: id });
            }
        }
    }
    if defaulted {
        notes.insert(0, IdeaNote::FiledUnder { id, block: BlockRef::of(session, &block) });
    }
    open.save()?;
    Ok(IdeaAdded { id, notes })
}

/// Which importer refused a file's rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowsOf {
    Ideas,
    Roster,
}

/// One line per bad row (file and line), then what that means: nothing was imported.
fn refused_rows_lines(file: &Path, errors: &[crate::import::RowError], of: RowsOf, lang: Lang) -> Vec<String> {
    let l = lang.code();
    let mut lines: Vec<String> = errors
        .iter()
        .map(|e| {
            t!("roster.cli.row_error", path = shown(&file), line = e.line, message = e.message, locale = l).into_owned()
        })
        .collect();
    let problems = count_of("count.problems", errors.len() as u64, lang);
    let summary = match of {
        RowsOf::Ideas => "import.cli.nothing_imported",
        RowsOf::Roster => "roster.cli.nothing_imported",
    };
    lines.push(t!(summary, path = shown(&file), problems = problems, locale = l).into_owned());
    lines
}

/// What `roster import` did (or, with `dry_run`, would do).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RosterImported {
    pub summary: crate::import::roster::RosterSummary,
    pub dry_run: bool,
}

/// Imports participants from a roster CSV under the lock: every row checked first, then all placed and saved
/// (or, with `dry_run`, only counted).
/// Row problems are worded in `lang` as the file is read.
pub fn roster_import(path: &Path, file: &Path, dry_run: bool, lang: Lang) -> Result<RosterImported, OpsError> {
    let bytes = store::read_input(file, store::MAX_CSV_BYTES)?;
    let mut open = OpenSession::open(path)?;
    let rows = match crate::import::roster::parse(&bytes, lang) {
        Ok(rows) => rows,
        Err(errors) => return Err(OpsError::Rows { file: file.to_path_buf(), errors, of: RowsOf::Roster }),
    };
    let summary = crate::import::roster::apply(&mut open.session, rows);
    if !dry_run {
        open.session.updated_at = clock::now_in(open.session.plan.utc_offset.fixed());
        open.save()?;
    }
    Ok(RosterImported { summary, dry_run })
}

/// `innolab export`: writes one report file (atomically, owner-only) in `lang` and returns where: `output`,
/// or the exports folder beside the session.
pub fn export(
    path: &Path,
    format: ExportFormat,
    output: Option<&Path>,
    excel: bool,
    lang: Lang,
) -> Result<PathBuf, OpsError> {
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
) -> Result<(), OpsError> {
    publish_export(session_path, target, format, || {
        crate::export::write_export(session, &catalog::file_name(session_path), format, lang, excel)
    })
}

/// Writes the bytes `render` makes to `target`, once [`export_target`] allows it: atomically, owner-only, in
/// a private folder made when missing.
fn publish_export(
    session_path: &Path,
    target: &Path,
    format: ExportFormat,
    render: impl FnOnce() -> Result<Vec<u8>, crate::export::ExportError>,
) -> Result<(), OpsError> {
    let publish = export_target(session_path, target, format)?;
    let bytes = render().map_err(|e| OpsError::Export { path: target.to_path_buf(), message: e.to_string() })?;
    ensure_private_parent(target)?;
    store::remove_dead_temps(target);
    store::write_atomic(&store::RealDisk, target, &bytes, publish)?;
    Ok(())
}

/// What `innolab report` wrote, and the files it was given but did not report on.
#[derive(Debug, Clone)]
pub struct ReportWritten {
    pub path: PathBuf,
    /// How many sessions it reports on.
    pub sessions: usize,
    /// Files named twice (reported once).
    pub duplicates: Vec<crate::tally::SkippedFile>,
    /// innolab exports met among the sessions (a tally saved in the sessions folder), left out.
    pub exports: Vec<(PathBuf, ExportFormat)>,
}

/// The report's file without `-o`: for one session `<stem>-report.html` in the exports folder beside it
/// (where `export` writes), for several `report.html` in the current folder.
pub fn default_report_path(sessions: &[&Path]) -> PathBuf {
    match sessions {
        [one] => {
            let stem = one.file_stem().map(|s| s.to_string_lossy().into_owned()).filter(|s| !s.is_empty());
            let name = format!("{}-report.html", stem.as_deref().unwrap_or("session"));
            match crate::export::default_file_name(one, ExportFormat::Html).parent() {
                Some(dir) => dir.join(name),
                None => PathBuf::from(name),
            }
        }
        _ => PathBuf::from("report.html"),
    }
}

/// `innolab report`: the HTML report of the sessions in `paths` (files and folders, each file once), in
/// `lang`, written atomically to `output` or [`default_report_path`]. Every session must load: a file that
/// does not is an error naming it, and nothing is written. The target is checked as an export's is (never
/// over a session, or anything but an earlier HTML report).
pub fn report(paths: &[PathBuf], output: Option<&Path>, lang: Lang) -> Result<ReportWritten, OpsError> {
    let gathered = catalog::gather(paths).map_err(|(path, source)| OpsError::Io { path, source })?;
    let (mut loaded, mut failed, mut exports) = (Vec::new(), Vec::new(), Vec::new());
    for file in &gathered.files {
        match store::load(&file.path) {
            Ok(session) => loaded.push((file, session)),
            Err(e) => match catalog::export_kind(&file.path) {
                Some(format) => exports.push((file.path.clone(), format)),
                None => failed.push(e),
            },
        }
    }
    if !failed.is_empty() {
        return Err(OpsError::NotLoaded(failed));
    }
    if loaded.is_empty() {
        let shown: Vec<String> = paths.iter().map(shown).collect();
        return Err(OpsError::NoSessions { paths: shown.join(", ") });
    }
    let session_paths: Vec<&Path> = loaded.iter().map(|(file, _)| file.path.as_path()).collect();
    let target = output.map_or_else(|| default_report_path(&session_paths), Path::to_path_buf);
    let publish = export_target(session_paths[0], &target, ExportFormat::Html)?;
    let sessions: Vec<crate::export::html::ReportSession<'_>> =
        loaded.iter().map(|(file, session)| crate::export::html::ReportSession { name: &file.name, session }).collect();
    let bytes = crate::export::html::report(&sessions, lang).into_bytes();
    ensure_private_parent(&target)?;
    store::remove_dead_temps(&target);
    store::write_atomic(&store::RealDisk, &target, &bytes, publish)?;
    Ok(ReportWritten { path: target, sessions: loaded.len(), duplicates: gathered.skipped, exports })
}

/// A session read for its certificates: who gets one, and what the awards' readiness check finds open.
pub struct Certificates {
    pub session: Session,
    /// Everyone credited with an idea, in the awards list's order, with their ideas.
    pub awardees: Vec<Awardee>,
    /// The readiness items about the awardees (ideas without an author, authors not on the roster or
    /// absent), in the check's order.
    pub open: Vec<Finding>,
}

/// Reads `path` for `innolab certificates`: the signatory `change` applies to this run only (the file is not
/// written); the awards list and the readiness check come from one tally of the session.
pub fn certificates_for(path: &Path, change: &SignatoryChange) -> Result<Certificates, OpsError> {
    let mut session = store::load(path)?;
    change.apply(&mut session.plan.signatory);
    let tally = crate::tally::Tally::of(&[crate::tally::SessionRef::new(catalog::file_name(path), &session)]);
    let awardees = crate::export::certificates::awardees(&tally, &session);
    let open = tally.readiness.into_iter().map(|item| item.finding).filter(Finding::concerns_awardees).collect();
    Ok(Certificates { session, awardees, open })
}

/// Where the certificates of the session at `path` go: `certificates-<session>.pdf` in `folder`, else in the
/// exports folder beside the session.
pub fn certificates_file(path: &Path, folder: Option<&Path>) -> PathBuf {
    let target = crate::export::default_file_name(path, ExportFormat::Certificates);
    match (folder, target.file_name()) {
        (Some(folder), Some(name)) => folder.join(name),
        _ => target,
    }
}

/// Writes the certificates (one PDF, a page per awardee) in `lang` to [`certificates_file`], as every export
/// is written; nobody credited is [`OpsError::NoAwardees`] and writes nothing.
pub fn write_certificates(
    path: &Path,
    certificates: &Certificates,
    folder: Option<&Path>,
    lang: Lang,
) -> Result<PathBuf, OpsError> {
    publish_certificates(path, &certificates.session, &certificates.awardees, folder, lang)
}

fn publish_certificates(
    path: &Path,
    session: &Session,
    awardees: &[Awardee],
    folder: Option<&Path>,
    lang: Lang,
) -> Result<PathBuf, OpsError> {
    if awardees.is_empty() {
        return Err(OpsError::NoAwardees { path: path.to_path_buf() });
    }
    let target = certificates_file(path, folder);
    publish_export(path, &target, ExportFormat::Certificates, || {
        crate::export::certificates::pdf(&session.plan, session.created_at.date_naive(), awardees, lang)
    })?;
    Ok(target)
}

/// Why an export was not written over what is at its target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    Folder,
    /// The session itself.
    Same,
    /// A file another innolab holds open (its process id when known).
    Locked(Option<u32>),
    /// Another session.
    Session,
    /// An export of another kind.
    OtherExport {
        found: ExportFormat,
        wanted: ExportFormat,
    },
    /// Something innolab did not write.
    Unknown {
        wanted: ExportFormat,
    },
}

impl Refusal {
    /// One line naming the file and what it is, in `lang`.
    pub fn message(&self, path: &Path, lang: Lang) -> String {
        let (shown, l) = (shown(&path), lang.code());
        match self {
            Refusal::Folder => t!("export.refuse.folder", path = shown, locale = l),
            Refusal::Same => t!("export.refuse.same", path = shown, locale = l),
            Refusal::Locked(holder) => {
                let pid = holder.map(|p| p.to_string()).unwrap_or_else(|| "?".into());
                t!("export.refuse.locked", path = shown, pid = pid, locale = l)
            }
            Refusal::Session => t!("export.refuse.session", path = shown, locale = l),
            Refusal::OtherExport { found, wanted } => t!(
                "export.refuse.other_export",
                path = shown,
                found = found.described(lang),
                wanted = wanted.described(lang),
                locale = l
            ),
            Refusal::Unknown { wanted } => {
                t!("export.refuse.unknown", path = shown, wanted = wanted.described(lang), locale = l)
            }
        }
        .into_owned()
    }
}

/// How an export may be written at `target`: as a new file, or over an earlier export of the same kind.
/// Anything else there is refused, saying what it is.
fn export_target(session_path: &Path, target: &Path, format: ExportFormat) -> Result<store::Publish, OpsError> {
    let refuse = |why| Err(OpsError::ExportRefused { path: target.to_path_buf(), why });
    let meta = match std::fs::metadata(target) {
        Ok(meta) => meta,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(store::Publish::NoClobber),
        Err(source) => return Err(OpsError::Io { path: target.to_path_buf(), source }),
    };
    if meta.is_dir() {
        return refuse(Refusal::Folder);
    }
    if same_file(&meta, session_path) {
        return refuse(Refusal::Same);
    }
    if let Some(holder) = store::lock_holder(target) {
        return refuse(Refusal::Locked(holder));
    }
    let found =
        crate::export::identify(target).map_err(|source| OpsError::Io { path: target.to_path_buf(), source })?;
    match found {
        Identified::Export(kind) if kind == format => Ok(store::Publish::Replace),
        Identified::Session => refuse(Refusal::Session),
        Identified::Export(found) => refuse(Refusal::OtherExport { found, wanted: format }),
        Identified::Unknown => refuse(Refusal::Unknown { wanted: format }),
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
fn ensure_private_parent(path: &Path) -> Result<(), OpsError> {
    let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty() && !p.exists()) else { return Ok(()) };
    store::create_private_dir(parent).map_err(|source| OpsError::Io { path: parent.to_path_buf(), source })
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

/// A row `import` left out because it repeats an idea.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Skipped {
    /// It repeats idea `id` of the session (its table and title, shown).
    Idea { line: usize, id: u64, table: String, title: String },
    /// It repeats the earlier row on line `other`.
    Row { line: usize, other: usize },
}

impl Skipped {
    pub fn message(&self, file: &Path, lang: Lang) -> String {
        let (shown, l) = (shown(&file), lang.code());
        match self {
            Skipped::Idea { line, id, table, title } => t!(
                "import.skipped_idea",
                path = shown,
                line = line,
                id = id,
                table = inert(table),
                title = inert(title),
                locale = l
            ),
            Skipped::Row { line, other } => {
                t!("import.skipped_row", path = shown, line = line, other = other, locale = l)
            }
        }
        .into_owned()
    }
}

/// What `import` did, or with `dry_run` would do.
#[derive(Debug, Clone)]
pub struct IdeasImported {
    pub dry_run: bool,
    /// The rows kept (added, or to be added): with the session, what a dry run shows.
    pub kept: Vec<crate::import::ImportedIdea>,
    /// The ids given to the kept rows (none in a dry run).
    pub ids: Vec<u64>,
    pub skipped: Vec<Skipped>,
    /// Rows without a block went to this one (no `--block`, no `block` column).
    pub filed_under: Option<BlockRef>,
    /// The session as it was before the import (to name tables and blocks in a dry run).
    pub session: Session,
}

/// What a repeated row repeats.
enum Seen {
    /// An idea of the session, by its position in `ideas` (found without a search).
    Idea(usize),
    Row(usize),
}

/// `innolab import`: ideas from a CSV, all or none, under the lock; with `dry_run` nothing is written. A
/// row that repeats an idea of the session or an earlier row is skipped (and named in the outcome), so
/// importing the same sheet twice adds nothing the second time. Row problems are worded in `lang`.
pub fn import_ideas(path: &Path, file: &Path, options: &ImportOptions, lang: Lang) -> Result<IdeasImported, OpsError> {
    let bytes = store::read_input(file, store::MAX_CSV_BYTES)?;
    let mut open = OpenSession::open(path)?;
    let session = &open.session;
    let flag_block = options.block.as_deref().map(|wanted| named_block(path, session, wanted)).transpose()?;
    let rows = match crate::import::parse_ideas_csv(&bytes, session, lang) {
        Ok(rows) => rows,
        Err(errors) => return Err(OpsError::Rows { file: file.to_path_buf(), errors, of: RowsOf::Ideas }),
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
            Some(first) if !options.allow_duplicates => skipped.push(match first {
                Seen::Idea(at) => {
                    let idea = &session.ideas[*at];
                    let table = session.group(&idea.group).map_or(idea.group.as_str(), |g| &g.name);
                    Skipped::Idea { line: row.line, id: idea.id, table: table.to_string(), title: idea.title.clone() }
                }
                Seen::Row(other) => Skipped::Row { line: row.line, other: *other },
            }),
            _ => {
                seen.entry(key).or_insert(Seen::Row(row.line));
                defaulted |= by_default;
                kept.push(row);
            }
        }
    }
    let filed_under = default_block.as_deref().filter(|_| defaulted).map(|b| BlockRef::of(session, b));
    let before = open.session.clone();
    let mut ids = Vec::new();
    if !options.dry_run {
        let now = clock::now_in(open.session.plan.utc_offset.fixed());
        let news = kept.iter().map(|imported| imported.idea.clone()).collect();
        ids = open.session.add_ideas(news, now).map_err(|_| OpsError::IdsExhausted { path: path.to_path_buf() })?;
        if !ids.is_empty() {
            open.save()?;
        }
    }
    Ok(IdeasImported { dry_run: options.dry_run, kept, ids, skipped, filed_under, session: before })
}

/// Where a read-only session's reports go: the per-user state folder (its own folder cannot be written).
pub fn read_only_exports_dir() -> Option<PathBuf> {
    crate::store::rescue::state_dir().map(|d| d.join("exports"))
}

/// What the export key wrote: the files, and whether the certificates were left out because nobody is
/// credited with an idea yet.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExportedAll {
    pub files: Vec<PathBuf>,
    pub no_certificates: bool,
}

/// The report files the export key writes, in `lang`: the workbook, the laporan, the ideas as CSV (laid out
/// for an Indonesian-locale spreadsheet app), the tally as JSON and the certificates (when anyone is credited
/// with an idea), to the exports folder beside the session or to `folder`.
pub fn export_all(path: &Path, session: &Session, lang: Lang, folder: Option<&Path>) -> Result<ExportedAll, OpsError> {
    let mut files = Vec::new();
    for format in [ExportFormat::Xlsx, ExportFormat::Md, ExportFormat::Csv, ExportFormat::Json] {
        let target = crate::export::default_file_name(path, format);
        let target = match (folder, target.file_name()) {
            (Some(folder), Some(name)) => folder.join(name),
            _ => target,
        };
        write_report(session, path, format, &target, true, lang)?;
        files.push(target);
    }
    let tally = crate::tally::Tally::of(&[crate::tally::SessionRef::new(catalog::file_name(path), session)]);
    let awardees = crate::export::certificates::awardees(&tally, session);
    if awardees.is_empty() {
        return Ok(ExportedAll { files, no_certificates: true });
    }
    files.push(publish_certificates(path, session, &awardees, folder, lang)?);
    Ok(ExportedAll { files, no_certificates: false })
}

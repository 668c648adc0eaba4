//! The commands an organiser scripts, as they print: the read-only ones (`list`, `plan`, `validate`, `schema`,
//! `tally`, `check`) and the answers of the others (`certificates`, `set`, `idea add`, `import`): each takes
//! plain arguments, prints to the given writers in the given language, and returns a typed error.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use rust_i18n::t;

use crate::catalog;
use crate::clock;
use crate::export::ExportFormat;
use crate::i18n::{Lang, count_of, plural_key};
use crate::model::Signatory;
use crate::model::text::{ellipsize, inert, shown};
use crate::model::{Plan, Session, UtcOffset};
use crate::ops::{IdeaAdded, IdeasImported, OpsError, ReportWritten, RosterImported, SignatoryChange};
use crate::store::{self};

/// Prints the session files of `sessions`, newest change first, as an aligned table.
pub fn list(sessions: &Path, out: &mut dyn Write, lang: Lang) -> Result<(), OpsError> {
    let entries = catalog::scan(sessions).map_err(|source| OpsError::Io { path: sessions.to_path_buf(), source })?;
    let exports = catalog::exports_among(sessions).unwrap_or_default();
    if entries.is_empty() {
        writeln!(out, "{}", t!("list.none", dir = shown(&sessions), locale = lang.code()))?;
    }
    let header = [
        t!("list.file", locale = lang.code()),
        t!("list.title", locale = lang.code()),
        t!("list.dates", locale = lang.code()),
        t!("list.ideas", locale = lang.code()),
        t!("list.changed", locale = lang.code()),
    ]
    .map(|h| h.into_owned())
    .to_vec();
    let mut rows = Vec::new();
    let mut failed = Vec::new();
    for entry in &entries {
        match &entry.summary {
            Ok(s) => {
                let dates = crate::i18n::date_range(s.first_date, s.last_date);
                rows.push(vec![
                    shown(&entry.path),
                    ellipsize(&inert(&s.title), 48).into_owned(),
                    dates,
                    format!("{}/{}", s.ideas, s.target),
                    s.updated_at.format("%Y-%m-%d %H:%M").to_string(),
                ]);
            }
            Err(e) => failed.push(inert(&e.message(lang)).into_owned()),
        }
    }
    if !rows.is_empty() {
        let mut table = String::new();
        crate::export::tally::write_text_table(&mut table, &header, &rows, &[false, false, false, true, false]);
        write!(out, "{table}")?;
    }
    for line in &failed {
        writeln!(out, "{line}")?;
    }
    for (path, format) in &exports {
        writeln!(out, "{}", not_a_session(path, *format, lang))?;
    }
    if failed.is_empty() { Ok(()) } else { Err(OpsError::SomeFailed(failed.len())) }
}

/// Prints the built-in plan with day 1 on `start` (today by default): the starting point for a custom plan.
pub fn plan_default(start: Option<NaiveDate>, out: &mut dyn Write) -> Result<(), OpsError> {
    let today = clock::now_in(UtcOffset::default().fixed()).date_naive();
    let plan = Plan::builtin(start.unwrap_or(today));
    let json = serde_json::to_string_pretty(&plan).map_err(|e| OpsError::Output(io::Error::other(e)))?;
    writeln!(out, "{json}")?;
    Ok(())
}

pub fn plan_check(path: &Path, out: &mut dyn Write, lang: Lang) -> Result<(), OpsError> {
    store::load_plan(path)?;
    writeln!(out, "{}", t!("validate.ok", path = shown(&path), locale = lang.code()))?;
    Ok(())
}

/// Checks each session file: prints "ok" for good ones, every problem (one line each) for the others. An
/// innolab export given by mistake (`sessions/*.json` meeting a tally) is named for what it is and skipped.
pub fn validate(paths: &[PathBuf], out: &mut dyn Write, err: &mut dyn Write, lang: Lang) -> Result<(), OpsError> {
    let mut failed = 0;
    for path in paths {
        match store::load(path) {
            Ok(_) => writeln!(out, "{}", t!("validate.ok", path = shown(&path), locale = lang.code()))?,
            Err(e) => match catalog::export_kind(path) {
                Some(format) => writeln!(out, "{}", not_a_session(path, format, lang))?,
                None => {
                    failed += 1;
                    for line in e.lines(lang) {
                        writeln!(err, "{}", inert(&line))?;
                    }
                }
            },
        }
    }
    if failed == 0 { Ok(()) } else { Err(OpsError::SomeFailed(failed)) }
}

/// "sessions/rekap.json: an innolab tally (JSON), not a session; skipped".
fn not_a_session(path: &Path, format: ExportFormat, lang: Lang) -> String {
    let shown = shown(&path);
    t!("export.not_a_session", path = shown, what = format.described(lang), locale = lang.code()).into_owned()
}

/// The JSON Schema (draft 2020-12) of the session file.
pub fn schema() -> serde_json::Value {
    serde_json::to_value(schemars::schema_for!(Session)).unwrap_or_default()
}

/// `innolab tally`: every loadable session aggregated; a file that fails is named in the output and in the
/// errors (exit 1) while the rest are still counted. A file named twice is counted once and named on stderr.
pub fn tally(
    paths: &[PathBuf],
    format: TallyFormat,
    out: &mut dyn Write,
    err: &mut dyn Write,
    lang: Lang,
) -> Result<(), OpsError> {
    let gathered = catalog::gather(paths).map_err(|(path, source)| OpsError::Io { path, source })?;
    if !gathered.skipped.is_empty() {
        let count = gathered.skipped.len();
        writeln!(
            err,
            "innolab: {}",
            t!(&plural_key("tally.cli.duplicates", count as u64), count = count, locale = lang.code())
        )?;
    }
    let failed = match format {
        TallyFormat::Json => {
            // Written as it is counted, in many small pieces: buffer them (stdout is line-buffered). io::Error
            // keeps its kind, so a closed pipe stays a closed pipe.
            let mut buffered = io::BufWriter::with_capacity(1 << 16, &mut *out);
            let failed = catalog::tally_files_json(&gathered, &mut buffered).map_err(OpsError::Output)?;
            buffered.flush()?;
            failed
        }
        TallyFormat::Text | TallyFormat::Csv | TallyFormat::Md => {
            let tally = catalog::tally_files(&gathered);
            match format {
                TallyFormat::Csv => write!(out, "{}", crate::export::to_csv(&tally, lang))?,
                TallyFormat::Md => write!(out, "{}", crate::export::to_markdown(&tally, lang))?,
                _ => write!(out, "{}", crate::export::to_text(&tally, lang))?,
            }
            tally.left_out.len()
        }
    };
    if failed == 0 { Ok(()) } else { Err(OpsError::SomeFailed(failed)) }
}

/// `innolab check`: the readiness check of each session (files and folders, each file once): what is still
/// open before the awards and the report. Fails (exit 1) while anything is open or a file does not load.
pub fn check(paths: &[PathBuf], out: &mut dyn Write, lang: Lang) -> Result<(), OpsError> {
    let gathered = catalog::gather(paths).map_err(|(path, source)| OpsError::Io { path, source })?;
    let (mut open, mut failed) = (0, 0);
    for file in &gathered.files {
        let shown = shown(&file.path);
        let session = match store::load(&file.path) {
            Ok(session) => session,
            Err(e) => {
                failed += 1;
                for line in e.lines(lang) {
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
    if open == 0 && failed == 0 { Ok(()) } else { Err(OpsError::NotReady { open, failed }) }
}

/// `innolab certificates`: the readiness check of the awards (as `check` words it) on stderr, then, unless
/// `strict` finds anything open, the PDF: its path on stdout, how many certificates on stderr. `change` sets
/// the signatory for this run only.
pub fn certificates(
    path: &Path,
    change: &SignatoryChange,
    folder: Option<&Path>,
    strict: bool,
    out: &mut dyn Write,
    err: &mut dyn Write,
    lang: Lang,
) -> Result<(), OpsError> {
    let l = lang.code();
    let certificates = crate::ops::certificates_for(path, change)?;
    let open = certificates.open.len();
    writeln!(err, "{}: {}", shown(&path), crate::tally::readiness::headline(open, lang))?;
    for finding in &certificates.open {
        writeln!(err, "- {}", inert(&finding.sentence(lang)))?;
    }
    if strict && open > 0 {
        return Err(OpsError::StrictCertificates { open });
    }
    if certificates.awardees.is_empty() {
        return Err(OpsError::NoAwardees { path: path.to_path_buf() });
    }
    let signatory = &certificates.session.plan.signatory;
    if signatory.name.is_none() {
        writeln!(err, "innolab: {}", t!("certificates.cli.no_signatory", locale = l))?;
    } else if signatory.position.is_none() {
        writeln!(err, "innolab: {}", t!("certificates.cli.no_position", locale = l))?;
    }
    let written = crate::ops::write_certificates(path, &certificates, folder, lang)?;
    let count = certificates.awardees.len();
    let done =
        t!(&plural_key("certificates.cli.written", count as u64), count = count, path = shown(&written), locale = l);
    writeln!(err, "innolab: {done}")?;
    writeln!(out, "{}", shown(&written))?;
    Ok(())
}

/// `innolab set`'s answer: who signs the certificates now.
pub fn signatory_set(path: &Path, signatory: &Signatory, out: &mut dyn Write, lang: Lang) -> Result<(), OpsError> {
    let l = lang.code();
    let unset = || t!("set.cli.unset", locale = l).into_owned();
    let name = signatory.name.as_deref().map_or_else(unset, |n| inert(n).into_owned());
    let position = signatory.position.as_deref().map_or_else(unset, |p| inert(p).into_owned());
    writeln!(out, "{}", t!("set.cli.signatory", path = shown(&path), name = name, position = position, locale = l))?;
    Ok(())
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

/// `idea add`'s answer: the id on stdout, each note on stderr.
pub fn idea_added(added: &IdeaAdded, out: &mut dyn Write, err: &mut dyn Write, lang: Lang) -> Result<(), OpsError> {
    writeln!(out, "{}", added.id)?;
    for note in &added.notes {
        writeln!(err, "innolab: {}", inert(&note.message(lang)))?;
    }
    Ok(())
}

/// `import`'s answer: each skipped row and where rows without a block went on stderr; the rows (in a dry
/// run) and the summary on stdout.
pub fn ideas_imported(
    path: &Path,
    file: &Path,
    done: &IdeasImported,
    out: &mut dyn Write,
    err: &mut dyn Write,
    lang: Lang,
) -> Result<(), OpsError> {
    let l = lang.code();
    for skipped in &done.skipped {
        writeln!(err, "innolab: {}", skipped.message(file, lang))?;
    }
    if let Some(block) = &done.filed_under {
        writeln!(err, "innolab: {}", t!("import.cli.filed_under", block = block.words(lang), locale = l))?;
    }
    let ideas = count_of("count.ideas", done.kept.len() as u64, lang);
    let duplicates = match done.skipped.len() {
        0 => String::new(),
        n => format!("; {}", t!(&plural_key("import.cli.skipped", n as u64), count = n, locale = l)),
    };
    if done.dry_run {
        write!(out, "{}", crate::import::describe(&done.kept, &done.session, lang))?;
        writeln!(out, "{}{duplicates}", t!("import.cli.dry_run", path = shown(&path), ideas = ideas, locale = l))?;
        return Ok(());
    }
    let range = match (done.ids.first(), done.ids.last()) {
        (Some(a), Some(b)) if a != b => format!(" (#{a}–#{b})"),
        (Some(a), _) => format!(" (#{a})"),
        _ => String::new(),
    };
    writeln!(
        out,
        "{}{duplicates}",
        t!("import.cli.done", path = shown(&path), ideas = ideas, ids = range, locale = l)
    )?;
    Ok(())
}

/// `roster import`'s answer: one line of counts.
pub fn roster_imported(path: &Path, done: &RosterImported, out: &mut dyn Write, lang: Lang) -> Result<(), OpsError> {
    let key = if done.dry_run { "roster.cli.dry_run" } else { "roster.cli.done" };
    let summary = &done.summary;
    let line = t!(
        key,
        path = shown(&path),
        added = count_of("count.participants", summary.added as u64, lang),
        updated = summary.updated,
        tables = count_of("count.tables", summary.tables_created as u64, lang),
        locale = lang.code()
    );
    writeln!(out, "{line}")?;
    Ok(())
}

/// `report`'s answer: the files named twice and the exports left out on stderr, then where the report is.
pub fn report_written(
    done: &ReportWritten,
    out: &mut dyn Write,
    err: &mut dyn Write,
    lang: Lang,
) -> Result<(), OpsError> {
    if !done.duplicates.is_empty() {
        let count = done.duplicates.len();
        let line = t!(&plural_key("tally.cli.duplicates", count as u64), count = count, locale = lang.code());
        writeln!(err, "innolab: {line}")?;
    }
    for (path, format) in &done.exports {
        writeln!(err, "innolab: {}", not_a_session(path, *format, lang))?;
    }
    writeln!(out, "{}", shown(&done.path))?;
    Ok(())
}

//! `innolab certificates` through the real binary, read back with poppler (`pdftotext`, `pdffonts`, `pdfinfo`,
//! `pdftoppm`; .ci/run installs poppler-utils): every awardee's name and idea titles in the PDF exactly, hostile
//! text drawn as text, emoji replaced visibly, the font embedded, one page per awardee, in both languages; the
//! readiness check first, `--strict` and nobody credited writing nothing. Without poppler these fail.
#![allow(clippy::unwrap_used)]

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{run, stderr, stdout};
use innolab::model::roster::member;
use innolab::model::{NewIdea, Role};

/// The people of the lab and their ideas: diacritics, an ampersand, markup, PDF string syntax and emoji.
const SITI: &str = "Siti Nurhaliza Ñúñez";
const ANANDA: &str = "Ānanda Wirawan-Müller";
const DEWI: &str = "Dewi Lestàri Çelik";
const PU: &str = "Dinas Pekerjaan Umum & Penataan Ruang";
const HOSTILE_TITLE: &str = "Jalan mulus <script>alert(1)</script> (tahap 1) \\ cepat 🚀 ) Tj ET";
const LONG_TITLE: &str = "Peta jalan rusak daring untuk seluruh kelurahan dan kecamatan di Kota Cilegon dengan \
                          laporan warga lewat WhatsApp dan foto";
const EMOJI_TITLE: &str = "Bank sampah digital 👩‍💻 untuk RW";
const CAFE_TITLE: &str = "Posyandu keliling – café ñ ü ā ē ō";

/// Runs a poppler tool; a missing tool fails the test (CI installs it).
fn poppler(tool: &str, args: &[&str]) -> String {
    let out = Command::new(tool)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{tool} must be installed (Debian: poppler-utils; .ci/run installs it): {e}"));
    assert!(out.status.success(), "{tool} {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// Every run of whitespace as one space: a wrapped title reads as one line.
fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A session of 2–4 November 2022 with three awardees (one with two ideas) and `extra` more ideas as given.
fn lab(dir: &Path, extra: &[(&str, Option<&str>)]) -> PathBuf {
    let path = common::new_session(dir);
    let mut session = innolab::store::load(&path).unwrap();
    session.plan.venue = "Hotel Tentrem, Yogyakarta".into();
    session.groups[0].members.push(member(SITI, Some(PU), Role::Head, true));
    session.groups[0].members.push(member("Budi Santoso", Some("DPMPTSP"), Role::Head, true));
    session.groups[1].members.push(member(ANANDA, Some("Bappedalitbang"), Role::Representative, true));
    session.groups[2].members.push(member(DEWI, Some("Dinas Kesehatan"), Role::Head, true));
    let mut ideas = vec![
        ("meja-1", HOSTILE_TITLE, Some(SITI)),
        ("meja-1", LONG_TITLE, Some(SITI)),
        ("meja-2", EMOJI_TITLE, Some(ANANDA)),
        ("meja-3", CAFE_TITLE, Some(DEWI)),
    ];
    ideas.extend(extra.iter().map(|&(title, author)| ("meja-3", title, author)));
    for (group, title, author) in ideas {
        let new = NewIdea {
            group: group.into(),
            title: title.into(),
            author: author.map(Into::into),
            block: Some("d2-curah-ide".into()),
            ..Default::default()
        };
        let now = session.created_at;
        session.add_idea(new, now).unwrap();
    }
    innolab::store::save(&path, &session).unwrap();
    path
}

/// As the certificate shows a title: emoji replaced by U+FFFD, a joined one by one.
fn as_printed(title: &str) -> String {
    title.replace("👩‍💻", "\u{FFFD}").replace('🚀', "\u{FFFD}")
}

#[test]
fn every_awardee_and_idea_is_in_the_pdf_exactly_in_both_languages() {
    let dir = tempfile::tempdir().unwrap();
    let path = lab(dir.path(), &[]);
    let set =
        run(dir.path(), &["set", "lab.json", "--signatory", "Drs. H. Helldy Agustian", "--position", "Wali Kota"]);
    assert!(set.status.success(), "{}", stderr(&set));
    assert_eq!(stdout(&set), "lab.json: certificates signed by Drs. H. Helldy Agustian, Wali Kota\n");
    let stored = innolab::store::load(&path).unwrap().plan.signatory;
    assert_eq!(stored.position.as_deref(), Some("Wali Kota"));

    for (lang, heading, dates, presented) in [
        ("id", "PIAGAM PENGHARGAAN", "2–4 November 2022 · Hotel Tentrem, Yogyakarta", "diberikan kepada"),
        ("en", "CERTIFICATE OF APPRECIATION", "2–4 November 2022 · Hotel Tentrem, Yogyakarta", "is presented to"),
    ] {
        let out_dir = format!("out-{lang}");
        let out = run(
            dir.path(),
            &["--lang", lang, "certificates", "lab.json", "-o", &out_dir, "--position", "Wali Kota Cilegon"],
        );
        assert!(out.status.success(), "{}", stderr(&out));
        let pdf = dir.path().join(&out_dir).join("certificates-lab.pdf");
        assert_eq!(stdout(&out), format!("{out_dir}/certificates-lab.pdf\n"));
        let err = stderr(&out);
        let ready = if lang == "id" { "Siap untuk penghargaan" } else { "Ready for the awards" };
        assert!(err.starts_with(&format!("lab.json: {ready}")), "the readiness check comes first: {err}");
        assert!(err.trim_end().ends_with(&format!("{out_dir}/certificates-lab.pdf")), "{err}");

        let text = poppler("pdftotext", &[pdf.to_str().unwrap(), "-"]);
        let pages: Vec<String> = text.split('\u{c}').map(flat).filter(|p| !p.is_empty()).collect();
        assert_eq!(pages.len(), 3, "{text}");
        let expected = [
            (SITI, PU, vec![HOSTILE_TITLE, LONG_TITLE]),
            (ANANDA, "Bappedalitbang", vec![EMOJI_TITLE]),
            (DEWI, "Dinas Kesehatan", vec![CAFE_TITLE]),
        ];
        for (page, (name, agency, titles)) in pages.iter().zip(&expected) {
            assert!(page.contains(heading), "{page}");
            assert!(page.contains(presented), "{page}");
            assert!(page.contains(name), "{name} not on its page: {page}");
            assert!(page.contains(agency), "{page}");
            for title in titles {
                assert!(page.contains(&flat(&format!("“{}”", as_printed(title)))), "{title} not on the page: {page}");
            }
            assert!(page.contains("Executive Laboratorium Inovasi Kota Cilegon"), "{page}");
            assert!(page.contains(dates), "{page}");
            assert!(page.contains("Drs. H. Helldy Agustian Wali Kota Cilegon"), "{page}");
            assert!(!page.contains('🚀') && !page.contains('👩'), "{page}");
        }
        assert!(pages[0].contains("Meja 1") && pages[1].contains("Meja 2"));

        let fonts = poppler("pdffonts", &[pdf.to_str().unwrap()]);
        let rows: Vec<&str> = fonts.lines().skip(2).collect();
        assert_eq!(rows.len(), 2, "a regular and a bold face: {fonts}");
        for row in rows {
            let cols: Vec<&str> = row.split_whitespace().collect();
            assert!(cols[0].contains("DejaVuSerif"), "{fonts}");
            // name, type (2 words), encoding, then emb sub uni.
            assert_eq!(&cols[4..7], ["yes", "yes", "yes"], "embedded, subset, with a Unicode map: {fonts}");
        }

        let info = poppler("pdfinfo", &[pdf.to_str().unwrap()]);
        assert!(info.lines().any(|l| l.split_whitespace().eq(["Pages:", "3"])), "{info}");
        assert!(info.contains("841.89 x 595.28 pts (A4)"), "A4 landscape: {info}");

        let png = dir.path().join(format!("page-{lang}"));
        poppler("pdftoppm", &["-png", "-r", "50", "-f", "1", "-l", "1", pdf.to_str().unwrap(), png.to_str().unwrap()]);
        let image = fs::read(dir.path().join(format!("page-{lang}-1.png"))).unwrap();
        assert!(image.starts_with(b"\x89PNG") && image.len() > 5_000, "{} bytes", image.len());
        // A4 landscape at 50 dpi: 585 x 414 pixels (IHDR width and height; poppler rounds up).
        let (w, h) = (
            u32::from_be_bytes(image[16..20].try_into().unwrap()),
            u32::from_be_bytes(image[20..24].try_into().unwrap()),
        );
        assert_eq!((w, h), (585, 414));
    }
}

#[test]
fn strict_refuses_while_an_idea_has_no_author_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    lab(dir.path(), &[("Tanpa penggagas", None)]);
    let out = run(dir.path(), &["certificates", "lab.json", "--strict"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("lab.json: Readiness for the awards: 1 open item"), "{err}");
    assert!(err.contains("- #5 \"Tanpa penggagas\" (Meja 3): no author, so nobody is credited for it"), "{err}");
    assert_eq!(
        err.lines().last().unwrap(),
        "innolab: 1 item is open; with --strict no certificate is written until it is settled"
    );
    assert!(stdout(&out).is_empty());
    assert!(!dir.path().join("exports").exists(), "nothing written");

    // Without --strict the same check is printed, and the certificates are written.
    let out = run(dir.path(), &["certificates", "lab.json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("no author, so nobody is credited for it"));
    assert!(stderr(&out).contains("no signatory"), "{}", stderr(&out));
    assert!(dir.path().join("exports/certificates-lab.pdf").exists());
}

#[test]
fn nobody_credited_is_one_line_and_no_file() {
    let dir = tempfile::tempdir().unwrap();
    common::new_session(dir.path());
    let out = run(dir.path(), &["--lang", "id", "certificates", "lab.json"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    let last = err.lines().last().unwrap();
    assert!(last.starts_with("innolab: lab.json: belum ada penggagas ide"), "{err}");
    assert!(!dir.path().join("exports").exists());
}

#[test]
fn many_ideas_list_the_first_and_count_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let titles: Vec<String> = (1..=12).map(|n| format!("Ide nomor {n} dari Dewi")).collect();
    let extra: Vec<(&str, Option<&str>)> = titles.iter().map(|t| (t.as_str(), Some(DEWI))).collect();
    lab(dir.path(), &extra);
    let out = run(dir.path(), &["certificates", "lab.json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = poppler("pdftotext", &[dir.path().join("exports/certificates-lab.pdf").to_str().unwrap(), "-"]);
    let dewi = text.split('\u{c}').map(flat).find(|p| p.contains(DEWI)).unwrap();
    assert!(dewi.contains(&flat(CAFE_TITLE)) && dewi.contains("Ide nomor 1 dari Dewi"), "{dewi}");
    assert!(!dewi.contains("Ide nomor 12 dari Dewi"), "{dewi}");
    let shown = (1..=12).filter(|n| dewi.contains(&format!("Ide nomor {n} dari"))).count();
    assert!(dewi.contains(&format!("and {} more ideas", 12 - shown)), "{dewi}");
}

#[test]
fn certificates_replace_only_their_own_kind() {
    let dir = tempfile::tempdir().unwrap();
    lab(dir.path(), &[]);
    fs::create_dir(dir.path().join("out")).unwrap();
    let theirs = dir.path().join("out/certificates-lab.pdf");
    fs::write(&theirs, b"%PDF-1.4\nsomeone else's\n").unwrap();
    let out = run(dir.path(), &["certificates", "lab.json", "-o", "out"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("is not innolab certificates (PDF); innolab does not overwrite it"),
        "{}",
        stderr(&out)
    );
    assert_eq!(fs::read(&theirs).unwrap(), b"%PDF-1.4\nsomeone else's\n");
    fs::remove_file(&theirs).unwrap();
    for _ in 0..2 {
        let out = run(dir.path(), &["certificates", "lab.json", "-o", "out"]);
        assert!(out.status.success(), "an earlier certificates PDF is replaced: {}", stderr(&out));
    }
    assert_eq!(
        innolab::export::identify(&theirs).unwrap(),
        innolab::export::Identified::Export(innolab::export::ExportFormat::Certificates)
    );
}

/// The TUI's export key writes the certificates beside the reports, or says there are none.
#[test]
fn the_export_key_writes_the_certificates_too() {
    let dir = tempfile::tempdir().unwrap();
    let path = lab(dir.path(), &[]);
    let session = innolab::store::load(&path).unwrap();
    let done = innolab::ops::export_all(&path, &session, innolab::i18n::Lang::Id, None).unwrap();
    assert!(!done.no_certificates);
    assert_eq!(done.files.last().unwrap(), &dir.path().join("exports/certificates-lab.pdf"));
    let text = poppler("pdftotext", &[done.files.last().unwrap().to_str().unwrap(), "-"]);
    assert!(text.contains("PIAGAM PENGHARGAAN") && text.contains(SITI));

    let empty = tempfile::tempdir().unwrap();
    let path = common::new_session(empty.path());
    let session = innolab::store::load(&path).unwrap();
    let done = innolab::ops::export_all(&path, &session, innolab::i18n::Lang::En, None).unwrap();
    assert!(done.no_certificates);
    assert_eq!(done.files.len(), 4);
    assert!(!empty.path().join("exports/certificates-lab.pdf").exists());
}

//! The built binary in a real pseudo-terminal: open a session, walk the agenda, use the timer and help,
//! quit, and check the terminal and the file; a second start resumes where the room was.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::pty::Pty;

const RIGHT: &str = "\x1b[C";
const LEFT: &str = "\x1b[D";

fn current_block(path: &Path) -> String {
    innolab::store::load(path).unwrap().progress.block
}

#[test]
fn walk_the_agenda_use_help_quit_and_resume() {
    let dir = tempfile::tempdir().unwrap();
    let path = common::new_session(dir.path());
    let mut app = Pty::spawn(dir.path(), &["run", "lab.json"], 100, 30);
    app.wait_for("the first block", |s| s.contains("Registrasi Peserta"));
    for _ in 0..3 {
        app.send(RIGHT);
    }
    app.wait_for("the fourth block", |s| s.contains("Rehat Kopi"));
    app.send(LEFT);
    app.wait_for("the third block", |s| s.contains("Drum-up: Berinovasi di Dalam Birokrasi"));
    app.send("?");
    app.wait_for("the help", |s| s.contains("Next block (a presenter clicker sends these)"));
    app.send("\x1b");
    app.wait_for("help closed", |s| !s.contains("Next block (a presenter"));
    app.send("t");
    app.send("+");
    app.wait_for("the timer running with a minute added", |s| s.contains("75:") && s.contains("running"));
    app.send("q");
    let (ok, left_alternate) = app.wait_exit();
    assert!(ok, "exit status");
    assert!(left_alternate, "the terminal must leave the alternate screen");
    assert_eq!(current_block(&path), "d1-drumup-birokrasi");
    let session = innolab::store::load(&path).unwrap();
    let timer = session.timer_of(session.current_block().unwrap().1);
    assert!(timer.running);
    assert_eq!(timer.duration_secs, 76 * 60);

    let mut again = Pty::spawn(dir.path(), &["run", "lab.json"], 100, 30);
    again.wait_for("the same block and a running timer", |s| {
        s.contains("Drum-up: Berinovasi di Dalam Birokrasi") && s.contains("running")
    });
    again.send("\x03");
    assert_eq!(again.wait_exit(), (true, true));
}

#[test]
fn the_start_screen_creates_a_session() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = Pty::spawn(dir.path(), &[], 100, 30);
    app.wait_for("the start screen", |s| s.contains("New session from the built-in three-day lab"));
    // The title and day 1 are asked first: the built-in lab's title and today are offered.
    app.send("\r");
    app.wait_for("the questions", |s| {
        s.contains("Executive Laboratorium Inovasi Kota Cilegon") && s.contains("2022-11-03")
    });
    app.send("\x15");
    app.send("Lab Inovasi Kota Serang");
    app.send("\t");
    app.send("\x15");
    app.send("2022-11-14");
    app.send("\r");
    app.wait_for("the first block", |s| s.contains("Registrasi Peserta"));
    app.send("q");
    assert_eq!(app.wait_exit(), (true, true));
    let files: Vec<_> = std::fs::read_dir(dir.path().join("sessions"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with('.'))
        .collect();
    assert_eq!(files, ["2022-11-14-lab-inovasi-kota-serang.json"]);
    let session = innolab::store::load(&dir.path().join("sessions").join(&files[0])).unwrap();
    assert_eq!(session.plan.title, "Lab Inovasi Kota Serang");
    let days: Vec<String> = session.plan.days.iter().map(|d| d.date.to_string()).collect();
    assert_eq!(days, ["2022-11-14", "2022-11-15", "2022-11-16"]);
}

#[test]
fn sigterm_sighup_and_sigint_save_and_restore_the_terminal() {
    for signal in ["-TERM", "-HUP", "-INT"] {
        let dir = tempfile::tempdir().unwrap();
        let path = common::new_session(dir.path());
        let mut app = Pty::spawn(dir.path(), &["run", "lab.json"], 80, 24);
        app.wait_for("the first block", |s| s.contains("Registrasi Peserta"));
        app.send(RIGHT);
        app.wait_for("the second block", |s| s.contains("Pembukaan"));
        let pid = app.child.process_id().unwrap();
        std::process::Command::new("kill").args([signal, &pid.to_string()]).status().unwrap();
        let (ok, left_alternate) = app.wait_exit();
        assert!(ok && left_alternate, "{signal}");
        assert_eq!(current_block(&path), "d1-pembukaan", "{signal}");
    }
}

#[test]
fn without_a_terminal_it_says_so_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let out = common::run(dir.path(), &["run"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        common::stderr(&out),
        "innolab: innolab run needs a terminal: stdin and stdout must be a tty (use the other commands in scripts)\n"
    );
}

#[test]
fn a_second_window_on_the_same_session_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    common::new_session(dir.path());
    let mut first = Pty::spawn(dir.path(), &["run", "lab.json"], 80, 24);
    first.wait_for("the first block", |s| s.contains("Registrasi Peserta"));
    let mut second = Pty::spawn(dir.path(), &["run", "lab.json"], 80, 24);
    let (ok, _) = second.wait_exit();
    assert!(!ok);
    assert!(second.screen().contains("lab.json: open in another innolab"), "{}", second.screen());
    first.send("q");
    assert_eq!(first.wait_exit(), (true, true));
}

/// Types an idea the way the coach does: the table's digit, the text, Enter.
fn type_idea(app: &mut Pty, table: u8, title: &str) {
    app.send(&table.to_string());
    app.send(title);
    app.send("\r");
}

#[test]
fn ten_ideas_for_three_tables_survive_a_restart_and_undo_reaches_the_disk() {
    let dir = tempfile::tempdir().unwrap();
    let path = common::new_session_on_group_work(dir.path());
    let mut app = Pty::spawn(dir.path(), &["run", "lab.json"], 100, 30);
    app.wait_for("the group work block", |s| s.contains("Curah Ide Inovasi per OPD"));
    let ideas = [
        (1, "Antrean online puskesmas"),
        (2, "SIP dalam satu hari"),
        (3, "Lapor jalan rusak"),
        (1, "Posyandu keliling"),
        (2, "Izin usaha mikro dengan NIK"),
        (3, "Bank sampah RW"),
        (1, "Kartu pelajar terpadu"),
        (2, "Pasar digital"),
        (3, "Satu data kependudukan"),
        (1, "Sekolah ramah disabilitas"),
    ];
    app.send("a");
    for (table, title) in ideas {
        type_idea(&mut app, table, title);
    }
    app.wait_for("ten ideas on the board", |s| s.contains("Ideas 10 / 50"));
    app.send("\x1b");
    app.send("q");
    assert_eq!(app.wait_exit(), (true, true));
    let session = innolab::store::load(&path).unwrap();
    assert_eq!(session.ideas.len(), 10);
    for (idea, (table, title)) in session.ideas.iter().zip(ideas) {
        assert_eq!(idea.title, title);
        assert_eq!(idea.group, format!("meja-{table}"));
        assert_eq!(idea.block, "d2-curah-ide");
        assert_eq!(idea.stage, innolab::model::Stage::Diagnose);
    }

    let mut again = Pty::spawn(dir.path(), &["run", "lab.json"], 100, 30);
    again.wait_for("the board with ten ideas", |s| {
        s.contains("Ideas 10 / 50")
            && s.contains("1 Meja 1 · 4")
            && s.contains("2 Meja 2 · 3")
            && s.contains("3 Meja 3 · 3")
    });
    // Select the newest idea of table 1, delete it, undo, quit: it is back on disk.
    again.send("\r");
    again.wait_for("board mode", |s| s.contains("#10 Sekolah ramah disabilitas"));
    again.send("x");
    again.wait_for("the idea deleted", |s| s.contains("Ideas board · 9 / 50"));
    // The writer saves within a second (10 s allowed for a loaded CI machine): the tombstone reaches the file.
    let start = Instant::now();
    while !innolab::store::load(&path).unwrap().idea(10).unwrap().deleted {
        assert!(start.elapsed() < Duration::from_secs(10), "the delete never reached the disk");
        again.pump(Duration::from_millis(50));
    }
    again.send("u");
    again.wait_for("the idea back", |s| s.contains("Ideas board · 10 / 50"));
    again.send("q");
    assert_eq!(again.wait_exit(), (true, true));
    let session = innolab::store::load(&path).unwrap();
    assert!(!session.idea(10).unwrap().deleted);
    assert_eq!(session.live_idea_count(), 10);
}

#[test]
fn a_hostile_paste_is_inert() {
    let dir = tempfile::tempdir().unwrap();
    let path = common::new_session_on_group_work(dir.path());
    let mut app = Pty::spawn(dir.path(), &["run", "lab.json"], 100, 30);
    app.wait_for("the group work block", |s| s.contains("Curah Ide Inovasi per OPD"));
    app.send("a");
    app.send("2");
    let before = app.raw.len();
    let hostile = "\x1b]0;pwned\x07\x1b]52;c;cGF5bG9hZA==\x07\x1bP+q\x1b\\\x1b[2J\x1b[H\u{202e}Antrean\u{9b}31m online";
    app.send(&format!("\x1b[200~{hostile}\x1b[201~"));
    app.send("\r");
    app.wait_for("the idea on the board", |s| s.contains("Ideas 1 / 50"));
    app.send("\x1b");
    app.pump(Duration::from_millis(300));
    let screen = app.screen();
    assert!(screen.contains("Day 2 · 13:00–15:00 · DIAGNOSE"), "the header is intact:\n{screen}");
    assert!(screen.contains("Curah Ide Inovasi per OPD"), "the screen was not cleared:\n{screen}");
    let written = &app.raw[before..];
    for forbidden in [&b"\x1b]"[..], b"\x1bP", "\u{9b}".as_bytes(), "\u{202e}".as_bytes()] {
        assert!(!written.windows(forbidden.len()).any(|w| w == forbidden), "the app wrote {forbidden:?}");
    }
    app.send("q");
    assert_eq!(app.wait_exit(), (true, true));
    let title = &innolab::store::load(&path).unwrap().ideas[0].title;
    assert!(!title.chars().any(innolab::model::text::is_hazard), "{title:?}");
    assert!(title.contains("Antrean"));
}

#[test]
fn a_lost_folder_keeps_the_app_running_and_the_data_in_an_emergency_copy() {
    let dir = tempfile::tempdir().unwrap();
    let room = dir.path().join("room");
    std::fs::create_dir(&room).unwrap();
    let path = common::new_session_on_group_work(&room);
    let tmp = dir.path().join("tmp");
    std::fs::create_dir(&tmp).unwrap();
    let env = [("INNOLAB_STATE_DIR", tmp.to_str().unwrap())];
    let mut app = Pty::spawn_with_env(&room, &["run", "lab.json"], 100, 30, &env);
    app.wait_for("the group work block", |s| s.contains("Curah Ide Inovasi per OPD"));
    std::fs::remove_dir_all(&room).unwrap();
    app.send("a");
    type_idea(&mut app, 2, "Ide yang tidak boleh hilang");
    app.wait_for("the save failure", |s| s.contains("NOT SAVED") && s.contains("emergency copy"));
    app.send("\x1b");
    app.send("q");
    app.wait_for("the question", |s| s.contains("Quit anyway?"));
    app.send("y");
    let (ok, left_alternate) = app.wait_exit();
    assert!(!ok && left_alternate);
    // The folder is gone, so the copy is in the durable per-user folder only.
    let copies: Vec<_> = std::fs::read_dir(tmp.join("emergency")).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(copies.len(), 1, "{copies:?}");
    let copy = innolab::store::load(&copies[0]).unwrap();
    assert_eq!(copy.ideas[0].title, "Ide yang tidak boleh hilang");
    assert!(app.screen().contains(&*copies[0].to_string_lossy()), "the exit message says where:\n{}", app.screen());
    let _ = path;
}

#[test]
fn hostile_text_already_in_the_file_is_shown_inert() {
    let dir = tempfile::tempdir().unwrap();
    let path = common::new_session_on_group_work(dir.path());
    // A hand-edited or foreign file: the loader accepts any text, so rendering alone must keep it inert.
    let mut session = innolab::store::load(&path).unwrap();
    let now = session.created_at;
    let hostile = [
        "\x1b]0;TITLE-HIJACK\x07\x1b]2;x\x07judul",
        "\x1b]8;;http://evil\x1b\\link\x1b]8;;\x1b\\",
        "\x1b]52;c;cGF5bG9hZA==\x07clip",
        "\x1bP+q544e\x1b\\dcs",
        "\u{9b}2J\u{9d}0;c1\u{9c}",
        "\u{202e}kiri\u{2066}\u{200d}\0nul",
        "\x1b[2J\x1b[H\x1b[31mmerah",
    ];
    for (i, title) in hostile.iter().enumerate() {
        let id = session
            .add_idea(
                innolab::model::NewIdea {
                    group: format!("meja-{}", i % 6 + 1),
                    title: "x".into(),
                    ..Default::default()
                },
                now,
            )
            .unwrap();
        session.idea_mut(id).unwrap().title = (*title).to_string();
    }
    session.plan.title = "\x1b]0;pwned\x07Lab".into();
    innolab::store::save(&path, &session).unwrap();
    let mut app = Pty::spawn(dir.path(), &["run", "lab.json"], 120, 30);
    app.wait_for("the board", |s| s.contains("Ideas 7 / 50"));
    app.send("\r");
    for _ in 0..6 {
        app.send("\x1b[C");
    }
    app.send("T");
    app.wait_for("the tally", |s| s.contains("Tally"));
    let screen = app.screen();
    assert!(screen.contains("Day 2 · 13:00–15:00 · DIAGNOSE"), "{screen}");
    for forbidden in [
        &b"\x1b]"[..],
        b"\x1bP",
        "\u{9b}".as_bytes(),
        "\u{9d}".as_bytes(),
        b"TITLE-HIJACK\x07",
        "\u{202e}".as_bytes(),
        b"\x00",
    ] {
        assert!(!app.raw.windows(forbidden.len()).any(|w| w == forbidden), "the app wrote {forbidden:?}");
    }
    app.send("q");
    assert_eq!(app.wait_exit(), (true, true));
}

/// The coach's hands in the real binary (issue 13): Shift-Tab as terminals send it, a title that starts with
/// digits after the digit that chose its table, and the clicker through the awards ceremony.
#[test]
fn shift_tab_digit_titles_and_the_awards_clicker() {
    let dir = tempfile::tempdir().unwrap();
    let path = common::new_session_on_group_work(dir.path());
    let mut app = Pty::spawn(dir.path(), &["run", "lab.json"], 100, 30);
    app.wait_for("the group work", |s| s.contains("Curah Ide Inovasi per OPD"));
    // `1` opens the bar on table 1; "24 jam …" is the title, digits and all.
    app.send("1");
    app.wait_for("the capture bar", |s| s.contains("Meja 1") && s.contains("Enter"));
    app.send("24 jam layanan darurat 112");
    app.send("\r");
    app.wait_for("the saved idea", |s| s.contains("24 jam layanan darurat 112") && s.contains("Saved "));
    // Shift-Tab (CSI Z) steps the bar back a table: from Meja 1 to the last table.
    app.send("\x1b[Z");
    app.send("Ide meja terakhir");
    app.send("\r");
    app.wait_for("the second idea", |s| s.contains("Ide meja terakhir") && s.contains("Saved "));
    app.send("\x1b");
    let session = innolab::store::load(&path).unwrap();
    let filed: Vec<(String, String)> = session.ideas.iter().map(|i| (i.group.clone(), i.title.clone())).collect();
    let last_table = session.groups.last().unwrap().id.clone();
    assert_eq!(
        filed,
        [("meja-1".to_string(), "24 jam layanan darurat 112".to_string()), (last_table, "Ide meja terakhir".into())]
    );
    app.send("\x03");
    assert_eq!(app.wait_exit(), (true, true));

    // The awards block with two awardees: → reads out each, then moves on to the closing.
    two_awardees_on(&path, "d3-penghargaan");
    let mut app = Pty::spawn(dir.path(), &["run", "lab.json"], 100, 30);
    app.wait_for("the first awardee", |s| s.contains("1 of 2") && s.contains("Ide dari Ani"));
    app.send(RIGHT);
    app.wait_for("the second awardee", |s| s.contains("2 of 2") && s.contains("Ide dari Budi"));
    app.send(RIGHT);
    app.wait_for("the block after the awards", |s| !s.contains("of 2") && s.contains("Penutupan"));
    app.send("q");
    assert_eq!(app.wait_exit(), (true, true));
}

/// Gives the session two awardees (Ani at table 1, Budi at table 2, one idea each) and puts it on `block`.
fn two_awardees_on(path: &Path, block: &str) {
    let mut session = innolab::store::load(path).unwrap();
    for (table, author) in [("meja-1", "Ani"), ("meja-2", "Budi")] {
        let idea = innolab::model::NewIdea {
            group: table.into(),
            title: format!("Ide dari {author}"),
            author: Some(author.into()),
            ..Default::default()
        };
        session.add_idea(idea, session.updated_at).unwrap();
    }
    session.progress.block = block.into();
    innolab::store::save(path, &session).unwrap();
}

/// Resume is exact after a kill -9: the language, the plenary's table, the awards position and the open
/// screen come back, as the block and its running timer do.
#[test]
fn resume_is_exact_after_kill_9() {
    let dir = tempfile::tempdir().unwrap();
    let path = common::new_session(dir.path());
    two_awardees_on(&path, "d2-presentasi-ide");

    // English from the environment; the coach switches the wall to Indonesian, starts the timer and shows
    // table 3 at the plenary.
    let mut app = Pty::spawn(dir.path(), &["run", "lab.json"], 100, 30);
    app.wait_for("the plenary in English", |s| s.contains("table 1 of 6"));
    app.send("l");
    app.wait_for("Indonesian", |s| s.contains("meja 1 dari 6"));
    app.send("t");
    app.send("\t");
    app.send("\t");
    app.wait_for("table 3 with its timer running", |s| s.contains("meja 3 dari 6") && s.contains("berjalan"));
    common::wait_for_file(&path, "table 3", |s| s.progress.wall.plenary_table == 2);
    app.kill_9();

    let mut app = Pty::spawn(dir.path(), &["run", "lab.json"], 100, 30);
    app.wait_for("table 3 in Indonesian, timer running", |s| s.contains("meja 3 dari 6") && s.contains("berjalan"));
    // The awards screen, at its second awardee.
    app.send("A");
    app.wait_for("the first awardee", |s| s.contains("1 dari 2") && s.contains("Ide dari Ani"));
    app.send(RIGHT);
    app.wait_for("the second awardee", |s| s.contains("2 dari 2") && s.contains("Ide dari Budi"));
    common::wait_for_file(&path, "the second awardee", |s| s.progress.wall.awards_page == 1);
    app.kill_9();

    let mut app = Pty::spawn(dir.path(), &["run", "lab.json"], 100, 30);
    app.wait_for("the second awardee again", |s| s.contains("2 dari 2") && s.contains("Ide dari Budi"));
    // Esc goes back to the plenary it was over, still on table 3.
    app.send("\x1b");
    app.wait_for("the plenary, table 3", |s| s.contains("meja 3 dari 6"));
    // The board, left by a quit this time.
    app.send("\r");
    app.wait_for("the board", |s| s.contains("Ide dari Ani") && s.contains("Ide dari Budi") && s.contains("Papan"));
    app.send("q");
    assert_eq!(app.wait_exit(), (true, true));
    let mut app = Pty::spawn(dir.path(), &["run", "lab.json"], 100, 30);
    app.wait_for("the board again", |s| {
        s.contains("Ide dari Ani") && s.contains("Ide dari Budi") && s.contains("Papan")
    });
    app.send("q");
    assert_eq!(app.wait_exit(), (true, true));
    // A language on the command line wins over the saved one.
    let mut app = Pty::spawn(dir.path(), &["--lang", "en", "run", "lab.json"], 100, 30);
    app.wait_for("the board in English", |s| s.contains("Ideas board"));
    app.send("q");
    assert_eq!(app.wait_exit(), (true, true));
}

/// Captures go to the session's journal (one line each, whatever the session's size): after a kill -9 the
/// file alone lacks them, the session (file and journal, as every command reads it) has them all, and the
/// next writer folds them into the file and retires the journal.
#[test]
fn captures_killed_in_the_journal_are_in_the_session_and_folded_in_by_the_next_writer() {
    let dir = tempfile::tempdir().unwrap();
    let path = common::new_session_on_group_work(dir.path());
    let journal = innolab::store::journal::journal_path(&path);
    let mut app = Pty::spawn(dir.path(), &["run", "lab.json"], 100, 30);
    app.wait_for("the group work", |s| s.contains("Curah Ide Inovasi per OPD"));
    for (table, title) in [(1, "Ide jurnal satu"), (2, "Ide jurnal dua"), (3, "Ide jurnal tiga")] {
        app.send(&format!("{table}"));
        app.send(title);
        app.send("\r");
        app.wait_for("the save acknowledged", |s| s.contains(title) && s.contains("Saved "));
    }
    app.kill_9();
    let file_alone: innolab::model::Session = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    assert!(file_alone.ideas.is_empty(), "the captures are in the journal, not yet in the file");
    assert!(journal.exists());
    let titles = |s: &innolab::model::Session| s.ideas.iter().map(|i| i.title.clone()).collect::<Vec<_>>();
    let session = innolab::store::load(&path).unwrap();
    assert_eq!(titles(&session), ["Ide jurnal satu", "Ide jurnal dua", "Ide jurnal tiga"]);
    // Every command reads the journal too: the tally counts them.
    let out = common::run(dir.path(), &["tally", "--format", "json", "lab.json"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("\"ideas\": 3"), "{}", common::stdout(&out));
    // The next writer (here `idea add`) writes the file whole, with them, and retires the journal.
    let out = common::run(dir.path(), &["idea", "add", "lab.json", "--group", "4", "--title", "Ide dari CLI"]);
    assert!(out.status.success(), "{}", common::stderr(&out));
    assert!(!journal.exists());
    let file_alone: innolab::model::Session = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    assert_eq!(titles(&file_alone), ["Ide jurnal satu", "Ide jurnal dua", "Ide jurnal tiga", "Ide dari CLI"]);
    // And a quit folds the journal in too.
    let mut app = Pty::spawn(dir.path(), &["run", "lab.json"], 100, 30);
    app.wait_for("the group work", |s| s.contains("Ide dari CLI"));
    app.send("5");
    app.send("Ide sebelum keluar");
    app.send("\r");
    app.wait_for("saved", |s| s.contains("Ide sebelum keluar") && s.contains("Saved "));
    app.send("\x1b");
    app.send("q");
    assert_eq!(app.wait_exit(), (true, true));
    assert!(!journal.exists(), "quitting folds the journal into the file");
    let file_alone: innolab::model::Session = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    assert_eq!(file_alone.ideas.len(), 5);
}

//! Room mode in a real browser: Debian's Chromium, headless, driven through ChromeDriver's WebDriver
//! protocol (`common/webdriver.rs`), against the real binary in a pseudo-terminal. A phone joins, picks its
//! table, types its name and an Indonesian title with an emoji, sends it and reads "received"; the coach
//! approves it from the queue and the board shows it; the phone then reads "on the wall". A hostile title
//! shows as text in the rendered page, no request leaves the page, and the console stays clean. `.ci/run`
//! installs Chromium and ChromeDriver; this test fails (never skips) without them.
#![allow(clippy::unwrap_used)]

mod common;

use common::pty::Pty;
use common::webdriver::Browser;
use serde_json::json;

fn join_url(app: &mut Pty) -> String {
    app.wait_for("the join address", |s| s.contains("http://127.0.0.1:"));
    let screen = app.screen();
    let at = screen.find("http://").unwrap();
    screen[at..].chars().take_while(|c| !c.is_whitespace()).collect()
}

#[test]
fn a_phone_in_chromium_sends_an_idea_the_wall_shows_it_and_the_phone_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let path = common::new_session_on_group_work(dir.path());
    let mut app =
        Pty::spawn(dir.path(), &["--lang", "en", "run", "lab.json", "--room", "--bind", "127.0.0.1:0"], 90, 30);
    let url = join_url(&mut app);
    let browser = Browser::start(412, 915);

    // Join, pick table 2, type a name not on the roster and the idea (the emoji set as typed text: ChromeDriver
    // types only the Basic Multilingual Plane), send.
    browser.open(&url);
    assert!(browser.text().contains("Which table are you at?"), "{}", browser.text());
    browser.click("a[href$='/t/2']");
    browser.wait_url("/t/2");
    browser.type_into("input[name=other]", "Siti Rahayu");
    let title = "Layanan antre daring puskesmas 🏥";
    browser.type_into("input[name=title]", "Layanan antre daring puskesmas ");
    browser.script("document.querySelector('input[name=title]').value += arguments[0]", json!(["🏥"]));
    browser.type_into("textarea[name=description]", "Nomor antrean lewat WhatsApp.");
    browser.click("button[type=submit]");
    browser.wait_url("/mine?sent=1");
    let page = browser.text();
    assert!(page.contains("Received: waiting for the coach") && page.contains(title), "{page}");
    let saved = innolab::store::load(&path).unwrap();
    assert_eq!(saved.room.submissions[0].title, title, "on disk before the phone was told");

    // The coach approves it; the board shows it.
    app.send("M");
    app.wait_for("the queue", |s| s.contains("1 waiting") && s.contains("Layanan antre daring"));
    app.send("\r");
    app.send("\x1b");
    app.wait_for("the idea on the board", |s| s.contains("Meja 2 · 1") && s.contains("Layanan antre daring"));
    browser.open(&format!("{url}/mine"));
    assert!(browser.text().contains("on the wall"), "{}", browser.text());

    // A hostile title is text in the rendered page: no element made of it, no script run.
    browser.open(&format!("{url}/t/1"));
    let hostile = "<img src=x onerror=\"document.title='pwned'\"><script>document.title='pwned'</script>";
    browser.type_into("input[name=other]", "Tamu");
    browser.script("document.querySelector('input[name=title]').value = arguments[0]", json!([hostile]));
    browser.click("button[type=submit]");
    browser.wait_url("/mine?sent=1");
    let dom = browser.script(
        "return [document.title, document.querySelectorAll('img,script,iframe').length, document.body.innerText]",
        json!([]),
    );
    assert_ne!(dom[0], "pwned", "no script of the title ran");
    assert_eq!(dom[1], 0, "no element made of the title");
    assert!(dom[2].as_str().unwrap().contains(hostile), "the title shows as typed: {}", dom[2]);

    // Nothing was fetched from anywhere (no subresource at all), and the console has no error.
    let resources = browser.script("return performance.getEntriesByType('resource').length", json!([]));
    assert_eq!(resources, 0, "the page loads nothing");
    let errors: Vec<_> = browser.console().into_iter().filter(|m| m["level"] == "SEVERE").collect();
    assert!(errors.is_empty(), "console errors: {errors:?}");

    drop(browser);
    app.send("q");
    assert_eq!(app.wait_exit(), (true, true));
}

/// Voting from a phone in Chromium: the coach opens a vote and reveals it (`v`, Enter, `r`); the phone opens
/// the vote page, picks a name, ticks two dots on one idea and one on another, casts, and reads "received";
/// the wall's chart changes to show them. The question, hostile, shows as text.
#[test]
fn a_phone_in_chromium_casts_a_ballot_and_the_walls_chart_changes() {
    let dir = tempfile::tempdir().unwrap();
    let path = common::session_on_group_work_with(dir.path(), &["Antrean daring", "Bank sampah"]);
    let mut app =
        Pty::spawn(dir.path(), &["--lang", "en", "run", "lab.json", "--room", "--bind", "127.0.0.1:0"], 90, 30);
    let url = join_url(&mut app);
    app.send("v");
    app.wait_for("the vote form", |s| s.contains("Open a vote"));
    // A hostile question: Ctrl-U clears the offered one.
    app.send("\x15<img src=x onerror=alert(1)> Mana dulu?\r");
    app.wait_for("the vote on the wall", |s| s.contains("0 ballots") && s.contains("results hidden"));
    app.send("r");
    app.wait_for("the results shown", |s| s.contains("0 ballots") && !s.contains("results hidden"));
    assert!(!app.screen().contains('█'), "no bar before any vote");

    let browser = Browser::start(412, 915);
    browser.open(&url);
    browser.click("a[href$='/vote']");
    browser.wait_url("/vote");
    let text = browser.text();
    assert!(text.contains("<img src=x onerror=alert(1)> Mana dulu?"), "{text}");
    browser.type_into("input[name=other]", "Siti Rahayu");
    browser.click("input[name=dot][value='2'][aria-label='#2 1']");
    browser.click("input[name=dot][value='2'][aria-label='#2 2']");
    browser.click("input[name=dot][value='1'][aria-label='#1 1']");
    browser.click("button[type=submit]");
    browser.wait_url("/vote?cast=1");
    assert!(browser.text().contains("Ballot received"), "{}", browser.text());
    let dom = browser.script("return [document.querySelectorAll('img,script').length]", json!([]));
    assert_eq!(dom[0], 0, "no element made of the question");

    app.wait_for("the wall's chart", |s| s.contains("1 ballots") && s.contains('█'));
    let screen = app.screen();
    let bank = screen.lines().find(|l| l.contains("#2 Bank sampah")).unwrap().to_string();
    let antre = screen.lines().find(|l| l.contains("#1 Antrean daring")).unwrap().to_string();
    assert!(bank.trim_end().ends_with('2') && bank.contains("1."), "ranked first with 2: {bank}");
    assert!(antre.trim_end().ends_with('1') && antre.contains("2."), "second with 1: {antre}");
    assert!(bank.matches('█').count() > antre.matches('█').count(), "{screen}");
    let errors: Vec<_> = browser.console().into_iter().filter(|m| m["level"] == "SEVERE").collect();
    assert!(errors.is_empty(), "console errors: {errors:?}");
    drop(browser);
    app.send("q");
    assert_eq!(app.wait_exit(), (true, true));
    let saved = innolab::store::load(&path).unwrap();
    assert_eq!(saved.votes[0].ballots[0].voter.as_deref(), Some("Siti Rahayu"));
}

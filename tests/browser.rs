//! Room mode in a real browser: Debian's Chromium, headless, driven through ChromeDriver's WebDriver
//! protocol (plain HTTP and JSON, spoken here over loopback: no crate needed), against the real binary in a
//! pseudo-terminal. A phone joins, picks its table, types its name and an Indonesian title with an emoji,
//! sends it and reads "received"; the coach approves it from the queue and the board shows it; the phone
//! then reads "on the wall". A hostile title shows as text in the rendered page, no request leaves the
//! page, and the console stays clean. `.ci/run` installs Chromium and ChromeDriver; this test fails (never
//! skips) without them. Everything binds 127.0.0.1 and every wait is bounded.
#![allow(clippy::unwrap_used)]

mod common;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::pty::Pty;
use serde_json::{Value, json};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// One HTTP exchange with ChromeDriver: the JSON it answers.
fn call(addr: SocketAddr, method: &str, path: &str, body: Option<&Value>) -> Value {
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(5)).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    let body = body.map(Value::to_string).unwrap_or_default();
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).unwrap();
    // ChromeDriver keeps the connection open: read the head, then exactly Content-Length bytes.
    let mut raw = Vec::new();
    let mut byte = [0u8; 1];
    while !raw.ends_with(b"\r\n\r\n") {
        assert_eq!(stream.read(&mut byte).unwrap(), 1, "ChromeDriver closed early");
        raw.push(byte[0]);
    }
    let head = String::from_utf8(raw).unwrap().to_ascii_lowercase();
    let length: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .map(|v| v.trim().parse().unwrap())
        .unwrap_or_else(|| panic!("no Content-Length: {head}"));
    let mut body = vec![0u8; length];
    stream.read_exact(&mut body).unwrap();
    serde_json::from_slice(&body).unwrap()
}

/// A browser session, closed (and ChromeDriver stopped) on drop.
struct Browser {
    driver: Child,
    addr: SocketAddr,
    session: String,
    _profile: tempfile::TempDir,
}

impl Browser {
    fn start() -> Browser {
        for tool in [CHROMIUM, CHROMEDRIVER] {
            assert!(std::path::Path::new(tool).exists(), "{tool} is missing: apt-get install chromium chromium-driver");
        }
        let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let driver = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .arg("--allowed-ips=127.0.0.1")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_err() {
            assert!(Instant::now() < deadline, "ChromeDriver did not start");
            std::thread::sleep(Duration::from_millis(100));
        }
        let profile = tempfile::tempdir().unwrap();
        let capabilities = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:loggingPrefs": {"browser": "ALL"},
            "goog:chromeOptions": {"binary": CHROMIUM, "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--lang=en-US", "--window-size=412,915",
                format!("--user-data-dir={}", profile.path().display()),
            ]},
        }}});
        let answer = call(addr, "POST", "/session", Some(&capabilities));
        let session =
            answer["value"]["sessionId"].as_str().unwrap_or_else(|| panic!("no session: {answer}")).to_string();
        Browser { driver, addr, session, _profile: profile }
    }

    fn cmd(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let answer = call(self.addr, method, &format!("/session/{}{path}", self.session), body.as_ref());
        assert!(answer["value"].get("error").is_none(), "{method} {path}: {answer}");
        answer["value"].clone()
    }

    fn open(&self, url: &str) {
        self.cmd("POST", "/url", Some(json!({"url": url})));
    }

    fn find(&self, css: &str) -> String {
        let found = self.cmd("POST", "/element", Some(json!({"using": "css selector", "value": css})));
        found.as_object().and_then(|o| o.values().next()).and_then(Value::as_str).unwrap().to_string()
    }

    fn click(&self, css: &str) {
        let element = self.find(css);
        self.cmd("POST", &format!("/element/{element}/click"), Some(json!({})));
    }

    fn type_into(&self, css: &str, text: &str) {
        let element = self.find(css);
        self.cmd("POST", &format!("/element/{element}/value"), Some(json!({"text": text})));
    }

    fn script(&self, script: &str, args: Value) -> Value {
        self.cmd("POST", "/execute/sync", Some(json!({"script": script, "args": args})))
    }

    fn url(&self) -> String {
        self.cmd("GET", "/url", None).as_str().unwrap().to_string()
    }

    /// Waits (at most 10 s) until the page's address ends with `suffix` (a click that submits a form may
    /// return before the next page has come).
    fn wait_url(&self, suffix: &str) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while !self.url().ends_with(suffix) {
            assert!(Instant::now() < deadline, "still at {} waiting for {suffix}", self.url());
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn text(&self) -> String {
        self.script("return document.body.innerText", json!([])).as_str().unwrap().to_string()
    }

    /// The page's console messages so far (errors among them).
    fn console(&self) -> Vec<Value> {
        let logs =
            call(self.addr, "POST", &format!("/session/{}/se/log", self.session), Some(&json!({"type": "browser"})));
        logs["value"].as_array().cloned().unwrap_or_default()
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1))
            .map(|_| call(self.addr, "DELETE", &format!("/session/{}", self.session), None));
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

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
    let browser = Browser::start();

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

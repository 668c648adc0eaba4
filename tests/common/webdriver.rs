//! A small WebDriver client for Debian's Chromium through ChromeDriver (plain HTTP and JSON over loopback: no
//! crate needed), shared by the browser tests (room mode's phone page, the HTML report). It fails, never
//! skips, when Chromium or ChromeDriver is missing. Everything binds 127.0.0.1 and every wait is bounded.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// One HTTP exchange with ChromeDriver: the JSON it answers.
pub fn call(addr: SocketAddr, method: &str, path: &str, body: Option<&Value>) -> Value {
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

/// The bytes of standard base64 (what WebDriver's screenshot and print answer).
pub fn base64_decode(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => panic!("not base64: {c:?}"),
    };
    let digits: Vec<u8> = text.bytes().filter(|c| !c.is_ascii_whitespace() && *c != b'=').map(value).collect();
    let mut out = Vec::with_capacity(digits.len() * 3 / 4);
    for chunk in digits.chunks(4) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, &d)| n | u32::from(d) << (18 - 6 * i));
        out.extend_from_slice(&n.to_be_bytes()[1..chunk.len()]);
    }
    out
}

/// A browser session, closed (and ChromeDriver stopped) on drop.
pub struct Browser {
    driver: Child,
    addr: SocketAddr,
    session: String,
    _profile: tempfile::TempDir,
}

impl Browser {
    /// Chromium headless in a window of `width` x `height` CSS pixels, with every console message kept.
    pub fn start(width: u32, height: u32) -> Browser {
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
                "--disable-dev-shm-usage", "--lang=en-US", format!("--window-size={width},{height}"),
                format!("--user-data-dir={}", profile.path().display()),
            ]},
        }}});
        let answer = call(addr, "POST", "/session", Some(&capabilities));
        let session =
            answer["value"]["sessionId"].as_str().unwrap_or_else(|| panic!("no session: {answer}")).to_string();
        Browser { driver, addr, session, _profile: profile }
    }

    pub fn cmd(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let answer = call(self.addr, method, &format!("/session/{}{path}", self.session), body.as_ref());
        assert!(answer["value"].get("error").is_none(), "{method} {path}: {answer}");
        answer["value"].clone()
    }

    pub fn open(&self, url: &str) {
        self.cmd("POST", "/url", Some(json!({"url": url})));
    }

    pub fn find(&self, css: &str) -> String {
        let found = self.cmd("POST", "/element", Some(json!({"using": "css selector", "value": css})));
        found.as_object().and_then(|o| o.values().next()).and_then(Value::as_str).unwrap().to_string()
    }

    pub fn click(&self, css: &str) {
        let element = self.find(css);
        self.cmd("POST", &format!("/element/{element}/click"), Some(json!({})));
    }

    pub fn type_into(&self, css: &str, text: &str) {
        let element = self.find(css);
        self.cmd("POST", &format!("/element/{element}/value"), Some(json!({"text": text})));
    }

    pub fn script(&self, script: &str, args: Value) -> Value {
        self.cmd("POST", "/execute/sync", Some(json!({"script": script, "args": args})))
    }

    pub fn url(&self) -> String {
        self.cmd("GET", "/url", None).as_str().unwrap().to_string()
    }

    /// Waits (at most 10 s) until the page's address ends with `suffix` (a click that submits a form may
    /// return before the next page has come).
    pub fn wait_url(&self, suffix: &str) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while !self.url().ends_with(suffix) {
            assert!(Instant::now() < deadline, "still at {} waiting for {suffix}", self.url());
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn text(&self) -> String {
        self.script("return document.body.innerText", json!([])).as_str().unwrap().to_string()
    }

    /// The page's console messages so far (errors among them).
    pub fn console(&self) -> Vec<Value> {
        let logs =
            call(self.addr, "POST", &format!("/session/{}/se/log", self.session), Some(&json!({"type": "browser"})));
        logs["value"].as_array().cloned().unwrap_or_default()
    }

    /// The window as a PNG.
    pub fn screenshot(&self) -> Vec<u8> {
        base64_decode(self.cmd("GET", "/screenshot", None).as_str().unwrap())
    }

    /// The page printed to PDF on A4 (21 x 29.7 cm), backgrounds included, as "print to PDF" does.
    pub fn print_a4(&self) -> Vec<u8> {
        let options = json!({"page": {"width": 21.0, "height": 29.7}, "background": true, "orientation": "portrait"});
        base64_decode(self.cmd("POST", "/print", Some(options)).as_str().unwrap())
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

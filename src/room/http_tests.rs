use std::io::Cursor;
use std::sync::atomic::AtomicBool;

use super::*;

/// A request read from these bytes.
fn parse(raw: &[u8]) -> Result<Request, HttpError> {
    parse_request(&mut Cursor::new(raw))
}

/// A request head with these header lines, ended by the empty line.
fn head(start: &str, headers: &[&str]) -> Vec<u8> {
    let mut text = format!("{start}\r\n");
    for header in headers {
        text.push_str(header);
        text.push_str("\r\n");
    }
    text.push_str("\r\n");
    text.into_bytes()
}

fn pairs(fields: &[(&str, &str)]) -> Vec<(String, String)> {
    fields.iter().map(|&(n, v)| (n.to_owned(), v.to_owned())).collect()
}

// --- Reading requests ---

#[test]
fn a_get_with_query_and_headers_is_read() {
    let request = parse(&head(
        "GET /j/abc?group=Table+3&x=%C3%A9 HTTP/1.1",
        &["Host: 192.168.1.23:8765", "Accept:  text/html \t"],
    ))
    .unwrap();
    assert_eq!(request.method, Method::Get);
    assert_eq!(request.path, "/j/abc");
    assert_eq!(request.query, pairs(&[("group", "Table 3"), ("x", "é")]));
    assert_eq!(request.headers, pairs(&[("host", "192.168.1.23:8765"), ("accept", "text/html")]));
    assert!(request.body.is_empty());
}

#[test]
fn a_post_body_is_read_to_its_length_and_no_further() {
    let mut raw = head(
        "POST /idea HTTP/1.1",
        &["Host: x", "Content-Type: application/x-www-form-urlencoded", "Content-Length: 11"],
    );
    raw.extend_from_slice(b"text=hello+NEXT REQUEST");
    let mut reader = Cursor::new(&raw[..]);
    let request = parse_request(&mut reader).unwrap();
    assert_eq!(request.method, Method::Post);
    assert_eq!(request.body, b"text=hello+");
    assert_eq!(request.form().unwrap(), pairs(&[("text", "hello ")]));
    assert_eq!(&raw[usize::try_from(reader.position()).unwrap()..], b"NEXT REQUEST");
}

#[test]
fn head_requests_and_http_1_0_without_host_are_read() {
    assert_eq!(parse(&head("HEAD / HTTP/1.1", &["Host: x"])).unwrap().method, Method::Head);
    let request = parse(&head("GET / HTTP/1.0", &[])).unwrap();
    assert_eq!(request.path, "/");
}

#[test]
fn bare_lf_line_ends_are_accepted() {
    let request = parse(b"GET /a HTTP/1.1\nHost: x\n\n").unwrap();
    assert_eq!(request.path, "/a");
    assert_eq!(request.header("host"), Some("x"));
}

#[test]
fn header_names_are_matched_in_any_case() {
    let request =
        parse(&head("GET / HTTP/1.1", &["HOST: x", "X-Group-Name: Table 3", "x-group-name: second"])).unwrap();
    assert_eq!(request.header("x-group-name"), Some("Table 3"));
    assert_eq!(request.header("X-GROUP-NAME"), Some("Table 3"));
    assert_eq!(request.header("Host"), Some("x"));
    assert_eq!(request.header("missing"), None);
}

#[test]
fn cookies_are_found_by_exact_name_across_cookie_headers() {
    let request = parse(&head(
        "GET / HTTP/1.1",
        &["Host: x", "Cookie: theme=dark; group=\"t3\"", "cookie: seat=12;  room = abc ; empty="],
    ))
    .unwrap();
    assert_eq!(request.cookie("group"), Some("t3"));
    assert_eq!(request.cookie("theme"), Some("dark"));
    assert_eq!(request.cookie("room"), Some("abc"));
    assert_eq!(request.cookie("empty"), Some(""));
    assert_eq!(request.cookie("Group"), None);
    assert_eq!(request.cookie("missing"), None);
}

#[test]
fn only_get_post_and_head_are_allowed() {
    for method in ["PUT", "DELETE", "OPTIONS", "PATCH", "CONNECT", "TRACE", "get", "BREW"] {
        assert_eq!(
            parse(&head(&format!("{method} / HTTP/1.1"), &["Host: x"])),
            Err(HttpError::MethodNotAllowed),
            "{method}"
        );
    }
    let answer = HttpError::MethodNotAllowed.response().unwrap();
    assert_eq!(answer.status, 405);
    assert_eq!(answer.header("allow"), Some("GET, POST, HEAD"));
}

#[test]
fn malformed_request_lines_are_400() {
    for line in [
        "",
        "GET",
        "GET /",
        "GET  / HTTP/1.1",
        "GET / HTTP/1.1 extra",
        "GET / HTTP/1.1 ",
        "G(T / HTTP/1.1",
        "GET / HTTX/1.1",
        "GET / HTTP/1",
        "GET http://example.com/ HTTP/1.1",
        "GET * HTTP/1.1",
        "GET /\u{e9} HTTP/1.1",
        "GET /a\tb HTTP/1.1",
    ] {
        assert!(matches!(parse(&head(line, &["Host: x"])), Err(HttpError::BadRequest(_))), "{line:?}");
    }
    assert!(matches!(parse(b"GET /\xff HTTP/1.1\r\nHost: x\r\n\r\n"), Err(HttpError::BadRequest(_))));
}

#[test]
fn versions_other_than_1_0_and_1_1_are_505() {
    for version in ["HTTP/2.0", "HTTP/0.9", "HTTP/1.2"] {
        assert_eq!(parse(&head(&format!("GET / {version}"), &["Host: x"])), Err(HttpError::VersionNotSupported));
    }
}

#[test]
fn a_request_line_over_2_kib_is_414() {
    let target = |len: usize| format!("/{}", "a".repeat(len - 1));
    let fixed = "GET  HTTP/1.1".len();
    let longest = format!("GET {} HTTP/1.1", target(MAX_REQUEST_LINE - fixed));
    assert_eq!(longest.len(), MAX_REQUEST_LINE);
    assert!(parse(&head(&longest, &["Host: x"])).is_ok());
    let too_long = format!("GET {} HTTP/1.1", target(MAX_REQUEST_LINE - fixed + 1));
    assert_eq!(parse(&head(&too_long, &["Host: x"])), Err(HttpError::UriTooLong));
    // Without a line end at all, reading stops at the limit.
    let endless = vec![b'a'; 100_000];
    let mut reader = Cursor::new(&endless[..]);
    assert_eq!(parse_request(&mut reader), Err(HttpError::UriTooLong));
    assert!(reader.position() <= 2 * MAX_REQUEST_LINE as u64);
}

#[test]
fn more_than_50_headers_is_431() {
    let names: Vec<String> =
        (0..MAX_HEADERS).map(|i| if i == 0 { "Host: x".to_owned() } else { format!("X-{i}: v") }).collect();
    let lines: Vec<&str> = names.iter().map(String::as_str).collect();
    assert_eq!(parse(&head("GET / HTTP/1.1", &lines)).unwrap().headers.len(), MAX_HEADERS);
    let mut one_more = lines.clone();
    one_more.push("X-Last: v");
    assert_eq!(parse(&head("GET / HTTP/1.1", &one_more)), Err(HttpError::HeadersTooLarge));
}

#[test]
fn a_head_over_8_kib_is_431() {
    let fits = |padding: usize| {
        let big = format!("X-Pad: {}", "p".repeat(padding));
        head("GET / HTTP/1.1", &["Host: x", &big])
    };
    // "GET / HTTP/1.1\r\n" + "Host: x\r\n" + "X-Pad: " + padding + "\r\n" + "\r\n"
    let padding = MAX_HEAD - 16 - 9 - 7 - 2 - 2;
    assert_eq!(fits(padding).len(), MAX_HEAD);
    assert!(parse(&fits(padding)).is_ok());
    assert_eq!(fits(padding + 1).len(), MAX_HEAD + 1);
    assert_eq!(parse(&fits(padding + 1)), Err(HttpError::HeadersTooLarge));
    // Many short headers under the count limit but over the size limit.
    let long_values: Vec<String> = (0..40).map(|i| format!("X-{i}: {}", "v".repeat(250))).collect();
    let lines: Vec<&str> = std::iter::once("Host: x").chain(long_values.iter().map(String::as_str)).collect();
    assert_eq!(parse(&head("GET / HTTP/1.1", &lines)), Err(HttpError::HeadersTooLarge));
    // A head that never ends is refused once it passes the limit.
    let mut endless = b"GET / HTTP/1.1\r\nHost: x\r\nX-Pad: ".to_vec();
    endless.extend(std::iter::repeat_n(b'p', 100_000));
    let mut reader = Cursor::new(&endless[..]);
    assert_eq!(parse_request(&mut reader), Err(HttpError::HeadersTooLarge));
    assert!(reader.position() <= MAX_HEAD as u64);
}

#[test]
fn malformed_header_lines_are_400() {
    for line in [
        "No-Colon",
        ": empty-name",
        "Bad Name: v",
        "Name : v",
        " Folded: v",
        "\tFolded: v",
        "X(y): v",
        "X-Ctl: a\u{1}b",
        "X-Del: a\u{7f}b",
    ] {
        assert!(
            matches!(parse(&head("GET / HTTP/1.1", &["Host: x", line])), Err(HttpError::BadRequest(_))),
            "{line:?}"
        );
    }
    assert!(matches!(parse(b"GET / HTTP/1.1\r\nHost: x\r\nX: \xff\r\n\r\n"), Err(HttpError::BadRequest(_))));
}

#[test]
fn a_bare_cr_in_the_head_is_400() {
    assert!(matches!(parse(b"GET / HTTP/1.1\r\nHost: x\rX-Smuggled: y\r\n\r\n"), Err(HttpError::BadRequest(_))));
    assert!(matches!(parse(b"GET /\r HTTP/1.1\r\nHost: x\r\n\r\n"), Err(HttpError::BadRequest(_))));
}

#[test]
fn http_1_1_needs_exactly_one_host() {
    assert_eq!(parse(&head("GET / HTTP/1.1", &[])), Err(HttpError::BadRequest("missing Host")));
    assert_eq!(parse(&head("GET / HTTP/1.1", &["Host: a", "host: b"])), Err(HttpError::BadRequest("duplicate Host")));
    assert_eq!(parse(&head("GET / HTTP/1.0", &["Host: a", "Host: b"])), Err(HttpError::BadRequest("duplicate Host")));
}

#[test]
fn transfer_encodings_are_501() {
    for encoding in ["chunked", "gzip, chunked", "identity"] {
        let raw = head("POST / HTTP/1.1", &["Host: x", &format!("Transfer-Encoding: {encoding}")]);
        assert_eq!(parse(&raw), Err(HttpError::NotImplemented), "{encoding}");
    }
    // Even beside a Content-Length (the classic smuggling pair).
    let raw = head("POST / HTTP/1.1", &["Host: x", "Content-Length: 3", "Transfer-Encoding: chunked"]);
    assert_eq!(parse(&raw), Err(HttpError::NotImplemented));
}

#[test]
fn a_post_without_content_length_is_411() {
    assert_eq!(parse(&head("POST /idea HTTP/1.1", &["Host: x"])), Err(HttpError::LengthRequired));
}

#[test]
fn a_body_over_8_kib_is_413_and_none_of_it_is_read() {
    let mut raw = head("POST / HTTP/1.1", &["Host: x", &format!("Content-Length: {}", MAX_BODY + 1)]);
    let head_len = raw.len() as u64;
    raw.extend(std::iter::repeat_n(b'a', MAX_BODY + 1));
    let mut reader = Cursor::new(&raw[..]);
    assert_eq!(parse_request(&mut reader), Err(HttpError::PayloadTooLarge));
    assert_eq!(reader.position(), head_len);
    for huge in ["1000000", "18446744073709551616", "99999999999999999999999999999"] {
        let raw = head("POST / HTTP/1.1", &["Host: x", &format!("Content-Length: {huge}")]);
        assert_eq!(parse(&raw), Err(HttpError::PayloadTooLarge), "{huge}");
    }
    let answer = HttpError::PayloadTooLarge.response().unwrap();
    assert_eq!(answer.status, 413);
}

#[test]
fn a_body_of_exactly_8_kib_is_read() {
    let mut raw = head("POST / HTTP/1.1", &["Host: x", &format!("Content-Length: {MAX_BODY}")]);
    raw.extend(std::iter::repeat_n(b'a', MAX_BODY));
    assert_eq!(parse(&raw).unwrap().body.len(), MAX_BODY);
    let mut padded = head("POST / HTTP/1.1", &["Host: x", "Content-Length: 0003"]);
    padded.extend_from_slice(b"abc");
    assert_eq!(parse(&padded).unwrap().body, b"abc");
}

#[test]
fn duplicate_or_invalid_content_lengths_are_400() {
    for lengths in [&["Content-Length: 3", "Content-Length: 3"][..], &["Content-Length: 3", "content-length: 4"][..]] {
        let mut headers = vec!["Host: x"];
        headers.extend_from_slice(lengths);
        let mut raw = head("POST / HTTP/1.1", &headers);
        raw.extend_from_slice(b"abcd");
        assert_eq!(parse(&raw), Err(HttpError::BadRequest("duplicate Content-Length")), "{lengths:?}");
    }
    for value in ["", "-1", "+3", "3 ", "3, 3", "0x10", "3.0", "three", "1 2"] {
        let raw =
            format!("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: {value}x\r\n\r\n").replace("x\r\n\r\n", "\r\n\r\n");
        let result = parse(raw.as_bytes());
        // A trailing space is trimmed as OWS and "3" is then valid but the body is missing.
        if value == "3 " {
            assert_eq!(result, Err(HttpError::Closed));
        } else {
            assert_eq!(result, Err(HttpError::BadRequest("invalid Content-Length")), "{value:?}");
        }
    }
}

#[test]
fn a_request_cut_short_is_closed() {
    assert_eq!(parse(b""), Err(HttpError::Closed));
    assert_eq!(parse(b"GET / HTTP/1.1\r\nHost: x\r\n"), Err(HttpError::Closed));
    assert_eq!(parse(b"GET / HTT"), Err(HttpError::Closed));
    let mut raw = head("POST / HTTP/1.1", &["Host: x", "Content-Length: 10"]);
    raw.extend_from_slice(b"short");
    assert_eq!(parse(&raw), Err(HttpError::Closed));
    assert_eq!(HttpError::Closed.response(), None);
}

#[test]
fn a_bad_query_is_400() {
    assert!(matches!(parse(&head("GET /?a=%zz HTTP/1.1", &["Host: x"])), Err(HttpError::BadRequest(_))));
}

/// A reader that fails as a socket does when its read timeout passes.
struct TimingOut;

impl Read for TimingOut {
    fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
        Err(io::ErrorKind::WouldBlock.into())
    }
}

#[test]
fn a_read_timeout_is_408() {
    let mut reader = BufReader::new(Cursor::new(b"GET / HTTP/1.1\r\nHo".to_vec()).chain(TimingOut));
    assert_eq!(parse_request(&mut reader), Err(HttpError::Timeout));
    assert_eq!(HttpError::Timeout.response().unwrap().status, 408);
    assert_eq!(HttpError::from_io(&io::ErrorKind::TimedOut.into()), HttpError::Timeout);
    assert_eq!(
        HttpError::from_io(&io::ErrorKind::ConnectionReset.into()),
        HttpError::Io(io::ErrorKind::ConnectionReset)
    );
}

#[test]
fn every_error_with_a_status_answers_with_it_as_plain_text() {
    let errors = [
        (HttpError::BadRequest("x"), 400),
        (HttpError::MethodNotAllowed, 405),
        (HttpError::Timeout, 408),
        (HttpError::LengthRequired, 411),
        (HttpError::PayloadTooLarge, 413),
        (HttpError::UriTooLong, 414),
        (HttpError::HeadersTooLarge, 431),
        (HttpError::NotImplemented, 501),
        (HttpError::VersionNotSupported, 505),
    ];
    for (error, status) in errors {
        let answer = error.response().unwrap();
        assert_eq!(answer.status, status);
        assert_eq!(answer.header("content-type"), Some("text/plain; charset=utf-8"));
        assert_eq!(answer.body, error.message().into_bytes());
        assert!(error.message().ends_with(&format!("({error})")), "the exact reason at the end");
    }
}

// --- Forms ---

#[test]
fn forms_decode_plus_and_percent_escapes() {
    assert_eq!(
        form_urlencoded(b"idea=Solar+kiosk%21&group=T%C3%A9am%203&empty=&flag&a=b=c").unwrap(),
        pairs(&[("idea", "Solar kiosk!"), ("group", "Téam 3"), ("empty", ""), ("flag", ""), ("a", "b=c")])
    );
    assert_eq!(form_urlencoded(b"").unwrap(), pairs(&[]));
    assert_eq!(form_urlencoded(b"&&a=1&&").unwrap(), pairs(&[("a", "1")]));
    assert_eq!(form_urlencoded(b"%2B=%2b&%26=%3D").unwrap(), pairs(&[("+", "+"), ("&", "=")]));
    assert_eq!(form_urlencoded(b"line=a%0D%0Ab").unwrap(), pairs(&[("line", "a\r\nb")]));
}

#[test]
fn bad_escapes_and_invalid_utf8_in_forms_are_400() {
    for bad in [&b"a=%"[..], b"a=%4", b"a=%zz", b"a=%4g", b"%=1", b"a=%C3", b"a=%FF", b"a=\xff", b"a=%C3%28"] {
        assert!(matches!(form_urlencoded(bad), Err(HttpError::BadRequest(_))), "{}", String::from_utf8_lossy(bad));
    }
}

#[test]
fn forms_of_more_than_32_fields_are_refused() {
    let form = |n: usize| (0..n).map(|i| format!("f{i}=v")).collect::<Vec<_>>().join("&");
    assert_eq!(form_urlencoded(form(MAX_FORM_FIELDS).as_bytes()).unwrap().len(), MAX_FORM_FIELDS);
    assert_eq!(
        form_urlencoded(form(MAX_FORM_FIELDS + 1).as_bytes()),
        Err(HttpError::BadRequest("too many form fields"))
    );
}

// --- Responses ---

/// The response as written: its head lines and its body.
fn written(response: &Response, with_body: bool) -> (Vec<String>, Vec<u8>) {
    let mut bytes = Vec::new();
    if with_body {
        response.write_to(&mut bytes).unwrap();
    } else {
        response.write_head_to(&mut bytes).unwrap();
    }
    let end = bytes.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8(bytes[..end].to_vec()).unwrap();
    (head.split("\r\n").map(str::to_owned).collect(), bytes[end + 4..].to_vec())
}

#[test]
fn every_response_carries_the_framing_and_security_headers() {
    let page = "<!doctype html><p>Merci</p>".to_owned();
    let (lines, body) = written(&Response::html(200, page.clone()), true);
    assert_eq!(lines[0], "HTTP/1.1 200 OK");
    for expected in [
        format!("Content-Length: {}", page.len()),
        "Connection: close".to_owned(),
        "Cache-Control: no-store".to_owned(),
        "X-Content-Type-Options: nosniff".to_owned(),
        "Referrer-Policy: no-referrer".to_owned(),
        "Content-Security-Policy: default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'".to_owned(),
        "Content-Type: text/html; charset=utf-8".to_owned(),
    ] {
        assert_eq!(lines.iter().filter(|l| **l == expected).count(), 1, "{expected}\n{lines:#?}");
    }
    assert_eq!(body, page.as_bytes());
}

#[test]
fn not_found_says_404_and_nothing_more() {
    let (lines, body) = written(&Response::not_found(), true);
    assert_eq!(lines[0], "HTTP/1.1 404 Not Found");
    assert!(lines.contains(&"Content-Type: text/plain; charset=utf-8".to_owned()));
    assert_eq!(body, b"404");
}

#[test]
fn a_redirect_is_303_with_its_location_and_no_line_breaks() {
    let (lines, body) = written(&Response::redirect_see_other("/j/abc?sent=1"), true);
    assert_eq!(lines[0], "HTTP/1.1 303 See Other");
    assert!(lines.contains(&"Location: /j/abc?sent=1".to_owned()));
    assert!(lines.contains(&"Content-Length: 0".to_owned()));
    assert!(body.is_empty());
    let (lines, _) = written(&Response::redirect_see_other("/x\r\nSet-Cookie: evil=1\r\n\r\n<script>"), true);
    assert!(lines.contains(&"Location: /xSet-Cookie: evil=1<script>".to_owned()), "{lines:#?}");
    assert!(!lines.iter().any(|l| l.starts_with("Set-Cookie")));
}

#[test]
fn headers_with_line_breaks_or_reserved_names_are_refused() {
    let ok = Response::text(200, "ok");
    assert_eq!(ok.clone().with_header("Set-Cookie", "a=1\r\nX-Evil: 1").unwrap_err(), HeaderError::Invalid);
    assert_eq!(ok.clone().with_header("Set-Cookie", "a=1\nb").unwrap_err(), HeaderError::Invalid);
    assert_eq!(ok.clone().with_header("Set-Cookie", "a=1\0").unwrap_err(), HeaderError::Invalid);
    assert_eq!(ok.clone().with_header("X-Evil\r\nA", "1").unwrap_err(), HeaderError::Invalid);
    assert_eq!(ok.clone().with_header("", "1").unwrap_err(), HeaderError::Invalid);
    assert_eq!(ok.clone().with_header("Bad Name", "1").unwrap_err(), HeaderError::Invalid);
    for reserved in ["Content-Length", "connection", "Content-Security-Policy", "Cache-Control", "Transfer-Encoding"] {
        assert_eq!(ok.clone().with_header(reserved, "x").unwrap_err(), HeaderError::Reserved, "{reserved}");
    }
    let cookie = ok.with_header("Set-Cookie", "group=t3; HttpOnly; SameSite=Strict; Path=/").unwrap();
    let (lines, _) = written(&cookie, true);
    assert!(lines.contains(&"Set-Cookie: group=t3; HttpOnly; SameSite=Strict; Path=/".to_owned()));
}

#[test]
fn headers_pushed_past_the_builders_are_still_checked_when_written() {
    let mut response = Response::text(200, "ok");
    response.headers.push(("X-Evil".to_owned(), "1\r\nSet-Cookie: stolen=1".to_owned()));
    response.headers.push(("Bad\r\nName".to_owned(), "1".to_owned()));
    response.headers.push(("Content-Length".to_owned(), "0".to_owned()));
    response.headers.push(("content-security-policy".to_owned(), "default-src *".to_owned()));
    response.headers.push(("X-Fine".to_owned(), "yes".to_owned()));
    let (lines, body) = written(&response, true);
    assert!(!lines.iter().any(|l| l.contains("Evil") || l.contains("stolen") || l.contains("Bad")), "{lines:#?}");
    assert_eq!(lines.iter().filter(|l| l.to_ascii_lowercase().starts_with("content-length")).count(), 1);
    assert_eq!(lines.iter().filter(|l| l.to_ascii_lowercase().starts_with("content-security-policy")).count(), 1);
    assert!(lines.contains(&"Content-Length: 2".to_owned()));
    assert!(lines.contains(&"X-Fine: yes".to_owned()));
    assert_eq!(body, b"ok");
}

#[test]
fn a_head_answer_tells_the_length_but_sends_no_body() {
    let (lines, body) = written(&Response::html(200, "12345".to_owned()), false);
    assert!(lines.contains(&"Content-Length: 5".to_owned()));
    assert!(body.is_empty());
}

#[test]
fn odd_statuses_are_written_safely() {
    let (lines, _) = written(&Response::text(299, "x"), true);
    assert_eq!(lines[0], "HTTP/1.1 299 ");
    let (lines, _) = written(&Response::text(42, "x"), true);
    assert_eq!(lines[0], "HTTP/1.1 500 Internal Server Error");
}

// --- The server, on 127.0.0.1 only ---

/// Every test server listens on the loopback only, on a port the system picks.
fn loopback() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 0))
}

/// No client in these tests waits longer than this for anything.
const CLIENT_TIMEOUT: Duration = Duration::from_secs(10);

/// Answers with the method, the path and the body, so clients can check they got their own answer.
fn echo() -> Handler {
    Arc::new(|request: &Request, _peer: PeerInfo| {
        assert!(request.path != "/panic", "a handler bug");
        Response::html(200, format!("{:?} {} {}", request.method, request.path, String::from_utf8_lossy(&request.body)))
            .into()
    })
}

fn serving(limits: ServerLimits) -> Server {
    let mut server = Server::bind_with_limits(loopback(), limits).unwrap();
    server.serve(echo()).unwrap();
    server
}

fn connect(server: &Server) -> TcpStream {
    let stream = TcpStream::connect(server.local_addr()).unwrap();
    stream.set_read_timeout(Some(CLIENT_TIMEOUT)).unwrap();
    stream.set_write_timeout(Some(CLIENT_TIMEOUT)).unwrap();
    stream
}

/// Sends `raw` on a new connection and reads the whole answer.
fn exchange(server: &Server, raw: &[u8]) -> String {
    let mut stream = connect(server);
    stream.write_all(raw).unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).unwrap();
    String::from_utf8(answer).unwrap()
}

fn status(answer: &str) -> u16 {
    answer.get(9..12).and_then(|s| s.parse().ok()).unwrap_or(0)
}

fn body(answer: &str) -> &str {
    answer.split_once("\r\n\r\n").map_or("", |(_, body)| body)
}

/// Waits (at most ten seconds, checking every 10 ms) until `condition` holds; whether it did.
fn eventually(mut condition: impl FnMut() -> bool) -> bool {
    let give_up = Instant::now() + CLIENT_TIMEOUT;
    while Instant::now() < give_up {
        if condition() {
            return true;
        }
        thread::sleep(Duration::from_millis(10));
    }
    condition()
}

#[test]
fn the_server_reports_the_port_it_bound() {
    let server = Server::bind(loopback()).unwrap();
    assert_eq!(server.local_addr().ip(), IpAddr::from([127, 0, 0, 1]));
    assert_ne!(server.local_addr().port(), 0);
}

#[test]
fn two_hundred_requests_from_eight_threads_are_all_answered() {
    let server = serving(ServerLimits::default());
    let answered = thread::scope(|scope| {
        let clients: Vec<_> = (0..8)
            .map(|t| {
                let server = &server;
                scope.spawn(move || {
                    (0..25)
                        .filter(|i| {
                            let sent = format!("idea={t}-{i}");
                            let raw = format!(
                                "POST /c/{t}/{i} HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\n\r\n{sent}",
                                sent.len()
                            );
                            let answer = exchange(server, raw.as_bytes());
                            status(&answer) == 200 && body(&answer) == format!("Post /c/{t}/{i} {sent}")
                        })
                        .count()
                })
            })
            .collect();
        clients.into_iter().map(|c| c.join().unwrap()).sum::<usize>()
    });
    assert_eq!(answered, 200);
    assert_eq!(server.distinct_peers(), 1);
    assert_eq!(server.peers(), vec![(IpAddr::from([127, 0, 0, 1]), 200)]);
}

#[test]
fn a_get_and_a_head_are_answered() {
    let server = serving(ServerLimits::default());
    let answer = exchange(&server, b"GET /j/abc?x=1 HTTP/1.1\r\nHost: x\r\n\r\n");
    assert_eq!(status(&answer), 200);
    assert_eq!(body(&answer), "Get /j/abc ");
    assert!(answer.contains("\r\nConnection: close\r\n"));
    let answer = exchange(&server, b"HEAD /j/abc HTTP/1.1\r\nHost: x\r\n\r\n");
    assert_eq!(status(&answer), 200);
    assert!(answer.contains("\r\nContent-Length: 12\r\n"), "{answer}");
    assert_eq!(body(&answer), "");
}

#[test]
fn an_over_size_body_gets_413() {
    let server = serving(ServerLimits::default());
    let mut raw = format!("POST /idea HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\n\r\n", MAX_BODY + 1000).into_bytes();
    raw.extend(std::iter::repeat_n(b'a', MAX_BODY + 1000));
    let answer = exchange(&server, &raw);
    assert_eq!(status(&answer), 413, "{answer}");
    assert_eq!(body(&answer), HttpError::PayloadTooLarge.message());
    // Announced only: refused before any body is sent.
    let answer = exchange(&server, b"POST /idea HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999\r\n\r\n");
    assert_eq!(status(&answer), 413);
}

#[test]
fn protocol_errors_are_answered_over_the_network() {
    let server = serving(ServerLimits::default());
    assert_eq!(status(&exchange(&server, b"PUT / HTTP/1.1\r\nHost: x\r\n\r\n")), 405);
    assert_eq!(status(&exchange(&server, b"POST / HTTP/1.1\r\nHost: x\r\n\r\n")), 411);
    assert_eq!(
        status(&exchange(&server, b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")),
        501
    );
    assert_eq!(status(&exchange(&server, b"GET / HTTP/1.1\r\n\r\n")), 400);
    let long = format!("GET /{} HTTP/1.1\r\nHost: x\r\n\r\n", "a".repeat(MAX_REQUEST_LINE));
    assert_eq!(status(&exchange(&server, long.as_bytes())), 414);
    let mut raw = b"GET / HTTP/1.1\r\nHost: x\r\n".to_vec();
    for i in 0..=MAX_HEADERS {
        raw.extend_from_slice(format!("X-{i}: v\r\n").as_bytes());
    }
    raw.extend_from_slice(b"\r\n");
    assert_eq!(status(&exchange(&server, &raw)), 431);
}

#[test]
fn a_handler_that_panics_gets_500_and_the_server_goes_on() {
    let server = serving(ServerLimits { max_connections: 1, ..ServerLimits::default() });
    assert_eq!(status(&exchange(&server, b"GET /panic HTTP/1.1\r\nHost: x\r\n\r\n")), 500);
    assert_eq!(status(&exchange(&server, b"GET /fine HTTP/1.1\r\nHost: x\r\n\r\n")), 200);
}

/// Sends one byte a second (at most `max_bytes`) of a request that never ends, until the server answers,
/// the write fails or `stop` is set; the bytes sent and the answer.
fn trickle(stream: &mut TcpStream, max_bytes: usize, stop: &AtomicBool) -> (usize, String) {
    let request = format!("GET / HTTP/1.1\r\nHost: x\r\nX-Slow: {}", "s".repeat(max_bytes));
    stream.set_read_timeout(Some(Duration::from_secs(1))).unwrap();
    let mut answer = Vec::new();
    let mut sent = 0;
    for &byte in &request.as_bytes()[..max_bytes] {
        if stop.load(Ordering::SeqCst) || stream.write_all(&[byte]).is_err() {
            break;
        }
        sent += 1;
        // Waiting for an answer for a second paces the bytes.
        let mut scratch = [0u8; 512];
        match stream.read(&mut scratch) {
            Ok(0) => break,
            Ok(n) => {
                answer.extend_from_slice(&scratch[..n]);
                stream.set_read_timeout(Some(CLIENT_TIMEOUT)).unwrap();
                let _ = stream.read_to_end(&mut answer);
                break;
            }
            Err(e) if matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut) => {}
            Err(_) => break,
        }
    }
    (sent, String::from_utf8_lossy(&answer).into_owned())
}

#[test]
fn a_slow_client_is_cut_off_by_the_deadline() {
    let deadline = Duration::from_secs(2);
    let server = serving(ServerLimits { request_deadline: deadline, ..ServerLimits::default() });
    let mut slow = connect(&server);
    // At one byte a second the request would take a minute; the deadline ends it after about two bytes.
    let (sent, answer) = trickle(&mut slow, 60, &AtomicBool::new(false));
    assert_eq!(status(&answer), 408, "{answer}");
    assert!(sent < 60, "{sent}");
    assert!(eventually(|| server.active_connections() == 0));
}

/// Sets its flag when dropped, unwinding included.
struct SetOnDrop<'a>(&'a AtomicBool);

impl Drop for SetOnDrop<'_> {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

#[test]
fn a_slow_client_does_not_hold_up_the_others() {
    // A deadline longer than any client here waits: if the slow client held up the others, their reads
    // would time out and the test fail.
    let server = serving(ServerLimits { request_deadline: Duration::from_mins(1), ..ServerLimits::default() });
    let stop = AtomicBool::new(false);
    thread::scope(|scope| {
        let slow = scope.spawn(|| trickle(&mut connect(&server), 60, &stop));
        // Should an assertion fail, the slow client stops at once instead of trickling on for a minute.
        let _stop_on_failure = SetOnDrop(&stop);
        assert!(eventually(|| server.active_connections() == 1));
        for i in 0..20 {
            let answer = exchange(&server, format!("GET /quick/{i} HTTP/1.1\r\nHost: x\r\n\r\n").as_bytes());
            assert_eq!(status(&answer), 200);
            assert_eq!(body(&answer), format!("Get /quick/{i} "));
        }
        assert_eq!(server.active_connections(), 1, "the slow client is still being served");
        stop.store(true, Ordering::SeqCst);
        let (_, answer) = slow.join().unwrap();
        assert_eq!(answer, "", "the slow client was never answered");
    });
    assert!(eventually(|| server.active_connections() == 0));
}

#[test]
fn a_connection_beyond_the_limit_gets_503_at_once() {
    let server = serving(ServerLimits {
        max_connections: 2,
        request_deadline: Duration::from_mins(1),
        ..ServerLimits::default()
    });
    let idle: Vec<TcpStream> = (0..2).map(|_| connect(&server)).collect();
    assert!(eventually(|| server.active_connections() == 2));
    // Refused before the client sends anything: the answer does not wait for a request.
    let mut answer = String::new();
    connect(&server).read_to_string(&mut answer).unwrap();
    assert_eq!(status(&answer), 503, "{answer}");
    assert!(answer.contains("\r\nRetry-After: 1\r\n"));
    drop(idle);
    assert!(eventually(|| server.active_connections() == 0));
    assert_eq!(status(&exchange(&server, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")), 200);
    assert_eq!(server.distinct_peers(), 1);
}

#[test]
fn shutdown_stops_accepting_and_frees_the_port() {
    let mut server = serving(ServerLimits::default());
    let addr = server.local_addr();
    assert_eq!(status(&exchange(&server, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")), 200);
    server.shutdown();
    assert!(TcpStream::connect(addr).is_err());
    // Shutting down twice is harmless, and a stopped server does not serve again.
    server.shutdown();
    assert_eq!(server.serve(echo()).unwrap_err().kind(), io::ErrorKind::AlreadyExists);
}

#[test]
fn dropping_the_server_stops_it() {
    let addr = {
        let server = serving(ServerLimits::default());
        server.local_addr()
    };
    assert!(TcpStream::connect(addr).is_err());
}

#[test]
fn a_server_serves_once() {
    let mut server = serving(ServerLimits::default());
    assert_eq!(server.serve(echo()).unwrap_err().kind(), io::ErrorKind::AlreadyExists);
    assert_eq!(status(&exchange(&server, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")), 200);
}

// --- Answers given later ---

/// A server whose handler hands every connection to the test through `taken` (GET /panic: the handing on
/// panics instead).
fn serving_later(limits: ServerLimits) -> (Server, mpsc::Receiver<Responder>) {
    let (taken, responders) = mpsc::channel();
    let taken = Mutex::new(taken);
    let mut server = Server::bind_with_limits(loopback(), limits).unwrap();
    server
        .serve(Arc::new(move |request: &Request, _peer: PeerInfo| {
            let taken = taken.lock().unwrap().clone();
            let panics = request.path == "/panic";
            Reply::Later(Box::new(move |responder| {
                assert!(!panics, "a bug while handing on");
                taken.send(responder).unwrap();
            }))
        }))
        .unwrap();
    (server, responders)
}

#[test]
fn a_later_answer_is_written_from_another_thread_and_keeps_its_place_till_then() {
    let limits = ServerLimits { max_connections: 1, ..ServerLimits::default() };
    let (server, responders) = serving_later(limits);
    let mut stream = connect(&server);
    stream.write_all(b"POST /send HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi").unwrap();
    let responder = responders.recv_timeout(CLIENT_TIMEOUT).unwrap();
    // The worker is free, but the connection still holds the only place: another is told the server is busy.
    assert_eq!(server.active_connections(), 1);
    assert_eq!(status(&exchange(&server, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")), 503);
    thread::spawn(move || responder.respond(&Response::text(200, "later"))).join().unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    assert_eq!((status(&answer), body(&answer)), (200, "later"), "{answer}");
    assert!(eventually(|| server.active_connections() == 0));
}

#[test]
fn a_later_answer_never_given_is_503_try_again() {
    let (server, responders) = serving_later(ServerLimits::default());
    let mut stream = connect(&server);
    stream.write_all(b"GET /waiting HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    drop(responders.recv_timeout(CLIENT_TIMEOUT).unwrap());
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    assert_eq!(status(&answer), 503, "{answer}");
    assert!(answer.contains("Retry-After: 1\r\n"), "{answer}");
    // A panic while handing the connection on is the same: the phone is told to try again, the server goes on.
    assert_eq!(status(&exchange(&server, b"GET /panic HTTP/1.1\r\nHost: x\r\n\r\n")), 503);
    let mut stream = connect(&server);
    stream.write_all(b"HEAD / HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    responders.recv_timeout(CLIENT_TIMEOUT).unwrap().respond(&Response::text(200, "not sent"));
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    assert_eq!(status(&answer), 200);
    assert_eq!(body(&answer), "", "HEAD: the head only");
}

#[test]
fn a_large_later_answer_does_not_hold_up_its_caller_for_a_client_not_yet_reading() {
    let (server, responders) = serving_later(ServerLimits::default());
    let mut stream = connect(&server);
    stream.write_all(b"GET /big HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    let responder = responders.recv_timeout(CLIENT_TIMEOUT).unwrap();
    // Far more than the system buffers while the client reads nothing: written on the caller's thread, the
    // write would stop at its short timeout and the client would get a cut answer.
    let big = "x".repeat(4 << 20);
    responder.respond(&Response::text(200, &big));
    assert_eq!(server.active_connections(), 1, "the place is kept while the answer is written");
    thread::sleep(INLINE_WRITE_TIMEOUT * 2);
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    assert_eq!((status(&answer), body(&answer).len()), (200, big.len()));
    assert!(eventually(|| server.active_connections() == 0));
}

//! The room's web server core: HTTP/1.1 over `std::net`, one request per connection, hardened for a venue
//! Wi-Fi where anyone may connect. Every limit is small and fixed: the head, the headers, the body, the time
//! a request may take to arrive, the connections served at once. A request that breaks one is answered with
//! its status and a short fixed text (never an echo of what was sent), and the connection is closed.
//!
//! What is here: [`parse_request`] (a request from any reader), [`form_urlencoded`] (the fields of a form
//! or a query), [`Response`] (every answer carries the same strict security headers), [`escape_html`], and
//! [`Server`] (the accept thread and the bounded pool of workers that run a [`Handler`]), whose [`Reply`]
//! is a response now or the connection handed on as a [`Responder`], to answer later from another thread.
//!
//! Not supported, on purpose: keep-alive and pipelining (every response closes its connection), chunked
//! bodies, `Expect: 100-continue` (such a client sends its body after its own short wait), TLS (the room
//! is a local Wi-Fi; the join token in the URL is what keeps strangers out).

use std::collections::HashMap;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, Shutdown, SocketAddr, TcpListener, TcpStream};
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// The longest request line, in bytes without its line end (longer: 414).
pub const MAX_REQUEST_LINE: usize = 2048;
/// The most header fields a request may have (more: 431).
pub const MAX_HEADERS: usize = 50;
/// The longest request head, in bytes: request line, header fields and the empty line, line ends included
/// (longer: 431).
pub const MAX_HEAD: usize = 8192;
/// The largest request body, in bytes (larger: 413, and none of it is read).
pub const MAX_BODY: usize = 8192;
/// The most fields a form or a query may have (more: 400).
pub const MAX_FORM_FIELDS: usize = 32;

/// The Content-Security-Policy of every response: nothing may load but inline styles and `data:` images,
/// forms post only to the room's server, and no other site may frame the page.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; \
                                           form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// The response headers the server writes itself, on every response; a handler's headers of these names
/// are dropped, so no handler can weaken them or frame the message differently.
const SERVER_HEADERS: [&str; 7] = [
    "content-length",
    "connection",
    "transfer-encoding",
    "cache-control",
    "x-content-type-options",
    "referrer-policy",
    "content-security-policy",
];

/// What a request asks for; the room's pages need no other methods.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Fetch a page.
    Get,
    /// Send a form.
    Post,
    /// A page's headers only (some phones' link previews ask this first).
    Head,
}

/// Why a request was refused. Each kind but the last two has an HTTP status, and [`HttpError::response`]
/// the fixed answer for it; the messages quote nothing that came from the client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum HttpError {
    /// The request is malformed in the way named (400).
    #[error("bad request: {0}")]
    BadRequest(&'static str),
    /// A method other than GET, POST and HEAD (405).
    #[error("method not allowed")]
    MethodNotAllowed,
    /// The whole request did not arrive before the connection's deadline (408).
    #[error("request timed out")]
    Timeout,
    /// A POST without `Content-Length` (411).
    #[error("length required")]
    LengthRequired,
    /// A body over [`MAX_BODY`] (413).
    #[error("request body too large")]
    PayloadTooLarge,
    /// A request line over [`MAX_REQUEST_LINE`] (414).
    #[error("request line too long")]
    UriTooLong,
    /// More than [`MAX_HEADERS`] header fields, or a head over [`MAX_HEAD`] (431).
    #[error("request header fields too large")]
    HeadersTooLarge,
    /// A `Transfer-Encoding` (chunked or any other): only `Content-Length` bodies are read (501).
    #[error("transfer encodings are not implemented")]
    NotImplemented,
    /// Neither HTTP/1.0 nor HTTP/1.1 (505).
    #[error("HTTP version not supported")]
    VersionNotSupported,
    /// The client closed the connection before the request was complete: nobody to answer.
    #[error("connection closed before the request was complete")]
    Closed,
    /// Reading failed otherwise: nobody to answer.
    #[error("reading the request failed: {0}")]
    Io(io::ErrorKind),
}

impl HttpError {
    /// The HTTP status to answer with; `None` when there is nobody to answer.
    #[must_use]
    pub fn status(self) -> Option<u16> {
        match self {
            Self::BadRequest(_) => Some(400),
            Self::MethodNotAllowed => Some(405),
            Self::Timeout => Some(408),
            Self::LengthRequired => Some(411),
            Self::PayloadTooLarge => Some(413),
            Self::UriTooLong => Some(414),
            Self::HeadersTooLarge => Some(431),
            Self::NotImplemented => Some(501),
            Self::VersionNotSupported => Some(505),
            Self::Closed | Self::Io(_) => None,
        }
    }

    /// The answer to a refused request: its status and this error's message as plain text.
    #[must_use]
    pub fn response(self) -> Option<Response> {
        let response = Response::text(self.status()?, &self.message());
        Some(if self == Self::MethodNotAllowed {
            response.with_known_header("Allow", "GET, POST, HEAD")
        } else {
            response
        })
    }

    /// What a phone reads: what to do, in Indonesian and English (a phone may show either), then the
    /// exact reason (in English, as the protocol names it).
    #[must_use]
    pub fn message(self) -> String {
        let key = match self {
            Self::Timeout => "room.http.timeout",
            Self::PayloadTooLarge => "room.http.too_large",
            _ => "room.http.bad_request",
        };
        format!("{} · {} ({self})", rust_i18n::t!(key, locale = "id"), rust_i18n::t!(key, locale = "en"))
    }

    /// The error a failed read stands for.
    fn from_io(error: &io::Error) -> Self {
        match error.kind() {
            io::ErrorKind::UnexpectedEof => Self::Closed,
            io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => Self::Timeout,
            kind => Self::Io(kind),
        }
    }
}

/// One request, as read by [`parse_request`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// GET, POST or HEAD.
    pub method: Method,
    /// The target's path as sent, not percent-decoded (visible ASCII only, starting with `/`).
    pub path: String,
    /// The target's query, decoded as a form (empty without `?`).
    pub query: Vec<(String, String)>,
    /// The header fields in the order sent, names in lower case, values trimmed.
    pub headers: Vec<(String, String)>,
    /// The body: exactly `Content-Length` bytes, at most [`MAX_BODY`].
    pub body: Vec<u8>,
}

impl Request {
    /// The first value of the header field `name` (any case).
    #[must_use]
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// The value of the cookie `name` (exact case) from the `Cookie` header fields, without quotes.
    #[must_use]
    pub fn cookie(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .filter(|(n, _)| n == "cookie")
            .flat_map(|(_, v)| v.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(n, _)| n.trim() == name)
            .map(|(_, v)| {
                let v = v.trim();
                v.strip_prefix('"').and_then(|v| v.strip_suffix('"')).unwrap_or(v)
            })
    }

    /// The fields of the body, read as `application/x-www-form-urlencoded`.
    ///
    /// # Errors
    /// As [`form_urlencoded`].
    pub fn form(&self) -> Result<Vec<(String, String)>, HttpError> {
        form_urlencoded(&self.body)
    }
}

/// Reads one request from `reader`, holding it to every limit of this module. Nothing past the request's
/// body is consumed from `reader`, and no byte of a refused body (413).
///
/// # Errors
/// The [`HttpError`] for the first limit or rule the request breaks, or for the connection closing early.
pub fn parse_request<R: BufRead>(reader: &mut R) -> Result<Request, HttpError> {
    let (line, line_bytes) = read_line(reader, MAX_REQUEST_LINE + 2, HttpError::UriTooLong)?;
    if line.len() > MAX_REQUEST_LINE {
        return Err(HttpError::UriTooLong);
    }
    let start = parse_request_line(&line)?;
    let headers = read_headers(reader, MAX_HEAD.saturating_sub(line_bytes))?;
    check_host(start.http11, &headers)?;
    let body_len = body_length(start.method, &headers)?;
    let (path, query) = split_target(start.target)?;
    let mut body = vec![0; body_len];
    read_exact(reader, &mut body)?;
    Ok(Request { method: start.method, path, query, headers, body })
}

/// What the request line says.
struct RequestLine<'a> {
    method: Method,
    target: &'a str,
    /// HTTP/1.1 (rather than HTTP/1.0).
    http11: bool,
}

/// `METHOD SP target SP HTTP/1.x`, single spaces, the target in origin form (`/path?query`).
fn parse_request_line(line: &[u8]) -> Result<RequestLine<'_>, HttpError> {
    let malformed = HttpError::BadRequest("malformed request line");
    let text = std::str::from_utf8(line).map_err(|_| malformed)?;
    let mut parts = text.split(' ');
    let (Some(method), Some(target), Some(version), None) = (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(malformed);
    };
    if method.is_empty() || !method.bytes().all(is_tchar) {
        return Err(malformed);
    }
    let http11 = match version.strip_prefix("HTTP/").map(str::as_bytes) {
        Some(b"1.1") => true,
        Some(b"1.0") => false,
        Some([major, b'.', minor]) if major.is_ascii_digit() && minor.is_ascii_digit() => {
            return Err(HttpError::VersionNotSupported);
        }
        _ => return Err(malformed),
    };
    let method = match method {
        "GET" => Method::Get,
        "POST" => Method::Post,
        "HEAD" => Method::Head,
        _ => return Err(HttpError::MethodNotAllowed),
    };
    if !target.starts_with('/') || !target.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(HttpError::BadRequest("invalid request target"));
    }
    Ok(RequestLine { method, target, http11 })
}

/// The header fields up to the empty line, within `budget` bytes and [`MAX_HEADERS`] fields.
fn read_headers<R: BufRead>(reader: &mut R, mut budget: usize) -> Result<Vec<(String, String)>, HttpError> {
    let mut headers = Vec::new();
    loop {
        let (line, bytes) = read_line(reader, budget, HttpError::HeadersTooLarge)?;
        budget -= bytes;
        if line.is_empty() {
            return Ok(headers);
        }
        if headers.len() == MAX_HEADERS {
            return Err(HttpError::HeadersTooLarge);
        }
        headers.push(parse_header(&line)?);
    }
}

/// `name: value`: the name a token (no space before the colon), the value free of control characters.
fn parse_header(line: &[u8]) -> Result<(String, String), HttpError> {
    if line.first().is_some_and(|&b| b == b' ' || b == b'\t') {
        return Err(HttpError::BadRequest("folded header line"));
    }
    let colon = line.iter().position(|&b| b == b':').ok_or(HttpError::BadRequest("header line without colon"))?;
    let (name, value) = (&line[..colon], line[colon + 1..].trim_ascii());
    if name.is_empty() || !name.iter().copied().all(is_tchar) {
        return Err(HttpError::BadRequest("invalid header name"));
    }
    if value.iter().any(|&b| b.is_ascii_control() && b != b'\t') {
        return Err(HttpError::BadRequest("control character in header value"));
    }
    let value = std::str::from_utf8(value).map_err(|_| HttpError::BadRequest("header value is not UTF-8"))?;
    Ok((String::from_utf8_lossy(name).to_ascii_lowercase(), value.to_owned()))
}

/// HTTP/1.1 asks for exactly one `Host`; HTTP/1.0 for at most one.
fn check_host(http11: bool, headers: &[(String, String)]) -> Result<(), HttpError> {
    match headers.iter().filter(|(n, _)| n == "host").count() {
        0 if http11 => Err(HttpError::BadRequest("missing Host")),
        0 | 1 => Ok(()),
        _ => Err(HttpError::BadRequest("duplicate Host")),
    }
}

/// The body's length from the one `Content-Length`; a POST must have it, no request may have a
/// `Transfer-Encoding`.
fn body_length(method: Method, headers: &[(String, String)]) -> Result<usize, HttpError> {
    if headers.iter().any(|(n, _)| n == "transfer-encoding") {
        return Err(HttpError::NotImplemented);
    }
    let mut lengths = headers.iter().filter(|(n, _)| n == "content-length").map(|(_, v)| v.as_str());
    match (lengths.next(), lengths.next()) {
        (None, _) if method == Method::Post => Err(HttpError::LengthRequired),
        (None, _) => Ok(0),
        (Some(_), Some(_)) => Err(HttpError::BadRequest("duplicate Content-Length")),
        (Some(value), None) => parse_content_length(value),
    }
}

/// A `Content-Length` value: decimal digits only (no sign, no list), at most [`MAX_BODY`].
fn parse_content_length(value: &str) -> Result<usize, HttpError> {
    let invalid = HttpError::BadRequest("invalid Content-Length");
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid);
    }
    let digits = value.trim_start_matches('0');
    // More digits than MAX_BODY has is too large, however many (no overflow to parse).
    if digits.len() > 5 {
        return Err(HttpError::PayloadTooLarge);
    }
    let length: usize = if digits.is_empty() { 0 } else { digits.parse().map_err(|_| invalid)? };
    if length > MAX_BODY { Err(HttpError::PayloadTooLarge) } else { Ok(length) }
}

/// The target's path and its query's fields.
fn split_target(target: &str) -> Result<(String, Vec<(String, String)>), HttpError> {
    match target.split_once('?') {
        Some((path, query)) => Ok((path.to_owned(), form_urlencoded(query.as_bytes())?)),
        None => Ok((target.to_owned(), Vec::new())),
    }
}

/// One line, ended by LF (a CR before it is dropped), of at most `max_bytes` bytes line end included; the
/// line and how many bytes it took. At most `max_bytes` bytes are consumed from `reader`.
fn read_line<R: BufRead>(reader: &mut R, max_bytes: usize, too_long: HttpError) -> Result<(Vec<u8>, usize), HttpError> {
    let mut line = Vec::new();
    loop {
        let room = max_bytes - line.len();
        let (found, taken) = {
            let buffered = fill(reader)?;
            let window = &buffered[..buffered.len().min(room)];
            if let Some(end) = window.iter().position(|&b| b == b'\n') {
                line.extend_from_slice(&window[..end]);
                (true, end + 1)
            } else {
                line.extend_from_slice(window);
                (false, window.len())
            }
        };
        reader.consume(taken);
        if found {
            break;
        }
        if line.len() == max_bytes {
            return Err(too_long);
        }
    }
    let bytes = line.len() + 1;
    if line.last() == Some(&b'\r') {
        line.pop();
    }
    if line.contains(&b'\r') {
        return Err(HttpError::BadRequest("bare CR in request head"));
    }
    Ok((line, bytes))
}

/// The reader's buffered bytes, reading more if none are; never empty (the end of the input is
/// [`HttpError::Closed`]).
fn fill<R: BufRead>(reader: &mut R) -> Result<&[u8], HttpError> {
    loop {
        match reader.fill_buf() {
            Ok(_) => break,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(HttpError::from_io(&e)),
        }
    }
    // Data (or the end) is buffered now: this call reads nothing.
    match reader.fill_buf() {
        Ok([]) => Err(HttpError::Closed),
        Ok(buffered) => Ok(buffered),
        Err(e) => Err(HttpError::from_io(&e)),
    }
}

/// Exactly `buffer.len()` bytes, or why not.
fn read_exact<R: Read>(reader: &mut R, buffer: &mut [u8]) -> Result<(), HttpError> {
    reader.read_exact(buffer).map_err(|e| HttpError::from_io(&e))
}

/// A `tchar` of RFC 9110: the characters of a method or a header name.
fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// The fields of an `application/x-www-form-urlencoded` text (a form sent by POST, or a URL's query): `&`
/// between fields, `=` between name and value, `+` for a space, `%XX` for a byte; empty fields skipped,
/// a field without `=` has an empty value.
///
/// # Errors
/// 400 for a bad `%` escape, a field that is not UTF-8 once decoded, or more than [`MAX_FORM_FIELDS`] fields.
pub fn form_urlencoded(text: &[u8]) -> Result<Vec<(String, String)>, HttpError> {
    let mut fields = Vec::new();
    for field in text.split(|&b| b == b'&').filter(|f| !f.is_empty()) {
        if fields.len() == MAX_FORM_FIELDS {
            return Err(HttpError::BadRequest("too many form fields"));
        }
        let (name, value) = match field.iter().position(|&b| b == b'=') {
            Some(eq) => (&field[..eq], &field[eq + 1..]),
            None => (field, &b""[..]),
        };
        fields.push((percent_decode(name)?, percent_decode(value)?));
    }
    Ok(fields)
}

/// One name or value of a form, decoded.
fn percent_decode(raw: &[u8]) -> Result<String, HttpError> {
    let mut bytes = Vec::with_capacity(raw.len());
    let mut rest = raw;
    while let Some((&b, tail)) = rest.split_first() {
        rest = tail;
        match b {
            b'+' => bytes.push(b' '),
            b'%' => {
                let escape = rest.get(..2).and_then(|hex| Some(hex_value(hex[0])? << 4 | hex_value(hex[1])?));
                bytes.push(escape.ok_or(HttpError::BadRequest("bad percent escape in form"))?);
                rest = &rest[2..];
            }
            _ => bytes.push(b),
        }
    }
    String::from_utf8(bytes).map_err(|_| HttpError::BadRequest("form field is not UTF-8"))
}

/// The value of a hexadecimal digit.
fn hex_value(digit: u8) -> Option<u8> {
    char::from(digit).to_digit(16).and_then(|d| u8::try_from(d).ok())
}

/// The one HTML escaper, shared with the HTML report (`model::text`, so neither depends on the other).
pub use crate::model::text::escape_html;

/// Why a header cannot go on a response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum HeaderError {
    /// The name is not a token, or the value holds a control character (CR and LF among them: no handler
    /// can inject a header or split the response).
    #[error("a response header's name must be a token and its value must hold no control characters")]
    Invalid,
    /// The server writes this header itself (see [`Response::write_to`]).
    #[error("the server writes this response header itself")]
    Reserved,
}

/// One answer: a status, the handler's headers, a body. [`Response::write_to`] adds the framing and the
/// security headers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// The HTTP status (one outside 100–599 is written as 500).
    pub status: u16,
    /// The handler's headers. One that is invalid or that the server writes itself is dropped when
    /// written; [`Response::with_header`] refuses them up front.
    pub headers: Vec<(String, String)>,
    /// The body (not written for HEAD).
    pub body: Vec<u8>,
}

impl Response {
    /// A page: `text/html; charset=utf-8`.
    #[must_use]
    pub fn html(status: u16, page: String) -> Self {
        Self { status, headers: Vec::new(), body: page.into_bytes() }
            .with_known_header("Content-Type", "text/html; charset=utf-8")
    }

    /// A short message as plain text (`text/plain; charset=utf-8`; with `nosniff` no browser reads it as
    /// HTML).
    #[must_use]
    pub fn text(status: u16, message: &str) -> Self {
        Self { status, headers: Vec::new(), body: message.as_bytes().to_vec() }
            .with_known_header("Content-Type", "text/plain; charset=utf-8")
    }

    /// 303 See Other to `location` (after a POST, so reloading does not post again). Control characters
    /// in `location` are dropped: no header can be injected through it.
    #[must_use]
    pub fn redirect_see_other(location: &str) -> Self {
        let location: String = location.chars().filter(|c| !c.is_control()).collect();
        Self { status: 303, headers: vec![("Location".to_owned(), location)], body: Vec::new() }
    }

    /// 404 with the body `404` and nothing else: which paths exist, or why one does not, is not told.
    #[must_use]
    pub fn not_found() -> Self {
        Self::text(404, "404")
    }

    /// This response with one more header (several of one name are allowed, as for `Set-Cookie`).
    ///
    /// # Errors
    /// [`HeaderError::Invalid`] for a name that is not a token or a value with a control character (CR,
    /// LF...), [`HeaderError::Reserved`] for a header the server writes itself.
    pub fn with_header(mut self, name: &str, value: &str) -> Result<Self, HeaderError> {
        if !header_is_valid(name, value) {
            return Err(HeaderError::Invalid);
        }
        if is_server_header(name) {
            return Err(HeaderError::Reserved);
        }
        self.headers.push((name.to_owned(), value.to_owned()));
        Ok(self)
    }

    /// A header this module knows to be valid.
    fn with_known_header(mut self, name: &str, value: &str) -> Self {
        debug_assert!(header_is_valid(name, value) && !is_server_header(name));
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// The first value of the header `name` (any case) among the handler's headers.
    #[must_use]
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// Writes the response: the status line, `Content-Length`, `Connection: close`, `Cache-Control:
    /// no-store`, `X-Content-Type-Options: nosniff`, `Referrer-Policy: no-referrer`, the
    /// [`CONTENT_SECURITY_POLICY`], then the handler's valid headers, then the body, in one write.
    ///
    /// # Errors
    /// When writing fails.
    pub fn write_to<W: Write>(&self, writer: &mut W) -> io::Result<()> {
        self.write_with(writer, true)
    }

    /// Writes the response as [`Response::write_to`] does but without the body, for a HEAD request
    /// (`Content-Length` still tells the body's length).
    ///
    /// # Errors
    /// When writing fails.
    pub fn write_head_to<W: Write>(&self, writer: &mut W) -> io::Result<()> {
        self.write_with(writer, false)
    }

    fn write_with<W: Write>(&self, writer: &mut W, with_body: bool) -> io::Result<()> {
        let status = if (100..=599).contains(&self.status) { self.status } else { 500 };
        let mut head = format!(
            "HTTP/1.1 {status} {}\r\nContent-Length: {}\r\nConnection: close\r\nCache-Control: no-store\r\n\
             X-Content-Type-Options: nosniff\r\nReferrer-Policy: no-referrer\r\n\
             Content-Security-Policy: {CONTENT_SECURITY_POLICY}\r\n",
            reason_phrase(status),
            self.body.len()
        );
        for (name, value) in &self.headers {
            if header_is_valid(name, value) && !is_server_header(name) {
                for part in [name.as_str(), ": ", value.as_str(), "\r\n"] {
                    head.push_str(part);
                }
            }
        }
        head.push_str("\r\n");
        let mut bytes = head.into_bytes();
        if with_body {
            bytes.extend_from_slice(&self.body);
        }
        writer.write_all(&bytes)?;
        writer.flush()
    }
}

/// A header name that is a token, and a value without control characters (tab allowed).
fn header_is_valid(name: &str, value: &str) -> bool {
    !name.is_empty() && name.bytes().all(is_tchar) && !value.chars().any(|c| c.is_control() && c != '\t')
}

/// Whether the server writes the header `name` itself.
fn is_server_header(name: &str) -> bool {
    SERVER_HEADERS.iter().any(|h| h.eq_ignore_ascii_case(name))
}

/// The reason phrase of the statuses the room uses; empty (as HTTP allows) for others.
fn reason_phrase(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        303 => "See Other",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        411 => "Length Required",
        413 => "Content Too Large",
        414 => "URI Too Long",
        415 => "Unsupported Media Type",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        503 => "Service Unavailable",
        505 => "HTTP Version Not Supported",
        _ => "",
    }
}

/// Who sent a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PeerInfo {
    /// The client's address and port (a phone on the venue Wi-Fi).
    pub addr: SocketAddr,
}

/// What answers the requests: called on a worker thread, once per request. A handler that panics is
/// answered with 500 and the worker goes on (the panic still passes through the process's panic hook).
pub type Handler = Arc<dyn Fn(&Request, PeerInfo) -> Reply + Send + Sync>;

/// A handler's answer to one request: its response now, or the connection handed on to be answered later.
pub enum Reply {
    /// Written by the worker at once.
    Now(Response),
    /// Called on the worker with the connection as a [`Responder`], which it hands on (to the app, say) and
    /// which answers when its owner is ready, from any thread. The worker goes on to the next connection
    /// meanwhile: a request waiting for the app's disk takes up no thread. A panic here drops the
    /// responder, which answers 503.
    Later(Box<dyn FnOnce(Responder) + Send>),
}

impl From<Response> for Reply {
    fn from(response: Response) -> Reply {
        Reply::Now(response)
    }
}

/// A connection whose request was read and whose answer comes later ([`Reply::Later`]). It keeps its place
/// among [`ServerLimits::max_connections`] until it answers. Dropped without an answer (its owner went
/// away), it answers 503 "try again".
pub struct Responder {
    stream: Option<TcpStream>,
    head_only: bool,
    /// The server's [`ServerLimits::write_timeout`], for an answer written by a thread of its own.
    write_timeout: Duration,
    _slot: Slot,
}

/// The largest body a later answer writes on its caller's thread: with its head it fits in the system's
/// send buffer of a new connection (16 KiB on Linux), so the write returns at once whatever the client does.
/// A larger one is written by a thread of its own, so that a client that stops reading holds up nobody else.
const INLINE_BODY: usize = 12 * 1024;

/// The longest a later answer's write on its caller's thread may block (it should not block at all).
const INLINE_WRITE_TIMEOUT: Duration = Duration::from_millis(200);

impl Responder {
    /// Writes the response (its head only for HEAD) and closes the connection. Never blocks its caller for
    /// long: an answer larger than [`INLINE_BODY`] is written by a thread of its own (which keeps the
    /// connection's place till it is done).
    pub fn respond(mut self, response: &Response) {
        let Some(stream) = self.stream.take() else { return };
        if response.body.len() <= INLINE_BODY || self.head_only {
            Self::write(&stream, response, self.head_only, INLINE_WRITE_TIMEOUT);
            return;
        }
        let (response, timeout) = (response.clone(), self.write_timeout);
        // Should no thread start, the connection is closed unanswered (the phone tries again).
        let _ = thread::Builder::new().name("room-http-answer".to_owned()).spawn(move || {
            Self::write(&stream, &response, false, timeout);
            drop(self);
        });
    }

    fn write(stream: &TcpStream, response: &Response, head_only: bool, timeout: Duration) {
        // A client that went away needs no answer.
        if stream.set_write_timeout(Some(timeout)).is_ok() {
            let _ = if head_only { response.write_head_to(&mut &*stream) } else { response.write_to(&mut &*stream) };
        }
    }
}

impl Drop for Responder {
    fn drop(&mut self) {
        if let Some(stream) = self.stream.take() {
            Self::write(&stream, &busy_response(), self.head_only, INLINE_WRITE_TIMEOUT);
        }
    }
}

/// How much a [`Server`] takes on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServerLimits {
    /// Connections served at once (the worker threads); one more is answered 503 and closed at once.
    pub max_connections: usize,
    /// The time a whole request (head and body) has to arrive from the moment its connection is taken
    /// up; past it the client gets 408, however steadily it trickles bytes.
    pub request_deadline: Duration,
    /// The longest a single write of the response may block.
    pub write_timeout: Duration,
    /// After a refusal that left part of a request unread (413...), how long the server goes on reading
    /// and discarding it, so that closing does not reset the connection before the client reads the answer.
    pub linger: Duration,
}

impl Default for ServerLimits {
    fn default() -> Self {
        Self {
            max_connections: 16,
            request_deadline: Duration::from_secs(5),
            write_timeout: Duration::from_secs(5),
            linger: Duration::from_secs(1),
        }
    }
}

/// How long the accept thread pauses after a failed accept (out of file descriptors...).
const ACCEPT_POLL: Duration = Duration::from_millis(20);
/// Connections the system holds for the accept thread: a room of phones may all send at once.
const LISTEN_BACKLOG: i32 = 1024;
/// How long `shutdown` tries to reach its own listener to wake the accept thread.
const WAKE_TIMEOUT: Duration = Duration::from_millis(500);
/// The most bytes discarded while lingering.
const LINGER_BYTES: u64 = 64 * 1024;
/// The longest the accept thread spends answering 503.
const BUSY_WRITE_TIMEOUT: Duration = Duration::from_millis(200);
/// The most client addresses counted; more are served but not counted (memory stays bounded).
const MAX_TRACKED_PEERS: usize = 4096;

/// The room's web server: a listening socket, then ([`Server::serve`]) an accept thread and a pool of
/// [`ServerLimits::max_connections`] worker threads, each serving one connection at a time, one request
/// per connection (a connection answered later keeps its place, not its worker). Dropping it stops it as
/// [`Server::shutdown`] does.
pub struct Server {
    listener: Option<TcpListener>,
    local_addr: SocketAddr,
    limits: ServerLimits,
    shared: Arc<Shared>,
    accept_thread: Option<JoinHandle<()>>,
}

/// What the accept thread, the workers and the [`Server`] share.
#[derive(Default)]
struct Shared {
    /// Set to stop the accept thread.
    stop: AtomicBool,
    /// Connections taken up and not yet done with.
    busy: AtomicUsize,
    /// Connections accepted from each client address.
    peers: Mutex<HashMap<IpAddr, u64>>,
}

impl Shared {
    /// Counts one more connection from `ip`.
    fn note_peer(&self, ip: IpAddr) {
        let mut peers = self.peers.lock().unwrap_or_else(PoisonError::into_inner);
        let known = peers.len();
        if let Some(count) = peers.get_mut(&ip) {
            *count += 1;
        } else if known < MAX_TRACKED_PEERS {
            peers.insert(ip, 1);
        }
    }
}

/// One of the [`ServerLimits::max_connections`] places; given back when dropped.
struct Slot(Arc<Shared>);

impl Slot {
    /// A place, if fewer than `max` are taken.
    fn take(shared: &Arc<Shared>, max: usize) -> Option<Self> {
        if shared.busy.fetch_add(1, Ordering::SeqCst) < max {
            Some(Self(Arc::clone(shared)))
        } else {
            shared.busy.fetch_sub(1, Ordering::SeqCst);
            None
        }
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.busy.fetch_sub(1, Ordering::SeqCst);
    }
}

/// A connection handed to a worker.
struct Job {
    stream: TcpStream,
    peer: SocketAddr,
    slot: Slot,
}

impl Server {
    /// Listens on `addr` (port 0: any free port, see [`Server::local_addr`]) with the default limits.
    ///
    /// # Errors
    /// When the address cannot be bound (in use, not this machine's...).
    pub fn bind(addr: SocketAddr) -> io::Result<Self> {
        Self::bind_with_limits(addr, ServerLimits::default())
    }

    /// Listens on `addr` with these limits.
    ///
    /// # Errors
    /// When the address cannot be bound.
    pub fn bind_with_limits(addr: SocketAddr, limits: ServerLimits) -> io::Result<Self> {
        // Blocking: the accept thread takes each connection the moment it comes (a burst of phones is not kept
        // waiting by a polling interval); `shutdown` wakes it with a connection of its own.
        let socket = socket2::Socket::new(socket2::Domain::for_address(addr), socket2::Type::STREAM, None)?;
        socket.bind(&addr.into())?;
        socket.listen(LISTEN_BACKLOG)?;
        let listener: TcpListener = socket.into();
        let local_addr = listener.local_addr()?;
        Ok(Self { listener: Some(listener), local_addr, limits, shared: Arc::default(), accept_thread: None })
    }

    /// The address actually bound (the port the system chose for port 0).
    #[must_use]
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// Starts answering requests with `handler`: the worker threads, then the accept thread. Returns at once.
    ///
    /// # Errors
    /// When the server serves already or was shut down, or a thread cannot be started (the server is
    /// closed then).
    pub fn serve(&mut self, handler: Handler) -> io::Result<()> {
        let listener = self
            .listener
            .take()
            .ok_or_else(|| io::Error::new(io::ErrorKind::AlreadyExists, "the room's server is serving already"))?;
        let (jobs, queue) = mpsc::channel::<Job>();
        let queue = Arc::new(Mutex::new(queue));
        for (i, handler) in std::iter::repeat_n(handler, self.limits.max_connections.max(1)).enumerate() {
            let (queue, limits) = (Arc::clone(&queue), self.limits);
            // On an error the workers started so far end as `jobs` is dropped.
            thread::Builder::new().name(format!("room-http-{i}")).spawn(move || work(&queue, &handler, &limits))?;
        }
        let (shared, limits) = (Arc::clone(&self.shared), self.limits);
        let accept = thread::Builder::new()
            .name("room-http-accept".to_owned())
            .spawn(move || accept_loop(&listener, &jobs, &shared, &limits))?;
        self.accept_thread = Some(accept);
        Ok(())
    }

    /// How many client addresses have connected since the server started serving (phones in the room,
    /// roughly: one address each on the venue Wi-Fi).
    #[must_use]
    pub fn distinct_peers(&self) -> usize {
        self.shared.peers.lock().unwrap_or_else(PoisonError::into_inner).len()
    }

    /// Each client address that has connected, with how many connections it opened, by address.
    #[must_use]
    pub fn peers(&self) -> Vec<(IpAddr, u64)> {
        let mut peers: Vec<(IpAddr, u64)> =
            self.shared.peers.lock().unwrap_or_else(PoisonError::into_inner).iter().map(|(&ip, &n)| (ip, n)).collect();
        peers.sort_unstable();
        peers
    }

    /// Connections being served now.
    #[must_use]
    pub fn active_connections(&self) -> usize {
        self.shared.busy.load(Ordering::SeqCst)
    }

    /// Stops accepting connections, closes the listening socket and waits for the accept thread (at most
    /// one poll interval). Connections already taken up are finished by their workers, which then end;
    /// each is bounded by the request deadline, the handler and the write timeout.
    pub fn shutdown(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        self.listener = None;
        if let Some(accept) = self.accept_thread.take() {
            // The accept thread waits in `accept`: a connection of our own wakes it to see the order to stop
            // (and close the socket). Should no connection get through, it ends with the next client instead.
            let mut wake = self.local_addr;
            if wake.ip().is_unspecified() {
                wake.set_ip(if wake.is_ipv4() { Ipv4Addr::LOCALHOST.into() } else { Ipv6Addr::LOCALHOST.into() });
            }
            let woken = (0..3).any(|_| TcpStream::connect_timeout(&wake, WAKE_TIMEOUT).is_ok());
            if woken {
                // A panic of the accept thread has nothing left to clean up.
                let _ = accept.join();
            }
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// The accept thread: takes up each connection, or answers 503 when every place is taken, until told to
/// stop. Dropping `jobs` when it ends lets the idle workers end.
fn accept_loop(listener: &TcpListener, jobs: &Sender<Job>, shared: &Arc<Shared>, limits: &ServerLimits) {
    loop {
        let accepted = listener.accept();
        if shared.stop.load(Ordering::SeqCst) {
            return;
        }
        match accepted {
            Ok((stream, peer)) => admit(stream, peer, jobs, shared, limits),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            // Anything else (out of file descriptors...): pause, not spin.
            Err(_) => thread::sleep(ACCEPT_POLL),
        }
    }
}

/// One accepted connection: counted, then handed to a worker or refused.
fn admit(stream: TcpStream, peer: SocketAddr, jobs: &Sender<Job>, shared: &Arc<Shared>, limits: &ServerLimits) {
    shared.note_peer(peer.ip().to_canonical());
    // Some systems hand the listener's non-blocking mode down to accepted sockets.
    if stream.set_nonblocking(false).is_err() {
        return;
    }
    match Slot::take(shared, limits.max_connections) {
        // Sending fails only once every worker is gone; the job is dropped, closing the connection.
        Some(slot) => drop(jobs.send(Job { stream, peer, slot })),
        None => refuse_busy(&stream),
    }
}

/// 503 "busy, try again", in both languages.
fn busy_response() -> Response {
    let message = format!(
        "{} · {}",
        rust_i18n::t!("room.http.busy", locale = "id"),
        rust_i18n::t!("room.http.busy", locale = "en")
    );
    Response::text(503, &message).with_known_header("Retry-After", "1")
}

/// 503 and close, without waiting on the client.
fn refuse_busy(stream: &TcpStream) {
    if stream.set_write_timeout(Some(BUSY_WRITE_TIMEOUT)).is_ok() {
        let _ = busy_response().write_to(&mut &*stream);
    }
    discard_pending(stream);
}

/// Reads and drops what the client has sent already, without waiting: closing a socket with unread
/// bytes resets the connection, and the client might lose the answer.
fn discard_pending(stream: &TcpStream) {
    if stream.set_nonblocking(true).is_err() {
        return;
    }
    let mut scratch = [0u8; 4096];
    for _ in 0..4 {
        match (&*stream).read(&mut scratch) {
            Ok(n) if n > 0 => {}
            _ => break,
        }
    }
}

/// A worker thread: serves connections from the queue until the accept thread is gone.
fn work(queue: &Mutex<Receiver<Job>>, handler: &Handler, limits: &ServerLimits) {
    loop {
        let job = queue.lock().unwrap_or_else(PoisonError::into_inner).recv();
        match job {
            Ok(job) => serve_connection(job, handler, limits),
            Err(_) => return,
        }
    }
}

/// One connection: read the request within the deadline, answer it (or the error), close.
fn serve_connection(job: Job, handler: &Handler, limits: &ServerLimits) {
    let Job { stream, peer, slot } = job;
    if stream.set_write_timeout(Some(limits.write_timeout)).is_err() {
        return;
    }
    let deadline = Instant::now() + limits.request_deadline;
    let parsed = parse_request(&mut BufReader::new(DeadlineReader { stream: &stream, deadline }));
    match parsed {
        Ok(request) => match respond(handler, &request, PeerInfo { addr: peer }) {
            Reply::Now(response) => {
                // A client that went away needs no answer.
                let _ = if request.method == Method::Head {
                    response.write_head_to(&mut &stream)
                } else {
                    response.write_to(&mut &stream)
                };
                // The place is free once the answer is out; closing takes no time.
                drop(slot);
            }
            Reply::Later(hand_on) => {
                let responder = Responder {
                    stream: Some(stream),
                    head_only: request.method == Method::Head,
                    write_timeout: limits.write_timeout,
                    _slot: slot,
                };
                // A panic drops the responder, which answers 503.
                let _ = panic::catch_unwind(AssertUnwindSafe(|| hand_on(responder)));
            }
        },
        Err(error) => {
            let answered = error.response().is_some_and(|response| response.write_to(&mut &stream).is_ok());
            if answered && error != HttpError::Timeout {
                linger(&stream, limits.linger);
            }
            drop(slot);
        }
    }
}

/// The handler's reply; 500 if it panics.
fn respond(handler: &Handler, request: &Request, peer: PeerInfo) -> Reply {
    panic::catch_unwind(AssertUnwindSafe(|| handler(request, peer))).unwrap_or_else(|_| {
        let key = "room.http.internal";
        let message = format!("{} · {}", rust_i18n::t!(key, locale = "id"), rust_i18n::t!(key, locale = "en"));
        Reply::Now(Response::text(500, &message))
    })
}

/// After answering a refused request: tells the client nothing more comes, then reads and drops what it
/// still sends, for at most `time` and [`LINGER_BYTES`], so that closing does not reset the connection
/// before the client has read the answer.
fn linger(stream: &TcpStream, time: Duration) {
    if stream.shutdown(Shutdown::Write).is_err() {
        return;
    }
    let mut rest = DeadlineReader { stream, deadline: Instant::now() + time }.take(LINGER_BYTES);
    let _ = io::copy(&mut rest, &mut io::sink());
}

/// Reads a connection with one deadline for everything: each read may wait only for what is left of it,
/// so a client that trickles a byte at a time is still cut off.
struct DeadlineReader<'a> {
    stream: &'a TcpStream,
    deadline: Instant,
}

impl Read for DeadlineReader<'_> {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        let left = self.deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(io::ErrorKind::TimedOut.into());
        }
        self.stream.set_read_timeout(Some(left))?;
        (&*self.stream).read(buffer)
    }
}

#[cfg(test)]
#[path = "http_tests.rs"]
mod tests;

//! The coach's remote: the coach's view on the coach's own phone, under `/c/COACHTOKEN/` (a second token,
//! shown only on the coach's screen, never on the wall nor on any page under `/j/`). It owns that page and
//! what its buttons ask of the app; the phones' pages and the shared helpers are `site`'s.
//!
//! - `GET  /c/T/`     the lab, the block on the wall and the next, the block's coach notes, the timer, the
//!   queue of what the phones sent; reloads itself every 5 s
//! - `POST /c/T/do`   fields `do` (`prev`, `next`, `timer`, `plus`, `approve`, `reject`), `id` (a
//!   submission's, for `approve` and `reject`) and `csrf`; answered 303 back to the page once the change is
//!   on disk, with a short message (`?m=`) when the app refused it

use std::fmt::Write as _;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use chrono::Offset as _;
use rust_i18n::t;

use super::http::{Method, PeerInfo, Request, Response};
use super::site::{Command, Limits, STYLE, Submit, esc, field, lang_choice, language, page, query, valid_phone};
use super::token::Token;
use crate::i18n::Lang;
use crate::model::{Block, Session, Stage, SubmitError, Timer, Timestamp};

/// What the coach's remote asks of the app. Each works whatever the laptop's screen shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RemoteCommand {
    /// The wall to the previous block of the agenda.
    PrevBlock,
    /// The wall to the next block of the agenda.
    NextBlock,
    /// The current block's timer started or paused (the `t` key).
    ToggleTimer,
    /// A minute more on the current block's timer (the `+` key).
    AddMinute,
    /// A pending submission approved: its idea goes on the wall in the current block.
    Approve(u64),
    /// A pending submission rejected (kept with the decided ones).
    Reject(u64),
}

/// How many waiting submissions the view keeps (the oldest first); the page shows as many as fit.
const QUEUE_KEPT: usize = 50;

/// At most this many characters of a block's notes, of a title or of a name reach the page, so it stays
/// small (under 30 KB) whatever the plan holds.
const NOTES_CHARS: usize = 1500;
const TITLE_CHARS: usize = 200;
const NAME_CHARS: usize = 80;

/// The page stops listing waiting submissions past this size (the rest are counted).
const QUEUE_BUDGET_BYTES: usize = 22 * 1024;

/// What the coach's remote shows of the session (never handed to a phone's page).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RemoteView {
    pub lab_title: String,
    /// The block on the wall, and the one after it.
    pub current: Option<BlockView>,
    pub next: Option<BlockView>,
    /// The current block's coach notes (`Block.notes`).
    pub notes: Option<String>,
    /// The current block's countdown (its remaining time is read when the page is made).
    pub timer: Option<Timer>,
    /// The oldest waiting submissions (at most [`QUEUE_KEPT`]), and how many wait in all.
    pub pending: Vec<PendingView>,
    pub pending_count: usize,
}

/// A block as the remote names it: day (from 1), times, stage, title.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockView {
    pub day: usize,
    pub start: String,
    pub end: String,
    pub stage: Stage,
    pub title: String,
}

/// A waiting submission as the coach decides on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingView {
    pub id: u64,
    pub title: String,
    pub table: String,
    pub author: String,
}

impl RemoteView {
    /// What the remote shows of `session` as it is now.
    #[must_use]
    pub fn of(session: &Session) -> RemoteView {
        Self::counted(session, session.pending_submissions().count())
    }

    /// [`RemoteView::of`], told how many submissions wait in all (the app keeps that count in its
    /// `RoomIndex`): made after every turn a phone is answered in, it then reads only the oldest waiting
    /// ones, not every submission of the session.
    #[must_use]
    pub fn counted(session: &Session, waiting: usize) -> RemoteView {
        let current = session.current_block().or_else(|| session.plan.blocks().next());
        let block_view = |day: usize, b: &Block| BlockView {
            day: day + 1,
            start: b.start.to_string(),
            end: b.end.to_string(),
            stage: b.stage,
            title: clip(&b.title, TITLE_CHARS),
        };
        let next = current
            .and_then(|(pos, _)| session.plan.at_flat_index(session.plan.flat_index(pos) + 1))
            .map(|(pos, b)| block_view(pos.day, b));
        let pending = session
            .pending_submissions()
            .take(QUEUE_KEPT)
            .map(|s| PendingView {
                id: s.id,
                title: clip(&s.title, TITLE_CHARS),
                table: session.group(&s.group).map(|g| clip(&g.name, NAME_CHARS)).unwrap_or_default(),
                author: clip(&s.name, NAME_CHARS),
            })
            .collect();
        RemoteView {
            lab_title: clip(&session.plan.title, TITLE_CHARS),
            current: current.map(|(pos, b)| block_view(pos.day, b)),
            next,
            notes: current.and_then(|(_, b)| b.notes.as_deref()).map(|n| clip(n, NOTES_CHARS)),
            timer: current.map(|(_, b)| session.timer_of(b)),
            pending,
            pending_count: waiting,
        }
    }
}

/// The first `max` characters of `text`, with "…" when it was longer.
fn clip(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_string(),
    }
}

/// The remote's side of the site: its token, its view, and its own allowance of sends.
pub(super) struct Remote {
    token: Token,
    view: Arc<Mutex<RemoteView>>,
    limits: Mutex<Limits>,
}

/// What the app's answer tells the coach, as the `?m=` of the page (a fixed word, never text from the
/// request, so nothing can be written onto the page through the address).
const FLASHES: [(&str, &str, bool); 5] = [
    ("approved", "room.remote.flash.approved", false),
    ("rejected", "room.remote.flash.rejected", false),
    ("decided", "room.remote.flash.decided", true),
    ("full", "room.remote.flash.full", true),
    ("busy", "room.remote.flash.busy", true),
];

impl Remote {
    pub(super) fn new(token: Token, view: Arc<Mutex<RemoteView>>) -> Remote {
        Remote { token, view, limits: Mutex::new(Limits::default()) }
    }

    /// The remote's address path (`/c/TOKEN/`).
    pub(super) fn path(&self) -> String {
        format!("/c/{}/", self.token.as_str())
    }

    /// Answers a request under `/c/` (`rest` follows it); a wrong or missing token is a bare 404.
    pub(super) fn handle(&self, request: &Request, peer: PeerInfo, rest: &str, submit: &Submit) -> Response {
        let (token, rest) = rest.split_once('/').unwrap_or((rest, ""));
        if !self.token.matches(token) {
            return Response::not_found();
        }
        let lang = language(request);
        let cookie = request.cookie("coach").filter(|c| valid_phone(c)).map(str::to_string);
        let new_cookie = cookie.is_none();
        let Some(coach) = cookie.or_else(|| Token::random().ok().map(|t| t.to_string())) else {
            return Response::text(503, "503");
        };
        let base = self.path();
        let response = match (request.method, rest) {
            (Method::Get | Method::Head, "") => {
                let flash = query(request, "m").and_then(|m| FLASHES.iter().find(|f| f.0 == m));
                Response::html(200, self.page(lang, &base, &coach, flash))
            }
            (Method::Post, "do") => self.act(request, peer, lang, &coach, new_cookie, submit),
            _ => Response::not_found(),
        };
        // Path=/c/: the coach's form check goes to the remote alone.
        let mut response = response;
        if new_cookie {
            let cookie = format!("coach={coach}; Path=/c/; Max-Age=604800; HttpOnly; SameSite=Strict");
            response = response.with_header("Set-Cookie", &cookie).unwrap_or_else(|_| Response::text(500, "500"));
        }
        match lang_choice(request) {
            Some(lang) => {
                let cookie = format!("lang={}; Path=/; Max-Age=604800; SameSite=Strict", lang.code());
                response.with_header("Set-Cookie", &cookie).unwrap_or_else(|_| Response::text(500, "500"))
            }
            None => response,
        }
    }

    /// A button: checked like a phone's send (it reads, it carries the coach's own cookie back, the address
    /// is within its allowance), handed to the app, and answered back to the page.
    fn act(
        &self,
        request: &Request,
        peer: PeerInfo,
        lang: Lang,
        coach: &str,
        new_cookie: bool,
        submit: &Submit,
    ) -> Response {
        let l = lang.code();
        let base = self.path();
        let refuse = |status, key: &str| back_to(lang, &base, status, &t!(key, locale = l));
        let Ok(form) = request.form() else { return refuse(400, "room.page.bad_form") };
        if new_cookie || field(&form, "csrf") != coach {
            return refuse(403, "room.remote.expired");
        }
        if !self.limits.lock().is_ok_and(|mut limits| limits.allow(peer.addr.ip(), Instant::now())) {
            return refuse(429, "room.page.slow_down");
        }
        let id = || field(&form, "id").parse::<u64>().ok();
        let command = match (field(&form, "do"), id()) {
            ("prev", _) => RemoteCommand::PrevBlock,
            ("next", _) => RemoteCommand::NextBlock,
            ("timer", _) => RemoteCommand::ToggleTimer,
            ("plus", _) => RemoteCommand::AddMinute,
            ("approve", Some(id)) => RemoteCommand::Approve(id),
            ("reject", Some(id)) => RemoteCommand::Reject(id),
            ("approve" | "reject", None) => return refuse(400, "room.remote.bad_id"),
            _ => return refuse(400, "room.page.bad_form"),
        };
        let flash = match (submit(Command::Remote(command)), command) {
            (Some(Ok(_)), RemoteCommand::Approve(_)) => Some("approved"),
            (Some(Ok(_)), RemoteCommand::Reject(_)) => Some("rejected"),
            (Some(Ok(_)), _) => None,
            (Some(Err(SubmitError::Full)), _) => Some("full"),
            (Some(Err(_)), _) => Some("decided"),
            (None, _) => Some("busy"),
        };
        Response::redirect_see_other(&match flash {
            Some(flash) => format!("{base}?m={flash}"),
            None => base,
        })
    }

    /// The remote page: a small phone page with big buttons.
    fn page(&self, lang: Lang, base: &str, coach: &str, flash: Option<&(&str, &str, bool)>) -> String {
        let view = self.view.lock().map(|v| v.clone()).unwrap_or_default();
        let l = lang.code();
        let mut body = String::new();
        if let Some((_, key, is_error)) = flash {
            let class = if *is_error { "error\" role=\"alert" } else { "ok\" role=\"status" };
            let _ = write!(body, "<p class=\"{class}\">{}</p>", esc(&t!(*key, locale = l)));
        }
        let button = |action: &str, id: Option<u64>, label: &str| {
            let id = id.map(|id| format!("<input type=\"hidden\" name=\"id\" value=\"{id}\">")).unwrap_or_default();
            format!(
                "<form method=\"post\" action=\"{base}do\"><input type=\"hidden\" name=\"do\" value=\"{action}\">{id}\
                 <input type=\"hidden\" name=\"csrf\" value=\"{}\"><button>{}</button></form>",
                esc(coach),
                esc(label),
            )
        };
        let _ = write!(body, "<p class=\"lab\">{}</p>", esc(&view.lab_title));
        if let Some(block) = &view.current {
            let _ = write!(
                body,
                "<p class=\"when\">{} · {}</p><h1>{}</h1>",
                esc(&t!("room.remote.now", locale = l)),
                esc(&block_line(block, lang)),
                esc(&block.title)
            );
        }
        if let Some(notes) = view.notes.as_deref().filter(|n| !n.trim().is_empty()) {
            let _ = write!(
                body,
                "<section class=\"notes\"><h2>{}</h2><p>{}</p></section>",
                esc(&t!("room.remote.notes", locale = l)),
                // Each line escaped, the line breaks kept (the paragraph is `pre-wrap`).
                notes.lines().map(esc).collect::<Vec<_>>().join("\n")
            );
        }
        if let Some(timer) = &view.timer {
            let remaining = timer.remaining_at(now());
            let (state, toggle) = if timer.running {
                (t!("room.remote.running", locale = l), t!("room.remote.pause", locale = l))
            } else {
                (t!("room.remote.paused", locale = l), t!("room.remote.start", locale = l))
            };
            let class = if remaining < 0 { "timer over" } else { "timer" };
            let _ = write!(
                body,
                "<p class=\"{class}\">{} <small>{}</small></p><div class=\"row\">{}{}</div>",
                clock(remaining),
                esc(&state),
                button("timer", None, &toggle),
                button("plus", None, &t!("room.remote.plus", locale = l)),
            );
        }
        let _ = write!(
            body,
            "<div class=\"row\">{}{}</div>",
            button("prev", None, &t!("room.remote.prev", locale = l)),
            button("next", None, &t!("room.remote.next", locale = l)),
        );
        match &view.next {
            Some(next) => {
                let _ = write!(
                    body,
                    "<p class=\"when\">{} · {}: {}</p>",
                    esc(&t!("room.remote.then", locale = l)),
                    esc(&block_line(next, lang)),
                    esc(&next.title)
                );
            }
            None => {
                let _ = write!(body, "<p class=\"when\">{}</p>", esc(&t!("room.remote.last_block", locale = l)));
            }
        }
        let count = view.pending_count;
        let _ = write!(body, "<h2>{}</h2>", esc(&t!("room.remote.queue", count = count, locale = l)));
        if count == 0 {
            let _ = write!(body, "<p>{}</p>", esc(&t!("room.remote.queue_empty", locale = l)));
        }
        body.push_str("<ul class=\"queue\">");
        let mut shown = 0;
        for s in &view.pending {
            if body.len() > QUEUE_BUDGET_BYTES {
                break;
            }
            let _ = write!(
                body,
                "<li><b>{}</b><br><span>{} · {}</span><div class=\"row\">{}{}</div></li>",
                esc(&s.title),
                esc(&s.table),
                esc(&s.author),
                button("approve", Some(s.id), &t!("room.remote.approve", locale = l)),
                button("reject", Some(s.id), &t!("room.remote.reject", locale = l)),
            );
            shown += 1;
        }
        body.push_str("</ul>");
        if count > shown {
            let _ = write!(body, "<p>{}</p>", esc(&t!("room.remote.more", count = count - shown, locale = l)));
        }
        // A message shown once: the page reloads to its plain address.
        let refresh = if flash.is_some() { format!("5;url={base}") } else { "5".to_string() };
        shell(lang, base, &refresh, &t!("room.remote.title", locale = l), &body)
    }
}

/// Now, for the timer's remaining time (the clock `INNOLAB_NOW` pins in tests and demos).
fn now() -> Timestamp {
    crate::clock::now_in(chrono::Utc.fix())
}

/// "Day 2 · 08:00–09:30 · Diagnose".
fn block_line(block: &BlockView, lang: Lang) -> String {
    let l = lang.code();
    let day = t!("screen.day", n = block.day, locale = l);
    let mut line = format!("{day} · {}–{}", block.start, block.end);
    if block.stage != Stage::None {
        let _ = write!(line, " · {}", crate::i18n::stage_label(block.stage, lang));
    }
    line
}

/// "12:34", or "+01:05" once the time is up (minutes past 59 stay minutes: "90:00").
fn clock(remaining: i64) -> String {
    let sign = if remaining < 0 { "+" } else { "" };
    let secs = remaining.unsigned_abs();
    format!("{sign}{:02}:{:02}", secs / 60, secs % 60)
}

const REMOTE_STYLE: &str = ".row{display:flex;gap:.5em;flex-wrap:wrap}.row form{flex:1}.row button{width:100%}\
.timer{font-size:2.6em;margin:.2em 0;font-variant-numeric:tabular-nums}.timer small{font-size:.4em}.over{color:#b00}\
.notes{background:#ffd;padding:.2em .8em}.notes p{white-space:pre-wrap}.lab,.when{color:#444;margin:.3em 0}\
.queue{list-style:none;padding:0}.queue li{border-top:1px solid #ccc;padding-top:.4em}";

/// The remote's whole page: the language switch, the title, the body, and a reload every few seconds.
fn shell(lang: Lang, base: &str, refresh: &str, title: &str, body: &str) -> String {
    let other = match lang {
        Lang::Id => ("en", "English"),
        Lang::En => ("id", "Bahasa Indonesia"),
    };
    format!(
        "<!DOCTYPE html><html lang=\"{}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <meta http-equiv=\"refresh\" content=\"{refresh}\"><title>{}</title><link rel=\"icon\" href=\"data:,\">\
         <style>{STYLE}{REMOTE_STYLE}</style></head><body><nav><a href=\"{base}?lang={}\">{}</a></nav>{body}</body></html>",
        lang.code(),
        esc(title),
        other.0,
        other.1,
    )
}

/// A refused button: the message, and the way back to the remote.
fn back_to(lang: Lang, base: &str, status: u16, message: &str) -> Response {
    let body = format!(
        "<p class=\"error\" role=\"alert\">{}</p><p><a href=\"{base}\">{}</a></p>",
        esc(message),
        esc(&t!("room.remote.back", locale = lang.code()))
    );
    Response::html(status, page(lang, base, "", &t!("room.remote.title", locale = lang.code()), &body))
}

#[cfg(test)]
#[path = "remote_tests.rs"]
mod tests;

//! The phones' pages and what each address does. Everything under `/j/TOKEN/` (the join address with this
//! run's token); anything else is a bare 404. Pages are server-rendered HTML that works without JavaScript,
//! load nothing from elsewhere, escape every text, and stay small (one inline stylesheet).
//!
//! - `GET  /j/T`            the lab and its tables (sets the phone's cookie and the language)
//! - `GET  /j/T/t/N`        table N: pick your name (or type it), type your idea, send
//! - `POST /j/T/send`       fields `table`, `name`, `title`, `description`, plus `csrf` and `nonce`
//! - `GET  /j/T/mine`       what this phone sent and where each stands
//! - `POST /j/T/withdraw`   field `id` (and `csrf`): takes back a pending one
//! - `GET  /j/T/vote`       the open vote: its ideas, this phone's ballot, the dots to place
//! - `POST /j/T/ballot`     fields `vote`, `name` (or `-` and `other`), `csrf`, and one `dot` per dot placed
//!   (an idea's id, repeated for several dots on one idea) or one `choice`
//!
//! A sent idea is answered only once it is on disk (the `Submit` callback waits for the app's save).
//! The coach's remote (`/c/COACHTOKEN/`, its own token) is `remote`'s; nothing under `/j/` names it.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rust_i18n::t;

use super::http::{Method, PeerInfo, Reply, Request, Responder, Response, escape_html};
use super::remote::{Remote, RemoteCommand, RemoteView};
use super::token::Token;
use crate::i18n::Lang;
use crate::model::{CastBallot, Count, NewSubmission, Session, SubmissionState, SubmitError, VoteMethod};

/// What the phones may see of the session: the lab, the tables and their names, and each phone's own
/// submissions. Made by the app's side after each change; a page reads the latest.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RoomView {
    pub lab_title: String,
    /// The block on the wall.
    pub block_title: String,
    pub tables: Arc<Vec<TableView>>,
    /// Each phone's submissions, newest first.
    pub by_phone: HashMap<String, Arc<Vec<MineView>>>,
    /// The open vote, if any.
    pub vote: Option<Arc<VoteView>>,
}

/// What the phones see of the open vote: its question, how to vote, its ideas, and each phone's ballots
/// (a phone may carry the ballots of several people of its table).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VoteView {
    pub id: u64,
    pub question: String,
    pub method: VoteMethod,
    /// (id, title) of each idea on the ballot.
    pub ideas: Vec<(u64, String)>,
    /// Each phone's ballots: (voter, dots).
    pub by_phone: HashMap<String, Vec<(String, Vec<Count>)>>,
}

fn vote_view(session: &Session) -> Option<Arc<VoteView>> {
    let vote = session.open_vote()?;
    let ideas =
        vote.ideas.iter().map(|&id| (id, session.idea(id).map(|i| i.title.clone()).unwrap_or_default())).collect();
    let mut by_phone: HashMap<String, Vec<(String, Vec<Count>)>> = HashMap::new();
    for ballot in &vote.ballots {
        if let (Some(phone), Some(voter)) = (&ballot.phone, &ballot.voter) {
            by_phone.entry(phone.clone()).or_default().push((voter.clone(), ballot.dots.clone()));
        }
    }
    Some(Arc::new(VoteView { id: vote.id, question: vote.question.clone(), method: vote.method, ideas, by_phone }))
}

impl RoomView {
    /// What the phones may see of `session` as it is now.
    #[must_use]
    pub fn of(session: &Session) -> RoomView {
        let mut by_phone: HashMap<String, Vec<MineView>> = HashMap::new();
        for s in session.room.submissions.iter().rev() {
            by_phone.entry(s.phone.clone()).or_default().push(mine(session, s));
        }
        RoomView {
            lab_title: session.plan.title.clone(),
            block_title: block_title(session),
            tables: Arc::new(tables(session)),
            by_phone: by_phone.into_iter().map(|(phone, list)| (phone, Arc::new(list))).collect(),
            vote: vote_view(session),
        }
    }

    /// Brings the view up to date with `session` after the submissions `changed` (ids) changed: only their
    /// phones' lists are touched, so a room sending at once costs the same per idea at the 3,000th.
    pub fn refresh(&mut self, session: &Session, changed: &[u64]) {
        if self.lab_title != session.plan.title {
            self.lab_title.clone_from(&session.plan.title);
        }
        let block = block_title(session);
        if self.block_title != block {
            self.block_title = block;
        }
        let tables = tables(session);
        if *self.tables != tables {
            self.tables = Arc::new(tables);
        }
        let vote = vote_view(session);
        if self.vote != vote {
            self.vote = vote;
        }
        for s in changed.iter().filter_map(|&id| session.submission(id)) {
            let list = Arc::make_mut(self.by_phone.entry(s.phone.clone()).or_default());
            let row = mine(session, s);
            match list.iter_mut().find(|m| m.id == s.id) {
                Some(old) => *old = row,
                // Newest first: a new submission has the highest id.
                None => list.insert(0, row),
            }
        }
    }
}

fn block_title(session: &Session) -> String {
    session.current_block().map(|(_, b)| b.title.clone()).unwrap_or_default()
}

fn tables(session: &Session) -> Vec<TableView> {
    session
        .groups
        .iter()
        .map(|g| TableView {
            id: g.id.clone(),
            name: g.name.clone(),
            members: g.members.iter().map(|m| m.name.clone()).collect(),
        })
        .collect()
}

/// One submission as its phone sees it (the title it sent; its table by name).
fn mine(session: &Session, s: &crate::model::Submission) -> MineView {
    let table = session.group(&s.group).map(|g| g.name.clone()).unwrap_or_default();
    MineView { id: s.id, title: s.title.clone(), table, state: s.state }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TableView {
    pub id: String,
    pub name: String,
    /// The names on the table's roster.
    pub members: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MineView {
    pub id: u64,
    pub title: String,
    pub table: String,
    pub state: SubmissionState,
}

/// What a phone asks of the app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Submit(NewSubmission),
    Withdraw {
        id: u64,
        phone: String,
    },
    Ballot(CastBallot),
    /// A button of the coach's remote.
    Remote(RemoteCommand),
}

/// The app's answer: the submission's id once on disk, why it was refused, or `None` when the app did not
/// answer in time (the phone is told to try again; the same form is one submission however often sent).
pub type Answer = Option<Result<u64, SubmitError>>;

/// Hands a command to the app and waits for its answer.
pub type Submit = Arc<dyn Fn(Command) -> Answer + Send + Sync>;

/// The way to the app without waiting: the command, and what to do with the app's answer once it is in
/// (called on another thread; `None` when the app did not answer in time). Dropping it unanswered tells the
/// phone to try again.
pub type SubmitLater = Arc<dyn Fn(Command, Box<dyn FnOnce(Answer) + Send>) + Send + Sync>;

/// What makes the answer to a phone's form from the app's answer (on the answers thread, for a form
/// answered later).
type Finish = Box<dyn FnOnce(&Site, Answer) -> Response + Send>;

/// Sends a minute from one address may make, and from everyone together.
const POSTS_PER_MINUTE_PER_ADDRESS: u32 = 30;
const POSTS_PER_MINUTE: u32 = 6000;

/// The site: its token, the latest view, the way to the app, the rate limits, and the coach's remote.
pub struct Site {
    token: Token,
    view: Arc<Mutex<RoomView>>,
    submit: Submit,
    /// Phones' forms go this way when set (the runtime): no worker is kept waiting for the disk.
    later: Option<SubmitLater>,
    limits: Mutex<Limits>,
    remote: Option<Remote>,
}

#[derive(Default)]
pub(super) struct Limits {
    window: Option<Instant>,
    all: u32,
    by_address: HashMap<IpAddr, u32>,
}

impl Limits {
    /// Counts one send; false when its address or the room is over its minute's allowance.
    pub(super) fn allow(&mut self, from: IpAddr, now: Instant) -> bool {
        if self.window.is_none_or(|start| now.duration_since(start) >= Duration::from_mins(1)) {
            *self = Limits { window: Some(now), ..Limits::default() };
        }
        let mine = self.by_address.entry(from).or_insert(0);
        if *mine >= POSTS_PER_MINUTE_PER_ADDRESS || self.all >= POSTS_PER_MINUTE {
            return false;
        }
        *mine += 1;
        self.all += 1;
        true
    }
}

impl Site {
    pub fn new(token: Token, view: Arc<Mutex<RoomView>>, submit: Submit) -> Site {
        Site { token, view, submit, later: None, limits: Mutex::new(Limits::default()), remote: None }
    }

    /// The site with phones' forms handed to the app through `later` and answered when it answers
    /// ([`Site::reply`]), instead of a worker waiting in `submit`.
    #[must_use]
    pub fn with_later(self, later: SubmitLater) -> Site {
        Site { later: Some(later), ..self }
    }

    /// The site with the coach's remote at `/c/COACH/`, showing `view` (made by the app's side like the
    /// phones' view, and never shown to them).
    #[must_use]
    pub fn with_remote(self, coach: Token, view: Arc<Mutex<RemoteView>>) -> Site {
        Site { remote: Some(Remote::new(coach, view)), ..self }
    }

    /// The remote's address path (`/c/COACHTOKEN/`), when the site has one.
    pub fn remote_path(&self) -> Option<String> {
        self.remote.as_ref().map(Remote::path)
    }

    /// The join address's path (`/j/TOKEN`).
    pub fn join_path(&self) -> String {
        format!("/j/{}", self.token.as_str())
    }

    /// What a page needs of the view, taken under its lock (a few counted references and two titles).
    fn view(&self, phone: Option<&str>) -> Snapshot {
        let Ok(view) = self.view.lock() else { return Snapshot::default() };
        Snapshot {
            lab_title: view.lab_title.clone(),
            block_title: view.block_title.clone(),
            tables: Arc::clone(&view.tables),
            mine: phone.and_then(|p| view.by_phone.get(p)).map(Arc::clone).unwrap_or_default(),
            vote: view.vote.clone(),
        }
    }

    /// Answers one request.
    pub fn handle(&self, request: &Request, peer: PeerInfo) -> Response {
        if let Some(rest) = request.path.strip_prefix("/c/") {
            return match &self.remote {
                Some(remote) => remote.handle(request, peer, rest, &self.submit),
                None => Response::not_found(),
            };
        }
        let Some(rest) = request.path.strip_prefix("/j/") else { return Response::not_found() };
        let (token, rest) = rest.split_once('/').unwrap_or((rest, ""));
        if !self.token.matches(token) {
            return Response::not_found();
        }
        let lang = language(request);
        let phone = request.cookie("phone").filter(|p| valid_phone(p)).map(str::to_string);
        let new_phone = phone.is_none();
        let phone = phone.unwrap_or_else(|| Token::random().map(|t| t.to_string()).unwrap_or_default());
        if phone.is_empty() {
            return Response::text(503, "503");
        }
        let base = self.join_path();
        let response = match (request.method, rest) {
            (Method::Get | Method::Head, "") => Response::html(200, self.tables_page(lang, &base)),
            (Method::Get | Method::Head, "mine") => {
                let sent = query(request, "sent").is_some();
                Response::html(200, self.mine_page(lang, &base, &phone, sent))
            }
            (Method::Get | Method::Head, table) if table.starts_with("t/") => {
                match table[2..].parse::<usize>().ok().filter(|&n| n >= 1 && n <= self.view(None).tables.len()) {
                    Some(n) => {
                        Response::html(200, self.form_page(lang, &base, n - 1, &phone, None, &Fields::default()))
                    }
                    None => Response::not_found(),
                }
            }
            (Method::Get | Method::Head, "vote") => {
                let cast = query(request, "cast").is_some();
                Response::html(200, self.vote_page(lang, &base, &phone, cast, None))
            }
            (Method::Post, "send" | "withdraw" | "ballot") => {
                let posting = self.posted(request, peer, lang, &phone, new_phone);
                match posting.and_then(|form| self.posting(rest, &form, lang, &base, &phone)) {
                    Ok((command, finish)) => finish(self, (self.submit)(command)),
                    Err(refused) => refused,
                }
            }
            _ => Response::not_found(),
        };
        // Path=/: a phone keeps its id (and sees what it sent) when the room is turned off and on (a new token).
        let cookie = format!("phone={phone}; Path=/; Max-Age=604800; HttpOnly; SameSite=Strict");
        let response = if new_phone {
            response.with_header("Set-Cookie", &cookie).unwrap_or_else(|_| Response::text(500, "500"))
        } else {
            response
        };
        match lang_choice(request) {
            Some(lang) => {
                let cookie = format!("lang={}; Path=/; Max-Age=604800; SameSite=Strict", lang.code());
                response.with_header("Set-Cookie", &cookie).unwrap_or_else(|_| Response::text(500, "500"))
            }
            None => response,
        }
    }

    /// A phone's form, once it passed what every send must: it reads, it carries the phone's own cookie back
    /// (a page elsewhere cannot: it cannot read the cookie), and the address is within its allowance.
    fn posted(
        &self,
        request: &Request,
        peer: PeerInfo,
        lang: Lang,
        phone: &str,
        new_phone: bool,
    ) -> Result<Vec<(String, String)>, Response> {
        let refuse = |status, key: &str| error_page(lang, status, &t!(key, locale = lang.code()));
        let form = request.form().map_err(|_| refuse(400, "room.page.bad_form"))?;
        if new_phone || field(&form, "csrf") != phone {
            return Err(refuse(403, "room.page.expired"));
        }
        if !self.allow(peer) {
            return Err(refuse(429, "room.page.slow_down"));
        }
        Ok(form)
    }

    /// What a phone's form (`rest`: send, withdraw or ballot) asks of the app, with what makes its answer
    /// once the app's is in; or the page that refuses the form.
    fn posting(
        &self,
        rest: &str,
        form: &[(String, String)],
        lang: Lang,
        base: &str,
        phone: &str,
    ) -> Result<(Command, Finish), Response> {
        match rest {
            "send" => self.send(form, lang, base, phone),
            "ballot" => Self::ballot(form, lang, base, phone),
            _ => withdraw(form, lang, base, phone),
        }
    }

    fn send(
        &self,
        form: &[(String, String)],
        lang: Lang,
        base: &str,
        phone: &str,
    ) -> Result<(Command, Finish), Response> {
        let (new, table, fields) = self.submission(form, lang, phone)?;
        let (base, phone) = (base.to_string(), phone.to_string());
        let finish: Finish = Box::new(move |site, answer| site.sent(answer, lang, &base, table, &phone, &fields));
        Ok((Command::Submit(new), finish))
    }

    /// What a phone's form sends (with its table's place and the fields as typed, for the form again), or
    /// the page that refuses it.
    fn submission(
        &self,
        form: &[(String, String)],
        lang: Lang,
        phone: &str,
    ) -> Result<(NewSubmission, usize, Fields), Response> {
        let field = |name: &str| field(form, name);
        let view = self.view(None);
        let fields = Fields {
            name: field("name").to_string(),
            other: field("other").to_string(),
            title: field("title").to_string(),
            description: field("description").to_string(),
        };
        let Some(table) = field("table").parse::<usize>().ok().filter(|&n| n >= 1 && n <= view.tables.len()) else {
            return Err(error_page(lang, 400, &t!("room.error.unknown_table", locale = lang.code())));
        };
        let name =
            if fields.name.is_empty() || fields.name == "-" { fields.other.clone() } else { fields.name.clone() };
        let new = NewSubmission {
            group: view.tables[table - 1].id.clone(),
            name,
            title: fields.title.clone(),
            detail: Some(fields.description.clone()).filter(|d| !d.trim().is_empty()),
            phone: phone.to_string(),
            nonce: field("nonce").chars().take(64).collect(),
        };
        Ok((new, table - 1, fields))
    }

    /// The answer to a phone's send, once the app's answer is in: on to its list, or the form again with
    /// why, or "try again" when the app did not answer in time.
    fn sent(&self, answer: Answer, lang: Lang, base: &str, table: usize, phone: &str, fields: &Fields) -> Response {
        match answer {
            Some(Ok(_)) => Response::redirect_see_other(&format!("{base}/mine?sent=1")),
            Some(Err(e)) => {
                let message = t!(e.key(), locale = lang.code()).into_owned();
                Response::html(400, self.form_page(lang, base, table, phone, Some(&message), fields))
            }
            None => error_page(lang, 503, &t!("room.page.try_again", locale = lang.code())),
        }
    }

    /// A phone's form (a send, a withdrawal, a ballot), answered later ([`Reply::Later`]) when the site can
    /// hand its connection to the app ([`Site::with_later`]): no worker thread waits while the app writes the
    /// change to disk, so a room sending at once is not held up by threads parked and woken one by one.
    /// `None` for any other request, and for one that needs something of [`Site::handle`]'s (a new phone,
    /// a change of language): that answers it as before. A form refused before it gets to the app is
    /// answered at once, as [`Site::handle`] would.
    fn later_post(self: &Arc<Self>, request: &Request, peer: PeerInfo) -> Option<Reply> {
        let later = self.later.as_ref()?;
        let (token, rest) = request.path.strip_prefix("/j/")?.split_once('/')?;
        if request.method != Method::Post
            || !matches!(rest, "send" | "withdraw" | "ballot")
            || !self.token.matches(token)
        {
            return None;
        }
        let phone = request.cookie("phone").filter(|p| valid_phone(p))?.to_string();
        if lang_choice(request).is_some() {
            return None;
        }
        let lang = language(request);
        let posting = self.posted(request, peer, lang, &phone, false);
        let (command, finish) =
            match posting.and_then(|form| self.posting(rest, &form, lang, &self.join_path(), &phone)) {
                Ok(posting) => posting,
                Err(refused) => return Some(Reply::Now(refused)),
            };
        let (site, later) = (Arc::clone(self), Arc::clone(later));
        Some(Reply::Later(Box::new(move |responder: Responder| {
            later(command, Box::new(move |answer| responder.respond(&finish(&site, answer))));
        })))
    }

    /// Answers one request: as [`Site::handle`], except that a phone's form is answered later when the site
    /// has a way to hand it to the app ([`Site::with_later`]).
    pub fn reply(self: &Arc<Self>, request: &Request, peer: PeerInfo) -> Reply {
        self.later_post(request, peer).unwrap_or_else(|| Reply::Now(self.handle(request, peer)))
    }

    /// A ballot: the vote it is for, the voter, and the dots (one `dot` field per dot, or one `choice`).
    fn ballot(form: &[(String, String)], lang: Lang, base: &str, phone: &str) -> Result<(Command, Finish), Response> {
        let l = lang.code();
        let Ok(vote) = field(form, "vote").parse::<u64>() else {
            return Err(error_page(lang, 400, &t!("room.page.bad_form", locale = l)));
        };
        let name = match field(form, "name") {
            "" | "-" => field(form, "other"),
            name => name,
        };
        let mut dots: Vec<Count> = Vec::new();
        for (key, value) in form {
            if key != "dot" && key != "choice" {
                continue;
            }
            let Ok(idea) = value.parse::<u64>() else {
                return Err(error_page(lang, 400, &t!("room.page.bad_form", locale = l)));
            };
            match dots.iter_mut().find(|d| d.idea == idea) {
                Some(d) => d.count = d.count.saturating_add(1),
                None => dots.push(Count { idea, count: 1 }),
            }
        }
        let cast = CastBallot { vote, voter: name.to_string(), dots, phone: phone.to_string() };
        let (base, phone) = (base.to_string(), phone.to_string());
        let finish: Finish = Box::new(move |site, answer| match answer {
            Some(Ok(_)) => Response::redirect_see_other(&format!("{base}/vote?cast=1")),
            Some(Err(e)) => {
                let message = t!(e.key(), locale = lang.code()).into_owned();
                Response::html(400, site.vote_page(lang, &base, &phone, false, Some(&message)))
            }
            None => error_page(lang, 503, &t!("room.page.try_again", locale = lang.code())),
        });
        Ok((Command::Ballot(cast), finish))
    }

    /// The open vote: the ideas with a box per dot (or a choice each), the voter's name, and what this
    /// phone cast already (its latest ballot, to move its dots).
    fn vote_page(&self, lang: Lang, base: &str, phone: &str, cast: bool, error: Option<&str>) -> String {
        let view = self.view(None);
        let l = lang.code();
        let mut body = String::new();
        if let Some(error) = error {
            let _ = write!(body, "<p class=\"error\" role=\"alert\">{}</p>", esc(error));
        }
        let Some(vote) = view.vote.as_deref() else {
            let _ = write!(body, "<p>{}</p>", esc(&t!("room.page.no_vote", locale = l)));
            let _ = write!(body, "<p><a href=\"{base}\">{}</a></p>", esc(&t!("room.page.back", locale = l)));
            return page(lang, base, "/vote", &view.lab_title, &body);
        };
        if cast {
            let _ = write!(
                body,
                "<p class=\"ok\" role=\"status\">{}</p>",
                esc(&t!("room.page.ballot_received", locale = l))
            );
        }
        let (per_voter, per_idea) = vote.method.limits();
        let how = match vote.method {
            VoteMethod::Single => t!("room.page.vote_single", locale = l),
            VoteMethod::Dots { .. } => {
                t!("room.page.vote_dots", per_voter = per_voter, per_idea = per_idea, locale = l)
            }
        };
        let _ = write!(body, "<h1>{}</h1><p>{}</p>", esc(&vote.question), esc(&how));
        let mine = vote.by_phone.get(phone).and_then(|b| b.last());
        let dots_on = |idea: u64| mine.and_then(|(_, d)| d.iter().find(|c| c.idea == idea)).map_or(0, |c| c.count);
        let _ = write!(
            body,
            "<form method=\"post\" action=\"{base}/ballot\"><input type=\"hidden\" name=\"vote\" value=\"{}\">\
             <input type=\"hidden\" name=\"csrf\" value=\"{}\"><fieldset><legend>{}</legend>\
             <select name=\"name\" aria-label=\"{}\"><option value=\"-\">{}</option>",
            vote.id,
            esc(phone),
            esc(&t!("room.page.your_name", locale = l)),
            esc(&t!("room.page.your_name", locale = l)),
            esc(&t!("room.page.other_name", locale = l)),
        );
        let voter = mine.map_or("", |(v, _)| v.as_str());
        let mut on_roster = false;
        for table in view.tables.iter().filter(|t| !t.members.is_empty()) {
            let _ = write!(body, "<optgroup label=\"{}\">", esc(&table.name));
            for member in &table.members {
                let selected = if member == voter {
                    on_roster = true;
                    " selected"
                } else {
                    ""
                };
                let _ = write!(body, "<option value=\"{0}\"{selected}>{0}</option>", esc(member));
            }
            body.push_str("</optgroup>");
        }
        let other = if on_roster { "" } else { voter };
        let _ = write!(
            body,
            "</select><input name=\"other\" maxlength=\"80\" value=\"{}\" aria-label=\"{}\"></fieldset><ol class=\"ballot\">",
            esc(other),
            esc(&t!("room.page.other_name", locale = l)),
        );
        for (id, title) in &vote.ideas {
            let _ = write!(body, "<li><span>{}</span> ", esc(title));
            match vote.method {
                VoteMethod::Single => {
                    let checked = if dots_on(*id) > 0 { " checked" } else { "" };
                    let _ = write!(
                        body,
                        "<input type=\"radio\" name=\"choice\" value=\"{id}\"{checked} aria-label=\"#{id}\">"
                    );
                }
                VoteMethod::Dots { .. } => {
                    let placed = dots_on(*id);
                    for k in 0..per_idea {
                        let checked = if k < placed { " checked" } else { "" };
                        let _ = write!(
                            body,
                            "<input type=\"checkbox\" name=\"dot\" value=\"{id}\"{checked} aria-label=\"#{id} {}\">",
                            k + 1
                        );
                    }
                }
            }
            body.push_str("</li>");
        }
        let _ = write!(
            body,
            "</ol><button type=\"submit\">{}</button></form><p><a href=\"{base}\">{}</a></p>",
            esc(&t!("room.page.cast", locale = l)),
            esc(&t!("room.page.back", locale = l)),
        );
        page(lang, base, "/vote", &view.lab_title, &body)
    }

    fn allow(&self, peer: PeerInfo) -> bool {
        self.limits.lock().is_ok_and(|mut l| l.allow(peer.addr.ip(), Instant::now()))
    }

    fn tables_page(&self, lang: Lang, base: &str) -> String {
        let view = self.view(None);
        let l = lang.code();
        let mut body = format!("<h1>{}</h1><p>{}</p>", esc(&view.lab_title), esc(&view.block_title));
        let _ = write!(body, "<h2>{}</h2><ul class=\"tables\">", esc(&t!("room.page.pick_table", locale = l)));
        for (i, table) in view.tables.iter().enumerate() {
            let _ = write!(body, "<li><a href=\"{base}/t/{}\">{}</a></li>", i + 1, esc(&table.name));
        }
        let _ = write!(body, "</ul><p><a href=\"{base}/mine\">{}</a></p>", esc(&t!("room.page.mine_link", locale = l)));
        if let Some(vote) = view.vote.as_deref() {
            let _ = write!(
                body,
                "<p class=\"ok\"><a href=\"{base}/vote\">{}</a></p>",
                esc(&t!("room.page.vote_now", question = vote.question, locale = l))
            );
        }
        page(lang, base, "", &view.lab_title, &body)
    }

    fn form_page(
        &self,
        lang: Lang,
        base: &str,
        table: usize,
        phone: &str,
        error: Option<&str>,
        fields: &Fields,
    ) -> String {
        let view = self.view(None);
        let l = lang.code();
        let Some(t) = view.tables.get(table) else { return page(lang, base, "", &view.lab_title, "") };
        let mut body = format!("<h1>{}</h1>", esc(&t.name));
        if let Some(error) = error {
            let _ = write!(body, "<p class=\"error\" role=\"alert\">{}</p>", esc(error));
        }
        let _ = write!(
            body,
            "<form method=\"post\" action=\"{base}/send\"><input type=\"hidden\" name=\"table\" value=\"{}\">\
             <input type=\"hidden\" name=\"csrf\" value=\"{}\"><input type=\"hidden\" name=\"nonce\" value=\"{}\">\
             <fieldset><legend>{}</legend>",
            table + 1,
            esc(phone),
            esc(&nonce()),
            esc(&t!("room.page.your_name", locale = l)),
        );
        for member in &t.members {
            let checked = if fields.name == *member { " checked" } else { "" };
            let _ = write!(
                body,
                "<label><input type=\"radio\" name=\"name\" value=\"{0}\"{checked}> {0}</label>",
                esc(member)
            );
        }
        let other_checked = if t.members.is_empty() || fields.name == "-" { " checked" } else { "" };
        let _ = write!(
            body,
            "<label><input type=\"radio\" name=\"name\" value=\"-\"{other_checked}> {}</label>\
             <input name=\"other\" maxlength=\"80\" value=\"{}\" aria-label=\"{}\"></fieldset>\
             <label>{}<input name=\"title\" required maxlength=\"200\" value=\"{}\"></label>\
             <label>{}<textarea name=\"description\" maxlength=\"1000\" rows=\"4\">{}</textarea></label>\
             <button type=\"submit\">{}</button></form>",
            esc(&t!("room.page.other_name", locale = l)),
            esc(&fields.other),
            esc(&t!("room.page.other_name", locale = l)),
            esc(&t!("room.page.title", locale = l)),
            esc(&fields.title),
            esc(&t!("room.page.description", locale = l)),
            esc(&fields.description),
            esc(&t!("room.page.send", locale = l)),
        );
        let _ = write!(body, "<p><a href=\"{base}\">{}</a></p>", esc(&t!("room.page.other_table", locale = l)));
        page(lang, base, &format!("/t/{}", table + 1), &view.lab_title, &body)
    }

    fn mine_page(&self, lang: Lang, base: &str, phone: &str, sent: bool) -> String {
        let view = self.view(Some(phone));
        let l = lang.code();
        let mut body = String::new();
        if sent {
            let _ = write!(body, "<p class=\"ok\" role=\"status\">{}</p>", esc(&t!("room.page.received", locale = l)));
        }
        let _ = write!(body, "<h1>{}</h1>", esc(&t!("room.page.mine", locale = l)));
        let mine = view.mine.as_slice();
        if mine.is_empty() {
            let _ = write!(body, "<p>{}</p>", esc(&t!("room.page.none_yet", locale = l)));
        }
        body.push_str("<ul class=\"mine\">");
        for m in mine {
            let key = format!("room.page.state.{}", m.state.key());
            let state = t!(&key, locale = l).into_owned();
            let _ = write!(body, "<li><b>{}</b> <span>{} · {}</span>", esc(&m.title), esc(&m.table), esc(&state));
            if m.state == SubmissionState::Pending {
                let _ = write!(
                    body,
                    "<form method=\"post\" action=\"{base}/withdraw\"><input type=\"hidden\" name=\"id\" value=\"{}\">\
                     <input type=\"hidden\" name=\"csrf\" value=\"{}\"><button>{}</button></form>",
                    m.id,
                    esc(phone),
                    esc(&t!("room.page.withdraw", locale = l)),
                );
            }
            body.push_str("</li>");
        }
        let _ = write!(body, "</ul><p><a href=\"{base}\">{}</a></p>", esc(&t!("room.page.send_another", locale = l)));
        page(lang, base, "/mine", &view.lab_title, &body)
    }
}

/// What a page reads of the view.
#[derive(Default)]
struct Snapshot {
    lab_title: String,
    block_title: String,
    tables: Arc<Vec<TableView>>,
    mine: Arc<Vec<MineView>>,
    vote: Option<Arc<VoteView>>,
}

/// What the phone typed, to show again when a send is refused.
#[derive(Debug, Default)]
struct Fields {
    name: String,
    other: String,
    title: String,
    description: String,
}

/// A withdrawal: the submission's id; its answer, back to the phone's list.
fn withdraw(form: &[(String, String)], lang: Lang, base: &str, phone: &str) -> Result<(Command, Finish), Response> {
    let Ok(id) = field(form, "id").parse::<u64>() else {
        return Err(error_page(lang, 400, &t!("room.error.not_pending", locale = lang.code())));
    };
    let base = base.to_string();
    let finish: Finish = Box::new(move |_, answer| match answer {
        Some(Ok(_)) => Response::redirect_see_other(&format!("{base}/mine")),
        Some(Err(e)) => error_page(lang, 400, &t!(e.key(), locale = lang.code())),
        None => error_page(lang, 503, &t!("room.page.try_again", locale = lang.code())),
    });
    Ok((Command::Withdraw { id, phone: phone.to_string() }, finish))
}

pub(super) fn esc(text: &str) -> String {
    escape_html(&crate::model::text::inert(text)).into_owned()
}

/// A field of a posted form ("" when absent).
pub(super) fn field<'a>(form: &'a [(String, String)], name: &str) -> &'a str {
    form.iter().find(|(n, _)| n == name).map_or("", |(_, v)| v.as_str())
}

pub(super) fn query<'a>(request: &'a Request, name: &str) -> Option<&'a str> {
    request.query.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
}

/// A phone id as this site gives them: 26 lowercase base-32 characters.
pub(super) fn valid_phone(text: &str) -> bool {
    text.len() == 26 && text.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
}

/// A fresh one-time key for a form.
fn nonce() -> String {
    Token::random().map(|t| t.to_string()).unwrap_or_default()
}

/// The language asked for in the address (`?lang=en`), to be remembered.
pub(super) fn lang_choice(request: &Request) -> Option<Lang> {
    query(request, "lang").and_then(|code| match code {
        "id" => Some(Lang::Id),
        "en" => Some(Lang::En),
        _ => None,
    })
}

/// The page's language: asked for in the address, else remembered, else the phone's own (Indonesian
/// unless it prefers English).
pub(super) fn language(request: &Request) -> Lang {
    if let Some(lang) = lang_choice(request) {
        return lang;
    }
    match request.cookie("lang") {
        Some("en") => return Lang::En,
        Some("id") => return Lang::Id,
        _ => {}
    }
    let accept = request.header("accept-language").unwrap_or("").to_ascii_lowercase();
    let first = accept.split(',').next().unwrap_or("").trim();
    if first.starts_with("en") { Lang::En } else { Lang::Id }
}

pub(super) const STYLE: &str = "body{font:18px/1.4 sans-serif;margin:0 auto;max-width:40em;padding:1em;color:#111;background:#fff}\
h1{font-size:1.4em}a{color:#0645ad}ul{padding-left:1.2em}li{margin:.5em 0}\
label{display:block;margin:.6em 0}input,textarea{display:block;width:100%;box-sizing:border-box;font:inherit;padding:.4em}\
input[type=radio],input[type=checkbox]{display:inline;width:auto;margin:.4em .5em;transform:scale(1.5)}\
select{display:block;width:100%;font:inherit;padding:.4em}button{font:inherit;padding:.6em 1.2em;margin:.6em 0}\
.error{background:#fdd;padding:.6em}.ok{background:#dfd;padding:.6em}nav{text-align:right}";

/// A whole page: the language switch, the title, the body.
pub(super) fn page(lang: Lang, base: &str, here: &str, title: &str, body: &str) -> String {
    let other = match lang {
        Lang::Id => ("en", "English"),
        Lang::En => ("id", "Bahasa Indonesia"),
    };
    format!(
        "<!DOCTYPE html><html lang=\"{}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>{}</title>\
         <link rel=\"icon\" href=\"data:,\">\
         <style>{STYLE}</style></head><body><nav><a href=\"{base}{here}?lang={}\">{}</a></nav>{body}</body></html>",
        lang.code(),
        esc(title),
        other.0,
        other.1,
    )
}

fn error_page(lang: Lang, status: u16, message: &str) -> Response {
    let body = format!("<p class=\"error\" role=\"alert\">{}</p>", esc(message));
    Response::html(status, page(lang, "", "", "innolab", &body))
}

#[cfg(test)]
#[path = "site_tests.rs"]
mod tests;

//! Synthetic sessions for the benchmarks: the built-in three-day plan, six tables with a roster of agencies,
//! and any number of ideas spread over the tables and the idea-capturing blocks, some deleted, some flagship.
//! Deterministic (a fixed xorshift), so every run measures the same bytes.
#![allow(dead_code, clippy::unwrap_used)]

use chrono::{Duration, NaiveDate};
use innolab::model::roster::member;
use innolab::model::{Form, Idea, Plan, Role, Session, Stage};

pub const NOW: &str = "2022-11-03T13:42:10+07:00";

/// Agencies (OPD) of a city government; the roster spreads them over the tables.
pub const AGENCIES: &[&str] = &[
    "Dinas Kesehatan",
    "DPMPTSP",
    "Sekretariat Daerah",
    "Dinas PUPR",
    "Dinas Lingkungan Hidup",
    "Disdukcapil",
    "Dinas Sosial",
    "Dinas Pendidikan",
    "Bappedalitbang",
    "Dinas Perhubungan",
    "Dinas Kominfo",
    "BPKAD",
    "Dinas Pertanian",
    "Satpol PP",
    "BPBD",
    "Dinas Pariwisata",
    "Dinas Koperasi dan UKM",
    "Inspektorat",
    "RSUD",
    "Kecamatan Cibeber",
    "Kecamatan Grogol",
    "Dinas Perdagangan",
    "Dinas Ketahanan Pangan",
    "BKPSDM",
];

const FIRST: &[&str] =
    &["Budi", "Rina", "Sari", "Agus", "Dewi", "Hendra", "Wati", "Eko", "Ani", "Joko", "Lina", "Yudi"];
const LAST: &[&str] = &["Santoso", "Wijaya", "Lestari", "Saputra", "Hidayat", "Kusuma", "Pratama", "Rahayu"];
const WORDS: &[&str] = &[
    "antrean",
    "online",
    "puskesmas",
    "posyandu",
    "keliling",
    "izin",
    "usaha",
    "mikro",
    "cukup",
    "dengan",
    "NIK",
    "lapor",
    "jalan",
    "rusak",
    "foto",
    "bank",
    "sampah",
    "sekolah",
    "ramah",
    "disabilitas",
    "satu",
    "data",
    "kependudukan",
    "layanan",
    "terpadu",
    "digital",
    "aplikasi",
    "warga",
    "kelurahan",
    "pasar",
    "UMKM",
    "pajak",
];

/// A deterministic pseudo-random source (xorshift64*).
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

/// The idea-capturing blocks of the built-in plan, with their stage.
fn capture_blocks(plan: &Plan) -> Vec<(String, Stage)> {
    plan.blocks().filter(|(_, b)| b.captures_ideas).map(|(_, b)| (b.id.clone(), b.stage)).collect()
}

/// A session of the built-in plan starting on `start`, with `ideas` ideas (about 8% deleted, 3% flagship).
pub fn session(ideas: usize, start: NaiveDate, seed: u64) -> Session {
    let mut rng = Rng::new(seed);
    let plan = Plan::builtin(start);
    let created = plan.days[0].date.and_hms_opt(8, 0, 0).unwrap().and_local_timezone(plan.utc_offset.fixed()).unwrap();
    let mut session = Session::new(plan, created);
    session.progress.block = "d2-curah-ide".into();
    for (g, group) in session.groups.iter_mut().enumerate() {
        for m in 0..5 {
            let name = format!("{} {}", FIRST[(g * 5 + m) % FIRST.len()], LAST[(g + m * 3) % LAST.len()]);
            let agency = AGENCIES[(g * 4 + m) % AGENCIES.len()];
            let role = [Role::Head, Role::Representative, Role::Staff][m % 3];
            group.members.push(member(&name, Some(agency), role, true));
        }
    }
    let blocks = capture_blocks(&session.plan);
    let step = (6 * 3600 / ideas.max(1) as i64).max(1);
    session.ideas.reserve(ideas);
    for i in 0..ideas {
        let g = rng.below(session.groups.len());
        let group = &session.groups[g];
        let words = 4 + rng.below(8);
        let mut title: String = (0..words).map(|_| WORDS[rng.below(WORDS.len())]).collect::<Vec<_>>().join(" ");
        if let Some(first) = title.get_mut(0..1) {
            first.make_ascii_uppercase();
        }
        let author = match rng.below(10) {
            0..=5 => Some(group.members[rng.below(group.members.len())].name.clone()),
            6 => Some(format!(
                "{}; {}",
                group.members[rng.below(group.members.len())].name,
                group.members[rng.below(group.members.len())].name
            )),
            _ => None,
        };
        let agency = if rng.chance(30) { Some(AGENCIES[rng.below(AGENCIES.len())].to_string()) } else { None };
        let (block, stage) = blocks[rng.below(blocks.len())].clone();
        let form = match rng.below(4) {
            0 => Some(Form::Governance),
            1 => Some(Form::PublicService),
            2 => Some(Form::OtherAffairs),
            _ => None,
        };
        let when = created + Duration::seconds(step * i as i64);
        session.ideas.push(Idea {
            id: i as u64 + 1,
            group: group.id.clone(),
            agency,
            author,
            title,
            detail: if rng.chance(10) { Some("Uraian singkat: siapa, apa, bagaimana.".into()) } else { None },
            stage,
            block,
            form,
            digital: rng.chance(40),
            flagship: rng.chance(3),
            created_at: when,
            updated_at: when,
            deleted: rng.chance(8),
            source: None,
        });
    }
    session.updated_at = session.ideas.last().map_or(created, |i| i.updated_at);
    session
}

/// The lab's day 1 used for single-session benchmarks.
pub fn day_one() -> NaiveDate {
    innolab::testing::seed_date()
}

/// `count` sessions of `ideas` ideas each, one lab every few days through the years.
pub fn year_of_labs(count: usize, ideas: usize) -> Vec<Session> {
    (0..count).map(|i| session(ideas, day_one() + Duration::days(4 * i as i64), 1000 + i as u64)).collect()
}

//! `update()` tests: every action, driven the way the runtime drives it, with a pinned clock.

use std::path::PathBuf;

use chrono::Duration;

use super::*;
use crate::catalog::Summary;
use crate::model::NewIdea;
use crate::testing::at;

const T0: &str = "2022-11-02T08:40:00+07:00";

fn session() -> Session {
    crate::testing::seed_session(at("2022-11-02T07:30:00+07:00"))
}

fn state() -> State {
    State::with_session(Lang::En, ThemeName::Projector, at(T0), PathBuf::from("lab.json"), session())
}

fn lab(s: &State) -> &Lab {
    s.lab.as_ref().unwrap()
}

fn lab_mut(s: &mut State) -> &mut Lab {
    s.lab.as_mut().unwrap()
}

fn current_id(s: &State) -> String {
    lab(s).current().1.id.clone()
}

fn run(s: &mut State, actions: &[Action]) -> Vec<Effect> {
    actions.iter().flat_map(|a| update(s, a.clone())).collect()
}

#[test]
fn next_and_prev_walk_the_agenda_across_days_and_save() {
    let mut s = state();
    assert_eq!(current_id(&s), "d1-registrasi");
    assert_eq!(update(&mut s, Action::NextBlock), vec![Effect::Save]);
    assert_eq!(current_id(&s), "d1-pembukaan");
    assert_eq!(s.save.generation, 1);
    let day1 = s.lab.as_ref().unwrap().session.plan.days[0].blocks.len();
    for _ in 1..day1 {
        update(&mut s, Action::NextBlock);
    }
    assert_eq!(current_id(&s), "d2-pengantar-diagnose");
    update(&mut s, Action::PrevBlock);
    assert_eq!(current_id(&s), "d1-refleksi");
}

#[test]
fn the_agenda_stops_at_both_ends_without_a_save() {
    let mut s = state();
    assert_eq!(update(&mut s, Action::PrevBlock), vec![]);
    assert_eq!(current_id(&s), "d1-registrasi");
    let total = lab(&s).session.plan.block_count();
    for _ in 0..total + 5 {
        update(&mut s, Action::NextBlock);
    }
    assert_eq!(current_id(&s), "d3-penutupan");
    assert_eq!(update(&mut s, Action::NextBlock), vec![]);
}

#[test]
fn home_and_end_go_to_the_edges_of_the_day() {
    let mut s = state();
    run(&mut s, &[Action::NextBlock, Action::NextBlock, Action::LastBlockOfDay]);
    assert_eq!(current_id(&s), "d1-refleksi");
    update(&mut s, Action::FirstBlockOfDay);
    assert_eq!(current_id(&s), "d1-registrasi");
}

#[test]
fn going_back_keeps_ideas_and_the_running_timer() {
    let mut s = state();
    let now = s.now;
    s.lab
        .as_mut()
        .unwrap()
        .session
        .add_idea(NewIdea { group: "meja-1".into(), title: "x".into(), ..Default::default() }, now)
        .unwrap();
    update(&mut s, Action::ToggleTimer);
    let deadline = lab(&s).timer_for_current().deadline;
    run(&mut s, &[Action::NextBlock, Action::NextBlock]);
    // Another block shows its own full length, paused.
    let view = lab(&s).timer_view(s.now);
    assert_eq!((view.remaining, view.running), (i64::from(lab(&s).current().1.duration_secs()), false));
    run(&mut s, &[Action::PrevBlock, Action::PrevBlock]);
    assert_eq!(lab(&s).timer_for_current().deadline, deadline);
    assert!(lab(&s).timer_view(s.now).running);
    assert_eq!(lab(&s).session.ideas.len(), 1);
}

#[test]
fn each_block_keeps_its_own_timer() {
    let mut s = state();
    update(&mut s, Action::AddMinute);
    update(&mut s, Action::ToggleTimer);
    update(&mut s, Action::NextBlock);
    update(&mut s, Action::ToggleTimer);
    let later = at(T0) + Duration::minutes(5);
    update(&mut s, Action::Tick(later));
    let second = lab(&s).timer_view(s.now);
    assert_eq!((second.running, second.remaining), (true, i64::from(lab(&s).current().1.duration_secs()) - 300));
    update(&mut s, Action::PrevBlock);
    let first = lab(&s).timer_view(s.now);
    assert_eq!((first.running, first.remaining), (true, 31 * 60 - 300), "starting the next block's timer kept it");
    update(&mut s, Action::ResetTimer);
    update(&mut s, Action::NextBlock);
    assert!(lab(&s).timer_view(s.now).running, "resetting one block's timer leaves the other's running");
    assert_eq!(lab(&s).session.progress.timers.len(), 1);
}

#[test]
fn what_the_wall_shows_is_saved_and_comes_back() {
    let mut s = state();
    // The plenary of day 2, its third table, in Indonesian, with one idea in the spotlight on the board.
    lab_mut(&mut s).session.progress.block = "d2-presentasi-ide".into();
    assert_eq!(run(&mut s, &[Action::NextTable, Action::NextTable]), vec![Effect::Save, Effect::Save]);
    assert_eq!(update(&mut s, Action::ToggleLanguage), vec![Effect::Save], "the language is the wall's");
    assert_eq!(update(&mut s, Action::OpenBoard), vec![Effect::Save]);
    let now = s.now;
    let id = lab_mut(&mut s)
        .session
        .add_idea(NewIdea { group: "meja-1".into(), title: "Antrean online".into(), ..Default::default() }, now)
        .unwrap();
    lab_mut(&mut s).reindex();
    update(&mut s, Action::OpenSpotlight);
    let wall = lab(&s).session.progress.wall.clone();
    assert_eq!(
        wall,
        crate::model::Wall {
            lang: Some(Lang::Id),
            screen: crate::model::WallScreen::Board,
            plenary_table: 2,
            spotlight: Some(id),
            ..Default::default()
        }
    );
    assert_eq!(update(&mut s, Action::CursorDown), vec![], "moving on the board changes nothing on the wall's record");

    // A restart (English from the environment) comes back to all of it.
    let saved = lab(&s).session.clone();
    let mut again = State::new(Lang::En, ThemeName::Projector, at(T0), StartList::default());
    assert_eq!(
        update(&mut again, Action::SessionOpened { path: "lab.json".into(), session: Box::new(saved.clone()) }),
        vec![]
    );
    assert_eq!(again.lang, Lang::Id);
    assert_eq!(again.layers.screen, Screen::Board);
    assert_eq!(again.layers.top(), Some(&Overlay::Spotlight { idea: id }));
    assert_eq!(lab(&again).plenary_table, 2);
    assert_eq!(again.wall(), Some(wall));

    // A language given on the command line wins; a table that is gone falls back to the first.
    let mut pinned = State::new(Lang::En, ThemeName::Projector, at(T0), StartList::default());
    pinned.lang_pinned = true;
    let mut fewer = saved;
    fewer.groups.truncate(2);
    fewer.ideas.clear();
    update(&mut pinned, Action::SessionOpened { path: "lab.json".into(), session: Box::new(fewer) });
    assert_eq!((pinned.lang, lab(&pinned).plenary_table), (Lang::En, 1));
    assert_eq!(pinned.layers.top(), None, "no spotlight on an idea that is not there");
}

#[test]
fn the_awards_position_comes_back_and_the_tally_is_not_recounted_for_it() {
    let mut s = state();
    lab_mut(&mut s).session.progress.block = "d3-penghargaan".into();
    update(&mut s, Action::OpenAwards);
    let counted = lab(&s).tally.as_ref().map(|t| t.generation);
    assert_eq!(update(&mut s, Action::ToggleAwardsList), vec![Effect::Save]);
    assert_eq!(lab(&s).tally.as_ref().map(|t| t.generation), counted, "what the wall shows is not a new count");
    assert!(lab(&s).session.progress.wall.awards_list);
    assert_eq!(lab(&s).session.progress.wall.screen, crate::model::WallScreen::Awards);
}

#[test]
fn the_timer_starts_pauses_and_resumes() {
    let mut s = state();
    assert_eq!(update(&mut s, Action::ToggleTimer), vec![Effect::Save]);
    let timer = &lab(&s).timer_for_current();
    assert!(timer.running);
    assert_eq!(timer.deadline, Some(at(T0) + Duration::minutes(30)));
    update(&mut s, Action::Tick(at(T0) + Duration::seconds(75)));
    assert_eq!(lab(&s).timer_view(s.now).remaining, 30 * 60 - 75);
    update(&mut s, Action::ToggleTimer);
    assert_eq!(lab(&s).timer_for_current().remaining_secs, Some(30 * 60 - 75));
    update(&mut s, Action::Tick(at(T0) + Duration::seconds(500)));
    assert_eq!(lab(&s).timer_view(s.now).remaining, 30 * 60 - 75, "a paused timer does not move");
}

#[test]
fn minutes_can_be_added_without_limit_and_removed_down_to_zero() {
    let mut s = state();
    for _ in 0..600 {
        update(&mut s, Action::AddMinute);
    }
    assert_eq!(lab(&s).timer_view(s.now).remaining, (30 + 600) * 60);
    assert_eq!(lab(&s).timer_for_current().duration_secs, (30 + 600) * 60);
    update(&mut s, Action::RemoveMinute);
    assert_eq!(lab(&s).timer_view(s.now).remaining, (30 + 599) * 60);
    update(&mut s, Action::ResetTimer);
    assert_eq!(lab(&s).timer_view(s.now).remaining, 30 * 60);
}

#[test]
fn the_bell_rings_once_at_zero_then_overtime_counts() {
    let mut s = state();
    update(&mut s, Action::ToggleTimer);
    let mut bells = 0;
    for secs in (1..=30 * 60 + 200).step_by(1) {
        bells += update(&mut s, Action::Tick(at(T0) + Duration::seconds(secs)))
            .iter()
            .filter(|e| **e == Effect::Bell)
            .count();
        if secs == 30 * 60 + 2 {
            assert!(s.flashing());
        }
    }
    assert_eq!(bells, 1);
    assert!(!s.flashing(), "the flash ends after a few seconds");
    assert_eq!(lab(&s).timer_view(s.now).remaining, -200);
    // Adding time after zero ends the time-up state and lets the bell ring at the new zero.
    run(&mut s, &[Action::AddMinute, Action::AddMinute, Action::AddMinute, Action::AddMinute]);
    assert!(s.time_up_at.is_none());
    assert_eq!(lab(&s).timer_view(s.now).remaining, 40);
}

#[test]
fn a_clock_jump_does_not_change_the_remaining_time() {
    let mut s = state();
    update(&mut s, Action::ToggleTimer);
    update(&mut s, Action::Tick(at(T0) + Duration::seconds(60)));
    let before = lab(&s).timer_view(s.now).remaining;
    // The runtime reports a jump of one hour forward and then ticks with the new wall clock.
    update(&mut s, Action::ClockJumped { secs: 3600 });
    update(&mut s, Action::Tick(at(T0) + Duration::seconds(3660)));
    assert_eq!(lab(&s).timer_view(s.now).remaining, before);
    assert!(s.notice.as_ref().is_some_and(|n| n.text.contains("+60")));
    update(&mut s, Action::ClockJumped { secs: -7200 });
    update(&mut s, Action::Tick(at(T0) + Duration::seconds(60 - 3600)));
    assert_eq!(lab(&s).timer_view(s.now).remaining, before);
}

#[test]
fn notices_expire() {
    let mut s = state();
    update(&mut s, Action::OpenFailed(crate::app::Failure::ReadOnly { path: "lab.json".into() }));
    assert!(s.notice.as_ref().is_some_and(|n| n.is_error));
    update(&mut s, Action::Tick(at(T0) + Duration::seconds(60)));
    assert!(s.notice.is_none());
}

#[test]
fn plenary_tables_cycle() {
    let mut s = state();
    update(&mut s, Action::PrevTable);
    assert_eq!(lab(&s).plenary_table, 5);
    run(&mut s, &[Action::NextTable, Action::NextTable]);
    assert_eq!(lab(&s).plenary_table, 1);
    update(&mut s, Action::NextBlock);
    assert_eq!(lab(&s).plenary_table, 0, "a new block starts with the first table");
}

#[test]
fn the_overview_moves_and_jumps() {
    let mut s = state();
    update(&mut s, Action::OpenOverview);
    assert_eq!(s.mode(), Mode::Overview);
    run(&mut s, &[Action::CursorDown, Action::CursorDown, Action::CursorRight]);
    let Screen::Overview { cursor } = s.layers.screen else { panic!("the overview is up") };
    let (pos, block) = lab(&s).session.plan.at_flat_index(cursor).unwrap();
    assert_eq!((pos.day, pos.index), (1, 2));
    let id = block.id.clone();
    run(&mut s, &[Action::CursorLeft, Action::CursorRight]);
    assert_eq!(update(&mut s, Action::Confirm), vec![Effect::Save]);
    assert_eq!(s.mode(), Mode::Agenda);
    assert_eq!(current_id(&s), id);
    update(&mut s, Action::OpenOverview);
    run(&mut s, &[Action::CursorUp, Action::Back]);
    assert_eq!(s.mode(), Mode::Agenda);
    assert_eq!(current_id(&s), id, "closing the overview does not move");
    update(&mut s, Action::OpenOverview);
    run(&mut s, &[Action::PageDown, Action::PageDown, Action::PageDown, Action::PageDown]);
    assert_eq!(s.layers.screen, Screen::Overview { cursor: lab(&s).session.plan.block_count() - 1 });
}

#[test]
fn help_pages_and_never_scrolls_past_its_last_page() {
    let mut s = state();
    update(&mut s, Action::Resize { width: 80, height: 24 });
    update(&mut s, Action::OpenHelp);
    update(&mut s, Action::PageDown);
    assert_eq!(s.layers.top(), Some(&Overlay::Help { scroll: 19 }), "a page is the 20 rows shown, less one kept");
    let last = (keymap::help_line_count() - keymap::help_page_rows(24)) as u16;
    run(&mut s, &vec![Action::PageDown; 50]);
    assert_eq!(s.layers.top(), Some(&Overlay::Help { scroll: last }));
    run(&mut s, &vec![Action::PageUp; 50]);
    assert_eq!(s.layers.top(), Some(&Overlay::Help { scroll: 0 }));
}

#[test]
fn help_opens_over_any_mode_and_returns() {
    let mut s = state();
    update(&mut s, Action::OpenOverview);
    update(&mut s, Action::OpenHelp);
    assert_eq!((s.mode(), s.layers.screen.mode()), (Mode::Help, Mode::Overview));
    run(&mut s, &[Action::CursorDown, Action::CursorDown]);
    assert_eq!(s.layers.top(), Some(&Overlay::Help { scroll: 2 }));
    update(&mut s, Action::Back);
    assert_eq!(s.mode(), Mode::Overview);
}

#[test]
fn language_toggles() {
    let mut s = state();
    update(&mut s, Action::ToggleLanguage);
    assert_eq!(s.lang, Lang::Id);
    update(&mut s, Action::ToggleLanguage);
    assert_eq!(s.lang, Lang::En);
}

#[test]
fn quit_and_signals_ask_the_runtime_to_save_and_exit() {
    let mut s = state();
    assert_eq!(update(&mut s, Action::Quit), vec![Effect::Quit { ask: true }]);
    assert_eq!(update(&mut s, Action::Terminate), vec![Effect::Quit { ask: false }]);
}

#[test]
fn resize_is_recorded() {
    let mut s = state();
    update(&mut s, Action::Resize { width: 240, height: 60 });
    assert_eq!(s.size, (240, 60));
}

#[test]
fn save_results_update_the_status() {
    let mut s = state();
    run(&mut s, &[Action::NextBlock, Action::NextBlock]);
    assert!(s.save.is_pending());
    update(&mut s, Action::SaveFinished { generation: 1, result: Ok(at(T0)) });
    assert!(s.save.is_pending(), "generation 2 is not on disk yet");
    update(&mut s, Action::SaveFinished { generation: 2, result: Ok(at(T0)) });
    assert!(!s.save.is_pending());
    assert_eq!(s.save.last_saved_at, Some(at(T0)));
    let failure =
        SaveFailure::new(crate::app::Failure::Hung { path: "lab.json".into(), secs: 5 }, vec!["/tmp/copy.json".into()]);
    update(&mut s, Action::SaveFinished { generation: 3, result: Err(failure.clone()) });
    assert_eq!(s.save.error, Some(failure));
    update(&mut s, Action::SaveFinished { generation: 3, result: Ok(at(T0)) });
    assert_eq!(s.save.error, None);
    assert!(s.notice.as_ref().is_some_and(|n| n.text.contains("/tmp/copy.json")), "says the copy can go");
}

fn start_state() -> State {
    let summary =
        Summary { title: "Lab".into(), first_date: None, last_date: None, ideas: 0, target: 50, updated_at: at(T0) };
    let start = StartList {
        sessions_dir: "sessions".into(),
        entries: vec![
            StartEntry { path: "sessions/a.json".into(), summary: Ok(summary) },
            StartEntry {
                path: "sessions/b.json".into(),
                summary: Err(std::sync::Arc::new(crate::store::LoadError::Empty { path: "sessions/b.json".into() })),
            },
        ],
        selected: 0,
    };
    State::new(Lang::En, ThemeName::Projector, at(T0), start)
}

#[test]
fn the_start_screen_creates_and_opens() {
    let mut s = start_state();
    update(&mut s, Action::Confirm);
    assert_eq!(s.mode(), Mode::NewSession, "the title and day 1 are asked first");
    let today = chrono::NaiveDate::from_ymd_opt(2022, 11, 2);
    let builtin = Some(crate::model::Plan::builtin(today.unwrap()).title);
    assert_eq!(
        update(&mut s, Action::Confirm),
        vec![Effect::NewSession { plan: None, title: builtin, first_day: today }],
        "the built-in lab's title and today, as offered"
    );
    // The offered title is replaced by the first key typed, as selected text is; Backspace on today's
    // date takes it all away.
    run(&mut s, &"Lab Cilegon".chars().map(Action::Input).collect::<Vec<_>>());
    update(&mut s, Action::NextField);
    update(&mut s, Action::DeleteBack);
    run(&mut s, &"2022-11-09".chars().map(Action::Input).collect::<Vec<_>>());
    assert_eq!(
        update(&mut s, Action::Confirm),
        vec![Effect::NewSession {
            plan: None,
            title: Some("Lab Cilegon".into()),
            first_day: chrono::NaiveDate::from_ymd_opt(2022, 11, 9)
        }]
    );
    update(&mut s, Action::Back);
    run(&mut s, &[Action::CursorDown, Action::CursorDown]);
    assert_eq!(update(&mut s, Action::Confirm), vec![Effect::Open("sessions/a.json".into())]);
    run(&mut s, &[Action::CursorDown, Action::CursorDown, Action::CursorDown]);
    assert_eq!(s.start.selected, 3, "the cursor stops at the last row");
    assert_eq!(update(&mut s, Action::Confirm), vec![]);
    assert!(s.notice.as_ref().is_some_and(|n| n.text.contains("empty")), "a broken file explains itself");
    run(&mut s, &[Action::CursorUp, Action::CursorUp, Action::CursorUp, Action::CursorUp, Action::CursorUp]);
    assert_eq!(s.start.selected, 0);
}

#[test]
fn a_plan_file_path_is_typed_then_created() {
    let mut s = start_state();
    run(&mut s, &[Action::CursorDown, Action::Confirm]);
    assert_eq!(s.mode(), Mode::NewSession);
    let asked = |s: &State| match s.layers.top() {
        Some(Overlay::NewSession(asked)) => asked.clone(),
        other => panic!("{other:?}"),
    };
    assert_eq!(update(&mut s, Action::Confirm), vec![], "an empty path is refused");
    assert_eq!(asked(&s).error.as_deref(), Some("Type the path of the plan file first."));
    run(&mut s, &"plan.jsonx".chars().map(Action::Input).collect::<Vec<_>>());
    assert_eq!(asked(&s).error, None, "typing clears the complaint");
    update(&mut s, Action::DeleteBack);
    assert_eq!(
        update(&mut s, Action::Confirm),
        vec![Effect::NewSession { plan: Some("plan.json".into()), title: None, first_day: None }],
        "the plan's own title and dates when nothing else is typed"
    );
    // A title and a day 1: Tab to each; Ctrl-U clears; a date that is not one sends the coach back to it.
    update(&mut s, Action::NextField);
    update(&mut s, Action::Paste("Lab \u{1b}[2JKota\nCilegon".into()));
    update(&mut s, Action::NextField);
    run(&mut s, &"7/12/2026".chars().map(Action::Input).collect::<Vec<_>>());
    update(&mut s, Action::PrevField);
    assert_eq!(update(&mut s, Action::Confirm), vec![]);
    assert_eq!(asked(&s).focus, NewField::FirstDay);
    assert!(asked(&s).error.is_some_and(|e| e.starts_with("\"7/12/2026\" is not a date")));
    update(&mut s, Action::ClearLine);
    run(&mut s, &"2026-12-07".chars().map(Action::Input).collect::<Vec<_>>());
    assert_eq!(
        update(&mut s, Action::Confirm),
        vec![Effect::NewSession {
            plan: Some("plan.json".into()),
            title: Some("Lab Kota Cilegon".into()),
            first_day: chrono::NaiveDate::from_ymd_opt(2026, 12, 7)
        }]
    );
    update(&mut s, Action::Back);
    assert_eq!(s.mode(), Mode::Start);
}

#[test]
fn an_opened_session_shows_the_agenda() {
    let mut s = start_state();
    update(&mut s, Action::SessionOpened { path: "lab.json".into(), session: Box::new(session()) });
    assert_eq!(s.mode(), Mode::Agenda);
    assert_eq!(current_id(&s), "d1-registrasi");
}

#[test]
fn the_schedule_compares_now_with_the_block() {
    let mut s = state();
    assert_eq!(lab(&s).schedule(s.now), Schedule::Behind(11), "08:40 is past the 08:00–08:30 registration");
    update(&mut s, Action::NextBlock);
    assert_eq!(lab(&s).schedule(s.now), Schedule::OnTime);
    update(&mut s, Action::NextBlock);
    assert_eq!(lab(&s).schedule(s.now), Schedule::Ahead(35));
    update(&mut s, Action::Tick(at("2022-11-05T09:00:00+07:00")));
    assert_eq!(lab(&s).schedule(s.now), Schedule::OtherDay);
}

/// `E` writes the reports in the language on the screen, not the one innolab started in.
#[test]
fn the_reports_follow_the_language_on_the_screen() {
    let mut s = state();
    assert_eq!(update(&mut s, Action::Export), vec![Effect::Export { lang: Lang::En }]);
    update(&mut s, Action::ToggleLanguage);
    assert_eq!(update(&mut s, Action::Export), vec![Effect::Export { lang: Lang::Id }]);
}

/// The tally screen's readiness words are made with the tally and again when the language changes, never
/// while drawing.
#[test]
fn the_readiness_words_follow_the_tally_and_the_language() {
    let mut s = state();
    let idea = crate::model::NewIdea { group: "meja-1".into(), title: "Tanpa penggagas".into(), ..Default::default() };
    let now = s.now;
    s.lab.as_mut().unwrap().session.add_idea(idea, now).unwrap();
    update(&mut s, Action::OpenTally);
    let text = lab(&s).readiness_text().unwrap().clone();
    assert_eq!((text.lang, text.summary.as_str()), (Lang::En, "1 idea without an author, 1 idea without an agency"));
    assert_eq!(text.lines, ["No author, no agency · #1 \"Tanpa penggagas\" (Meja 1)"]);
    update(&mut s, Action::ToggleLanguage);
    let text = lab(&s).readiness_text().unwrap();
    assert_eq!(text.lang, Lang::Id);
    assert_eq!(text.lines, ["Tanpa penggagas, tanpa OPD · #1 \"Tanpa penggagas\" (Meja 1)"]);
}

#[test]
fn a_conflict_reloads_their_version_and_adds_only_this_sessions_unsaved_ideas() {
    let mut s = state();
    s.lab.as_mut().unwrap().session.progress.block = "d2-curah-ide".into();
    let capture = |s: &mut State, title: &str| {
        update(s, Action::OpenCapture);
        update(s, Action::Paste(title.into()));
        update(s, Action::Confirm);
        update(s, Action::Back);
    };
    capture(&mut s, "Tersimpan");
    let (saved, now) = (s.save.generation, s.now);
    update(&mut s, Action::SaveFinished { generation: saved, result: Ok(now) });
    assert_eq!(s.save.saved_max_id, 1, "idea 1 is known to be on disk");
    capture(&mut s, "Belum tersimpan");
    capture(&mut s, "Sudah ada di sana");
    let changed = crate::store::SaveError::ChangedElsewhere { path: "lab.json".into() };
    let failure = SaveFailure::new(crate::app::Failure::from(changed), vec![]);
    assert!(failure.conflict);
    let generation = s.save.generation;
    update(&mut s, Action::SaveFinished { generation, result: Err(failure) });
    assert_eq!(update(&mut s, Action::OpenConflict), vec![]);
    assert_eq!(s.mode(), Mode::Conflict);
    assert_eq!(update(&mut s, Action::ReloadTheirs), vec![Effect::ReloadFromDisk]);
    // Their version: idea 1 renamed by them, and one of ours already typed there.
    let mut theirs = session();
    let now = s.now;
    theirs
        .add_idea(NewIdea { group: "meja-1".into(), title: "Versi mereka".into(), ..Default::default() }, now)
        .unwrap();
    theirs
        .add_idea(NewIdea { group: "meja-1".into(), title: "sudah ada di  sana".into(), ..Default::default() }, now)
        .unwrap();
    let effects = update(&mut s, Action::Reloaded { result: Ok(Box::new(theirs)), journal_included: true });
    assert_eq!(effects, vec![Effect::Save], "the merged session is saved");
    let titles: Vec<&str> = lab(&s).session.ideas.iter().map(|i| i.title.as_str()).collect();
    assert_eq!(titles, ["Versi mereka", "sudah ada di  sana", "Belum tersimpan"]);
    assert!(s.save.error.is_none() && s.mode() == Mode::Agenda);
    assert!(s.notice.as_ref().is_some_and(|n| n.text.contains("1 unsaved ideas added") && n.text.contains("1 were")));
    // Without a conflict there is nothing to resolve.
    update(&mut s, Action::OpenConflict);
    assert_eq!(s.mode(), Mode::Agenda);
}

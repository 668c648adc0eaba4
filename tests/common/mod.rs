//! Helpers shared by the integration tests: run the real binary with a pinned clock and English messages.
#![allow(dead_code, clippy::unwrap_used)]

pub mod pty;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub const BIN: &str = env!("CARGO_BIN_EXE_innolab");
pub const NOW: &str = "2022-11-03T10:00:00+07:00";

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// The binary, in `dir`, English, with the clock pinned and no inherited sessions folder.
pub fn innolab(dir: &Path) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.current_dir(dir).env("LANG", "C").env("INNOLAB_NOW", NOW).env_remove("INNOLAB_SESSIONS");
    cmd
}

pub fn run(dir: &Path, args: &[&str]) -> Output {
    innolab(dir).args(args).output().expect("the innolab binary runs")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Creates a session from the built-in plan in `dir` and returns its path.
pub fn new_session(dir: &Path) -> PathBuf {
    let out = run(dir, &["new", "--start-date", "2022-11-02", "-o", "lab.json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    dir.join("lab.json")
}

/// A session from the built-in plan in `dir`, on the group-work block where ideas are captured (day 2).
pub fn new_session_on_group_work(dir: &Path) -> PathBuf {
    let path = new_session(dir);
    let mut session = innolab::store::load(&path).unwrap();
    session.progress.block = "d2-curah-ide".into();
    innolab::store::save(&path, &session).unwrap();
    path
}

/// The session schema printed by `innolab schema`, compiled.
pub fn schema_validator() -> jsonschema::Validator {
    let out = Command::new(BIN).arg("schema").output().expect("runs");
    let schema: serde_json::Value = serde_json::from_slice(&out.stdout).expect("schema is JSON");
    jsonschema::validator_for(&schema).expect("schema compiles")
}

pub fn assert_valid_against_schema(validator: &jsonschema::Validator, path: &Path) {
    let value: serde_json::Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    let errors: Vec<String> =
        validator.iter_errors(&value).map(|e| format!("{} at {}", e, e.instance_path())).collect();
    assert!(errors.is_empty(), "{} does not match the schema: {errors:#?}", path.display());
}

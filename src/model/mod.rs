//! The domain: plan, table groups, ideas and the session that ties them together, with their invariants.
//! Plain data and pure functions; nothing here knows about the terminal or the disk.

pub mod agency;
pub mod group;
pub mod idea;
pub mod names;
pub mod parse;
pub mod plan;
pub mod room;
pub mod roster;
pub mod session;
pub mod text;
pub mod validate;
pub mod vote;

pub use agency::FlagshipConflict;
pub use group::{Member, Role, TableGroup};
pub use idea::{Form, Idea, Source, Timestamp};
pub use parse::{ParseError, ParseKind};
pub use plan::{Block, BlockKind, BlockPos, ClockTime, Day, Plan, Signatory, Stage, UtcOffset};
pub use room::{Decision, NewSubmission, Room, Submission, SubmissionState, SubmitError};
pub use session::{
    Changed, DuplicateKey, IdsExhausted, MAX_ID, MAX_TIMER_SECS, NewIdea, OLDEST_SCHEMA_VERSION, Progress,
    SCHEMA_VERSION, Session, Timer, Wall, WallScreen,
};
pub use validate::{Problem, ProblemKind};
pub use vote::{AgencyWinner, Ballot, CastBallot, Count, NewVote, Standing, Vote, VoteError, VoteMethod, VoteScope};

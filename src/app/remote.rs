//! The coach's remote (room mode): what its buttons do, whatever the laptop's screen or overlay shows. Each
//! is the verb its key or the queue would call (the agenda's block step, the timer's, the queue's approve
//! and reject), never a key's mode-dependent meaning; the remote is answered once the change is on disk.

use super::room::{approve, reject};
use super::{Effect, State};
use crate::model::SubmitError;
use crate::room::remote::RemoteCommand;

impl State {
    /// A button of the coach's remote: done, then answered (at once when nothing changed).
    pub(super) fn remote(&mut self, command: RemoteCommand, reply: u64) -> Vec<Effect> {
        let before = self.save.generation;
        let (mut effects, answer) = match command {
            // The block itself, not the clicker: on a plenary or the awards the clicker pages first.
            RemoteCommand::PrevBlock => (self.step_block(-1), Ok(0)),
            RemoteCommand::NextBlock => (self.step_block(1), Ok(0)),
            RemoteCommand::ToggleTimer => (self.toggle_timer(), Ok(0)),
            RemoteCommand::AddMinute => (self.adjust_timer(60), Ok(0)),
            RemoteCommand::Approve(id) => self.remote_approve(id),
            RemoteCommand::Reject(id) => self.remote_reject(id),
        };
        let after = (self.save.generation != before).then(|| {
            effects.push(Effect::SaveNow);
            self.save.generation
        });
        effects.push(Effect::RoomReply { reply, answer, after });
        effects
    }

    /// As Enter in the queue: the idea lands on the board in the current block, with `room` as its source.
    fn remote_approve(&mut self, id: u64) -> (Vec<Effect>, Result<u64, SubmitError>) {
        let now = self.now;
        let Some(lab) = self.lab.as_mut() else { return (vec![], Err(SubmitError::NotPending)) };
        if lab.session.submission(id).is_none_or(|s| s.state != crate::model::SubmissionState::Pending) {
            return (vec![], Err(SubmitError::NotPending));
        }
        match approve(lab, id, None, now) {
            Ok(idea) => {
                self.decided_elsewhere(id);
                (self.changed(), Ok(idea))
            }
            // Only when idea ids run out: the wall says why, the remote that the lab is full.
            Err(message) => (self.notify(message, true), Err(SubmitError::Full)),
        }
    }

    /// As `x` in the queue: rejected, kept with the decided ones.
    fn remote_reject(&mut self, id: u64) -> (Vec<Effect>, Result<u64, SubmitError>) {
        let now = self.now;
        let Some(lab) = self.lab.as_mut() else { return (vec![], Err(SubmitError::NotPending)) };
        if !reject(lab, id, now) {
            return (vec![], Err(SubmitError::NotPending));
        }
        self.decided_elsewhere(id);
        (self.changed(), Ok(id))
    }
}

//! How the writer answers: one request at a time, or a group of requests
//! submitted together and answered together, once every one of them is
//! durable.
//!
//! A group's requests are processed like any others (a large group may
//! span batches, and a failing batch is split wherever the split falls);
//! each result lands in its slot, and the group is answered when the last
//! slot is filled. Slots are filled by the writer thread, or by the task
//! that answers large batches on the async runtime (`relay.rs`).

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use tokio::sync::oneshot;

use super::{WriteRequest, WriteResult};
use crate::StoreError;

/// One request's answer, as the writer gives it.
pub(super) type Answer = Result<WriteResult, Arc<StoreError>>;

/// What a submitter sends to the writer. A single request travels inline,
/// as it did before groups existed: boxing it would cost an allocation per
/// request to save channel space only groups would use.
#[allow(clippy::large_enum_variant)]
pub(super) enum Submission {
    /// One request, answered alone.
    One(WriteRequest, oneshot::Sender<Answer>),
    /// Requests answered together, in their order.
    Group(Vec<WriteRequest>, oneshot::Sender<Vec<Answer>>),
}

/// Where one request's answer goes.
pub(super) enum Reply {
    /// Straight to its submitter.
    One(oneshot::Sender<Answer>),
    /// Into slot `.1` of a group.
    Part(Arc<Mutex<Group>>, usize),
}

impl Reply {
    /// Delivers `answer`: to the submitter, or into the group, which is
    /// answered once its last slot is filled.
    pub(super) fn send(self, answer: Answer) {
        match self {
            Reply::One(tx) => {
                // A submitter that stopped waiting no longer needs it.
                let _ = tx.send(answer);
            }
            Reply::Part(group, slot) => group
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .fill(slot, answer),
        }
    }
}

/// A group's answers so far.
pub(super) struct Group {
    answers: Vec<Option<Answer>>,
    missing: usize,
    reply: Option<oneshot::Sender<Vec<Answer>>>,
}

impl Group {
    fn fill(&mut self, slot: usize, answer: Answer) {
        let Some(place) = self.answers.get_mut(slot) else {
            return;
        };
        if place.replace(answer).is_none() {
            self.missing -= 1;
        }
        if self.missing > 0 {
            return;
        }
        if let Some(reply) = self.reply.take() {
            let answers = std::mem::take(&mut self.answers)
                .into_iter()
                .map(|a| a.unwrap_or(Err(Arc::new(StoreError::WriterStopped))))
                .collect();
            let _ = reply.send(answers);
        }
    }
}

/// Appends the requests of `submission` to `backlog`, each with where its
/// answer goes.
pub(super) fn unpack(submission: Submission, backlog: &mut VecDeque<(WriteRequest, Reply)>) {
    match submission {
        Submission::One(request, tx) => backlog.push_back((request, Reply::One(tx))),
        Submission::Group(requests, tx) => {
            if requests.is_empty() {
                let _ = tx.send(Vec::new());
                return;
            }
            let group = Arc::new(Mutex::new(Group {
                answers: (0..requests.len()).map(|_| None).collect(),
                missing: requests.len(),
                reply: Some(tx),
            }));
            for (slot, request) in requests.into_iter().enumerate() {
                backlog.push_back((request, Reply::Part(group.clone(), slot)));
            }
        }
    }
}

//! The first arming of a switch with a latch.

use super::{KillSwitch, KillSwitchBuilder};
use crate::error::Error;
use crate::event::Event;
use crate::latch::{self, ArmRecord, LatchContents};
use crate::nonce_store::NonceStore;
use crate::reset::{self, Refusal, ResetRefusal, ResetRequest, ResetToken};
use crate::state::State;

impl KillSwitchBuilder {
    /// Arms a new switch: writes its first armed latch, signed by `reqs`
    /// (tokens from [`SignReset::sign_init`](crate::SignReset::sign_init),
    /// all for one `init-` id, from the policy's quorum of operators), creates
    /// the nonce store if there is none, and builds the switch.
    ///
    /// Refused when no latch is configured, when a latch file already exists
    /// (reset it instead), or when the tokens do not pass the policy (no
    /// cooldown applies), or when the event sink refuses its record
    /// ([`ResetRefusal::NotRecorded`]: the arming is recorded before the
    /// latch is written). This is the `supreme kill-switch init` command.
    ///
    /// ```
    /// use std::time::Duration;
    /// use supreme_kill_switch::*;
    ///
    /// let dir = std::env::temp_dir().join(format!("ks-init-doc-{}", std::process::id()));
    /// std::fs::create_dir_all(&dir).unwrap();
    /// let latch = dir.join("latch.json");
    /// # let _ = std::fs::remove_file(&latch);
    /// let alice = OperatorKey::generate()?;
    /// let policy = ResetPolicy::new(Duration::from_secs(60)).operator("alice", alice.public_key());
    /// let token = alice.sign_init("alice", SystemClock.now_ms() + 60_000)?;
    /// let switch = KillSwitch::builder()
    ///     .latch(&latch)
    ///     .reset_policy(policy.clone())
    ///     .init(&[ResetRequest { operator: "alice".into(), token }])?;
    /// assert!(switch.gate().is_open());
    /// // A restart starts armed from the signed latch.
    /// let again = KillSwitch::builder().latch(&latch).reset_policy(policy).build();
    /// assert_eq!(again.state(), State::Armed);
    /// # std::fs::remove_dir_all(&dir).unwrap();
    /// # Ok::<(), Error>(())
    /// ```
    pub fn init(self, reqs: &[ResetRequest]) -> Result<KillSwitch, Error> {
        let (path, clock, policy) = (self.latch.as_deref(), &self.clock, &self.policy);
        let path = path
            .ok_or(Error::Setup {
                what: "init",
                detail: "no latch file configured".to_owned(),
            })?
            .to_owned();
        if std::fs::symlink_metadata(&path).is_ok() {
            return Err(Error::Latch {
                path,
                detail: "a latch already exists: init arms a new switch; reset this one".to_owned(),
            });
        }
        let now = clock.now_ms();
        let operator = reqs
            .iter()
            .map(|r| r.operator.as_str())
            .collect::<Vec<_>>()
            .join("+");
        let outcome = (|| {
            let first = reqs
                .first()
                .ok_or(ResetRefusal::Operator(Refusal::QuorumNotMet {
                    have: 0,
                    need: policy.required_operators(),
                }))?;
            let id = ResetToken::parse(&first.token)
                .map_err(|e| ResetRefusal::Operator(Refusal::MalformedToken(e)))?
                .subject()
                .to_owned();
            if !id.starts_with(reset::INIT_PREFIX) {
                return Err(ResetRefusal::Operator(Refusal::MalformedToken(format!(
                    "init needs tokens for an {}... id (sign-reset --init), not {id:?}",
                    reset::INIT_PREFIX
                ))));
            }
            let tokens = reset::authorize_all(&policy.without_cooldown(), reqs, &id, now, now)?;
            // Arming opens the gate: recorded first, refused unrecorded.
            let accepted = Event::ResetAttempt {
                operator: operator.clone(),
                at_ms: now,
                outcome: Ok(()),
            };
            crate::event::emit(self.events.as_ref(), now, &accepted)
                .map_err(|e| ResetRefusal::NotRecorded(e.to_string()))?;
            let mut store = NonceStore::open_or_create(&path).map_err(ResetRefusal::NonceStore)?;
            if tokens.iter().any(|(t, _)| store.is_used(t.nonce())) {
                return Err(ResetRefusal::Replayed);
            }
            store
                .commit(tokens.iter().map(|(t, _)| t.nonce()))
                .map_err(ResetRefusal::NonceStore)?;
            let armed = LatchContents::armed(ArmRecord::new(&id, now, &tokens));
            latch::write_new_latch(&path, &armed)
                .map_err(|e| ResetRefusal::LatchNotWritten(e.to_string()))
        })();
        // Reported as the switch does: a refusal here changes nothing.
        let _ = crate::event::emit(
            self.events.as_ref(),
            now,
            &match &outcome {
                Ok(()) => Event::LatchWritten {
                    path: path.clone(),
                    state: State::Armed,
                },
                Err(_) => Event::ResetAttempt {
                    operator: operator.clone(),
                    at_ms: now,
                    outcome: outcome.clone(),
                },
            },
        );
        outcome.map_err(|refusal| Error::ResetRefused { operator, refusal })?;
        let switch = self.build();
        match switch.state() {
            State::Armed => Ok(switch),
            actual => Err(Error::WrongState {
                expected: State::Armed,
                actual,
            }),
        }
    }
}

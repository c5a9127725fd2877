//! Hybrid logical clock (Kulkarni et al., "Logical Physical Clocks", 2014): a timestamp that
//! follows wall time but never runs backwards and orders causally related events, even across
//! machines whose clocks disagree. Ties break by node id, so every machine orders the same
//! timestamps the same way.

use serde::{Deserialize, Serialize};

/// One timestamp. Ordered by wall time, then counter, then node.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Hlc {
    /// Milliseconds since the Unix epoch (the largest wall time this clock has seen).
    pub wall_ms: u64,
    pub counter: u32,
    /// The machine's node id, saved once per machine.
    pub node: u64,
}

/// A machine's clock. The caller supplies the wall time, so the clock is testable and pure.
#[derive(Clone, Debug)]
pub struct Clock {
    last: Hlc,
}

impl Clock {
    pub fn new(node: u64) -> Clock {
        Clock {
            last: Hlc {
                wall_ms: 0,
                counter: 0,
                node,
            },
        }
    }

    /// A timestamp for a local event at wall time `now_ms`.
    pub fn tick(&mut self, now_ms: u64) -> Hlc {
        if now_ms > self.last.wall_ms {
            self.last.wall_ms = now_ms;
            self.last.counter = 0;
        } else {
            self.last.counter += 1;
        }
        self.last
    }

    /// Takes in a timestamp seen from another machine, so later local events order after it.
    pub fn observe(&mut self, remote: Hlc, now_ms: u64) {
        let wall = now_ms.max(remote.wall_ms).max(self.last.wall_ms);
        let counter = if wall == self.last.wall_ms && wall == remote.wall_ms {
            self.last.counter.max(remote.counter) + 1
        } else if wall == self.last.wall_ms {
            self.last.counter + 1
        } else if wall == remote.wall_ms {
            remote.counter + 1
        } else {
            0
        };
        self.last.wall_ms = wall;
        self.last.counter = counter;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_runs_backwards_even_when_the_wall_clock_does() {
        let mut c = Clock::new(1);
        let a = c.tick(1_000);
        let b = c.tick(900);
        let d = c.tick(1_000);
        assert!(a < b && b < d, "{a:?} {b:?} {d:?}");
    }

    #[test]
    fn events_after_a_remote_one_order_after_it_despite_a_slow_clock() {
        let mut mine = Clock::new(1);
        let mut theirs = Clock::new(2);
        let remote = theirs.tick(5_000);
        mine.observe(remote, 1_000);
        let local = mine.tick(1_001);
        assert!(local > remote);
    }

    #[test]
    fn equal_wall_and_counter_break_ties_by_node() {
        let a = Clock::new(1).tick(10);
        let b = Clock::new(2).tick(10);
        assert!(a < b);
    }
}

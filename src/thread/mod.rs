//! Messages → conversations, by the reference headers (pure).
//!
//! This is Jamie Zawinski's threading algorithm ("message threading", 1997; the REFERENCES algorithm
//! of RFC 5256 §2.2 follows it), reduced to what a helpdesk needs: which conversation each message
//! belongs to. Every Message-ID named by a message, in `References` then `In-Reply-To`, gets a
//! container; consecutive ids are linked parent → child unless that would close a loop; a message's
//! own last reference is authoritative for its parent. Containers for messages never seen (ghosts)
//! keep their children together. A conversation is everything under one root.
//!
//! Pure: no I/O, no clock. Replies without references are joined afterwards, under guard, by
//! [`subject::join_by_subject`].

pub mod subject;

use std::collections::HashMap;

/// The threading headers of one message (ids without angle brackets).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Links {
    pub message_id: String,
    pub in_reply_to: Vec<String>,
    pub references: Vec<String>,
}

#[derive(Default)]
struct Container {
    message: Option<usize>,
    parent: Option<usize>,
}

struct Forest {
    containers: Vec<Container>,
    by_id: HashMap<String, usize>,
}

impl Forest {
    fn container(&mut self, id: &str) -> usize {
        if let Some(&c) = self.by_id.get(id) {
            return c;
        }
        self.containers.push(Container::default());
        let c = self.containers.len() - 1;
        self.by_id.insert(id.to_string(), c);
        c
    }

    fn fresh(&mut self) -> usize {
        self.containers.push(Container::default());
        self.containers.len() - 1
    }

    /// Whether `a` is `b` or one of its ancestors.
    fn is_ancestor(&self, a: usize, mut b: usize) -> bool {
        loop {
            if a == b {
                return true;
            }
            match self.containers[b].parent {
                Some(p) => b = p,
                None => return false,
            }
        }
    }

    fn root(&self, mut c: usize) -> usize {
        while let Some(p) = self.containers[c].parent {
            c = p;
        }
        c
    }
}

/// The chain of ancestors a message names, oldest first: References, then its In-Reply-To when
/// References does not already end with it (some clients send only In-Reply-To).
fn ancestry(m: &Links) -> Vec<&str> {
    let mut chain: Vec<&str> = m.references.iter().map(String::as_str).collect();
    if let Some(irt) = m.in_reply_to.last()
        && chain.last() != Some(&irt.as_str())
    {
        chain.retain(|id| *id != irt);
        chain.push(irt);
    }
    chain.retain(|id| *id != m.message_id);
    chain
}

/// Assigns each message a conversation: the returned vector holds, for message `i`, the index of
/// the earliest message (in input order) of its conversation.
pub fn conversations(messages: &[Links]) -> Vec<usize> {
    let mut f = Forest {
        containers: Vec::with_capacity(messages.len() * 2),
        by_id: HashMap::with_capacity(messages.len() * 2),
    };
    let mut own = Vec::with_capacity(messages.len());
    for (i, m) in messages.iter().enumerate() {
        // A second message with an id already taken is a different message (JWZ step 1A).
        let mut c = f.container(&m.message_id);
        if f.containers[c].message.is_some() {
            c = f.fresh();
        }
        f.containers[c].message = Some(i);
        own.push(c);
        // Link the chain of references, keeping links that are already there (JWZ step 1B).
        let chain = ancestry(m);
        let mut prev: Option<usize> = None;
        for id in &chain {
            let r = f.container(id);
            if let Some(p) = prev
                && f.containers[r].parent.is_none()
                && !f.is_ancestor(r, p)
            {
                f.containers[r].parent = Some(p);
            }
            prev = Some(r);
        }
        // The message's own parent is its last reference (JWZ step 1C), unless that makes a loop.
        match prev {
            Some(p) if !f.is_ancestor(c, p) => f.containers[c].parent = Some(p),
            Some(_) => {}
            None => f.containers[c].parent = None,
        }
    }
    let mut first_of_root: HashMap<usize, usize> = HashMap::new();
    own.iter()
        .enumerate()
        .map(|(i, &c)| *first_of_root.entry(f.root(c)).or_insert(i))
        .collect()
}

#[cfg(test)]
mod tests;

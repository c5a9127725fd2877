//! The outbox's durable records: one key per outgoing message (`"x" id`, JSON, see
//! `send::outbox`). Every write is flushed before it returns, because the outbox's promise
//! ("never twice") rests on the state being on disk before the next network step.

use super::{Result, Store};

fn key(id: &str) -> Vec<u8> {
    let mut k = Vec::with_capacity(1 + id.len());
    k.push(b'x');
    k.extend_from_slice(id.as_bytes());
    k
}

impl Store {
    /// Writes one outbox record and makes it durable.
    pub fn outbox_put(&self, id: &str, value: &[u8]) -> Result<()> {
        self.db.insert(key(id), value).map_err(|e| self.db_err(e))?;
        self.flush()
    }

    /// One outbox record.
    pub fn outbox_get(&self, id: &str) -> Result<Option<Vec<u8>>> {
        Ok(self
            .db
            .get(key(id))
            .map_err(|e| self.db_err(e))?
            .map(|v| v.to_vec()))
    }

    /// Every outbox record, as (id, value), in id order.
    pub fn outbox_all(&self) -> Result<Vec<(String, Vec<u8>)>> {
        let mut out = Vec::new();
        for kv in self.db.scan_prefix(b"x") {
            let (k, v) = kv.map_err(|e| self.db_err(e))?;
            out.push((String::from_utf8_lossy(&k[1..]).into_owned(), v.to_vec()));
        }
        Ok(out)
    }

    /// Removes one outbox record, durably.
    pub fn outbox_remove(&self, id: &str) -> Result<()> {
        self.db.remove(key(id)).map_err(|e| self.db_err(e))?;
        self.flush()
    }
}

//! Message passing between ranks that share nothing: the small [`Comm`] interface (rank,
//! size, send, recv, bcast, gather, reduce, barrier) that the `ranks` and `mpi` backends
//! share, its implementation over crossbeam channels, and the rank program both run.
//!
//! Messages are bytes, as on a wire: whatever a rank tells another is encoded first
//! ([`super::wire`]), which is what mpi4py's lower-case methods do with pickle. The
//! collectives are written once, over send and recv, with the root talking to every other
//! rank in turn (an MPI library does them in trees; the results are the same).

use std::cell::{Cell, RefCell};
use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, Sender, unbounded};

use super::wire::{self, Reader, Writer};
use super::{BackendError, static_ranges};
use crate::kernels::{ItemCtx, Partial, Workload};

/// Messages and bytes one rank has sent and received.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Traffic {
    /// Messages this rank sent.
    pub messages_sent: u64,
    /// Bytes this rank sent.
    pub bytes_sent: u64,
    /// Messages this rank received.
    pub messages_received: u64,
    /// Bytes this rank received.
    pub bytes_received: u64,
}

impl Traffic {
    /// Counts one message sent.
    pub fn sent(&mut self, bytes: usize) {
        self.messages_sent += 1;
        self.bytes_sent += bytes as u64;
    }

    /// Counts one message received.
    pub fn received(&mut self, bytes: usize) {
        self.messages_received += 1;
        self.bytes_received += bytes as u64;
    }
}

/// Why a message could not be passed.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum CommError {
    /// Another rank gave up (it panicked or failed) and told everyone.
    #[error("rank {by} aborted the run")]
    Aborted { by: usize },
    /// A rank number outside the communicator.
    #[error("rank {rank} does not exist in a communicator of {size} ranks")]
    NoSuchRank { rank: usize, size: usize },
    /// A peer is gone.
    #[error("rank {peer} is gone")]
    Gone { peer: usize },
    /// The root called a collective without the data only it can give.
    #[error("the root of a {0} must give a message")]
    NoRootMessage(&'static str),
}

/// What one rank can do: know who it is and pass byte messages to the others.
/// Every rank must call the collectives in the same order, as in MPI.
pub trait Comm {
    /// This rank's number, 0 to size - 1.
    fn rank(&self) -> usize;
    /// Number of ranks.
    fn size(&self) -> usize;
    /// Sends `message` to rank `to`; messages between two ranks arrive in order.
    fn send(&self, to: usize, message: Vec<u8>) -> Result<(), CommError>;
    /// Receives the next message rank `from` sent to this rank (waits for it).
    fn recv(&self, from: usize) -> Result<Vec<u8>, CommError>;
    /// Messages and bytes this rank has sent and received so far.
    fn traffic(&self) -> Traffic;

    /// The root's `message` arrives at every rank (the root passes `Some`, the others `None`).
    fn bcast(&self, root: usize, message: Option<Vec<u8>>) -> Result<Vec<u8>, CommError> {
        if self.rank() != root {
            return self.recv(root);
        }
        let message = message.ok_or(CommError::NoRootMessage("bcast"))?;
        for rank in (0..self.size()).filter(|&r| r != root) {
            self.send(rank, message.clone())?;
        }
        Ok(message)
    }

    /// Every rank's `message` arrives at the root, in rank order; the others get `None`.
    fn gather(&self, root: usize, message: Vec<u8>) -> Result<Option<Vec<Vec<u8>>>, CommError> {
        if self.rank() != root {
            self.send(root, message)?;
            return Ok(None);
        }
        let mut own = Some(message);
        let mut all = Vec::with_capacity(self.size());
        for rank in 0..self.size() {
            all.push(if rank == root { own.take().unwrap_or_default() } else { self.recv(rank)? });
        }
        Ok(Some(all))
    }

    /// Combines every rank's `message` with `op` at the root, in rank order
    /// (`op(op(m0, m1), m2) ...`), so the result does not depend on timing.
    fn reduce(
        &self,
        root: usize,
        message: Vec<u8>,
        op: &mut dyn FnMut(Vec<u8>, Vec<u8>) -> Vec<u8>,
    ) -> Result<Option<Vec<u8>>, CommError> {
        Ok(self.gather(root, message)?.map(|all| all.into_iter().reduce(&mut *op).unwrap_or_default()))
    }

    /// Returns only once every rank has called it.
    fn barrier(&self) -> Result<(), CommError> {
        self.gather(0, Vec::new())?;
        self.bcast(0, (self.rank() == 0).then(Vec::new))?;
        Ok(())
    }
}

enum Body {
    Message(Vec<u8>),
    Abort,
}

struct Envelope {
    from: usize,
    body: Body,
}

/// One rank of a world whose ranks are threads of this process, passing messages over
/// crossbeam channels: one inbox per rank; messages that arrive from a rank before they
/// are asked for wait in a queue per sender, as MPI's unexpected-message queue does.
pub struct ChannelComm {
    rank: usize,
    outboxes: Arc<[Sender<Envelope>]>,
    inbox: Receiver<Envelope>,
    early: RefCell<HashMap<usize, VecDeque<Vec<u8>>>>,
    traffic: Cell<Traffic>,
}

impl ChannelComm {
    /// A world of `size` ranks; hand one to each thread.
    pub fn world(size: usize) -> Vec<ChannelComm> {
        let (outboxes, inboxes): (Vec<_>, Vec<_>) = (0..size).map(|_| unbounded()).unzip();
        let outboxes: Arc<[Sender<Envelope>]> = outboxes.into();
        inboxes
            .into_iter()
            .enumerate()
            .map(|(rank, inbox)| ChannelComm {
                rank,
                outboxes: Arc::clone(&outboxes),
                inbox,
                early: RefCell::new(HashMap::new()),
                traffic: Cell::new(Traffic::default()),
            })
            .collect()
    }

    /// Tells every other rank to give up (MPI_Abort): their waits end with an error.
    pub fn abort(&self) {
        for (rank, outbox) in self.outboxes.iter().enumerate() {
            if rank != self.rank {
                let _ = outbox.send(Envelope { from: self.rank, body: Body::Abort });
            }
        }
    }
}

impl Comm for ChannelComm {
    fn rank(&self) -> usize {
        self.rank
    }

    fn size(&self) -> usize {
        self.outboxes.len()
    }

    fn send(&self, to: usize, message: Vec<u8>) -> Result<(), CommError> {
        let outbox = self.outboxes.get(to).ok_or(CommError::NoSuchRank { rank: to, size: self.size() })?;
        let bytes = message.len();
        outbox
            .send(Envelope { from: self.rank, body: Body::Message(message) })
            .map_err(|_| CommError::Gone { peer: to })?;
        let mut traffic = self.traffic.get();
        traffic.sent(bytes);
        self.traffic.set(traffic);
        Ok(())
    }

    fn recv(&self, from: usize) -> Result<Vec<u8>, CommError> {
        if from >= self.size() {
            return Err(CommError::NoSuchRank { rank: from, size: self.size() });
        }
        let early = self.early.borrow_mut().get_mut(&from).and_then(VecDeque::pop_front);
        let message = match early {
            Some(message) => message,
            None => loop {
                let envelope = self.inbox.recv().map_err(|_| CommError::Gone { peer: from })?;
                match envelope.body {
                    Body::Abort => return Err(CommError::Aborted { by: envelope.from }),
                    Body::Message(message) if envelope.from == from => break message,
                    Body::Message(message) => {
                        self.early.borrow_mut().entry(envelope.from).or_default().push_back(message)
                    }
                }
            },
        };
        let mut traffic = self.traffic.get();
        traffic.received(message.len());
        self.traffic.set(traffic);
        Ok(message)
    }

    fn traffic(&self) -> Traffic {
        self.traffic.get()
    }
}

/// What the root gets back from one execution of [`run_share`].
#[derive(Debug, Default)]
pub struct Gathered {
    /// The partials of every rank, in rank order.
    pub parts: Vec<Partial>,
    /// Seconds each rank spent running its items.
    pub busy_s: Vec<f64>,
    /// Items each rank ran.
    pub items: Vec<u64>,
    /// Time spent encoding and decoding partials, summed over ranks.
    pub encode: Duration,
}

/// The rank program: every rank runs its static block of the items (OpenMP's split) and
/// sends its partial to rank 0, which gets them all back. A rank that could not build
/// the workload still takes part, sending why instead, so nobody waits forever. `ctx`
/// carries the cancel flag where the rank can see it (ranks as threads of this process).
pub fn run_share(
    comm: &dyn Comm,
    workload: Result<&dyn Workload, String>,
    ctx: &ItemCtx,
) -> Result<Option<Gathered>, BackendError> {
    let mut message = Writer::new();
    match workload {
        Ok(work) => {
            let range = static_ranges(work.items(), comm.size()).swap_remove(comm.rank());
            let started = Instant::now();
            let part = work.run_range(range, ctx);
            let busy = started.elapsed();
            let encoding = Instant::now();
            message.u8(0).u64(busy.as_nanos() as u64).u64(0);
            wire::put_partial(&mut message, &part);
            message.patch_u64(9, encoding.elapsed().as_nanos() as u64);
        }
        Err(why) => {
            message.u8(1).str(&why);
        }
    }
    let comm_error = |e: CommError| BackendError::Worker(format!("rank {}: {e}", comm.rank()));
    let Some(messages) = comm.gather(0, message.finish()).map_err(comm_error)? else {
        return Ok(None);
    };
    let decoding = Instant::now();
    let mut gathered = Gathered::default();
    for (rank, message) in messages.iter().enumerate() {
        let mut r = Reader::new(message);
        let garbled = |e: wire::WireError| BackendError::Worker(format!("rank {rank} sent a malformed partial: {e}"));
        match r.u8().map_err(garbled)? {
            0 => {
                let busy_ns = r.u64().map_err(garbled)?;
                let encode_ns = r.u64().map_err(garbled)?;
                let part = wire::get_partial(&mut r).map_err(garbled)?;
                r.end().map_err(garbled)?;
                gathered.busy_s.push(busy_ns as f64 * 1e-9);
                gathered.items.push(part.item_count);
                gathered.encode += Duration::from_nanos(encode_ns);
                gathered.parts.push(part);
            }
            _ => {
                let why = r.str().unwrap_or_else(|_| "no reason given".into());
                return Err(BackendError::Worker(format!("rank {rank} failed: {why}")));
            }
        }
    }
    gathered.encode += decoding.elapsed();
    Ok(Some(gathered))
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::thread;

    use super::*;

    /// Runs `body` on every rank of a channel world of `size`, returning each rank's result.
    fn on_ranks<T: Send>(size: usize, body: impl Fn(&ChannelComm) -> T + Sync) -> Vec<T> {
        thread::scope(|scope| {
            let handles: Vec<_> =
                ChannelComm::world(size).into_iter().map(|comm| scope.spawn(|| body(&{ comm }))).collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        })
    }

    #[test]
    fn gather_arrives_in_rank_order() {
        let results = on_ranks(5, |comm| {
            // Later ranks send first, so messages reach the root out of order.
            thread::sleep(Duration::from_millis(5 * (5 - comm.rank()) as u64));
            comm.gather(2, vec![comm.rank() as u8; comm.rank() + 1]).unwrap()
        });
        for (rank, result) in results.iter().enumerate() {
            if rank == 2 {
                let all = result.as_ref().unwrap();
                assert_eq!(all.len(), 5);
                for (from, message) in all.iter().enumerate() {
                    assert_eq!(message, &vec![from as u8; from + 1]);
                }
            } else {
                assert!(result.is_none());
            }
        }
    }

    #[test]
    fn reduce_combines_in_rank_order() {
        let results = on_ranks(4, |comm| {
            let sum = comm.reduce(0, vec![comm.rank() as u8 + 1], &mut |a, b| vec![a[0] + b[0]]).unwrap().map(|m| m[0]);
            // A non-commutative op shows the order: the digits in rank order.
            let digits = comm
                .reduce(0, vec![b'0' + comm.rank() as u8], &mut |mut a, b| {
                    a.extend(b);
                    a
                })
                .unwrap();
            (sum, digits)
        });
        assert_eq!(results[0].0, Some(10));
        assert_eq!(results[0].1.as_deref(), Some(&b"0123"[..]));
        assert!(results[1..].iter().all(|(sum, digits)| sum.is_none() && digits.is_none()));
    }

    #[test]
    fn bcast_reaches_every_rank() {
        let results = on_ranks(6, |comm| comm.bcast(3, (comm.rank() == 3).then(|| b"hello".to_vec())).unwrap());
        assert!(results.iter().all(|m| m == b"hello"));
        let root_without = on_ranks(1, |comm| comm.bcast(0, None));
        assert_eq!(root_without[0], Err(CommError::NoRootMessage("bcast")));
    }

    #[test]
    fn barrier_waits_for_everyone() {
        let arrived = AtomicUsize::new(0);
        let seen = on_ranks(7, |comm| {
            thread::sleep(Duration::from_millis(3 * comm.rank() as u64));
            arrived.fetch_add(1, Ordering::SeqCst);
            comm.barrier().unwrap();
            arrived.load(Ordering::SeqCst)
        });
        assert!(seen.iter().all(|&n| n == 7), "{seen:?}");
    }

    #[test]
    fn point_to_point_keeps_order_and_counts_traffic() {
        let results = on_ranks(3, |comm| match comm.rank() {
            0 => {
                // Messages from rank 2 arrive while rank 1's are awaited: they wait their turn.
                let from_one: Vec<_> = (0..3).map(|_| comm.recv(1).unwrap()).collect();
                let from_two: Vec<_> = (0..3).map(|_| comm.recv(2).unwrap()).collect();
                assert_eq!(from_one, vec![vec![1, 0], vec![1, 1], vec![1, 2]]);
                assert_eq!(from_two, vec![vec![2, 0], vec![2, 1], vec![2, 2]]);
                comm.traffic()
            }
            rank => {
                for i in 0..3 {
                    comm.send(0, vec![rank as u8, i]).unwrap();
                }
                comm.traffic()
            }
        });
        assert_eq!(results[0], Traffic { messages_sent: 0, bytes_sent: 0, messages_received: 6, bytes_received: 12 });
        assert_eq!(results[1].messages_sent, 3);
        assert_eq!(results[1].bytes_sent, 6);
    }

    #[test]
    fn abort_ends_waits_with_an_error() {
        let results = on_ranks(3, |comm| {
            if comm.rank() == 2 {
                comm.abort();
                Ok(Vec::new())
            } else {
                comm.recv(1)
            }
        });
        assert_eq!(results[0], Err(CommError::Aborted { by: 2 }));
        assert_eq!(results[1], Err(CommError::Aborted { by: 2 }));
    }
}

//! parlab's compact binary encoding of what crosses a process or rank boundary: kernel
//! specs, item ranges and partials, in length-prefixed frames.
//!
//! A frame is one kind byte, an 8-byte little-endian payload length, then the payload.
//! Numbers are little-endian; strings and lists carry their length first. Every decode
//! checks lengths, so a truncated or garbled message is an error, never a panic.

use std::collections::BTreeMap;
use std::io::{self, Read, Write};
use std::time::{Duration, Instant};

use crate::kernels::{KernelSpec, Partial};

/// Bytes of a frame header: kind (1) and payload length (8).
pub const HEADER_BYTES: usize = 9;

/// No message parlab sends is larger than this; a longer length means garbage.
pub const MAX_PAYLOAD: u64 = 1 << 40;

/// Why bytes could not be decoded.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum WireError {
    /// The message ended before a field did.
    #[error("message truncated: needed {needed} more bytes at offset {at}")]
    Truncated { at: usize, needed: usize },
    /// A field holds a value no encoder writes.
    #[error("malformed message: {0}")]
    Malformed(String),
}

/// Builds a message (optionally a whole frame) into one buffer.
#[derive(Debug, Default)]
pub struct Writer {
    buf: Vec<u8>,
    framed: bool,
}

impl Writer {
    /// A bare payload writer (for MPI and channel messages, which carry their own length).
    pub fn new() -> Self {
        Self::default()
    }

    /// A writer of one frame of `kind`: the header is filled in by [`Writer::finish`].
    pub fn frame(kind: u8, capacity: usize) -> Self {
        Self::frame_in(kind, Vec::new(), capacity)
    }

    /// A writer of one frame of `kind` into `buf`, whose memory is reused.
    pub fn frame_in(kind: u8, mut buf: Vec<u8>, capacity: usize) -> Self {
        buf.clear();
        buf.reserve(HEADER_BYTES + capacity);
        buf.push(kind);
        buf.extend_from_slice(&[0; 8]);
        Self { buf, framed: true }
    }

    /// Appends a byte.
    pub fn u8(&mut self, value: u8) -> &mut Self {
        self.buf.push(value);
        self
    }

    /// Appends a u64.
    pub fn u64(&mut self, value: u64) -> &mut Self {
        self.buf.extend_from_slice(&value.to_le_bytes());
        self
    }

    /// Appends a length-prefixed UTF-8 string.
    pub fn str(&mut self, value: &str) -> &mut Self {
        self.u64(value.len() as u64);
        self.buf.extend_from_slice(value.as_bytes());
        self
    }

    /// Appends a length-prefixed list of u64.
    pub fn u64s(&mut self, values: &[u64]) -> &mut Self {
        self.words(values, u64::to_le_bytes)
    }

    /// Appends a length-prefixed list of f64 (bit patterns, so every value round-trips).
    pub fn f64s(&mut self, values: &[f64]) -> &mut Self {
        self.words(values, f64::to_le_bytes)
    }

    /// Appends a length-prefixed list of 8-byte words.
    fn words<T: Copy>(&mut self, values: &[T], to_le: fn(T) -> [u8; 8]) -> &mut Self {
        self.u64(values.len() as u64);
        let start = self.buf.len();
        self.buf.resize(start + 8 * values.len(), 0);
        for (slot, &value) in self.buf[start..].chunks_exact_mut(8).zip(values) {
            slot.copy_from_slice(&to_le(value));
        }
        self
    }

    /// Bytes written so far (header included for a frame).
    pub fn len(&self) -> usize {
        self.buf.len()
    }

    /// Whether nothing was written.
    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    /// Overwrites the u64 at `offset` of the payload (for fields known only at the end).
    pub fn patch_u64(&mut self, offset: usize, value: u64) {
        let at = offset + if self.framed { HEADER_BYTES } else { 0 };
        self.buf[at..at + 8].copy_from_slice(&value.to_le_bytes());
    }

    /// The finished bytes; for a frame, with its payload length filled in.
    pub fn finish(mut self) -> Vec<u8> {
        if self.framed {
            let payload = (self.buf.len() - HEADER_BYTES) as u64;
            self.buf[1..HEADER_BYTES].copy_from_slice(&payload.to_le_bytes());
        }
        self.buf
    }
}

/// Reads fields back from a payload, checking every length.
pub struct Reader<'a> {
    buf: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    /// A reader over `buf`.
    pub fn new(buf: &'a [u8]) -> Self {
        Self { buf, at: 0 }
    }

    fn take(&mut self, count: usize) -> Result<&'a [u8], WireError> {
        let left = self.buf.len() - self.at;
        if count > left {
            return Err(WireError::Truncated { at: self.at, needed: count - left });
        }
        let slice = &self.buf[self.at..self.at + count];
        self.at += count;
        Ok(slice)
    }

    /// Reads a byte.
    pub fn u8(&mut self) -> Result<u8, WireError> {
        Ok(self.take(1)?[0])
    }

    /// Reads a u64.
    pub fn u64(&mut self) -> Result<u64, WireError> {
        let bytes = self.take(8)?;
        Ok(u64::from_le_bytes(bytes.try_into().map_err(|_| WireError::Malformed("u64".into()))?))
    }

    fn len(&mut self, element: usize) -> Result<usize, WireError> {
        let count = self.u64()?;
        let left = (self.buf.len() - self.at) / element;
        if count > left as u64 {
            return Err(WireError::Malformed(format!("a list of {count} elements in a message with room for {left}")));
        }
        Ok(count as usize)
    }

    /// Reads a length-prefixed string.
    pub fn str(&mut self) -> Result<String, WireError> {
        let count = self.len(1)?;
        let bytes = self.take(count)?;
        String::from_utf8(bytes.to_vec()).map_err(|_| WireError::Malformed("a string that is not UTF-8".into()))
    }

    /// Reads a length-prefixed list of u64.
    pub fn u64s(&mut self) -> Result<Vec<u64>, WireError> {
        self.words(u64::from_le_bytes)
    }

    /// Reads a length-prefixed list of f64.
    pub fn f64s(&mut self) -> Result<Vec<f64>, WireError> {
        self.words(f64::from_le_bytes)
    }

    /// Reads a length-prefixed list of 8-byte words.
    fn words<T>(&mut self, from_le: fn([u8; 8]) -> T) -> Result<Vec<T>, WireError> {
        let count = self.len(8)?;
        let bytes = self.take(8 * count)?;
        Ok(bytes.chunks_exact(8).map(|c| from_le([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]])).collect())
    }

    /// Fails unless every byte was read.
    pub fn end(&self) -> Result<(), WireError> {
        let left = self.buf.len() - self.at;
        if left == 0 { Ok(()) } else { Err(WireError::Malformed(format!("{left} unexpected bytes at the end"))) }
    }
}

/// Appends a kernel spec.
pub fn put_spec(w: &mut Writer, spec: &KernelSpec) {
    w.str(&spec.kernel).u64(spec.size).u64(spec.seed).u64(spec.params.len() as u64);
    for (key, value) in &spec.params {
        w.str(key).str(value);
    }
}

/// Reads a kernel spec.
pub fn get_spec(r: &mut Reader) -> Result<KernelSpec, WireError> {
    let kernel = r.str()?;
    let size = r.u64()?;
    let seed = r.u64()?;
    let count = r.u64()?;
    let mut params = BTreeMap::new();
    for _ in 0..count {
        let key = r.str()?;
        params.insert(key, r.str()?);
    }
    Ok(KernelSpec { kernel, size, seed, params })
}

/// Appends a partial: 8 x (4 + ints + floats) bytes, as [`Partial::wire_bytes`] says.
pub fn put_partial(w: &mut Writer, part: &Partial) {
    w.u64(part.first_item).u64(part.item_count).u64s(&part.ints).f64s(&part.floats);
}

/// Reads a partial.
pub fn get_partial(r: &mut Reader) -> Result<Partial, WireError> {
    Ok(Partial { first_item: r.u64()?, item_count: r.u64()?, ints: r.u64s()?, floats: r.f64s()? })
}

/// One frame as read from a stream.
#[derive(Debug)]
pub struct Frame {
    /// What the payload is (each protocol numbers its own kinds).
    pub kind: u8,
    /// The payload.
    pub payload: Vec<u8>,
    /// Time from the end of the header to the end of the payload: the transfer itself,
    /// without the wait for the sender to start.
    pub transfer: Duration,
}

impl Frame {
    /// Bytes the frame took on the stream.
    pub fn wire_bytes(&self) -> u64 {
        (HEADER_BYTES + self.payload.len()) as u64
    }
}

/// Reads one frame: `Ok(None)` at a clean end of stream (before any byte of a header).
pub fn read_frame(input: &mut impl Read) -> io::Result<Option<Frame>> {
    let mut payload = Vec::new();
    Ok(read_frame_into(input, &mut payload)?.map(|(kind, transfer)| Frame { kind, payload, transfer }))
}

/// Reads one frame's payload into `payload`, reusing its memory (big results then do not
/// touch fresh pages every time); returns the kind and the transfer time, or `Ok(None)`
/// at a clean end of stream.
pub fn read_frame_into(input: &mut impl Read, payload: &mut Vec<u8>) -> io::Result<Option<(u8, Duration)>> {
    let mut header = [0u8; HEADER_BYTES];
    let mut filled = 0;
    while filled < HEADER_BYTES {
        match input.read(&mut header[filled..]) {
            Ok(0) if filled == 0 => return Ok(None),
            Ok(0) => return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "stream ended inside a frame header")),
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    let started = Instant::now();
    let length = u64::from_le_bytes(header[1..].try_into().map_err(|_| io::ErrorKind::InvalidData)?);
    if length > MAX_PAYLOAD {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("a frame announces {length} bytes, more than any parlab message"),
        ));
    }
    payload.clear();
    // Grow with the bytes that arrive rather than trusting the header: a damaged or
    // hostile header announcing a terabyte must cost an error, not the memory.
    payload.reserve(length.min(1 << 26) as usize);
    let read = input.take(length).read_to_end(payload)?;
    if (read as u64) < length {
        return Err(io::Error::new(
            io::ErrorKind::UnexpectedEof,
            format!("stream ended after {read} of the {length} bytes a frame announced"),
        ));
    }
    Ok(Some((header[0], started.elapsed())))
}

/// Writes a finished frame in one call.
pub fn write_frame(output: &mut impl Write, frame: &[u8]) -> io::Result<()> {
    output.write_all(frame)?;
    output.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_and_partial_round_trip() {
        let mut spec = KernelSpec::new("pi").unwrap();
        spec.params.insert("chunksize".into(), "7".into());
        let part = Partial { first_item: 3, item_count: 4, ints: vec![1, u64::MAX], floats: vec![0.1, -0.0, f64::NAN] };
        let mut w = Writer::new();
        put_spec(&mut w, &spec);
        put_partial(&mut w, &part);
        let bytes = w.finish();
        let mut r = Reader::new(&bytes);
        assert_eq!(get_spec(&mut r).unwrap(), spec);
        let back = get_partial(&mut r).unwrap();
        r.end().unwrap();
        assert_eq!(back.ints, part.ints);
        assert_eq!(back.floats.len(), 3);
        assert!(back.floats[2].is_nan() && back.floats[1].is_sign_negative());
        let alone = {
            let mut w = Writer::new();
            put_partial(&mut w, &part);
            w.finish()
        };
        assert_eq!(alone.len(), part.wire_bytes());
    }

    #[test]
    fn frames_round_trip_and_truncation_is_an_error() {
        let mut w = Writer::frame(7, 16);
        w.u64(42).u64(0);
        w.patch_u64(8, 9);
        let frame = w.finish();
        let mut input = &frame[..];
        let Frame { kind, payload, .. } = read_frame(&mut input).unwrap().unwrap();
        assert_eq!(kind, 7);
        let mut r = Reader::new(&payload);
        assert_eq!((r.u64().unwrap(), r.u64().unwrap()), (42, 9));
        assert!(read_frame(&mut input).unwrap().is_none());
        assert!(read_frame(&mut &frame[..frame.len() - 1]).is_err());
        assert!(read_frame(&mut &frame[..4]).is_err());
        let mut r = Reader::new(&payload[..12]);
        assert_eq!(r.u64().unwrap(), 42);
        assert!(matches!(r.u64(), Err(WireError::Truncated { .. })));
        // A list longer than the message is refused before any allocation.
        let bogus = [255u8; 16];
        assert!(Reader::new(&bogus).u64s().is_err());
    }
}

//! Reading the log without changing it, up to a position the database
//! says it holds: every record before it was whole and synced when it was
//! applied, so anything short or damaged there is an error, never a tail
//! to cut (that is recovery's job, at open).

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use super::file::{check_header, read_full, HEADER_LEN, MAX_RECORD_LEN, RECORD_HEADER_LEN};
use crate::StoreError;

/// Calls `record` with the body of every record of the log at `path` that
/// ends at or before `upto`, in order; answers how many there were.
pub(crate) fn read_records(
    path: &Path,
    upto: u64,
    mut record: impl FnMut(&[u8]) -> Result<(), StoreError>,
) -> Result<u64, StoreError> {
    let io = |e: std::io::Error| {
        StoreError::Config(format!("cannot read the log {}: {e}", path.display()))
    };
    let damaged = |at: u64, what: &str| {
        StoreError::Corrupt(format!(
            "the log {} is damaged at byte {at}, before byte {upto} that the database holds: {what}",
            path.display()
        ))
    };
    let mut reader = BufReader::with_capacity(1 << 20, File::open(path).map_err(io)?);
    let mut header = [0u8; HEADER_LEN as usize];
    reader.read_exact(&mut header).map_err(io)?;
    check_header(path, &header)?;
    let mut at = HEADER_LEN;
    let mut body = Vec::new();
    let mut records = 0;
    while at < upto {
        let mut head = [0u8; RECORD_HEADER_LEN];
        if read_full(&mut reader, &mut head).map_err(io)? < RECORD_HEADER_LEN {
            return Err(damaged(at, "the log ends"));
        }
        let body_len = u32::from_le_bytes([head[0], head[1], head[2], head[3]]);
        let body_crc = u32::from_le_bytes([head[4], head[5], head[6], head[7]]);
        let head_crc = u32::from_le_bytes([head[8], head[9], head[10], head[11]]);
        if crc32c::crc32c(&head[..8]) != head_crc || body_len > MAX_RECORD_LEN {
            return Err(damaged(at, "a record header fails its checksum"));
        }
        body.resize(body_len as usize, 0);
        if read_full(&mut reader, &mut body).map_err(io)? < body.len() {
            return Err(damaged(at, "the log ends inside a record"));
        }
        if crc32c::crc32c(&body) != body_crc {
            return Err(damaged(at, "a record fails its checksum"));
        }
        at += RECORD_HEADER_LEN as u64 + u64::from(body_len);
        if at > upto {
            return Err(damaged(at, "a record crosses the database's position"));
        }
        record(&body)?;
        records += 1;
    }
    Ok(records)
}

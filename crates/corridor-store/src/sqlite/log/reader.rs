//! Reading the log without changing it, up to a position the database
//! says it holds: every record before it was whole and synced when it was
//! applied, so anything short or damaged there is an error, never a tail
//! to cut (that is recovery's job, at open).

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

use super::file::{check_header, read_full, record_header, HEADER_LEN, RECORD_HEADER_LEN};
use crate::StoreError;

/// The records of a log up to a position, one at a time.
pub(crate) struct LogReader {
    reader: BufReader<File>,
    path: PathBuf,
    at: u64,
    upto: u64,
    body: Vec<u8>,
}

impl LogReader {
    /// Opens the log at `path` to read the records ending at or before
    /// `upto`.
    pub(crate) fn open(path: &Path, upto: u64) -> Result<LogReader, StoreError> {
        let file = File::open(path).map_err(|e| io(path, e))?;
        let mut reader = BufReader::with_capacity(1 << 20, file);
        let mut header = [0u8; HEADER_LEN as usize];
        reader.read_exact(&mut header).map_err(|e| io(path, e))?;
        check_header(path, &header)?;
        Ok(LogReader {
            reader,
            path: path.to_owned(),
            at: HEADER_LEN,
            upto,
            body: Vec::new(),
        })
    }

    /// The next record's body, or `None` past the last one before `upto`.
    pub(crate) fn next_record(&mut self) -> Result<Option<&[u8]>, StoreError> {
        if self.at >= self.upto {
            return Ok(None);
        }
        let mut head = [0u8; RECORD_HEADER_LEN];
        if read_full(&mut self.reader, &mut head).map_err(|e| io(&self.path, e))?
            < RECORD_HEADER_LEN
        {
            return Err(self.damaged("the log ends"));
        }
        let Some((body_len, body_crc)) = record_header(&head) else {
            return Err(self.damaged("a record header fails its checksum"));
        };
        self.body.resize(body_len as usize, 0);
        if read_full(&mut self.reader, &mut self.body).map_err(|e| io(&self.path, e))?
            < self.body.len()
        {
            return Err(self.damaged("the log ends inside a record"));
        }
        if crc32c::crc32c(&self.body) != body_crc {
            return Err(self.damaged("a record fails its checksum"));
        }
        let end = self.at + RECORD_HEADER_LEN as u64 + u64::from(body_len);
        if end > self.upto {
            return Err(self.damaged("a record crosses the database's position"));
        }
        self.at = end;
        Ok(Some(&self.body))
    }

    fn damaged(&self, what: &str) -> StoreError {
        StoreError::Corrupt(format!(
            "the log {} is damaged at byte {}, before byte {} that the database holds: {what}",
            self.path.display(),
            self.at,
            self.upto
        ))
    }
}

fn io(path: &Path, e: std::io::Error) -> StoreError {
    StoreError::Config(format!("cannot read the log {}: {e}", path.display()))
}

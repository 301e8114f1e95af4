//! The log file: a header naming the format version, then records appended
//! one per batch, each `len: u32, body_crc: u32, header_crc: u32, body`
//! (CRC32C, little-endian; `header_crc` covers the first eight bytes, so a
//! damaged length is never trusted).
//!
//! Opening reads every record, checking both checksums. A record cut short
//! by the end of the file (a write torn by a crash, never acknowledged) is
//! cut off; a record whose body fails its checksum and ends exactly at the
//! end of the file is cut off too. Damage anywhere else stops the opening
//! with an error naming the file and the offset: nothing is ever skipped.

use std::fs::{File, OpenOptions};
use std::io::{BufReader, Read};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

use crate::StoreError;

/// The format this build writes and reads.
pub(crate) const FORMAT_VERSION: u32 = 1;

const MAGIC: [u8; 8] = *b"CRDRLOG\0";
/// Magic, version, flags.
pub(crate) const HEADER_LEN: u64 = 16;
/// Header flag: the database holds rows the log does not (batches committed
/// to it directly, or data from before the log), so it cannot be rebuilt
/// from the log alone.
const DIRECT_ROWS: u32 = 1;
/// Length, body checksum, header checksum.
pub(crate) const RECORD_HEADER_LEN: usize = 12;
/// A length above this is damage, not a batch.
const MAX_RECORD_LEN: u32 = 1 << 30;

/// An open log, positioned after its last whole record.
pub(crate) struct LogFile {
    file: File,
    path: PathBuf,
    end: u64,
    flags: u32,
    /// A write or sync failed in a way that leaves the file's state unknown:
    /// nothing more is appended until the process restarts and recovers.
    broken: Option<String>,
}

impl LogFile {
    /// Opens (creating if absent) the log at `path`, calling `record` with
    /// the end position and body of every whole record, in order.
    pub(crate) fn open(
        path: &Path,
        mut record: impl FnMut(u64, &[u8]) -> Result<(), StoreError>,
    ) -> Result<LogFile, StoreError> {
        let io = |what: &str, e: std::io::Error| {
            StoreError::Config(format!("cannot {what} the log {}: {e}", path.display()))
        };
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)
            .map_err(|e| io("open", e))?;
        let len = file.metadata().map_err(|e| io("read", e))?.len();
        if len < HEADER_LEN {
            // New, or created and never finished: no record can follow.
            let mut header = [0u8; HEADER_LEN as usize];
            header[..8].copy_from_slice(&MAGIC);
            header[8..12].copy_from_slice(&FORMAT_VERSION.to_le_bytes());
            file.set_len(0).map_err(|e| io("write", e))?;
            file.write_all_at(&header, 0).map_err(|e| io("write", e))?;
            file.sync_all().map_err(|e| io("sync", e))?;
            sync_dir(path)?;
            return Ok(LogFile {
                file,
                path: path.to_owned(),
                end: HEADER_LEN,
                flags: 0,
                broken: None,
            });
        }
        let mut reader = BufReader::with_capacity(1 << 20, &file);
        let mut header = [0u8; HEADER_LEN as usize];
        reader.read_exact(&mut header).map_err(|e| io("read", e))?;
        let flags = check_header(path, &header)?;
        let mut end = HEADER_LEN;
        let mut body = Vec::new();
        loop {
            let mut head = [0u8; RECORD_HEADER_LEN];
            match read_full(&mut reader, &mut head).map_err(|e| io("read", e))? {
                0 => break,
                n if n < RECORD_HEADER_LEN => {
                    cut(&file, path, end, "a record header cut short")?;
                    break;
                }
                _ => {}
            }
            let Some((body_len, body_crc)) = record_header(&head) else {
                if rest_is_zero(&mut reader).map_err(|e| io("read", e))? && head == [0; 12] {
                    cut(&file, path, end, "zeros after the last record")?;
                    break;
                }
                return Err(damaged(path, end, "a record header fails its checksum"));
            };
            body.resize(body_len as usize, 0);
            let read = read_full(&mut reader, &mut body).map_err(|e| io("read", e))?;
            if read < body.len() {
                cut(&file, path, end, "the last record cut short")?;
                break;
            }
            let record_end = end + RECORD_HEADER_LEN as u64 + u64::from(body_len);
            if crc32c::crc32c(&body) != body_crc {
                if record_end == len {
                    cut(&file, path, end, "the last record fails its checksum")?;
                    break;
                }
                return Err(damaged(path, end, "a record fails its checksum"));
            }
            record(record_end, &body)?;
            end = record_end;
        }
        Ok(LogFile {
            file,
            path: path.to_owned(),
            end,
            flags,
            broken: None,
        })
    }

    /// Whether the database holds rows the log does not.
    pub(crate) fn has_direct_rows(&self) -> bool {
        self.flags & DIRECT_ROWS != 0
    }

    /// Notes, durably and once, that the database is about to hold rows
    /// the log does not.
    pub(crate) fn mark_direct_rows(&mut self) -> Result<(), StoreError> {
        if self.has_direct_rows() {
            return Ok(());
        }
        let flags = self.flags | DIRECT_ROWS;
        self.file
            .write_all_at(&flags.to_le_bytes(), 12)
            .and_then(|()| self.file.sync_data())
            .map_err(|e| {
                StoreError::Task(format!("cannot write the log {}: {e}", self.path.display()))
            })?;
        self.flags = flags;
        Ok(())
    }

    /// Where the next record will start (the end of the last one).
    pub(crate) fn end(&self) -> u64 {
        self.end
    }

    /// Appends one record whose body is `record[RECORD_HEADER_LEN..]` (the
    /// first bytes are filled here) and makes it durable. Returns the
    /// record's end position.
    pub(crate) fn append(&mut self, record: &mut [u8]) -> Result<u64, StoreError> {
        if let Some(why) = &self.broken {
            return Err(StoreError::CommitUnknown(format!(
                "the log {} stopped accepting writes after an earlier failure ({why}); restart to recover",
                self.path.display()
            )));
        }
        let body = &record[RECORD_HEADER_LEN..];
        let body_len = u32::try_from(body.len())
            .ok()
            .filter(|n| *n <= MAX_RECORD_LEN)
            .ok_or_else(|| StoreError::Task("a batch too large for one log record".into()))?;
        let body_crc = crc32c::crc32c(body);
        record[..4].copy_from_slice(&body_len.to_le_bytes());
        record[4..8].copy_from_slice(&body_crc.to_le_bytes());
        let head_crc = crc32c::crc32c(&record[..8]);
        record[8..12].copy_from_slice(&head_crc.to_le_bytes());
        if let Err(e) = self.file.write_all_at(record, self.end) {
            // Nothing was acknowledged: take the partial record back.
            if let Err(undo) = self.file.set_len(self.end) {
                self.broken = Some(format!("{e}; then {undo}"));
            }
            return Err(StoreError::Task(format!(
                "cannot append to the log {}: {e} (is the disk full?)",
                self.path.display()
            )));
        }
        if let Err(e) = self.file.sync_data() {
            // After a failed sync the page cache may say anything.
            self.broken = Some(e.to_string());
            return Err(StoreError::CommitUnknown(format!(
                "cannot sync the log {}: {e}",
                self.path.display()
            )));
        }
        self.end += record.len() as u64;
        Ok(self.end)
    }
}

/// Whether the log at `path` (if any) holds records and says the database
/// holds rows it does not: then a missing database cannot be rebuilt.
pub(crate) fn needs_database(path: &Path) -> Result<bool, StoreError> {
    let mut header = [0u8; HEADER_LEN as usize];
    let file = match File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
        Err(e) => {
            return Err(StoreError::Config(format!(
                "cannot open the log {}: {e}",
                path.display()
            )))
        }
    };
    let len = file.metadata().map(|m| m.len()).unwrap_or(0);
    if len <= HEADER_LEN || file.read_exact_at(&mut header, 0).is_err() || header[..8] != MAGIC {
        return Ok(false);
    }
    let flags = u32::from_le_bytes([header[12], header[13], header[14], header[15]]);
    Ok(flags & DIRECT_ROWS != 0)
}

/// The header's flags, once its magic and format version are checked.
pub(super) fn check_header(
    path: &Path,
    header: &[u8; HEADER_LEN as usize],
) -> Result<u32, StoreError> {
    if header[..8] != MAGIC {
        return Err(StoreError::Config(format!(
            "{} is not a Corridor log (its first bytes are not the log's); move it away or point the database elsewhere",
            path.display()
        )));
    }
    let version = u32::from_le_bytes([header[8], header[9], header[10], header[11]]);
    if version != FORMAT_VERSION {
        return Err(StoreError::Config(format!(
            "the log {} has format version {version}, and this build reads version {FORMAT_VERSION}: run the Corridor release that wrote it",
            path.display()
        )));
    }
    Ok(u32::from_le_bytes([
        header[12], header[13], header[14], header[15],
    ]))
}

/// A record header's body length and body checksum, or `None` when the
/// header fails its own checksum or names a length no batch has.
pub(super) fn record_header(head: &[u8; RECORD_HEADER_LEN]) -> Option<(u32, u32)> {
    let body_len = u32::from_le_bytes([head[0], head[1], head[2], head[3]]);
    let body_crc = u32::from_le_bytes([head[4], head[5], head[6], head[7]]);
    let head_crc = u32::from_le_bytes([head[8], head[9], head[10], head[11]]);
    (crc32c::crc32c(&head[..8]) == head_crc && body_len <= MAX_RECORD_LEN)
        .then_some((body_len, body_crc))
}

/// Reads until `buf` is full or the file ends; returns the bytes read.
pub(super) fn read_full(reader: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match reader.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

fn rest_is_zero(reader: &mut impl Read) -> std::io::Result<bool> {
    let mut buf = [0u8; 8192];
    loop {
        let n = read_full(reader, &mut buf)?;
        if buf[..n].iter().any(|b| *b != 0) {
            return Ok(false);
        }
        if n < buf.len() {
            return Ok(true);
        }
    }
}

fn damaged(path: &Path, offset: u64, what: &str) -> StoreError {
    StoreError::Corrupt(format!(
        "the log {} is damaged at byte {offset}: {what}, and records follow it; nothing was skipped. Restore the log from a backup",
        path.display()
    ))
}

/// Cuts a torn tail: it was never acknowledged (a batch is answered only
/// after its record is durable).
fn cut(file: &File, path: &Path, at: u64, what: &str) -> Result<(), StoreError> {
    tracing::warn!(log = %path.display(), at, what, "cutting the log's torn tail");
    file.set_len(at)
        .and_then(|()| file.sync_all())
        .map_err(|e| StoreError::Config(format!("cannot cut the log {}: {e}", path.display())))
}

/// Makes a new file's directory entry durable.
fn sync_dir(path: &Path) -> Result<(), StoreError> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| StoreError::Config(format!("cannot sync {}: {e}", dir.display())))
}

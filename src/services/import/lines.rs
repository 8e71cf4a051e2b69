//! The line a CSV record starts on, found while the file streams past.
//!
//! The csv crate's own line numbers drift after blank lines, CRLF and a lone
//! `\r`, so the lines are counted here instead: this reader sits between the
//! file and the csv reader, keeps the bytes the csv reader has taken but that
//! have not been counted yet, and counts them up to a record's byte offset
//! when asked. What it keeps is at most one record and the csv reader's
//! buffer, however long the file.

use std::collections::VecDeque;
use std::io::Read;

pub(super) struct LineCounter<R> {
    inner: R,
    /// Bytes read but not yet counted, the first of them at byte `at`.
    uncounted: VecDeque<u8>,
    at: u64,
    /// The line of byte `at`.
    line: u64,
    /// Whether the byte before `at` was `\r` (so a `\n` now ends no new line).
    after_cr: bool,
}

impl<R: Read> LineCounter<R> {
    pub(super) fn new(inner: R) -> Self {
        Self {
            inner,
            uncounted: VecDeque::new(),
            at: 0,
            line: 1,
            after_cr: false,
        }
    }

    /// The line of the first character at or after `byte` that is not a line
    /// break: where the record at `byte` starts, once the blank lines the csv
    /// reader skipped are passed. Offsets must not go backwards.
    pub(super) fn line_at(&mut self, byte: u64) -> u64 {
        while self.at < byte {
            let Some(b) = self.uncounted.pop_front() else {
                break;
            };
            self.count(b);
        }
        while let Some(&b) = self.uncounted.front() {
            if b != b'\r' && b != b'\n' {
                break;
            }
            self.uncounted.pop_front();
            self.count(b);
        }
        self.line
    }

    /// A line ends at `\n`, `\r\n` or a lone `\r`.
    fn count(&mut self, b: u8) {
        if b == b'\r' || (b == b'\n' && !self.after_cr) {
            self.line += 1;
        }
        self.after_cr = b == b'\r';
        self.at += 1;
    }
}

impl<R: Read> Read for LineCounter<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.uncounted.extend(&buf[..n]);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_of_line_break_counts_once() {
        let text = b"a\r\nb\nc\rd\r\n\r\ne";
        let mut lines = LineCounter::new(&text[..]);
        std::io::copy(&mut lines, &mut std::io::sink()).unwrap();
        assert_eq!(lines.line_at(0), 1);
        assert_eq!(lines.line_at(3), 2);
        assert_eq!(lines.line_at(5), 3);
        assert_eq!(lines.line_at(7), 4);
        // From the end of line 4, past the blank line 5, to "e" on line 6.
        assert_eq!(lines.line_at(9), 6);
    }

    #[test]
    fn only_the_bytes_not_yet_counted_are_kept() {
        let text = "x\n".repeat(10_000);
        let mut lines = LineCounter::new(text.as_bytes());
        let mut buf = [0u8; 100];
        let mut read = 0;
        while read < 5_000 {
            read += lines.read(&mut buf).unwrap();
        }
        assert_eq!(lines.line_at(4_000), 2_001);
        assert!(lines.uncounted.len() <= 1_000);
    }
}

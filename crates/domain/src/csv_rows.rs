//! CSV records read by the `csv` crate's parser (`csv-core`) straight from a text, with the
//! physical line of each record: the one CSV layer under every reader of this workspace (moves
//! and series files), so quoting, CRLF, blank lines and line numbers behave the same in all.

/// The records of a CSV text, read by the `csv` crate's parser (`csv-core`) straight from the
/// text: no copy into an intermediate buffer, and each record's starting byte known exactly (for
/// physical line numbers). Quoting, doubled quotes, CRLF and blank lines are handled as the
/// `csv` crate's `Reader` handles them.
pub struct Rows<'a> {
    core: csv_core::Reader,
    input: &'a [u8],
    pos: usize,
    out: Vec<u8>,
    ends: Vec<usize>,
    len: usize,
    start: usize,
    done: bool,
    /// Physical line counting, done lazily: `line_no` is the line of byte `line_pos`.
    line_pos: usize,
    line_no: u64,
}

impl<'a> Rows<'a> {
    pub fn new(input: &'a [u8]) -> Rows<'a> {
        Rows {
            core: csv_core::Reader::new(),
            input,
            pos: 0,
            out: vec![0; 4096],
            ends: vec![0; 16],
            len: 0,
            start: 0,
            done: false,
            line_pos: 0,
            line_no: 1,
        }
    }

    /// Reads the next record; false at the end of the text.
    pub fn advance(&mut self) -> bool {
        use csv_core::ReadRecordResult as R;
        if self.done {
            return false;
        }
        self.start = self.pos;
        let (mut nout, mut nend) = (0, 0);
        loop {
            let (res, nin, o, e) = self.core.read_record(
                &self.input[self.pos..],
                &mut self.out[nout..],
                &mut self.ends[nend..],
            );
            self.pos += nin;
            nout += o;
            nend += e;
            match res {
                R::InputEmpty => {}
                R::OutputFull => {
                    let n = self.out.len() * 2;
                    self.out.resize(n, 0);
                }
                R::OutputEndsFull => {
                    let n = self.ends.len() * 2;
                    self.ends.resize(n, 0);
                }
                R::Record => {
                    self.len = nend;
                    return true;
                }
                R::End => {
                    self.done = true;
                    return false;
                }
            }
        }
    }

    /// Number of fields in the current record.
    pub fn fields(&self) -> usize {
        self.len
    }

    /// Field `i` of the current record (empty when there is no such field).
    #[inline]
    pub fn get(&self, i: usize) -> &[u8] {
        if i >= self.len {
            return b"";
        }
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        self.out.get(start..self.ends[i]).unwrap_or(b"")
    }

    /// True when the current record ends the text inside a quoted field (an odd number of `"`
    /// in it): a `"` is missing, and the rest of the file was read as one field.
    pub fn unterminated_quote(&self) -> bool {
        self.pos >= self.input.len()
            && self.input[self.start..self.pos]
                .iter()
                .filter(|&&c| c == b'"')
                .count()
                % 2
                == 1
    }

    /// True when the current record has no fields, or one blank field (a line of spaces).
    pub fn is_blank(&self) -> bool {
        self.len == 0 || (self.len == 1 && self.get(0).trim_ascii().is_empty())
    }

    /// The 1-based physical line where the current record starts: line breaks before it are
    /// counted (CRLF, LF and breaks inside quoted fields alike); the parser's position may sit on
    /// the line break that ended the previous record, or on blank lines it skipped, so those are
    /// stepped over first. Counted incrementally, so asking for every record stays linear.
    pub fn line(&mut self) -> u64 {
        let bytes = self.input;
        let mut b = self.start;
        while b < bytes.len() && matches!(bytes[b], b'\r' | b'\n') {
            b += 1;
        }
        if b < self.line_pos {
            // Never happens for records read in order; recount from the start to be safe.
            self.line_pos = 0;
            self.line_no = 1;
        }
        let breaks = bytes[self.line_pos..b]
            .iter()
            .filter(|&&c| c == b'\n')
            .count();
        self.line_no += u64::try_from(breaks).unwrap_or(u64::MAX);
        self.line_pos = b;
        self.line_no
    }

    /// Byte offset (in the text) where the current record starts.
    pub fn start(&self) -> u64 {
        u64::try_from(self.start).unwrap_or(u64::MAX)
    }
}

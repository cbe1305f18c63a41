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
    /// The same input as text, when it was given as text: fields are then slices of it.
    text: Option<&'a str>,
    pos: usize,
    out: Vec<u8>,
    ends: Vec<usize>,
    len: usize,
    start: usize,
    /// Where the current record's fields lie: in `input` from this byte (a record without any
    /// `"`, split in place), or in `out` (`None`: unescaped by the parser).
    in_place: Option<usize>,
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
            text: None,
            pos: 0,
            out: vec![0; 4096],
            ends: vec![0; 16],
            len: 0,
            start: 0,
            in_place: None,
            done: false,
            line_pos: 0,
            line_no: 1,
        }
    }

    /// The records of a text: as [`Rows::new`], and [`Rows::get_str`] needs no UTF-8 check.
    pub fn of_text(text: &'a str) -> Rows<'a> {
        let mut rows = Rows::new(text.as_bytes());
        rows.text = Some(text);
        rows
    }

    /// Reads the next record; false at the end of the text.
    ///
    /// A record with no `"` on its line (nearly every record of a research file) is split in
    /// place at its commas, with no copy: exactly what the parser gives for it, since without
    /// quotes a field is the bytes between delimiters and `\r`, `\n` and `\r\n` end a record.
    /// A line with a `"` anywhere goes to the parser (`csv-core`), which handles quoting,
    /// doubled quotes and quoted line breaks.
    pub fn advance(&mut self) -> bool {
        if self.done {
            return false;
        }
        self.start = self.pos;
        // Blank lines between records are skipped, as the parser skips them.
        let bytes = self.input;
        let mut p = self.pos;
        while p < bytes.len() && matches!(bytes[p], b'\r' | b'\n') {
            p += 1;
        }
        if p >= bytes.len() {
            self.pos = p;
            self.done = true;
            return false;
        }
        // One pass over the line: commas end fields, a line break ends the record, a quote
        // sends the record to the parser. (Lines are short: a plain loop beats a vectorised
        // search started three times per line.)
        let mut n = 0;
        let mut q = p;
        while q < bytes.len() {
            // Every byte that matters sorts at or below ',' (digits and letters sort above):
            // skip eight bytes at a time while none does.
            if let Some(word) = bytes.get(q..q + 8) {
                match first_at_most_comma(word) {
                    None => {
                        q += 8;
                        continue;
                    }
                    Some(i) => q += i,
                }
            }
            let c = bytes[q];
            if c > b',' {
                q += 1;
                continue;
            }
            match c {
                b',' => {
                    self.push_end(n, q);
                    n += 1;
                }
                b'\r' | b'\n' => break,
                b'"' => return self.advance_parsed(),
                _ => {}
            }
            q += 1;
        }
        self.push_end(n, q);
        self.len = n + 1;
        self.in_place = Some(p);
        self.pos = q;
        true
    }

    #[inline]
    fn push_end(&mut self, i: usize, end: usize) {
        if i >= self.ends.len() {
            self.ends.resize(2 * i + 2, 0);
        }
        self.ends[i] = end;
    }

    /// The next record through the parser (a line with quotes).
    fn advance_parsed(&mut self) -> bool {
        use csv_core::ReadRecordResult as R;
        // The parser only ever sees whole records: start it afresh at this record boundary.
        self.core.reset();
        self.in_place = None;
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
        let (start, end) = self.span(i);
        match self.in_place {
            Some(_) => self.input.get(start..end).unwrap_or(b""),
            None => self.out.get(start..end).unwrap_or(b""),
        }
    }

    /// Field `i` of the current record as text; `None` when it is not UTF-8. For rows of a
    /// text ([`Rows::of_text`]) split in place this is a slice of the text: no check needed.
    #[inline]
    pub fn get_str(&self, i: usize) -> Option<&str> {
        if let (Some(text), Some(_)) = (self.text, self.in_place) {
            let (start, end) = self.span(i);
            // Fields split at ASCII commas and line breaks start and end on character
            // boundaries, so this slice cannot fail; `get` keeps it panic-free anyway.
            return text.get(start..end);
        }
        std::str::from_utf8(self.get(i)).ok()
    }

    /// Where field `i` lies (in `input` or `out`); empty when there is no such field.
    #[inline]
    fn span(&self, i: usize) -> (usize, usize) {
        if i >= self.len {
            return (0, 0);
        }
        let start = match (i, self.in_place) {
            (0, Some(p)) => p,
            (0, None) => 0,
            (_, Some(_)) => self.ends[i - 1] + 1,
            (_, None) => self.ends[i - 1],
        };
        (start, self.ends[i])
    }

    /// True when the current record ends the text inside a quoted field (an odd number of `"`
    /// in it, and the text's final line break, if any, read as part of the last field): a `"`
    /// is missing, and the rest of the file was read as one field. A record whose line simply
    /// ends the text (a stray `"` inside an unquoted field) is not one, with LF or CRLF alike.
    pub fn unterminated_quote(&self) -> bool {
        if self.in_place.is_some() || self.pos < self.input.len() {
            return false;
        }
        let odd = self.input[self.start..self.pos]
            .iter()
            .filter(|&&c| c == b'"')
            .count()
            % 2
            == 1;
        odd && match self.input.last() {
            Some(&end @ (b'\n' | b'\r')) => {
                self.len > 0 && self.get(self.len - 1).last() == Some(&end)
            }
            _ => true,
        }
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

/// The index of the first of eight bytes that is at most `,` (0x2C), if any: the classic
/// "has a byte less than n" test on a little-endian word. Borrows only run upwards, so the lowest
/// flagged byte is always a true one (bytes from 0x80, in multi-byte characters, are never
/// flagged).
#[inline]
fn first_at_most_comma(word: &[u8]) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let mut b = [0u8; 8];
    b.copy_from_slice(word);
    let w = u64::from_le_bytes(b);
    let flags = w.wrapping_sub(ONES * 0x2D) & !w & HIGHS;
    // trailing_zeros of a non-zero u64 is below 64, so the index is below 8.
    (flags != 0).then(|| (flags.trailing_zeros() / 8) as usize)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The records of a text as the parser alone reads them (the reader before records without
    /// quotes were split in place): fields, and the physical line each record starts on.
    fn parser_only(input: &[u8]) -> Vec<(Vec<Vec<u8>>, u64)> {
        use csv_core::ReadRecordResult as R;
        let mut core = csv_core::Reader::new();
        let (mut out, mut ends) = (vec![0u8; 4096], vec![0usize; 64]);
        let mut pos = 0;
        let mut records = Vec::new();
        loop {
            let start = pos;
            let (mut nout, mut nend) = (0, 0);
            let done = loop {
                let (res, nin, o, e) =
                    core.read_record(&input[pos..], &mut out[nout..], &mut ends[nend..]);
                pos += nin;
                nout += o;
                nend += e;
                match res {
                    R::InputEmpty => {}
                    R::OutputFull => out.resize(out.len() * 2, 0),
                    R::OutputEndsFull => ends.resize(ends.len() * 2, 0),
                    R::Record => break false,
                    R::End => break true,
                }
            };
            if done {
                return records;
            }
            let fields = (0..nend)
                .map(|i| out[if i == 0 { 0 } else { ends[i - 1] }..ends[i]].to_vec())
                .collect();
            let mut b = start;
            while b < input.len() && matches!(input[b], b'\r' | b'\n') {
                b += 1;
            }
            let line = 1 + input[..b].iter().filter(|&&c| c == b'\n').count() as u64;
            records.push((fields, line));
        }
    }

    fn split_in_place(text: &str) -> Vec<(Vec<Vec<u8>>, u64)> {
        let mut rows = Rows::of_text(text);
        let mut records = Vec::new();
        while rows.advance() {
            let fields: Vec<Vec<u8>> = (0..rows.fields()).map(|i| rows.get(i).to_vec()).collect();
            for (i, f) in fields.iter().enumerate() {
                assert_eq!(rows.get_str(i).map(str::as_bytes), Some(&f[..]));
            }
            records.push((fields, rows.line()));
        }
        records
    }

    #[test]
    fn known_records() {
        let text = "a,b\r\n\r\n\"x,\"\"y\"\"\nz\",2\n,\rlast";
        let got = split_in_place(text);
        let want: Vec<(Vec<Vec<u8>>, u64)> = vec![
            (vec![b"a".to_vec(), b"b".to_vec()], 1),
            (vec![b"x,\"y\"\nz".to_vec(), b"2".to_vec()], 3),
            (vec![b"".to_vec(), b"".to_vec()], 5),
            (vec![b"last".to_vec()], 5),
        ];
        assert_eq!(got, want);
        assert_eq!(parser_only(text.as_bytes()), want);
    }

    proptest! {
        /// Splitting quote-free records in place gives exactly the parser's records and lines,
        /// on texts mixing quotes, commas, CR, LF, blank lines and multi-byte characters.
        #[test]
        fn in_place_split_equals_the_parser(text in "[a\",\r\n é1.]{0,80}") {
            prop_assert_eq!(split_in_place(&text), parser_only(text.as_bytes()));
        }

        /// The same on research-file-like text: long runs between delimiters (the eight-byte
        /// skip), every byte from 0x20 to 0x7e, and the odd quote.
        #[test]
        fn in_place_split_equals_the_parser_on_long_fields(
            text in "([ -~é]{0,23}[,\r\n]{0,2}){0,12}",
        ) {
            prop_assert_eq!(split_in_place(&text), parser_only(text.as_bytes()));
        }
    }

    /// A stray quote on the text's last line is not an unterminated quote, with LF or CRLF
    /// (the CRLF file used to say "fields", the LF file "unterminated"); a quote that is never
    /// closed is one either way.
    #[test]
    fn unterminated_quotes_are_the_same_with_lf_and_crlf() {
        for nl in ["\n", "\r\n"] {
            let last = |text: &str| {
                let mut rows = Rows::of_text(text);
                let mut flag = None;
                while rows.advance() {
                    flag = Some((rows.fields(), rows.unterminated_quote()));
                }
                flag
            };
            let stray = format!("h1,h2{nl}1,\"u,1,\"x, y\"{nl}");
            assert_eq!(last(&stray), Some((3, false)), "{nl:?}");
            let open = format!("h1,h2{nl}1,\"open{nl}2,3{nl}");
            assert_eq!(last(&open), Some((2, true)), "{nl:?}");
            let open_at_end = format!("h1,h2{nl}1,\"open");
            assert_eq!(last(&open_at_end), Some((2, true)), "{nl:?}");
        }
    }

    #[test]
    fn the_eight_byte_test_finds_the_first_delimiter() {
        for (word, want) in [
            (b"12345678", None),
            (b"1234567,", Some(7)),
            (b",2345678", Some(0)),
            (b"abc\rd,\"e", Some(3)),
            (b"+-./0123", Some(0)),
            (b"-./01234", None),
            (b"\xc3\xa9\xc3\xa9ab\n,", Some(6)),
        ] {
            assert_eq!(first_at_most_comma(word), want, "{word:?}");
        }
        // Every single byte in every position, against the byte-by-byte answer.
        for pos in 0..8 {
            for c in 0..=255u8 {
                let mut w = [b'z'; 8];
                w[pos] = c;
                let want = (c <= b',').then_some(pos);
                assert_eq!(first_at_most_comma(&w), want, "{c} at {pos}");
            }
        }
    }
}

//! Keeping a score in the journal (filled in below).

//! What is learned from data: a couple's episodes, and the research fits (Hawkes, rties-compatible series, profiles).

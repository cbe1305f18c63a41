//! End-to-end tests: they run the real `closer` binary (one test binary, one link step).

mod cli {
    pub mod accounts;
    pub mod assess;
    pub mod common;
    pub mod edges;
    pub mod fit;
    pub mod flags_fuzz;
    pub mod guide;
    pub mod guide_terminal;
    pub mod journal;
    pub mod model;
    pub mod output;
    pub mod patterns;
    pub mod safety;
    pub mod series;
    pub mod serve;
    pub mod soften;
    pub mod terminal_panic;
    pub mod user_text;
}

//! End-to-end tests: they run the real `closer` binary (one test binary, one link step).

mod cli {
    pub mod assess;
    pub mod common;
    pub mod guide;
    pub mod model;
    pub mod safety;
    pub mod soften;
}

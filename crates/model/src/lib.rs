//! The dance model: an exact, seeded event simulation of the pursuer-distancer loop, its mean-field version and outcomes.

//! Forward contracts (hedging).

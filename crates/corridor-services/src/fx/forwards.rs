//! Forward contracts.

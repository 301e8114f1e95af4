//! The auto-conversion rule.

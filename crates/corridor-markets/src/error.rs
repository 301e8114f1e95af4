//! Why a data file could not be loaded.

/// A data file is invalid: which file, which field, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("data/{file}.toml: {field}: {message}")]
pub struct LoadError {
    /// The file's country code (its name without `.toml`).
    pub file: String,
    /// The field at fault, as a path (`payment_methods[2].limits[0]`), or
    /// `(file)` for the file as a whole.
    pub field: String,
    /// What is wrong.
    pub message: String,
}

impl LoadError {
    pub(crate) fn new(file: &str, field: impl Into<String>, message: impl Into<String>) -> Self {
        LoadError {
            file: file.to_string(),
            field: field.into(),
            message: message.into(),
        }
    }
}

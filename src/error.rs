//! The library's error type: what stops a command from running at all.
//! Problems inside articles are not errors but diagnostics (`content::diagnostics`).

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("content folder `{}` does not exist", path.display())]
    ContentRootMissing { path: PathBuf },
    #[error("cannot read content folder `{}`", path.display())]
    ContentRootUnreadable {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

//! tshoot: a multilingual troubleshooting knowledge base.
//!
//! Layers, lowest first; each imports only layers listed before it:
//! `error`, `model`, `content` (pure `parse` beside I/O `load`), `kb`, `feed`, `search`, `config`.

pub mod config;
pub mod content;
pub mod error;
pub mod feed;
pub mod kb;
pub mod model;
pub mod search;

pub use error::{Error, Result};
pub use kb::KnowledgeBase;

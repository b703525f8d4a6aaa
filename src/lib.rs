//! tshoot: a multilingual troubleshooting knowledge base.
//!
//! Layers, lowest first; each imports only layers listed before it:
//! `error`, `model`, `content` (pure `parse` beside I/O `load`), `kb`, `feed`, `feedback`, `i18n`, `search`, `tree`, `render`, `web`, `export`, `config`.

pub mod config;
pub mod content;
pub mod error;
pub mod export;
pub mod feed;
pub mod feedback;
pub mod i18n;
pub mod kb;
pub mod model;
pub mod render;
pub mod search;
pub mod tree;
pub mod web;

pub use error::{Error, Result};
pub use kb::KnowledgeBase;

//! Content: pure parsing of article text (`parse`, `headings`, `codes`,
//! `freshness`) and the file-system loader (`load`), with their diagnostics.

pub mod codes;
pub mod diagnostics;
pub mod docfx;
pub mod freshness;
pub mod headings;
pub mod load;
pub mod parse;
pub mod trees;

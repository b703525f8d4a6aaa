//! One integration-test binary; a module per area, one harness.

mod bad_input;
mod browser;
mod chromium;
mod cli;
mod corpus;
mod export;
mod export_search;
mod export_walk;
mod harness;
mod media;
mod paths;
mod search;
mod seeds;
mod tree;
mod web;

//! Ways to earn a badge. Here: single-use claim codes that partner staff print and hand out.

pub mod codes;
pub mod handlers;
pub mod pages;
pub mod store;

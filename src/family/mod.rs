//! Youth and their families: a parent's consent for a child under 13, parents linked to their
//! children (by consent, or by a code a teen shows them), and what a parent decides for a child.

pub mod consent;
pub mod digest;
pub mod digest_handler;
pub mod display;
pub mod display_handler;
pub mod handlers;
pub mod link_codes;
pub mod pages;

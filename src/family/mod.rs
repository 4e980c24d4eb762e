//! Youth and their families: a parent's consent for a child under 13, parents linked to their
//! children (by consent, or by a code a teen shows them), what a parent decides for a child, and
//! the handoff of the account to the youth at 13.

pub mod consent;
pub mod digest;
pub mod digest_handler;
pub mod display;
pub mod display_handler;
pub mod handlers;
pub mod handoff;
pub mod handoff_handlers;
pub mod link_codes;
pub mod pages;

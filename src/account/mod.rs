//! One's data as a whole: downloading all of it (`export`) and deleting the account
//! (`deletion`), for oneself or, for a parent, for a linked child under 13.

pub mod deletion;
pub mod export;
pub mod handlers;
pub mod pages;
pub mod store;

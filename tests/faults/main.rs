//! The fault suite: see the faults branch.

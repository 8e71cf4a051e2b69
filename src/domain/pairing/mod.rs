//! The pairing engine (being written).

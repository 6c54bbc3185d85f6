//! Limits that keep decoding proportional to the bytes received, whatever the server sends.
//!
//! A response model is a struct with one slot per documented field, so `{}` (2 bytes) costs
//! the whole struct. A list of a million `{}` would cost gigabytes. The runtime bounds this in
//! three ways: pages never hold more items than were requested ([`super::Page`]), bodies are
//! capped ([`super::ClientBuilder::max_response_bytes`]), and while a response body is decoded
//! every model, list element and map entry is charged against a memory budget proportional to
//! the body: [`DECODE_MEMORY_RATIO`] times its length, and at least [`DECODE_MEMORY_FLOOR`].
//! Free-form (`any`) fields, `serde_json::Value`s, are built node by node with every
//! allocation charged before it is made (strings, array buffers as they grow, object nodes):
//! `[{"":0},...]` would otherwise take about 90 times its text, since each one-key object is a
//! whole B-tree node of over 600 bytes for 7 bytes of JSON.
//! The budget is per thread (serde gives no other way to reach nested visitors) and only active
//! inside the runtime's own decoding; decoding a model with `serde_json::from_str` directly is
//! not limited.

use std::cell::Cell;

/// Decoded structures may take this many times the body's size.
pub const DECODE_MEMORY_RATIO: usize = 16;
/// ... and at least this much (16 MiB: a full page of 300 of the largest models, all fields
/// absent, is far below it).
pub const DECODE_MEMORY_FLOOR: usize = 16 << 20;
/// Typed values nested deeper than this are kept raw ([`super::Lenient::Invalid`]): each level
/// is decoded from its own text, and this bounds both the stack and the re-scanning.
pub const MAX_TYPED_NESTING: u32 = 32;

thread_local! {
    /// Bytes left, `None` outside the runtime's decoding.
    static BUDGET: Cell<Option<usize>> = const { Cell::new(None) };
    /// The limit of the active budget, for the message.
    static LIMIT: Cell<usize> = const { Cell::new(0) };
    static EXHAUSTED: Cell<bool> = const { Cell::new(false) };
    static NESTING: Cell<u32> = const { Cell::new(0) };
}

/// The memory budget for decoding a body of `body_len` bytes.
pub fn decode_memory_limit(body_len: usize) -> usize {
    body_len
        .saturating_mul(DECODE_MEMORY_RATIO)
        .max(DECODE_MEMORY_FLOOR)
}

/// Activates a budget for decoding a body of `body_len` bytes until dropped (the previous
/// state is restored, so decodes may nest).
pub(super) struct BudgetScope {
    previous: Option<usize>,
    previous_limit: usize,
    previous_exhausted: bool,
}

impl BudgetScope {
    pub(super) fn enter(body_len: usize) -> BudgetScope {
        let limit = decode_memory_limit(body_len);
        BudgetScope {
            previous: BUDGET.with(|b| b.replace(Some(limit))),
            previous_limit: LIMIT.with(|l| l.replace(limit)),
            previous_exhausted: EXHAUSTED.with(|e| e.replace(false)),
        }
    }
}

impl Drop for BudgetScope {
    fn drop(&mut self) {
        BUDGET.with(|b| b.set(self.previous));
        LIMIT.with(|l| l.set(self.previous_limit));
        EXHAUSTED.with(|e| e.set(self.previous_exhausted));
    }
}

/// Takes `bytes` from the active budget. `Err` carries the message once it is used up.
pub(super) fn charge(bytes: usize) -> Result<(), String> {
    BUDGET.with(|b| match b.get() {
        None => Ok(()),
        Some(left) if left >= bytes => {
            b.set(Some(left - bytes));
            Ok(())
        }
        Some(_) => {
            b.set(Some(0));
            EXHAUSTED.with(|e| e.set(true));
            Err(exhausted_message())
        }
    })
}

/// The memory of one heap block of `bytes`: glibc's malloc adds 8 bytes of header, rounds up
/// to 16 and allocates at least 32 (other allocators are close); an empty `String` or `Vec`
/// allocates nothing.
pub(super) fn heap_block(bytes: usize) -> usize {
    if bytes == 0 {
        return 0;
    }
    (bytes.saturating_add(8 + 15) & !15).max(32)
}

/// A B-tree leaf of `serde_json::Map` (11 keys and 11 values, parent link, lengths).
const MAP_LEAF: usize =
    16 + 11 * (std::mem::size_of::<String>() + std::mem::size_of::<serde_json::Value>());
/// An inner node: a leaf and its 12 child links.
const MAP_INNER: usize = MAP_LEAF + 12 * std::mem::size_of::<usize>();

/// The memory of a `serde_json::Map` of `n` entries, besides its keys' text and what its
/// values hold: one leaf up to 11 entries; past that, leaves hold at least 5 (a full one
/// splits in two), and an inner node links at least 5 of them. An `IndexMap` (serde_json's
/// `preserve_order`) takes about as much.
pub(super) fn json_map_memory(n: usize) -> usize {
    match n {
        0 => 0,
        1..=11 => heap_block(MAP_LEAF),
        _ => {
            let leaves = n.div_ceil(5);
            leaves * heap_block(MAP_LEAF) + leaves.div_ceil(4) * heap_block(MAP_INNER)
        }
    }
}

/// Whether the active budget ran out (an error from a nested decode must then propagate).
pub(super) fn exhausted() -> bool {
    EXHAUSTED.with(Cell::get)
}

pub(super) fn exhausted_message() -> String {
    format!(
        "the decoded response would take more than {} bytes of memory \
         ({DECODE_MEMORY_RATIO} times the body, at least {DECODE_MEMORY_FLOOR}); \
         it was refused instead",
        LIMIT.with(Cell::get)
    )
}

/// One more level of typed nesting, or `None` past [`MAX_TYPED_NESTING`].
pub(super) struct NestingGuard(());

impl NestingGuard {
    pub(super) fn enter() -> Option<NestingGuard> {
        NESTING.with(|n| {
            let depth = n.get();
            (depth < MAX_TYPED_NESTING).then(|| {
                n.set(depth + 1);
                NestingGuard(())
            })
        })
    }
}

impl Drop for NestingGuard {
    fn drop(&mut self) {
        NESTING.with(|n| n.set(n.get().saturating_sub(1)));
    }
}

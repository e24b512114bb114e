//! Bounds on what rendering one profile name may cost. A ProfileFormat is a small program
//! (`{{ range until 10000000 }}`, `{{ printf "%0999999999d" 1 }}`, `{{ repeat … }}`) run for
//! every role, in `process` too; without bounds a typo or a hostile config.yaml runs for
//! minutes and takes gigabytes. A render that goes over a bound fails with an error naming
//! the bound, before the memory is taken:
//!
//! * the rendered name is at most [`MAX_OUTPUT`] bytes (a profile name is a short label);
//! * every value a function makes (a string, a list) is at most [`MAX_VALUE`] bytes or
//!   items; functions whose result can grow faster than their input (`repeat`, `indent`,
//!   `until`, `wrapWith`, `replace`, `join`, `printf` widths) check before they allocate;
//! * all `range` loops of one render run at most [`MAX_ITERATIONS`] times together;
//! * the values made or copied during one render add up to at most [`MAX_WORK`] bytes,
//!   which bounds the time a render can take even when each value is small.
//!
//! The per-render counters live in a thread-local [`Budget`] reset by [`start`]: handlebars
//! helpers have no other state that lasts one render, and a render never leaves its thread.

use std::cell::Cell;

use serde_json::Value as Json;

/// Bytes of one rendered profile name.
pub(crate) const MAX_OUTPUT: usize = 4096;
/// Bytes of a string, or (roughly) bytes and items of a list or map, made by a function.
pub(crate) const MAX_VALUE: usize = 64 * 1024;
/// `range` iterations of one render, nested loops counted together.
pub(crate) const MAX_ITERATIONS: usize = 10_000;
/// Bytes of values made or copied during one render.
pub(crate) const MAX_WORK: usize = 16 << 20;

#[derive(Clone, Copy, Default)]
struct Budget {
    iterations: usize,
    work: usize,
}

thread_local! {
    static BUDGET: Cell<Budget> = const { Cell::new(Budget { iterations: 0, work: 0 }) };
}

/// Starts the budget of a new render.
pub(crate) fn start() {
    BUDGET.set(Budget::default());
}

/// Charges `n` loop iterations to this render.
pub(crate) fn iterations(n: usize) -> Result<(), String> {
    let mut b = BUDGET.get();
    b.iterations = b.iterations.saturating_add(n);
    BUDGET.set(b);
    if b.iterations > MAX_ITERATIONS {
        return Err(format!(
            "range: more than {MAX_ITERATIONS} iterations for one profile name"
        ));
    }
    Ok(())
}

/// Charges `bytes` of values made or copied to this render.
pub(crate) fn work(bytes: usize) -> Result<(), String> {
    let mut b = BUDGET.get();
    b.work = b.work.saturating_add(bytes);
    BUDGET.set(b);
    if b.work > MAX_WORK {
        return Err(format!(
            "the template made more than {} MiB of values for one profile name",
            MAX_WORK >> 20
        ));
    }
    Ok(())
}

/// Refuses a string of `len` bytes before it is made.
pub(crate) fn check_len(len: usize) -> Result<(), String> {
    if len > MAX_VALUE {
        return Err(format!(
            "the result would be {len} bytes, over the limit of {MAX_VALUE}"
        ));
    }
    Ok(())
}

/// Refuses a list of `n` items before it is made.
pub(crate) fn check_items(n: usize) -> Result<(), String> {
    if n > MAX_VALUE {
        return Err(format!(
            "the list would have {n} items, over the limit of {MAX_VALUE}"
        ));
    }
    Ok(())
}

/// The size [`MAX_VALUE`] and [`MAX_WORK`] measure: a string's bytes; a list's or map's
/// items (one each) plus their keys and sizes; 1 for anything else. Stops counting past
/// [`MAX_VALUE`], so measuring a huge value is cheap.
pub(crate) fn size(v: &Json) -> usize {
    let mut total = 0usize;
    let mut stack = vec![v];
    while let Some(v) = stack.pop() {
        total = total.saturating_add(match v {
            Json::String(s) => s.len(),
            Json::Array(a) => {
                stack.extend(a.iter());
                a.len()
            }
            Json::Object(m) => {
                stack.extend(m.values());
                m.len() + m.keys().map(String::len).sum::<usize>()
            }
            _ => 1,
        });
        if total > MAX_VALUE {
            break;
        }
    }
    total
}

/// A function's result: refused when over [`MAX_VALUE`], else charged to the render.
pub(crate) fn check_result(v: &Json) -> Result<(), String> {
    let n = size(v);
    if n > MAX_VALUE {
        return Err(format!(
            "the result is over the limit of {MAX_VALUE} bytes or items"
        ));
    }
    work(n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn sizes_count_bytes_and_items_and_stop_early() {
        assert_eq!(size(&json!("abc")), 3);
        assert_eq!(size(&json!(7)), 1);
        assert_eq!(size(&json!(["ab", 1])), 2 + 2 + 1);
        assert_eq!(size(&json!({"k": "vv"})), 1 + 1 + 2);
        let big = Json::Array(vec![Json::String("x".repeat(1000)); 1000]);
        assert!(size(&big) > MAX_VALUE && size(&big) < 2 * MAX_VALUE);
    }

    #[test]
    fn budgets_refuse_past_their_bound_until_restarted() {
        start();
        assert!(iterations(MAX_ITERATIONS).is_ok());
        assert!(
            iterations(1)
                .unwrap_err()
                .contains("more than 10000 iterations")
        );
        assert!(work(MAX_WORK).is_ok());
        assert!(work(1).is_err());
        start();
        assert!(iterations(1).is_ok() && work(1).is_ok());
        assert!(check_len(MAX_VALUE).is_ok());
        assert!(check_len(MAX_VALUE + 1).unwrap_err().contains("65536"));
    }
}

#[cfg(test)]
mod render_tests;

//! Reading a large `cache.json` without holding all of it in memory.
//!
//! A 100k-role cache is ~47 MB of indented JSON. Reading it into a buffer (or mapping it and
//! touching every page) would alone use most of our memory budget, and serde_json's streaming
//! reader is 4× slower than parsing a slice. So a large file is memory-mapped and parsed as a
//! slice, and while the parser walks forward through the accounts the pages behind it are
//! handed back to the kernel (`MADV_DONTNEED`), keeping the resident part to a few MB.
//!
//! This is sound because the parser only moves forward (a page it needs again, say to
//! compute the line of an error, is simply read from the file again: the mapping is private
//! and read-only) and because we replace the file by rename, never rewrite it in place.

// The one module allowed `unsafe`: mapping a file and advising the kernel about it.
#![allow(unsafe_code)]

use std::cell::Cell;
use std::fs::File;
use std::io;

use memmap2::Mmap;

/// Files smaller than this are read into memory: mapping buys nothing for them.
pub const MAP_THRESHOLD: u64 = 4 << 20;

/// Release granularity; a multiple of every page size in use (4, 16 and 64 KiB).
const CHUNK: usize = 1 << 20;

/// The mapping being parsed on this thread and how much of it was released.
#[derive(Clone, Copy)]
struct Window {
    map: *const Mmap,
    released: usize,
}

thread_local! {
    static WINDOW: Cell<Option<Window>> = const { Cell::new(None) };
}

/// Map `file` read-only.
pub fn map(file: &File) -> io::Result<Mmap> {
    // SAFETY: cache.json is only ever replaced by rename (see `fsutil::write_atomic`), so
    // the mapped inode's contents do not change while we read them. A foreign tool that
    // truncated the file in place during the parse could at worst end this read with SIGBUS;
    // the mapping is read-only, so no file is ever changed through it.
    unsafe { Mmap::map(file) }
}

/// Run `parse` over the mapped bytes; the parser reports its progress through
/// [`parsed_up_to`], which releases the pages before that point.
pub fn parse_releasing<T>(map: &Mmap, parse: impl FnOnce(&[u8]) -> T) -> T {
    struct Reset(Option<Window>);
    impl Drop for Reset {
        fn drop(&mut self) {
            WINDOW.with(|w| w.set(self.0));
        }
    }
    let previous = WINDOW.with(|w| {
        w.replace(Some(Window {
            map: map as *const Mmap,
            released: 0,
        }))
    });
    let _reset = Reset(previous);
    parse(&map[..])
}

/// The parser has consumed everything before `ptr` (a pointer into the slice being parsed).
pub fn parsed_up_to(ptr: *const u8) {
    WINDOW.with(|cell| {
        let Some(mut window) = cell.get() else {
            return;
        };
        // SAFETY: `parse_releasing` keeps the map alive for as long as the window is set.
        let map = unsafe { &*window.map };
        let base = map.as_ptr() as usize;
        let Some(offset) = (ptr as usize).checked_sub(base).filter(|&o| o < map.len()) else {
            return;
        };
        let upto = offset / CHUNK * CHUNK;
        if upto > window.released {
            release(map, window.released, upto - window.released);
            window.released = upto;
            cell.set(Some(window));
        }
    });
}

#[cfg(unix)]
fn release(map: &Mmap, offset: usize, len: usize) {
    // SAFETY: a private read-only file mapping: dropped pages are re-read from the file on
    // the next access, so no data changes; the parser is past this range anyway.
    let res =
        unsafe { map.unchecked_advise_range(memmap2::UncheckedAdvice::DontNeed, offset, len) };
    if let Err(e) = res {
        tracing::debug!("madvise(DONTNEED) on cache.json failed: {e}");
    }
}

#[cfg(not(unix))]
fn release(_map: &Mmap, _offset: usize, _len: usize) {}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn progress_outside_a_parse_or_the_map_is_ignored() {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        f.write_all(&vec![b' '; 3 * CHUNK]).unwrap();
        let map = map(f.as_file()).unwrap();
        parsed_up_to(map.as_ptr()); // no window: nothing happens
        let seen = parse_releasing(&map, |bytes| {
            parsed_up_to(bytes[2 * CHUNK + 10..].as_ptr());
            parsed_up_to(b"elsewhere".as_ptr());
            WINDOW.with(|w| w.get().unwrap().released)
        });
        assert_eq!(seen, 2 * CHUNK, "released whole chunks before the position");
        assert!(
            WINDOW.with(|w| w.get().is_none()),
            "window reset after parsing"
        );
        assert!(
            map.iter().all(|&b| b == b' '),
            "released pages read back intact"
        );
    }
}

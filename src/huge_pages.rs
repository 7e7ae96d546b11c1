//! The binary's allocator: the system's, asking the kernel to back each
//! large block with huge pages where it can.
//!
//! The interner's and the units' tables hold millions of entries read in
//! no order. With pages of 4 KiB nearly every lookup in them misses the
//! TLB as well as the cache, and a page walk costs most under a hypervisor;
//! a huge page of 2 MiB covers 512 of them. Linux gives a block huge pages
//! when asked (`MADV_HUGEPAGE`) where transparent huge pages are enabled
//! for `madvise`, as on Debian; elsewhere the advice changes nothing.
//! glibc's malloc asks the same for its large blocks when a process starts
//! with `GLIBC_TUNABLES=glibc.malloc.hugetlb=1`, which no program can set
//! for itself. Measured in BENCHMARKS.md, "CSV rows with less work each,
//! and huge pages".

use std::alloc::{GlobalAlloc, Layout, System};

/// `System`, advising huge pages for blocks of `LARGE` bytes or more.
pub struct HugePages;

/// The smallest block advised: a huge page.
const LARGE: usize = 2 << 20;

// SAFETY: every block comes from `System` and goes back to it as it came;
// the advice touches no byte and no allocator state.
unsafe impl GlobalAlloc for HugePages {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract, passed on unchanged.
        advise(unsafe { System.alloc(layout) }, layout.size())
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as `alloc`.
        advise(unsafe { System.alloc_zeroed(layout) }, layout.size())
    }

    unsafe fn dealloc(&self, block: *mut u8, layout: Layout) {
        // SAFETY: as `alloc`.
        unsafe { System.dealloc(block, layout) }
    }

    unsafe fn realloc(&self, block: *mut u8, layout: Layout, size: usize) -> *mut u8 {
        // SAFETY: as `alloc`.
        advise(unsafe { System.realloc(block, layout, size) }, size)
    }
}

/// Advises huge pages for the `size` bytes at `block`, if that many, and
/// gives `block` back. Advice is a hint: its failure is no error.
fn advise(block: *mut u8, size: usize) -> *mut u8 {
    if cfg!(target_os = "linux") && !block.is_null() && size >= LARGE {
        // From the start of the page holding the block, as `madvise` asks:
        // the whole page is the allocator's, and advice changes no byte.
        let start = block as usize & !(PAGE - 1);
        let length = block as usize + size - start;
        // SAFETY: the range is mapped (the block, and the rest of its
        // first page), and `MADV_HUGEPAGE` only marks it.
        #[cfg(target_os = "linux")]
        unsafe {
            libc::madvise(start as *mut libc::c_void, length, libc::MADV_HUGEPAGE)
        };
    }
    block
}

/// The smallest page: `madvise` ranges start on one. Where pages are
/// larger the advice may be refused, which changes nothing.
const PAGE: usize = 4096;

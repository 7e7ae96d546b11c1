//! The interner's table from a text's hash to its id.
//!
//! A table of a million texts is far larger than the cache, and a lookup's
//! cost is the memory it reads. Each place here is one word: the low half
//! of the text's hash beside the id. A lookup reads that word and, where
//! the halves agree, the text; a new text is told from those present
//! without reading any text at all. A general table keeps its tags apart
//! from its entries and reads both, and needs the whole hash kept apart to
//! grow.

/// An empty place.
const FREE: u64 = 0;

/// Places probed in order from the one a hash names, at most three in four taken.
#[derive(Default)]
pub(super) struct Places {
    /// Per place, `FREE` or the hash's low half above the id plus one.
    words: Vec<u64>,
    taken: usize,
}

/// Where `find` stopped.
pub(super) enum Found {
    /// The id of an equal text.
    Id(u32),
    /// No equal text: the free place where one of this hash goes.
    Free(usize),
}

impl Places {
    /// The id of a text of `hash` for which `equal` holds, or the place to
    /// put it. Call `room_for(1)` before, if the text may be put.
    #[inline]
    pub fn find(&self, hash: u64, equal: impl Fn(u32) -> bool) -> Found {
        if self.words.is_empty() {
            return Found::Free(usize::MAX);
        }
        let half = hash as u32;
        let mask = self.words.len() - 1;
        let mut place = half as usize & mask;
        loop {
            let word = self.words[place];
            if word == FREE {
                return Found::Free(place);
            }
            let id = (word as u32).wrapping_sub(1);
            if (word >> 32) as u32 == half && equal(id) {
                return Found::Id(id);
            }
            place = (place + 1) & mask;
        }
    }

    /// Asks for the place `find` starts from for `hash` to be fetched from
    /// memory, so that a lookup made soon after does not wait for it.
    #[inline]
    pub fn prefetch(&self, hash: u64) {
        if self.words.is_empty() {
            return;
        }
        let place = hash as u32 as usize & (self.words.len() - 1);
        #[cfg(target_arch = "x86_64")]
        {
            use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
            let word = self.words[place..].as_ptr().cast::<i8>();
            // SAFETY: a prefetch is a hint that reads nothing and cannot
            // fault; the address is a place of the table.
            unsafe { _mm_prefetch(word, _MM_HINT_T0) };
        }
        #[cfg(not(target_arch = "x86_64"))]
        let _ = place;
    }

    /// Puts `id` at `place`, a free place `find` gave for `hash`.
    #[inline]
    pub fn put(&mut self, place: usize, hash: u64, id: u32) {
        self.words[place] = word(hash as u32, id);
        self.taken += 1;
    }

    /// Makes room for `more` ids, moving those present if the table grows.
    pub fn room_for(&mut self, more: usize) {
        let taken = self.taken + more;
        if taken * 4 <= self.words.len() * 3 {
            return;
        }
        let size = (taken * 4 / 3 + 1).next_power_of_two().max(16);
        let old = std::mem::replace(&mut self.words, vec![FREE; size]);
        let mask = size - 1;
        for word in old.into_iter().filter(|&w| w != FREE) {
            let mut place = (word >> 32) as usize & mask;
            while self.words[place] != FREE {
                place = (place + 1) & mask;
            }
            self.words[place] = word;
        }
    }
}

fn word(half: u32, id: u32) -> u64 {
    (u64::from(half) << 32) | u64::from(id + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Puts `id` under `hash`, the ids told apart by `texts`.
    fn put(places: &mut Places, texts: &[&str], hash: u64, id: u32) {
        places.room_for(1);
        match places.find(hash, |other| texts[other as usize] == texts[id as usize]) {
            Found::Free(place) => places.put(place, hash, id),
            Found::Id(found) => panic!("{} already there as {found}", texts[id as usize]),
        }
    }

    #[test]
    fn texts_of_one_hash_are_told_apart_by_the_text() {
        let texts = ["a", "b", "c"];
        let mut places = Places::default();
        // Equal low halves and equal places: only the text tells them apart.
        for (id, hash) in [(0, 7), (1, 7), (2, 7 | 1 << 40)] {
            put(&mut places, &texts, hash, id);
        }
        for (id, hash) in [(0, 7), (1, 7), (2, 7 | 1 << 40)] {
            let found = places.find(hash, |other| texts[other as usize] == texts[id as usize]);
            assert!(matches!(found, Found::Id(i) if i == id));
        }
        assert!(matches!(places.find(7, |_| false), Found::Free(_)));
    }

    #[test]
    fn ids_are_found_after_the_table_grows_past_the_end() {
        let texts: Vec<String> = (0..1000).map(|i| i.to_string()).collect();
        let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
        let mut places = Places::default();
        // Hashes that crowd the last places, so probes wrap round to the first.
        let hash = |i: u32| u64::from(u32::MAX - i % 3);
        for id in 0..1000 {
            put(&mut places, &texts, hash(id), id);
            assert!(places.taken * 4 <= places.words.len() * 3);
        }
        for id in 0..1000 {
            let found = places.find(hash(id), |other| {
                texts[other as usize] == texts[id as usize]
            });
            assert!(matches!(found, Found::Id(i) if i == id), "{id}");
        }
    }
}

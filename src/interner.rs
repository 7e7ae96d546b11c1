//! Texts stored once, each given a dense id in the order first seen. The unit
//! aggregation keys units, citizens, departments, cases and caseworkers by
//! these ids: millions of rows share a few hundred thousand texts, and an id
//! is four bytes where a text is a heap allocation.

mod places;

use hashbrown::DefaultHashBuilder;
use places::{Found, Places};
use std::collections::VecDeque;
use std::hash::BuildHasher;

/// Distinct texts, in one buffer, with a table from text to id.
#[derive(Default)]
pub struct Interner {
    text: String,
    ends: Vec<usize>,
    /// From each text's hash to its id.
    places: Places,
    hasher: DefaultHashBuilder,
    successors: Successors,
}

/// What was named after each text, for `Interner::intern_after`, and how
/// well guessing by it has done lately. Where rows are in no order (a file
/// sorted by date), every guess misses and reads memory a lookup would not:
/// guesses then stop, but for one in `TRIAL`, until they hit again.
#[derive(Default)]
struct Successors {
    /// Per id, the id named after it when it was last left and no guess
    /// found the text (`NO_TEXT`: none, as for ids past the end).
    next: Vec<u32>,
    /// Recent hits less misses, within `-TRUST..=TRUST`; guesses are made
    /// while it is not negative.
    trust: i8,
    /// Guesses skipped since the last one, while not trusted.
    skipped: u8,
}

/// No id, in `Successors::next`.
const NO_TEXT: u32 = u32::MAX;
/// The bound of `Successors::trust`.
const TRUST: i8 = 16;
/// While guesses are not trusted, one in this many is made.
const TRIAL: u8 = 16;

impl Successors {
    /// The id to try after `previous`, if any and if guessing pays.
    fn guess(&mut self, previous: u32) -> Option<u32> {
        if self.trust < 0 {
            self.skipped += 1;
            if self.skipped < TRIAL {
                return None;
            }
            self.skipped = 0;
        }
        self.next
            .get(previous as usize)
            .copied()
            .filter(|&id| id != NO_TEXT)
    }

    /// Whether the last guess found the text.
    fn judge(&mut self, hit: bool) {
        self.trust = match hit {
            true => (self.trust + 1).min(TRUST),
            false => (self.trust - 1).max(-TRUST),
        };
    }

    /// `id` was named after `previous`, and no guess found it.
    fn learn(&mut self, previous: u32, id: u32) {
        let previous = previous as usize;
        if previous >= self.next.len() {
            self.next.resize(previous + 1, NO_TEXT);
        }
        self.next[previous] = id;
    }
}

impl Interner {
    /// The id of `text`, adding it if new.
    pub fn intern(&mut self, text: &str) -> u32 {
        let hash = self.hash(text);
        self.intern_hashed(text, hash)
    }

    /// An empty interner that hashes texts as this one does, so that a
    /// text's `hash` from either serves both.
    pub fn hashing_alike(&self) -> Interner {
        Interner {
            hasher: self.hasher,
            ..Interner::default()
        }
    }

    /// The hash this interner files `text` under.
    pub fn hash(&self, text: &str) -> u64 {
        self.hasher.hash_one(text)
    }

    /// `intern`, with `hash` the text's `hash`.
    pub fn intern_hashed(&mut self, text: &str, hash: u64) -> u32 {
        self.places.room_for(1);
        let Interner {
            text: all,
            ends,
            places,
            ..
        } = self;
        match places.find(hash, |id| same(slice(all, ends, id), text)) {
            Found::Id(id) => id,
            Found::Free(place) => {
                let id = ends.len() as u32;
                all.push_str(text);
                ends.push(all.len());
                places.put(place, hash, id);
                id
            }
        }
    }

    /// The id of `text`, adding it if new; `last` is checked first and then
    /// holds this id. Rows come in runs of one unit, department or case, and
    /// a comparison is cheaper than a lookup. Then two guesses, each a
    /// comparison where a lookup in a table of a million texts misses the
    /// cache: the text added right after `last` (files sorted alike list
    /// their texts in the order first seen), and the one named after `last`
    /// when it was last left (a department's files list its citizens in the
    /// same order, a subset of those seen first). Either way a text keeps
    /// its one id.
    pub fn intern_after(&mut self, last: &mut Option<u32>, text: &str) -> u32 {
        self.intern_after_hashed(last, text, None)
    }

    /// `intern_after`, with the text's `hash` if known.
    pub fn intern_after_hashed(
        &mut self,
        last: &mut Option<u32>,
        text: &str,
        hash: Option<u64>,
    ) -> u32 {
        let id = match *last {
            Some(id) if same(self.get(id), text) => return id,
            Some(id) => self.after(id, text, hash),
            None => self.intern_hashed(text, hash.unwrap_or_else(|| self.hash(text))),
        };
        *last = Some(id);
        id
    }

    /// The id of `text`, named after the text of `previous`, another one.
    fn after(&mut self, previous: u32, text: &str, hash: Option<u64>) -> u32 {
        let next = previous + 1;
        if (next as usize) < self.len() && same(self.get(next), text) {
            return next;
        }
        if let Some(guess) = self.successors.guess(previous) {
            let hit = same(self.get(guess), text);
            self.successors.judge(hit);
            if hit {
                return guess;
            }
        }
        let id = self.intern_hashed(text, hash.unwrap_or_else(|| self.hash(text)));
        // A text new here is the one after `previous`: nothing to learn.
        if id != next {
            self.successors.learn(previous, id);
        }
        id
    }

    /// Makes room for `more` texts without growing the table on the way.
    pub fn reserve(&mut self, more: usize) {
        self.ends.reserve(more);
        self.places.room_for(more);
    }

    /// The id of `text`, if it has one.
    pub fn find(&self, text: &str) -> Option<u32> {
        self.find_hashed(text, self.hash(text))
    }

    /// `find`, with `hash` the text's `hash`.
    pub fn find_hashed(&self, text: &str, hash: u64) -> Option<u32> {
        match self.places.find(hash, |id| same(self.get(id), text)) {
            Found::Id(id) => Some(id),
            Found::Free(_) => None,
        }
    }

    /// The text of `id`.
    #[inline]
    pub fn get(&self, id: u32) -> &str {
        slice(&self.text, &self.ends, id)
    }

    /// Number of distinct texts.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether no text has been stored.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }
}

/// How many texts `Ahead` holds back: enough for their places to arrive
/// from memory while those before them are interned.
const AHEAD: usize = 16;

/// Texts to intern in the order given, each held back until `AHEAD` more
/// have come: the table's place for a text is asked of memory when it
/// comes, and read when it is interned, so that the misses of several
/// lookups overlap. In a table of a million texts nearly every new text
/// misses the cache.
pub struct Ahead<'t, K> {
    queue: VecDeque<(K, &'t str, u64)>,
}

impl<K> Default for Ahead<'_, K> {
    fn default() -> Self {
        Ahead {
            queue: VecDeque::with_capacity(AHEAD + 1),
        }
    }
}

impl<'t, K> Ahead<'t, K> {
    /// Takes `text`, of `hash` in `texts`, under `key`; gives back the
    /// text now due to be interned, if any.
    pub fn push(
        &mut self,
        texts: &Interner,
        key: K,
        text: &'t str,
        hash: u64,
    ) -> Option<(K, &'t str, u64)> {
        texts.places.prefetch(hash);
        self.queue.push_back((key, text, hash));
        match self.queue.len() > AHEAD {
            true => self.queue.pop_front(),
            false => None,
        }
    }

    /// The texts still held back, in the order they came.
    pub fn rest(self) -> impl Iterator<Item = (K, &'t str, u64)> {
        self.queue.into_iter()
    }
}

/// An interner's texts in the order of their names: each id's rank, and
/// the texts by rank.
pub struct Ranked<'a> {
    /// Per id, its text's place in the sorted texts.
    pub rank: Vec<u32>,
    /// The texts, sorted.
    pub names: Vec<&'a str>,
}

impl<'a> Ranked<'a> {
    /// The text of rank `rank`.
    pub fn name(&self, rank: u32) -> &'a str {
        self.names[rank as usize]
    }
}

impl Interner {
    /// The texts in the order of their names.
    pub fn ranked(&self) -> Ranked<'_> {
        let mut names: Vec<(&str, u32)> = (0..self.len() as u32)
            .map(|id| (self.get(id), id))
            .collect();
        names.sort_unstable();
        let mut rank = vec![0; names.len()];
        for (position, &(_, id)) in names.iter().enumerate() {
            rank[id as usize] = position as u32;
        }
        Ranked {
            rank,
            names: names.into_iter().map(|(name, _)| name).collect(),
        }
    }
}

/// Whether `a` and `b` are the same text. Ids and case numbers are 8 to 16
/// bytes: compared as two words each (the first and the last eight bytes)
/// in line, where `==` would call the C library's `memcmp` for every row.
#[inline]
pub fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    match (a.len(), a.first_chunk::<8>(), b.first_chunk::<8>()) {
        (8..=16, Some(a8), Some(b8)) => a8 == b8 && a.last_chunk::<8>() == b.last_chunk::<8>(),
        _ => a == b,
    }
}

#[inline]
fn slice<'a>(text: &'a str, ends: &[usize], id: u32) -> &'a str {
    let id = id as usize;
    let start = if id == 0 { 0 } else { ends[id - 1] };
    &text[start..ends[id]]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_are_the_same_only_when_every_byte_is() {
        let texts = [
            "",
            "a",
            "ab",
            "abcdefg",
            "abcdefgh",
            "abcdefgi",
            "bbcdefgh",
            "abcdefghi",
            "abcdefghj",
            "abcdXfghi",
            "0123456789abcdef",
            "0123456789abcdeX",
            "0123456X89abcdef",
            "X123456789abcdef",
            "0123456789abcdefg",
            "0123456789abcdefh",
            "æøå",
            "æøb",
        ];
        for a in texts {
            for b in texts {
                assert_eq!(same(a, b), a == b, "{a:?} {b:?}");
            }
        }
    }

    #[test]
    fn the_same_text_keeps_its_first_id() {
        let mut texts = Interner::default();
        assert_eq!(texts.intern("b"), 0);
        assert_eq!(texts.intern(""), 1);
        assert_eq!(texts.intern("æøå"), 2);
        assert_eq!(texts.intern("b"), 0);
        assert_eq!(texts.find("æøå"), Some(2));
        assert_eq!(texts.find("a"), None);
        assert_eq!((texts.get(0), texts.get(1), texts.get(2)), ("b", "", "æøå"));
        assert_eq!(texts.len(), 3);
    }

    #[test]
    fn the_last_id_is_checked_first_and_kept() {
        let mut texts = Interner::default();
        let mut last = None;
        assert_eq!(texts.intern_after(&mut last, "a"), 0);
        assert_eq!((texts.intern_after(&mut last, "a"), last), (0, Some(0)));
        assert_eq!((texts.intern_after(&mut last, "b"), last), (1, Some(1)));
        assert_eq!((texts.intern_after(&mut last, "a"), last), (0, Some(0)));
    }

    #[test]
    fn the_text_added_after_the_last_is_tried_next_and_ids_stay_the_same() {
        let mut texts = Interner::default();
        let mut last = None;
        let first: Vec<u32> = ["c", "a", "b", "d"]
            .iter()
            .map(|t| texts.intern_after(&mut last, t))
            .collect();
        assert_eq!(first, [0, 1, 2, 3]);
        // The same texts again: in the order they were added, with a gap,
        // out of order, after the last id, and a new text.
        let mut last = None;
        let again: Vec<u32> = ["c", "a", "d", "b", "d", "c", "e", "a", "c", "e"]
            .iter()
            .map(|t| texts.intern_after(&mut last, t))
            .collect();
        assert_eq!(again, [0, 1, 3, 2, 3, 0, 4, 1, 0, 4]);
        assert_eq!(last, Some(4));
        assert_eq!(texts.len(), 5);
        assert_eq!(texts.find("e"), Some(4));
    }

    #[test]
    fn the_text_named_after_another_last_time_is_tried_and_kept_while_it_pays() {
        let mut texts = Interner::default();
        let mut last = None;
        for t in ["a", "b", "c", "d", "e"] {
            texts.intern_after(&mut last, t);
        }
        // A subset in the same order: learned once, then found by guessing.
        for _ in 0..3 {
            let mut last = None;
            let ids: Vec<u32> = ["a", "c", "e"]
                .iter()
                .map(|t| texts.intern_after(&mut last, t))
                .collect();
            assert_eq!(ids, [0, 2, 4]);
        }
        assert_eq!((texts.successors.next[0], texts.successors.next[2]), (2, 4));
        assert!(texts.successors.trust > 0, "{}", texts.successors.trust);
        // Texts in no order: the guesses miss, and stop but for trials.
        let mut last = None;
        let order = [4, 0, 3, 1, 4, 2, 0, 4, 1, 3];
        for i in 0..400 {
            let id = order[i % order.len()];
            let text = ["a", "b", "c", "d", "e"][id];
            assert_eq!(texts.intern_after(&mut last, text), id as u32);
        }
        assert!(texts.successors.trust < 0);
        assert_eq!(texts.len(), 5);
    }

    #[test]
    fn texts_held_back_come_out_in_order_with_the_ids_of_plain_interning() {
        let given: Vec<String> = (0..40).map(|i| format!("t{}", i % 25)).collect();
        let mut texts = Interner::default();
        let mut ahead = Ahead::default();
        let mut ids = Vec::new();
        for (k, text) in given.iter().enumerate() {
            let hash = texts.hash(text);
            if let Some((key, text, hash)) = ahead.push(&texts, k, text, hash) {
                assert_eq!(key + AHEAD, k);
                ids.push((key, texts.intern_hashed(text, hash)));
            }
        }
        assert_eq!(ids.len(), given.len() - AHEAD);
        for (key, text, hash) in ahead.rest() {
            ids.push((key, texts.intern_hashed(text, hash)));
        }
        let mut plain = Interner::default();
        let expected: Vec<(usize, u32)> = given
            .iter()
            .enumerate()
            .map(|(k, text)| (k, plain.intern(text)))
            .collect();
        assert_eq!(ids, expected);
        assert_eq!(texts.len(), 25);
    }

    #[test]
    fn ranks_follow_the_texts_order() {
        let mut texts = Interner::default();
        for text in ["b", "c", "a"] {
            texts.intern(text);
        }
        let ranked = texts.ranked();
        assert_eq!(ranked.rank, [1, 2, 0]);
        assert_eq!(ranked.names, ["a", "b", "c"]);
        assert_eq!(ranked.name(2), "c");
    }

    #[test]
    fn many_texts_survive_the_table_growing() {
        let mut texts = Interner::default();
        for i in 0..10_000 {
            assert_eq!(texts.intern(&format!("id-{i}")), i);
        }
        for i in (0..10_000).rev() {
            assert_eq!(texts.find(&format!("id-{i}")), Some(i));
            assert_eq!(texts.get(i), format!("id-{i}"));
        }
    }
}

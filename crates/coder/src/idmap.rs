//! A map from a small integer key to a small value, for the indexes probed about once
//! per token (the vocabulary's packed words, the actor trie's edges): open addressing
//! with linear probing in a power-of-two table at most 5/8 full, the key hashed with a
//! multiplication or two, key and value in one slot. Most probes miss, and a miss
//! usually ends at the first empty slot.

/// Multiplier of the hashes (2^64 / golden ratio).
const K: u64 = 0x9E37_79B9_7F4A_7C15;

/// A key of an [`IdMap`].
pub trait Key: Copy + Eq {
    /// The key of an empty slot: never found, and never to be inserted.
    const EMPTY: Self;
    /// The hash: its top bits pick the slot where a probe starts.
    fn hash(self) -> u64;
}

/// A pair of ids packed into one integer ([`pair`]; ids are indices, so the pair is
/// never `(u32::MAX, u32::MAX)`).
impl Key for u64 {
    const EMPTY: Self = u64::MAX;
    #[inline]
    fn hash(self) -> u64 {
        self.wrapping_mul(K)
    }
}

/// The key of the pair of ids `(a, b)`: one integer, compared in one instruction.
#[inline]
pub fn pair(a: u32, b: u32) -> u64 {
    (u64::from(a) << 32) | u64::from(b)
}

/// A word packed into two integers with its length in the top byte (the vocabulary's
/// keys): only the empty word packs to `(0, 0)`.
impl Key for (u64, u64) {
    const EMPTY: Self = (0, 0);
    #[inline]
    fn hash(self) -> u64 {
        (self.0.wrapping_mul(K) ^ self.1).wrapping_mul(K)
    }
}

/// `K` -> `V`.
#[derive(Debug, Clone)]
pub struct IdMap<K, V> {
    /// (key, value) per slot; [`Key::EMPTY`] keys the empty ones.
    slots: Vec<(K, V)>,
    /// `64 - log2(slots.len())`: the hash's top bits index the table.
    shift: u32,
    len: usize,
    /// The value of a new slot.
    fill: V,
}

impl<K: Key, V: Copy + Default> Default for IdMap<K, V> {
    fn default() -> Self {
        IdMap::with_capacity(0, V::default())
    }
}

impl<K: Key, V: Copy> IdMap<K, V> {
    /// Room for `n` keys without growing; `fill` is the value of a new key.
    pub fn with_capacity(n: usize, fill: V) -> Self {
        Self::with_slots((n * 8 / 5 + 1).next_power_of_two().max(16), fill)
    }

    /// An empty table of `size` slots (a power of two).
    fn with_slots(size: usize, fill: V) -> Self {
        IdMap {
            slots: vec![(K::EMPTY, fill); size],
            shift: 64 - size.trailing_zeros(),
            len: 0,
            fill,
        }
    }

    /// The slot where a probe for `key` starts.
    #[inline]
    fn home(&self, key: K) -> usize {
        (key.hash() >> self.shift) as usize
    }

    /// The value of `key`, if any. `key` must not be [`Key::EMPTY`].
    #[inline]
    pub fn get(&self, key: K) -> Option<V> {
        debug_assert!(key != K::EMPTY);
        let mask = self.slots.len() - 1;
        let mut i = self.home(key);
        loop {
            let (k, v) = self.slots[i];
            if k == key {
                return Some(v);
            }
            if k == K::EMPTY {
                return None;
            }
            i = (i + 1) & mask;
        }
    }

    /// The value of `key`, inserted as the `fill` value when new. `key` must not be
    /// [`Key::EMPTY`].
    pub fn entry(&mut self, key: K) -> &mut V {
        debug_assert!(key != K::EMPTY);
        if (self.len + 1) * 8 > self.slots.len() * 5 {
            let mut bigger = Self::with_slots(self.slots.len() * 2, self.fill);
            for (k, v) in self.iter() {
                *bigger.entry(k) = *v;
            }
            *self = bigger;
        }
        let mask = self.slots.len() - 1;
        let mut i = self.home(key);
        while self.slots[i].0 != key && self.slots[i].0 != K::EMPTY {
            i = (i + 1) & mask;
        }
        if self.slots[i].0 == K::EMPTY {
            self.slots[i].0 = key;
            self.len += 1;
        }
        &mut self.slots[i].1
    }

    /// The keys and values, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = (K, &V)> {
        self.slots
            .iter()
            .filter(|s| s.0 != K::EMPTY)
            .map(|(k, v)| (*k, v))
    }

    /// Number of keys.
    pub fn len(&self) -> usize {
        self.len
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grows_and_keeps_every_value() {
        let mut m = IdMap::with_capacity(1, u32::MAX);
        let mut want = std::collections::HashMap::new();
        for i in 0..5000u32 {
            let key = pair(i / 7, i * 13 % 1000);
            let v = m.entry(key);
            if *v == u32::MAX {
                *v = i;
                want.insert(key, i);
            }
        }
        assert_eq!(m.len, want.len());
        assert_eq!(m.iter().count(), want.len());
        for (&key, &v) in &want {
            assert_eq!(m.get(key), Some(v));
        }
        for (key, v) in m.iter() {
            assert_eq!(want.get(&key), Some(v));
        }
        assert_eq!(m.get(pair(5000, 3)), None);
        assert_eq!(m.get(pair(u32::MAX - 1, u32::MAX - 1)), None);
        assert_eq!(IdMap::<u64, u32>::default().get(pair(0, 0)), None);
    }
}

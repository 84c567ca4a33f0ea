//! A map from a pair of ids to a small value, for an index probed about once per token
//! (the actor trie's edges): open addressing with linear probing in a power-of-two
//! table at most half full, the key packed into one integer and hashed with one
//! multiplication, key and value in one slot. Most probes miss, and a miss usually
//! ends at the first empty slot.

/// Key of an empty slot: `(u32::MAX, u32::MAX)`, which no key may be (ids are indices,
/// below `u32::MAX`).
const EMPTY: u64 = u64::MAX;

/// (u32, u32) -> `V`.
#[derive(Debug, Clone)]
pub struct IdMap<V> {
    /// (packed key, value) per slot; [`EMPTY`] keys the empty ones.
    slots: Vec<(u64, V)>,
    /// `64 - log2(slots.len())`: the hash's top bits index the table.
    shift: u32,
    len: usize,
    /// The value of a new slot.
    fill: V,
}

impl<V: Copy + Default> Default for IdMap<V> {
    fn default() -> Self {
        IdMap::with_capacity(0, V::default())
    }
}

impl<V: Copy> IdMap<V> {
    /// Room for `n` keys without growing; `fill` is the value of a new key.
    pub fn with_capacity(n: usize, fill: V) -> Self {
        let size = (n * 2 + 1).next_power_of_two().max(16);
        IdMap {
            slots: vec![(EMPTY, fill); size],
            shift: 64 - size.trailing_zeros(),
            len: 0,
            fill,
        }
    }

    #[inline]
    fn pack((a, b): (u32, u32)) -> u64 {
        (u64::from(a) << 32) | u64::from(b)
    }

    /// The slot where a probe for `key` starts.
    #[inline]
    fn home(&self, key: u64) -> usize {
        (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> self.shift) as usize
    }

    /// The value of `key`, if any.
    #[inline]
    pub fn get(&self, key: (u32, u32)) -> Option<V> {
        let key = Self::pack(key);
        let mask = self.slots.len() - 1;
        let mut i = self.home(key);
        loop {
            let (k, v) = self.slots[i];
            if k == key {
                return Some(v);
            }
            if k == EMPTY {
                return None;
            }
            i = (i + 1) & mask;
        }
    }

    /// The value of `key`, inserted as the `fill` value when new.
    pub fn entry(&mut self, key: (u32, u32)) -> &mut V {
        debug_assert!(key != (u32::MAX, u32::MAX));
        if (self.len + 1) * 2 > self.slots.len() {
            let mut bigger = IdMap::with_capacity(self.slots.len(), self.fill);
            for (k, v) in self.iter() {
                *bigger.entry(k) = *v;
            }
            *self = bigger;
        }
        let key = Self::pack(key);
        let mask = self.slots.len() - 1;
        let mut i = self.home(key);
        while self.slots[i].0 != key && self.slots[i].0 != EMPTY {
            i = (i + 1) & mask;
        }
        if self.slots[i].0 == EMPTY {
            self.slots[i].0 = key;
            self.len += 1;
        }
        &mut self.slots[i].1
    }

    /// The keys and values, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = ((u32, u32), &V)> {
        self.slots
            .iter()
            .filter(|s| s.0 != EMPTY)
            .map(|(k, v)| (((k >> 32) as u32, *k as u32), v))
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
            let key = (i / 7, i * 13 % 1000);
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
        assert_eq!(m.get((5000, 3)), None);
        assert_eq!(m.get((u32::MAX - 1, u32::MAX - 1)), None);
        assert_eq!(IdMap::<u32>::default().get((0, 0)), None);
    }
}

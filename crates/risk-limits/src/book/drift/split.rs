//! [`Split`]: members partitioned into within a share limit and over it,
//! each side a binary heap indexed by member, so the largest within and the
//! smallest over are read in O(1) and a member's value or side changes in
//! O(log n). Both heaps are sized for every member as members are added, so
//! nothing allocates afterwards.

/// Where a member is: which heap, at which index.
#[derive(Clone, Copy, Debug)]
struct Place {
    over: bool,
    index: usize,
}

/// Members `0..len`, each within (a max-heap of values) or over (a
/// min-heap). Values are the members' share numerators (`side_max`).
#[derive(Debug, Default)]
pub(crate) struct Split {
    /// Max-heap of (value, member) not over.
    within: Vec<(i128, u32)>,
    /// Min-heap of (value, member) over.
    over: Vec<(i128, u32)>,
    at: Vec<Place>,
}

impl Split {
    /// Adds a member, within at value 0; returns its id.
    pub(crate) fn add(&mut self) -> u32 {
        let id = u32::try_from(self.at.len()).unwrap_or(u32::MAX);
        let n = self.at.len() + 1;
        // Capacity for every member on either side: moves never allocate.
        self.within.reserve(n - self.within.len());
        self.over.reserve(n - self.over.len());
        self.at.push(Place {
            over: false,
            index: self.within.len(),
        });
        self.insert(id, 0, false);
        id
    }

    /// Members added.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.at.len()
    }

    /// The largest value within, with its member.
    #[inline]
    pub(crate) fn top_within(&self) -> Option<(i128, u32)> {
        self.within.first().copied()
    }

    /// The smallest value over, with its member.
    #[inline]
    pub(crate) fn least_over(&self) -> Option<(i128, u32)> {
        self.over.first().copied()
    }

    /// Whether member `id` is over (false for an unknown member).
    #[cfg(test)]
    pub(crate) fn is_over(&self, id: u32) -> bool {
        self.at.get(id as usize).is_some_and(|p| p.over)
    }

    /// Moves member `id` to the other side, keeping its value.
    pub(crate) fn flip(&mut self, id: u32) {
        if let Some(&place) = self.at.get(id as usize) {
            let value = self.heap(place.over).0[place.index].0;
            self.set(id, value, !place.over);
        }
    }

    /// Member `id` now has `value` and is over or not (unknown ids are
    /// ignored).
    #[inline]
    pub(crate) fn set(&mut self, id: u32, value: i128, over: bool) {
        let Some(&place) = self.at.get(id as usize) else {
            return;
        };
        if place.over == over {
            let (heap, at) = self.heap(over);
            let old = std::mem::replace(&mut heap[place.index].0, value);
            // Moving toward the top only goes up, away from it only down.
            if above(over, value, old) {
                sift_up(heap, at, place.index, over);
            } else if above(over, old, value) {
                sift_down(heap, at, place.index, over);
            }
            return;
        }
        let (heap, at) = self.heap(place.over);
        let last = heap.len() - 1;
        heap.swap(place.index, last);
        heap.pop();
        if place.index < heap.len() {
            at[heap[place.index].1 as usize].index = place.index;
            let i = sift_up(heap, at, place.index, place.over);
            sift_down(heap, at, i, place.over);
        }
        self.insert(id, value, over);
    }

    fn insert(&mut self, id: u32, value: i128, over: bool) {
        let (heap, at) = self.heap(over);
        heap.push((value, id));
        let index = heap.len() - 1;
        at[id as usize] = Place { over, index };
        sift_up(heap, at, index, over);
    }

    fn heap(&mut self, over: bool) -> (&mut Vec<(i128, u32)>, &mut [Place]) {
        let heap = if over {
            &mut self.over
        } else {
            &mut self.within
        };
        (heap, &mut self.at)
    }
}

/// `a` belongs above `b`: the min-heap (over) keeps the smallest on top,
/// the max-heap (within) the largest.
#[inline]
fn above(min_heap: bool, a: i128, b: i128) -> bool {
    if min_heap { a < b } else { a > b }
}

#[inline]
fn swap(heap: &mut [(i128, u32)], at: &mut [Place], i: usize, j: usize) {
    heap.swap(i, j);
    at[heap[i].1 as usize].index = i;
    at[heap[j].1 as usize].index = j;
}

#[inline]
fn sift_up(heap: &mut [(i128, u32)], at: &mut [Place], mut i: usize, min_heap: bool) -> usize {
    while i > 0 {
        let parent = (i - 1) / 2;
        if !above(min_heap, heap[i].0, heap[parent].0) {
            break;
        }
        swap(heap, at, i, parent);
        i = parent;
    }
    i
}

#[inline]
fn sift_down(heap: &mut [(i128, u32)], at: &mut [Place], mut i: usize, min_heap: bool) {
    loop {
        let left = 2 * i + 1;
        if left >= heap.len() {
            return;
        }
        let right = left + 1;
        let child = if right < heap.len() && above(min_heap, heap[right].0, heap[left].0) {
            right
        } else {
            left
        };
        if !above(min_heap, heap[child].0, heap[i].0) {
            return;
        }
        swap(heap, at, i, child);
        i = child;
    }
}

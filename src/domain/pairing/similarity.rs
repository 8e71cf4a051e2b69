//! How alike two people's topics are, for the matched arm of the experiment:
//! each person is a unit-length sparse vector (TF-IDF over term numbers,
//! built in [`crate::domain::experiment::topics`]), and two people's
//! similarity is the cosine of their vectors, i.e. their dot product.

use super::cost::DISSIMILARITY_SCALE;

/// A person's topics as `(term number, weight)` sorted by term number, of
/// length 1 or empty (no topics: similarity 0 to everyone).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TopicVector(Vec<(u32, f64)>);

impl TopicVector {
    /// Normalises `weights` (any order, distinct terms, weights > 0) to unit length.
    pub fn new(mut weights: Vec<(u32, f64)>) -> Self {
        weights.retain(|&(_, w)| w > 0.0);
        weights.sort_unstable_by_key(|&(term, _)| term);
        let norm = weights.iter().map(|&(_, w)| w * w).sum::<f64>().sqrt();
        if norm > 0.0 {
            for (_, w) in &mut weights {
                *w /= norm;
            }
        }
        TopicVector(weights)
    }

    /// Cosine similarity, from 0 (nothing shared, or no topics) to 1.
    pub fn cosine(&self, other: &TopicVector) -> f64 {
        let (mut i, mut j, mut dot) = (0, 0, 0.0);
        let (a, b) = (&self.0, &other.0);
        while i < a.len() && j < b.len() {
            match a[i].0.cmp(&b[j].0) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    dot += a[i].1 * b[j].1;
                    i += 1;
                    j += 1;
                }
            }
        }
        dot.clamp(0.0, 1.0)
    }
}

/// `1 − cosine` as an integer in thousandths, so that costs stay exact integers (finer
/// steps would push the blossom weights past `i64` and slow it down).
pub(crate) fn dissimilarity(a: &TopicVector, b: &TopicVector) -> u64 {
    ((1.0 - a.cosine(b)) * DISSIMILARITY_SCALE as f64).round() as u64
}

/// The vectors of a pool, by dense index, with a precomputed table of
/// dissimilarities for small pools (the search looks pairs up many times).
pub(crate) struct Similarity {
    vectors: Vec<TopicVector>,
    dense: Option<Vec<u32>>,
}

impl Similarity {
    pub fn new(vectors: Vec<TopicVector>, dense_limit: usize) -> Self {
        let n = vectors.len();
        let dense = (n <= dense_limit).then(|| {
            let mut table = vec![0; n * n];
            for a in 0..n {
                for b in (a + 1)..n {
                    let d = dissimilarity(&vectors[a], &vectors[b]) as u32;
                    table[a * n + b] = d;
                    table[b * n + a] = d;
                }
            }
            table
        });
        Similarity { vectors, dense }
    }

    /// Dissimilarity of people `a` and `b` (indices).
    pub fn dissimilarity(&self, a: u32, b: u32) -> u64 {
        match &self.dense {
            Some(table) => u64::from(table[a as usize * self.vectors.len() + b as usize]),
            None => dissimilarity(&self.vectors[a as usize], &self.vectors[b as usize]),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cosine_of_unit_vectors_is_their_dot_product() {
        let a = TopicVector::new(vec![(0, 3.0), (1, 4.0)]);
        let b = TopicVector::new(vec![(1, 1.0)]);
        // a = (0.6, 0.8), b = (0, 1): cosine 0.8.
        assert!((a.cosine(&b) - 0.8).abs() < 1e-12);
        assert!((a.cosine(&a) - 1.0).abs() < 1e-12);
        assert_eq!(a.cosine(&TopicVector::default()), 0.0);
        assert_eq!(dissimilarity(&a, &b), 200);
        let pool = Similarity::new(vec![a.clone(), b.clone()], 0);
        let dense = Similarity::new(vec![a, b], 10);
        assert_eq!(pool.dissimilarity(0, 1), dense.dissimilarity(1, 0));
    }
}

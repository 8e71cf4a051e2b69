//! What people said they would like to talk about (`participants.topics`),
//! as numbers: words are lower-cased, split on anything not a letter or
//! digit, and common English stop words dropped; each distinct word gets a
//! term number in order of first appearance. A stored draw keeps only these
//! numbers and counts, never the words. For the matched arm the counts become
//! TF-IDF vectors, whose cosine is how alike two people's topics are.

use std::collections::HashMap;

use crate::domain::pairing::TopicVector;

/// Common English words that say nothing about a topic.
const STOP_WORDS: &[&str] = &[
    "a", "about", "above", "after", "again", "against", "all", "also", "am", "an", "and", "any",
    "are", "as", "at", "be", "because", "been", "before", "being", "below", "between", "both",
    "but", "by", "can", "could", "did", "do", "does", "doing", "down", "during", "each", "etc",
    "few", "for", "from", "further", "get", "had", "has", "have", "having", "he", "her", "here",
    "hers", "him", "his", "how", "i", "if", "in", "into", "is", "it", "its", "just", "like", "me",
    "more", "most", "my", "no", "nor", "not", "of", "off", "on", "once", "only", "or", "other",
    "our", "ours", "out", "over", "own", "same", "she", "should", "so", "some", "such", "than",
    "that", "the", "their", "theirs", "them", "then", "there", "these", "they", "this", "those",
    "through", "to", "too", "under", "until", "up", "us", "very", "was", "we", "were", "what",
    "when", "where", "which", "while", "who", "whom", "why", "will", "with", "would", "you",
    "your", "yours",
];

/// The topic words of `text`, in order, stop words removed.
pub fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .filter(|w| !STOP_WORDS.contains(&w.as_str()))
        .collect()
}

/// Numbers words in order of first appearance across everyone numbered with it.
#[derive(Debug, Default)]
pub struct TermNumbers(HashMap<String, u32>);

impl TermNumbers {
    /// `topics` as (term number, count), in order of each term's first
    /// appearance in `topics`; empty for no topics.
    pub fn counts(&mut self, topics: Option<&str>) -> Vec<(u32, u32)> {
        let mut counts: Vec<(u32, u32)> = Vec::new();
        for word in words(topics.unwrap_or_default()) {
            let next = self.0.len() as u32;
            let term = *self.0.entry(word).or_insert(next);
            match counts.iter_mut().find(|(t, _)| *t == term) {
                Some((_, count)) => *count += 1,
                None => counts.push((term, 1)),
            }
        }
        counts
    }
}

/// TF-IDF vectors of `docs` (term counts per person), with the document
/// frequencies counted over `docs`: weight = count × (ln((1 + N)/(1 + df)) + 1),
/// the smoothed IDF, so that a word everyone used still counts a little and
/// two people with the same words have similarity 1.
pub fn tf_idf(docs: &[Vec<(u32, u32)>]) -> Vec<TopicVector> {
    let mut df: HashMap<u32, u32> = HashMap::new();
    for doc in docs {
        for &(term, _) in doc {
            *df.entry(term).or_default() += 1;
        }
    }
    let n = docs.len() as f64;
    let idf = |term: u32| ((1.0 + n) / (1.0 + f64::from(df[&term]))).ln() + 1.0;
    docs.iter()
        .map(|doc| {
            TopicVector::new(
                doc.iter()
                    .map(|&(term, count)| (term, f64::from(count) * idf(term)))
                    .collect(),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vectors(topics: &[Option<&str>]) -> Vec<TopicVector> {
        let mut terms = TermNumbers::default();
        let docs: Vec<_> = topics.iter().map(|t| terms.counts(*t)).collect();
        tf_idf(&docs)
    }

    #[test]
    fn words_are_lower_cased_split_on_punctuation_and_stop_words_go() {
        assert_eq!(
            words("The future of Open-Data, and AI in the NHS!"),
            vec!["future", "open", "data", "ai", "nhs"]
        );
        assert!(words("and the of it").is_empty());
    }

    #[test]
    fn terms_are_numbered_in_order_of_first_appearance_with_counts() {
        let mut terms = TermNumbers::default();
        assert_eq!(
            terms.counts(Some("rust, gardening; Rust")),
            vec![(0, 2), (1, 1)]
        );
        assert_eq!(
            terms.counts(Some("knitting and rust")),
            vec![(2, 1), (0, 1)]
        );
        assert_eq!(terms.counts(None), vec![]);
        assert_eq!(terms.counts(Some("the and")), vec![]);
    }

    #[test]
    fn no_topics_or_only_stop_words_are_similarity_0_to_everyone() {
        let v = vectors(&[None, Some("of the and"), Some("housing"), Some("housing")]);
        for other in &v {
            assert_eq!(v[0].cosine(other), 0.0);
            assert_eq!(v[1].cosine(other), 0.0);
        }
    }

    #[test]
    fn the_same_words_are_similarity_1_whatever_the_case_or_stop_words() {
        let v = vectors(&[Some("Housing policy"), Some("the policy of HOUSING"), None]);
        assert!((v[0].cosine(&v[1]) - 1.0).abs() < 1e-12);
    }

    #[test]
    fn a_small_example_matches_the_hand_computation() {
        // N = 3 people: "rust rust gardening", "rust", "knitting".
        // df: rust 2, gardening 1, knitting 1.
        // idf(rust) = ln(4/3) + 1 = 1.28768; idf(gardening) = ln(4/2) + 1 = 1.69315.
        // Person 1 = (2 × 1.28768, 1.69315) = (2.57536, 1.69315), length 3.08208;
        // person 2 = (1.28768, 0) → (1, 0).
        // cosine = 2.57536 / 3.08208 = 0.83559; person 3 shares nothing: 0.
        let v = vectors(&[Some("rust rust gardening"), Some("rust"), Some("knitting")]);
        assert!((v[0].cosine(&v[1]) - 0.83559).abs() < 1e-4);
        assert_eq!(v[0].cosine(&v[2]), 0.0);
        assert_eq!(v[1].cosine(&v[2]), 0.0);
    }
}

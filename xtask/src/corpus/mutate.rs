//! `cargo xtask corpus --mutate N`: documents made by corrupting the
//! corpus at random, to show that no input makes the generator panic,
//! abort or hang. The bytes of each document are overwritten, inserted and
//! deleted (one to seven times) from a seeded generator, so a run
//! reproduces exactly; the mutated files are kept for inspection.

use std::path::Path;

use anyhow::{Context, Result};

use super::documents::Document;

/// Bytes that matter to YAML and JSON structure; drawn three times as
/// often as any byte, so mutations break structure more than text.
const STRUCTURAL: &[u8] = b"{}[]:,\"'-#&*!|>\n \t$0";

/// Writes `count` mutated copies of `documents` (taken in turn) into `dir`.
/// Copy `i` depends only on `seed`, `i` and its source document.
pub fn mutate(
    documents: &[Document],
    count: usize,
    seed: u64,
    dir: &Path,
) -> Result<Vec<Document>> {
    if documents.is_empty() {
        return Ok(Vec::new());
    }
    std::fs::create_dir_all(dir).with_context(|| format!("{}: cannot create", dir.display()))?;
    let mut sources = Vec::with_capacity(documents.len());
    for document in documents {
        let bytes = std::fs::read(&document.path)
            .with_context(|| format!("{}: cannot read", document.path.display()))?;
        sources.push(bytes);
    }
    (0..count)
        .map(|index| {
            let source = index % documents.len();
            let mut random = SplitMix64::new(seed ^ (index as u64).wrapping_mul(0x9E37_79B9));
            let bytes = mutated(sources[source].clone(), &mut random);
            write_mutant(&documents[source], index, &bytes, dir)
        })
        .collect()
}

fn write_mutant(source: &Document, index: usize, bytes: &[u8], dir: &Path) -> Result<Document> {
    let extension = source
        .path
        .extension()
        .map_or_else(|| "yaml".to_owned(), |e| e.to_string_lossy().into_owned());
    let path = dir.join(format!("{index:05}.{extension}"));
    std::fs::write(&path, bytes).with_context(|| format!("{}: cannot write", path.display()))?;
    Ok(Document {
        display: format!("{} #{index}", source.display),
        crate_name: format!("mutated-{index}"),
        path,
    })
}

/// `bytes` after one to seven random mutations.
fn mutated(mut bytes: Vec<u8>, random: &mut SplitMix64) -> Vec<u8> {
    for _ in 0..1 + random.below(7) {
        let at = random.below(bytes.len() + 1);
        match random.below(3) {
            0 if at < bytes.len() => bytes[at] = random_byte(random),
            1 => bytes.insert(at, random_byte(random)),
            _ => {
                let end = (at + 1 + random.below(63)).min(bytes.len());
                bytes.drain(at.min(end)..end);
            }
        }
    }
    bytes
}

fn random_byte(random: &mut SplitMix64) -> u8 {
    if random.below(4) < 3 {
        STRUCTURAL[random.below(STRUCTURAL.len())]
    } else {
        random.next() as u8
    }
}

/// A small, well-mixed generator (Steele, Lea and Flood's SplitMix64):
/// reproducible from its seed, and no dependency.
struct SplitMix64(u64);

impl SplitMix64 {
    fn new(seed: u64) -> Self {
        SplitMix64(seed)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0; the bias is negligible for small `n`).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mutations_are_reproducible_and_change_the_document() {
        let original = b"openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths: {}\n".to_vec();
        let first = mutated(original.clone(), &mut SplitMix64::new(7));
        let again = mutated(original.clone(), &mut SplitMix64::new(7));
        assert_eq!(first, again);
        let changed = (0..20)
            .filter(|&seed| mutated(original.clone(), &mut SplitMix64::new(seed)) != original);
        assert!(changed.count() >= 18);
    }
}

// Throughput probe: codes a JSONL file of articles in memory, best of 3 passes.
// usage: cargo run --release --example throughput -p demarche-coder -- FILE.jsonl
use demarche_coder::{Article, Coder};
use std::time::Instant;
fn main() {
    let path = std::env::args().nth(1).expect("FILE.jsonl");
    let coder = Coder::with_defaults().expect("dictionaries");
    let text = std::fs::read_to_string(&path).expect("read");
    let arts: Vec<Article> = text
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    let bytes: usize = arts
        .iter()
        .map(|a| a.text.len() + a.title.as_ref().map_or(0, |t| t.len()))
        .sum();
    let mut best = f64::MAX;
    let mut events = 0;
    for _ in 0..3 {
        let t = Instant::now();
        events = arts.iter().map(|a| coder.code(a).len()).sum::<usize>();
        best = best.min(t.elapsed().as_secs_f64());
    }
    println!(
        "{} articles, {:.1} MB of text, {events} events, best {best:.3} s, {:.2} MB/s",
        arts.len(),
        bytes as f64 / 1e6,
        bytes as f64 / 1e6 / best
    );
}

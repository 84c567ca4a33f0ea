// Throughput probe: codes a JSONL file of articles in memory (the coder alone: no JSON
// decoding or encoding in the timed loop), best of N passes.
//
// usage: cargo run --release --example throughput -p demarche-coder -- \
//            [--no-defaults] [--petrarch FILE]... [--runs N] FILE.jsonl
//
// `--petrarch FILE` adds a PETRARCH-2 dictionary file (kind from its name, like
// `demarche --add-dictionary petrarch:FILE`); `--no-defaults` starts from no
// dictionaries instead of demarche's own. Sentences are counted the way the coder
// splits them (title and text, `demarche_coder::text::analyze`), outside the timing.
use demarche_coder::dictionary::petrarch;
use demarche_coder::{Article, CoderBuilder};
use std::time::Instant;

// the allocator of the `demarche` binary, so the figures match it
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let mut defaults = true;
    let mut petr: Vec<String> = Vec::new();
    let mut runs = 3;
    let mut path = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--no-defaults" => defaults = false,
            "--petrarch" => petr.push(args.next().expect("--petrarch FILE")),
            "--runs" => runs = args.next().and_then(|n| n.parse().ok()).expect("--runs N"),
            _ => path = Some(a),
        }
    }
    let path = path.expect("FILE.jsonl");
    let t0 = Instant::now();
    let mut b = if defaults {
        CoderBuilder::with_defaults()
    } else {
        CoderBuilder::new()
    };
    for f in &petr {
        let text = std::fs::read_to_string(f).expect("read dictionary");
        let kind = petrarch::detect_kind(f, &text).expect("kind of a PETRARCH file");
        b.add_petrarch_str(kind, f, &text);
    }
    let coder = b.build().expect("dictionaries");
    let load = t0.elapsed().as_secs_f64();
    let text = std::fs::read_to_string(&path).expect("read");
    let arts: Vec<Article> = text
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    let bytes: usize = arts
        .iter()
        .map(|a| a.text.len() + a.title.as_ref().map_or(0, |t| t.len()))
        .sum();
    let sentences: usize = arts
        .iter()
        .map(|a| {
            let title = a.title.as_deref().filter(|t| !t.trim().is_empty());
            title.map_or(0, |t| demarche_coder::text::analyze(t).sentences.len())
                + demarche_coder::text::analyze(&a.text).sentences.len()
        })
        .sum();
    let mut best = f64::MAX;
    let mut events = 0;
    for _ in 0..runs.max(1) {
        let t = Instant::now();
        events = arts.iter().map(|a| coder.code(a).len()).sum::<usize>();
        best = best.min(t.elapsed().as_secs_f64());
    }
    println!(
        "load {load:.3} s; {} articles, {sentences} sentences, {:.1} MB of text, {events} events; \
         best of {runs}: {best:.3} s, {:.0} sentences/s, {:.0} articles/s, {:.2} MB/s",
        arts.len(),
        bytes as f64 / 1e6,
        sentences as f64 / best,
        arts.len() as f64 / best,
        bytes as f64 / 1e6 / best
    );
}

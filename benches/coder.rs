//! Coder throughput on real wire text: the first 2,000 AG News test items
//! (title + description as the article text), one thread, in bytes per second.
//!
//! `cargo bench --bench coder`; skipped when `../shared/corpora/ag_news/test.csv` is
//! not there.

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use demarche_coder::{Article, Coder, CoderBuilder};

#[path = "../tests/support/agnews.rs"]
mod agnews;

const ARTICLES: usize = 2_000;

fn articles() -> Option<Vec<Article>> {
    let items = agnews::read_agnews(ARTICLES)?;
    Some(
        items
            .into_iter()
            .enumerate()
            .map(|(i, it)| {
                Article::new(
                    format!("ag-{i}"),
                    format!("{}. {}", it.title, it.description),
                )
            })
            .collect(),
    )
}

fn coder_throughput(c: &mut Criterion) {
    let Some(articles) = articles() else {
        eprintln!("skipped: {} not found", agnews::agnews_path().display());
        return;
    };
    let coder = Coder::with_defaults().expect("default dictionaries build");
    let bytes: usize = articles.iter().map(|a| a.text.len()).sum();
    let events: usize = articles.iter().map(|a| coder.code(a).len()).sum();
    eprintln!(
        "{} articles, {bytes} bytes, {events} events per iteration",
        articles.len()
    );

    let mut group = c.benchmark_group("coder");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.sample_size(20);
    group.bench_function("agnews_2000", |b| {
        b.iter(|| {
            articles
                .iter()
                .map(|a| coder.code(black_box(a)).len())
                .sum::<usize>()
        })
    });
    group.finish();
}

fn coder_build(c: &mut Criterion) {
    let mut group = c.benchmark_group("startup");
    group.sample_size(10);
    group.bench_function("build_default_coder", |b| {
        b.iter(|| {
            CoderBuilder::with_defaults()
                .build()
                .expect("defaults build")
        })
    });
    group.finish();
}

criterion_group!(benches, coder_throughput, coder_build);
criterion_main!(benches);

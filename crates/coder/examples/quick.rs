// Dev harness: articles JSONL on stdin -> events JSONL on stdout.
use demarche_coder::{parse_published, Article, Coder};
use std::io::BufRead;
fn main() {
    let coder = match Coder::with_defaults() {
        Ok(c) => c,
        Err(demarche_coder::Error::Dictionary(ds)) => {
            for d in ds.iter().take(30) {
                eprintln!("{d}");
            }
            std::process::exit(2);
        }
        Err(e) => panic!("{e}"),
    };
    for line in std::io::stdin().lock().lines() {
        let line = line.unwrap();
        let v: serde_json::Value = serde_json::from_str(&line).unwrap();
        let mut a = Article::new(
            v["id"].as_str().unwrap_or(""),
            v["text"].as_str().unwrap_or(""),
        );
        a.title = v["title"].as_str().map(str::to_string);
        a.published_at = v["published_at"].as_str().and_then(parse_published);
        for e in coder.code(&a) {
            println!("{}", serde_json::to_string(&e).unwrap());
        }
    }
}

//! The coder: [`CoderBuilder`] loads dictionaries, [`Coder::code`] turns an article
//! into events.
//!
//! Per sentence: actor phrases are grouped into mentions (owner + agent + title + name),
//! coordinated mentions are linked, verb patterns are matched at their heads, and each
//! trigger gets a subject (nearest preceding mention that is not a prepositional object;
//! the `by` phrase of a passive), an object (first participant after the head in its
//! clause), negation and modality, and a date (nearest date expression, else the
//! publication date). Mentions are remembered across sentences for pronouns, definite
//! descriptions ("the envoy") and names introduced by apposition.

use crate::actors::{ActorMatcher, Entry, Hit, Mention};
use crate::article::Article;
use crate::dates::{self, DateMention};
use crate::dictionary::{own, ActorKind, Diagnostic, Dictionaries};
use crate::error::Error;
use crate::event::{Action, ActorRef, Event, PloverRef, SentenceRef, Text, SCHEMA};
use crate::roles::*;
use crate::text::tokens::{Kind, Tokens};
use crate::text::{self, Document, Sentence};
use crate::verbs::{FormKind, VerbIndex};
use crate::vocab::Vocab;
use crate::{cameo, plover};
use chrono::NaiveDate;
use compact_str::CompactString;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::io::Read;
use std::rc::Rc;

pub use own::FileKind;

/// Builds a [`Coder`] from dictionary files.
#[derive(Debug, Clone, Default)]
pub struct CoderBuilder {
    dicts: Dictionaries,
}

impl CoderBuilder {
    /// A builder with no dictionaries.
    pub fn new() -> Self {
        CoderBuilder::default()
    }

    /// A builder with demarche's default dictionaries (compiled into the binary).
    pub fn with_defaults() -> Self {
        let mut b = CoderBuilder::new();
        for (kind, name, text) in crate::builtin::FILES {
            b.add_str(*kind, name, text);
        }
        b
    }

    /// Drops every loaded entry of one kind (to replace the defaults).
    pub fn clear(&mut self, kind: FileKind) -> &mut Self {
        let d = &mut self.dicts;
        match kind {
            FileKind::Actors => d.actors.clear(),
            FileKind::Agents => d.agents.clear(),
            FileKind::Verbs => d.verbs.clear(),
            FileKind::Irregular => d.irregular.clear(),
            FileKind::Discards => d.discards = Default::default(),
        }
        self
    }

    /// Adds a dictionary file from text.
    pub fn add_str(&mut self, kind: FileKind, name: &str, text: &str) -> &mut Self {
        own::load(&mut self.dicts, kind, name, text);
        self
    }

    /// Adds a PETRARCH-2 dictionary file (`CAMEO.2.0.txt`, `Phoenix.*.actors.txt`,
    /// `Phoenix.agents.txt`, `Phoenix.discards.txt`) from text. Lines it cannot use are
    /// reported as [`crate::Severity::Skipped`] diagnostics and do not stop [`Self::build`].
    pub fn add_petrarch_str(&mut self, kind: FileKind, name: &str, text: &str) -> &mut Self {
        crate::dictionary::petrarch::load(&mut self.dicts, kind, name, text);
        self
    }

    /// Adds a dictionary file from a reader (UTF-8 text).
    pub fn add_reader(
        &mut self,
        kind: FileKind,
        name: &str,
        mut r: impl Read,
    ) -> Result<&mut Self, Error> {
        let mut s = String::new();
        r.read_to_string(&mut s).map_err(|e| Error::Io {
            file: name.to_string(),
            source: e,
        })?;
        Ok(self.add_str(kind, name, &s))
    }

    /// The dictionaries loaded so far (with their diagnostics).
    pub fn dictionaries(&self) -> &Dictionaries {
        &self.dicts
    }

    /// Mutable access, e.g. for importers that build entries directly.
    pub fn dictionaries_mut(&mut self) -> &mut Dictionaries {
        &mut self.dicts
    }

    /// Runs the cross-file checks and returns every diagnostic (errors and warnings).
    pub fn check(&mut self) -> Vec<Diagnostic> {
        self.dicts.check();
        self.dicts.diagnostics.clone()
    }

    /// Compiles the matchers. Fails if any dictionary line was rejected.
    pub fn build(self) -> Result<Coder, Error> {
        let errors: Vec<Diagnostic> = self.dicts.errors().cloned().collect();
        if !errors.is_empty() {
            return Err(Error::Dictionary(errors));
        }
        Ok(Coder::compile(self.dicts))
    }
}

/// The event coder. Cheap to share between threads (`&Coder` is `Sync`).
#[derive(Debug, Clone)]
pub struct Coder {
    dicts: Dictionaries,
    actors: ActorMatcher,
    verbs: VerbIndex,
    /// Lower-case word -> (verb index word id, actor matcher word id), `u32::MAX` where
    /// the word is not in that index: one hash probe per token serves both.
    vocab: Vocab,
}

/// A verb pattern matched in a sentence.
#[derive(Debug, Clone)]
struct Trigger {
    head: usize,
    last: usize,
    pattern: u32,
    form: FormKind,
}

/// Cross-sentence memory of one article.
#[derive(Debug, Default)]
struct Context {
    /// The sentence being coded is the article's last: no later sentence reads the
    /// memory it would update.
    last_sentence: bool,
    last_person: Option<Mention>,
    /// The person who was the subject of the previous sentence: "he" prefers them.
    subject_person: Option<Mention>,
    last_thing: Option<Mention>,
    last_group: Vec<Mention>,
    by_agent: HashMap<CompactString, Mention>,
    by_noun: HashMap<CompactString, CompactString>,
    names: HashMap<CompactString, (CompactString, ActorKind)>,
    default_country: Option<CompactString>,
    /// Explanation lines, when tracing.
    trace: Option<Vec<String>>,
    /// Buffers of `code_sentence`, kept between sentences and articles.
    scratch: Scratch,
}

/// Per-sentence buffers of `Coder::code_sentence`, reused (cleared) rather than
/// allocated anew for each sentence. Contents never carry over: each use refills them.
#[derive(Debug, Default)]
struct Scratch {
    hits: Vec<Hit>,
    covered: Vec<bool>,
    verbish: Vec<bool>,
    suppressed: Vec<bool>,
    only_transformed: Vec<bool>,
    code_override: Vec<Option<&'static str>>,
    target_from: Vec<Option<usize>>,
    request: Vec<Option<(Option<usize>, usize)>>,
    consumed: Vec<usize>,
    starts: Vec<usize>,
    sources: Vec<usize>,
    targets: Vec<usize>,
    /// `Coder::mentions`' phrase hits by first token and masked tokens.
    hit_at: Vec<Option<Hit>>,
    mask: Vec<bool>,
    /// Per field of the article: its analysed text (`code_traced`; title first when
    /// there is one). Only the buffers are reused: each article analyses afresh into them.
    docs: Vec<Document>,
    /// The analysed dateline place (`code_traced`).
    place_doc: Document,
    /// Per field of the article: its phrase hits (`code_traced`).
    article_hits: Vec<Vec<Hit>>,
    /// Actor-trie word id of each token (`code_traced`).
    actor_ids: Vec<u32>,
    /// `VerbIndex::candidates_at`'s scratch and output.
    verb_ids: Vec<u32>,
    verb_cands: Vec<crate::verbs::Cand>,
    /// The sentence's mentions and their coordination groups.
    mentions: Vec<Mention>,
    groups: Vec<usize>,
}

/// `v`'s buffer taken out of it, refilled with `n` copies of `x`.
fn refill<T: Clone>(v: &mut Vec<T>, n: usize, x: T) -> Vec<T> {
    let mut w = std::mem::take(v);
    w.clear();
    w.resize(n, x);
    w
}

thread_local! {
    /// The last article's [`Context`] on this thread, its buffers kept for the next.
    static CONTEXT: std::cell::Cell<Option<Box<Context>>> = const { std::cell::Cell::new(None) };
}

impl Context {
    /// A fresh context for one article: this thread's previous one, if any, with all
    /// its memory forgotten (only buffer capacity is kept).
    fn for_article(trace: bool) -> Box<Context> {
        let mut ctx = CONTEXT.take().unwrap_or_default();
        // reset in place (the buffers are not moved); every field is named, so a new
        // one cannot be forgotten here
        let Context {
            last_sentence,
            last_person,
            subject_person,
            last_thing,
            last_group,
            by_agent,
            by_noun,
            names,
            default_country,
            trace: lines,
            scratch: _,
        } = &mut *ctx;
        *last_sentence = false;
        (*last_person, *subject_person, *last_thing) = (None, None, None);
        last_group.clear();
        by_agent.clear();
        by_noun.clear();
        names.clear();
        *default_country = None;
        *lines = trace.then(Vec::new);
        ctx
    }

    /// Hands the context back to this thread for the next article.
    fn recycle(self: Box<Context>) {
        CONTEXT.set(Some(self));
    }
}

impl Context {
    /// Adds the line `line()` to the explanation when tracing; `line` is not called
    /// otherwise (and its code is kept off the hot path).
    #[inline]
    fn note(&mut self, line: impl FnOnce() -> String) {
        if let Some(tr) = self.trace.as_mut() {
            cold(|| tr.push(line()));
        }
    }
}

/// Runs `f` out of line, marked cold: for work the coder does only when explaining
/// (keeps it out of the instruction cache lines of the hot path).
#[cold]
#[inline(never)]
fn cold<R>(f: impl FnOnce() -> R) -> R {
    f()
}

/// One candidate event before de-duplication.
#[derive(Debug, Clone)]
struct Candidate {
    source: (CompactString, CompactString),
    target: Option<(CompactString, CompactString)>,
    code: CompactString,
    action_text: CompactString,
    date: Option<NaiveDate>,
    sentence: Rc<SentenceRef>,
    strength: i32,
}

impl Coder {
    /// The coder with demarche's default dictionaries.
    pub fn with_defaults() -> Result<Coder, Error> {
        CoderBuilder::with_defaults().build()
    }

    fn compile(dicts: Dictionaries) -> Coder {
        let actors = ActorMatcher::new(&dicts);
        let verbs = VerbIndex::new(&dicts.verbs, &dicts.irregular, &dicts.synsets);
        let mut vocab = Vocab::with_capacity(
            actors.vocabulary().size_hint().0 + verbs.vocabulary().size_hint().0,
        );
        for (w, id) in actors.vocabulary() {
            vocab.entry(w).1 = id;
        }
        for (w, id) in verbs.vocabulary() {
            let e = vocab.entry(w);
            (e.0, e.2) = (id, verbs.word_flags(id));
        }
        vocab.finish();
        Coder {
            dicts,
            actors,
            verbs,
            vocab,
        }
    }

    /// The loaded dictionaries.
    pub fn dictionaries(&self) -> &Dictionaries {
        &self.dicts
    }

    /// Codes one article. Never panics on any UTF-8 input.
    pub fn code(&self, a: &Article) -> Vec<Event> {
        self.code_traced(a, false).0
    }

    /// Codes one article and explains the analysis: per sentence, the mentions found
    /// (with their codes), the verb patterns matched, and what each became.
    pub fn explain(&self, a: &Article) -> (Vec<Event>, Vec<String>) {
        let (ev, tr) = self.code_traced(a, true);
        (ev, tr.unwrap_or_default())
    }

    fn code_traced(&self, a: &Article, trace: bool) -> (Vec<Event>, Option<Vec<String>>) {
        let anchor = a.published_at;
        let mut ctx = Context::for_article(trace);
        // the article's fields: (name, raw text), each analysed into a recycled Document
        let title = a.title.as_deref().filter(|t| !t.trim().is_empty());
        let both = [
            ("title", title.unwrap_or_default()),
            ("text", a.text.as_str()),
        ];
        let fields = &both[usize::from(title.is_none())..];
        let mut docs = std::mem::take(&mut ctx.scratch.docs);
        docs.resize_with(fields.len(), Document::default);
        for (d, (_, raw)) in docs.iter_mut().zip(fields) {
            text::analyze_into(d, raw);
        }
        // one vocabulary probe per token: verb-index ids (and flags), actor-trie ids
        let mut hits = std::mem::take(&mut ctx.scratch.article_hits);
        hits.resize_with(docs.len(), Vec::new);
        let mut actor_ids = std::mem::take(&mut ctx.scratch.actor_ids);
        for (d, dh) in docs.iter_mut().zip(hits.iter_mut()) {
            self.annotate_tokens(&mut d.tokens, &mut actor_ids);
            self.actors.scan_ids_into(d, &actor_ids, dh);
        }
        ctx.scratch.actor_ids = actor_ids;
        let discard = hits
            .iter()
            .flatten()
            .any(|h| h.entry == Entry::StoryDiscard);
        // an article that names no actor and has no dateline yields nothing
        let no_actor = !hits
            .iter()
            .flatten()
            .any(|h| matches!(h.entry, Entry::Actor(_)))
            && docs.iter().all(|d| d.place.is_none());
        if discard || no_actor {
            ctx.scratch.article_hits = hits;
            ctx.scratch.docs = docs;
            ctx.recycle();
            let why = if discard {
                "story discard phrase found: no events"
            } else {
                "no actor named in the article: no events"
            };
            return (Vec::new(), trace.then(|| vec![why.to_string()]));
        }
        // dateline country: the default owner of bare "police", "the government"
        let mut pd = std::mem::take(&mut ctx.scratch.place_doc);
        for d in &docs {
            if let Some(place) = &d.place {
                text::analyze_into(&mut pd, place);
                let ph = self.actors.scan(&pd);
                if let Some(Hit {
                    entry: Entry::Actor(i),
                    ..
                }) = ph.last()
                {
                    let code = self.dicts.actors[*i as usize].code_on(anchor);
                    ctx.default_country = code.get(..3).map(CompactString::from);
                }
            }
        }
        ctx.scratch.place_doc = pd;
        let mut cands = Vec::new();
        let mut sentence_index = 0;
        let sentence_count: usize = docs.iter().map(|d| d.sentences.len()).sum();
        for ((doc, &(field, raw)), hits) in docs.iter().zip(fields).zip(&hits) {
            let t = &doc.tokens;
            let any_date = (0..t.len()).any(|i| {
                DATE_WORDS.at(t, i)
                    || (t.toks[i].kind == Kind::Number && t.toks[i].end - t.toks[i].start == 10)
            });
            let dates_all = if any_date {
                dates::find(t, 0, t.len(), anchor)
            } else {
                Vec::new()
            };
            for s in &doc.sentences {
                let f = Field { name: field, raw };
                ctx.last_sentence = sentence_index + 1 == sentence_count;
                self.code_sentence(
                    doc,
                    &f,
                    hits,
                    &dates_all,
                    s,
                    sentence_index,
                    anchor,
                    &mut ctx,
                    &mut cands,
                );
                sentence_index += 1;
            }
        }
        let events = self.finish(a, cands);
        ctx.scratch.article_hits = hits;
        ctx.scratch.docs = docs;
        let trace = ctx.trace.take();
        ctx.recycle();
        (events, trace)
    }

    /// Annotates the tokens with their verb-index word ids and flags (as
    /// `VerbIndex::annotate_ids` would) and puts their actor-trie word ids in
    /// `actor_ids`: one vocabulary probe per token.
    #[inline(never)]
    fn annotate_tokens(&self, t: &mut Tokens, actor_ids: &mut Vec<u32>) {
        // the three vectors are sized first and then written through (in place, their
        // buffers reused): no capacity check per token
        let n = t.len();
        for v in [&mut t.ids, &mut t.flags, actor_ids] {
            v.clear();
            v.resize(n, 0);
        }
        let norm = t.norm.as_bytes();
        let outs = t.ids.iter_mut().zip(&mut t.flags).zip(actor_ids.iter_mut());
        for (tok, ((id, flag), actor)) in t.toks.iter().zip(outs) {
            let (v, a, f) = self
                .vocab
                .get_in(norm, tok.norm_start as usize, tok.norm_end as usize);
            (*id, *actor, *flag) = (v, a, f);
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn code_sentence(
        &self,
        doc: &Document,
        field: &Field,
        hits: &[Hit],
        dates_all: &[DateMention],
        s: &Sentence,
        index: usize,
        anchor: Option<NaiveDate>,
        ctx: &mut Context,
        out: &mut Vec<Candidate>,
    ) {
        let t = &doc.tokens;
        let (a, b) = (s.first, s.end_tok);
        // hits are in text order: the sentence's run of them
        let lo = hits.partition_point(|h| h.first < a);
        let hi = lo + hits[lo..].partition_point(|h| h.first < b);
        let mut shits = std::mem::take(&mut ctx.scratch.hits);
        shits.clear();
        shits.extend(hits[lo..hi].iter().copied().filter(|h| h.last < b));
        if let Some(h) = shits.iter().find(|h| h.entry == Entry::SentenceDiscard) {
            ctx.note(|| {
                format!(
                    "sentence {index} [{}]: discarded ({:?})",
                    field.name,
                    span_text(doc, h.first, h.last)
                )
            });
            return;
        }
        // no actor, agent or pronoun and nothing a definite description could name: no
        // event can come from this sentence, and it adds nothing to the article memory
        let actorless = !shits
            .iter()
            .any(|h| matches!(h.entry, Entry::Actor(_) | Entry::Agent(_)))
            && !(a..b).any(|i| {
                PERSON_PRONOUNS.at(t, i)
                    || THING_PRONOUNS.at(t, i)
                    || PLURAL_PRONOUNS.at(t, i)
                    || (!ctx.by_noun.is_empty()
                        && matches!(t.norm_bytes(i), b"the" | b"this" | b"that"))
                    || matches!(t.norm_bytes(i), b"his" | b"its" | b"their")
            });
        if actorless && ctx.trace.is_none() {
            ctx.scratch.hits = shits;
            return;
        }
        // tokens covered by any phrase (no verb head inside a name)
        let mut covered = refill(&mut ctx.scratch.covered, b - a, false);
        for h in &shits {
            for i in h.first..=h.last {
                covered[i - a] = true;
            }
        }
        let bufs = (&mut ctx.scratch.verb_ids, &mut ctx.scratch.verb_cands);
        let triggers = self.triggers(t, a, b, &covered, doc, field.name == "title", bufs);
        let mut bufs = (
            std::mem::take(&mut ctx.scratch.hit_at),
            std::mem::take(&mut ctx.scratch.mask),
        );
        let mut mentions = std::mem::take(&mut ctx.scratch.mentions);
        self.mentions(doc, &shits, a, b, anchor, ctx, &mut bufs, &mut mentions);
        (ctx.scratch.hit_at, ctx.scratch.mask) = bufs;
        let mut groups = std::mem::take(&mut ctx.scratch.groups);
        coordinate(t, &mentions, a, &mut groups);
        share_agents(t, &mut mentions, &groups);
        if triggers.is_empty() && ctx.trace.is_none() {
            // nothing to code here; only remember the actors for later sentences
            self.update_memory(t, a, b, &mut mentions, &groups, ctx);
            let sc = &mut ctx.scratch;
            (sc.hits, sc.covered) = (shits, covered);
            (sc.mentions, sc.groups) = (mentions, groups);
            return;
        }
        // "X and Y said they ...": a plural pronoun joins the latest coordinated group
        for k in 0..mentions.len() {
            if mentions[k].pronoun && PLURAL_PRONOUNS.at(t, mentions[k].first) {
                let g = (0..k).rev().map(|j| groups[j]).find(|&g| {
                    (0..k)
                        .filter(|&j| {
                            groups[j] == g && mentions[j].resolved() && !mentions[j].pronoun
                        })
                        .count()
                        > 1
                });
                if let Some(g) = g {
                    groups[k] = g;
                }
            }
        }
        if let Some(tr) = ctx.trace.as_mut() {
            cold(|| {
                tr.push(format!(
                    "sentence {index} [{}]: {}",
                    field.name,
                    span_text(doc, a, b - 1)
                ));
                for m in &mentions {
                    tr.push(format!(
                        "  mention {:?} -> {}{}{}",
                        span_text(doc, m.first, m.last),
                        if m.code.is_empty() {
                            "(unresolved)"
                        } else {
                            &m.code
                        },
                        if m.pronoun { " pronoun" } else { "" },
                        if m.modifier_only { " modifier" } else { "" },
                    ));
                }
                for x in &triggers {
                    let p = &self.dicts.verbs[x.pattern as usize];
                    tr.push(format!(
                        "  trigger {:?} = {} ({:?}, {})",
                        span_text(doc, x.head, x.last),
                        p.code.as_deref().unwrap_or("---"),
                        x.form,
                        p.origin
                    ));
                }
            });
        }
        let (ostart, oend) = doc.original_span(s);
        // shared by the sentence's candidates; copied only for a second event from it
        let sref = Rc::new(SentenceRef {
            index,
            text: field.raw.get(ostart..oend).unwrap_or("").to_string(),
            start: ostart,
            end: oend,
            field: field.name.into(),
        });
        let lo = dates_all.partition_point(|d| d.first < a);
        let sdates: Vec<&DateMention> = dates_all[lo..]
            .iter()
            .take_while(|d| d.first < b)
            .filter(|d| d.last < b)
            .collect();

        // tokens that act as verbs (for subject search)
        // (an auxiliary is never another verb, even when a dictionary pattern starts with
        // it: PETRARCH's `+IS_DETERMINED`)
        let mut verbish = std::mem::take(&mut ctx.scratch.verbish);
        verbish.clear();
        verbish.extend((a..b).map(|i| {
            !covered[i - a]
                && !SPEECH.at(t, i)
                && !AUXILIARIES.at(t, i)
                && self.is_verb_token(t, a, i)
        }));
        // infinitive governance: which triggers are governed by another one
        let n = triggers.len();
        let mut suppressed = refill(&mut ctx.scratch.suppressed, n, false);
        let mut code_override = refill(&mut ctx.scratch.code_override, n, None);
        let mut target_from = refill(&mut ctx.scratch.target_from, n, None);
        // "Obama wants Putin to attack": (source, target) of a request replacing the act
        let mut request = refill(&mut ctx.scratch.request, n, None);
        for (k, tr) in triggers.iter().enumerate() {
            // a noun trigger inside a passive's by-phrase is its instrument ("killed by tank fire")
            if tr.form == FormKind::Noun && tr.head > a && t.norm_bytes(tr.head - 1) == b"by" {
                suppressed[k] = true;
                continue;
            }
            // "sees no reason to join a meeting with X": a rejection pattern ending in
            // "to" governs the next act in its clause
            if k > 0 {
                let p = &triggers[k - 1];
                let pc = self.dicts.verbs[p.pattern as usize].code.as_deref();
                if t.norm_bytes(p.last) == b"to"
                    && tr.head <= p.last + 4
                    && pc.is_some_and(|c| c.starts_with("12"))
                {
                    suppressed[k] = true;
                    target_from[k - 1] = Some(k);
                    continue;
                }
            }
            let Some(to) = infinitive_to(t, a, tr.head) else {
                continue;
            };
            // governor: the word before "to", skipping adverbs
            let mut g = to;
            while g > a && ADVERBS.at(t, g - 1) {
                g -= 1;
            }
            if g == a {
                continue;
            }
            let gov = g - 1;
            // "urge Nigeria to intervene": an actor right before "to" and an earlier
            // trigger in the clause -> the embedded act is what was asked for
            if let Some(mi) = mentions.iter().position(|m| m.last == gov && m.resolved()) {
                if triggers[..k].iter().any(|p| p.last < gov) {
                    suppressed[k] = true;
                } else {
                    // "wants Putin to attack", "expects Iran to comply": a request
                    let before = mentions[mi].first;
                    if before > a && REQUEST_GOVERNORS.at(t, before - 1) {
                        let who = subject(t, &mentions, &verbish, a, before - 1, false);
                        request[k] = Some((who, mi));
                        code_override[k] = Some("020");
                    }
                }
                continue;
            }
            let gov_trigger = triggers.iter().position(|p| p.last == gov || p.head == gov);
            let code = self.dicts.verbs[tr.pattern as usize].code.as_deref();
            if REFUSAL_GOVERNORS.at(t, gov) {
                if let Some(gk) = gov_trigger {
                    suppressed[k] = true;
                    let refusal = code.and_then(refusal_code);
                    if let Some(rc) = refusal {
                        code_override[gk] = Some(rc);
                    }
                    target_from[gk] = Some(k);
                } else {
                    match code.and_then(refusal_code) {
                        Some(rc) => code_override[k] = Some(rc),
                        None => suppressed[k] = true,
                    }
                }
                continue;
            }
            let violent =
                code.is_some_and(|c| matches!(c.get(..2), Some("15" | "17" | "18" | "19" | "20")));
            let threat_gov = THREAT_GOVERNORS.at(t, gov);
            if violent && threat_gov {
                let tc = code.map(threat_code).unwrap_or("130");
                // keep the embedded trigger's target; code it as a threat
                code_override[k] = Some(tc);
                if let Some(gk) = gov_trigger {
                    suppressed[gk] = true;
                }
                continue;
            }
            // "seeking to deepen ties", "wants to help": an intent to cooperate (03x)
            // ("Bush's plan to withdraw": a noun after a determiner states no intent)
            let noun_use = gov > a && DETERMINERS.at(t, gov - 1);
            if INTENT_TO_COOPERATE.at(t, gov) && !noun_use {
                if let Some(ic) = code.and_then(intent_code) {
                    code_override[k] = Some(ic);
                }
            }
            if let Some(gk) = gov_trigger {
                // "pledged to expel", "agreed to lift": the embedded act wins
                if INTENT.at(t, gov)
                    || self.dicts.verbs[triggers[gk].pattern as usize]
                        .code
                        .is_some()
                {
                    suppressed[gk] = true;
                }
            }
        }

        // verb transformations: an act in the clause of a reporting or wanting verb may
        // replace both ("X claimed it attacked Y": X 015 Y); an act governed away above
        // is coded only through a transformation
        let governor = self.transform_governors(t, a, &triggers, &mentions);
        let mut only_transformed = refill(&mut ctx.scratch.only_transformed, n, false);
        for k in 0..triggers.len() {
            if governor[k].is_some() && suppressed[k] {
                (suppressed[k], only_transformed[k]) = (false, true);
            }
        }
        // the outer verbs a transformation consumed, and where each trigger's
        // candidates start in `out` (to take the consumed ones back)
        let mut consumed = refill(&mut ctx.scratch.consumed, 0, 0);
        // a trigger's source and target mentions (with the groups they stand for)
        let mut sources = refill(&mut ctx.scratch.sources, 0, 0);
        let mut targets = refill(&mut ctx.scratch.targets, 0, 0);
        let mut starts = refill(&mut ctx.scratch.starts, 0, 0);
        for (k, tr) in triggers.iter().enumerate() {
            starts.push(out.len());
            if suppressed[k] {
                ctx.note(|| {
                    format!(
                        "  {:?}: governed by another act, not coded alone",
                        span_text(doc, tr.head, tr.last)
                    )
                });
                continue;
            }
            let pat = &self.dicts.verbs[tr.pattern as usize];
            // (borrowed: a candidate copies it only when emitted)
            let Some(mut code) = code_override[k].or(pat.code.as_deref()) else {
                continue;
            };
            if code_override[k].is_none() && negated(t, a, tr.head) {
                match refusal_code(code) {
                    Some(rc) => code = rc,
                    None => continue,
                }
            }
            // "X said Y must withdraw": not an act of Y but X's demand on Y
            // "unless Japan pulled its troops out": a condition, not an act
            if conditional(t, a, tr.head) {
                ctx.note(|| {
                    format!(
                        "  {:?}: in a conditional clause, not coded",
                        span_text(doc, tr.head, tr.last)
                    )
                });
                continue;
            }
            // "announced it would free prisoners": a stated intent (03x)
            if code_override[k].is_none() && reported_future(t, a, tr.head) {
                if let Some(ic) = intent_code(code) {
                    code = ic;
                }
            }
            let obligation = modal_obligation(t, a, tr.head);
            let passive =
                request[k].is_none() && is_passive(t, a, b, tr, field.name == "title", &mentions);
            let (src_idx, tgt_idx) = if let Some((who, whom)) = request[k] {
                (who, Some(whom))
            } else if passive {
                let by = by_agent(t, &mentions, tr.last, b);
                let subj = subject(t, &mentions, &verbish, a, tr.head, false)
                    .or_else(|| passive_subject_mention(t, &mentions, a, tr.head));
                let instrument = || {
                    triggers
                        .iter()
                        .find(|n| {
                            n.form == FormKind::Noun && n.head > tr.last && n.head <= tr.last + 5
                        })
                        .and_then(|n| {
                            mentions.iter().position(|m| {
                                m.resolved()
                                    && m.first > tr.last
                                    && m.last < n.head
                                    && m.last + 3 >= n.head
                            })
                        })
                };
                match by {
                    Some(x) => (Some(x), subj),
                    None => (instrument(), subj),
                }
            } else {
                // a noun trigger's actor is its modifier ("UN condemnation", "Iran's
                // threat") or its by/from phrase ("fire from Palestinian militants")
                let noun = tr.form == FormKind::Noun;
                let modifier = if noun {
                    mentions
                        .iter()
                        .position(|m| {
                            m.resolved()
                                && (m.last + 1 == tr.head
                                    || (m.last + 2 == tr.head
                                        && matches!(t.norm_bytes(m.last + 1), b"'s" | b"'")))
                        })
                        .or_else(|| {
                            let n = tr.last + 1;
                            (n + 1 < b && matches!(t.norm_bytes(n), b"by" | b"from"))
                                .then(|| {
                                    mentions.iter().position(|m| {
                                        m.resolved() && m.first > n && m.first <= n + 3
                                    })
                                })
                                .flatten()
                        })
                } else {
                    None
                };
                let fallback_ok =
                    !noun || code.starts_with("04") || light_verb_before(t, a, tr.head);
                // "..., raising the toll and threatening to ...": the main clause's subject
                let participial = tr.form == FormKind::Ing
                    && tr.head > a
                    && matches!(t.norm_bytes(tr.head - 1), b"," | b"and");
                let modifier = if participial {
                    main_subject(t, &mentions, &verbish, a, tr.head)
                } else {
                    modifier
                };
                // "talks between Khartoum and Darfur rebels": the participants
                let btw = if t.norm_bytes(tr.last) == b"between" {
                    Some(tr.last)
                } else if tr.last + 1 < b && t.norm_bytes(tr.last + 1) == b"between" {
                    Some(tr.last + 1)
                } else {
                    None
                };
                let between = btw.filter(|_| noun).and_then(|w| {
                    mentions
                        .iter()
                        .position(|m| m.resolved() && m.first > w && m.first <= w + 2)
                });
                let subj = modifier.or_else(|| {
                    if !fallback_ok {
                        return None;
                    }
                    subject(t, &mentions, &verbish, a, tr.head, noun)
                        // "X gave a speech and met Y": the first verb's subject
                        .or_else(|| {
                            coordinated_verb(t, &verbish, a, tr.head)
                                .and_then(|v| subject(t, &mentions, &verbish, a, v, false))
                        })
                        // "X held talks ... during a visit to Beirut": a meeting noun's
                        // participant is the clause's subject
                        .or_else(|| {
                            let in_pp = (tr.head.saturating_sub(3).max(a)..tr.head)
                                .any(|i| PREPOSITIONS.at(t, i));
                            (noun && code.starts_with("04") && in_pp)
                                .then(|| main_subject(t, &mentions, &verbish, a, tr.head))
                                .flatten()
                        })
                });
                let tk = target_from[k].map(|j| &triggers[j]).unwrap_or(tr);
                let src_code = subj.map(|x| mentions[x].code.as_str()).unwrap_or("");
                // the object comes before the next act of the clause
                let next_head = triggers
                    .iter()
                    .find(|n| n.head > tk.last && n.form != FormKind::Noun)
                    .map(|n| n.head)
                    .unwrap_or(b);
                let end = b.min(next_head.max(tk.last + 1));
                // ... and before any other verb ("talks aimed at ending X")
                // (a gerund in a prepositional phrase is no verb: "talks on improving X")
                let end = (tk.last + 1..end)
                    .find(|&i| {
                        verbish[i - a]
                            && !(t.norm_bytes(i).ends_with(b"ing") && PREPOSITIONS.at(t, i - 1))
                    })
                    .unwrap_or(end);
                let obj = object(t, &mentions, tk, end, code, &pat.words, src_code);
                match between {
                    Some(x) => (Some(x), None),
                    None => (subj, obj),
                }
            };
            ctx.note(|| {
                let name = |x: Option<usize>| {
                    x.map(|i| span_text(doc, mentions[i].first, mentions[i].last))
                        .unwrap_or_else(|| "-".into())
                };
                format!(
                    "  {:?}: code {code}{}{} source {:?} target {:?}",
                    span_text(doc, tr.head, tr.last),
                    if passive { " passive" } else { "" },
                    if obligation { " obligation" } else { "" },
                    name(src_idx),
                    name(tgt_idx)
                )
            });
            if let Some((j, object)) = governor[k] {
                let date = nearest_date(&sdates, tr.head).or(anchor);
                let clause = (object.or(src_idx), tgt_idx, code);
                let done = (!obligation)
                    .then(|| {
                        self.transformed(
                            doc,
                            a,
                            &triggers,
                            (j, k),
                            &mentions,
                            &groups,
                            &verbish,
                            clause,
                            &sref,
                            date,
                        )
                    })
                    .flatten();
                if let Some((mut cands, why)) = done {
                    ctx.note(|| {
                        format!(
                            "  {:?} in the clause of {:?}: transformation {} ({})",
                            span_text(doc, tr.head, tr.last),
                            span_text(doc, triggers[j].head, triggers[j].last),
                            why.to_line(),
                            why.origin
                        )
                    });
                    out.append(&mut cands);
                    consumed.push(j);
                    continue;
                }
                if only_transformed[k] {
                    continue;
                }
            }
            let Some(si) = src_idx else {
                continue;
            };
            let (si, tgt_idx, code) = if obligation {
                match speaker_before(t, &mentions, a, mentions[si].first) {
                    Some(sp) => (sp, Some(si), "100"),
                    None => continue,
                }
            } else {
                (si, tgt_idx, code)
            };
            expand_into(&groups, si, &mentions, &mut sources);
            targets.clear();
            if let Some(ti) = tgt_idx {
                expand_into(&groups, ti, &mentions, &mut targets);
            }
            // a verb with a "that" clause has no untargeted event of its own
            let complement = tr.last + 1 < b && t.norm_bytes(tr.last + 1) == b"that";
            if targets.is_empty() && complement {
                continue;
            }
            // "received weapons from X": X is the actor, the subject the target
            if pat.reverse && code_override[k].is_none() {
                if targets.is_empty() {
                    continue;
                }
                std::mem::swap(&mut sources, &mut targets);
            }
            let date = nearest_date(&sdates, tr.head).or(anchor);
            let action_text = span_text(doc, tr.head, tr.last);
            let strength = pat.words.len() as i32 + if targets.is_empty() { 0 } else { 2 };
            let mut reciprocal: Vec<Candidate> = Vec::new();
            // a plain statement (010) is coded only with an addressee right after it
            // ("told the UN", "addressed parliament"), not with a participant of its content
            if code == "010" && !targets.iter().any(|&y| mentions[y].first <= tr.last + 3) {
                continue;
            }
            // hosting a visit implies the guest's visit: 043 X->Y gives 042 Y->X
            if code == "043" {
                for &x in &sources {
                    for &y in &targets {
                        if mentions[y].first != mentions[x].first {
                            reciprocal.push(Candidate {
                                source: (
                                    mentions[y].code.clone(),
                                    span_text(doc, mentions[y].first, mentions[y].last),
                                ),
                                target: Some((
                                    mentions[x].code.clone(),
                                    span_text(doc, mentions[x].first, mentions[x].last),
                                )),
                                code: "042".into(),
                                action_text: action_text.clone(),
                                date,
                                sentence: sref.clone(),
                                strength: strength - 1,
                            });
                        }
                    }
                }
            }
            // a paired code ("X flew to Y": X 042 Y and Y 043 X) gives the second event
            // when the act is coded as written (not negated or turned into intent)
            let as_written = code_override[k].is_none() && pat.code.as_deref() == Some(code);
            if let (Some(pc), true) = (&pat.paired, as_written) {
                for &x in &sources {
                    for &y in &targets {
                        if mentions[y].first != mentions[x].first {
                            reciprocal.push(Candidate {
                                source: (
                                    mentions[y].code.clone(),
                                    span_text(doc, mentions[y].first, mentions[y].last),
                                ),
                                target: Some((
                                    mentions[x].code.clone(),
                                    span_text(doc, mentions[x].first, mentions[x].last),
                                )),
                                code: pc.as_str().into(),
                                action_text: action_text.clone(),
                                date,
                                sentence: sref.clone(),
                                strength,
                            });
                        }
                    }
                }
            }
            out.append(&mut reciprocal);
            let mut emit = |s: &Mention, tg: Option<&Mention>| {
                if let Some(tg) = tg {
                    if tg.first == s.first {
                        return;
                    }
                }
                out.push(Candidate {
                    source: (s.code.clone(), span_text(doc, s.first, s.last)),
                    target: tg.map(|m| (m.code.clone(), span_text(doc, m.first, m.last))),
                    code: code.into(),
                    action_text: action_text.clone(),
                    date,
                    sentence: sref.clone(),
                    strength,
                });
            };
            if targets.is_empty() && sources.len() > 1 && symmetric(code) {
                for &x in &sources {
                    for &y in &sources {
                        if x != y {
                            emit(&mentions[x], Some(&mentions[y]));
                        }
                    }
                }
                continue;
            }
            for &x in &sources {
                if targets.is_empty() {
                    if !mentions[x].modifier_only && untargeted_ok(code) {
                        emit(&mentions[x], None);
                    }
                } else {
                    for &y in &targets {
                        emit(&mentions[x], Some(&mentions[y]));
                    }
                }
            }
        }
        starts.push(out.len());
        consumed.sort_unstable();
        consumed.dedup();
        for &j in consumed.iter().rev() {
            out.drain(starts[j]..starts[j + 1]);
        }
        self.update_memory(t, a, b, &mut mentions, &groups, ctx);
        // the buffers back for the next sentence
        let sc = &mut ctx.scratch;
        (sc.hits, sc.covered, sc.verbish) = (shits, covered, verbish);
        (sc.suppressed, sc.only_transformed) = (suppressed, only_transformed);
        (sc.code_override, sc.target_from, sc.request) = (code_override, target_from, request);
        (sc.consumed, sc.starts) = (consumed, starts);
        (sc.sources, sc.targets) = (sources, targets);
        (sc.mentions, sc.groups) = (mentions, groups);
    }

    /// Verb transformations: for each trigger, the verb trigger whose clause it stands in
    /// ("X claimed (that) Y attacked Z", "X wants (Y) to attack Z", "X attempted to kill
    /// Z"), when some transformation fits the two verbs; with the clause's subject when it
    /// is the outer verb's object ("wants Putin to attack").
    fn transform_governors(
        &self,
        t: &Tokens,
        a: usize,
        triggers: &[Trigger],
        ms: &[Mention],
    ) -> Vec<Option<(usize, Option<usize>)>> {
        let mut out = vec![None; triggers.len()];
        if self.dicts.transformations.is_empty() {
            return out;
        }
        let verb_trigger =
            |o: &Trigger, at: usize| o.form != FormKind::Noun && (o.last == at || o.head == at);
        let in_mention = |x: usize| ms.iter().any(|m| m.first <= x && x <= m.last);
        for (k, inner) in triggers.iter().enumerate() {
            let icode = self.dicts.verbs[inner.pattern as usize].code.as_deref();
            if inner.form == FormKind::Noun || icode.is_none() {
                continue;
            }
            let found = if let Some(to) = infinitive_to(t, a, inner.head) {
                // "wants (Putin) to attack": the verb before "to", or before its object
                let mut g = to;
                while g > a && ADVERBS.at(t, g - 1) {
                    g -= 1;
                }
                let object = (g > a)
                    .then(|| ms.iter().position(|m| m.last == g - 1 && m.resolved()))
                    .flatten();
                let mut at = object.map(|mi| ms[mi].first).unwrap_or(g);
                while object.is_some() && at > a && DETERMINERS.at(t, at - 1) {
                    at -= 1;
                }
                (at > a)
                    .then(|| triggers[..k].iter().rposition(|o| verb_trigger(o, at - 1)))
                    .flatten()
                    .map(|j| (j, object))
            } else {
                // "claimed (that) they had attacked": the clause holds only its subject,
                // auxiliaries and adverbs before its verb
                triggers[..k]
                    .iter()
                    .rposition(|o| o.form != FormKind::Noun && o.last < inner.head)
                    .filter(|&j| {
                        let mut i = triggers[j].last + 1;
                        if i < inner.head && t.norm_bytes(i) == b"that" {
                            i += 1;
                        }
                        let has_subject = (i..inner.head).any(|x| ms.iter().any(|m| m.first == x));
                        has_subject
                            && inner.head - i <= 10
                            && (i..inner.head).all(|x| {
                                in_mention(x)
                                    || AUXILIARIES.at(t, x)
                                    || ADVERBS.at(t, x)
                                    || DETERMINERS.at(t, x)
                            })
                    })
                    .map(|j| (j, None))
            };
            let Some((j, object)) = found else {
                continue;
            };
            let opat = &self.dicts.verbs[triggers[j].pattern as usize];
            let lemma = opat.head.verb_lemma();
            let fits = self.dicts.transformations.iter().any(|x| {
                x.outer.matches(opat.code.as_deref(), lemma) && x.inner.matches(icode, None)
            });
            if fits {
                out[k] = Some((j, object));
            }
        }
        out
    }

    /// The events of the most specific transformation that applies to the outer trigger `j` and
    /// the act of trigger `k` in its clause (source, target, code as the coder would code
    /// it), with that transformation. Actors are compared by code; coordinated actors
    /// ("Obama and Putin said they ...") are one role, and each gets its event.
    #[allow(clippy::too_many_arguments)]
    fn transformed(
        &self,
        doc: &Document,
        a: usize,
        triggers: &[Trigger],
        (j, k): (usize, usize),
        ms: &[Mention],
        groups: &[usize],
        verbish: &[bool],
        (src, tgt, code): (Option<usize>, Option<usize>, &str),
        sref: &Rc<SentenceRef>,
        date: Option<NaiveDate>,
    ) -> Option<(Vec<Candidate>, &crate::dictionary::Transformation)> {
        let t = &doc.tokens;
        let (outer, inner) = (&triggers[j], &triggers[k]);
        let (opat, ipat) = (
            &self.dicts.verbs[outer.pattern as usize],
            &self.dicts.verbs[inner.pattern as usize],
        );
        // a denied act is no claim of it; "received from" reverses the roles
        if ipat.reverse || negated(t, a, inner.head) {
            return None;
        }
        let inner_code = ipat.code.as_deref()?;
        let lemma = opat.head.verb_lemma();
        let subj = subject(t, ms, verbish, a, outer.head, false)?;
        let role = |x: Option<usize>| x.map(|i| expand(groups, i, ms)).unwrap_or_default();
        let roles = [Some(subj), src, tgt].map(role);
        let codes = |r: &[usize]| r.iter().map(|&i| ms[i].code.as_str()).collect::<Vec<_>>();
        let (s, o, i) = (codes(&roles[0]), codes(&roles[1]), codes(&roles[2]));
        let (_, x, (sources, targets, code)) = self
            .dicts
            .transformations
            .iter()
            .enumerate()
            .filter_map(|(n, x)| {
                x.apply(opat.code.as_deref(), lemma, &s, inner_code, &o, &i, code)
                    .map(|r| ((x.specificity(), std::cmp::Reverse(n)), x, r))
            })
            .max_by(|p, q| p.0.cmp(&q.0))?;
        // back from codes to mentions
        let mention = |c: &str| roles.iter().flatten().copied().find(|&m| ms[m].code == c);
        let actor = |m: usize| (ms[m].code.clone(), span_text(doc, ms[m].first, ms[m].last));
        let mut cands = Vec::new();
        for sc in &sources {
            for tc in &targets {
                let (Some(sm), Some(tm)) = (mention(sc), mention(tc)) else {
                    continue;
                };
                if sc == tc {
                    continue;
                }
                cands.push(Candidate {
                    source: actor(sm),
                    target: Some(actor(tm)),
                    code: code.as_str().into(),
                    action_text: span_text(doc, outer.head, inner.last),
                    date,
                    sentence: sref.clone(),
                    strength: ipat.words.len() as i32 + 2,
                });
            }
        }
        (!cands.is_empty()).then_some((cands, x))
    }

    /// Remembers a sentence's mentions for the next ones: nouns they modify (definite
    /// descriptions), the subject person ("he"), the last person, thing and group.
    #[allow(clippy::too_many_arguments)]
    fn update_memory(
        &self,
        t: &Tokens,
        a: usize,
        b: usize,
        mentions: &mut [Mention],
        groups: &[usize],
        ctx: &mut Context,
    ) {
        // no later sentence of the article reads it
        if ctx.last_sentence {
            return;
        }
        // noun memory for definite descriptions: "UN resolution" -> the resolution
        for m in mentions.iter() {
            if m.resolved()
                && m.agent_word.is_none()
                && m.kind != ActorKind::Person
                && !m.pronoun
                && m.last + 1 < b
            {
                let n = m.last + 1;
                if t.toks[n].kind == Kind::Word
                    && !t.toks[n].cap
                    && !self.is_verbish(t, n)
                    && !PREPOSITIONS.at(t, n)
                {
                    ctx.by_noun.insert(t.norm(n).into(), m.code.clone());
                }
            }
        }
        // the sentence's first person in subject position ("He" in the next sentence)
        let subj_person = mentions
            .iter()
            .find(|m| m.resolved() && m.kind == ActorKind::Person && subject_position(t, a, m))
            .cloned();
        ctx.subject_person = subj_person;
        remember(ctx, mentions, groups);
    }

    /// Verb pattern matches in `[a, b)`: at each head the longest pattern wins.
    #[allow(clippy::too_many_arguments)]
    fn triggers(
        &self,
        t: &Tokens,
        a: usize,
        b: usize,
        covered: &[bool],
        doc: &Document,
        headline: bool,
        bufs: (&mut Vec<u32>, &mut Vec<crate::verbs::Cand>),
    ) -> Vec<Trigger> {
        let mut out: Vec<Trigger> = Vec::new();
        // title case (headline style): capitalised verbs are verbs
        let title_case = headline
            || (a..b)
                .filter(|&k| t.toks[k].kind == Kind::Word)
                .all(|k| t.toks[k].cap || t.norm(k).len() <= 3);
        let (scratch, cands) = bufs;
        let mut i = a;
        while i < b {
            if covered[i - a]
                || t.toks[i].kind != Kind::Word
                || !self.verbs.heads_here(t, i)
                || doc.in_dateline(i)
            {
                // (no pattern headed here: `candidates_at` would find none)
                i += 1;
                continue;
            }
            let tok = &t.toks[i];
            if tok.cap
                && !tok.upper
                && i > a
                && !title_case
                && !matches!(t.norm_bytes(i - 1), b"\"" | b"'" | b"-" | b":")
            {
                i += 1;
                continue;
            }
            if tok.cap && !title_case && i > a && matches!(t.norm_bytes(i - 1), b"\"" | b"'") {
                // a quoted capitalised word is a slogan or a name
                i += 1;
                continue;
            }
            self.verbs.candidates_at(t, i, a, b, scratch, cands);
            if cands.is_empty() {
                i += 1;
                continue;
            }
            // the pattern with the most words wins, then the shortest span, then the
            // first; candidates come biggest first, so the search ends at the first one
            // smaller than the best match so far
            let mut plausible: [Option<bool>; FormKind::COUNT] = [None; FormKind::COUNT];
            let mut best: Option<(usize, usize, Trigger)> = None;
            for &(pi, form, size) in cands.iter() {
                let size = size as usize;
                if best.as_ref().is_some_and(|(w, _, _)| size < *w) {
                    break;
                }
                if !*plausible[form as usize]
                    .get_or_insert_with(|| self.head_plausible(t, a, i, form))
                {
                    continue;
                }
                if let Some(last) = self.verbs.match_at(pi, t, i, b) {
                    if self.verbs.before_len(pi) > 0
                        && self.verbs.match_before(pi, t, i, a).is_none()
                    {
                        continue;
                    }
                    let score = (size, usize::MAX - (last - i));
                    if best.as_ref().is_none_or(|(w, l, _)| score > (*w, *l)) {
                        best = Some((
                            score.0,
                            score.1,
                            Trigger {
                                head: i,
                                last,
                                pattern: pi,
                                form,
                            },
                        ));
                    }
                }
            }
            // a passive participle: the pattern's object may be the passive's subject and
            // its subject the `by` phrase ("evidence was presented by X")
            if best.as_ref().is_none_or(|(w, _, _)| *w == 0) {
                if let Some(tr) = self.passive_trigger(t, a, b, i) {
                    let w = self.verbs.before_len(tr.pattern).max(1);
                    best = Some((w, usize::MAX, tr));
                }
            }
            if let Some((_, _, tr)) = best {
                i = tr.last.max(i) + 1;
                out.push(tr);
            } else {
                i += 1;
            }
        }
        out
    }

    /// The longest pattern (the first of the longest) headed by the passive participle
    /// at `i` whose words after the head stand in the passive's subject and whose words
    /// before the head stand in its `by` phrase (see [`VerbIndex::match_passive`]);
    /// `None` if `i` is no passive participle or no such pattern matches.
    fn passive_trigger(&self, t: &Tokens, a: usize, b: usize, i: usize) -> Option<Trigger> {
        let object = passive_object_span(t, a, i)?;
        let agent = by_phrase_span(t, i, b);
        let span_ids = self.verbs.passive_span_ids(t, object);
        // the patterns come biggest first, then by index: the first match is the best
        self.verbs
            .heads_at(t, i)
            .iter()
            .find(|&&(pi, form, _)| {
                matches!(form, FormKind::Participle | FormKind::PastOrParticiple)
                    && self.verbs.may_match_passive(pi, &span_ids)
                    && self.verbs.match_passive(pi, t, Some(object), agent)
            })
            .map(|&(pi, form, _)| Trigger {
                head: i,
                last: i,
                pattern: pi,
                form,
            })
    }

    /// Part-of-speech sanity for a head: a verb head after a determiner is a noun; a
    /// noun trigger after "to" is a verb. It depends on the form only (a noun head's
    /// form is always [`FormKind::Noun`], a verb head's never).
    fn head_plausible(&self, t: &Tokens, a: usize, i: usize, form: FormKind) -> bool {
        let prev = if i > a { t.norm(i - 1) } else { "" };
        match form {
            FormKind::Noun => !matches!(prev, "to" | "will" | "would" | "not"),
            FormKind::Present | FormKind::Ing => {
                if i > a && DETERMINERS.at(t, i - 1) {
                    return false;
                }
                // "a mortar bomb": determiner + noun + head is a compound noun
                if form == FormKind::Present
                    && i >= a + 2
                    && matches!(t.norm_bytes(i - 2), b"a" | b"an" | b"the")
                    && t.toks[i - 1].kind == Kind::Word
                    && !(i > a && ADVERBS.at(t, i - 1))
                {
                    return false;
                }
                // "agree on demand", "calls for attacks": after a preposition, a noun
                if form == FormKind::Present && prev != "to" && (i > a && PREPOSITIONS.at(t, i - 1))
                {
                    return false;
                }
                // "the Israeli attack": adjective after a determiner
                if i >= a + 2
                    && DETERMINERS.at(t, i - 2)
                    && t.toks[i - 1].cap
                    && t.toks[i].kind == Kind::Word
                    && !t.toks[i].cap
                {
                    return false;
                }
                true
            }
            FormKind::PastOrParticiple | FormKind::Participle => !prenominal(t, a, i),
            FormKind::Past => !matches!(prev, "the" | "a" | "an"),
        }
    }

    /// Groups actor hits of a sentence into mentions; adds pronouns, names and
    /// definite descriptions resolved from the context. Into `out` (cleared first).
    #[allow(clippy::too_many_arguments)]
    fn mentions(
        &self,
        doc: &Document,
        hits: &[Hit],
        a: usize,
        b: usize,
        anchor: Option<NaiveDate>,
        ctx: &Context,
        bufs: &mut (Vec<Option<Hit>>, Vec<bool>),
        out: &mut Vec<Mention>,
    ) {
        let t = &doc.tokens;
        out.clear();
        let mut hit_at = HitAt {
            base: a,
            at: refill(&mut bufs.0, b - a, None),
        };
        for h in hits {
            if !matches!(h.entry, Entry::SentenceDiscard | Entry::StoryDiscard)
                && h.first >= a
                && h.first < b
            {
                hit_at.at[h.first - a] = Some(*h);
            }
        }
        let mut mask = refill(&mut bufs.1, b - a, false);
        for h in hits.iter().filter(|h| h.entry == Entry::Mask) {
            for i in h.first..=h.last {
                mask[i - a] = true;
            }
        }
        let masked = |i: usize| mask[i - a];
        let mut i = a;
        while i < b {
            if doc.in_dateline(i) || masked(i) {
                i += 1;
                continue;
            }
            let w = t.norm_bytes(i);
            if let Some(h) = hit_at.get(&i).copied() {
                if matches!(h.entry, Entry::Actor(_) | Entry::Agent(_)) {
                    let m = self.grow(doc, &hit_at, h, a, b, anchor, ctx);
                    i = m.last + 1;
                    out.push(m);
                    continue;
                }
            }
            // pronouns
            let pron_kind = if PERSON_PRONOUNS.at(t, i) || w == b"his" {
                Some(0)
            } else if THING_PRONOUNS.at(t, i) || w == b"its" {
                Some(1)
            } else if PLURAL_PRONOUNS.at(t, i) || w == b"their" {
                Some(2)
            } else {
                None
            };
            if let Some(pk) = pron_kind {
                // "it is counter-productive", "it seems": expletive it before be/seem
                let next = if i + 1 < b { t.norm(i + 1) } else { "" };
                let expletive = pk == 1
                    && matches!(
                        next,
                        "is" | "was"
                            | "'s"
                            | "seems"
                            | "seemed"
                            | "would"
                            | "will"
                            | "remains"
                            | "appears"
                    )
                    && !(i + 2 < b
                        && (t.norm_bytes(i + 2).ends_with(b"ing") || t.norm_bytes(i + 2).ends_with(b"ed")))
                    // "it would free": a subject; "it would be wrong": expletive
                    && !(matches!(next, "would" | "will") && i + 2 < b && t.norm_bytes(i + 2) != b"be");
                // within the sentence first: the last compatible subject-like mention
                let local = out
                    .iter()
                    .rev()
                    .find(|m| {
                        m.resolved()
                            && !m.pronoun
                            && subject_position(t, a, m)
                            && match pk {
                                0 => m.kind == ActorKind::Person,
                                1 => m.kind != ActorKind::Person,
                                _ => true,
                            }
                    })
                    .cloned();
                let src = match pk {
                    _ if local.is_some() => local,
                    0 => ctx
                        .subject_person
                        .clone()
                        .or_else(|| ctx.last_person.clone()),
                    1 => ctx.last_thing.clone(),
                    _ => ctx
                        .last_group
                        .first()
                        .cloned()
                        .or_else(|| ctx.last_thing.clone()),
                };
                if let (Some(m), false) = (src, expletive) {
                    out.push(Mention {
                        first: i,
                        last: i,
                        pronoun: true,
                        definite: false,
                        ..m
                    });
                }
                i += 1;
                continue;
            }
            // definite description: "the resolution" after "a UN resolution"
            if matches!(w, b"the" | b"this" | b"that") && i + 1 < b {
                let n = t.norm(i + 1);
                if let Some(code) = ctx.by_noun.get(n) {
                    if !hit_at.contains_key(&(i + 1)) {
                        out.push(Mention {
                            first: i,
                            last: i + 1,
                            code: code.clone(),
                            kind: ActorKind::Org,
                            agent_word: None,
                            agent_code: None,
                            definite: true,
                            pronoun: false,
                            name: None,
                            modifier_only: false,
                        });
                        i += 2;
                        continue;
                    }
                }
            }
            // capitalised unknown names (learned by apposition), not sentence-initial
            if t.toks[i].cap && t.toks[i].kind == Kind::Word && !t.toks[i].upper && i > a {
                let mut j = i;
                while j + 1 < b
                    && t.toks[j + 1].cap
                    && t.toks[j + 1].kind == Kind::Word
                    && !hit_at.contains_key(&(j + 1))
                {
                    j += 1;
                }
                let name = span_norm(t, i, j);
                if !is_function_cap(t.norm(i)) {
                    let learned = ctx.names.get(&name).or_else(|| ctx.names.get(t.norm(j)));
                    out.push(Mention {
                        first: i,
                        last: j,
                        code: learned.map(|x| x.0.clone()).unwrap_or_default(),
                        kind: learned.map(|x| x.1).unwrap_or(ActorKind::Person),
                        agent_word: None,
                        agent_code: None,
                        definite: false,
                        pronoun: false,
                        name: Some(name),
                        modifier_only: false,
                    });
                }
                i = j + 1;
                continue;
            }
            i += 1;
        }
        // noun memory for definite descriptions: "UN resolution" -> resolution: IGOUNO
        (bufs.0, bufs.1) = (hit_at.at, mask);
    }

    /// Grows one mention from the hit at its start.
    #[allow(clippy::too_many_arguments)]
    fn grow(
        &self,
        doc: &Document,
        hit_at: &HitAt,
        h: Hit,
        a: usize,
        b: usize,
        anchor: Option<NaiveDate>,
        ctx: &Context,
    ) -> Mention {
        let t = &doc.tokens;
        let mut owner: Option<(CompactString, ActorKind)> = None;
        let mut person: Option<CompactString> = None;
        let mut agent: Option<(CompactString, CompactString, ActorKind)> = None;
        let mut name: Option<CompactString> = None;
        let mut last;
        let definite =
            h.first > a && matches!(t.norm_bytes(h.first - 1), b"the" | b"this" | b"that");
        let absorb =
            |hh: &Hit,
             owner: &mut Option<(CompactString, ActorKind)>,
             person: &mut Option<CompactString>,
             agent: &mut Option<(CompactString, CompactString, ActorKind)>| match hh
                .entry
            {
                Entry::Actor(ai) => {
                    let act = &self.dicts.actors[ai as usize];
                    let code = CompactString::from(act.code_on(anchor));
                    if act.kind == ActorKind::Person {
                        *person = Some(code);
                    } else {
                        *owner = Some((code, act.kind));
                    }
                }
                Entry::Agent(gi) => {
                    let g = &self.dicts.agents[gi as usize];
                    if agent.is_none() {
                        // a prefix agent's code is marked with a trailing `~` (see compose)
                        let mut code = CompactString::from(g.code.as_str());
                        if g.prefix {
                            code.push('~');
                        }
                        *agent = Some((code, span_norm(t, hh.first, hh.last), g.kind));
                    }
                }
                _ => {}
            };
        absorb(&h, &mut owner, &mut person, &mut agent);
        last = h.last;
        loop {
            let j = last + 1;
            if j >= b {
                break;
            }
            // adjacent phrase
            if let Some(n) = hit_at.get(&j) {
                let is_country = matches!(n.entry, Entry::Actor(ai) if self.dicts.actors[ai as usize].kind != ActorKind::Person);
                if is_country && (owner.is_some() || person.is_some()) {
                    // "Israeli Palestinian": a new mention, unless it is a title chain
                    break;
                }
                if matches!(n.entry, Entry::Actor(_) | Entry::Agent(_)) {
                    absorb(n, &mut owner, &mut person, &mut agent);
                    last = n.last;
                    continue;
                }
                break;
            }
            let w = t.norm(j);
            // possessive: "Russia's top diplomat"
            if (w == "'s" || w == "'") && (owner.is_some() || person.is_some()) {
                if let Some(k) = agent_within(t, hit_at, j + 1, b, 2, self) {
                    let n = hit_at[&k];
                    absorb(&n, &mut owner, &mut person, &mut agent);
                    last = n.last;
                    continue;
                }
                break;
            }
            // modifiers before an agent: "Sudanese government envoys", "Israeli Deputy Defense Minister"
            if agent.is_none() && (owner.is_some() || person.is_some()) {
                if let Some(k) = agent_within(t, hit_at, j, b, 2, self) {
                    let n = hit_at[&k];
                    absorb(&n, &mut owner, &mut person, &mut agent);
                    last = n.last;
                    continue;
                }
            }
            // "envoy of North Korean leader Kim", "leaders from Sudan's Darfur region"
            let civil_in = w == "in"
                && agent.as_ref().is_some_and(|(c, _, _)| {
                    matches!(
                        c.as_str(),
                        "JUD" | "COP" | "GOV" | "LEG" | "MED" | "EDU" | "REL" | "BUS"
                    )
                });
            if (w == "of" || w == "from" || civil_in)
                && agent.is_some()
                && owner.is_none()
                && person.is_none()
            {
                let mut k = j + 1;
                if k < b && t.norm_bytes(k) == b"the" {
                    k += 1;
                }
                // a hyphenated modifier: "dissidents from military-ruled Myanmar"
                if k + 1 < b
                    && t.norm(k).contains('-')
                    && t.toks[k].kind == Kind::Word
                    && !t.toks[k].cap
                    && !hit_at.contains_key(&k)
                {
                    k += 1;
                }
                if let Some(n) = hit_at.get(&k) {
                    if matches!(n.entry, Entry::Actor(_)) {
                        absorb(n, &mut owner, &mut person, &mut agent);
                        last = n.last;
                        continue;
                    }
                }
                break;
            }
            // a title is followed by a name: "Foreign Minister Sergei Lavrov", "Senator John Kerry"
            if let Some((_, _, ActorKind::Person)) = &agent {
                if t.toks[j].cap && t.toks[j].kind == Kind::Word && !is_function_cap(w) {
                    let mut k = j;
                    while k + 1 < b
                        && t.toks[k + 1].cap
                        && t.toks[k + 1].kind == Kind::Word
                        && !hit_at.contains_key(&(k + 1))
                    {
                        k += 1;
                    }
                    name = Some(span_norm(t, j, k));
                    if let Some((code, kind)) = name.as_ref().and_then(|n| ctx.names.get(n)) {
                        if *kind == ActorKind::Person {
                            person = Some(code.clone());
                        }
                    }
                    last = k;
                    continue;
                }
            }
            break;
        }
        // compose
        let (code, kind, modifier_only) = if let Some(p) = person {
            // out of office but titled: "President Roh" in a year the dictionary does not
            // cover still names the country's government
            let p = match (&agent, p.len()) {
                (Some((ac, _, ActorKind::Person)), 3) => compose(&p, ac),
                _ => p,
            };
            (p, ActorKind::Person, false)
        } else if let Some((oc, ok)) = owner {
            match &agent {
                Some((ac, _, ak)) => {
                    let composed = if oc.len() == 3 && ok == ActorKind::Country {
                        compose(&oc, ac)
                    } else {
                        oc
                    };
                    (
                        composed,
                        if *ak == ActorKind::Person {
                            ActorKind::Person
                        } else {
                            ok
                        },
                        false,
                    )
                }
                None => {
                    // "Israeli tank fire", "UN resolution": a modifier of a non-actor noun
                    let next_noun = last + 1 < b
                        && t.toks[last + 1].kind == Kind::Word
                        && !t.toks[last + 1].cap
                        && !self.is_verbish(t, last + 1);
                    (
                        oc,
                        ok,
                        next_noun && ok == ActorKind::Country && is_adjectival(t.norm(last)),
                    )
                }
            }
        } else if let Some((ac, _, ak)) = &agent {
            // a bare agent: "the envoy", "the government", "police"
            let from_ctx = agent
                .as_ref()
                .and_then(|(_, w, _)| ctx.by_agent.get(w))
                .map(|m| m.code.clone());
            let code = if definite || from_ctx.is_some() {
                from_ctx.unwrap_or_default()
            } else {
                CompactString::default()
            };
            let code = if code.is_empty() {
                let word = agent.as_ref().map(|x| x.1.as_str()).unwrap_or("");
                match &ctx.default_country {
                    Some(c)
                        if definite
                            && matches!(
                                word,
                                "government"
                                    | "authorities"
                                    | "police"
                                    | "army"
                                    | "military"
                                    | "cabinet"
                                    | "parliament"
                            ) =>
                    {
                        compose(c, ac)
                    }
                    _ => CompactString::default(),
                }
            } else {
                code
            };
            (code, *ak, false)
        } else {
            (CompactString::default(), ActorKind::Country, false)
        };
        let (agent_code, agent_word) = agent.map(|(c, w, _)| (c, w)).unzip();
        Mention {
            first: h.first,
            last,
            code,
            kind,
            agent_word,
            agent_code,
            definite,
            pronoun: false,
            name,
            modifier_only,
        }
    }

    /// A token that reads as a finite or infinitive verb of some pattern (not a noun use).
    fn is_verb_token(&self, t: &Tokens, a: usize, i: usize) -> bool {
        if !self.verbs.is_verb_form(t, i) || (i > a && DETERMINERS.at(t, i - 1)) {
            return false;
        }
        // a regular participle as a noun modifier ("talks with exiled dissidents")
        !(t.norm_bytes(i).ends_with(b"ed") && prenominal(t, a, i))
    }

    /// The token is an inflection of some verb pattern's head.
    fn is_verb_form(&self, t: &Tokens, i: usize) -> bool {
        self.verbs.is_verb_form(t, i)
    }

    fn is_verbish(&self, t: &Tokens, i: usize) -> bool {
        self.verbs.heads_here(t, i) || AUXILIARIES.at(t, i)
    }

    fn finish(&self, a: &Article, mut cands: Vec<Candidate>) -> Vec<Event> {
        // one event per (source, code, target, date): the strongest evidence, in the order
        // the keys first appear. `best` holds, per key, the index in `cands` of its first
        // and of its strongest candidate. Keys borrow from the candidates; an article has
        // few, so a scan of `best` finds an equal key faster than hashing, except in long
        // articles.
        let hashing = cands.len() > SCAN_MAX;
        let mut best: Vec<(usize, usize)> = Vec::with_capacity(cands.len());
        let mut slot_of: HashMap<DedupKey<'_>, usize> = HashMap::default();
        for (i, c) in cands.iter().enumerate() {
            if c.source.0.is_empty() || c.target.as_ref().is_some_and(|t| t.0.is_empty()) {
                continue;
            }
            let key = c.dedup_key();
            let slot = if hashing {
                // a new key takes the next slot
                let next = best.len();
                let s = *slot_of.entry(key).or_insert(next);
                (s < next).then_some(s)
            } else {
                best.iter()
                    .position(|&(first, _)| cands[first].dedup_key() == key)
            };
            match slot {
                Some(s) => {
                    if c.strength > cands[best[s].1].strength {
                        best[s].1 = i;
                    }
                }
                None => best.push((i, i)),
            }
        }
        drop(slot_of);
        // the strongest candidate of each key takes the place of its first one, so the
        // winners are in the order of `cands` (the pairs swapped are disjoint: each
        // holds candidates of one key only)
        for &(first, strongest) in &best {
            if first != strongest {
                cands.swap(first, strongest);
            }
        }
        // an untargeted event is dropped when the same source has the same root with a target
        if best.iter().any(|&(k, _)| cands[k].target.is_none()) {
            let targeted: HashSet<(&str, &str)> = best
                .iter()
                .map(|&(k, _)| &cands[k])
                .filter(|c| c.target.is_some())
                .map(Candidate::source_root)
                .collect();
            best.retain(|&(k, _)| {
                let c = &cands[k];
                c.target.is_some() || !targeted.contains(&c.source_root())
            });
        }
        // drop the other candidates (none when every candidate won)
        if best.len() < cands.len() {
            let mut winners = best.into_iter().map(|(k, _)| k).peekable();
            let mut i = 0;
            cands.retain(|_| {
                i += 1;
                winners.next_if_eq(&(i - 1)).is_some()
            });
        }
        cands.into_iter().map(|c| to_event(a, c)).collect()
    }
}

/// Up to this many candidates, [`Coder::finish`] compares de-duplication keys by a
/// linear scan; above it, by hashing.
const SCAN_MAX: usize = 32;

/// What [`Coder::finish`] de-duplicates on: source, code, target (`""` for none), date.
type DedupKey<'a> = (&'a str, &'a str, &'a str, Option<NaiveDate>);

impl Candidate {
    fn dedup_key(&self) -> DedupKey<'_> {
        (
            &self.source.0,
            &self.code,
            self.target.as_ref().map_or("", |t| t.0.as_str()),
            self.date,
        )
    }

    /// Source code and CAMEO root: an untargeted event is dropped when a targeted one
    /// has the same.
    fn source_root(&self) -> (&str, &str) {
        (&self.source.0, &self.code[..2])
    }
}

fn to_event(a: &Article, c: Candidate) -> Event {
    let date = c.date.map(date_string);
    let target_code = c.target.as_ref().map(|t| t.0.as_str()).unwrap_or("");
    let event_id = event_id(
        &a.id,
        &c.source.0,
        &c.code,
        target_code,
        date.as_deref().unwrap_or(""),
    );
    // one table search for everything taken from the code
    let (info, pl) = match cameo::position(&c.code) {
        Some(i) => (Some(&cameo::CODES[i]), plover::from_cameo_position(i)),
        None => (None, plover::from_cameo(&c.code)),
    };
    // (the fixed strings borrowed: a known code's root, label and PLOVER fields)
    Event {
        schema: SCHEMA.into(),
        event_id,
        article_id: a.id.as_str().into(),
        date,
        action: Action {
            root: match info {
                Some(i) => cameo::root(i.code).into(),
                None => cameo::root(&c.code).to_string().into(),
            },
            label: info.map_or(Text::Borrowed(""), |i| i.label.into()),
            quad_class: cameo::quad_class_of(&c.code, info),
            goldstein: cameo::goldstein_of(&c.code, info),
            code: c.code,
            text: c.action_text,
        },
        source: actor_ref(c.source.0, c.source.1),
        target: c.target.map(|(code, text)| actor_ref(code, text)),
        plover: PloverRef {
            event_type: pl.map(|p| p.event_type.into()),
            mode: pl.and_then(|p| p.mode.map(Text::from)),
        },
        sentence: Rc::unwrap_or_clone(c.sentence),
        url: a.url.clone(),
        publisher: a.source.clone(),
    }
}

/// A text with actors, verbs of several forms, a passive and punctuation.
#[cfg(test)]
const SAMPLE: &str = "Russia accused Ukraine of shelling; the UN urged both sides to stop, \
                      and France said it would host talks. Officials were killed by rebels.";

/// The flags the vocabulary probe gives each token are the verb index's own.
#[cfg(test)]
#[test]
fn vocabulary_flags_match_the_verb_index() {
    let coder = Coder::with_defaults().expect("default dictionaries");
    let text = SAMPLE;
    let mut probed = text::analyze(text).tokens;
    coder.annotate_tokens(&mut probed, &mut Vec::new());
    let mut annotated = text::analyze(text).tokens;
    coder.verbs.annotate_ids(&mut annotated, probed.ids.clone());
    assert_eq!(probed.flags, annotated.flags);
    assert!(probed.flags.iter().any(|&f| f != 0));
    assert!(probed.ids.iter().any(|&id| id != u32::MAX));
}

/// Annotating reused tokens (a shorter text after a longer one) gives the same ids and
/// flags as annotating fresh ones.
#[cfg(test)]
#[test]
fn reused_tokens_annotate_as_fresh_ones() {
    let coder = Coder::with_defaults().expect("default dictionaries");
    let long = SAMPLE;
    let short = "Germany criticized Iran.";
    let mut doc = Document::default();
    let mut actor_ids = Vec::new();
    for text in [long, short, long] {
        text::analyze_into(&mut doc, text);
        coder.annotate_tokens(&mut doc.tokens, &mut actor_ids);
        let mut fresh = text::analyze(text).tokens;
        let mut fresh_actor_ids = Vec::new();
        coder.annotate_tokens(&mut fresh, &mut fresh_actor_ids);
        assert_eq!(doc.tokens.ids, fresh.ids, "{text}");
        assert_eq!(doc.tokens.flags, fresh.flags, "{text}");
        assert_eq!(actor_ids, fresh_actor_ids, "{text}");
        assert_eq!(doc.tokens.ids.len(), doc.tokens.len());
    }
}

/// A thread codes article after article with one recycled [`Context`]: nothing one
/// article taught it (here: who "he" is) reaches the next.
#[cfg(test)]
#[test]
fn no_memory_carries_over_between_articles() {
    let coder = Coder::with_defaults().expect("default dictionaries");
    let first = "Russian President Vladimir Putin arrived in Berlin on Monday.";
    let second = "He accused Germany of meddling.";
    let accused = |evs: &[Event]| {
        evs.iter()
            .any(|e| e.action.code.starts_with("11") && e.source.code.starts_with("RUS"))
    };
    // within one article the memory resolves "he"
    let both = coder.code(&Article::new("ab", format!("{first} {second}")));
    assert!(accused(&both), "{both:?}");
    // on a fresh thread the second sentence alone has no coded accuser
    let alone = std::thread::scope(|s| {
        s.spawn(|| coder.code(&Article::new("b", second)))
            .join()
            .expect("coding thread")
    });
    assert!(!accused(&alone), "{alone:?}");
    // after the first article on the same thread: the same as alone
    for _ in 0..2 {
        coder.code(&Article::new("a", first));
        assert_eq!(coder.code(&Article::new("b", second)), alone);
    }
}

/// The de-duplication of [`Coder::finish`] as it was first written (owned keys in a
/// hash map, the strongest candidate replacing the first in place): the reference
/// for the borrowing version.
#[cfg(test)]
fn finish_reference(a: &Article, cands: Vec<Candidate>) -> Vec<Event> {
    let mut best: Vec<Candidate> = Vec::new();
    let mut index: HashMap<(String, String, String, Option<NaiveDate>), usize> = HashMap::default();
    for c in cands {
        if c.source.0.is_empty() || c.target.as_ref().is_some_and(|t| t.0.is_empty()) {
            continue;
        }
        let target = c.target.as_ref().map(|t| t.0.clone()).unwrap_or_default();
        let key = (
            c.source.0.to_string(),
            c.code.to_string(),
            target.to_string(),
            c.date,
        );
        match index.get(&key) {
            Some(&k) => {
                if c.strength > best[k].strength {
                    best[k] = c;
                }
            }
            None => {
                index.insert(key, best.len());
                best.push(c);
            }
        }
    }
    let targeted: Vec<(String, String)> = best
        .iter()
        .filter(|c| c.target.is_some())
        .map(|c| (c.source.0.to_string(), c.code[..2].to_string()))
        .collect();
    best.retain(|c| {
        c.target.is_some() || !targeted.contains(&(c.source.0.to_string(), c.code[..2].to_string()))
    });
    best.into_iter().map(|c| to_event(a, c)).collect()
}

/// [`Coder::finish`] gives what [`finish_reference`] gives, for pseudo-random candidate
/// lists with many repeated keys, short (scanned) and long (hashed).
#[cfg(test)]
#[test]
fn finish_matches_reference() {
    let coder = CoderBuilder::new().build().unwrap();
    let mut article = Article::new("art-1", "");
    article.url = Some("https://example.org/a".into());
    article.source = Some("Example".into());
    // xorshift: reproducible without a dependency
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n as u64) as usize
    };
    let sources = ["USA", "RUS", "IGOUNO", "CHNGOV", ""];
    let codes = [
        "111", "112", "0211", "020", "042", "190", "1952", "0815", "99",
    ];
    let targets = [None, Some("CHN"), Some("USAMIL"), Some("NGO"), Some("")];
    let dates = [None, NaiveDate::from_ymd_opt(2024, 3, 7)];
    let mut long_lists = 0;
    for round in 0..400 {
        let n = if round % 4 == 0 {
            33 + next(60)
        } else {
            next(12)
        };
        long_lists += usize::from(n > SCAN_MAX);
        let cands: Vec<Candidate> = (0..n)
            .map(|k| Candidate {
                source: (
                    sources[next(sources.len())].into(),
                    compact_str::format_compact!("source {k}"),
                ),
                target: targets[next(targets.len())]
                    .map(|t| (t.into(), compact_str::format_compact!("target {k}"))),
                code: codes[next(codes.len())].into(),
                action_text: compact_str::format_compact!("action {k}"),
                date: dates[next(dates.len())],
                sentence: Rc::new(SentenceRef {
                    index: k,
                    text: format!("sentence {k}"),
                    start: k,
                    end: k + 1,
                    field: "text".into(),
                }),
                strength: next(4) as i32,
            })
            .collect();
        assert_eq!(
            coder.finish(&article, cands.clone()),
            finish_reference(&article, cands),
            "round {round}"
        );
    }
    assert!(long_lists > 50);
}

/// An owner's code in an agent's role: `RUS` + `GOV`; a prefix agent's code (marked
/// with a trailing `~`, PETRARCH `[IGO~]`) goes first: `IGO` + `FRA`.
fn compose(owner: &str, agent: &str) -> CompactString {
    let (first, second) = match agent.strip_suffix('~') {
        Some(p) => (p, owner),
        None => (owner, agent),
    };
    let mut code = CompactString::with_capacity(first.len() + second.len());
    code.push_str(first);
    code.push_str(second);
    code
}

/// `YYYY-MM-DD`, as chrono's `Display` writes it, without the formatting machinery.
fn date_string(d: NaiveDate) -> CompactString {
    use chrono::Datelike;
    let y = d.year();
    if !(0..=9999).contains(&y) {
        return d.to_string().into();
    }
    let (m, day) = (d.month(), d.day());
    let b = [
        b'0' + (y / 1000) as u8,
        b'0' + (y / 100 % 10) as u8,
        b'0' + (y / 10 % 10) as u8,
        b'0' + (y % 10) as u8,
        b'-',
        b'0' + (m / 10) as u8,
        b'0' + (m % 10) as u8,
        b'-',
        b'0' + (day / 10) as u8,
        b'0' + (day % 10) as u8,
    ];
    CompactString::from_utf8(b).expect("ASCII digits")
}

#[cfg(test)]
#[test]
fn date_string_is_chrono_display() {
    for (y, m, d) in [
        (2024, 3, 7),
        (1999, 12, 31),
        (5, 1, 1),
        (9999, 12, 31),
        (10000, 1, 1),
    ] {
        let date = NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(date_string(date), date.to_string());
    }
    let date = NaiveDate::from_ymd_opt(-3, 1, 1).unwrap();
    assert_eq!(date_string(date), date.to_string());
}

/// Stable event id: FNV-1a (two 64-bit lanes) of article id, source, code, target, date.
pub fn event_id(article: &str, source: &str, code: &str, target: &str, date: &str) -> String {
    // the fields joined by U+001F, hashed without building the joined string
    let mut h1: u64 = 0xcbf2_9ce4_8422_2325;
    let mut h2: u64 = 0x6c62_272e_07bb_0142;
    let mut mix = |b: u8| {
        h1 ^= b as u64;
        h1 = h1.wrapping_mul(0x0000_0100_0000_01b3);
        h2 ^= b as u64;
        h2 = h2.wrapping_mul(0x0000_0100_0000_01b3).rotate_left(5);
    };
    for (k, part) in [article, source, code, target, date].iter().enumerate() {
        if k > 0 {
            mix(0x1f);
        }
        part.bytes().for_each(&mut mix);
    }
    let mut id = [0u8; 32];
    id[..16].copy_from_slice(&hex16(h1));
    id[16..].copy_from_slice(&hex16(h2));
    String::from_utf8(id.to_vec()).expect("ASCII hex digits")
}

/// `h` as 16 lower-case hex digits, most significant first: each half's nibbles are
/// spread one to a byte and turned into ASCII digits all at once.
fn hex16(h: u64) -> [u8; 16] {
    // nibbles of a 32-bit value, one per byte, the most significant in the lowest byte
    let spread = |x: u32| -> u64 {
        let x = u64::from(x.swap_bytes());
        let x = (x | (x << 16)) & 0x0000_ffff_0000_ffff;
        let x = (x | (x << 8)) & 0x00ff_00ff_00ff_00ff;
        // each byte holds one input byte: its high nibble first, then its low nibble
        ((x >> 4) & 0x000f_000f_000f_000f) | ((x & 0x000f_000f_000f_000f) << 8)
    };
    // 0-9 -> '0'-'9', 10-15 -> 'a'-'f' ('a' - '0' - 10 = 39)
    let ascii = |n: u64| {
        let letters = ((n + 0x0606_0606_0606_0606) >> 4) & 0x0101_0101_0101_0101;
        n + 0x3030_3030_3030_3030 + letters * 39
    };
    let mut out = [0u8; 16];
    out[..8].copy_from_slice(&ascii(spread((h >> 32) as u32)).to_le_bytes());
    out[8..].copy_from_slice(&ascii(spread(h as u32)).to_le_bytes());
    out
}

#[cfg(test)]
#[test]
fn hex16_is_lower_hex() {
    let mut x: u64 = 0x0123_4567_89ab_cdef;
    for _ in 0..1000 {
        assert_eq!(hex16(x).to_vec(), format!("{x:016x}").into_bytes());
        x = x.rotate_left(7).wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ 0xffff;
    }
    for x in [0, u64::MAX, 0xf0f0_f0f0_0f0f_0f0f, 0x0a0a_0909_a0a0_9090] {
        assert_eq!(hex16(x).to_vec(), format!("{x:016x}").into_bytes());
    }
}

/// Event ids do not change: users keep them. (Values of the first implementation.)
#[cfg(test)]
#[test]
fn event_id_is_stable() {
    for (parts, id) in [
        (
            ["a1", "RUS", "111", "IGOUNO", "2014-11-20"],
            "8778ffc7593aa76249cc95ceddb99740",
        ),
        (
            ["AFP0808020625_4-0", "USA", "042", "CHN", "2008-08-04"],
            "6b52457745ba5e553ceb1ad60e048660",
        ),
        (["", "", "", "", ""], "8706f12ebf36a791b7356a2e451beaee"),
        (
            ["é", "IGOFRA", "0211", "", ""],
            "7e46f1b850bbfcd1c61a6fbd846d63f0",
        ),
    ] {
        let [article, source, code, target, date] = parts;
        assert_eq!(
            event_id(article, source, code, target, date),
            id,
            "{parts:?}"
        );
    }
}

/// International actor prefixes: no country part.
const INTERNATIONAL: &[&str] = &["IGO", "NGO", "IMG", "MNC"];

fn actor_ref(code: CompactString, text: CompactString) -> ActorRef {
    let head = code.get(..3).unwrap_or("");
    let international = INTERNATIONAL.contains(&head);
    ActorRef {
        country: (!international && !head.is_empty()).then(|| head.into()),
        agent: if international {
            None
        } else {
            code.get(3..6).map(CompactString::from)
        },
        code,
        text,
    }
}

/// A text field of the article: its name and raw text.
struct Field<'a> {
    name: &'static str,
    raw: &'a str,
}

fn span_text(doc: &Document, first: usize, last: usize) -> CompactString {
    let t = &doc.tokens;
    let s = t.toks[first].start as usize;
    let e = t.toks[last].end as usize;
    doc.cleaned.text.get(s..e).unwrap_or("").into()
}

fn span_norm(t: &Tokens, first: usize, last: usize) -> CompactString {
    if first == last {
        return t.norm(first).into();
    }
    let mut s = CompactString::with_capacity((first..=last).map(|i| t.norm(i).len() + 1).sum());
    for i in first..=last {
        if i > first {
            s.push(' ');
        }
        s.push_str(t.norm(i));
    }
    s
}

/// Capitalised words that are not names.
fn is_function_cap(w: &str) -> bool {
    FUNCTION_CAPS.contains(&w)
}

fn is_adjectival(w: &str) -> bool {
    w.ends_with("an")
        || w.ends_with("ese")
        || w.ends_with("ish")
        || w.ends_with("i")
        || w.ends_with("ic")
        || w.ends_with("ch")
}

/// An agent hit starting within `max_gap` modifier words of `from`.
fn agent_within(
    t: &Tokens,
    hit_at: &HitAt,
    from: usize,
    b: usize,
    max_gap: usize,
    c: &Coder,
) -> Option<usize> {
    let mut k = from;
    while k < b && k <= from + max_gap {
        if let Some(h) = hit_at.get(&k) {
            return matches!(h.entry, Entry::Agent(_)).then_some(k);
        }
        let w = t.norm_bytes(k);
        let tok = &t.toks[k];
        if tok.kind != Kind::Word
            || c.is_verb_form(t, k)
            || AUXILIARIES.at(t, k)
            || PREPOSITIONS.at(t, k)
            || DETERMINERS.at(t, k) && w != b"new"
            || CLAUSE_BARRIERS.at(t, k)
            || matches!(w, b"and" | b"or")
        {
            return None;
        }
        k += 1;
    }
    None
}

/// Agents shared across coordinated mentions (after [`coordinate`], which they do not
/// change): "US and British activists" (a bare country adjective takes the next
/// mention's agent) and "the foreign ministers of India and Pakistan" (an agent before
/// its owner is the agent of the owners coordinated with it).
fn share_agents(t: &Tokens, ms: &mut [Mention], groups: &[usize]) {
    // "US and British activists": a bare country adjective shares the next agent
    for k in 0..ms.len().saturating_sub(1) {
        let (p, q) = (&ms[k], &ms[k + 1]);
        let joined =
            q.first == p.last + 2 && matches!(t.norm_bytes(p.last + 1), b"and" | b"or" | b",");
        if joined
            && p.resolved()
            && p.agent_code.is_none()
            && p.kind == ActorKind::Country
            && p.code.len() == 3
        {
            if let (Some(ac), true) = (q.agent_code.clone(), q.code.len() == 6) {
                let m = &mut ms[k];
                m.code = compose(&m.code, &ac);
                m.agent_code = Some(ac);
                m.modifier_only = false;
            }
        }
    }
    // "the ambassadors of Arnor, Osgiliath and Gondor", "lawmakers in France and
    // Germany": an agent before its owner is also the agent of the countries
    // coordinated with that owner (not through "from": "troops from Europe and
    // Asia" are often troops stationed there)
    for k in 0..ms.len() {
        let m = &ms[k];
        let agent_first =
            m.resolved() && (m.first..=m.last).any(|i| matches!(t.norm_bytes(i), b"of" | b"in"));
        let Some(ac) = m.agent_code.clone().filter(|_| agent_first) else {
            continue;
        };
        let word = m.agent_word.clone();
        for j in k + 1..ms.len() {
            let q = &mut ms[j];
            if groups[j] != groups[k] {
                break;
            }
            if q.resolved()
                && !q.pronoun
                && q.agent_code.is_none()
                && q.kind == ActorKind::Country
                && q.code.len() == 3
            {
                q.code = compose(&q.code, &ac);
                q.agent_code = Some(ac.clone());
                q.agent_word = word.clone();
                q.modifier_only = false;
            }
        }
    }
}

/// Links coordinated mentions: "France, Sweden and Belgium", "Along with China, Russia".
/// Puts in `group` each mention's group id.
fn coordinate(t: &Tokens, ms: &[Mention], a: usize, group: &mut Vec<usize>) {
    group.clear();
    group.extend(0..ms.len());
    for k in 1..ms.len() {
        let (p, q) = (&ms[k - 1], &ms[k]);
        if !p.resolved() || !q.resolved() {
            continue;
        }
        let (words, n) = short_gap(t, p.last + 1, q.first);
        let between = &words[..n];
        let joined = matches!(
            between,
            ["and"]
                | [","]
                | [",", "and"]
                | ["or"]
                | [",", "or"]
                | ["as", "well", "as"]
                | ["and", "the"]
                | [",", "the"]
        );
        // "Along with China, Russia voted": sentence-initial "along with"
        let along = between == [","]
            && p.first >= a + 2
            && t.norm_bytes(p.first - 1) == b"with"
            && t.norm_bytes(p.first - 2) == b"along";
        // apposition "Choe, the North Korean envoy," is not coordination
        let apposition = q.definite && between == [","];
        // "At UN, Bush defends": a prepositional object is not coordinated with a subject;
        // but "with Mordor, Rohan and Bree" is one list under the preposition
        let pp = |m: &Mention| m.first > a && PREPOSITIONS.at(t, m.first - 1);
        let joins = |x: &[&str]| {
            matches!(
                x,
                ["and"] | [",", "and"] | ["or"] | [",", "or"] | ["and", "the"]
            )
        };
        let list_goes_on = k + 1 < ms.len() && {
            let (words, n) = short_gap(t, q.last + 1, ms[k + 1].first);
            let next = &words[..n];
            next == [","] || joins(next)
        };
        // ("between X and Y" names the two sides, not a list)
        let g = &ms[group[k - 1]];
        let pp_list = pp(g)
            && t.norm_bytes(g.first - 1) != b"between"
            && !pp(q)
            && (joins(between) || list_goes_on);
        if pp(p) != pp(q) && !along && !pp_list {
            continue;
        }
        if (joined || along) && !apposition && !q.pronoun && !p.pronoun {
            group[k] = group[k - 1];
        }
    }
}

/// The words of tokens `[from, to)` when there are at most three (every joining
/// sequence `coordinate` knows is that short); none for a longer gap, which joins
/// nothing either.
fn short_gap(t: &Tokens, from: usize, to: usize) -> ([&str; 3], usize) {
    let mut words = [""; 3];
    let n = to.saturating_sub(from);
    if n > 3 {
        return (words, 0);
    }
    for (w, i) in words.iter_mut().zip(from..to) {
        *w = t.norm(i);
    }
    (words, n)
}

fn expand(groups: &[usize], i: usize, ms: &[Mention]) -> Vec<usize> {
    let mut v = Vec::new();
    expand_into(groups, i, ms, &mut v);
    v
}

/// [`expand`] into `v` (cleared first).
fn expand_into(groups: &[usize], i: usize, ms: &[Mention], v: &mut Vec<usize>) {
    let g = groups[i];
    v.clear();
    v.extend(
        (0..ms.len()).filter(|&k| groups[k] == g && ms[k].resolved() && (k == i || !ms[k].pronoun)),
    );
    // a pronoun standing for a group: the group's named members (`i` is the only
    // pronoun `v` can hold)
    if ms[i].pronoun && v.iter().filter(|&&k| !ms[k].pronoun).count() > 1 {
        v.retain(|&k| !ms[k].pronoun);
    }
    if v.is_empty() {
        v.push(i);
    }
}

/// The token "to" before an infinitive head (allowing one adverb between).
fn infinitive_to(t: &Tokens, a: usize, head: usize) -> Option<usize> {
    let mut k = head;
    while k > a {
        let w = t.norm_bytes(k - 1);
        if w == b"to" {
            return Some(k - 1);
        }
        if ADVERBS.at(t, k - 1) || w == b"not" {
            k -= 1;
            continue;
        }
        return None;
    }
    None
}

/// Is the verb at `head` negated? Looks back over auxiliaries and adverbs.
fn negated(t: &Tokens, a: usize, head: usize) -> bool {
    let mut k = head;
    let mut steps = 0;
    while k > a && steps < 4 {
        if NEGATORS.at(t, k - 1) {
            return true;
        }
        if AUXILIARIES.at(t, k - 1) || ADVERBS.at(t, k - 1) {
            k -= 1;
            steps += 1;
            continue;
        }
        return false;
    }
    false
}

/// Passive: a participle after a form of "be" (adverbs allowed between), or a
/// participle directly followed by "by".
fn is_passive(
    t: &Tokens,
    a: usize,
    b: usize,
    tr: &Trigger,
    headline: bool,
    ms: &[Mention],
) -> bool {
    if !matches!(tr.form, FormKind::Participle | FormKind::PastOrParticiple) {
        return false;
    }
    // headlines drop "be": "4 US soldiers killed in ...", "Myanmar PM sacked"
    if headline && ms.iter().any(|m| m.last + 1 == tr.head) {
        return true;
    }
    let mut k = tr.head;
    let mut steps = 0;
    while k > a && steps < 4 {
        let w = t.norm_bytes(k - 1);
        if BE.at(t, k - 1) {
            return true;
        }
        if ADVERBS.at(t, k - 1)
            || NEGATORS.at(t, k - 1)
            || w == b"have"
            || w == b"has"
            || w == b"had"
        {
            k -= 1;
            steps += 1;
            continue;
        }
        break;
    }
    // "there were ten soldiers killed": a participle after the noun of an existential
    if existential_noun_before(t, a, tr.head, ms) {
        return true;
    }
    // reduced relative "policemen killed by Israeli fire"
    let mut j = tr.last + 1;
    while j < b && j <= tr.last + 3 {
        if t.norm_bytes(j) == b"by" {
            // "condemned an attack by X": an object between the verb and "by": active
            if (tr.last + 1..j).any(|i| DETERMINERS.at(t, i)) {
                break;
            }
            return tr.form == FormKind::Participle || (k > a && !AUXILIARIES.at(t, k - 1));
        }
        if t.toks[j].kind == Kind::Punct {
            break;
        }
        j += 1;
    }
    // "two French reporters held hostage ... were still alive": the participle modifies
    // a noun whose own verb comes later
    if ms.iter().any(|m| m.last + 1 == tr.head) {
        for j in tr.last + 1..b {
            let w = t.norm(j);
            if matches!(w, "," | ";" | "." | "\"")
                || CLAUSE_BARRIERS.at(t, j)
                || w == "that"
                || PERSON_PRONOUNS.at(t, j)
                || THING_PRONOUNS.at(t, j)
                || PLURAL_PRONOUNS.at(t, j)
            {
                break;
            }
            if matches!(
                w,
                "was" | "were" | "is" | "are" | "has" | "have" | "had" | "will" | "would"
            ) {
                return true;
            }
        }
    }
    false
}

/// The subject of the passive whose participle is at `head`: the tokens before its
/// form of "be" and auxiliaries ("evidence against X | has been | presented"), at most
/// six, not across punctuation, a clause boundary, a speech verb or "that". `None` if
/// the participle has no form of "be" before it.
fn passive_object_span(t: &Tokens, a: usize, head: usize) -> Option<(usize, usize)> {
    let mut k = head;
    while k > a && (ADVERBS.at(t, k - 1) || NEGATORS.at(t, k - 1)) && head - k < 3 {
        k -= 1;
    }
    if k == a || !BE.at(t, k - 1) {
        return None;
    }
    let mut end = k - 1;
    while end > a
        && (BE.at(t, end - 1)
            || AUXILIARIES.at(t, end - 1)
            || ADVERBS.at(t, end - 1)
            || NEGATORS.at(t, end - 1))
    {
        end -= 1;
    }
    let mut start = end;
    while start > a && end - start < 6 {
        let w = t.norm(start - 1);
        if (t.toks[start - 1].kind == Kind::Punct && !matches!(w, "-" | "'s" | "'"))
            || CLAUSE_BARRIERS.at(t, start - 1)
            || SPEECH.at(t, start - 1)
            || w == "that"
        {
            break;
        }
        start -= 1;
    }
    (start < end).then_some((start, end))
}

/// The `by` phrase right after a participle at `head` (an adverb may come between):
/// up to six tokens after "by", not across punctuation.
fn by_phrase_span(t: &Tokens, head: usize, b: usize) -> Option<(usize, usize)> {
    let by = (head + 1..b.min(head + 3))
        .take_while(|&k| t.norm_bytes(k) == b"by" || ADVERBS.at(t, k))
        .find(|&k| t.norm_bytes(k) == b"by")?;
    let end = (by + 1..b.min(by + 7))
        .find(|&k| t.toks[k].kind == Kind::Punct)
        .unwrap_or(b.min(by + 7));
    (by + 1 < end).then_some((by + 1, end))
}

/// The target of a passive with no other subject: the first resolved mention (an
/// adjective too: "the Russian building was demolished") in its subject span.
fn passive_subject_mention(t: &Tokens, ms: &[Mention], a: usize, head: usize) -> Option<usize> {
    let (start, end) = passive_object_span(t, a, head)?;
    ms.iter()
        .position(|m| m.first >= start && m.last < end && m.resolved())
}

/// "there were (ten) Russian soldiers | killed": a mention right before `head` that is
/// the noun of "there" + a form of "be" (up to two lower-case words between).
fn existential_noun_before(t: &Tokens, a: usize, head: usize, ms: &[Mention]) -> bool {
    let Some(m) = ms.iter().find(|m| m.last + 1 == head) else {
        return false;
    };
    // numbers, determiners and up to two other lower-case words ("ten", "some")
    let mut k = m.first;
    while k > a
        && m.first - k < 2
        && t.toks[k - 1].kind != Kind::Punct
        && !t.toks[k - 1].cap
        && !BE.at(t, k - 1)
    {
        k -= 1;
    }
    k >= a + 2 && BE.at(t, k - 1) && t.norm_bytes(k - 2) == b"there"
}

/// The mention after "by" following a passive head.
fn by_agent(t: &Tokens, ms: &[Mention], from: usize, b: usize) -> Option<usize> {
    let by = (from + 1..b.min(from + 10))
        // the "by" of another verb ("X imprisoned for Y were released by Z"): not ours
        .take_while(|&k| !BE.at(t, k) && !CLAUSE_BARRIERS.at(t, k) && t.norm_bytes(k) != b",")
        .find(|&k| t.norm_bytes(k) == b"by")?;
    // the first mention within a few tokens after "by", before an infinitive or
    // punctuation; an uncoded one ("by congress") is the agent all the same, and the
    // act has no coded source ("pressured by congress to help Iran": not Iran)
    let stop = (by + 1..b.min(by + 5))
        .find(|&k| t.norm_bytes(k) == b"to" || t.toks[k].kind == Kind::Punct)
        .unwrap_or(by + 5);
    ms.iter()
        .position(|m| m.first > by && m.first < stop)
        .filter(|&i| ms[i].resolved())
}

/// The subject of the verb at `head`: walking left within the clause, the nearest
/// resolved mention that is not the object of a preposition and not the object of
/// another verb. A subordinating word ("after", "while", "which") closes the clause,
/// except right before a noun trigger ("after talks with"); a verb governing this one
/// through "to" ("pledged yesterday to suspend") is not a barrier; a speech verb or
/// "that" opens a new clause ("X said Y attacked Z": Y).
fn subject(
    t: &Tokens,
    ms: &[Mention],
    verbish: &[bool],
    a: usize,
    head: usize,
    noun_head: bool,
) -> Option<usize> {
    let mut crossed_verb = false;
    let mut pp_noun = false;
    let mut k = head;
    // mentions by their last token
    while k > a {
        k -= 1;
        let w = t.norm_bytes(k);
        if let Some(mi) = ms.iter().rposition(|m| m.last == k) {
            let m = &ms[mi];
            // "blamed the United States": the object of a verb is not a subject
            let mut p = m.first;
            while p > a && matches!(t.norm_bytes(p - 1), b"the" | b"a" | b"an") {
                p -= 1;
            }
            // ("announced it would free": a mention right before our verb group is its subject)
            let adjacent = (m.last + 1..head)
                .all(|i| AUXILIARIES.at(t, i) || ADVERBS.at(t, i) || NEGATORS.at(t, i));
            if p > a && verbish[p - 1 - a] && !adjacent {
                crossed_verb = true;
            }
            if m.resolved() && !crossed_verb && subject_position(t, a, m) && !m.modifier_only {
                return Some(mi);
            }
            if !m.resolved()
                && !crossed_verb
                && subject_position(t, a, m)
                && m.agent_word.is_some()
                && !m.definite
            {
                // an uncoded subject ("police", "officials"): the act has no coded source
                return None;
            }
            k = m.first;
            continue;
        }
        if CLAUSE_BARRIERS.at(t, k) {
            let prep_use = noun_head && k + 1 == head;
            pp_noun |= prep_use;
            if !prep_use {
                // "X, which borders Y, ..." handled by the caller; here: clause start
                if matches!(w, b"which" | b"who")
                    && k + 1 < head
                    && !(k + 1..head).any(|i| ms.iter().any(|m| m.first == i))
                {
                    // relative clause subject: the mention right before ", which"
                    let mut j = k;
                    if j > a && t.norm_bytes(j - 1) == b"," {
                        j -= 1;
                    }
                    return ms.iter().rposition(|m| m.last + 1 == j && m.resolved());
                }
                return None;
            }
            continue;
        }
        if SPEECH.at(t, k) || w == b"that" {
            // a new clause starts after "said (that)": nothing to its left is our subject
            // once a candidate has been passed; if none yet, the speaker is not the actor
            if !pp_noun {
                return None;
            }
            continue;
        }
        // "started an official visit": a light verb governs its event noun
        let light = noun_head
            && LIGHT_VERBS.at(t, k)
            && (k + 1..head).all(|i| t.toks[i].kind == Kind::Word && !verbish[i - a]);
        if verbish[k - a] && !crossed_verb && !light {
            // a governing verb: "pledged (yesterday) to (temporarily) suspend"
            let governs = (k + 1..head).all(|i| {
                let x = t.norm(i);
                x == "to" || ADVERBS.at(t, i) || matches!(x, "yesterday" | "today" | "not")
            }) && (k + 1..head).any(|i| t.norm_bytes(i) == b"to");
            if !governs {
                crossed_verb = true;
            }
        }
    }
    None
}

/// A mention can be a subject unless a preposition stands right before it (skipping
/// determiners and modifiers).
fn subject_position(t: &Tokens, a: usize, m: &Mention) -> bool {
    let mut k = m.first;
    let mut steps = 0;
    while k > a && steps < 3 {
        let w = t.norm_bytes(k - 1);
        if PREPOSITIONS.at(t, k - 1) {
            // "thousands of Israelis", "some of the rebels": the quantity's head
            let quantity = w == b"of"
                && k >= a + 2
                && (matches!(
                    t.norm_bytes(k - 2),
                    b"thousands"
                        | b"hundreds"
                        | b"dozens"
                        | b"millions"
                        | b"tens"
                        | b"scores"
                        | b"some"
                        | b"many"
                        | b"most"
                        | b"all"
                        | b"group"
                        | b"groups"
                        | b"members"
                        | b"supporters"
                        | b"one"
                        | b"two"
                        | b"three"
                ) || t.toks[k - 2].kind == Kind::Number);
            return quantity;
        }
        if matches!(w, b"the" | b"a" | b"an")
            || (t.toks[k - 1].kind == Kind::Word
                && !t.toks[k - 1].cap
                && !AUXILIARIES.at(t, k - 1)
                && steps < 1
                && !CLAUSE_BARRIERS.at(t, k - 1)
                && !SPEECH.at(t, k - 1)
                && w != b"that"
                && w != b"and")
        {
            k -= 1;
            steps += 1;
            continue;
        }
        break;
    }
    true
}

/// The object of a trigger: the first resolved mention after the head in its clause,
/// skipping places ("in Iraq") unless the act is a visit or the pattern names the
/// preposition.
fn object(
    t: &Tokens,
    ms: &[Mention],
    tr: &Trigger,
    b: usize,
    code: &str,
    words: &[crate::dictionary::PatternWord],
    source_code: &str,
) -> Option<usize> {
    let visit = matches!(code, "042" | "043" | "044" | "0331" | "036");
    let pattern_prep = words.last().map(|w| w.word.as_str());
    let limit = b.min(tr.last + 18);
    // the place of the act, when nothing else is its target ("met in Zurich")
    let mut place: Option<usize> = None;
    for (k, m) in ms.iter().enumerate() {
        if m.first <= tr.head || m.first > limit {
            continue;
        }
        // clause barrier between head and mention?
        let barrier = (tr.last + 1..m.first).any(|i| {
            let w = t.norm(i);
            (CLAUSE_BARRIERS.at(t, i)
                && !(w == "as" && i + 1 < b && t.norm_bytes(i + 1) == b"well"))
                || w == ";"
                || (w == ","
                    && i + 1 < m.first
                    && matches!(
                        t.norm_bytes(i + 1),
                        b"and" | b"but" | b"while" | b"which" | b"who"
                    ))
                || SPEECH.at(t, i)
                || w == "that"
                || matches!(
                    w,
                    "would" | "could" | "might" | "should" | "must" | "can" | "may" | "will"
                )
        });
        if barrier {
            return place;
        }
        if m.pronoun && !m.resolved() {
            continue;
        }
        // ", Japanese officials said", ", US Deputy Secretary of Energy X said": the
        // attribution ends the clause
        let said = (m.last + 1..b.min(m.last + 8))
            .take_while(|&i| t.toks[i].kind != Kind::Punct)
            .any(|i| SPEECH.at(t, i));
        if said && m.first > 0 && t.norm_bytes(m.first - 1) == b"," {
            return place;
        }
        if m.last + 1 < b && SPEECH.at(t, m.last + 1) {
            return place;
        }
        // "praised his meeting with Putin": a possessive pointing back at the subject
        if m.pronoun
            && m.code == source_code
            && matches!(t.norm_bytes(m.first), b"his" | b"her" | b"its" | b"their")
        {
            continue;
        }
        // "says it sees": a pronoun followed by a verb is the subject of a new clause
        if m.pronoun
            && m.last + 1 < b
            && t.toks[m.last + 1].kind == Kind::Word
            && !t.toks[m.last + 1].cap
            && (AUXILIARIES.at(t, m.last + 1)
                || t.norm_bytes(m.last + 1).ends_with(b"s")
                || t.norm_bytes(m.last + 1).ends_with(b"ed"))
        {
            continue;
        }
        let prep = prev_word(t, m.first, tr.last);
        if let Some(p) = prep {
            if LOCATIVE.contains(&p) && !(visit || pattern_prep == Some(p)) {
                // "re-examine the refineries in Iran": the place of the verb's object
                if place.is_none() && m.resolved() && in_object_np(t, tr.last, m.first) {
                    place = Some(k);
                }
                if place.is_none()
                    && physical_act(code)
                    && m.resolved()
                    && m.kind == ActorKind::Country
                    && matches!(p, "in" | "inside" | "at")
                {
                    place = Some(k);
                }
                continue;
            }
        }
        if !m.resolved() {
            // an unknown name or a bare agent as the object: the act has an uncoded target
            // ("an official visit": an agent word used as an adjective is no object)
            let adjective =
                m.last + 1 < b && t.toks[m.last + 1].kind == Kind::Word && !t.toks[m.last + 1].cap;
            if (m.agent_word.is_some() || m.name.is_some())
                && prep.is_none()
                && m.first > tr.last
                && m.first <= tr.last + 3
                && !adjective
            {
                return None;
            }
            continue;
        }
        return Some(k);
    }
    place
}

/// A word in the place of a noun modifier, so a participle there is no verb: after a
/// determiner ("their elected leaders"; not the relative "that"), a determiner and a
/// number ("the two exiled dissidents") or a preposition other than "to" ("meet with
/// exiled dissidents").
fn prenominal(t: &Tokens, a: usize, i: usize) -> bool {
    let det = |k: usize| DETERMINERS.at(t, k) && !matches!(t.norm_bytes(k), b"that" | b"'s" | b"'");
    let number = |k: usize| {
        t.toks[k].kind == Kind::Number
            || matches!(
                t.norm_bytes(k),
                b"two"
                    | b"three"
                    | b"four"
                    | b"five"
                    | b"six"
                    | b"seven"
                    | b"eight"
                    | b"nine"
                    | b"ten"
                    | b"dozen"
                    | b"dozens"
                    | b"hundreds"
                    | b"thousands"
            )
    };
    let prep = |k: usize| PREPOSITIONS.at(t, k) && t.norm_bytes(k) != b"to";
    (i > a && (det(i - 1) || prep(i - 1))) || (i >= a + 2 && number(i - 1) && det(i - 2))
}

/// "VERB the refineries in X": `in` right after the verb's object, a noun phrase of a
/// determiner and one or two words (no capital, verb or punctuation), ends at
/// `mention - 1`; the country places that object.
fn in_object_np(t: &Tokens, last: usize, mention: usize) -> bool {
    let prep = mention - 1;
    if prep <= last + 2 || t.norm_bytes(prep) != b"in" || !DETERMINERS.at(t, last + 1) {
        return false;
    }
    let words = last + 2..prep;
    words.len() <= 2
        && words.clone().all(|i| {
            t.toks[i].kind == Kind::Word
                && !t.toks[i].cap
                && !PREPOSITIONS.at(t, i)
                && !AUXILIARIES.at(t, i)
        })
}

/// The word before a mention, skipping determiners and modifiers (not before `floor`).
fn prev_word(t: &Tokens, first: usize, floor: usize) -> Option<&str> {
    let mut k = first;
    let mut steps = 0;
    while k > floor + 1 && steps < 3 {
        let w = t.norm_bytes(k - 1);
        if matches!(
            w,
            b"the" | b"a" | b"an" | b"its" | b"their" | b"his" | b"her"
        ) || (t.toks[k - 1].kind == Kind::Word
            && !PREPOSITIONS.at(t, k - 1)
            && steps < 2
            && !t.toks[k - 1].cap)
        {
            k -= 1;
            steps += 1;
            continue;
        }
        break;
    }
    if k == 0 {
        return None;
    }
    let w = t.norm(k - 1);
    PREPOSITIONS.at(t, k - 1).then_some(w)
}

fn nearest_date(ds: &[&DateMention], head: usize) -> Option<NaiveDate> {
    ds.iter()
        .filter(|d| d.date.is_some())
        .min_by_key(|d| {
            if d.last < head {
                // before the verb: a little farther than the same distance after
                (head - d.last) * 2
            } else {
                d.first - head
            }
        })
        .and_then(|d| d.date)
}

/// Updates the article memory with the mentions of a sentence.
fn remember(ctx: &mut Context, ms: &mut [Mention], groups: &[usize]) {
    let named = |m: &&Mention| m.resolved() && !m.pronoun;
    if let Some(m) = ms
        .iter()
        .rev()
        .filter(named)
        .find(|m| m.kind == ActorKind::Person)
    {
        ctx.last_person = Some(m.clone());
    }
    if let Some(m) = ms
        .iter()
        .rev()
        .filter(named)
        .find(|m| m.kind != ActorKind::Person)
    {
        ctx.last_thing = Some(m.clone());
    }
    for m in ms.iter().filter(named) {
        if let Some(w) = &m.agent_word {
            ctx.by_agent.insert(w.clone(), m.clone());
        }
    }
    // the last coordinated group of named actors
    let last_group = (0..ms.len()).rev().find(|&k| {
        named(&&ms[k])
            && (0..ms.len())
                .filter(|&j| groups[j] == groups[k] && ms[j].resolved())
                .count()
                > 1
    });
    if let Some(k) = last_group {
        ctx.last_group = (0..ms.len())
            .filter(|&j| groups[j] == groups[k] && ms[j].resolved())
            .map(|j| ms[j].clone())
            .collect();
    }
    // apposition: NAME , MENTION ,  and  MENTION , NAME ,
    for k in 0..ms.len().saturating_sub(1) {
        let (p, q) = (&ms[k], &ms[k + 1]);
        if q.first != p.last + 2 {
            continue;
        }
        let (name, res) = if p.name.is_some()
            && !p.resolved()
            && q.resolved()
            && q.kind == ActorKind::Person
        {
            (p.name.clone(), q)
        } else if q.name.is_some() && !q.resolved() && p.resolved() && p.kind == ActorKind::Person {
            (q.name.clone(), p)
        } else {
            continue;
        };
        if let Some(n) = name {
            let last = CompactString::from(n.rsplit(' ').next().unwrap_or(&n));
            ctx.names.insert(n, (res.code.clone(), ActorKind::Person));
            ctx.names
                .insert(last, (res.code.clone(), ActorKind::Person));
        }
    }
    // a resolved person mention with an unknown name inside teaches the name
    for m in ms.iter() {
        if let (Some(n), true) = (&m.name, m.resolved()) {
            let last = CompactString::from(n.rsplit(' ').next().unwrap_or(n));
            ctx.names
                .entry(n.clone())
                .or_insert((m.code.clone(), m.kind));
            ctx.names.entry(last).or_insert((m.code.clone(), m.kind));
        }
    }
}

/// Acts coded without a target only when the act itself is notable: conflict and
/// coercion (roots 10-20 but 16). Cooperative talk without a
/// participant ("expressed hope", "strengthen ties") is too vague to code.
fn untargeted_ok(code: &str) -> bool {
    matches!(
        code.get(..2),
        Some("10" | "11" | "12" | "13" | "14" | "15" | "17" | "18" | "19" | "20")
    )
}

/// A light verb stands before the noun head (skipping determiners, adjectives, particles).
fn light_verb_before(t: &Tokens, a: usize, head: usize) -> bool {
    let mut k = head;
    let mut steps = 0;
    while k > a && steps < 4 {
        let w = t.norm_bytes(k - 1);
        if LIGHT_VERBS.at(t, k - 1) {
            return true;
        }
        if t.toks[k - 1].kind != Kind::Word
            || PREPOSITIONS.at(t, k - 1) && w != b"out" && w != b"up"
        {
            return false;
        }
        k -= 1;
        steps += 1;
    }
    false
}

/// "must withdraw", "should leave", "has to pull out": an obligation, not an act.
fn modal_obligation(t: &Tokens, a: usize, head: usize) -> bool {
    let mut k = head;
    let mut steps = 0;
    while k > a && steps < 3 {
        let w = t.norm_bytes(k - 1);
        if matches!(w, b"must" | b"should") {
            return true;
        }
        if w == b"to" && k >= a + 2 && matches!(t.norm_bytes(k - 2), b"has" | b"have" | b"had") {
            return true;
        }
        if ADVERBS.at(t, k - 1) || w == b"not" || w == b"be" {
            k -= 1;
            steps += 1;
            continue;
        }
        return false;
    }
    false
}

/// The speaker of a clause that starts right before token `first`: "X said (that) ...".
fn speaker_before(t: &Tokens, ms: &[Mention], a: usize, first: usize) -> Option<usize> {
    let mut k = first;
    if k > a && t.norm_bytes(k - 1) == b"that" {
        k -= 1;
    }
    if k == a || !SPEECH.at(t, k - 1) {
        return None;
    }
    let speech = k - 1;
    ms.iter()
        .rposition(|m| m.last < speech && m.resolved() && m.last + 4 >= speech)
}

/// The subject of the sentence's main clause: the first subject-position mention before
/// the first verb.
fn main_subject(
    t: &Tokens,
    ms: &[Mention],
    verbish: &[bool],
    a: usize,
    before: usize,
) -> Option<usize> {
    let first_verb = (a..before).find(|&i| verbish[i - a])?;
    ms.iter()
        .position(|m| m.last < first_verb && m.resolved() && subject_position(t, a, m))
}

/// "said it would free", "announced they will visit": a future act in reported speech.
fn reported_future(t: &Tokens, a: usize, head: usize) -> bool {
    let mut k = head;
    while k > a && ADVERBS.at(t, k - 1) {
        k -= 1;
    }
    if k == a || !matches!(t.norm_bytes(k - 1), b"would" | b"will" | b"'ll" | b"'d") {
        return false;
    }
    let from = k.saturating_sub(8).max(a);
    (from..k - 1).any(|i| SPEECH.at(t, i) || INTENT_TO_COOPERATE.at(t, i))
}

/// The head stands in an "if"/"unless"/"whether" clause.
fn conditional(t: &Tokens, a: usize, head: usize) -> bool {
    let mut k = head;
    while k > a {
        k -= 1;
        let w = t.norm_bytes(k);
        if matches!(w, b"if" | b"unless" | b"whether" | b"lest") {
            return true;
        }
        if matches!(w, b";" | b",")
            || (CLAUSE_BARRIERS.at(t, k) && !matches!(w, b"if"))
            || SPEECH.at(t, k)
        {
            return false;
        }
    }
    false
}

/// Phrase hits of a sentence by their first token.
struct HitAt {
    base: usize,
    at: Vec<Option<Hit>>,
}

impl HitAt {
    fn get(&self, i: &usize) -> Option<&Hit> {
        i.checked_sub(self.base)
            .and_then(|k| self.at.get(k))
            .and_then(|h| h.as_ref())
    }

    fn contains_key(&self, i: &usize) -> bool {
        self.get(i).is_some()
    }
}

impl std::ops::Index<&usize> for HitAt {
    type Output = Hit;
    fn index(&self, i: &usize) -> &Hit {
        self.get(i).unwrap_or_else(|| unreachable!("no hit at {i}"))
    }
}

/// Acts that happen at a place, so that the place can stand for their target when no
/// participant is named: meetings and visits, protests, force.
fn physical_act(code: &str) -> bool {
    // (015: a claim of responsibility is located by the act it claims)
    code == "015"
        || matches!(
            code.get(..2),
            Some("04" | "14" | "15" | "17" | "18" | "19" | "20")
        )
}

/// "X gave a speech and met Y": for a verb right after "and" (through "to" or adverbs),
/// the head of the verb coordinated before it.
fn coordinated_verb(t: &Tokens, verbish: &[bool], a: usize, head: usize) -> Option<usize> {
    let mut k = head;
    while k > a && ADVERBS.at(t, k - 1) {
        k -= 1;
    }
    // "sent a team to help": a purpose infinitive shares the previous verb's subject
    let purpose = k > a && t.norm_bytes(k - 1) == b"to";
    if purpose {
        k -= 1;
        while k > a && ADVERBS.at(t, k - 1) {
            k -= 1;
        }
    }
    if k == a || (!purpose && t.norm_bytes(k - 1) != b"and") {
        return None;
    }
    let stop = if purpose { k } else { k - 1 };
    (a..stop).rev().find(|&i| verbish[i - a])
}

//! Text analysis for support mail in English, French and Indonesian alike.
//!
//! The tokenizer splits on spaces and punctuation, but keeps what support people search for whole:
//! an address (`ana@client.example`), a domain (`acme.com`), a version (`v2.3.1`), an error code
//! (`E-1042`), a hyphenated or elided word (`e-mail`, `l'export`). Such a compound is indexed
//! whole, and each of its parts is indexed too, at the positions they occupy — so `acme.com` finds
//! the address at that domain, `2.3.1` finds `v2.3.1`, and `export` finds `l'export`. An
//! address also gives its domain. Then every token is lower-cased and folded to ASCII (so
//! "cloture" finds "clôture"), and over-long tokens are dropped.
//!
//! Stemming is a separate analyser per language ([`STEM_EN`], [`STEM_FR`]), applied to a
//! message's text when its language is known ([`guess_language`]); Indonesian has no stemmer here,
//! and folding is applied everywhere.

use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, Stemmer, TextAnalyzer, Token,
    TokenStream, Tokenizer, TokenizerManager,
};

/// The folded analyser (every text field).
pub const FOLDED: &str = "siphon_folded";
/// English stemming on top of folding.
pub const STEM_EN: &str = "siphon_stem_en";
/// French stemming on top of folding.
pub const STEM_FR: &str = "siphon_stem_fr";

/// Characters that join the parts of a compound (inside a word, never at its ends).
fn is_joiner(c: char) -> bool {
    matches!(
        c,
        '.' | '@' | '-' | '_' | '+' | '/' | '\'' | '’' | ':' | '#'
    )
}

/// The mail tokenizer (see the module docs).
#[derive(Clone, Default)]
pub struct MailTokenizer {
    tokens: Vec<Token>,
}

pub struct MailTokenStream<'a> {
    tokens: &'a mut [Token],
    /// One past the current token (0 before the first `advance`).
    at: usize,
    /// What `token()` shows before the first token or when there is none.
    fallback: Token,
}

impl TokenStream for MailTokenStream<'_> {
    fn advance(&mut self) -> bool {
        if self.at < self.tokens.len() {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn token(&self) -> &Token {
        match self.at.checked_sub(1) {
            Some(i) => &self.tokens[i],
            None => &self.fallback,
        }
    }

    fn token_mut(&mut self) -> &mut Token {
        match self.at.checked_sub(1) {
            Some(i) => &mut self.tokens[i],
            None => &mut self.fallback,
        }
    }
}

impl Tokenizer for MailTokenizer {
    type TokenStream<'a> = MailTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> MailTokenStream<'a> {
        self.tokens.clear();
        tokenize(text, &mut self.tokens);
        MailTokenStream {
            tokens: &mut self.tokens,
            at: 0,
            fallback: Token::default(),
        }
    }
}

fn push(out: &mut Vec<Token>, text: &str, from: usize, position: usize, len: usize) {
    out.push(Token {
        offset_from: from,
        offset_to: from + text.len(),
        position,
        text: text.to_string(),
        position_length: len.max(1),
    });
}

/// Splits `text` into tokens: words, and compounds with their parts.
pub fn tokenize(text: &str, out: &mut Vec<Token>) {
    let mut position = 0usize;
    let mut chars = text.char_indices().peekable();
    while let Some(&(start, c)) = chars.peek() {
        if !c.is_alphanumeric() {
            chars.next();
            continue;
        }
        // A chunk: alphanumerics, with joiners allowed between them.
        let mut end = start;
        while let Some(&(i, c)) = chars.peek() {
            if c.is_alphanumeric() {
                end = i + c.len_utf8();
                chars.next();
            } else if is_joiner(c) {
                // A joiner counts only when an alphanumeric follows it.
                let mut ahead = chars.clone();
                ahead.next();
                match ahead.peek() {
                    Some(&(_, n)) if n.is_alphanumeric() => {
                        chars.next();
                    }
                    _ => break,
                }
            } else {
                break;
            }
        }
        let chunk = &text[start..end];
        let parts: Vec<(usize, &str)> = split_parts(chunk);
        if parts.len() == 1 || !chunk.contains(is_joiner) {
            push(out, chunk, start, position, 1);
            position += 1;
            continue;
        } else {
            push(out, chunk, start, position, parts.len());
            if let Some(at) = chunk.find('@') {
                let domain = &chunk[at + 1..];
                let domain_parts = split_parts(domain).len();
                if domain_parts > 1 {
                    let first = parts.len() - domain_parts;
                    push(out, domain, start + at + 1, position + first, domain_parts);
                }
            }
            for (i, (off, part)) in parts.iter().enumerate() {
                push(out, part, start + off, position + i, 1);
            }
        }
        position += parts.len();
    }
}

/// The parts of a chunk, with their byte offsets: its alphanumeric runs, cut again where letters
/// meet digits (`v2` → `v`, `2`), so `2.3.1` finds `v2.3.1`.
fn split_parts(chunk: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut from: Option<usize> = None;
    let mut prev_digit = false;
    for (i, c) in chunk.char_indices() {
        let alnum = c.is_alphanumeric();
        let digit = c.is_ascii_digit();
        match from {
            Some(f) if !alnum => {
                out.push((f, &chunk[f..i]));
                from = None;
            }
            Some(f) if digit != prev_digit => {
                out.push((f, &chunk[f..i]));
                from = Some(i);
            }
            None if alnum => from = Some(i),
            _ => {}
        }
        prev_digit = digit;
    }
    if let Some(f) = from {
        out.push((f, &chunk[f..]));
    }
    out
}

/// The folded analyser.
pub fn analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(MailTokenizer::default())
        .filter(RemoveLongFilter::limit(48))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

/// The folded analyser with a language's stemmer after it.
pub fn stemmer(language: Language) -> TextAnalyzer {
    TextAnalyzer::builder(MailTokenizer::default())
        .filter(RemoveLongFilter::limit(48))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(Stemmer::new(language))
        .build()
}

/// Registers Siphon's analysers with an index's tokenizer manager.
pub fn register(manager: &TokenizerManager) {
    manager.register(FOLDED, analyzer());
    manager.register(STEM_EN, stemmer(Language::English));
    manager.register(STEM_FR, stemmer(Language::French));
}

/// The terms an analyser makes of a text, in order (for queries and tests).
pub fn terms(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut stream = analyzer.token_stream(text);
    while let Some(t) = stream.next() {
        out.push(t.text.clone());
    }
    out
}

/// A message's language, when the text says it clearly enough to stem it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    English,
    French,
    Indonesian,
}

/// Guesses the language from common short words (a support message is rarely mixed).
pub fn guess_language(text: &str) -> Option<Lang> {
    const EN: &[&str] = &[
        "the", "and", "is", "to", "of", "it", "you", "we", "not", "with", "this", "have", "for",
        "when", "can", "our", "my", "thanks", "please",
    ];
    const FR: &[&str] = &[
        "le", "la", "les", "et", "est", "de", "des", "un", "une", "pas", "nous", "vous", "je",
        "pour", "avec", "merci", "bonjour", "sur", "dans",
    ];
    const ID: &[&str] = &[
        "yang", "dan", "di", "tidak", "ini", "itu", "saya", "kami", "untuk", "dengan", "ada",
        "terima", "kasih", "mohon", "bisa", "sudah", "akan",
    ];
    let (mut en, mut fr, mut id) = (0u32, 0u32, 0u32);
    for w in text
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
        .take(400)
    {
        let w = w.to_lowercase();
        en += u32::from(EN.contains(&w.as_str()));
        fr += u32::from(FR.contains(&w.as_str()));
        id += u32::from(ID.contains(&w.as_str()));
    }
    let best = en.max(fr).max(id);
    // Three telling words, or two when no other language has any (a one-line message).
    let others = en + fr + id - best;
    if best < 3 && !(best == 2 && others == 0) {
        return None;
    }
    let lead = |x: u32| x == best && [en, fr, id].iter().filter(|&&y| y == best).count() == 1;
    if lead(en) {
        Some(Lang::English)
    } else if lead(fr) {
        Some(Lang::French)
    } else if lead(id) {
        Some(Lang::Indonesian)
    } else {
        None
    }
}

#[cfg(test)]
mod tests;

//! Quality warnings on an entry that is otherwise valid: a long summary, a stale date,
//! placeholders `errdex new` left in, and sentences repeated within the entry.

use std::ops::Range;

use super::fields::Fields;
use super::validate::{Prose, Validator};
use crate::diagnostic::Problem;

/// A sentence of the entry's prose, as the site-wide check compares them: the hash of its
/// letters and digits (see `loose_text`) and about where it starts in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SentenceKey {
    pub hash: u64,
    pub at: u32,
}

/// The text `errdex new` puts in fields; `check` warns while any is left.
pub const PLACEHOLDER: &str = "TODO:";

impl Validator<'_> {
    /// Quality warnings: a long summary, a stale date, placeholders left in, repeated sentences.
    pub(super) fn warnings(
        &mut self,
        fields: &Fields,
        body: &str,
        body_offset: usize,
        stale_after_days: i64,
    ) {
        if let Some(p) = self.prose.iter().find(|p| p.field == "summary") {
            let chars = p.text.trim().chars().count();
            if chars > 160 {
                let d = self.diag_at(Problem::SummaryTooLong { chars }, p.start..p.start + 1);
                self.problems.push(d);
            }
        }
        if let Some(updated) = fields.updated {
            let days = self
                .today
                .since(updated)
                .map_or(0, |span| i64::from(span.get_days()));
            if days > stale_after_days {
                // From the defaults, the entry has no line of its own: point at its opening fence.
                let at = self.updated_at.clone().map_or(0, |r| r.start);
                self.problems.push(self.diag_at(
                    Problem::StaleEntry {
                        days,
                        limit: stale_after_days,
                    },
                    at..at + 10,
                ));
            }
        }
        let placeholders: Vec<(String, usize)> = self
            .prose
            .iter()
            .filter(|p| p.text.trim_start().starts_with(PLACEHOLDER))
            .map(|p| {
                let start = self.text[p.start..]
                    .find(PLACEHOLDER)
                    .map_or(p.start, |i| p.start + i);
                (p.field.to_string(), start)
            })
            .collect();
        for (field, start) in placeholders {
            self.problems.push(self.diag_at(
                Problem::Placeholder { field },
                start..start + PLACEHOLDER.len(),
            ));
        }
        let mut line_start = 0;
        for line in body.split_inclusive('\n') {
            if line.trim_start().starts_with(PLACEHOLDER) {
                let at = body_offset + line_start + (line.len() - line.trim_start().len());
                self.problems.push(self.diag_at(
                    Problem::Placeholder {
                        field: "body".into(),
                    },
                    at..at + PLACEHOLDER.len(),
                ));
            }
            line_start += line.len();
        }
        self.prose.push(Prose {
            field: "body",
            text: body.to_string(),
            start: body_offset,
        });
        self.repeated_sentences();
    }

    /// Sentences of eight words or more that appear more than once in the entry. Quoting the
    /// error's own text (its signature or a variant) again is not repetition. At most
    /// `MAX_REPEAT_WARNINGS` are reported per entry: past that, one more tells nothing new.
    fn repeated_sentences(&mut self) {
        const MAX_REPEAT_WARNINGS: usize = 10;
        let mut quoted: Vec<Vec<u8>> = Vec::new();
        for p in self
            .prose
            .iter()
            .filter(|p| matches!(p.field, "signature" | "variants"))
        {
            let mut loose = Vec::new();
            loose_text(&p.text, &mut loose);
            quoted.push(loose);
        }
        // Sentences are counted by the hash of their loose text: this runs on every sentence of
        // every entry, and almost every sentence is unique. Fx is several times faster than
        // SipHash here; the text is the authors' own, so hash flooding is no concern.
        use std::hash::BuildHasher;
        let hasher = rustc_hash::FxBuildHasher;
        let mut seen: rustc_hash::FxHashMap<u64, usize> = rustc_hash::FxHashMap::default();
        let mut repeats: Vec<(usize, usize, u64)> = Vec::new();
        let mut loose = Vec::new();
        for p in self
            .prose
            .iter()
            .filter(|p| !matches!(p.field, "signature" | "variants" | "title" | "code"))
        {
            for (offset, sentence) in sentences(&p.text) {
                let words = loose_text(sentence, &mut loose);
                if words < MIN_REPEAT_WORDS {
                    continue;
                }
                let hash = hasher.hash_one(loose.as_slice());
                // For the site-wide check, with about where it starts (in a quoted or folded
                // value, near). A source's title is the source's own name, shared by design.
                if p.field != "sources.title" {
                    let at = u32::try_from(p.start + offset).unwrap_or(u32::MAX);
                    self.sentences.push(SentenceKey { hash, at });
                }
                let count = seen.entry(hash).or_insert(0);
                *count += 1;
                // Quoting the error's own text again is not repetition.
                if *count == 2
                    && repeats.len() < MAX_REPEAT_WARNINGS
                    && !quoted
                        .iter()
                        .any(|q| memchr::memmem::find(q, &loose).is_some())
                {
                    // Point at the second time it is written. The body is the file's own text;
                    // a YAML value may be quoted or folded, so look for it near the value.
                    let at = if p.field == "body" {
                        Some(p.start + offset)
                    } else {
                        let window_end = (p.start + 2 * p.text.len() + 64).min(self.text.len());
                        self.text
                            .get(p.start..window_end)
                            .and_then(|w| w.find(sentence))
                            .map(|i| p.start + i)
                    };
                    let at = at.map_or(p.start..p.start + 1, |i| i..i + sentence.len());
                    repeats.push((at.start, at.end, hash));
                }
            }
        }
        for (start, end, hash) in repeats {
            let times = seen.get(&hash).copied().unwrap_or(2);
            self.problems
                .push(self.diag_at(Problem::RepeatedSentence { times }, start..end));
        }
    }
}

/// Splits prose into sentences (with their byte offsets) at `.`, `?` or `!` followed by
/// whitespace, and at blank lines.
fn sentences(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut out = Vec::new();
    let mut start = 0;
    let bytes = text.as_bytes();
    // Bytes, not chars: the marks are ASCII, which never occurs inside a multi-byte character,
    // and memchr finds them many bytes at a time. The two searches are merged in order.
    let mut marks = memchr::memchr3_iter(b'.', b'?', b'!', bytes).peekable();
    let mut breaks = memchr::memchr_iter(b'\n', bytes).peekable();
    loop {
        let next = match (marks.peek(), breaks.peek()) {
            (Some(m), Some(b)) if m < b => marks.next(),
            (_, Some(_)) => breaks.next(),
            (Some(_), None) => marks.next(),
            (None, None) => None,
        };
        let Some(i) = next else { break };
        let end_of_sentence =
            bytes[i] != b'\n' && bytes.get(i + 1).is_none_or(|b| b.is_ascii_whitespace());
        let paragraph = bytes[i] == b'\n' && bytes.get(i + 1) == Some(&b'\n');
        if end_of_sentence || paragraph {
            push_trimmed(&mut out, text, start..i + 1);
            start = i + 1;
        }
    }
    push_trimmed(&mut out, text, start..text.len());
    out.into_iter()
}

fn push_trimmed<'t>(out: &mut Vec<(usize, &'t str)>, text: &'t str, range: Range<usize>) {
    let raw = &text[range.clone()];
    let s = raw.trim_start();
    let lead = raw.len() - s.len();
    let s = s.trim_end();
    if !s.is_empty() {
        out.push((range.start + lead, s));
    }
}

/// A sentence as sentences are compared: its letters and digits, lower-cased, with everything
/// else (spaces, punctuation, marks) left out, into `out`. Returns its number of words
/// (whitespace-separated runs with a letter or digit in them).
fn loose_text(s: &str, out: &mut Vec<u8>) -> usize {
    if s.is_ascii() {
        loose_ascii(s.as_bytes(), out)
    } else {
        loose_chars(s, out)
    }
}

fn loose_chars(s: &str, out: &mut Vec<u8>) -> usize {
    out.clear();
    let mut words = 0;
    let mut in_word = false;
    for c in s.chars() {
        if c.is_alphanumeric() {
            words += usize::from(!in_word);
            in_word = true;
            for lower in c.to_lowercase() {
                let mut utf8 = [0; 4];
                out.extend_from_slice(lower.encode_utf8(&mut utf8).as_bytes());
            }
        } else if c.is_whitespace() {
            in_word = false;
        }
    }
    words
}

/// [`loose_chars`] for ASCII, nearly all text: every byte is written and then kept or not by the
/// count, so the loop has no branch on the text (word edges come too often to predict).
fn loose_ascii(s: &[u8], out: &mut Vec<u8>) -> usize {
    const ALNUM: u8 = 1;
    const SPACE: u8 = 2;
    // What each byte is, looked up rather than worked out byte by byte. Whitespace as
    // `char::is_whitespace` has it on ASCII (`u8::is_ascii_whitespace` leaves out the vertical tab).
    const CLASS: [u8; 256] = {
        let mut class = [0; 256];
        let mut b = 0;
        while b < 128 {
            let c = b as u8;
            if c.is_ascii_alphanumeric() {
                class[b] = ALNUM;
            } else if c.is_ascii_whitespace() || c == b'\x0B' {
                class[b] = SPACE;
            }
            b += 1;
        }
        class
    };
    out.clear();
    out.resize(s.len(), 0);
    let mut kept = 0;
    let mut words = 0;
    let mut in_word = false;
    for &b in s {
        let class = CLASS[usize::from(b)];
        let alnum = class == ALNUM;
        if let Some(slot) = out.get_mut(kept) {
            *slot = b.to_ascii_lowercase();
        }
        kept += usize::from(alnum);
        words += usize::from(alnum & !in_word);
        in_word = (in_word | alnum) & (class != SPACE);
    }
    out.truncate(kept);
    words
}

/// At least this many words make a sentence worth checking for repetition.
const MIN_REPEAT_WORDS: usize = 8;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_split_at_marks_and_blank_lines() {
        // The straightforward byte loop that `sentences` speeds up with memchr.
        fn reference(text: &str) -> Vec<(usize, &str)> {
            let (mut out, mut start, bytes) = (Vec::new(), 0, text.as_bytes());
            for (i, &c) in bytes.iter().enumerate() {
                let end = matches!(c, b'.' | b'?' | b'!')
                    && bytes.get(i + 1).is_none_or(|b| b.is_ascii_whitespace());
                if end || (c == b'\n' && bytes.get(i + 1) == Some(&b'\n')) {
                    push_trimmed(&mut out, text, start..i + 1);
                    start = i + 1;
                }
            }
            push_trimmed(&mut out, text, start..text.len());
            out
        }
        for text in [
            "One. Two?Three! Four\n\nFive.\nSix",
            "v1.2.3 is out. See https://example.com/a.b?c=d!\n\n\n- item.\n- other",
            "Ends with a mark.",
            "\n\n",
            "No marks at all",
            "Ünïcödé… fine. ok",
            "",
        ] {
            assert_eq!(
                sentences(text).collect::<Vec<_>>(),
                reference(text),
                "{text:?}"
            );
        }
    }

    #[test]
    fn sentences_compare_by_their_letters_and_digits() {
        let loose = |s: &str| {
            let mut out = Vec::new();
            let words = loose_text(s, &mut out);
            (String::from_utf8(out).unwrap_or_default(), words)
        };
        assert_eq!(
            loose("Run `claude /login` again, then retry: it works!"),
            ("runclaudeloginagainthenretryitworks".into(), 8)
        );
        assert_eq!(loose("-- a.b.c ... (D)e --"), ("abcde".into(), 2));
        assert_eq!(loose("Ünïcödé… FINE"), ("ünïcödéfine".into(), 2));
        assert_eq!(loose(""), (String::new(), 0));
        // Typographic quotes, case and spacing do not make two sentences different.
        assert_eq!(
            loose("He said \u{201c}Run the command again\u{201d}."),
            loose("he said  \"run the command\tagain\"")
        );
        // The byte loop for ASCII gives what the `char` loop gives.
        for s in [
            "  (Quoted) \"WORDS\"\tand ---x--- MiXeD a.b.c ",
            "  (Quoted) \"words\"\tand\x0Bvertical tabs\x0C--- ... \r\n",
            "UPPER lower MiXeD 123abc abc123 ---x--- -- x",
            "x--y-- --z-- ,a,, b!c? (d)e",
            "...",
        ] {
            let (mut fast, mut slow) = (Vec::new(), Vec::new());
            let fast_words = loose_ascii(s.as_bytes(), &mut fast);
            let slow_words = loose_chars(s, &mut slow);
            assert_eq!((fast, fast_words), (slow, slow_words), "{s:?}");
        }
    }
}

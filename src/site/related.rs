//! Each entry's related errors: its own `related` list first, then neighbours with the same
//! code, then the same kind in the same tool.

use std::collections::HashMap;
use std::sync::Arc;

use crate::entry::Entry;

/// How many related errors a page shows at most, unless its own list is longer.
const MAX_RELATED: usize = 6;

/// Computes every entry's related errors at once, with indexes by code and by (kind, tool).
pub(super) fn related_errors(entries: &[Arc<Entry>]) -> Vec<Vec<usize>> {
    let position: HashMap<&str, usize> = entries
        .iter()
        .enumerate()
        .map(|(i, e)| (e.id.as_str(), i))
        .collect();
    let mut by_code: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut by_kind_tool: HashMap<(&str, &str), Vec<usize>> = HashMap::new();
    for (i, e) in entries.iter().enumerate() {
        if let Some(code) = &e.code {
            by_code.entry(code).or_default().push(i);
        }
        if let Some(kind) = &e.kind {
            by_kind_tool.entry((kind, &e.tool)).or_default().push(i);
        }
    }
    let none = Vec::new();
    entries
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let mut picked: Vec<usize> = e
                .related
                .iter()
                .filter_map(|r| position.get(r.value.as_str()).copied())
                .filter(|&j| j != i)
                .collect();
            let cap = MAX_RELATED.max(picked.len());
            let same_code = e
                .code
                .as_deref()
                .and_then(|c| by_code.get(c))
                .unwrap_or(&none);
            let same_kind_tool = e
                .kind
                .as_deref()
                .and_then(|k| by_kind_tool.get(&(k, e.tool.as_str())))
                .unwrap_or(&none);
            for &j in same_code.iter().chain(same_kind_tool) {
                if picked.len() >= cap {
                    break;
                }
                if j != i && !picked.contains(&j) {
                    picked.push(j);
                }
            }
            picked
        })
        .collect()
}

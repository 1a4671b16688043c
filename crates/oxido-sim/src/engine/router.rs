//! Matches a request path against the description's path templates.

use std::collections::HashMap;

use super::spec::{Method, OPS, OpId};

/// One path template and the operations on it.
#[derive(Debug)]
pub(crate) struct Template {
    pub path: &'static str,
    /// The template's segments after the leading `/`; `Some(name)` for a parameter.
    pub params: Vec<Option<&'static str>>,
    pub literals: Vec<&'static str>,
    pub ops: Vec<(Method, OpId)>,
}

impl Template {
    pub fn op(&self, method: Method) -> Option<OpId> {
        self.ops.iter().find(|(m, _)| *m == method).map(|(_, i)| *i)
    }

    /// The `Allow` header value: every method documented on this path.
    pub fn allow(&self) -> String {
        let mut methods: Vec<&str> = self.ops.iter().map(|(m, _)| m.as_str()).collect();
        methods.sort_unstable();
        methods.join(", ")
    }
}

#[derive(Debug, Default)]
struct Node {
    literal: HashMap<&'static str, Node>,
    param: Option<Box<Node>>,
    template: Option<usize>,
}

/// The route table: a segment trie over every template.
#[derive(Debug)]
pub(crate) struct Routes {
    root: Node,
    pub templates: Vec<Template>,
}

/// A matched path: the template and the decoded values of its parameters, in order.
#[derive(Debug)]
pub(crate) struct Matched {
    pub template: usize,
    pub values: Vec<String>,
}

impl Routes {
    pub fn build() -> Self {
        let mut templates: Vec<Template> = Vec::new();
        let mut by_path: HashMap<&'static str, usize> = HashMap::new();
        let mut root = Node::default();
        for op in OPS {
            let t = *by_path.entry(op.path).or_insert_with(|| {
                let segments: Vec<&'static str> = op.path[1..].split('/').collect();
                let mut node = &mut root;
                for seg in &segments {
                    node = if seg.starts_with('{') {
                        node.param.get_or_insert_with(Box::default)
                    } else {
                        node.literal.entry(seg).or_default()
                    };
                }
                node.template = Some(templates.len());
                templates.push(Template {
                    path: op.path,
                    params: segments
                        .iter()
                        .map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
                        .collect(),
                    literals: segments,
                    ops: Vec::new(),
                });
                templates.len() - 1
            });
            templates[t].ops.push((op.method, op.op));
        }
        Self { root, templates }
    }

    /// The template matching `path`, preferring literal segments over parameters.
    pub fn find(&self, path: &str) -> Option<Matched> {
        let rest = path.strip_prefix('/')?;
        let segments: Vec<&str> = rest.split('/').collect();
        let template = walk(&self.root, &segments)?;
        let values = self.templates[template]
            .params
            .iter()
            .zip(&segments)
            .filter(|(p, _)| p.is_some())
            .map(|(_, s)| {
                percent_encoding::percent_decode_str(s)
                    .decode_utf8_lossy()
                    .into_owned()
            })
            .collect();
        Some(Matched { template, values })
    }
}

fn walk(node: &Node, segments: &[&str]) -> Option<usize> {
    let Some((first, rest)) = segments.split_first() else {
        return node.template;
    };
    if let Some(found) = node.literal.get(first).and_then(|n| walk(n, rest)) {
        return Some(found);
    }
    if first.is_empty() {
        return None;
    }
    node.param.as_deref().and_then(|n| walk(n, rest))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_is_routed_and_literals_win() {
        let routes = Routes::build();
        assert_eq!(OPS.len(), 659);
        let ops: usize = routes.templates.iter().map(|t| t.ops.len()).sum();
        assert_eq!(ops, 659);
        let m = routes.find("/v2/droplets/actions").expect("matches");
        assert_eq!(routes.templates[m.template].path, "/v2/droplets/actions");
        let m = routes
            .find("/v2/domains/example.com/records/2")
            .expect("matches");
        assert_eq!(
            routes.templates[m.template].path,
            "/v2/domains/{domain_name}/records/{domain_record_id}"
        );
        assert_eq!(m.values, ["example.com", "2"]);
        assert!(routes.find("/v2/nothing-here").is_none());
        assert!(routes.find("/v2/volumes/").is_none());
        assert!(routes.find("/v1/models").is_some());
    }
}

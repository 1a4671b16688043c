//! The naming rules of issue 8, section 4, and identifier hygiene.

/// `snake`: `_` before an uppercase letter that follows a lowercase letter or a digit, then lowercase.
pub fn snake(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 4);
    let mut prev: Option<char> = None;
    for c in text.chars() {
        if c.is_ascii_uppercase()
            && prev.is_some_and(|p| p.is_ascii_lowercase() || p.is_ascii_digit())
        {
            out.push('_');
        }
        out.push(c.to_ascii_lowercase());
        prev = Some(c);
    }
    out
}

/// Splits an operationId into (handler, method) by the naming rule, with the one documented exception and
/// the `.yml` suffix dropped.
pub fn operation_names(operation_id: &str) -> (String, String) {
    let id = operation_id.strip_suffix(".yml").unwrap_or(operation_id);
    let (prefix, rest) = id.split_once('_').unwrap_or((id, ""));
    let method = match id {
        "apps_get_appCPUPercentageMetrics" => "get_app_cpu_percentage_metrics".to_owned(),
        _ => snake(rest),
    };
    (snake(prefix), method)
}

/// A Rust type name from a schema name or a context path: words split at `_`, `-`, `.`, spaces and
/// lowercase→uppercase steps, each capitalised.
pub fn pascal(text: &str) -> String {
    let mut out = String::new();
    let mut upper_next = true;
    let mut prev_lower = false;
    for c in text.chars() {
        if !c.is_ascii_alphanumeric() {
            upper_next = true;
            prev_lower = false;
            continue;
        }
        if upper_next || (c.is_ascii_uppercase() && prev_lower) {
            out.push(c.to_ascii_uppercase());
        } else {
            out.push(c);
        }
        upper_next = false;
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
    }
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'T');
    }
    out
}

const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut",
    "pub", "ref", "return", "self", "static", "struct", "super", "trait", "true", "type", "unsafe",
    "use", "where", "while", "abstract", "become", "box", "do", "final", "macro", "override",
    "priv", "try", "typeof", "unsized", "virtual", "yield",
];

/// A snake_case identifier for any JSON name; keywords become raw identifiers.
pub fn ident(name: &str) -> String {
    let mut out = String::new();
    for c in snake(name).chars() {
        if c.is_ascii_alphanumeric() || c == '_' {
            out.push(c);
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    let mut out = out.trim_matches('_').to_owned();
    if out.is_empty() {
        out = "value".to_owned();
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert_str(0, "n_");
    }
    if matches!(out.as_str(), "self" | "super" | "crate" | "Self") {
        out.push('_');
    } else if KEYWORDS.contains(&out.as_str()) {
        out.insert_str(0, "r#");
    }
    out
}

/// A field name for a JSON property: like [`ident`], but `type` reads as `kind` (as in `Action::kind`).
pub fn field_ident(name: &str) -> String {
    match ident(name).as_str() {
        "r#type" => "kind".to_owned(),
        other => other.to_owned(),
    }
}

/// The name without a raw-identifier prefix, for messages and docs.
pub fn bare(ident: &str) -> &str {
    ident.strip_prefix("r#").unwrap_or(ident)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_follows_the_issue() {
        assert_eq!(snake("floatingIPsAction"), "floating_ips_action");
        assert_eq!(snake("reservedIPv6Actions"), "reserved_ipv6_actions");
        assert_eq!(snake("oneClicks"), "one_clicks");
        assert_eq!(snake("list_byoipPrefixes"), "list_byoip_prefixes");
    }

    #[test]
    fn operation_names_apply_the_exception_and_drop_yml() {
        assert_eq!(
            operation_names("apps_get_appCPUPercentageMetrics"),
            (
                "apps".to_owned(),
                "get_app_cpu_percentage_metrics".to_owned()
            )
        );
        assert_eq!(
            operation_names("kubernetes_get_kubeconfig.yml"),
            ("kubernetes".to_owned(), "get_kubeconfig".to_owned())
        );
        assert_eq!(
            operation_names("droplets_destroy_withAssociatedResourcesDangerous"),
            (
                "droplets".to_owned(),
                "destroy_with_associated_resources_dangerous".to_owned()
            )
        );
    }

    #[test]
    fn identifiers_are_valid() {
        assert_eq!(pascal("droplet_create"), "DropletCreate");
        assert_eq!(pascal("apiAgent"), "ApiAgent");
        assert_eq!(pascal("1-click"), "T1Click");
        assert_eq!(ident("type"), "r#type");
        assert_eq!(field_ident("type"), "kind");
        assert_eq!(ident("X-Dangerous"), "x_dangerous");
        assert_eq!(ident("$ref"), "ref_".replace("ref_", "r#ref"));
        assert_eq!(ident("2fa"), "n_2fa");
    }
}

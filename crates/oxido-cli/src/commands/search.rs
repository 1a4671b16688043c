//! `oxido search WORDS`: the commands whose name, group or summary holds every word.

use crate::commands::generated::handler_about_line;
use crate::error::CliError;
use crate::generated::table::OPS;
use crate::output::Output;
use crate::output::table::render_titled;

/// The curated commands, for the search: (command line, summary).
const CURATED: &[(&str, &str)] = &[
    (
        "droplet-action",
        "Act on droplets (reboot, resize, snapshot, power) and read their actions",
    ),
    ("action", "Read and wait for actions of any resource"),
    ("auth", "Store API tokens in named contexts"),
    ("completion", "Print a shell completion script"),
    (
        "account ratelimit",
        "Show the API's rate limit: requests per hour, remaining, and when it resets",
    ),
    (
        "kubernetes kubeconfig save",
        "Save a cluster's kubeconfig into ~/.kube/config or $KUBECONFIG (k8s kubeconfig save)",
    ),
];

/// Prints every matching command with its summary; none found is a usage error (exit 2)
/// so a script notices.
pub fn run(words: &[String], output: &Output) -> Result<(), CliError> {
    let words: Vec<String> = words.iter().map(|w| w.to_lowercase()).collect();
    let matches = |text: &str| {
        let text = text.to_lowercase();
        words.iter().all(|w| text.contains(w.as_str()))
    };
    let mut rows: Vec<Vec<String>> = CURATED
        .iter()
        .filter(|(name, summary)| matches(&format!("{name} {summary}")))
        .map(|(name, summary)| vec![format!("oxido {name}"), (*summary).to_owned()])
        .collect();
    for op in OPS {
        let haystack = format!(
            "{} {} {} {} {}",
            op.handler,
            op.name,
            op.aliases.join(" "),
            op.summary,
            handler_about_line(op.handler)
        );
        if matches(&haystack) {
            rows.push(vec![
                format!("oxido {} {}", op.handler, op.name),
                op.summary.to_owned(),
            ]);
        }
    }
    if rows.is_empty() {
        return Err(CliError::Usage(format!(
            "no command matches `{}`; docs/cli.md lists them all",
            words.join(" ")
        )));
    }
    let titles = ["Command".to_owned(), "Summary".to_owned()];
    crate::output::write_stdout(&render_titled(&titles, &rows, output.header(), None))
        .map_err(CliError::Io)
}

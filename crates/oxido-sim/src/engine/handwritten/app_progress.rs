//! What a deployment reports of itself, derived from its phase and spec when it is read:
//! `progress` (build, then deploy, one step per component) and the component summaries
//! (`services`, `workers`, …). doctl's `apps create --wait` waits until every step
//! succeeded and stops at the first error, so these must follow the phase.

use serde_json::{Map, Value, json};

/// The spec's component lists, with how the build and deploy steps name each kind.
const KINDS: [(&str, &str); 5] = [
    ("services", "service"),
    ("workers", "worker"),
    ("jobs", "job"),
    ("static_sites", "static site"),
    ("functions", "functions"),
];

/// Status of the build and the deploy stage in a phase.
fn stages(phase: &str) -> (&'static str, &'static str) {
    match phase {
        "PENDING_BUILD" => ("PENDING", "PENDING"),
        "BUILDING" => ("RUNNING", "PENDING"),
        "PENDING_DEPLOY" => ("SUCCESS", "PENDING"),
        "DEPLOYING" => ("SUCCESS", "RUNNING"),
        "ACTIVE" | "SUPERSEDED" => ("SUCCESS", "SUCCESS"),
        // The emulator fails or cancels a deployment before its build ends.
        "ERROR" | "CANCELED" => ("ERROR", "PENDING"),
        _ => ("UNKNOWN", "UNKNOWN"),
    }
}

fn leaf(name: &str, status: &str, component: Option<(&str, &str)>) -> Value {
    let mut step = json!({"name": name, "status": status});
    if let Some((component, message)) = component {
        step["component_name"] = Value::from(component);
        step["message_base"] = Value::from(message);
    }
    step
}

fn group(name: &str, status: &str, steps: Vec<Value>) -> Value {
    json!({"name": name, "status": status, "steps": steps})
}

/// `(name, kind word)` of every component of `spec`, in the spec's order by kind.
fn components(spec: &Value) -> Vec<(String, &'static str, &'static str)> {
    KINDS
        .iter()
        .filter_map(|(kind, word)| Some((*kind, *word, spec.get(*kind)?.as_array()?)))
        .flat_map(|(kind, word, items)| {
            items
                .iter()
                .filter_map(move |c| Some((c.get("name")?.as_str()?.to_owned(), kind, word)))
        })
        .collect()
}

fn progress(spec: &Value, phase: &str, canceled: bool) -> Value {
    let (build, deploy) = stages(phase);
    let parts = components(spec);
    let built: Vec<Value> = parts
        .iter()
        .map(|(name, _, word)| leaf(name, build, Some((name, &format!("Building {word}")))))
        .collect();
    let deployed: Vec<Value> = parts
        .iter()
        .map(|(name, kind, word)| {
            let mut steps = vec![leaf(
                name,
                deploy,
                Some((name, &format!("Deploying {word}"))),
            )];
            steps[0]["name"] = Value::from("deploy");
            if matches!(*kind, "services" | "workers") {
                steps.push(leaf(
                    "wait",
                    deploy,
                    Some((name, &format!("Waiting for {word}"))),
                ));
            }
            let mut one = group(name, deploy, steps);
            one["component_name"] = Value::from(name.as_str());
            one
        })
        .collect();
    let mut build_steps = vec![leaf("initialize", build, None)];
    if !built.is_empty() {
        build_steps.push(group("components", build, built));
    }
    let mut build_stage = group("build", build, build_steps);
    if canceled {
        build_stage["reason"] =
            json!({"code": "canceled", "message": "the deployment was canceled"});
    }
    let mut deploy_steps = vec![leaf("initialize", deploy, None)];
    if !deployed.is_empty() {
        deploy_steps.push(group("components", deploy, deployed));
    }
    deploy_steps.push(leaf("finalize", deploy, None));
    let steps = vec![build_stage, group("deploy", deploy, deploy_steps)];
    let mut counts = Map::new();
    count_leaves(&steps, &mut counts);
    let total: u64 = counts.values().filter_map(Value::as_u64).sum();
    let mut out = json!({"total_steps": total, "steps": steps});
    for (status, member) in [
        ("PENDING", "pending_steps"),
        ("RUNNING", "running_steps"),
        ("SUCCESS", "success_steps"),
        ("ERROR", "error_steps"),
    ] {
        out[member] = counts.get(status).cloned().unwrap_or(Value::from(0));
    }
    out
}

fn count_leaves(steps: &[Value], counts: &mut Map<String, Value>) {
    for step in steps {
        match step.get("steps").and_then(Value::as_array) {
            Some(children) => count_leaves(children, counts),
            None => {
                let status = step["status"].as_str().unwrap_or("UNKNOWN").to_owned();
                let slot = counts.entry(status).or_insert(Value::from(0));
                *slot = Value::from(slot.as_u64().unwrap_or(0) + 1);
            }
        }
    }
}

/// A source commit for a component of a deployment: stable for the pair, 40 hex digits.
fn commit(deployment: &str, component: &str) -> String {
    use md5::{Digest, Md5};
    let hex: String = Md5::digest(format!("{deployment}/{component}"))
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("{hex}{}", &hex[..8])
}

/// Sets `progress` and the component summaries of `deployment` from its phase and spec.
pub(super) fn derive(deployment: &mut Value) {
    let Some(spec) = deployment.get("spec").cloned() else {
        return;
    };
    let phase = deployment
        .get("phase")
        .and_then(Value::as_str)
        .unwrap_or("UNKNOWN")
        .to_owned();
    let id = deployment
        .get("id")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let Some(map) = deployment.as_object_mut() else {
        return;
    };
    map.insert(
        "progress".into(),
        progress(&spec, &phase, phase == "CANCELED"),
    );
    for (kind, _) in KINDS {
        let summaries: Vec<Value> = spec
            .get(kind)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|c| c.get("name")?.as_str())
            .map(|name| json!({"name": name, "source_commit_hash": commit(&id, name)}))
            .collect();
        if summaries.is_empty() {
            map.remove(kind);
        } else {
            map.insert(kind.into(), Value::Array(summaries));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> Value {
        json!({"name": "a", "services": [{"name": "api"}], "static_sites": [{"name": "site"}]})
    }

    #[test]
    fn a_deployment_in_each_phase_counts_its_steps_by_status() {
        for (phase, pending, running, success, error) in [
            ("PENDING_BUILD", 8, 0, 0, 0),
            ("BUILDING", 5, 3, 0, 0),
            ("PENDING_DEPLOY", 5, 0, 3, 0),
            ("DEPLOYING", 0, 5, 3, 0),
            ("ACTIVE", 0, 0, 8, 0),
            ("ERROR", 5, 0, 0, 3),
        ] {
            let mut d = json!({"id": "d1", "phase": phase, "spec": spec()});
            derive(&mut d);
            let p = &d["progress"];
            assert_eq!(p["total_steps"], 8, "{phase}: {p}");
            assert_eq!(
                [
                    &p["pending_steps"],
                    &p["running_steps"],
                    &p["success_steps"],
                    &p["error_steps"]
                ],
                [pending, running, success, error],
                "{phase}: {p}"
            );
        }
    }

    #[test]
    fn components_are_the_specs_own_with_a_stable_commit() {
        let mut d = json!({"id": "d1", "phase": "ACTIVE", "spec": spec(),
            "services": [{"name": "web"}], "workers": [{"name": "old"}]});
        derive(&mut d);
        assert_eq!(d["services"][0]["name"], "api");
        assert_eq!(d["static_sites"][0]["name"], "site");
        assert!(d.get("workers").is_none(), "{d}");
        let hash = d["services"][0]["source_commit_hash"]
            .as_str()
            .unwrap()
            .to_owned();
        assert_eq!(hash.len(), 40);
        derive(&mut d);
        assert_eq!(d["services"][0]["source_commit_hash"], hash.as_str());
        let build = &d["progress"]["steps"][0]["steps"][1]["steps"][0];
        assert_eq!(build["component_name"], "api");
        assert_eq!(build["message_base"], "Building service");
    }
}

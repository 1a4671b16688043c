//! doctl's compact flag syntaxes, for the doctl users who know them:
//! `--inbound-rules "protocol:tcp,ports:22,address:0.0.0.0/0 protocol:icmp,tag:web"` (rules
//! apart by spaces, `key:value` pairs by commas) and
//! `--node-pool "name=web;size=s-2vcpu-4gb;count=3;tag=a;label=k=v;auto-scale=true"`.

use serde_json::{Map, Value, json};

/// Firewall rules: for `inbound_rules` the addresses, Droplets, tags, load balancers and
/// Kubernetes clusters go under `sources`, for `outbound_rules` under `destinations`.
pub fn firewall_rules(wire: &str, text: &str) -> Result<Value, String> {
    let side = if wire == "inbound_rules" {
        "sources"
    } else {
        "destinations"
    };
    let mut rules = Vec::new();
    for rule in text.split_whitespace() {
        let mut protocol = None;
        let mut ports = None;
        let mut targets = Map::new();
        for pair in rule.split(',').filter(|p| !p.is_empty()) {
            let (key, value) = pair
                .split_once(':')
                .ok_or_else(|| format!("`{pair}` is not key:value"))?;
            let (list, item) = match key {
                "protocol" => {
                    protocol = Some(value.to_owned());
                    continue;
                }
                "ports" => {
                    ports = Some(value.to_owned());
                    continue;
                }
                "address" => ("addresses", json!(value)),
                "droplet_id" => (
                    "droplet_ids",
                    json!(
                        value
                            .parse::<u64>()
                            .map_err(|_| format!("droplet_id:{value} is not a Droplet id"))?
                    ),
                ),
                "tag" => ("tags", json!(value)),
                "load_balancer_uid" => ("load_balancer_uids", json!(value)),
                "kubernetes_id" => ("kubernetes_ids", json!(value)),
                other => {
                    return Err(format!(
                        "unknown key `{other}` in `{rule}`; known: protocol, ports, address, \
                         droplet_id, tag, load_balancer_uid, kubernetes_id"
                    ));
                }
            };
            match targets
                .entry(list)
                .or_insert_with(|| Value::Array(Vec::new()))
            {
                Value::Array(items) => items.push(item),
                _ => unreachable!("every entry is an array"),
            }
        }
        let protocol = protocol.ok_or_else(|| format!("`{rule}` has no protocol"))?;
        // ICMP has no ports; the API takes "0" for every port of TCP and UDP too.
        let ports = ports.unwrap_or_else(|| "0".to_owned());
        rules.push(json!({"protocol": protocol, "ports": ports, side: targets}));
    }
    if rules.is_empty() {
        return Err("no rule given".to_owned());
    }
    Ok(Value::Array(rules))
}

/// One Kubernetes node pool.
pub fn node_pool(text: &str) -> Result<Value, String> {
    let mut pool = Map::new();
    let number = |key: &str, value: &str| {
        value
            .parse::<u64>()
            .map(Value::from)
            .map_err(|_| format!("{key}={value} is not a whole number"))
    };
    for pair in text.split(';').map(str::trim).filter(|p| !p.is_empty()) {
        let (key, value) = pair
            .split_once('=')
            .ok_or_else(|| format!("`{pair}` is not key=value"))?;
        match key {
            "name" | "size" => {
                pool.insert(key.to_owned(), json!(value));
            }
            "count" | "min-nodes" | "max-nodes" => {
                pool.insert(key.replace('-', "_"), number(key, value)?);
            }
            "auto-scale" => {
                let on = value
                    .parse::<bool>()
                    .map_err(|_| format!("auto-scale={value} is not true or false"))?;
                pool.insert("auto_scale".to_owned(), json!(on));
            }
            "tag" => push(&mut pool, "tags", json!(value)),
            "label" => {
                let (k, v) = value
                    .split_once('=')
                    .ok_or_else(|| format!("label={value} is not label=key=value"))?;
                match pool
                    .entry("labels")
                    .or_insert_with(|| Value::Object(Map::new()))
                {
                    Value::Object(labels) => {
                        labels.insert(k.to_owned(), json!(v));
                    }
                    _ => unreachable!("labels is an object"),
                }
            }
            "taint" => {
                // key=value:effect
                let (kv, effect) = value
                    .rsplit_once(':')
                    .ok_or_else(|| format!("taint={value} is not taint=key=value:effect"))?;
                let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
                push(
                    &mut pool,
                    "taints",
                    json!({"key": k, "value": v, "effect": effect}),
                );
            }
            other => {
                return Err(format!(
                    "unknown key `{other}`; known: name, size, count, tag, label, taint, \
                     auto-scale, min-nodes, max-nodes"
                ));
            }
        }
    }
    if pool.is_empty() {
        return Err("an empty node pool".to_owned());
    }
    Ok(Value::Object(pool))
}

fn push(map: &mut Map<String, Value>, key: &str, item: Value) {
    match map.entry(key).or_insert_with(|| Value::Array(Vec::new())) {
        Value::Array(items) => items.push(item),
        _ => unreachable!("{key} is an array"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doctl_firewall_rules_become_the_api_shape() {
        let rules = firewall_rules(
            "inbound_rules",
            "protocol:tcp,ports:22,address:0.0.0.0/0,address:::/0 protocol:icmp,tag:web,droplet_id:7",
        )
        .unwrap();
        assert_eq!(
            rules,
            json!([
                {"protocol": "tcp", "ports": "22", "sources": {"addresses": ["0.0.0.0/0", "::/0"]}},
                {"protocol": "icmp", "ports": "0", "sources": {"tags": ["web"], "droplet_ids": [7]}}
            ])
        );
        let out =
            firewall_rules("outbound_rules", "protocol:udp,ports:53,address:0.0.0.0/0").unwrap();
        assert_eq!(out[0]["destinations"]["addresses"][0], "0.0.0.0/0");
        assert!(
            firewall_rules("inbound_rules", "ports:22")
                .unwrap_err()
                .contains("no protocol")
        );
        assert!(
            firewall_rules("inbound_rules", "protocol:tcp,colour:red")
                .unwrap_err()
                .contains("unknown key `colour`")
        );
    }

    #[test]
    fn doctl_node_pools_become_the_api_shape() {
        let pool = node_pool(
            "name=web;size=s-2vcpu-4gb;count=3;tag=a;tag=b;label=tier=front;auto-scale=true;min-nodes=1;max-nodes=5",
        )
        .unwrap();
        assert_eq!(
            pool,
            json!({"name": "web", "size": "s-2vcpu-4gb", "count": 3, "tags": ["a", "b"],
                   "labels": {"tier": "front"}, "auto_scale": true, "min_nodes": 1, "max_nodes": 5})
        );
        assert!(
            node_pool("name=web;count=three")
                .unwrap_err()
                .contains("count=three")
        );
        assert!(node_pool("colour=red").unwrap_err().contains("unknown key"));
    }
}

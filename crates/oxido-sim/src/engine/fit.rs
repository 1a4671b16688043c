//! What an object of a kind may hold given the objects it belongs to: a database user
//! only its engine's settings, a connection pool standby connections only when its
//! cluster has a standby node; what it makes is the account's. Shared by the demo seed
//! and the creates.

use serde_json::{Map, Value};

/// A pool's standby connections: the pool's own connections through the cluster's
/// standby node (`replica-` host) when the cluster has one (more than one node), else
/// none (godo's `DatabasePool` leaves them out then: `omitempty`).
pub(crate) fn pool_standby(pool: &mut Value, cluster_nodes: u64) {
    let Some(map) = pool.as_object_mut() else {
        return;
    };
    for (standby, primary) in [
        ("standby_connection", "connection"),
        ("standby_private_connection", "private_connection"),
    ] {
        let conn = map.get(primary).and_then(Value::as_object).cloned();
        match conn {
            Some(mut conn) if cluster_nodes > 1 => {
                if let Some(host) = conn.get("host").and_then(Value::as_str).map(str::to_owned) {
                    let replica = format!("replica-{host}");
                    if let Some(Value::String(uri)) = conn.get_mut("uri") {
                        *uri = uri.replace(&host, &replica);
                    }
                    conn.insert("host".into(), Value::String(replica));
                }
                map.insert(standby.into(), Value::Object(conn));
            }
            _ => {
                map.remove(standby);
            }
        }
    }
}

/// Keeps in a database user only what its cluster's engine has: `settings` members of
/// the engine's own (`pg_allow_replication`, `opensearch_acl`, Kafka's `acl`,
/// `mongo_user_settings`), `mysql_settings` for MySQL, the access certificate and key
/// for Kafka (the spec's descriptions name the engine of each).
pub(crate) fn fit_user(user: &mut Value, engine: &str) {
    let Some(map) = user.as_object_mut() else {
        return;
    };
    let own: &[&str] = match engine {
        "pg" => &["pg_allow_replication"],
        "opensearch" => &["opensearch_acl"],
        "kafka" => &["acl"],
        "mongodb" => &["mongo_user_settings"],
        _ => &[],
    };
    if let Some(Value::Object(settings)) = map.get_mut("settings") {
        settings.retain(|k, _| own.contains(&k.as_str()));
    }
    if map
        .get("settings")
        .is_some_and(|s| s.as_object().is_some_and(Map::is_empty))
    {
        map.remove("settings");
    }
    if engine != "mysql" {
        map.remove("mysql_settings");
    }
    if engine != "kafka" {
        map.remove("access_cert");
        map.remove("access_key");
    }
}

/// The account's uuid, as `GET /v2/account` shows it: the owner of what it makes.
pub(crate) fn account_uuid() -> Option<String> {
    super::catalog::template(super::spec::OpId::AccountGet)
        .pointer("/account/uuid")
        .and_then(Value::as_str)
        .map(str::to_owned)
}

//! Monitoring metrics (`GET /v2/monitoring/metrics/…`): a Prometheus-style matrix made
//! from the request, labelled with the ids and filters it names and sampled between its
//! `start` and `end`, instead of the description's example series of another host at
//! another time.

use axum::response::Response;
use serde_json::{Map, Value, json};

use crate::engine::call::Call;
use crate::engine::shape::answer;
use crate::wire::error::ApiError;

/// The paths this module answers, every metric of every kind (the parity report reads it).
pub(crate) const PREFIX: &str = "/v2/monitoring/metrics/";

/// Most samples in one series, as the API caps a range query's points.
const MAX_POINTS: i64 = 100;

/// The shortest step between samples, in seconds (the agent reports each minute).
const MIN_STEP: i64 = 60;

/// Query parameters that select the window rather than label a series.
const WINDOW: [&str; 2] = ["start", "end"];

fn seconds(call: &Call<'_>, name: &str) -> Result<i64, ApiError> {
    let text = call
        .query
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .ok_or_else(|| ApiError::bad_request(format!("{name}: is required")))?;
    text.trim().parse::<i64>().map_err(|_| {
        ApiError::bad_request(format!("{name}: {text:?} is not a Unix time in seconds"))
    })
}

/// FNV-1a: a hash that is the same in every process, unlike std's.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(*byte)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// A sample's value: steady per series and time, so two reads of one window agree.
fn sample(series: u64, at: i64) -> String {
    let mixed = (series ^ at.unsigned_abs())
        .wrapping_mul(0x9E37_79B9_7F4A_7C15)
        .rotate_left(17);
    format!("{:.2}", (mixed % 10_000) as f64 / 100.0)
}

/// GET /v2/monitoring/metrics/{kind}/{metric}?…&start=&end=
pub(super) fn serve(call: &Call<'_>) -> Result<Response, ApiError> {
    let start = seconds(call, "start")?;
    let end = seconds(call, "end")?;
    if end < start {
        return Err(ApiError::bad_request("end: must not be before start"));
    }
    let mut labels = Map::new();
    for (name, value) in &call.query {
        if !WINDOW.contains(&name.as_str()) {
            labels.insert(name.clone(), Value::String(value.clone()));
        }
    }
    let metric = call.path.rsplit('/').next().unwrap_or_default();
    // CPU is reported per mode, as node_exporter does; every other metric is one series.
    let modes: &[&str] = if metric == "cpu" {
        &["idle", "user", "system", "iowait"]
    } else {
        &[""]
    };
    let step = ((end - start) / MAX_POINTS).max(MIN_STEP);
    let result: Vec<Value> = modes
        .iter()
        .map(|mode| {
            let mut series = labels.clone();
            if !mode.is_empty() {
                series.insert("mode".into(), Value::String((*mode).to_owned()));
            }
            let seed = fnv1a(format!("{}{}", call.path, Value::Object(series.clone())).as_bytes());
            let values: Vec<Value> = (0..=MAX_POINTS)
                .map(|i| start + i * step)
                .take_while(|at| *at <= end)
                .map(|at| json!([at, sample(seed, at)]))
                .collect();
            json!({ "metric": series, "values": values })
        })
        .collect();
    answer(
        call.op,
        Some(json!({
            "status": "success",
            "data": { "resultType": "matrix", "result": result },
        })),
    )
}

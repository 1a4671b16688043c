//! The spec's defects the generator works around, in one table (also rendered into docs/operations.md).

/// (what, where, how the generator works around it)
pub const DEFECTS: &[(&str, &str, &str)] = &[
    (
        "`change_backup_policy` is missing from the Droplet action type enum",
        "`components.schemas.droplet_action.properties.type`",
        "the generated enum gets the value added; the hand-written `DropletAction` already has it",
    ),
    (
        "the by-tag Droplet action body is a `oneOf` whose branches both match any tag action",
        "`dropletActions_post_byTag` request body",
        "the operation stays hand-written (`TagAction`); generated untagged unions try the variant with the most required fields first",
    ),
    (
        "a 422 answer is sent but not declared on some operations",
        "e.g. `dropletActions_post`",
        "errors never come from the declared responses: every non-2xx answer becomes `Error::Api` by the transport",
    ),
    (
        "`next_backup_window` is required and not nullable, but the API (and the spec's own examples) send `null` when backups are off",
        "`components.schemas.droplet.properties.next_backup_window`",
        "the field is `Option`; without this no Droplet without backups would decode",
    ),
    (
        "two operationIds end in `.yml`",
        "`monitoring_get_appRestartCountMetrics.yml`, `monitoring_get_droplet_autoscale_current_cpu_utilization.yml`",
        "the suffix is dropped from the method name (issue 8 naming rule)",
    ),
    (
        "request bodies are not marked `required` on 89 operations",
        "`requestBody.required` absent",
        "every request body is a required positional argument",
    ),
    (
        "`tag_name` is not marked required where the call means nothing without it",
        "`dropletActions_post_byTag`",
        "treated as a required query parameter (positional)",
    ),
    (
        "`name` is not marked required on the delete-volumes-by-name call, which the API refuses without it",
        "`volumes_delete_byName`",
        "treated as a required query parameter (positional); `region` stays optional",
    ),
    (
        "the image action answers' schema is a bare `action`, but the API (and the spec's own examples and descriptions) wrap it as `{\"action\": …}`",
        "`imageActions_post`, `imageActions_get`",
        "the answer is decoded as the envelope's `action` member, as for the other action families",
    ),
    (
        "the Spaces key answer's schema is a list `{\"keys\": [key]}`, but the API (godo's `spacesKeyRoot`, and the spec's own example) answers one key as `{\"key\": …}`",
        "`components.responses.key_get` (`spacesKey_get`)",
        "the schema is replaced by `{\"key\": key}` before lowering, so `spaces_key().get()` gives a `Key`",
    ),
    (
        "Kafka settings whose default is Java's `Long.MAX_VALUE` are documented as 9223372036854776000 (rounded through a double), beyond `i64`; godo types them `uint64`",
        "`kafka_topic_config.flush_messages`, `flush_ms`, `max_compaction_lag_ms`; `kafka_advanced_config.log_flush_interval_messages`",
        "an integer field whose example or default does not fit `i64` is `u64`",
    ),
    (
        "the Kafka topic config leaves out `message_timestamp_difference_max_ms` and `segment_index_bytes`, which the spec's own topic examples and godo's `TopicConfig` have",
        "`components.schemas.kafka_topic_config`",
        "both are added (the first as `u64`, like the other `Long.MAX_VALUE` defaults)",
    ),
    (
        "a Kafka partition's consumer group is named by `group_name` in the schema, but by `name` in the spec's own examples and godo's `TopicConsumerGroup`",
        "`kafka_topic_partition.consumer_groups[].group_name`",
        "`name` is added beside `group_name` (kept, so no public field goes away)",
    ),
    (
        "the by-name volume attach/detach body takes `volume_name` (its description, examples and godo say so), which the schema does not declare",
        "`volume_action_post_attach`, `volume_action_post_detach` (`volumeActions_post`)",
        "an optional `volume_name` is added to both; the by-id call leaves it `None`",
    ),
    (
        "the uptime check create body lists `method` as required but never declares it",
        "`uptime_create_check` request body",
        "`check_updatable` gets an optional string `method`, so it can be sent; the CLI example sends `GET`",
    ),
    (
        "the app health answer's example (`components.examples.app_health`) lacks the `app_health` member the schema wraps it in; godo's `appHealthRoot` reads `app_health`, so the schema is right",
        "`apps_get_health`",
        "the SDK follows the schema (`{\"app_health\": …}`); the example stays listed in `generated_examples_known_bad.txt`",
    ),
    (
        "the presigned upload has the pseudo path `/<upload_url>` and server `https://`",
        "`inference_upload_batch_file`",
        "the URL is a positional argument sent as a whole URL without Authorization",
    ),
    (
        "some examples write timestamps without a zone (`0001-01-01T00:00:00` in an app domain's progress steps), which RFC 3339 `date-time` does not allow and godo's `time.Time` refuses",
        "`apps_get` and `apps_list` examples, `domains[].progress.steps[]`",
        "the emulator's build gives such example timestamps the zone `Z` before it answers from them (`crates/oxido-sim/build.rs`, `with_zones`)",
    ),
    (
        "App Platform's scheduled jobs are missing: the job `kind` enum lacks `SCHEDULED`, and the job spec lacks its `schedule` (`cron`, `time_zone`); godo has `AppJobSpecKind_Scheduled` and `AppJobSpecSchedule` (apps.gen.go)",
        "`components.schemas.app_job_spec`",
        "the spec gets the value and an `app_job_spec_schedule` schema before anything reads it (`patch_spec`), so the SDK's `AppJobSpec` has `schedule`; the emulator's build adds the same (`crates/oxido-sim/build.rs`, `with_scheduled_jobs`)",
    ),
    (
        "the `region_slug` enum lacks regions opened since it was written (atl1)",
        "`components.schemas.region_slug.enum`",
        "the SDK's `RegionSlug` is an open enum, so such a region decodes as its text; the emulator's build adds atl1 to the enum (`crates/oxido-sim/build.rs`, `NEW_REGIONS`)",
    ),
];

/// Enum values the spec forgot, by the generated enum's name.
pub fn extend_enum(type_name: &str, variants: &mut Vec<(String, String)>) {
    if type_name == "DropletActionType"
        && !variants.iter().any(|(_, v)| v == "change_backup_policy")
    {
        variants.push((
            "ChangeBackupPolicy".to_owned(),
            "change_backup_policy".to_owned(),
        ));
    }
}

/// Query parameters the spec does not mark required although the operation needs them.
pub fn query_required(operation_id: &str, name: &str) -> bool {
    matches!(
        (operation_id, name),
        ("dropletActions_post_byTag", "tag_name") | ("volumes_delete_byName", "name")
    )
}

/// Operations whose answer the API wraps in a one-member envelope the schema leaves out: the member's key.
pub fn wrapped_answer(operation_id: &str) -> Option<&'static str> {
    matches!(operation_id, "imageActions_post" | "imageActions_get").then_some("action")
}

/// Required fields the API sends as `null` anyway: (type name, JSON field).
pub fn nullable_anyway(type_name: &str, field: &str) -> bool {
    matches!((type_name, field), ("Droplet", "next_backup_window"))
}

/// Corrections made to the spec itself before anything reads it, so the types, the CLI's flags and
/// examples, and the generated tests all see the same shapes. Each is a line of [`DEFECTS`].
pub fn patch_spec(spec: &mut serde_json::Value) {
    use serde_json::json;
    if let Some(schema) =
        spec.pointer_mut("/components/responses/key_get/content/application~1json/schema")
    {
        *schema = json!({
            "type": "object",
            "properties": {"key": {"$ref": "#/components/schemas/key"}}
        });
    }
    for name in ["volume_action_post_attach", "volume_action_post_detach"] {
        let pointer = format!("/components/schemas/{name}/allOf/1/properties");
        if let Some(serde_json::Value::Object(props)) = spec.pointer_mut(&pointer) {
            props.entry("volume_name").or_insert_with(|| {
                json!({
                    "type": "string",
                    "example": "example",
                    "description": "The name of the block storage volume: for the by-name call (`POST /v2/volumes/actions`), with `region`."
                })
            });
        }
    }
    // Scheduled jobs, as godo's `AppJobSpec` has them (`Schedule`, `AppJobSpecKind_Scheduled`).
    if let Some(serde_json::Value::Object(schemas)) = spec.pointer_mut("/components/schemas") {
        schemas
            .entry("app_job_spec_schedule")
            .or_insert_with(|| {
                json!({
                    "type": "object",
                    "required": ["cron"],
                    "properties": {
                        "cron": {"type": "string", "example": "0 3 * * *",
                                 "description": "When the job runs, as a cron expression."},
                        "time_zone": {"type": "string", "example": "America/New_York",
                                      "description": "The IANA time zone the cron expression is read in (UTC when absent)."}
                    }
                })
            });
    }
    if let Some(serde_json::Value::Object(props)) =
        spec.pointer_mut("/components/schemas/app_job_spec/allOf/2/properties")
    {
        if let Some(serde_json::Value::Array(kinds)) =
            props.get_mut("kind").and_then(|k| k.get_mut("enum"))
            && !kinds.iter().any(|k| k == "SCHEDULED")
        {
            kinds.push(json!("SCHEDULED"));
            if let Some(serde_json::Value::String(text)) =
                props.get_mut("kind").and_then(|k| k.get_mut("description"))
            {
                text.push_str("\n- SCHEDULED: Runs on the cron schedule in `schedule`.");
            }
        }
        props
            .entry("schedule")
            .or_insert_with(|| json!({"$ref": "#/components/schemas/app_job_spec_schedule"}));
    }
    // godo's `TopicConfig` has both; the spec's topic examples send them.
    if let Some(serde_json::Value::Object(props)) =
        spec.pointer_mut("/components/schemas/kafka_topic_config/properties")
    {
        props
            .entry("message_timestamp_difference_max_ms")
            .or_insert_with(|| {
                json!({
                    "type": "integer",
                    "example": 9_223_372_036_854_776_000_u64,
                    "description": "The maximum difference, in ms, between a message's own timestamp and the time the broker receives it."
                })
            });
        props.entry("segment_index_bytes").or_insert_with(|| {
            json!({
                "type": "integer",
                "example": 10_485_760,
                "description": "The maximum size, in bytes, of the index that maps offsets to file positions."
            })
        });
    }
    if let Some(serde_json::Value::Object(props)) = spec.pointer_mut(
        "/components/schemas/kafka_topic_partition/properties/consumer_groups/items/properties",
    ) {
        props.entry("name").or_insert_with(|| {
            json!({
                "type": "string",
                "example": "consumer",
                "description": "Name of the consumer group, as the API sends it."
            })
        });
    }
    if let Some(serde_json::Value::Object(props)) =
        spec.pointer_mut("/components/schemas/check_updatable/properties")
    {
        props.entry("method").or_insert_with(|| {
            json!({
                "type": "string",
                "example": "GET",
                "description": "The HTTP method of the check; required by the spec when creating a check."
            })
        });
    }
}

/// Integer fields documented with a value beyond `i64` (Java's `Long.MAX_VALUE` rounded through a
/// double) are `u64`.
pub fn beyond_i64(prop: &serde_json::Value) -> bool {
    ["example", "default"].iter().any(|key| {
        prop.get(*key)
            .is_some_and(|v| v.as_u64().is_some_and(|n| i64::try_from(n).is_err()))
    })
}

#[cfg(test)]
mod tests {
    //! Each workaround above is checked against the vendored spec as it is (before `patch_spec`): when a
    //! new spec fixes a defect, its test fails, and the workaround and its row in [`DEFECTS`] go.

    use serde_json::Value;

    fn spec() -> Value {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../spec/digitalocean-openapi.json"
        );
        serde_json::from_slice(&std::fs::read(path).expect("the vendored spec")).expect("JSON")
    }

    fn at<'a>(spec: &'a Value, pointer: &str) -> &'a Value {
        spec.pointer(pointer).unwrap_or_else(|| {
            panic!("{pointer} is gone from the spec: is its defect entry stale?")
        })
    }

    fn has_property(schema: &Value, name: &str) -> bool {
        schema.get("properties").and_then(|p| p.get(name)).is_some()
    }

    #[test]
    fn every_defect_worked_around_is_still_in_the_spec() {
        let spec = spec();
        let s = &spec;
        let mut fixed = Vec::new();
        let mut check = |still: bool, what: &str| {
            if !still {
                fixed.push(what.to_owned());
            }
        };
        let kinds = at(s, "/components/schemas/droplet_action/properties/type/enum");
        check(
            !kinds
                .as_array()
                .is_some_and(|k| k.iter().any(|v| v == "change_backup_policy")),
            "change_backup_policy is in the Droplet action type enum",
        );
        for parameter in ["droplet_tag_name", "volume_name"] {
            check(
                at(s, &format!("/components/parameters/{parameter}"))
                    .get("required")
                    .and_then(Value::as_bool)
                    != Some(true),
                &format!("the `{parameter}` parameter is marked required"),
            );
            assert!(
                super::query_required(
                    if parameter == "volume_name" {
                        "volumes_delete_byName"
                    } else {
                        "dropletActions_post_byTag"
                    },
                    at(s, &format!("/components/parameters/{parameter}/name"))
                        .as_str()
                        .unwrap_or_default()
                ),
                "query_required names the parameter the spec calls `{parameter}`"
            );
        }
        for response in ["post_image_action_response", "get_image_action_response"] {
            let schema = at(
                s,
                &format!("/components/responses/{response}/content/application~1json/schema"),
            );
            check(
                schema.get("$ref").and_then(Value::as_str) == Some("#/components/schemas/action"),
                &format!("{response} is no longer a bare `action`"),
            );
        }
        check(
            !at(s, "/components/schemas/region_slug/enum")
                .as_array()
                .is_some_and(|r| r.iter().any(|v| v == "atl1")),
            "the region_slug enum knows atl1",
        );
        check(
            !at(
                s,
                "/components/schemas/app_job_spec/allOf/2/properties/kind/enum",
            )
            .as_array()
            .is_some_and(|k| k.iter().any(|v| v == "SCHEDULED"))
                && at(s, "/components/schemas/app_job_spec/allOf/2/properties")
                    .get("schedule")
                    .is_none(),
            "the app job spec knows scheduled jobs",
        );
        check(
            s.to_string().contains("\"0001-01-01T00:00:00\""),
            "no example writes a timestamp without a zone",
        );
        let droplet = at(s, "/components/schemas/droplet");
        check(
            droplet["required"]
                .as_array()
                .is_some_and(|r| r.iter().any(|v| v == "next_backup_window"))
                && droplet["properties"]["next_backup_window"]
                    .get("nullable")
                    .is_none(),
            "next_backup_window is optional or nullable",
        );
        check(
            has_property(
                &at(
                    s,
                    "/components/responses/key_get/content/application~1json/schema/allOf",
                )[0],
                "keys",
            ),
            "the Spaces key answer no longer declares `keys`",
        );
        for name in ["volume_action_post_attach", "volume_action_post_detach"] {
            check(
                !has_property(
                    at(s, &format!("/components/schemas/{name}/allOf/1")),
                    "volume_name",
                ),
                &format!("{name} declares volume_name"),
            );
        }
        let topic = at(s, "/components/schemas/kafka_topic_config");
        for name in ["message_timestamp_difference_max_ms", "segment_index_bytes"] {
            check(
                !has_property(topic, name),
                &format!("kafka_topic_config declares {name}"),
            );
        }
        check(
            super::beyond_i64(&topic["properties"]["flush_messages"]),
            "flush_messages is documented within i64",
        );
        check(
            !has_property(
                at(
                    s,
                    "/components/schemas/kafka_topic_partition/properties/consumer_groups/items",
                ),
                "name",
            ),
            "a Kafka consumer group declares `name`",
        );
        check(
            !has_property(at(s, "/components/schemas/check_updatable"), "method"),
            "check_updatable declares `method`",
        );
        let ids: Vec<&str> = s["paths"]
            .as_object()
            .into_iter()
            .flat_map(|paths| paths.values())
            .filter_map(Value::as_object)
            .flat_map(|ops| ops.values())
            .filter_map(|op| op.get("operationId").and_then(Value::as_str))
            .collect();
        check(
            ids.iter().filter(|id| id.ends_with(".yml")).count() == 2,
            "two operationIds end in .yml",
        );
        check(
            ids.contains(&"dropletActions_post_byTag"),
            "dropletActions_post_byTag exists",
        );
        assert!(
            fixed.is_empty(),
            "the spec no longer has these defects; drop their workarounds and rows in DEFECTS: {fixed:?}"
        );
    }
}

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
        "the presigned upload has the pseudo path `/<upload_url>` and server `https://`",
        "`inference_upload_batch_file`",
        "the URL is a positional argument sent as a whole URL without Authorization",
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

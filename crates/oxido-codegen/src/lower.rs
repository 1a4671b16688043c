//! Lowering the spec (as `serde_json::Value`) into the IR.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde_json::{Map, Value};

use crate::defects;
use crate::ir::*;
use crate::naming::{field_ident, ident, operation_names, pascal};

/// Schemas that map onto types written by hand, so there is exactly one `Action`, `Links`, `Meta`, ….
pub const OVERRIDES: &[(&str, &str)] = &[
    ("action", "crate::models::Action"),
    ("page_links", "crate::models::Links"),
    ("meta_properties", "crate::models::Meta"),
    ("region", "crate::models::Region"),
];

/// Fields of answers the API always sends although the spec does not mark them `required`, with the
/// evidence: (schema, field, evidence). Rendered in `docs/sdk-types.md`.
pub fn always_sent() -> Vec<(&'static str, &'static str, &'static str)> {
    include_str!("../always_sent.tsv")
        .lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .map(|line| {
            let mut cells = line.splitn(3, '\t');
            let mut next = || cells.next().unwrap_or_default();
            (next(), next(), next())
        })
        .collect()
}

/// The type every `format: date-time` field has.
pub const TIMESTAMP: &str = "crate::models::Timestamp";

/// `*_at` strings that stay `String` although their schema example is a time: the spec's own answer
/// example sends `""` for them (an access point not yet updated, `nfs_create_access_point`).
const STRING_TIMES: &[(&str, &str)] = &[("AccessPointResponse", "updated_at")];

/// Operations that stay hand-written (`resources/droplet_actions.rs`, `resources/actions.rs`).
pub const HAND_WRITTEN: &[(&str, &str)] = &[
    (
        "dropletActions_list",
        "client.droplet_actions().list(droplet_id)",
    ),
    (
        "dropletActions_post",
        "client.droplet_actions().post(droplet_id, action)",
    ),
    (
        "dropletActions_post_byTag",
        "client.droplet_actions().post_by_tag(tag_name, action)",
    ),
    (
        "dropletActions_get",
        "client.droplet_actions().get(droplet_id, action_id)",
    ),
    ("actions_list", "client.actions().list()"),
    ("actions_get", "client.actions().get(action_id)"),
];

/// Names the generated code cannot use for a model because they mean something else in scope.
const RESERVED: &[&str] = &[
    "Error", "Result", "Option", "Vec", "String", "Box", "Value", "Call", "ListCall", "Client",
    "Page", "Links", "Meta", "Response", "Action", "Region", "Method", "Default", "Host", "Bytes",
];

pub struct Lowerer<'a> {
    root: &'a Value,
    types: Vec<TypeDef>,
    names: BTreeSet<String>,
    by_schema: HashMap<String, Ty>,
    by_shape: HashMap<String, Ty>,
    /// Types whose definition is being built (for boxing back-references).
    building: Vec<usize>,
    /// Lowering a request body: read-only properties are left out, and a schema that has any (at any
    /// depth) gets a type of its own, `…Request`, apart from the answer's type.
    request: bool,
    /// Whether a schema holds a read-only property at any depth, by schema name.
    splits: HashMap<String, bool>,
    /// Types made while lowering a request body.
    request_types: Vec<usize>,
    pub value_fields: usize,
    pub total_fields: usize,
    pub schema_examples: Vec<SchemaExample>,
    always_sent: Vec<(&'static str, &'static str, &'static str)>,
    /// Rows of `always_sent.tsv` that made a field required: (schema, field, Rust type name).
    pub always_used: Vec<(String, String, String)>,
}

fn schemas(root: &Value) -> &Map<String, Value> {
    root["components"]["schemas"]
        .as_object()
        .expect("components.schemas")
}

fn text(v: &Value, key: &str) -> String {
    v.get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

/// The shape of a schema without its prose, so identical inline schemas share one type.
fn shape_key(v: &Value) -> String {
    fn strip(v: &Value) -> Value {
        match v {
            Value::Object(m) => Value::Object(
                m.iter()
                    .filter(|(k, _)| {
                        !matches!(
                            k.as_str(),
                            "description" | "example" | "examples" | "title" | "default"
                        )
                    })
                    .map(|(k, v)| (k.clone(), strip(v)))
                    .collect(),
            ),
            Value::Array(items) => Value::Array(items.iter().map(strip).collect()),
            other => other.clone(),
        }
    }
    strip(v).to_string()
}

impl<'a> Lowerer<'a> {
    pub fn new(root: &'a Value) -> Self {
        Self {
            root,
            types: Vec::new(),
            names: RESERVED.iter().map(|s| (*s).to_owned()).collect(),
            by_schema: HashMap::new(),
            by_shape: HashMap::new(),
            building: Vec::new(),
            request: false,
            splits: HashMap::new(),
            request_types: Vec::new(),
            value_fields: 0,
            total_fields: 0,
            schema_examples: Vec::new(),
            always_sent: always_sent(),
            always_used: Vec::new(),
        }
    }

    /// Follows `$ref`s (to any component) until a non-reference.
    pub fn deref<'v>(&'v self, mut v: &'v Value) -> &'v Value
    where
        'a: 'v,
    {
        while let Some(reference) = v.get("$ref").and_then(Value::as_str) {
            let mut target = self.root;
            for part in reference.trim_start_matches("#/").split('/') {
                target = &target[part];
            }
            v = target;
        }
        v
    }

    /// The cache key of a schema name: request copies are kept apart from the answer's types.
    fn key(&self, name: &str) -> String {
        if self.request {
            format!("{name}\0request")
        } else {
            name.to_owned()
        }
    }

    /// Whether a schema, followed through references, has a read-only property anywhere: in a request
    /// body such a schema is lowered again without them.
    fn has_read_only(&mut self, schema: &Value) -> bool {
        match schema {
            Value::Object(map) => {
                if let Some(name) = map
                    .get("$ref")
                    .and_then(Value::as_str)
                    .and_then(|r| r.strip_prefix("#/components/schemas/"))
                {
                    if let Some(&known) = self.splits.get(name) {
                        return known;
                    }
                    // A cycle back to this schema adds nothing.
                    self.splits.insert(name.to_owned(), false);
                    let target = schemas(self.root)[name].clone();
                    let found = self.has_read_only(&target);
                    self.splits.insert(name.to_owned(), found);
                    return found;
                }
                if map.get("readOnly").and_then(Value::as_bool) == Some(true) {
                    return true;
                }
                map.values().any(|v| self.has_read_only(v))
            }
            Value::Array(items) => items.iter().any(|v| self.has_read_only(v)),
            _ => false,
        }
    }

    /// Lowers a request body: read-only properties are left out of it and of every type it reaches.
    pub fn request_ty(&mut self, schema: &Value, ctx: &str) -> Ty {
        let was = std::mem::replace(&mut self.request, true);
        let ty = self.ty(schema, ctx);
        self.request = was;
        ty
    }

    fn unique_name(&mut self, wanted: &str) -> String {
        let mut name = wanted.to_owned();
        if self.names.contains(&name) {
            name = format!("{wanted}Model");
        }
        let mut n = 2;
        while self.names.contains(&name) {
            name = format!("{wanted}{n}");
            n += 1;
        }
        self.names.insert(name.clone());
        name
    }

    fn new_type(&mut self, name: &str, doc: String, schema: Option<String>) -> usize {
        let name = self.unique_name(name);
        if let Some(schema) = &schema {
            // Registered before its body is built, so a cycle through it ends here.
            let key = self.key(schema);
            self.by_schema.insert(key, Ty::Named(self.types.len()));
        }
        self.types.push(TypeDef {
            name,
            doc,
            kind: TypeKind::Pending,
            features: BTreeSet::new(),
            request_copy: self.request && schema.is_some(),
            absorbed: BTreeSet::new(),
            schema,
            is_body: false,
        });
        if self.request {
            self.request_types.push(self.types.len() - 1);
        }
        self.types.len() - 1
    }

    /// A request copy of a schema no answer uses needs no `Request` to tell it apart: it takes the
    /// schema's own name back, with its inline parts and the union variants that hold it.
    fn settle_request_names(&mut self) {
        let mut renamed: Vec<(String, String)> = Vec::new();
        for &i in &self.request_types {
            let Some(schema) = self.types[i].schema.clone() else {
                continue;
            };
            // An answer uses the schema, or its `…_read` twin (whose type takes the plain name).
            if self.by_schema.contains_key(&schema)
                || self.by_schema.contains_key(&format!("{schema}_read"))
            {
                continue;
            }
            let Some(base) = self.types[i]
                .name
                .strip_suffix("Request")
                .or_else(|| self.types[i].name.strip_suffix("Body"))
                .map(str::to_owned)
            else {
                continue;
            };
            if base != pascal(&schema) || self.names.contains(&base) {
                continue;
            }
            self.names.insert(base.clone());
            self.types[i].request_copy = false;
            renamed.push((
                std::mem::replace(&mut self.types[i].name, base.clone()),
                base,
            ));
        }
        // A part made outside request mode (nothing read-only in it) under a request copy that keeps its
        // `Request` is the answer's part too: `DropletBackupPolicyPlan`, not `DropletBackupPolicyRequestPlan`.
        for &i in &self.request_types {
            if self.types[i].request_copy {
                let old = self.types[i].name.clone();
                if let Some(base) = old.strip_suffix("Request") {
                    renamed.push((old.clone(), base.to_owned()));
                }
            }
        }
        let request_types: BTreeSet<usize> = self.request_types.iter().copied().collect();
        // Inline parts are named after the type holding them, whichever mode made them.
        for i in 0..self.types.len() {
            if self.types[i].request_copy {
                continue;
            }
            for (old, new) in &renamed {
                let Some(rest) = self.types[i].name.strip_prefix(old.as_str()) else {
                    continue;
                };
                let wanted = format!("{new}{rest}");
                // A request-mode part of a copy that keeps its name keeps `Request` too.
                let keeps = request_types.contains(&i) && old.ends_with("Request") && {
                    let base = old.trim_end_matches("Request");
                    self.types
                        .iter()
                        .any(|t| t.request_copy && t.name == *old && base == new)
                };
                if !keeps
                    && rest.starts_with(|c: char| c.is_ascii_uppercase())
                    && !self.names.contains(&wanted)
                {
                    self.names.insert(wanted.clone());
                    self.types[i].name = wanted;
                    break;
                }
            }
        }
        let names: Vec<String> = self.types.iter().map(|t| t.name.clone()).collect();
        for &i in &self.request_types {
            if let Some((old, _)) = renamed.iter().find(|(_, new)| *new == names[i]) {
                for (label, ..) in &mut self.schema_examples {
                    if label == old
                        || label
                            .strip_prefix(old.as_str())
                            .is_some_and(|r| r.starts_with('.'))
                    {
                        *label = format!("{}{}", names[i], &label[old.len()..]);
                    }
                }
            }
        }
        for &i in &self.request_types {
            let union_name = names[i].clone();
            if let TypeKind::Union { variants, .. } = &mut self.types[i].kind {
                for v in variants.iter_mut() {
                    if let Some(t) = named_index(&v.ty) {
                        if renamed.iter().any(|(_, new)| *new == names[t]) {
                            v.name = variant_name(&names[t], &union_name);
                        }
                    }
                }
            }
        }
    }

    fn named_ref(&self, ty: Ty) -> Ty {
        match ty {
            Ty::Named(i) if self.building.contains(&i) => Ty::Boxed(Box::new(Ty::Named(i))),
            other => other,
        }
    }

    /// The type for a schema, in the context `ctx` (the name an inline type gets).
    pub fn ty(&mut self, schema: &Value, ctx: &str) -> Ty {
        if self.request && !self.has_read_only(schema) {
            // Nothing to leave out: the body shares the answer's types.
            self.request = false;
            let ty = self.ty(schema, ctx);
            self.request = true;
            return ty;
        }
        if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
            if let Some(name) = reference.strip_prefix("#/components/schemas/") {
                return self.schema_ty(name);
            }
            let target = self.deref(schema).clone();
            return self.ty(&target, ctx);
        }
        self.inline_ty(schema, ctx, None)
    }

    fn schema_ty(&mut self, name: &str) -> Ty {
        let key = self.key(name);
        if let Some(ty) = self.by_schema.get(&key) {
            return self.named_ref(ty.clone());
        }
        let schema = schemas(self.root)[name].clone();
        if let Some((_, path)) = OVERRIDES.iter().find(|(n, _)| *n == name) {
            let index = self.new_type(&pascal(name), String::new(), Some(name.to_owned()));
            self.types[index].kind = TypeKind::Existing(path);
            self.by_schema.insert(name.to_owned(), Ty::Named(index));
            return Ty::Named(index);
        }
        let wanted = if self.request {
            // `apps_create_app_request` is already a request: no second `Request`.
            let base = pascal(name);
            if base.ends_with("Request") {
                format!("{base}Body")
            } else {
                format!("{base}Request")
            }
        } else {
            pascal(name)
        };
        if !needs_named_type(&schema, self) {
            // A primitive or list alias; a cycle through it (rare) falls back to free-form JSON.
            self.by_schema.insert(key.clone(), Ty::Value);
            let ty = self.inline_ty(&schema, &wanted, None);
            self.by_schema.insert(key, ty.clone());
            return ty;
        }
        let ty = self.inline_ty(&schema, &wanted, Some(name.to_owned()));
        self.by_schema.insert(key, ty.clone());
        ty
    }

    fn inline_ty(&mut self, schema: &Value, ctx: &str, schema_name: Option<String>) -> Ty {
        // allOf: one merged struct, or the single referenced type when nothing is added.
        if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
            let adds_fields = schema.get("properties").is_some();
            let structural: Vec<&Value> = parts.iter().filter(|p| !is_prose_only(p)).collect();
            if structural.len() == 1 && !adds_fields && !has_required_only(parts) {
                return self.ty(structural[0], ctx);
            }
            if structural
                .iter()
                .all(|p| is_object_like(self.deref(p), self))
            {
                return self.struct_ty(schema, ctx, schema_name);
            }
            if let Some(first) = structural.first() {
                return self.ty(first, ctx);
            }
            return self.value();
        }
        if let Some(branches) = schema
            .get("oneOf")
            .or_else(|| schema.get("anyOf"))
            .and_then(Value::as_array)
        {
            let real: Vec<&Value> = branches.iter().filter(|b| !is_empty_schema(b)).collect();
            if real.is_empty() {
                return self.value();
            }
            if real.len() == 1 {
                return self.ty(real[0], ctx);
            }
            return self.union_ty(schema, &real, ctx, schema_name);
        }
        let kind = schema.get("type").and_then(Value::as_str);
        if let Some(values) = schema.get("enum").and_then(Value::as_array) {
            if kind.is_none_or(|k| k == "string") && values.iter().all(Value::is_string) {
                return self.enum_ty(schema, values, ctx, schema_name);
            }
        }
        match kind {
            Some("string") if schema.get("format").and_then(Value::as_str) == Some("date-time") => {
                self.timestamp()
            }
            Some("string") => Ty::Str,
            Some("integer") => Ty::Int,
            Some("number") => Ty::Float,
            Some("boolean") => Ty::Bool,
            Some("array") => {
                let items = schema.get("items").cloned().unwrap_or(Value::Null);
                if items.is_null() || is_empty_schema(&items) {
                    return Ty::Vec(Box::new(self.value()));
                }
                Ty::Vec(Box::new(self.ty(&items, &format!("{ctx}Item"))))
            }
            _ if schema
                .get("properties")
                .and_then(Value::as_object)
                .is_some_and(|p| !p.is_empty()) =>
            {
                self.struct_ty(schema, ctx, schema_name)
            }
            _ => match schema.get("additionalProperties") {
                Some(extra @ Value::Object(m)) if !m.is_empty() && !is_empty_schema(extra) => {
                    Ty::Map(Box::new(self.ty(extra, &format!("{ctx}Value"))))
                }
                _ => self.value(),
            },
        }
    }

    fn value(&mut self) -> Ty {
        Ty::Value
    }

    /// Every `format: date-time` string is `oxido::Timestamp` (jiff's, re-exported), so a value that is
    /// not a date fails to decode, naming its field.
    fn timestamp(&mut self) -> Ty {
        const KEY: &str = "\0timestamp";
        if let Some(ty) = self.by_schema.get(KEY) {
            return ty.clone();
        }
        let index = self.new_type("Timestamp", String::new(), None);
        self.types[index].kind = TypeKind::Existing(TIMESTAMP);
        self.by_schema.insert(KEY.to_owned(), Ty::Named(index));
        Ty::Named(index)
    }

    fn shared(&mut self, schema: &Value, schema_name: &Option<String>) -> Option<Ty> {
        if schema_name.is_some() {
            return None;
        }
        let key = self.key(&shape_key(schema));
        self.by_shape.get(&key).cloned().map(|t| self.named_ref(t))
    }

    fn remember(&mut self, schema: &Value, schema_name: &Option<String>, ty: &Ty) {
        if schema_name.is_none() {
            let key = self.key(&shape_key(schema));
            self.by_shape.insert(key, ty.clone());
        }
    }

    fn enum_ty(
        &mut self,
        schema: &Value,
        values: &[Value],
        ctx: &str,
        schema_name: Option<String>,
    ) -> Ty {
        if let Some(ty) = self.shared(schema, &schema_name) {
            return ty;
        }
        let index = self.new_type(ctx, text(schema, "description"), schema_name.clone());
        let mut used = BTreeSet::new();
        let mut variants = Vec::new();
        let mut seen_values = BTreeSet::new();
        for value in values.iter().filter_map(Value::as_str) {
            if !seen_values.insert(value.to_owned()) {
                continue;
            }
            let mut name = pascal(value);
            if name == "Other" {
                name = "OtherValue".to_owned();
            }
            let base = name.clone();
            let mut n = 2;
            while !used.insert(name.clone()) {
                name = format!("{base}{n}");
                n += 1;
            }
            variants.push((name, value.to_owned()));
        }
        // Spec defect: `change_backup_policy` is missing from some action-type enums.
        defects::extend_enum(ctx, &mut variants);
        self.types[index].kind = TypeKind::StringEnum(variants);
        let ty = Ty::Named(index);
        self.remember(schema, &schema_name, &ty);
        ty
    }

    fn struct_ty(&mut self, schema: &Value, ctx: &str, schema_name: Option<String>) -> Ty {
        if self.is_action_shaped(schema) && schema_name.as_deref() != Some("action") {
            return self.schema_ty("action");
        }
        if let Some(ty) = self.shared(schema, &schema_name) {
            return ty;
        }
        let index = self.new_type(ctx, text(schema, "description"), schema_name.clone());
        let ty = Ty::Named(index);
        self.remember(schema, &schema_name, &ty);
        self.building.push(index);
        let mut props: Vec<(String, Value)> = Vec::new();
        let mut required = BTreeSet::new();
        let mut doc = String::new();
        self.collect(schema, &mut props, &mut required, &mut doc);
        if self.types[index].doc.is_empty() {
            self.types[index].doc = doc;
        }
        let name = self.types[index].name.clone();
        let mut fields = Vec::new();
        let mut idents = BTreeSet::new();
        for (json_name, prop) in props {
            if self.request && is_read_only(&prop, self) {
                continue;
            }
            let field_ty = self.ty(&prop, &format!("{name}{}", pascal(&json_name)));
            let mut field_ty = id_typed(&json_name, self.named_ref(field_ty));
            if field_ty == Ty::Int
                && (defects::beyond_i64(&prop) || defects::beyond_i64(self.deref(&prop)))
            {
                field_ty = Ty::U64;
            }
            // A `*_at` string without `format: date-time` whose example is one is a timestamp too.
            if field_ty == Ty::Str
                && json_name.ends_with("_at")
                && !STRING_TIMES.contains(&(name.as_str(), json_name.as_str()))
                && prop
                    .get("example")
                    .or_else(|| self.deref(&prop).get("example"))
                    .and_then(Value::as_str)
                    .is_some_and(is_rfc3339)
            {
                field_ty = self.timestamp();
            }
            if json_name == "region" && self.datacenter_region(&prop, &field_ty) {
                field_ty = self.region_slug();
            }
            let nullable = is_nullable(&prop, self) || defects::nullable_anyway(&name, &json_name);
            // An answer's field the API always sends (the table's evidence) is required too.
            let always = !self.request
                && !nullable
                && schema_name.as_deref().is_some_and(|schema| {
                    self.always_sent
                        .iter()
                        .any(|(s, f, _)| *s == schema && *f == json_name)
                });
            if always {
                self.always_used.push((
                    schema_name.clone().unwrap_or_default(),
                    json_name.clone(),
                    name.clone(),
                ));
            }
            let is_required = always || (required.contains(&json_name) && !nullable);
            if let Some(example) = prop
                .get("example")
                .or_else(|| self.deref(&prop).get("example"))
            {
                // Checked as the field is declared: `Option<T>` unless required and not nullable.
                let optional = !is_required;
                self.schema_examples.push((
                    format!("{name}.{json_name}"),
                    field_ty.clone(),
                    optional,
                    example.clone(),
                ));
            }
            self.total_fields += 1;
            if field_ty.mentions_value() {
                self.value_fields += 1;
            }
            let mut id = field_ident(&json_name);
            while !idents.insert(id.clone()) {
                id.push('_');
            }
            let prop_doc = {
                let resolved = self.deref(&prop);
                let own = text(&prop, "description");
                if own.is_empty() {
                    text(resolved, "description")
                } else {
                    own
                }
            };
            fields.push(Field {
                required: is_required,
                json_name,
                ident: id,
                ty: field_ty,
                doc: prop_doc,
            });
        }
        self.building.pop();
        self.types[index].kind = TypeKind::Struct(fields);
        if let Some(example) = schema.get("example") {
            self.schema_examples
                .push((name, ty.clone(), false, example.clone()));
        }
        ty
    }

    /// A `region` string (or an enum of slugs) whose example is a datacenter slug such as `nyc3`: one
    /// region type everywhere, `RegionSlug`. App, registry and uptime regions (`nyc`, `us_east`) stay.
    fn datacenter_region(&self, prop: &Value, ty: &Ty) -> bool {
        let slug = |text: &str| {
            let text = text.trim_matches('"');
            text.len() == 4
                && text[..3].bytes().all(|b| b.is_ascii_lowercase())
                && text[3..].bytes().all(|b| b.is_ascii_digit())
        };
        let example = prop
            .get("example")
            .or_else(|| self.deref(prop).get("example"))
            .and_then(Value::as_str);
        let shape_fits = match ty {
            Ty::Str => true,
            Ty::Named(i) => match &self.types[*i].kind {
                TypeKind::StringEnum(values) => {
                    self.types[*i].schema.as_deref() != Some("region_slug")
                        && values.iter().all(|(_, v)| slug(v))
                }
                _ => false,
            },
            _ => false,
        };
        shape_fits && example.is_some_and(slug)
    }

    fn region_slug(&mut self) -> Ty {
        let request = std::mem::replace(&mut self.request, false);
        let ty = self.schema_ty("region_slug");
        self.request = request;
        ty
    }

    /// Whether a struct schema is an action record under another name (`volumeAction`, the floating IP
    /// action answers, reserved IPv6 actions): an integer `id`, `status`, `started_at` and `resource_type`,
    /// and nothing beyond the fields of `action` (plus the floating IP answer's `project_id`). Such answers
    /// decode into the one hand-written `Action`, so one waiter and one set of timestamps serve them all.
    /// NFS actions do not qualify: their id is a UUID string and their statuses are upper-case, as godo's
    /// separate `NfsAction` (`ID string`) also has it.
    fn is_action_shaped(&self, schema: &Value) -> bool {
        const ACTION_FIELDS: &[&str] = &[
            "id",
            "status",
            "type",
            "started_at",
            "completed_at",
            "resource_id",
            "resource_type",
            "region",
            "region_slug",
            "project_id",
        ];
        let mut props = Vec::new();
        let mut required = BTreeSet::new();
        let mut doc = String::new();
        self.collect(schema, &mut props, &mut required, &mut doc);
        let has = |name: &str| props.iter().any(|(n, _)| n == name);
        let integer_id = props.iter().any(|(n, p)| {
            n == "id" && self.deref(p).get("type").and_then(Value::as_str) == Some("integer")
        });
        integer_id
            && ["status", "started_at", "resource_type"]
                .iter()
                .all(|n| has(n))
            && props
                .iter()
                .all(|(n, _)| ACTION_FIELDS.contains(&n.as_str()))
    }

    /// Gathers properties and required names through `allOf` and references, in order.
    fn collect(
        &self,
        schema: &Value,
        props: &mut Vec<(String, Value)>,
        required: &mut BTreeSet<String>,
        doc: &mut String,
    ) {
        let schema = self.deref(schema);
        if doc.is_empty() {
            *doc = text(schema, "description");
        }
        if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
            for part in parts {
                self.collect(part, props, required, doc);
            }
        }
        if let Some(p) = schema.get("properties").and_then(Value::as_object) {
            for (name, prop) in p {
                if let Some(existing) = props.iter_mut().find(|(n, _)| n == name) {
                    // A later allOf part refines a property; keep a typed one over an empty one.
                    if is_empty_schema(&existing.1) {
                        existing.1 = prop.clone();
                    }
                } else {
                    props.push((name.clone(), prop.clone()));
                }
            }
        }
        if let Some(r) = schema.get("required").and_then(Value::as_array) {
            required.extend(r.iter().filter_map(Value::as_str).map(str::to_owned));
        }
    }

    fn union_ty(
        &mut self,
        schema: &Value,
        branches: &[&Value],
        ctx: &str,
        schema_name: Option<String>,
    ) -> Ty {
        if let Some(ty) = self.shared(schema, &schema_name) {
            return ty;
        }
        let index = self.new_type(ctx, text(schema, "description"), schema_name.clone());
        let ty = Ty::Named(index);
        self.remember(schema, &schema_name, &ty);
        self.building.push(index);
        let discriminator = schema.get("discriminator");
        let consts = self.branch_consts(branches);
        let tag = discriminator
            .and_then(|d| d.get("propertyName"))
            .and_then(Value::as_str)
            .map(str::to_owned)
            .or_else(|| consts.as_ref().map(|(p, _)| p.clone()));
        let mapping: Vec<(String, String)> = discriminator
            .and_then(|d| d.get("mapping"))
            .and_then(Value::as_object)
            .map(|m| {
                m.iter()
                    .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
                    .collect()
            })
            .unwrap_or_default();
        let name = self.types[index].name.clone();
        let mut variants: Vec<Variant> = Vec::new();
        let mut used = BTreeSet::new();
        for (i, branch) in branches.iter().enumerate() {
            let reference = branch
                .get("$ref")
                .and_then(Value::as_str)
                .map(str::to_owned);
            let branch_ty = self.ty(branch, &format!("{name}Variant{}", i + 1));
            let branch_ty = self.named_ref(branch_ty);
            let mut vname = match &branch_ty {
                t if named_index(t).is_some() => {
                    variant_name(&self.types[named_index(t).expect("named")].name, &name)
                }
                Ty::Str => "String".to_owned(),
                Ty::Int => "Integer".to_owned(),
                Ty::Float => "Number".to_owned(),
                Ty::Bool => "Boolean".to_owned(),
                Ty::Vec(_) => "List".to_owned(),
                Ty::Map(_) => "Map".to_owned(),
                _ => "Value".to_owned(),
            };
            let base = vname.clone();
            let mut n = 2;
            while !used.insert(vname.clone()) {
                vname = format!("{base}{n}");
                n += 1;
            }
            let mut tag_values = Vec::new();
            if let (None, Some((_, values))) = (discriminator, &consts) {
                tag_values.push(values[i].clone());
            } else if let (Some(tag), Some(reference)) = (&tag, &reference) {
                tag_values = mapping
                    .iter()
                    .filter(|(_, r)| r == reference)
                    .map(|(k, _)| k.clone())
                    .collect();
                if tag_values.is_empty() {
                    // Without a mapping, a branch's tag is its schema name or the single value of its enum.
                    let resolved = self.deref(branch);
                    let mut props = Vec::new();
                    let mut req = BTreeSet::new();
                    let mut d = String::new();
                    self.collect(resolved, &mut props, &mut req, &mut d);
                    let from_enum = props.iter().find(|(n, _)| n == tag).and_then(|(_, p)| {
                        self.deref(p).get("enum").and_then(Value::as_array).cloned()
                    });
                    match from_enum {
                        Some(values) => {
                            tag_values = values
                                .iter()
                                .filter_map(Value::as_str)
                                .map(str::to_owned)
                                .collect()
                        }
                        None => tag_values
                            .push(reference.rsplit('/').next().unwrap_or_default().to_owned()),
                    }
                }
            }
            variants.push(Variant {
                name: vname,
                ty: branch_ty,
                tag_values,
            });
        }
        // Inline variants (schema-less, possibly shared by shape with another union) are named after
        // the required field only they have (`droplet` vs `droplets`).
        let required_sets: Vec<Vec<String>> = variants
            .iter()
            .map(|v| match named_index(&v.ty).map(|i| &self.types[i]) {
                Some(TypeDef {
                    kind: TypeKind::Struct(fields),
                    schema: None,
                    ..
                }) => fields
                    .iter()
                    .filter(|f| f.required)
                    .map(|f| f.json_name.clone())
                    .collect(),
                _ => Vec::new(),
            })
            .collect();
        for (i, variant) in variants.iter_mut().enumerate() {
            let unique = required_sets[i].iter().find(|f| {
                required_sets
                    .iter()
                    .enumerate()
                    .all(|(j, other)| j == i || !other.contains(f))
            });
            if let Some(field) = unique {
                let candidate = pascal(field);
                if used.insert(candidate.clone()) {
                    variant.name = candidate;
                }
            }
        }
        // Still a number (`Variant3`, `FooVariant2`): the branch's own title, where it has one.
        for (variant, branch) in variants.iter_mut().zip(branches) {
            let numbered = variant
                .name
                .trim_end_matches(|c: char| c.is_ascii_digit())
                .ends_with("Variant");
            let title = text(self.deref(branch), "title");
            if !numbered || title.is_empty() {
                continue;
            }
            // `BGP` reads as `Bgp`, as Rust names acronyms.
            let title = if title.chars().all(|c| !c.is_ascii_lowercase()) {
                pascal(&title.to_ascii_lowercase())
            } else {
                pascal(&title)
            };
            if used.insert(title.clone()) {
                variant.name = title;
            }
        }
        // Untagged: try the variant with the most required fields first, so a lenient one cannot shadow it.
        let tag = tag.filter(|_| variants.iter().all(|v| !v.tag_values.is_empty()));
        if tag.is_none() {
            let weights: Vec<i64> = variants.iter().map(|v| self.specificity(&v.ty)).collect();
            let mut order: Vec<usize> = (0..variants.len()).collect();
            order.sort_by_key(|&i| -weights[i]);
            let mut old: Vec<Option<Variant>> = variants.into_iter().map(Some).collect();
            variants = order
                .into_iter()
                .map(|i| old[i].take().expect("each once"))
                .collect();
        }
        self.building.pop();
        self.types[index].kind = TypeKind::Union { tag, variants };
        ty
    }

    /// A union without a discriminator whose branches each pin one required property to a single
    /// value of their own (`"type": {"enum": ["text"]}`) is tagged by that property: the value, not
    /// the order of trying, picks the branch. Gives the property and each branch's value.
    fn branch_consts(&self, branches: &[&Value]) -> Option<(String, Vec<String>)> {
        let mut per_branch: Vec<BTreeMap<String, String>> = Vec::new();
        for branch in branches {
            let mut props = Vec::new();
            let mut required = BTreeSet::new();
            let mut doc = String::new();
            self.collect(branch, &mut props, &mut required, &mut doc);
            let consts = props
                .iter()
                .filter(|(name, _)| required.contains(name))
                .filter_map(|(name, prop)| {
                    let values = self.deref(prop).get("enum")?.as_array()?;
                    match values.as_slice() {
                        [Value::String(only)] => Some((name.clone(), only.clone())),
                        _ => None,
                    }
                })
                .collect();
            per_branch.push(consts);
        }
        let first = per_branch.first()?;
        let mut candidates: Vec<&String> = first
            .keys()
            .filter(|p| {
                let values: BTreeSet<Option<&String>> =
                    per_branch.iter().map(|c| c.get(*p)).collect();
                values.len() == per_branch.len() && !values.contains(&None)
            })
            .collect();
        // `type` is the usual discriminator; otherwise the first such property by name.
        candidates.sort_by_key(|p| p.as_str() != "type");
        let property = (*candidates.first()?).clone();
        let values = per_branch.iter().map(|c| c[&property].clone()).collect();
        Some((property, values))
    }

    /// How picky a type is when decoding untagged: more required fields first, free-form last.
    fn specificity(&self, ty: &Ty) -> i64 {
        if let Some(i) = named_index(ty) {
            return match &self.types[i].kind {
                TypeKind::Struct(fields) => {
                    10 + 10 * fields.iter().filter(|f| f.required).count() as i64
                }
                TypeKind::Union { .. } => 5,
                TypeKind::StringEnum(_) => 3,
                _ => 8,
            };
        }
        match ty {
            Ty::Bool | Ty::Int => 4,
            Ty::Float => 3,
            Ty::Str => 2,
            Ty::Vec(_) | Ty::Map(_) => 6,
            _ => 0,
        }
    }

    pub fn finish(mut self) -> (Vec<TypeDef>, usize, usize, Vec<SchemaExample>) {
        self.settle_request_names();
        // Every row of the table must still apply: a stale one would claim a decision nobody makes.
        for (schema, field, _) in &self.always_sent {
            assert!(
                self.always_used
                    .iter()
                    .any(|(s, f, _)| s == schema && f == field),
                "always_sent.tsv: `{schema}.{field}` matches no answer field that is not nullable"
            );
        }
        (
            self.types,
            self.value_fields,
            self.total_fields,
            self.schema_examples,
        )
    }

    pub fn mark_body(&mut self, ty: &Ty) {
        if let Ty::Named(i) = ty {
            self.types[*i].is_body = true;
        }
    }
}

/// `2020-11-14T16:29:21Z`, with optional fraction and an offset in place of `Z`.
fn is_rfc3339(text: &str) -> bool {
    let b = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| {
        b.get(range)
            .is_some_and(|d| d.iter().all(u8::is_ascii_digit))
    };
    if b.len() < 20
        || !(digits(0..4) && digits(5..7) && digits(8..10) && digits(11..13))
        || !(digits(14..16) && digits(17..19))
        || (b[4], b[7], b[10], b[13], b[16]) != (b'-', b'-', b'T', b':', b':')
    {
        return false;
    }
    let mut rest = &text[19..];
    if let Some(fraction) = rest.strip_prefix('.') {
        let n = fraction.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 {
            return false;
        }
        rest = &fraction[n..];
    }
    rest == "Z"
        || (rest.len() == 6
            && matches!(rest.as_bytes()[0], b'+' | b'-')
            && rest.as_bytes()[3] == b':'
            && rest[1..3]
                .bytes()
                .chain(rest[4..].bytes())
                .all(|c| c.is_ascii_digit()))
}

/// Integer ids are `u64`, as in the hand-written models and the path parameters.
fn id_typed(field: &str, ty: Ty) -> Ty {
    let is_id = field == "id" || field.ends_with("_id");
    match ty {
        Ty::Int if is_id => Ty::U64,
        Ty::Vec(inner) if *inner == Ty::Int && (field == "ids" || field.ends_with("_ids")) => {
            Ty::Vec(Box::new(Ty::U64))
        }
        other => other,
    }
}

fn variant_name(type_name: &str, union_name: &str) -> String {
    let stripped = type_name.strip_prefix(union_name).unwrap_or(type_name);
    if stripped.is_empty() || stripped.starts_with(|c: char| c.is_ascii_digit()) {
        type_name.to_owned()
    } else {
        stripped.to_owned()
    }
}

fn is_prose_only(v: &Value) -> bool {
    v.as_object().is_some_and(|m| {
        m.keys().all(|k| {
            matches!(
                k.as_str(),
                "description"
                    | "example"
                    | "title"
                    | "nullable"
                    | "readOnly"
                    | "writeOnly"
                    | "default"
            )
        })
    })
}

fn has_required_only(parts: &[Value]) -> bool {
    parts.iter().any(|p| {
        p.get("required").is_some() && p.get("properties").is_none() && p.get("$ref").is_none()
    })
}

fn is_empty_schema(v: &Value) -> bool {
    v.as_object().is_some_and(|m| {
        m.keys()
            .all(|k| matches!(k.as_str(), "description" | "example" | "title" | "nullable"))
    }) || v.get("type").and_then(Value::as_str) == Some("null")
}

fn is_object_like(v: &Value, lowerer: &Lowerer<'_>) -> bool {
    let v = lowerer.deref(v);
    v.get("properties").is_some()
        || v.get("type").and_then(Value::as_str) == Some("object")
        || v.get("allOf").is_some_and(|parts| {
            parts
                .as_array()
                .is_some_and(|p| p.iter().all(|x| is_object_like(x, lowerer)))
        })
        || (v.get("required").is_some() && v.get("type").is_none())
        || is_prose_only(v)
}

/// Schemas marked `readOnly` as a whole that a request may still send: an app's `vpc` (the spec's own
/// `apps_create` example sends it; godo's `AppSpec.Vpc` is sent on create).
const WRITABLE_ANYWAY: &[&str] = &["#/components/schemas/apps_vpc"];

/// A property the API sets itself (`readOnly`), on the property or on the schema it refers to.
fn is_read_only(v: &Value, lowerer: &Lowerer<'_>) -> bool {
    let writable = v
        .get("$ref")
        .and_then(Value::as_str)
        .is_some_and(|r| WRITABLE_ANYWAY.contains(&r));
    v.get("readOnly").and_then(Value::as_bool) == Some(true)
        || (!writable && lowerer.deref(v).get("readOnly").and_then(Value::as_bool) == Some(true))
}

fn is_nullable(v: &Value, lowerer: &Lowerer<'_>) -> bool {
    v.get("nullable").and_then(Value::as_bool).unwrap_or(false)
        || lowerer
            .deref(v)
            .get("nullable")
            .and_then(Value::as_bool)
            .unwrap_or(false)
}

/// Whether a named schema becomes its own type (object, enum, union), rather than a primitive or list.
fn needs_named_type(schema: &Value, lowerer: &Lowerer<'_>) -> bool {
    if schema.get("allOf").is_some()
        || schema.get("oneOf").is_some()
        || schema.get("anyOf").is_some()
    {
        // Resolved inside inline_ty; a named allOf of several parts is a struct.
        return true;
    }
    if schema
        .get("enum")
        .is_some_and(|e| e.as_array().is_some_and(|a| a.iter().all(Value::is_string)))
    {
        return true;
    }
    let _ = lowerer;
    schema
        .get("properties")
        .and_then(Value::as_object)
        .is_some_and(|p| !p.is_empty())
}

// ---------------------------------------------------------------------------------------------------------
// Operations

pub fn lower(root: &Value) -> Api {
    let mut lowerer = Lowerer::new(root);
    let mut services: BTreeMap<String, Service> = BTreeMap::new();
    let paths = root["paths"].as_object().expect("paths");
    for (path, item) in paths {
        let path_level: Vec<Value> = item
            .get("parameters")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        for method in ["get", "put", "post", "delete", "patch", "head"] {
            let Some(op) = item.get(method) else { continue };
            let operation_id = text(op, "operationId");
            let (handler, method_name) = operation_names(&operation_id);
            let prefix = operation_id
                .split('_')
                .next()
                .unwrap_or_default()
                .to_owned();
            let hand_written = HAND_WRITTEN.iter().any(|(id, _)| *id == operation_id);
            let service = services.entry(handler.clone()).or_insert_with(|| Service {
                prefix: prefix.clone(),
                type_name: pascal(&handler),
                handler: handler.clone(),
                hand_written,
                operations: Vec::new(),
            });
            let lowered = lower_operation(
                &mut lowerer,
                root,
                path,
                method,
                op,
                &path_level,
                &operation_id,
                &service.type_name,
                &method_name,
            );
            services
                .get_mut(&handler)
                .expect("inserted")
                .operations
                .push(lowered);
        }
    }
    let mut services: Vec<Service> = services.into_values().collect();
    for service in &mut services {
        service
            .operations
            .sort_by(|a, b| a.method_name.cmp(&b.method_name));
    }
    let (types, value_fields, total_fields, schema_examples) = lowerer.finish();
    let mut api = Api {
        services,
        types,
        value_fields,
        total_fields,
        schema_examples,
        honest: Default::default(),
    };
    api.honest = crate::honest::run(&mut api);
    // Before merging, so each merged type's own users are known (`TypeDef::absorbed`).
    api.compute_features();
    crate::tidy::dedupe(&mut api);
    api.compute_features();
    let reserved: BTreeSet<String> = RESERVED.iter().map(|s| (*s).to_owned()).collect();
    crate::tidy::rename(&mut api, &reserved);
    // Renamed variants can make two unions identical.
    crate::tidy::dedupe(&mut api);
    api.compute_features();
    crate::honest::name_slug_or_id(&mut api);
    crate::honest::neutral_names(&mut api);
    // Models keep their natural names; a handler that would share one is called `…Handler`.
    let model_names: BTreeSet<String> = api
        .types
        .iter()
        .filter(|t| crate::tidy::live(t))
        .map(|t| t.name.clone())
        .collect();
    for service in &mut api.services {
        if model_names.contains(service.type_name.as_str()) {
            service.type_name.push_str("Handler");
        }
    }
    api.propagate_bodies();
    // The answer's side of a read/write schema pair (`database_replica_read`) is the resource itself
    // when the write side became a request type of its own (`DatabaseReplicaRequest`).
    let mut taken: BTreeSet<String> = api
        .types
        .iter()
        .filter(|t| crate::tidy::live(t))
        .map(|t| t.name.clone())
        .collect();
    taken.extend(api.services.iter().map(|s| s.type_name.clone()));
    taken.extend(reserved);
    let mut renamed = Vec::new();
    for def in &mut api.types {
        let Some(base) = def.name.strip_suffix("Read") else {
            continue;
        };
        if crate::tidy::live(def)
            && def.schema.as_deref().is_some_and(|s| s.ends_with("_read"))
            && !taken.contains(base)
        {
            let base = base.to_owned();
            taken.insert(base.clone());
            renamed.push((std::mem::replace(&mut def.name, base.clone()), base));
        }
    }
    // Its inline parts follow (`DatabaseClusterReadEngine` → `DatabaseClusterEngine`).
    for def in api.types.iter_mut().filter(|t| crate::tidy::live(t)) {
        for (old, new) in &renamed {
            let Some(rest) = def.name.strip_prefix(old.as_str()) else {
                continue;
            };
            let wanted = format!("{new}{rest}");
            if rest.starts_with(|c: char| c.is_ascii_uppercase()) && !taken.contains(&wanted) {
                taken.insert(wanted.clone());
                def.name = wanted;
            }
        }
    }
    api
}

#[allow(clippy::too_many_arguments)]
fn lower_operation(
    lowerer: &mut Lowerer<'_>,
    root: &Value,
    path: &str,
    method: &str,
    op: &Value,
    path_level: &[Value],
    operation_id: &str,
    service_type: &str,
    method_name: &str,
) -> Operation {
    let ctx = format!("{service_type}{}", pascal(method_name));
    let host = match op.get("servers").and_then(|s| s[0]["url"].as_str()) {
        Some("https://inference.do-ai.run") => Host::Inference,
        Some(url) if url.contains("{agent_url}") => Host::Agent,
        Some("https://") => Host::Absolute,
        _ => Host::Api,
    };
    let mut params: Vec<Value> = path_level.to_vec();
    params.extend(
        op.get("parameters")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default(),
    );
    let params: Vec<Value> = params.iter().map(|p| lowerer.deref(p).clone()).collect();
    let mut path_params = Vec::new();
    let mut required_query = Vec::new();
    let mut optional_query = Vec::new();
    let mut fixed_headers = Vec::new();
    let mut used = BTreeSet::new();
    // Path parameters in the order they appear in the path.
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        let end = rest[start..]
            .find('}')
            .map(|e| start + e)
            .unwrap_or(rest.len());
        let name = &rest[start + 1..end];
        let spec = params
            .iter()
            .find(|p| p["in"] == "path" && p["name"] == name);
        let kind = spec
            .map(|p| param_kind(lowerer, &p["schema"], true))
            .unwrap_or(ParamKind::Str);
        path_params.push(make_param(lowerer, name, kind, spec, &mut used));
        rest = &rest[end + 1..];
    }
    if host == Host::Absolute {
        path_params.push(Param {
            name: "upload_url".to_owned(),
            ident: "upload_url".to_owned(),
            kind: ParamKind::Str,
            description: "The presigned `upload_url` returned when the batch file was created."
                .to_owned(),
            example: Some(Value::String("https://example.invalid/upload".to_owned())),
            bounds: Bounds::default(),
        });
    }
    for p in &params {
        let name = p["name"].as_str().unwrap_or_default();
        match p["in"].as_str() {
            Some("query") => {
                let kind = param_kind(lowerer, &p["schema"], false);
                let required = p["required"].as_bool().unwrap_or(false)
                    || defects::query_required(operation_id, name);
                let param = make_param(lowerer, name, kind, Some(p), &mut used);
                if required {
                    required_query.push(param);
                } else {
                    optional_query.push(param);
                }
            }
            Some("header") if p["required"].as_bool() == Some(true) => {
                fixed_headers.push((name.to_owned(), "true".to_owned()));
            }
            _ => {}
        }
    }
    let body = op
        .get("requestBody")
        .map(|b| lowerer.deref(b).clone())
        .and_then(|b| {
            let content = b.get("content")?.as_object()?;
            if let Some(json) = content.get("application/json") {
                let ty = lowerer.request_ty(&json["schema"], &format!("{ctx}Body"));
                lowerer.mark_body(&ty);
                Some(Body {
                    ty,
                    content_type: "application/json".to_owned(),
                })
            } else {
                content.keys().next().map(|ct| Body {
                    ty: Ty::Str,
                    content_type: ct.clone(),
                })
            }
        });
    let op_ptr = format!("/paths/{}/{method}", escape(path));
    let request_examples = op
        .get("requestBody")
        .map(|b| {
            let base = ref_pointer(b).unwrap_or_else(|| format!("{op_ptr}/requestBody"));
            let b = lowerer.deref(b).clone();
            examples_of(
                lowerer,
                &b["content"]["application/json"],
                &format!("{base}/content/application~1json"),
            )
        })
        .unwrap_or_default();
    let responses = op["responses"].as_object().cloned().unwrap_or_default();
    let success = responses
        .iter()
        .filter(|(code, _)| code.starts_with('2'))
        .min_by_key(|(code, _)| code.to_string());
    let (response, response_examples) = match success {
        None => (ResponseKind::Empty, Vec::new()),
        Some((code, response)) => {
            let base =
                ref_pointer(response).unwrap_or_else(|| format!("{op_ptr}/responses/{code}"));
            let media_ptr = format!("{base}/content/application~1json");
            let response = lowerer.deref(response).clone();
            let content = response
                .get("content")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default();
            if let Some(json) = content.get("application/json") {
                let kind = match defects::wrapped_answer(operation_id) {
                    Some(key) => ResponseKind::Member {
                        key: key.to_owned(),
                        ty: lowerer.ty(&json["schema"], &format!("{ctx}Response")),
                    },
                    None => response_kind(lowerer, &json["schema"], &format!("{ctx}Response")),
                };
                (kind, examples_of(lowerer, json, &media_ptr))
            } else if let Some((ct, _)) = content.iter().find(|(ct, _)| {
                ct.starts_with("text/") && ct.as_str() != "text/event-stream" || ct.contains("yaml")
            }) {
                (ResponseKind::Text { accept: ct.clone() }, Vec::new())
            } else if let Some((ct, _)) = content.iter().next() {
                (ResponseKind::Bytes { accept: ct.clone() }, Vec::new())
            } else {
                (ResponseKind::Empty, Vec::new())
            }
        }
    };
    let stream_event = success.and_then(|(_, r)| {
        let r = lowerer.deref(r).clone();
        let schema = r
            .get("content")?
            .get("text/event-stream")?
            .get("schema")?
            .clone();
        Some(lowerer.ty(&schema, &format!("{ctx}Event")))
    });
    let success_code = success.map(|(code, _)| code.clone());
    let mut other_responses = Vec::new();
    for (code, response) in &responses {
        if Some(code) == success_code.as_ref() {
            continue;
        }
        let base = ref_pointer(response).unwrap_or_else(|| format!("{op_ptr}/responses/{code}"));
        let media_ptr = format!("{base}/content/application~1json");
        let response = lowerer.deref(response).clone();
        let Some(json) = response
            .get("content")
            .and_then(|c| c.get("application/json"))
        else {
            continue;
        };
        let examples = examples_of(lowerer, json, &media_ptr);
        if examples.is_empty() {
            continue;
        }
        let ty = lowerer.ty(&json["schema"], &format!("{ctx}{}Response", pascal(code)));
        other_responses.push((code.clone(), ty, examples));
    }
    let _ = root;
    Operation {
        other_responses,
        stream_event,
        operation_id: operation_id.to_owned(),
        method_name: method_name.to_owned(),
        http_method: method.to_uppercase(),
        path: path.to_owned(),
        host,
        summary: text(op, "summary"),
        description: text(op, "description"),
        path_params,
        required_query,
        optional_query,
        fixed_headers,
        body,
        response,
        response_examples,
        request_examples,
        deprecated: op
            .get("deprecated")
            .and_then(Value::as_bool)
            .unwrap_or(false),
    }
}

fn make_param(
    lowerer: &Lowerer<'_>,
    name: &str,
    kind: ParamKind,
    spec: Option<&Value>,
    used: &mut BTreeSet<String>,
) -> Param {
    let mut id = ident(name);
    if matches!(id.as_str(), "body" | "client" | "request") {
        id.push_str("_param");
    }
    while !used.insert(id.clone()) {
        id.push('_');
    }
    let description = spec.map(|p| text(p, "description")).unwrap_or_default();
    let example = spec.and_then(|p| {
        p.get("example")
            .or_else(|| p["schema"].get("example"))
            .cloned()
    });
    let bounds = spec
        .map(|p| bounds(lowerer.deref(&p["schema"]), kind))
        .unwrap_or_default();
    Param {
        name: name.to_owned(),
        ident: id,
        kind,
        description,
        example,
        bounds,
    }
}

/// The limits a parameter's schema states that a call can check: integer bounds (ids are at least 1
/// whatever the spec says), a string's `maxLength`, and a `pattern` that is one character class.
fn bounds(schema: &Value, kind: ParamKind) -> Bounds {
    let int = |key: &str| schema.get(key).and_then(Value::as_i64);
    match kind {
        ParamKind::Id | ParamKind::Int => Bounds {
            minimum: int("minimum"),
            maximum: int("maximum"),
            ..Bounds::default()
        },
        ParamKind::Str => Bounds {
            max_length: schema.get("maxLength").and_then(Value::as_u64),
            char_class: schema
                .get("pattern")
                .and_then(Value::as_str)
                .and_then(char_class),
            ..Bounds::default()
        },
        ParamKind::Bool | ParamKind::StrList => Bounds::default(),
    }
}

/// `^[a-zA-Z0-9_\-\:]+$` as ranges and single characters; `None` for any other pattern.
fn char_class(pattern: &str) -> Option<(Vec<(char, char)>, String)> {
    let class = pattern.strip_prefix("^[")?.strip_suffix("]+$")?;
    // Each member with whether it was escaped (an escaped `-` is the character, not a range).
    let mut members = Vec::new();
    let mut it = class.chars();
    while let Some(c) = it.next() {
        members.push(if c == '\\' {
            (it.next()?, true)
        } else {
            (c, false)
        });
    }
    let (mut ranges, mut singles) = (Vec::new(), String::new());
    let mut i = 0;
    while i < members.len() {
        match (members.get(i + 1), members.get(i + 2)) {
            (Some(('-', false)), Some(&(end, _))) => {
                ranges.push((members[i].0, end));
                i += 3;
            }
            _ => {
                singles.push(members[i].0);
                i += 1;
            }
        }
    }
    Some((ranges, singles))
}

fn param_kind(lowerer: &Lowerer<'_>, schema: &Value, in_path: bool) -> ParamKind {
    let schema = lowerer.deref(schema);
    match schema.get("type").and_then(Value::as_str) {
        Some("integer") if in_path => ParamKind::Id,
        Some("integer") => ParamKind::Int,
        Some("boolean") => ParamKind::Bool,
        Some("array") => ParamKind::StrList,
        _ => ParamKind::Str,
    }
}

/// How an operation's JSON answer is handed to the caller: unwrapped envelope, page, or the whole type.
fn response_kind(lowerer: &mut Lowerer<'_>, schema: &Value, ctx: &str) -> ResponseKind {
    let mut props = Vec::new();
    let mut required = BTreeSet::new();
    let mut doc = String::new();
    let resolved = lowerer.deref(schema).clone();
    if resolved.get("oneOf").is_none() && resolved.get("anyOf").is_none() {
        lowerer.collect(&resolved, &mut props, &mut required, &mut doc);
    }
    let data: Vec<&(String, Value)> = props
        .iter()
        .filter(|(n, _)| n != "links" && n != "meta")
        .collect();
    let paged = props.len() > data.len();
    if paged && data.len() == 1 {
        let (key, prop) = data[0];
        let prop_schema = lowerer.deref(prop).clone();
        if prop_schema.get("type").and_then(Value::as_str) == Some("array") {
            let items = prop_schema.get("items").cloned().unwrap_or(Value::Null);
            let item = lowerer.ty(&items, &format!("{ctx}{}Item", pascal(key)));
            return ResponseKind::Page {
                key: key.clone(),
                item,
            };
        }
    }
    if !paged && props.len() == 1 {
        let (key, prop) = &props[0];
        let ty = lowerer.ty(prop, &format!("{ctx}{}", pascal(key)));
        return ResponseKind::Member {
            key: key.clone(),
            ty,
        };
    }
    ResponseKind::Json(lowerer.ty(schema, ctx))
}

/// The examples of one media type, as JSON pointers: `examples` (inline or by reference) and `example`.
fn examples_of(lowerer: &Lowerer<'_>, media: &Value, media_ptr: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if let Some(examples) = media.get("examples").and_then(Value::as_object) {
        for (name, example) in examples {
            let base = ref_pointer(example)
                .unwrap_or_else(|| format!("{media_ptr}/examples/{}", escape(name)));
            if lowerer.deref(example).get("value").is_some() {
                out.push((name.clone(), format!("{base}/value")));
            }
        }
    }
    if media.get("example").is_some() {
        out.push(("example".to_owned(), format!("{media_ptr}/example")));
    }
    out
}

/// A JSON pointer token.
fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// The JSON pointer a `$ref` names, if `v` is one.
fn ref_pointer(v: &Value) -> Option<String> {
    v.get("$ref")
        .and_then(Value::as_str)
        .map(|r| r.trim_start_matches('#').to_owned())
}

#[cfg(test)]
mod tests {
    use super::char_class;

    #[test]
    fn rfc3339_examples_are_recognised() {
        use super::is_rfc3339;
        assert!(is_rfc3339("2020-11-14T16:29:21Z"));
        assert!(is_rfc3339("2019-09-03T16:34:46.000+00:00"));
        assert!(!is_rfc3339("2023-01-01"));
        assert!(!is_rfc3339("example string"));
        assert!(!is_rfc3339("2020-11-14T16:29:21"));
    }

    #[test]
    fn a_one_class_pattern_becomes_ranges_and_characters() {
        let (ranges, singles) = char_class(r"^[a-zA-Z0-9_\-\:]+$").expect("one class");
        assert_eq!(ranges, [('a', 'z'), ('A', 'Z'), ('0', '9')]);
        assert_eq!(singles, "_-:");
        assert!(char_class("^do:(dbaas|domain):.*").is_none());
        assert!(char_class("^[a-z]*$").is_none());
    }
}

//! The intermediate representation: services → operations, and schemas → types. Emitters (the SDK, the
//! operation table, docs and tests; later the CLI) read only this, never the spec.

use std::collections::{BTreeMap, BTreeSet};

/// The whole API, lowered.
pub struct Api {
    pub services: Vec<Service>,
    pub types: Vec<TypeDef>,
    /// Fields whose type fell back to `serde_json::Value`, and all fields, for the report.
    pub value_fields: usize,
    pub total_fields: usize,
    /// Examples given on schemas and properties: (label such as `Droplet.id`, type, whether the field is
    /// an `Option`, the example).
    pub schema_examples: Vec<SchemaExample>,
    /// What `honest::run` changed, for the report.
    pub honest: HonestChanges,
}

/// One handler (`client.droplets()`), from one operationId prefix.
pub struct Service {
    /// The operationId prefix, e.g. `floatingIPsAction`.
    pub prefix: String,
    /// The accessor and feature name, e.g. `floating_ips_action`.
    pub handler: String,
    /// The handler struct, e.g. `FloatingIpsAction`.
    pub type_name: String,
    /// Written by hand in `resources/`; the generator emits only its table entries and docs.
    pub hand_written: bool,
    pub operations: Vec<Operation>,
}

/// The server an operation goes to.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Host {
    Api,
    Inference,
    Agent,
    /// The path is a whole presigned URL passed by the caller.
    Absolute,
}

impl Host {
    pub fn name(self) -> &'static str {
        match self {
            Host::Api => "Api",
            Host::Inference => "Inference",
            Host::Agent => "Agent",
            Host::Absolute => "Absolute",
        }
    }
}

pub struct Operation {
    pub operation_id: String,
    /// The Rust method name on the handler.
    pub method_name: String,
    /// Upper-case HTTP method.
    pub http_method: String,
    pub path: String,
    pub host: Host,
    pub summary: String,
    pub description: String,
    pub path_params: Vec<Param>,
    pub required_query: Vec<Param>,
    pub optional_query: Vec<Param>,
    /// Request headers the API requires with a fixed value (e.g. `X-Dangerous: true`).
    pub fixed_headers: Vec<(String, String)>,
    pub body: Option<Body>,
    pub response: ResponseKind,
    /// Examples of the success answer and of the request body: (name, JSON pointer into the spec).
    pub response_examples: Vec<(String, String)>,
    pub request_examples: Vec<(String, String)>,
    pub deprecated: bool,
    /// The other (error) answers with JSON examples: (status, type, examples as (name, pointer)).
    pub other_responses: Vec<OtherResponse>,
    /// The event type of the `text/event-stream` variant (sent with `"stream": true`), if there is one.
    pub stream_event: Option<Ty>,
}

impl Operation {
    pub fn is_list(&self) -> bool {
        matches!(self.response, ResponseKind::Page { .. })
    }
}

/// A non-success answer with JSON examples: (status, type, examples as (name, JSON pointer)).
pub type OtherResponse = (String, Ty, Vec<(String, String)>);

/// An example given on a schema or property: (label such as `Droplet.id`, type, whether the field is an
/// `Option`, the example).
pub type SchemaExample = (String, Ty, bool, serde_json::Value);

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ParamKind {
    /// Path integers are ids: `u64`.
    Id,
    Int,
    Bool,
    Str,
    StrList,
}

impl ParamKind {
    pub fn name(self) -> &'static str {
        match self {
            ParamKind::Id => "Id",
            ParamKind::Int => "Int",
            ParamKind::Bool => "Bool",
            ParamKind::Str => "Str",
            ParamKind::StrList => "StrList",
        }
    }
}

pub struct Param {
    /// The name on the wire.
    pub name: String,
    /// The Rust argument or setter name.
    pub ident: String,
    pub kind: ParamKind,
    pub description: String,
    pub example: Option<serde_json::Value>,
    /// What the spec's schema allows, checked before sending.
    pub bounds: Bounds,
}

/// The limits a parameter's schema states.
#[derive(Clone, Debug, Default)]
pub struct Bounds {
    /// `minimum` of an integer.
    pub minimum: Option<i64>,
    /// `maximum` of an integer.
    pub maximum: Option<i64>,
    /// `maxLength` of a string, in characters.
    pub max_length: Option<u64>,
    /// A `pattern` of the form `^[class]+$`, as the class's ranges and single characters.
    pub char_class: Option<(Vec<(char, char)>, String)>,
}

pub struct Body {
    pub ty: Ty,
    /// `application/json` or `application/octet-stream`.
    pub content_type: String,
}

#[derive(Clone, Debug)]
pub enum ResponseKind {
    /// No body (204, or 2xx without content).
    Empty,
    /// The whole body is the type.
    Json(Ty),
    /// `{"key": T}` unwrapped to `T`.
    Member { key: String, ty: Ty },
    /// `{"key": [T], "links", "meta"}` as `Page<T>`.
    Page { key: String, item: Ty },
    /// Text such as YAML or CSV, with this `Accept`.
    Text { accept: String },
    /// Bytes such as a PDF, with this `Accept`.
    Bytes { accept: String },
}

impl ResponseKind {
    pub fn name(&self) -> &'static str {
        match self {
            ResponseKind::Empty => "Empty",
            ResponseKind::Json(_) => "Json",
            ResponseKind::Member { .. } => "Member",
            ResponseKind::Page { .. } => "Page",
            ResponseKind::Text { .. } => "Text",
            ResponseKind::Bytes { .. } => "Bytes",
        }
    }
}

/// A type as used in a field, parameter or response.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub enum Ty {
    Str,
    Bool,
    Int,
    /// An integer id (`id`, `…_id`, `…_ids` fields): never negative.
    U64,
    Float,
    /// Free-form JSON.
    Value,
    Vec(Box<Ty>),
    Map(Box<Ty>),
    /// Index into `Api::types`.
    Named(usize),
    /// A `Named` type that refers back to a type being defined: boxed to keep the size finite.
    Boxed(Box<Ty>),
}

impl Ty {
    pub fn mentions_value(&self) -> bool {
        match self {
            Ty::Value => true,
            Ty::Vec(inner) | Ty::Map(inner) | Ty::Boxed(inner) => inner.mentions_value(),
            _ => false,
        }
    }

    pub fn named(&self, out: &mut BTreeSet<usize>) {
        match self {
            Ty::Named(i) => {
                out.insert(*i);
            }
            Ty::Vec(inner) | Ty::Map(inner) | Ty::Boxed(inner) => inner.named(out),
            _ => {}
        }
    }
}

pub struct TypeDef {
    pub name: String,
    pub doc: String,
    pub kind: TypeKind,
    /// The features (handlers) that reach this type; it compiles when any of them is on.
    pub features: BTreeSet<String>,
    /// The components/schemas name, for named schemas.
    pub schema: Option<String>,
    /// Used as a request body somewhere: gets `Default` when it has no required field.
    pub is_body: bool,
    /// A request body's copy of a schema without its read-only properties (`FirewallRequest`): a
    /// merge of identical types keeps another name over it.
    pub request_copy: bool,
    /// The features that reached the identical types merged into this one: a name taken from one
    /// service's schema but shared with another's (`Database` holding an add-on's `{name}`) shows here.
    pub absorbed: BTreeSet<String>,
}

impl TypeDef {
    /// A list an answer may leave out: `Vec<T>`, empty when absent or `null`. Request bodies keep
    /// `Option<Vec<T>>`, since an update may treat `[]` (clear) and absent (keep) apart.
    pub fn empty_list(&self, field: &Field) -> bool {
        !field.required && !self.is_body && matches!(field.ty, Ty::Vec(_))
    }

    /// Whether a field is declared `Option<T>`.
    pub fn optional(&self, field: &Field) -> bool {
        !field.required && !self.empty_list(field)
    }
}

pub enum TypeKind {
    Struct(Vec<Field>),
    StringEnum(Vec<(String, String)>),
    /// `oneOf`/`anyOf`: tagged by `tag` (a property name) when the spec gives a discriminator, else untagged.
    Union {
        tag: Option<String>,
        variants: Vec<Variant>,
    },
    /// A type written by hand elsewhere in the crate (the override table).
    Existing(&'static str),
    /// Placeholder while a recursive type is being built.
    Pending,
}

#[derive(Clone)]
pub struct Field {
    pub json_name: String,
    pub ident: String,
    pub ty: Ty,
    pub required: bool,
    pub doc: String,
}

pub struct Variant {
    pub name: String,
    pub ty: Ty,
    /// The discriminator values that select this variant.
    pub tag_values: Vec<String>,
}

impl Api {
    pub fn type_deps(&self, index: usize) -> BTreeSet<usize> {
        let mut out = BTreeSet::new();
        match &self.types[index].kind {
            TypeKind::Struct(fields) => fields.iter().for_each(|f| f.ty.named(&mut out)),
            TypeKind::Union { variants, .. } => variants.iter().for_each(|v| v.ty.named(&mut out)),
            _ => {}
        }
        out
    }

    /// Marks every type reachable from a request body as a body type (it gets `Default` or `new`).
    pub fn propagate_bodies(&mut self) {
        let mut stack: Vec<usize> = (0..self.types.len())
            .filter(|&i| self.types[i].is_body)
            .collect();
        let mut seen = BTreeSet::new();
        while let Some(index) = stack.pop() {
            if !seen.insert(index) {
                continue;
            }
            self.types[index].is_body = true;
            stack.extend(self.type_deps(index));
        }
    }

    /// Marks every type reachable from each operation with its service's feature.
    pub fn compute_features(&mut self) {
        let mut roots: BTreeMap<usize, BTreeSet<String>> = BTreeMap::new();
        for service in self.services.iter().filter(|s| !s.hand_written) {
            for op in &service.operations {
                let mut named = BTreeSet::new();
                if let Some(body) = &op.body {
                    body.ty.named(&mut named);
                }
                if let Some(event) = &op.stream_event {
                    event.named(&mut named);
                }
                for (_, ty, _) in &op.other_responses {
                    ty.named(&mut named);
                }
                match &op.response {
                    ResponseKind::Json(ty) | ResponseKind::Member { ty, .. } => {
                        ty.named(&mut named)
                    }
                    ResponseKind::Page { item, .. } => item.named(&mut named),
                    _ => {}
                }
                for index in named {
                    roots
                        .entry(index)
                        .or_default()
                        .insert(service.handler.clone());
                }
            }
        }
        for (root, features) in roots {
            let mut stack = vec![root];
            let mut seen = BTreeSet::new();
            while let Some(index) = stack.pop() {
                if !seen.insert(index) {
                    continue;
                }
                self.types[index].features.extend(features.iter().cloned());
                stack.extend(self.type_deps(index));
            }
        }
    }
}

/// What `honest::run` changed, for the generator's report.
#[derive(Default)]
pub struct HonestChanges {
    /// Unions now tagged by a field their identical branches shared: (union's index, field).
    pub told_apart: Vec<(usize, String)>,
    /// Payload types that lost the tag their variant implies: (type's index, tag).
    pub implied_tags: Vec<(usize, String)>,
    /// Payload types that keep the tag because they are used elsewhere too: (type's index, tag).
    pub kept_tags: Vec<(usize, String)>,
}

/// The type index behind `Named` or `Boxed(Named)`.
pub fn named_index(ty: &Ty) -> Option<usize> {
    match ty {
        Ty::Named(i) => Some(*i),
        Ty::Boxed(inner) => named_index(inner),
        _ => None,
    }
}

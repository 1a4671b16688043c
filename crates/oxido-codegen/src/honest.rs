//! Constructors that cannot lie (issue 17, item 3): run on the lowered types before they are merged.
//!
//! - A variant whose payloads are identical (`VolumesCreateBody::Ext4` and `::Xfs`) is told apart by the
//!   field whose description names each variant (`filesystem_type`: `ext4`, `xfs`): the union becomes
//!   tagged by it, so choosing `Xfs` sends `"filesystem_type": "xfs"`.
//! - A tag a variant implies is not a field of its payload: `DomainRecordA` has no `type`, and the union
//!   sends `"type": "A"` for it. A payload also used elsewhere keeps the field.
//! - A "slug or id" union (`oneOf` string and integer) holds a `u64` id, and is named `SlugOrId` with
//!   `Slug`/`Id` variants (the emitter gives it `From<&str>`, `From<String>` and `From<u64>`).

use std::collections::{BTreeMap, BTreeSet};

use crate::ir::*;

fn struct_fields<'a>(api: &'a Api, ty: &Ty) -> Option<(usize, &'a Vec<Field>)> {
    let i = named_index(ty)?;
    match &api.types[i].kind {
        TypeKind::Struct(fields) => Some((i, fields)),
        _ => None,
    }
}

/// Where each type is used other than as the payload of a tagged union's single-value variant.
fn used_elsewhere(api: &Api) -> BTreeSet<usize> {
    let mut out = BTreeSet::new();
    for def in &api.types {
        match &def.kind {
            TypeKind::Struct(fields) => fields.iter().for_each(|f| f.ty.named(&mut out)),
            TypeKind::Union { tag, variants } => {
                for v in variants {
                    if tag.is_none() || v.tag_values.len() != 1 {
                        v.ty.named(&mut out);
                    }
                }
            }
            _ => {}
        }
    }
    for service in &api.services {
        for op in &service.operations {
            if let Some(body) = &op.body {
                body.ty.named(&mut out);
            }
            if let Some(event) = &op.stream_event {
                event.named(&mut out);
            }
            for (_, ty, _) in &op.other_responses {
                ty.named(&mut out);
            }
            match &op.response {
                ResponseKind::Json(ty) | ResponseKind::Member { ty, .. } => ty.named(&mut out),
                ResponseKind::Page { item, .. } => item.named(&mut out),
                _ => {}
            }
        }
    }
    out
}

/// Untagged unions whose branches are structs with the same fields: the field whose description
/// names every variant in backticks (`ext4`, `xfs`) becomes the tag.
fn tell_apart(api: &mut Api, changes: &mut HonestChanges) {
    for index in 0..api.types.len() {
        let TypeKind::Union {
            tag: None,
            variants,
        } = &api.types[index].kind
        else {
            continue;
        };
        if variants.len() < 2 {
            continue;
        }
        let Some(payloads) = variants
            .iter()
            .map(|v| struct_fields(api, &v.ty))
            .collect::<Option<Vec<_>>>()
        else {
            continue;
        };
        let key = |fields: &Vec<Field>| -> Vec<(String, String, bool)> {
            fields
                .iter()
                .map(|f| (f.json_name.clone(), format!("{:?}", f.ty), f.required))
                .collect()
        };
        let first = key(payloads[0].1);
        if payloads.iter().any(|(_, f)| key(f) != first) {
            continue;
        }
        // The value named in the field's description in backticks that ends the variant's name
        // (`VolumesXfs` → `xfs`), one of its own for each variant.
        let told = payloads[0]
            .1
            .iter()
            .filter(|f| f.ty == Ty::Str)
            .find_map(|f| {
                let quoted: Vec<&str> = f.doc.split('`').skip(1).step_by(2).collect();
                let values: Vec<String> = variants
                    .iter()
                    .filter_map(|v| {
                        let name = v.name.to_lowercase();
                        quoted
                            .iter()
                            .filter(|q| !q.is_empty() && name.ends_with(&q.to_lowercase()))
                            .max_by_key(|q| q.len())
                            .map(|q| (*q).to_owned())
                    })
                    .collect();
                let distinct: BTreeSet<&String> = values.iter().collect();
                (values.len() == variants.len() && distinct.len() == values.len())
                    .then_some((f, values))
            });
        let Some((field, values)) = told else {
            continue;
        };
        let field = field.json_name.clone();
        if let TypeKind::Union { tag, variants } = &mut api.types[index].kind {
            for (variant, value) in variants.iter_mut().zip(&values) {
                variant.tag_values = vec![value.clone()];
            }
            *tag = Some(field.clone());
        }
        changes.told_apart.push((index, field));
    }
}

/// Drops from each payload the tag its variant implies, unless the payload is used elsewhere.
fn drop_implied_tags(api: &mut Api, changes: &mut HonestChanges) {
    let elsewhere = used_elsewhere(api);
    let mut emptied = BTreeSet::new();
    let mut tags: BTreeMap<usize, BTreeSet<String>> = BTreeMap::new();
    for def in &api.types {
        let TypeKind::Union {
            tag: Some(tag),
            variants,
        } = &def.kind
        else {
            continue;
        };
        for v in variants.iter().filter(|v| v.tag_values.len() == 1) {
            if let Some(i) = named_index(&v.ty) {
                tags.entry(i).or_default().insert(tag.clone());
            }
        }
    }
    for (index, tags) in tags {
        if tags.len() != 1 {
            continue;
        }
        let Some(tag) = tags.into_iter().next() else {
            continue;
        };
        let TypeKind::Struct(fields) = &mut api.types[index].kind else {
            continue;
        };
        if !fields.iter().any(|f| f.json_name == tag) {
            continue;
        }
        if elsewhere.contains(&index) {
            changes.kept_tags.push((index, tag));
            continue;
        }
        fields.retain(|f| f.json_name != tag);
        if fields.is_empty() {
            emptied.insert(index);
        }
        changes.implied_tags.push((index, tag));
    }
    if emptied.is_empty() {
        return;
    }
    // A payload with nothing left is a unit variant (`Unassign`), not an empty struct shared by name
    // with another service's.
    let unit = api.types.len();
    api.types.push(TypeDef {
        name: "()".to_owned(),
        doc: String::new(),
        kind: TypeKind::Existing(UNIT),
        features: BTreeSet::new(),
        schema: None,
        is_body: false,
        request_copy: false,
        absorbed: BTreeSet::new(),
    });
    for def in &mut api.types {
        if let TypeKind::Union { variants, .. } = &mut def.kind {
            for v in variants.iter_mut() {
                if named_index(&v.ty).is_some_and(|i| emptied.contains(&i)) {
                    v.ty = Ty::Named(unit);
                }
            }
        }
    }
    for &i in &emptied {
        api.types[i].kind = TypeKind::Pending;
    }
}

/// The payload of a variant that carries nothing but its tag: emitted as a unit variant.
pub const UNIT: &str = "()";

/// Whether a variant carries nothing but its tag.
pub fn is_unit(api: &Api, ty: &Ty) -> bool {
    named_index(ty).is_some_and(|i| matches!(api.types[i].kind, TypeKind::Existing(UNIT)))
}

/// Whether a union is "slug or id": one string variant and one integer variant.
pub fn slug_or_id(kind: &TypeKind) -> bool {
    let TypeKind::Union {
        tag: None,
        variants,
    } = kind
    else {
        return false;
    };
    variants.len() == 2
        && variants.iter().any(|v| v.ty == Ty::Str)
        && variants.iter().any(|v| matches!(v.ty, Ty::Int | Ty::U64))
}

/// A slug-or-id union holds a `u64` id (ids are never negative) in variants named `Id` and `Slug`.
fn slugs_and_ids(api: &mut Api) {
    for def in &mut api.types {
        if !slug_or_id(&def.kind) {
            continue;
        }
        if let TypeKind::Union { variants, .. } = &mut def.kind {
            for v in variants.iter_mut() {
                if v.ty == Ty::Str {
                    v.name = "Slug".to_owned();
                } else {
                    v.ty = Ty::U64;
                    v.name = "Id".to_owned();
                }
            }
            // Untagged: the id first, so a number is never read as a slug.
            variants.sort_by_key(|v| v.ty == Ty::Str);
        }
    }
}

/// After merging: one slug-or-id union left is called `SlugOrId`.
pub fn name_slug_or_id(api: &mut Api) {
    let live: Vec<usize> = (0..api.types.len())
        .filter(|&i| crate::tidy::live(&api.types[i]) && slug_or_id(&api.types[i].kind))
        .collect();
    if let [only] = live[..] {
        let taken = api
            .types
            .iter()
            .any(|t| crate::tidy::live(t) && t.name == "SlugOrId");
        if !taken {
            api.types[only].name = "SlugOrId".to_owned();
            api.types[only].doc = "A resource named by its slug (an image's `ubuntu-24-04-x64`, an SSH key's fingerprint) or by its numeric id: `\"ubuntu-24-04-x64\".into()` or `12345.into()`.".to_owned();
        }
    }
}

/// Names that mention a service the type is not that service's alone (`tidy::foreign_names`), renamed:
/// (name, new name, whether the types named after it follow: `FloatingIpRegion` → `IpReservationRegion`,
/// a doc for a type the spec gives none, so it does not read as one service's).
const NEUTRAL: &[(&str, &str, bool, &str)] = &[
    // The floating IP, reserved IP and reserved IPv6 calls share the action body, the IP and its create.
    (
        "FloatingIpsActionPostBody",
        "IpActionBody",
        false,
        "An action on a reserved or floating IP, IPv4 or IPv6: assign it to a Droplet, or unassign it.",
    ),
    ("FloatingIpActionAssign", "IpActionAssign", false, ""),
    (
        "FloatingIp",
        "IpReservation",
        true,
        "A reserved IP (a floating IP is the same object under its older name): the address, its region and the Droplet it is assigned to.",
    ),
    // A bare `{name}`: a database's, an add-on's, a registry's, a model's.
    (
        "Database",
        "Named",
        false,
        "Something given by its name alone, such as a database in a cluster; several services share this shape.",
    ),
    // `{name?}`: the update of a VPC peering, a functions namespace, a tag, an SSH key, an agent.
    (
        "VpcPeeringUpdatable",
        "NameUpdate",
        false,
        "A rename: the new `name`, left out when `None`.",
    ),
    // `{region}`: an image transfer and a database cluster's move.
    (
        "ImageActionTransfer",
        "TargetRegion",
        false,
        "The region to move a resource to: an image's transfer, a database cluster's migration.",
    ),
    // A database cluster's trusted sources (godo: `DatabaseFirewallRule`).
    (
        "FirewallRule",
        "DatabaseFirewallRule",
        false,
        "A trusted source of a database cluster: a Droplet, Kubernetes cluster, IP address, tag or app allowed to connect.",
    ),
    ("FirewallRuleType", "DatabaseFirewallRuleType", false, ""),
    (
        "FirewallRuleRequest",
        "DatabaseFirewallRuleRequest",
        false,
        "",
    ),
    // A load balancer's domains, not the DNS service's.
    ("Domains", "LoadBalancerDomain", false, ""),
    // Inference: a tool's function and generated images, not the Functions and Images services.
    (
        "FunctionObject",
        "ToolFunction",
        false,
        "A function offered to a model as a tool.",
    ),
    ("ImagesResponse", "GeneratedImages", false, ""),
    ("ImagesUsage", "GeneratedImagesUsage", true, ""),
    ("ImageGenPartialImageEvent", "PartialImageEvent", true, ""),
    // A dedicated inference's provider tokens.
    (
        "InferenceUpdateRequestAccessTokens",
        "ProviderAccessTokens",
        false,
        "",
    ),
    // An app's functions component, not the Functions service.
    (
        "FunctionsComponentHealthMetricsItem",
        "AppFunctionsHealthMetric",
        false,
        "",
    ),
];

/// Applies [`NEUTRAL`]; a row that matches no type fails the generator, so the table stays true.
pub fn neutral_names(api: &mut Api) {
    let live_named = |api: &Api, name: &str| {
        (0..api.types.len())
            .filter(|&i| crate::tidy::live(&api.types[i]) && api.types[i].name == name)
            .collect::<Vec<usize>>()
    };
    for (from, to, parts, doc) in NEUTRAL {
        let found = live_named(api, from);
        assert!(
            found.len() == 1,
            "honest::NEUTRAL: `{from}` names {} types, not one; update the table",
            found.len()
        );
        if !doc.is_empty() {
            assert!(
                api.types[found[0]].doc.trim().is_empty(),
                "honest::NEUTRAL: `{from}` has a doc of its own now; drop the table's"
            );
            api.types[found[0]].doc = (*doc).to_owned();
        }
        let mut renames = vec![(found[0], (*to).to_owned())];
        if *parts {
            for (i, def) in api.types.iter().enumerate() {
                let rest = def.name.strip_prefix(from).unwrap_or_default();
                if crate::tidy::live(def) && rest.starts_with(|c: char| c.is_ascii_uppercase()) {
                    renames.push((i, format!("{to}{rest}")));
                }
            }
        }
        for (i, name) in renames {
            assert!(
                live_named(api, &name).is_empty(),
                "honest::NEUTRAL: `{name}` is taken"
            );
            api.types[i].name = name;
        }
    }
}

/// Runs the pass; see the module doc.
pub fn run(api: &mut Api) -> HonestChanges {
    let mut changes = HonestChanges::default();
    tell_apart(api, &mut changes);
    drop_implied_tags(api, &mut changes);
    slugs_and_ids(api);
    changes
}

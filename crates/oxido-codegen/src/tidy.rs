//! After lowering: one type per shape, and names a person would choose (issue 17, item 1).
//!
//! - Structurally identical types (same fields, types and requiredness; same enum values; same union
//!   variants) become one, named after its schema where one has a schema name, else the shortest name.
//! - A union's inline branch type is named after its variant (`LoadBalancerCreateDropletIds`), not
//!   `…Variant1`, and variants sharing a prefix lose it (`VolumesCreateBody::Ext4`, not `VolumesExt4`).
//! - An inline type does not carry the name of a service that does not use it: a body shared by
//!   `firewalls().assign_droplets()` and `load_balancers().add_droplets()` is `AssignDropletsBody`.
//! - No name is longer than [`MAX_NAME`]: noise words (`Response`, `Body`, inner `Item`) go first, then
//!   leading words, keeping the most specific end.

use std::collections::{BTreeMap, BTreeSet};

use crate::ir::*;

/// The longest type name the generator emits.
pub const MAX_NAME: usize = 40;

/// Whether a type is emitted (not a hand-written type, not merged away).
pub fn live(def: &TypeDef) -> bool {
    !matches!(def.kind, TypeKind::Existing(_) | TypeKind::Pending)
}

fn remap_ty(ty: &mut Ty, map: &BTreeMap<usize, usize>) {
    match ty {
        Ty::Named(i) => {
            if let Some(&to) = map.get(i) {
                *i = to;
            }
        }
        Ty::Vec(inner) | Ty::Map(inner) | Ty::Boxed(inner) => remap_ty(inner, map),
        _ => {}
    }
}

fn ty_key(ty: &Ty) -> String {
    format!("{ty:?}")
}

/// A type's shape with its name and prose left out, for finding duplicates.
fn shape(def: &TypeDef) -> Option<String> {
    match &def.kind {
        TypeKind::Struct(fields) => {
            let mut out = String::from("S");
            for f in fields {
                out.push_str(&format!(
                    "|{}:{}:{}:{}",
                    f.json_name,
                    f.ident,
                    ty_key(&f.ty),
                    f.required
                ));
            }
            Some(out)
        }
        TypeKind::StringEnum(values) => Some(format!("E{values:?}")),
        TypeKind::Union { tag, variants } => {
            let mut out = format!("U{tag:?}");
            for v in variants {
                out.push_str(&format!("|{}:{}:{:?}", v.name, ty_key(&v.ty), v.tag_values));
            }
            Some(out)
        }
        _ => None,
    }
}

/// Merges identical types until none are left, rewriting every reference. Returns how many went.
pub fn dedupe(api: &mut Api) -> usize {
    let mut merged = 0;
    loop {
        let pinned = pinned(api);
        let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (i, def) in api.types.iter().enumerate() {
            if pinned.contains(&i) {
                continue;
            }
            if let Some(key) = shape(def) {
                groups.entry(key).or_default().push(i);
            }
        }
        let mut map = BTreeMap::new();
        for members in groups.values().filter(|m| m.len() > 1) {
            let keep = *members
                .iter()
                .min_by_key(|&&i| {
                    let def = &api.types[i];
                    (def.schema.is_none(), def.request_copy, def.name.len(), i)
                })
                .expect("a group has members");
            for &i in members.iter().filter(|&&i| i != keep) {
                map.insert(i, keep);
            }
        }
        if map.is_empty() {
            return merged;
        }
        merged += map.len();
        // A kept type without a doc borrows one only when every merged member that has a doc says the
        // same thing: a doc written for one service's use would mislead in another's.
        let mut docs: BTreeMap<usize, BTreeSet<String>> = BTreeMap::new();
        for (&from, &to) in &map {
            let is_body = api.types[from].is_body;
            api.types[to].is_body |= is_body;
            let mut absorbed = std::mem::take(&mut api.types[from].absorbed);
            absorbed.extend(std::mem::take(&mut api.types[from].features));
            api.types[to].absorbed.extend(absorbed);
            let doc = std::mem::take(&mut api.types[from].doc);
            if !doc.trim().is_empty() {
                docs.entry(to).or_default().insert(doc);
            }
            api.types[from].kind = TypeKind::Pending;
        }
        for (to, found) in docs {
            if api.types[to].doc.trim().is_empty() && found.len() == 1 {
                api.types[to].doc = found.into_iter().next().unwrap_or_default();
            }
        }
        remap(api, &map);
    }
}

/// Branch types of one union that are identical to each other (`VolumesExt4` and `VolumesXfs`, the
/// `DomainRecord*` kinds): merged, they would make two variants hold the same type, so they stay apart.
pub fn pinned(api: &Api) -> BTreeSet<usize> {
    let mut out = BTreeSet::new();
    let mut named_twins: BTreeMap<String, usize> = BTreeMap::new();
    for def in api.types.iter().filter(|t| t.schema.is_some()) {
        if let Some(key) = shape(def) {
            *named_twins.entry(key).or_default() += 1;
        }
    }
    for def in &api.types {
        let TypeKind::Union { variants, .. } = &def.kind else {
            continue;
        };
        let payloads: Vec<(usize, Option<String>)> = variants
            .iter()
            .filter_map(|v| match v.ty {
                Ty::Named(i) => Some((i, shape(&api.types[i]))),
                _ => None,
            })
            .collect();
        for (i, key) in &payloads {
            if key.is_some() && payloads.iter().any(|(j, other)| j != i && other == key) {
                out.insert(*i);
            }
        }
        // An inline branch named after its union (`PartnerAttachmentUpdatableName`) is not merged
        // into another schema's type of the same shape (`Database`, a `name` alone): the variant
        // would hold another service's payload.
        for (i, key) in &payloads {
            let inline =
                api.types[*i].schema.is_none() && api.types[*i].name.starts_with(&def.name);
            if inline
                && key.is_some()
                && named_twins
                    .get(key.as_deref().unwrap_or_default())
                    .is_some_and(|n| *n > 0)
            {
                out.insert(*i);
            }
        }
    }
    out
}

fn remap(api: &mut Api, map: &BTreeMap<usize, usize>) {
    for def in &mut api.types {
        match &mut def.kind {
            TypeKind::Struct(fields) => fields.iter_mut().for_each(|f| remap_ty(&mut f.ty, map)),
            TypeKind::Union { variants, .. } => {
                variants.iter_mut().for_each(|v| remap_ty(&mut v.ty, map))
            }
            _ => {}
        }
    }
    for service in &mut api.services {
        for op in &mut service.operations {
            if let Some(body) = &mut op.body {
                remap_ty(&mut body.ty, map);
            }
            if let Some(event) = &mut op.stream_event {
                remap_ty(event, map);
            }
            for (_, ty, _) in &mut op.other_responses {
                remap_ty(ty, map);
            }
            match &mut op.response {
                ResponseKind::Json(ty) | ResponseKind::Member { ty, .. } => remap_ty(ty, map),
                ResponseKind::Page { item, .. } => remap_ty(item, map),
                _ => {}
            }
        }
    }
    for (_, ty, _, _) in &mut api.schema_examples {
        remap_ty(ty, map);
    }
}

/// Pascal-case words: `FirewallsAssignDropletsBody` → `Firewalls`, `Assign`, `Droplets`, `Body`.
fn words(name: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for c in name.chars() {
        let starts = c.is_ascii_uppercase()
            || (c.is_ascii_digit()
                && out
                    .last()
                    .is_some_and(|w| !w.ends_with(|d: char| d.is_ascii_digit())));
        match out.last_mut() {
            Some(word) if !starts => word.push(c),
            _ => out.push(c.to_string()),
        }
    }
    out
}

/// Renames types as the module doc says. `reserved` holds names the types may not take.
pub fn rename(api: &mut Api, reserved: &BTreeSet<String>) {
    let mut taken: BTreeSet<String> = reserved.clone();
    taken.extend(api.types.iter().filter(|t| live(t)).map(|t| t.name.clone()));
    let set = |api: &mut Api, index: usize, wanted: String, taken: &mut BTreeSet<String>| {
        if wanted == api.types[index].name || wanted.is_empty() || taken.contains(&wanted) {
            return false;
        }
        taken.remove(&api.types[index].name);
        taken.insert(wanted.clone());
        api.types[index].name = wanted;
        true
    };

    // Union variants: drop a prefix every variant shares, and a duplicate branch of the same type (an
    // untagged union tries them in order, so the second could never be chosen).
    for def in &mut api.types {
        let TypeKind::Union { variants, tag } = &mut def.kind else {
            continue;
        };
        if tag.is_none() {
            let mut seen = BTreeSet::new();
            variants.retain(|v| {
                matches!(v.ty, Ty::Named(_) | Ty::Boxed(_)) || seen.insert(ty_key(&v.ty))
            });
        }
        if variants.len() > 1 {
            let split: Vec<Vec<String>> = variants.iter().map(|v| words(&v.name)).collect();
            let common = (0..)
                .take_while(|&n| split.iter().all(|w| w.len() > n + 1 && w[n] == split[0][n]))
                .count();
            let digit_led = split.iter().any(|w| {
                w.get(common)
                    .is_some_and(|x| x.starts_with(|c: char| c.is_ascii_digit()))
            });
            if common > 0 && !digit_led {
                for (v, w) in variants.iter_mut().zip(&split) {
                    v.name = w[common..].concat();
                }
            }
        }
    }

    // A variant still numbered (no schema name, title or field of its own to go by) is named after what
    // it holds: a set of keywords is a `Mode` (`tool_choice`: `none`, `auto`, `required`).
    let kinds: Vec<bool> = api
        .types
        .iter()
        .map(|t| matches!(t.kind, TypeKind::StringEnum(_)))
        .collect();
    for def in &mut api.types {
        let TypeKind::Union { variants, .. } = &mut def.kind else {
            continue;
        };
        let names: BTreeSet<String> = variants.iter().map(|v| v.name.clone()).collect();
        for v in variants.iter_mut() {
            let enum_payload = named_index(&v.ty).is_some_and(|i| kinds[i]);
            if v.name.starts_with("Variant") && enum_payload && !names.contains("Mode") {
                v.name = "Mode".to_owned();
            }
        }
    }

    // Inline branch types named after their variant: `{Union}Variant{n}` → `{Union}{Variant}`, and the
    // same prefix in the names of the types inside them (`…Variant2Item` of a `List` → `…ListItem`).
    let mut prefixes: Vec<(String, String)> = Vec::new();
    for def in api.types.iter().filter(|t| live(t)) {
        let TypeKind::Union { variants, .. } = &def.kind else {
            continue;
        };
        for v in variants {
            let mut inner_ty = &v.ty;
            while let Ty::Vec(inner) | Ty::Map(inner) | Ty::Boxed(inner) = inner_ty {
                inner_ty = inner;
            }
            let Ty::Named(i) = inner_ty else {
                continue;
            };
            let inner = &api.types[*i].name;
            let Some(number) = inner
                .strip_prefix(def.name.as_str())
                .and_then(|rest| rest.strip_prefix("Variant"))
                .map(|n| {
                    n.chars()
                        .take_while(char::is_ascii_digit)
                        .collect::<String>()
                })
                .filter(|n| !n.is_empty())
            else {
                continue;
            };
            if !v.name.starts_with("Variant") {
                prefixes.push((
                    format!("{}Variant{number}", def.name),
                    format!("{}{}", def.name, v.name),
                ));
            }
        }
    }
    // Longest first, so `…Variant12` is not taken for `…Variant1`.
    prefixes.sort_by_key(|(from, _)| std::cmp::Reverse(from.len()));
    for index in 0..api.types.len() {
        if !live(&api.types[index]) || api.types[index].schema.is_some() {
            continue;
        }
        let name = api.types[index].name.clone();
        if let Some((from, to)) = prefixes
            .iter()
            .find(|(from, _)| name.starts_with(from.as_str()))
        {
            let wanted = format!("{to}{}", &name[from.len()..]);
            set(api, index, wanted, &mut taken);
        }
    }

    // Any `Variant{n}` left (in a type whose union was merged away) is dropped from the name.
    for index in 0..api.types.len() {
        if !live(&api.types[index]) || api.types[index].schema.is_some() {
            continue;
        }
        let name = api.types[index].name.clone();
        if let Some(at) = name.find("Variant") {
            let digits = name[at + 7..]
                .chars()
                .take_while(char::is_ascii_digit)
                .count();
            if digits > 0 {
                let wanted = format!("{}{}", &name[..at], &name[at + 7 + digits..]);
                set(api, index, wanted, &mut taken);
            }
        }
    }

    // Another service's name: an inline type named after an operation of a service that does not reach it.
    let services: Vec<(String, String)> = api
        .services
        .iter()
        .map(|s| (s.type_name.clone(), s.handler.clone()))
        .collect();
    for index in 0..api.types.len() {
        let def = &api.types[index];
        if !live(def) || def.schema.is_some() || def.features.len() < 2 {
            continue;
        }
        let owner = services
            .iter()
            .filter(|(type_name, _)| def.name.starts_with(type_name.as_str()))
            .max_by_key(|(type_name, _)| type_name.len());
        if let Some((type_name, handler)) = owner {
            if def.features.iter().any(|f| f != handler) {
                let rest = def.name[type_name.len()..].to_owned();
                if words(&rest).len() > 1 {
                    set(api, index, rest, &mut taken);
                }
            }
        }
    }

    // At most MAX_NAME characters.
    for index in 0..api.types.len() {
        if !live(&api.types[index]) || api.types[index].name.len() <= MAX_NAME {
            continue;
        }
        for wanted in shorter(&api.types[index].name) {
            if set(api, index, wanted, &mut taken) {
                break;
            }
        }
    }
}

/// Candidate names of at most [`MAX_NAME`] characters, best first: noise words dropped, then the longest
/// tail of words that fits, then tails with a word of the front kept to tell it apart.
fn shorter(name: &str) -> Vec<String> {
    let all = words(name);
    let last = all.len().saturating_sub(1);
    let kept: Vec<String> = all
        .iter()
        .enumerate()
        .filter(|(i, w)| {
            !(matches!(w.as_str(), "Response" | "Body" | "Properties")
                || (w.as_str() == "Item" && *i != last))
        })
        .map(|(_, w)| w.clone())
        .collect();
    let mut out = Vec::new();
    for start in 0..kept.len() {
        let tail = kept[start..].concat();
        if tail.len() <= MAX_NAME && words(&tail).len() > 1 {
            out.push(tail);
        }
    }
    // Keep the front word for disambiguation: `Registries…`/`Registry…` tails that clash.
    if let Some(first) = kept.first() {
        for start in 1..kept.len() {
            let candidate = format!("{first}{}", kept[start..].concat());
            if candidate.len() <= MAX_NAME {
                out.push(candidate);
            }
        }
    }
    out.truncate(64);
    out
}

/// The numbers the generator report shows and CI holds.
pub struct Report {
    pub types: usize,
    pub long_names: Vec<String>,
    pub numbered: Vec<String>,
    /// Groups of identical types outside the union siblings kept apart on purpose.
    pub duplicate_groups: usize,
    /// Groups of identical branch types of one union, kept apart so each variant has its own type.
    pub sibling_groups: usize,
    pub optional_fields: usize,
    pub fields: usize,
    pub string_timestamps: Vec<String>,
    /// Names that mention a service the type is not that service's alone (see [`foreign_names`]).
    pub foreign_names: Vec<String>,
}

/// Counts over the types the SDK emits.
pub fn report(api: &Api) -> Report {
    let emitted: Vec<&TypeDef> = api
        .types
        .iter()
        .filter(|t| live(t) && !t.features.is_empty())
        .collect();
    let mut groups: BTreeMap<String, usize> = BTreeMap::new();
    for def in &emitted {
        if let Some(key) = shape(def) {
            *groups.entry(key).or_default() += 1;
        }
    }
    let sibling_groups = {
        let pinned = pinned(api);
        let keys: BTreeSet<String> = pinned
            .iter()
            .filter_map(|&i| shape(&api.types[i]))
            .collect();
        keys.len()
    };
    let numbered = |name: &str| {
        name.contains("Variant")
            && name
                .split("Variant")
                .nth(1)
                .is_some_and(|n| n.starts_with(|c: char| c.is_ascii_digit()))
    };
    let mut numbered_names: Vec<String> = emitted
        .iter()
        .filter(|t| numbered(&t.name))
        .map(|t| t.name.clone())
        .collect();
    for def in &emitted {
        if let TypeKind::Union { variants, .. } = &def.kind {
            numbered_names.extend(
                variants
                    .iter()
                    .filter(|v| v.name.starts_with("Variant"))
                    .map(|v| format!("{}::{}", def.name, v.name)),
            );
        }
    }
    let (mut fields, mut optional) = (0, 0);
    let mut string_timestamps = Vec::new();
    for def in &emitted {
        if let TypeKind::Struct(list) = &def.kind {
            for f in list {
                fields += 1;
                if def.optional(f) {
                    optional += 1;
                }
                if f.ty == Ty::Str && f.json_name.ends_with("_at") {
                    string_timestamps.push(format!("{}.{}", def.name, f.json_name));
                }
            }
        }
    }
    Report {
        types: emitted.len(),
        long_names: emitted
            .iter()
            .filter(|t| t.name.len() > MAX_NAME)
            .map(|t| t.name.clone())
            .collect(),
        numbered: numbered_names,
        duplicate_groups: groups.values().filter(|&&n| n > 1).count()
            - sibling_groups.min(groups.values().filter(|&&n| n > 1).count()),
        sibling_groups,
        optional_fields: optional,
        fields,
        string_timestamps,
        foreign_names: foreign_names(api),
    }
}

/// A handler's words, each singular: `floating_ips` → `floating`, `ip`.
fn singular_words(handler: &str) -> Vec<String> {
    handler
        .split('_')
        .map(|w| {
            if let Some(stem) = w.strip_suffix("ies") {
                format!("{stem}y")
            } else if w.len() > 2 && w.ends_with('s') && !w.ends_with("ss") {
                w[..w.len() - 1].to_owned()
            } else {
                w.to_owned()
            }
        })
        .collect()
}

/// How many leading words of a type's name spell a handler's noun, singular or plural
/// (`VpcNatGatewayGet` spells `vpcnatgateways` in three words), if they do.
fn noun_words(name_words: &[String], handler: &str) -> Option<usize> {
    let forms = [handler.replace('_', ""), singular_words(handler).concat()];
    let mut spelled = String::new();
    for (n, word) in name_words.iter().enumerate() {
        spelled.push_str(&word.to_ascii_lowercase());
        if forms.contains(&spelled) {
            return Some(n + 1);
        }
    }
    None
}

/// The service a type's name begins with (the longest noun match), if any.
pub fn named_service<'a>(name: &str, services: &'a [Service]) -> Option<&'a Service> {
    let name_words = words(name);
    services
        .iter()
        .filter_map(|s| noun_words(&name_words, &s.handler).map(|n| (n, s)))
        .max_by_key(|(n, _)| *n)
        .map(|(_, s)| s)
}

/// Services whose noun is a thing every service names: a region is where anything lives (the regions
/// service only lists them), and every service's action is the one `Action`.
const CONCEPTS: &[&str] = &["regions", "actions"];

/// Services of one family share their first noun: `vpcs`, `vpc_peerings`; `images`, `image_actions`.
fn family(a: &str, b: &str) -> bool {
    singular_words(a).first() == singular_words(b).first()
}

/// Emitted types whose name mentions a service that the type is not that service's alone: no service
/// of the named one's family reaches it (`FirewallRule` used by databases only), or it absorbed an
/// identical type of another service's (`Database` holding an add-on's `{name}`). A resource embedded
/// whole in another's answer (`Droplet` in a floating IP) is still its own. `name (named service; the
/// other services)`.
pub fn foreign_names(api: &Api) -> Vec<String> {
    let mut out = Vec::new();
    for def in api
        .types
        .iter()
        .filter(|t| live(t) && !t.features.is_empty())
    {
        let Some(service) = named_service(&def.name, &api.services)
            .filter(|s| !CONCEPTS.contains(&s.handler.as_str()))
        else {
            continue;
        };
        let owned = def.features.iter().any(|f| family(f, &service.handler));
        let foreign: BTreeSet<&str> = def
            .absorbed
            .iter()
            .chain(
                if owned { None } else { Some(&def.features) }
                    .into_iter()
                    .flatten(),
            )
            .filter(|f| !family(f, &service.handler))
            .map(String::as_str)
            .collect();
        if !foreign.is_empty() {
            let foreign: Vec<&str> = foreign.into_iter().collect();
            out.push(format!(
                "{} ({}; {})",
                def.name,
                service.handler,
                foreign.join(", ")
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_split_at_capitals_and_numbers() {
        assert_eq!(
            words("FirewallsAssignDropletsBody"),
            ["Firewalls", "Assign", "Droplets", "Body"]
        );
        assert_eq!(words("VolumesExt4"), ["Volumes", "Ext", "4"]);
    }

    #[test]
    fn a_name_spells_its_service_in_singular_or_plural_over_word_boundaries() {
        let w = |name: &str| words(name);
        assert_eq!(noun_words(&w("FloatingIpCreate"), "floating_ips"), Some(2));
        assert_eq!(
            noun_words(&w("VpcNatGatewayGet"), "vpcnatgateways"),
            Some(3)
        );
        assert_eq!(noun_words(&w("RegistryBase"), "registries"), Some(1));
        assert_eq!(noun_words(&w("Databases"), "databases"), Some(1));
        assert_eq!(noun_words(&w("DropletSnapshot"), "snapshots"), None);
        assert!(family("vpc_peerings", "vpcs"));
        assert!(family("image_actions", "images"));
        assert!(!family("reserved_ips", "floating_ips"));
    }

    #[test]
    fn a_shared_shape_under_one_services_name_is_foreign_and_an_embedded_resource_is_not() {
        let service = |handler: &str| Service {
            prefix: handler.to_owned(),
            handler: handler.to_owned(),
            type_name: handler.to_owned(),
            hand_written: false,
            operations: Vec::new(),
        };
        let set = |items: &[&str]| items.iter().map(|s| (*s).to_owned()).collect();
        let ty = |name: &str, features: &[&str], absorbed: &[&str]| TypeDef {
            name: name.to_owned(),
            doc: String::new(),
            kind: TypeKind::StringEnum(Vec::new()),
            features: set(features),
            schema: None,
            is_body: false,
            request_copy: false,
            absorbed: set(absorbed),
        };
        let api = Api {
            services: [
                "floating_ips",
                "reserved_ips",
                "droplets",
                "databases",
                "regions",
            ]
            .map(service)
            .into(),
            types: vec![
                // Merged with the reserved IP's identical copy: foreign.
                ty(
                    "FloatingIp",
                    &["floating_ips", "reserved_ips"],
                    &["reserved_ips"],
                ),
                // A Droplet inside a floating IP's answer, one schema: its own.
                ty("Droplet", &["droplets", "floating_ips"], &[]),
                // Named after a service that never reaches it: foreign.
                ty("DatabaseThing", &["droplets"], &[]),
                // A region is a concept every service names.
                ty("RegionSlug", &["droplets", "databases"], &[]),
            ],
            value_fields: 0,
            total_fields: 0,
            schema_examples: Vec::new(),
            honest: Default::default(),
        };
        assert_eq!(
            foreign_names(&api),
            [
                "FloatingIp (floating_ips; reserved_ips)",
                "DatabaseThing (databases; droplets)"
            ]
        );
    }

    #[test]
    fn long_names_keep_their_specific_end() {
        let name = "RegistriesGetOptionsResponseOptionsSubscriptionTiersItemEligibilityReasonsItem";
        let first = &shorter(name)[0];
        assert!(first.len() <= MAX_NAME, "{first}");
        assert!(first.ends_with("EligibilityReasonsItem"), "{first}");
    }
}

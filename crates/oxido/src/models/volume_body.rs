//! The volume body the spec's two kinds cannot express: a volume left unformatted.

use crate::types::{VolumesCreateBody, VolumesExt4};

impl VolumesCreateBody {
    /// A volume the API leaves unformatted: no `filesystem_type` is sent, which is the API's
    /// default (godo's `VolumeCreateRequest` omits the field when empty). It takes the fields an
    /// ext4 volume takes; `filesystem_label` is dropped, since it labels a filesystem.
    pub fn unformatted(volume: VolumesExt4) -> Self {
        let VolumesExt4 {
            description,
            name,
            size_gigabytes,
            tags,
            snapshot_id,
            filesystem_label: _,
            region,
        } = volume;
        let mut body = serde_json::Map::new();
        body.insert("name".into(), name.into());
        body.insert("size_gigabytes".into(), size_gigabytes.into());
        body.insert("region".into(), region.as_str().into());
        if let Some(description) = description {
            body.insert("description".into(), description.into());
        }
        if let Some(tags) = tags {
            body.insert("tags".into(), tags.into());
        }
        if let Some(snapshot_id) = snapshot_id {
            body.insert("snapshot_id".into(), snapshot_id.into());
        }
        Self::Other(serde_json::Value::Object(body))
    }
}

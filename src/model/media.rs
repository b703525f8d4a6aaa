use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Images the articles show that are files inside a content root
/// (`![…](media/settings.png)`, `:::image source="…":::`), found by the loader.
/// The portal serves, and the export copies, these files and no others.
#[derive(Debug, Default)]
pub struct MediaFiles {
    /// Per article file (the path its records name as their source): image
    /// destination as written → media path.
    by_source: HashMap<Arc<Path>, HashMap<String, String>>,
    /// Media path (`<root index>/<root-relative path>`) → the file.
    files: BTreeMap<String, PathBuf>,
}

impl MediaFiles {
    /// Records that `source` shows `dest`, which is the file `file`, known as `media`.
    pub fn insert(&mut self, source: Arc<Path>, dest: String, media: String, file: PathBuf) {
        self.by_source.entry(source).or_default().insert(dest, media.clone());
        self.files.insert(media, file);
    }

    /// The media path of an image destination written in `source`, if it is a loaded file.
    pub fn resolve(&self, source: &Path, dest: &str) -> Option<&str> {
        self.by_source.get(source)?.get(dest).map(String::as_str)
    }

    /// The file behind a media path.
    pub fn file(&self, media: &str) -> Option<&Path> {
        self.files.get(media).map(PathBuf::as_path)
    }

    /// Every media path and its file, in path order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Path)> {
        self.files.iter().map(|(m, f)| (m.as_str(), f.as_path()))
    }
}

/// The `Content-Type` of an image file tshoot serves, by extension; `None`
/// for any other file (which is then never an image of the portal).
pub fn image_type(path: &str) -> Option<&'static str> {
    let ext = path.rsplit_once('.')?.1.to_ascii_lowercase();
    Some(match ext.as_str() {
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "svg" => "image/svg+xml",
        _ => return None,
    })
}

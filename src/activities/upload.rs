//! Multipart forms of the activity pages: text fields and at most one file, each bounded.

use actix_multipart::Multipart;
use futures_util::TryStreamExt;

use crate::error::AppError;

/// The text fields (a name may repeat) and the bytes of the file field `file_field`, if sent.
pub struct Submitted {
    pub fields: Vec<(String, String)>,
    pub file: Option<Vec<u8>>,
    /// The file was larger than allowed (and dropped): the form says so next to its field.
    pub file_too_large: bool,
    /// Every file sent (in any file field), in order: (field, file name as sent, bytes). A file
    /// too large is listed with no bytes.
    pub files: Vec<(String, String, Vec<u8>)>,
}

/// The most file parts one form may carry.
const MAX_FILE_PARTS: usize = 10;

impl Submitted {
    pub fn get(&self, name: &str) -> String {
        self.fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }

    pub fn is_checked(&self, name: &str) -> bool {
        self.fields.iter().any(|(n, v)| n == name && !v.is_empty())
    }
}

/// Reads a multipart body: text fields of at most 16 KiB each, 200 fields at most, and a file
/// of at most `max_file` bytes (one byte more is refused as too large).
pub async fn read(
    payload: Multipart,
    file_field: &str,
    max_file: usize,
) -> Result<Submitted, AppError> {
    read_with_text_limit(payload, file_field, max_file, 16 * 1024).await
}

/// The same, with text fields of at most `max_text` bytes each (a pasted roster).
pub async fn read_with_text_limit(
    mut payload: Multipart,
    file_field: &str,
    max_file: usize,
    max_text: usize,
) -> Result<Submitted, AppError> {
    let unreadable = |_| AppError::BadRequest("error.form_unreadable");
    let mut fields = Vec::new();
    let mut file = None;
    let mut file_too_large = false;
    let mut files = Vec::new();
    while let Some(mut field) = payload.try_next().await.map_err(unreadable)? {
        let name = field.name().unwrap_or_default().to_string();
        let file_name = field
            .content_disposition()
            .and_then(|cd| cd.get_filename())
            .map(str::to_string);
        let is_file = file_name.is_some();
        let limit = if is_file { max_file } else { max_text };
        let mut bytes = Vec::new();
        let mut seen = 0usize;
        let mut this_too_large = false;
        while let Some(chunk) = field.try_next().await.map_err(unreadable)? {
            seen += chunk.len();
            if seen > limit {
                // A file a little too large is told on the form; a flood is cut off.
                if !is_file || seen > limit.saturating_mul(2) {
                    return Err(AppError::BadRequest("error.too_large"));
                }
                this_too_large = true;
                bytes.clear();
                continue;
            }
            bytes.extend_from_slice(&chunk);
        }
        if let Some(file_name) = file_name {
            if files.len() >= MAX_FILE_PARTS {
                return Err(AppError::BadRequest("error.too_large"));
            }
            if this_too_large {
                file_too_large = true;
                files.push((name, file_name, Vec::new()));
            } else if !bytes.is_empty() {
                if name == file_field {
                    file = Some(bytes.clone());
                }
                files.push((name, file_name, bytes));
            }
        } else {
            if fields.len() >= 200 {
                return Err(AppError::BadRequest("error.too_large"));
            }
            fields.push((name, String::from_utf8_lossy(&bytes).into_owned()));
        }
    }
    Ok(Submitted {
        fields,
        file,
        file_too_large,
        files,
    })
}

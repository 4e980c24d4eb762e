//! The files a youth adds to a submission, checked by what they are (not by their names):
//! photos (PNG or JPEG) are decoded within limits and written afresh as PNG, so only the pixels
//! survive (no location or camera metadata); PDF documents are kept as sent and only ever
//! served as downloads. Anything else is refused.

use crate::activities::image;

/// The largest file accepted, in bytes.
pub const MAX_FILE_BYTES: usize = 5 * 1024 * 1024;

/// The most files one submission carries.
pub const MAX_FILES: usize = 3;

/// A file ready to store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EvidenceFile {
    pub content_type: &'static str,
    pub extension: &'static str,
    pub file_name: String,
    pub bytes: Vec<u8>,
}

impl EvidenceFile {
    pub fn is_image(&self) -> bool {
        self.content_type.starts_with("image/")
    }
}

/// The upload checked (and a photo re-encoded), or the catalog key of what is wrong with it.
pub fn prepare(sent_name: &str, upload: &[u8]) -> Result<EvidenceFile, &'static str> {
    if upload.len() > MAX_FILE_BYTES {
        return Err("review.file_too_large");
    }
    let stem = file_stem(sent_name);
    if upload.starts_with(b"%PDF-") {
        // A whole document ends with its end-of-file marker (within the last kilobyte).
        let tail = &upload[upload.len().saturating_sub(1024)..];
        if !tail.windows(5).any(|w| w == b"%%EOF") {
            return Err("review.file_unreadable");
        }
        return Ok(EvidenceFile {
            content_type: "application/pdf",
            extension: "pdf",
            file_name: format!("{stem}.pdf"),
            bytes: upload.to_vec(),
        });
    }
    match image::prepare(upload) {
        Ok(photo) => Ok(EvidenceFile {
            content_type: photo.mime,
            extension: "png",
            file_name: format!("{stem}.png"),
            bytes: photo.bytes,
        }),
        Err("activity_error.image_type") => Err("review.file_type"),
        Err("activity_error.image_too_large") => Err("review.file_too_large"),
        Err(_) => Err("review.file_unreadable"),
    }
}

/// The name a file is offered under: the sent name without folders or extension, in letters,
/// digits, `-` and `_` only (at most 60), or `evidence`.
fn file_stem(sent: &str) -> String {
    let base = sent.rsplit(['/', '\\']).next().unwrap_or_default();
    let stem = base.rsplit_once('.').map_or(base, |(s, _)| s);
    let clean: String = stem
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .take(60)
        .collect();
    let clean = clean.trim_matches('-').to_string();
    if clean.is_empty() {
        "evidence".into()
    } else {
        clean
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pdf_is_kept_and_anything_unknown_refused() {
        let pdf = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n";
        let kept = prepare("My Comic.pdf", pdf).expect("a pdf");
        assert_eq!(kept.content_type, "application/pdf");
        assert_eq!(kept.file_name, "My-Comic.pdf");
        assert_eq!(
            prepare("x.pdf", b"%PDF-1.4 cut off"),
            Err("review.file_unreadable")
        );
        assert_eq!(
            prepare("x.html", b"<script>alert(1)</script>"),
            Err("review.file_type")
        );
        assert_eq!(
            prepare("x.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>"),
            Err("review.file_type")
        );
        let big = vec![0u8; MAX_FILE_BYTES + 1];
        assert_eq!(prepare("x.png", &big), Err("review.file_too_large"));
    }

    #[test]
    fn names_keep_no_folders_or_odd_characters() {
        assert_eq!(file_stem("../../etc/passwd"), "passwd");
        assert_eq!(file_stem("C:\\Users\\me\\photo 1.JPG"), "photo-1");
        assert_eq!(file_stem("<>.png"), "evidence");
    }
}

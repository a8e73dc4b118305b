//! Photos people upload: a buyer's evidence for a claim, the agent's photo of produce at intake.
//! One rule for all of them: at most [`MAX_BYTES`], and a JPEG, PNG or WebP by its first bytes
//! (never trusted from the header or the file name).

use crate::validation::FieldError;

/// Largest photo Uplink stores.
pub const MAX_BYTES: usize = 5 * 1024 * 1024;

/// The error of a photo too large to store, at the field `file`.
pub fn too_large() -> FieldError {
    FieldError::new("file", "file-too-large").arg("max", MAX_BYTES / 1024 / 1024)
}

/// The photo's content type, or the error at the field `file`.
pub fn check(bytes: &[u8]) -> Result<&'static str, FieldError> {
    if bytes.len() > MAX_BYTES {
        return Err(too_large());
    }
    image_type(bytes).ok_or_else(|| FieldError::new("file", "not-an-image"))
}

fn image_type(b: &[u8]) -> Option<&'static str> {
    if b.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if b.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if b.len() > 12 && &b[0..4] == b"RIFF" && &b[8..12] == b"WEBP" {
        Some("image/webp")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn photos_are_known_by_their_first_bytes_and_size() {
        assert_eq!(check(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), Ok("image/png"));
        assert_eq!(check(&[0xFF, 0xD8, 0xFF, 0xE0]), Ok("image/jpeg"));
        assert_eq!(check(b"RIFF\0\0\0\0WEBPVP8 "), Ok("image/webp"));
        assert_eq!(check(b"%PDF-1.7").unwrap_err().code, "not-an-image");
        assert_eq!(check(b"").unwrap_err().code, "not-an-image");
        let mut big = vec![0xFF, 0xD8, 0xFF];
        big.resize(MAX_BYTES + 1, 0);
        let e = check(&big).unwrap_err();
        assert_eq!((e.field.as_str(), e.code), ("file", "file-too-large"));
        big.truncate(MAX_BYTES);
        assert_eq!(check(&big), Ok("image/jpeg"));
    }
}

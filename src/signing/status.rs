//! Revocation status, published two ways so that every verifier sees it: the OB 3.0
//! `1EdTechRevocationList`, and a W3C `BitstringStatusListCredential` signed by the issuer.

use std::io::Write;

use base64::Engine;
use chrono::{Duration, NaiveDateTime};
use flate2::write::GzEncoder;
use flate2::Compression;
use serde_json::{json, Value};

use crate::signing::ob3::{timestamp, Urls, VC_CONTEXT};

/// Entries in one list: 131,072 (16 KiB), the minimum the specification sets for privacy.
pub const LIST_LENGTH: i64 = 131_072;

/// `u` + base64url (no padding) of the GZIP'd bitstring, index 0 the high bit of byte 0.
/// `revoked` holds positions within the list.
pub fn encode_list(revoked: &[i64]) -> String {
    let mut bits = vec![0u8; (LIST_LENGTH / 8) as usize];
    for &index in revoked {
        if (0..LIST_LENGTH).contains(&index) {
            bits[(index / 8) as usize] |= 0x80 >> (index % 8);
        }
    }
    let mut gzip = GzEncoder::new(Vec::new(), Compression::default());
    // Writing to a Vec cannot fail.
    let _ = gzip.write_all(&bits);
    let compressed = gzip.finish().unwrap_or_default();
    format!(
        "u{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(compressed)
    )
}

/// The unsigned status list `list` of an organization. It is valid from the start of `now`'s
/// day for two days, so that the same revocations on the same day give the same document.
pub fn status_list_credential(
    urls: &Urls<'_>,
    org: &str,
    list: i64,
    issuer_id: &str,
    revoked: &[i64],
    now: NaiveDateTime,
) -> Value {
    let id = urls.status_list(org, list * LIST_LENGTH);
    let day = now.date().and_time(chrono::NaiveTime::MIN);
    json!({
        "@context": [VC_CONTEXT],
        "id": id,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_id,
        "validFrom": timestamp(day),
        "validUntil": timestamp(day + Duration::days(2)),
        "credentialSubject": {
            "id": format!("{id}#list"),
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encode_list(revoked),
        },
    })
}

/// The `1EdTechRevocationList` of an organization: (credential id, reason) of each revoked award.
pub fn revocation_list(
    urls: &Urls<'_>,
    org: &str,
    issuer_id: &str,
    revoked: &[(String, String)],
) -> Value {
    json!({
        "id": urls.revocation_list(org),
        "type": "1EdTechRevocationList",
        "issuer": issuer_id,
        "revokedCredentials": revoked
            .iter()
            .map(|(id, reason)| json!({"id": id, "revocationReason": reason}))
            .collect::<Vec<_>>(),
    })
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;

    fn decode(encoded: &str) -> Vec<u8> {
        let compressed = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(encoded.strip_prefix('u').unwrap())
            .unwrap();
        let mut bits = Vec::new();
        flate2::read::GzDecoder::new(&compressed[..])
            .read_to_end(&mut bits)
            .unwrap();
        bits
    }

    #[test]
    fn revoked_indexes_are_set_high_bit_first() {
        let bits = decode(&encode_list(&[0, 9, LIST_LENGTH - 1, LIST_LENGTH, -1]));
        assert_eq!(bits.len(), 16 * 1024);
        assert_eq!(bits[0], 0b1000_0000);
        assert_eq!(bits[1], 0b0100_0000);
        assert_eq!(bits[bits.len() - 1], 0b0000_0001);
        assert_eq!(bits.iter().map(|b| b.count_ones()).sum::<u32>(), 3);
    }

    #[test]
    fn an_empty_list_is_small() {
        assert!(encode_list(&[]).len() < 200);
    }
}

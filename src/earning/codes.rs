//! Claim codes: eight characters from an alphabet without look-alikes, shown as `ABCD-EFGH`.

use rand::Rng;

const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

/// A fresh random code.
pub fn generate() -> String {
    let mut rng = rand::thread_rng();
    let chars: String = (0..8)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect();
    format!("{}-{}", &chars[..4], &chars[4..])
}

/// The stored form of what a youth typed (any case, spaces or dashes), if it can be a code.
pub fn normalize(input: &str) -> Option<String> {
    let chars: String = input
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(|c| c.to_uppercase())
        .collect();
    let valid = chars.len() == 8 && chars.bytes().all(|b| ALPHABET.contains(&b));
    valid.then(|| format!("{}-{}", &chars[..4], &chars[4..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_codes_normalize_to_themselves() {
        for _ in 0..100 {
            let code = generate();
            assert_eq!(normalize(&code).as_deref(), Some(code.as_str()));
        }
    }

    #[test]
    fn typed_codes_forgive_case_spaces_and_dashes() {
        assert_eq!(normalize(" abcd efgh ").as_deref(), Some("ABCD-EFGH"));
        assert_eq!(normalize("ABCDEFGH").as_deref(), Some("ABCD-EFGH"));
        assert_eq!(normalize("ABCD-EFG"), None);
        assert_eq!(normalize("ABCD-EFG0"), None);
        assert_eq!(normalize("'; DROP TABLE"), None);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

        #[test]
        fn any_text_normalizes_to_nothing_or_to_a_code_that_stays_itself(text in "\\PC{0,40}") {
            if let Some(code) = normalize(&text) {
                proptest::prop_assert_eq!(code.len(), 9);
                proptest::prop_assert_eq!(&code[4..5], "-");
                proptest::prop_assert_eq!(normalize(&code), Some(code.clone()));
            }
        }

        #[test]
        fn a_code_typed_in_any_case_with_spaces_and_dashes_is_recognised(
            picks in proptest::collection::vec(0..ALPHABET.len(), 8),
            lower in proptest::collection::vec(proptest::prelude::any::<bool>(), 8),
            noise in "[ -]{0,3}",
        ) {
            let code: String = picks.iter().map(|&i| ALPHABET[i] as char).collect();
            let typed: String = code
                .chars()
                .zip(&lower)
                .map(|(c, &l)| if l { c.to_ascii_lowercase().to_string() } else { c.to_string() })
                .collect::<Vec<_>>()
                .join(&noise);
            let expected = format!("{}-{}", &code[..4], &code[4..]);
            proptest::prop_assert_eq!(normalize(&typed), Some(expected));
        }
    }
}

//! Who a credential names as its recipient, without naming them: an opaque random identifier
//! per youth (`urn:uuid:…`, never derived from the account), hashed with a random salt per
//! award. Credentials signed before this scheme keep the identifier they were signed with.

/// The identifier hashed into an award's credential.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RecipientIdentity {
    /// The youth's opaque identifier, as stored with the award.
    Opaque(String),
    /// An award signed before opaque identifiers: its credential hashes the account name, and
    /// must go on doing so (it is signed and held by its recipient).
    Legacy { username: String },
}

impl RecipientIdentity {
    /// The identifier as it goes into the hash, for a credential of `city`.
    pub fn identifier(&self, city: &str) -> String {
        match self {
            RecipientIdentity::Opaque(identifier) => identifier.clone(),
            RecipientIdentity::Legacy { username } => legacy_identifier(city, username),
        }
    }
}

/// A fresh opaque identifier for a youth: 122 random bits, nothing a word list can find.
pub fn new_identifier() -> String {
    format!("urn:uuid:{}", uuid::Uuid::new_v4())
}

/// The identifier of credentials signed before opaque identifiers existed.
fn legacy_identifier(city: &str, username: &str) -> String {
    format!("urn:lanyard:{city}:user:{username}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_identifiers_are_random_and_say_nothing_of_the_account() {
        let (a, b) = (new_identifier(), new_identifier());
        assert_ne!(a, b);
        assert!(a.starts_with("urn:uuid:") && a.len() == 45, "{a}");
        let opaque = RecipientIdentity::Opaque(a.clone());
        assert_eq!(opaque.identifier("riverton"), a);
    }

    #[test]
    fn legacy_awards_keep_the_identifier_they_were_signed_with() {
        let legacy = RecipientIdentity::Legacy {
            username: "maya".into(),
        };
        assert_eq!(
            legacy.identifier("riverton"),
            "urn:lanyard:riverton:user:maya"
        );
    }
}

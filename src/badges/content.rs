//! What a badge says: the texts (in each language), tags, alignments, type and how it is earned.
//! One version of a badge is one `BadgeContent`, kept as JSON in `badge_versions.snapshot`.

use serde::{Deserialize, Serialize};

/// What kind of recognition a badge is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BadgeType {
    Participation,
    Skill,
    Achievement,
}

impl BadgeType {
    pub const ALL: [BadgeType; 3] = [
        BadgeType::Participation,
        BadgeType::Skill,
        BadgeType::Achievement,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            BadgeType::Participation => "participation",
            BadgeType::Skill => "skill",
            BadgeType::Achievement => "achievement",
        }
    }

    pub fn parse(input: &str) -> Option<BadgeType> {
        BadgeType::ALL
            .into_iter()
            .find(|t| t.as_str() == input.trim())
    }

    /// The OB 3.0 `achievementType` (a term of the AchievementType enumeration).
    pub fn achievement_type(self) -> &'static str {
        match self {
            BadgeType::Participation => "CoCurricular",
            BadgeType::Skill => "Competency",
            BadgeType::Achievement => "Achievement",
        }
    }
}

/// How a badge is earned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EarnedBy {
    Code,
    Review,
    Both,
}

impl EarnedBy {
    pub const ALL: [EarnedBy; 3] = [EarnedBy::Code, EarnedBy::Review, EarnedBy::Both];

    pub fn as_str(self) -> &'static str {
        match self {
            EarnedBy::Code => "code",
            EarnedBy::Review => "review",
            EarnedBy::Both => "both",
        }
    }

    pub fn parse(input: &str) -> Option<EarnedBy> {
        EarnedBy::ALL
            .into_iter()
            .find(|t| t.as_str() == input.trim())
    }
}

/// A skill or standard the badge aligns to.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Alignment {
    pub name: String,
    pub url: String,
    #[serde(default)]
    pub framework: String,
}

/// The badge's texts in a language other than its original.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Translation {
    pub locale: String,
    pub name: String,
    pub description: String,
    pub criteria: String,
}

/// Everything a badge says at one version.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BadgeContent {
    pub name: String,
    pub description: String,
    pub criteria: String,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub alignments: Vec<Alignment>,
    #[serde(default = "participation")]
    pub badge_type: String,
    #[serde(default = "code")]
    pub earned_by: String,
    /// What a mentor checks a submission against (badges earned by review), one item each.
    #[serde(default)]
    pub rubric: Vec<String>,
    #[serde(default)]
    pub valid_days: Option<i32>,
    #[serde(default = "english")]
    pub original_locale: String,
    #[serde(default)]
    pub translations: Vec<Translation>,
}

fn participation() -> String {
    "participation".into()
}
fn code() -> String {
    "code".into()
}
fn english() -> String {
    "en".into()
}

/// The texts of a badge in one language.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LocalizedText {
    pub name: String,
    pub description: String,
    pub criteria: String,
}

impl BadgeContent {
    /// The texts in `locale`, each falling back to the original when not translated.
    pub fn localized(&self, locale: &str) -> LocalizedText {
        let translation = self
            .translations
            .iter()
            .find(|t| t.locale == locale && locale != self.original_locale);
        let pick = |translated: Option<&String>, original: &String| {
            translated
                .filter(|t| !t.trim().is_empty())
                .unwrap_or(original)
                .clone()
        };
        LocalizedText {
            name: pick(translation.map(|t| &t.name), &self.name),
            description: pick(translation.map(|t| &t.description), &self.description),
            criteria: pick(translation.map(|t| &t.criteria), &self.criteria),
        }
    }

    pub fn badge_type(&self) -> BadgeType {
        BadgeType::parse(&self.badge_type).unwrap_or(BadgeType::Participation)
    }

    pub fn tags_text(&self) -> String {
        self.tags.join(", ")
    }
}

/// The tags typed as a comma-separated list: trimmed, lowercased, without repeats; the error is
/// the catalog key of what to fix.
pub fn parse_tags(input: &str) -> Result<Vec<String>, &'static str> {
    let mut tags: Vec<String> = Vec::new();
    for tag in input.split(',') {
        let tag = tag.trim().to_lowercase();
        if tag.is_empty() {
            continue;
        }
        if tag.chars().count() > 30 || tag.chars().any(char::is_control) {
            return Err("badge_form.tag_invalid");
        }
        if !tags.contains(&tag) {
            tags.push(tag);
        }
    }
    if tags.len() > 10 {
        return Err("badge_form.too_many_tags");
    }
    Ok(tags)
}

/// An alignment's URL: absolute, http or https.
pub fn parse_alignment_url(input: &str) -> Result<String, &'static str> {
    let input = input.trim();
    match reqwest::Url::parse(input) {
        Ok(url)
            if matches!(url.scheme(), "http" | "https")
                && url.host_str().is_some()
                && input.len() <= 500 =>
        {
            Ok(url.to_string())
        }
        _ => Err("badge_form.alignment_url_invalid"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_translation_falls_back_to_the_original_field_by_field() {
        let content = BadgeContent {
            name: "Star Gazer".into(),
            description: "Found five constellations.".into(),
            criteria: "Name them.".into(),
            original_locale: "en".into(),
            translations: vec![Translation {
                locale: "es".into(),
                name: "Observador de estrellas".into(),
                description: String::new(),
                criteria: "Nómbralas.".into(),
            }],
            ..BadgeContent::default()
        };
        let es = content.localized("es");
        assert_eq!(es.name, "Observador de estrellas");
        assert_eq!(es.description, "Found five constellations.");
        assert_eq!(content.localized("en").name, "Star Gazer");
    }

    #[test]
    fn tags_and_alignment_urls_are_checked() {
        assert_eq!(
            parse_tags(" Science, robots ,science,, ").unwrap(),
            ["science", "robots"]
        );
        assert!(parse_tags(&"x".repeat(31)).is_err());
        assert!(parse_alignment_url("https://example.org/skills/1").is_ok());
        for bad in [
            "javascript:alert(1)",
            "ftp://x.org/a",
            "/relative",
            "not a url",
        ] {
            assert!(parse_alignment_url(bad).is_err(), "{bad}");
        }
    }
}

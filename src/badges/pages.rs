//! Pages of a badge and of the new- and edit-badge forms.

use askama::Template;

use crate::activities::Activity;
use crate::awards::AwardView;
use crate::badges::content::LocalizedText;
use crate::badges::design::{DesignForm, Icon, Shape, ICONS};
use crate::badges::{Badge, BadgeContent, BadgeType, EarnedBy};
use crate::orgs::Org;
use crate::tenancy::City;
use crate::web::forms::FormErrors;
use crate::web::Chrome;

/// The most alignment rows a form has.
pub const MAX_ALIGNMENTS: usize = 5;

/// The form field names of alignment row `i`: (name, url, framework).
pub const ALIGNMENT_FIELDS: [(&str, &str, &str); MAX_ALIGNMENTS] = [
    (
        "alignment_name_0",
        "alignment_url_0",
        "alignment_framework_0",
    ),
    (
        "alignment_name_1",
        "alignment_url_1",
        "alignment_framework_1",
    ),
    (
        "alignment_name_2",
        "alignment_url_2",
        "alignment_framework_2",
    ),
    (
        "alignment_name_3",
        "alignment_url_3",
        "alignment_framework_3",
    ),
    (
        "alignment_name_4",
        "alignment_url_4",
        "alignment_framework_4",
    ),
];

/// The form field names of the texts in `locale`: (name, description, criteria).
pub fn translation_fields(locale: &str) -> (&'static str, &'static str, &'static str) {
    match locale {
        "es" => ("name_es", "description_es", "criteria_es"),
        _ => ("name_en", "description_en", "criteria_en"),
    }
}

#[derive(Default, Clone, Debug)]
pub struct AlignmentForm {
    pub name: String,
    pub url: String,
    pub framework: String,
}

#[derive(Default, Clone, Debug)]
pub struct TranslationForm {
    pub locale: String,
    pub name: String,
    pub description: String,
    pub criteria: String,
}

impl TranslationForm {
    pub fn fields(&self) -> (&'static str, &'static str, &'static str) {
        translation_fields(&self.locale)
    }
}

#[derive(Default, Clone, Debug)]
pub struct BadgeForm {
    pub name: String,
    pub slug: String,
    pub description: String,
    pub criteria: String,
    pub activity: String,
    pub valid_days: String,
    pub tags: String,
    pub badge_type: String,
    pub earned_by: String,
    /// The rubric, one item per line.
    pub rubric: String,
    pub alignments: Vec<AlignmentForm>,
    pub translations: Vec<TranslationForm>,
    /// `design` or `upload` (empty from older clients: an upload if a file came, else the
    /// designed default).
    pub image_source: String,
    pub design: DesignForm,
    /// The shape an upload is cropped to (`none`: kept square).
    pub crop: String,
    /// A checked upload carried from a preview to the save (base64).
    pub upload_data: String,
}

impl BadgeForm {
    /// An empty form for a badge in `city`, with its languages and a few alignment rows.
    pub fn blank(city: &City) -> BadgeForm {
        BadgeForm {
            badge_type: BadgeType::Participation.as_str().into(),
            earned_by: EarnedBy::Code.as_str().into(),
            alignments: vec![AlignmentForm::default(); 3],
            translations: city
                .languages
                .iter()
                .skip(1)
                .map(|l| TranslationForm {
                    locale: (*l).into(),
                    ..TranslationForm::default()
                })
                .collect(),
            image_source: "design".into(),
            design: DesignForm {
                shape: "circle".into(),
                primary: "#1f5f8b".into(),
                secondary: "#ffd166".into(),
                icon: "star".into(),
                label: String::new(),
            },
            crop: "circle".into(),
            ..BadgeForm::default()
        }
    }

    /// The form of an existing badge.
    pub fn of(city: &City, badge: &Badge, content: &BadgeContent) -> BadgeForm {
        let mut form = BadgeForm::blank(city);
        form.name = content.name.clone();
        form.slug = badge.slug.clone();
        form.description = content.description.clone();
        form.criteria = content.criteria.clone();
        form.valid_days = content
            .valid_days
            .map(|d| d.to_string())
            .unwrap_or_default();
        form.tags = content.tags_text();
        form.badge_type = content.badge_type.clone();
        form.earned_by = content.earned_by.clone();
        form.rubric = content.rubric.join("\n");
        let mut rows: Vec<AlignmentForm> = content
            .alignments
            .iter()
            .map(|a| AlignmentForm {
                name: a.name.clone(),
                url: a.url.clone(),
                framework: a.framework.clone(),
            })
            .collect();
        let wanted = (rows.len() + 1).clamp(3, MAX_ALIGNMENTS);
        rows.resize(wanted, AlignmentForm::default());
        form.alignments = rows;
        for t in &mut form.translations {
            if let Some(saved) = content.translations.iter().find(|s| s.locale == t.locale) {
                t.name = saved.name.clone();
                t.description = saved.description.clone();
                t.criteria = saved.criteria.clone();
            }
        }
        match badge
            .design
            .as_deref()
            .and_then(crate::badges::design::Design::from_json)
        {
            Some(design) => {
                form.image_source = if design.upload { "upload" } else { "design" }.into();
                form.crop = design.shape.clone();
                form.design = design.form();
            }
            // An upload of before the designer: kept as it is unless replaced.
            None => {
                form.image_source = "upload".into();
                form.crop = "none".into();
            }
        }
        form
    }

    /// The URL of the designer's preview of this form's design.
    pub fn preview_url(&self, city: &str, org: &str) -> String {
        let enc = crate::web::url_encode;
        format!(
            "/c/{city}/orgs/{org}/badges/preview.svg?shape={}&primary={}&secondary={}&icon={}&label={}",
            enc(&self.design.shape),
            enc(&self.design.primary),
            enc(&self.design.secondary),
            enc(&self.design.icon),
            enc(&self.design.label),
        )
    }
}

/// A choice of a select: value, catalog key.
pub struct Choice {
    pub value: &'static str,
    pub label: String,
}

pub fn shape_choices() -> Vec<Choice> {
    Shape::ALL
        .iter()
        .map(|s| Choice {
            value: s.as_str(),
            label: s.label_key(),
        })
        .collect()
}

pub fn icon_choices() -> &'static [Icon] {
    ICONS
}

pub fn type_choices() -> Vec<Choice> {
    BadgeType::ALL
        .iter()
        .map(|t| Choice {
            value: t.as_str(),
            label: format!("badge_form.type_{}", t.as_str()),
        })
        .collect()
}

pub fn earned_by_choices() -> Vec<Choice> {
    EarnedBy::ALL
        .iter()
        .map(|t| Choice {
            value: t.as_str(),
            label: format!("badge_form.earned_by_{}", t.as_str()),
        })
        .collect()
}

/// What the new- and edit-badge forms share.
pub struct FormView {
    pub form: BadgeForm,
    pub errors: FormErrors,
    /// The image to show above the designer (a preview URL or a data: URI), if any.
    pub preview: Option<String>,
    pub shapes: Vec<Choice>,
    pub types: Vec<Choice>,
    pub earned_by: Vec<Choice>,
}

impl FormView {
    pub fn new(form: BadgeForm, errors: FormErrors, preview: Option<String>) -> FormView {
        FormView {
            form,
            errors,
            preview,
            shapes: shape_choices(),
            types: type_choices(),
            earned_by: earned_by_choices(),
        }
    }

    pub fn icons(&self) -> &'static [Icon] {
        icon_choices()
    }

    pub fn locale_name(&self, chrome: &Chrome, locale: &str) -> String {
        crate::i18n::t(chrome.locale, &format!("badge_form.language_{locale}"))
    }
}

#[derive(Template)]
#[template(path = "badges/new.html")]
pub struct NewBadgePage {
    pub chrome: Chrome,
    pub city: City,
    pub org: Org,
    pub activities: Vec<Activity>,
    pub view: FormView,
}

#[derive(Template)]
#[template(path = "badges/edit.html")]
pub struct EditBadgePage {
    pub chrome: Chrome,
    pub city: City,
    pub org: Org,
    pub badge: Badge,
    pub view: FormView,
}

#[derive(Template)]
#[template(path = "badges/show.html")]
pub struct BadgePage {
    pub chrome: Chrome,
    pub city: City,
    pub badge: Badge,
    pub content: BadgeContent,
    pub text: LocalizedText,
    pub earners: i64,
    pub my_award: Option<AwardView>,
    /// The published activities that lead to it.
    pub activities: Vec<crate::activities::detail::ActivityLink>,
    /// Whether the viewer may edit it (staff of its organization or a coordinator).
    pub can_edit: bool,
    /// For a youth, on a badge earned by review: may send work for it (they do not hold it
    /// and have no work waiting), and the work they sent that is still open.
    pub may_submit: bool,
    pub open_submission: Option<String>,
    /// The pathway that gives this badge, if one does.
    pub pathway: Option<crate::pathways::store::Pathway>,
}

impl BadgePage {
    pub fn dates_of(&self, activity: &crate::activities::detail::ActivityLink) -> String {
        crate::i18n::dates::range(self.chrome.locale, activity.starts_on, activity.ends_on)
    }

    pub fn type_key(&self) -> String {
        format!("badge_form.type_{}", self.content.badge_type().as_str())
    }

    pub fn earned_by_key(&self) -> String {
        let how = EarnedBy::parse(&self.content.earned_by).unwrap_or(EarnedBy::Code);
        format!("badge_form.earned_by_{}", how.as_str())
    }
}

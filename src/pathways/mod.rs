//! Pathways: a badge awarded automatically when a youth holds all, any, or a number of a set
//! of badges. An organization's pathway takes its own badges; the city's pathways may take the
//! badges of every organization of the city, and their badges are issued by the city itself.

pub mod handlers;
pub mod store;

/// How many of a pathway's badges complete it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rule {
    All,
    Any,
    /// At least `required` of them.
    Count,
}

impl Rule {
    pub const ALL: [Rule; 3] = [Rule::All, Rule::Any, Rule::Count];

    pub fn as_str(self) -> &'static str {
        match self {
            Rule::All => "all",
            Rule::Any => "any",
            Rule::Count => "count",
        }
    }

    pub fn parse(s: &str) -> Option<Rule> {
        Rule::ALL.into_iter().find(|r| r.as_str() == s.trim())
    }

    /// The catalog key of its name in the form.
    pub fn label_key(self) -> String {
        format!("pathway.rule_{}", self.as_str())
    }
}

//! The words the city-scale demo builds its people, places and programs from: plain ASCII for
//! usernames and slugs, enough of each that names rarely repeat.

pub const FIRST_NAMES: [&str; 64] = [
    "sofia",
    "mateo",
    "ava",
    "liam",
    "maya",
    "noah",
    "emma",
    "elijah",
    "olivia",
    "lucas",
    "amara",
    "diego",
    "zoe",
    "kai",
    "isabella",
    "omar",
    "mia",
    "leo",
    "aisha",
    "ethan",
    "chloe",
    "santiago",
    "nora",
    "jayden",
    "priya",
    "samuel",
    "layla",
    "gabriel",
    "hana",
    "wyatt",
    "lucia",
    "malik",
    "grace",
    "julian",
    "fatima",
    "owen",
    "valentina",
    "isaac",
    "ruby",
    "andre",
    "lily",
    "hugo",
    "camila",
    "ezra",
    "naomi",
    "carlos",
    "ivy",
    "felix",
    "yara",
    "miles",
    "elena",
    "theo",
    "jade",
    "rafael",
    "stella",
    "kofi",
    "alma",
    "dominic",
    "luna",
    "tariq",
    "rosa",
    "jonah",
    "keiko",
    "marco",
];

pub const LAST_NAMES: [&str; 64] = [
    "garcia",
    "smith",
    "nguyen",
    "johnson",
    "martinez",
    "brown",
    "lopez",
    "williams",
    "kim",
    "jones",
    "hernandez",
    "davis",
    "patel",
    "miller",
    "gonzalez",
    "wilson",
    "chen",
    "moore",
    "rodriguez",
    "taylor",
    "ali",
    "anderson",
    "perez",
    "thomas",
    "singh",
    "jackson",
    "sanchez",
    "white",
    "okafor",
    "harris",
    "ramirez",
    "martin",
    "tran",
    "thompson",
    "torres",
    "clark",
    "flores",
    "lewis",
    "rivera",
    "walker",
    "cruz",
    "hall",
    "reyes",
    "young",
    "morales",
    "allen",
    "ortiz",
    "king",
    "diaz",
    "wright",
    "mensah",
    "scott",
    "castillo",
    "green",
    "park",
    "baker",
    "vargas",
    "adams",
    "romero",
    "nelson",
    "silva",
    "hill",
    "mendoza",
    "campbell",
];

/// Street and place names for organizations and addresses.
pub const STREETS: [&str; 48] = [
    "Maple",
    "Oak",
    "Cedar",
    "Elm",
    "Pine",
    "Birch",
    "Willow",
    "Chestnut",
    "Walnut",
    "Spruce",
    "Hawthorn",
    "Juniper",
    "Magnolia",
    "Sycamore",
    "Aspen",
    "Linden",
    "Poplar",
    "Laurel",
    "Hickory",
    "Alder",
    "Cypress",
    "Dogwood",
    "Mulberry",
    "Main",
    "Market",
    "Mill",
    "River",
    "Lake",
    "Bridge",
    "Church",
    "Station",
    "Union",
    "Franklin",
    "Lincoln",
    "Washington",
    "Jefferson",
    "Madison",
    "Grant",
    "Harbor",
    "Canal",
    "Orchard",
    "Meadow",
    "Summit",
    "Garden",
    "Harvest",
    "Beacon",
    "Liberty",
    "Prospect",
];

pub const STREET_KINDS: [&str; 5] = ["Street", "Avenue", "Road", "Lane", "Boulevard"];

/// Neighborhoods a city of 200,000 youth has beyond the demo's four (slug, name), with their
/// share of the youth.
pub const MORE_NEIGHBORHOODS: [(&str, &str, u32); 8] = [
    ("harbor", "Harbor", 9),
    ("mill-district", "Mill District", 7),
    ("university-park", "University Park", 6),
    ("westbrook", "Westbrook", 10),
    ("south-end", "South End", 12),
    ("maple-heights", "Maple Heights", 8),
    ("cedar-grove", "Cedar Grove", 7),
    ("lakeview", "Lakeview", 6),
];

/// The demo's categories (slug, name): the catalog's own, made when missing.
pub const CATEGORIES: [(&str, &str); 5] = [
    ("arts", "Arts"),
    ("stem", "STEM"),
    ("sports-outdoors", "Sports & outdoors"),
    ("reading-writing", "Reading & writing"),
    ("music", "Music"),
];

/// Topics of each category, in the order of [`CATEGORIES`].
pub const TOPICS: [&[&str]; 5] = [
    &[
        "Watercolor",
        "Clay",
        "Comics",
        "Photography",
        "Mural",
        "Printmaking",
        "Sculpture",
        "Fashion Design",
        "Animation",
        "Drawing",
        "Theater",
        "Dance",
        "Film",
        "Puppetry",
    ],
    &[
        "Robotics",
        "Coding",
        "Chemistry",
        "Astronomy",
        "Electronics",
        "3D Printing",
        "Game Design",
        "Ecology",
        "Marine Biology",
        "Math Puzzles",
        "Rocketry",
        "Engineering",
        "Web Design",
        "Weather Science",
        "Bird Science",
    ],
    &[
        "Soccer",
        "Basketball",
        "Swimming",
        "Kayaking",
        "Tennis",
        "Trail Running",
        "Skateboarding",
        "Climbing",
        "Yoga",
        "Cycling",
        "Volleyball",
        "Fishing",
        "Camping",
        "Martial Arts",
        "Track and Field",
    ],
    &[
        "Book Club",
        "Poetry",
        "Creative Writing",
        "Journalism",
        "Storytelling",
        "Debate",
        "Graphic Novels",
        "Screenwriting",
        "Podcasting",
        "Reading Buddies",
        "Bilingual Stories",
        "Zine Making",
    ],
    &[
        "Ukulele",
        "Guitar",
        "Drumming",
        "Choir",
        "Piano",
        "Songwriting",
        "Music Production",
        "Violin",
        "Jazz Band",
        "Hip-Hop",
        "Steel Drums",
        "Mariachi",
    ],
];

/// What a session of each category is like, for descriptions.
pub const CATEGORY_BLURBS: [&str; 5] = [
    "Make something of your own and show it at the final exhibit",
    "Build, test and improve real projects with a mentor",
    "Drills, games and friendly matches for every skill level",
    "Read, write and share your words with others",
    "Learn, practice and play together, ending with a concert",
];

/// How an activity's title frames its topic.
pub const FORMATS: [&str; 10] = [
    "{} Club",
    "{} Workshop",
    "{} Camp",
    "{} Lab",
    "Intro to {}",
    "{} for Teens",
    "Junior {}",
    "{} Drop-in",
    "{} Challenge",
    "Summer {}",
];

/// What a badge calls its holder.
pub const BADGE_RANKS: [&str; 8] = [
    "Explorer",
    "Maker",
    "Star",
    "Champion",
    "Apprentice",
    "Pioneer",
    "Trailblazer",
    "Pro",
];

pub const REVOCATION_REASONS: [&str; 4] = [
    "Awarded by mistake",
    "Awarded to the wrong youth",
    "A duplicate of another award",
    "The activity was not completed",
];

/// An ASCII slug of `text`: lower case, words joined by hyphens.
pub fn slugify(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    slug.trim_end_matches('-').to_string()
}

/// `word` with its first letter in upper case.
pub fn capitalized(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_plain_hyphenated_ascii() {
        assert_eq!(slugify("3D Printing for Teens"), "3d-printing-for-teens");
        assert_eq!(slugify("Sports & outdoors!"), "sports-outdoors");
        assert_eq!(capitalized("sofia"), "Sofia");
    }

    #[test]
    fn every_category_has_topics_and_a_blurb() {
        assert_eq!(TOPICS.len(), CATEGORIES.len());
        assert_eq!(CATEGORY_BLURBS.len(), CATEGORIES.len());
        assert!(TOPICS.iter().all(|t| !t.is_empty()));
    }
}

//! The demo city's catalog: categories, neighborhoods and a summer of activities in English
//! and Spanish, so that search and every filter have something to find.

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime};
use serde::Serialize;

use crate::catalog::{index, store};
use crate::db::DbConnection;
use crate::ids::CityId;
use crate::tenancy::store::{named_list, NameList};

/// An activity of the demo, as its JSON lists it.
#[derive(Clone, Debug, Serialize)]
pub struct DemoActivity {
    pub title: String,
    pub url: String,
    pub city: String,
}

const CATEGORIES: [(&str, &str); 5] = [
    ("arts", "Arts"),
    ("stem", "STEM"),
    ("sports-outdoors", "Sports & outdoors"),
    ("reading-writing", "Reading & writing"),
    ("music", "Music"),
];

const NEIGHBORHOODS: [(&str, &str); 4] = [
    ("riverside", "Riverside"),
    ("old-town", "Old Town"),
    ("northgate", "Northgate"),
    ("east-hill", "East Hill"),
];

/// One demo activity: English title and description, Spanish title and description, category,
/// neighborhood (None: online), organization (0 library, 1 museum), ages, first day (days after
/// the season opens), length in days, weekdays (Mon=1 … Sun=64), hours, cost in cents, place.
struct Spec {
    en: (&'static str, &'static str),
    es: (&'static str, &'static str),
    category: usize,
    neighborhood: Option<usize>,
    org: usize,
    ages: (Option<i32>, Option<i32>),
    start: i64,
    days: i64,
    weekdays: i32,
    hours: (&'static str, &'static str),
    cost_cents: i32,
    place: &'static str,
}

const SPECS: [Spec; 24] = [
    Spec { en: ("Robotics Club", "Build and program small robots that follow lines, dodge walls and race each other."), es: ("Club de robótica", "Construye y programa pequeños robots que siguen líneas, esquivan paredes y compiten entre sí."), category: 1, neighborhood: Some(2), org: 0, ages: (Some(10), Some(14)), start: 7, days: 28, weekdays: 2 | 8, hours: ("15:00", "17:00"), cost_cents: 0, place: "Northgate Branch Library, Lab room" },
    Spec { en: ("Junior Robot Makers", "Younger builders snap together robots from kits and teach them to dance."), es: ("Pequeños creadores de robots", "Los más pequeños arman robots con kits y les enseñan a bailar."), category: 1, neighborhood: Some(1), org: 1, ages: (Some(6), Some(9)), start: 14, days: 14, weekdays: 1 | 4, hours: ("10:00", "11:30"), cost_cents: 1500, place: "Riverton Science Museum, Workshop B" },
    Spec { en: ("Code Your First Game", "Make a video game you can share, one block of code at a time."), es: ("Programa tu primer videojuego", "Crea un videojuego para compartir, bloque a bloque."), category: 1, neighborhood: None, org: 0, ages: (Some(9), Some(13)), start: 0, days: 35, weekdays: 16, hours: ("16:00", "17:00"), cost_cents: 0, place: "" },
    Spec { en: ("Kitchen Chemistry", "Explore acids, bases and bubbles with things from your kitchen."), es: ("Química en la cocina", "Descubre ácidos, bases y burbujas con cosas de tu cocina."), category: 1, neighborhood: Some(1), org: 1, ages: (Some(8), Some(12)), start: 21, days: 5, weekdays: 1 | 2 | 4 | 8 | 16, hours: ("09:30", "12:00"), cost_cents: 4000, place: "Riverton Science Museum, Main Hall" },
    Spec { en: ("Pond Life Explorers", "Net, sort and draw the tiny animals living in Riverside Park's pond."), es: ("Exploradores del estanque", "Atrapa, clasifica y dibuja los animalitos que viven en el estanque del parque Riverside."), category: 1, neighborhood: Some(0), org: 1, ages: (Some(7), Some(11)), start: 10, days: 1, weekdays: 32, hours: ("10:00", "12:00"), cost_cents: 0, place: "Riverside Park, boathouse" },
    Spec { en: ("Watercolor Landscapes", "Paint the river, the hills and the sky with a local artist."), es: ("Paisajes en acuarela", "Pinta el río, las colinas y el cielo con una artista local."), category: 0, neighborhood: Some(0), org: 0, ages: (Some(12), Some(18)), start: 3, days: 21, weekdays: 4, hours: ("14:00", "16:00"), cost_cents: 2500, place: "Riverside Branch Library, Art room" },
    Spec { en: ("Clay Creatures", "Shape, glaze and fire your own small clay animals."), es: ("Criaturas de barro", "Modela, esmalta y hornea tus propios animalitos de barro."), category: 0, neighborhood: Some(1), org: 1, ages: (Some(5), Some(8)), start: 17, days: 10, weekdays: 2 | 8, hours: ("10:00", "11:00"), cost_cents: 1200, place: "Riverton Science Museum, Studio" },
    Spec { en: ("Mural Makers", "Design and paint a real mural with your neighbors on East Hill."), es: ("Creadores de murales", "Diseña y pinta un mural de verdad con tus vecinos de East Hill."), category: 0, neighborhood: Some(3), org: 0, ages: (Some(13), Some(19)), start: 28, days: 14, weekdays: 1 | 4 | 16, hours: ("13:00", "16:00"), cost_cents: 0, place: "East Hill Community Center" },
    Spec { en: ("Stop-Motion Animation", "Make a short film with paper, clay and a tablet, frame by frame."), es: ("Animación stop-motion", "Haz un cortometraje con papel, barro y una tableta, cuadro por cuadro."), category: 0, neighborhood: None, org: 0, ages: (Some(10), Some(15)), start: 35, days: 14, weekdays: 2, hours: ("15:30", "16:30"), cost_cents: 0, place: "" },
    Spec { en: ("Family Photo Walk", "Take pictures of Old Town with a photographer; bring any camera or phone."), es: ("Paseo fotográfico en familia", "Toma fotos del casco antiguo con un fotógrafo; trae cualquier cámara o teléfono."), category: 0, neighborhood: Some(1), org: 0, ages: (None, None), start: 24, days: 1, weekdays: 64, hours: ("09:00", "11:00"), cost_cents: 0, place: "Old Town Square fountain" },
    Spec { en: ("Soccer in the Park", "Drills and friendly games for every skill level; cleats not needed."), es: ("Fútbol en el parque", "Ejercicios y partidos amistosos para todos los niveles; no necesitas tacos."), category: 2, neighborhood: Some(0), org: 0, ages: (Some(6), Some(12)), start: 0, days: 56, weekdays: 1 | 4, hours: ("17:00", "18:30"), cost_cents: 0, place: "Riverside Park, north field" },
    Spec { en: ("Trail Running for Teens", "Learn to run safely on hills and trails with a coach."), es: ("Carrera en senderos para adolescentes", "Aprende a correr con seguridad en colinas y senderos con un entrenador."), category: 2, neighborhood: Some(3), org: 1, ages: (Some(13), Some(18)), start: 7, days: 42, weekdays: 2 | 8, hours: ("07:30", "08:30"), cost_cents: 3000, place: "East Hill trailhead" },
    Spec { en: ("Kayak Basics", "Paddle the calm bend of the river with certified guides; life jackets provided."), es: ("Kayak para principiantes", "Rema en la curva tranquila del río con guías certificados; te damos chaleco salvavidas."), category: 2, neighborhood: Some(0), org: 1, ages: (Some(11), None), start: 30, days: 3, weekdays: 32 | 64, hours: ("10:00", "13:00"), cost_cents: 4500, place: "Riverside boat launch" },
    Spec { en: ("Yoga and Stories", "Stretch, breathe and move along with picture books."), es: ("Yoga y cuentos", "Estírate, respira y muévete al ritmo de libros ilustrados."), category: 2, neighborhood: Some(2), org: 0, ages: (Some(3), Some(6)), start: 5, days: 49, weekdays: 16, hours: ("10:30", "11:15"), cost_cents: 0, place: "Northgate Branch Library, Story room" },
    Spec { en: ("Bird Watching Mornings", "Spot and name the birds of Northgate Woods with binoculars we lend you."), es: ("Mañanas de observación de aves", "Observa y nombra las aves del bosque de Northgate con binoculares que te prestamos."), category: 2, neighborhood: Some(2), org: 1, ages: (Some(8), None), start: 12, days: 28, weekdays: 32, hours: ("07:00", "09:00"), cost_cents: 0, place: "Northgate Woods visitor hut" },
    Spec { en: ("Teen Book Club", "Read a novel a fortnight and talk about it over snacks."), es: ("Club de lectura juvenil", "Lee una novela cada dos semanas y coméntala con algo de picar."), category: 3, neighborhood: Some(1), org: 0, ages: (Some(13), Some(17)), start: 2, days: 63, weekdays: 8, hours: ("18:00", "19:00"), cost_cents: 0, place: "Main Library, Teen corner" },
    Spec { en: ("Poetry Slam Workshop", "Write a poem, find your voice and perform it at the final slam."), es: ("Taller de poesía slam", "Escribe un poema, encuentra tu voz y recítalo en el slam final."), category: 3, neighborhood: Some(3), org: 0, ages: (Some(14), Some(20)), start: 20, days: 21, weekdays: 2, hours: ("17:00", "19:00"), cost_cents: 0, place: "East Hill Branch Library" },
    Spec { en: ("Bilingual Stories and Songs", "Stories and songs in English and Spanish for little ones and their grown-ups."), es: ("Cuentos bilingües", "Cuentos y canciones en inglés y en español para los más pequeños y sus familias."), category: 3, neighborhood: Some(2), org: 0, ages: (Some(2), Some(6)), start: 0, days: 70, weekdays: 4, hours: ("10:00", "10:45"), cost_cents: 0, place: "Northgate Branch Library, Story room" },
    Spec { en: ("Write Your Own Comic Online", "Plan, script and share a short comic from home, with weekly video feedback."), es: ("Escribe tu cómic en línea", "Planea, escribe y comparte un cómic corto desde casa, con comentarios por video cada semana."), category: 3, neighborhood: None, org: 0, ages: (Some(10), Some(16)), start: 14, days: 35, weekdays: 1, hours: ("16:00", "17:00"), cost_cents: 1000, place: "" },
    Spec { en: ("Young Journalists", "Report a real story from your neighborhood for the library's summer paper."), es: ("Jóvenes periodistas", "Escribe una noticia real de tu barrio para el periódico de verano de la biblioteca."), category: 3, neighborhood: Some(0), org: 0, ages: (Some(11), Some(15)), start: 9, days: 28, weekdays: 2 | 8, hours: ("13:00", "15:00"), cost_cents: 0, place: "Riverside Branch Library" },
    Spec { en: ("Ukulele for Beginners", "Learn four chords and play your first songs; ukuleles to borrow."), es: ("Ukelele para principiantes", "Aprende cuatro acordes y toca tus primeras canciones; te prestamos el ukelele."), category: 4, neighborhood: Some(1), org: 0, ages: (Some(8), Some(14)), start: 6, days: 35, weekdays: 4, hours: ("16:00", "17:00"), cost_cents: 2000, place: "Main Library, Music room" },
    Spec { en: ("Drum Circle in the Square", "Join a drum circle: rhythms from around the world, drums provided."), es: ("Círculo de tambores en la plaza", "Únete a un círculo de tambores con ritmos de todo el mundo; ponemos los tambores."), category: 4, neighborhood: Some(1), org: 1, ages: (None, None), start: 19, days: 1, weekdays: 32, hours: ("18:00", "19:30"), cost_cents: 0, place: "Old Town Square" },
    Spec { en: ("Music Production Lab", "Make beats and record songs on laptops with a sound engineer."), es: ("Laboratorio de producción musical", "Crea ritmos y graba canciones en computadoras con un ingeniero de sonido."), category: 4, neighborhood: Some(3), org: 1, ages: (Some(14), Some(19)), start: 25, days: 28, weekdays: 1 | 4, hours: ("15:00", "17:00"), cost_cents: 3500, place: "East Hill Community Center, Studio" },
    Spec { en: ("Sing-Along Online", "A weekly video sing-along with songs in English and Spanish."), es: ("Cantemos en línea", "Canciones en inglés y en español cada semana por video."), category: 4, neighborhood: None, org: 0, ages: (Some(4), Some(8)), start: 1, days: 56, weekdays: 8, hours: ("11:00", "11:30"), cost_cents: 0, place: "" },
];

/// The first day of the summer season that `today` looks forward to: the city's own, or the
/// middle of June of this year (next year once this summer is over).
fn season_start(conn: &mut DbConnection, city: CityId, today: NaiveDate) -> NaiveDate {
    if let Ok(city) = crate::tenancy::store::find(conn, city) {
        if let Some(start) = city.season_starts_on {
            return start;
        }
    }
    let year = if today.month() >= 9 {
        today.year() + 1
    } else {
        today.year()
    };
    NaiveDate::from_ymd_opt(year, 6, 15).unwrap_or(today)
}

/// Gives the city the list `entries` (slug, name) and returns their ids, in order.
fn set_list(
    conn: &mut DbConnection,
    city: CityId,
    list: NameList,
    entries: &[(&str, &str)],
) -> diesel::QueryResult<Vec<i64>> {
    let wanted: Vec<(String, String)> = entries
        .iter()
        .map(|(slug, name)| (slug.to_string(), name.to_string()))
        .collect();
    crate::tenancy::store::replace_names(conn, city, list, &wanted)?;
    Ok(named_list(conn, city, list)?
        .into_iter()
        .map(|n| n.id)
        .collect())
}

/// Seeds the demo city's catalog (the library and the museum must exist), indexes every
/// activity of the city and returns what the demo JSON lists.
pub fn seed(
    conn: &mut DbConnection,
    city: CityId,
    city_slug: &str,
    now: NaiveDateTime,
) -> anyhow::Result<Vec<DemoActivity>> {
    let categories = set_list(conn, city, NameList::Categories, &CATEGORIES)?;
    let neighborhoods = set_list(conn, city, NameList::Neighborhoods, &NEIGHBORHOODS)?;
    let mut orgs = Vec::new();
    for slug in ["library", "science-museum"] {
        let org = crate::orgs::store::find_by_slug(conn, city, slug)?
            .ok_or_else(|| anyhow::anyhow!("the demo has no organization {slug}"))?;
        orgs.push(org.id);
    }
    let opens = season_start(conn, city, now.date());
    for spec in &SPECS {
        let starts_on = opens + Duration::days(spec.start);
        let id = store::insert_activity(
            conn,
            city,
            &store::SeedActivity {
                org: orgs[spec.org],
                title: spec.en.0,
                description: spec.en.1,
                location: spec.place,
                category: Some(categories[spec.category]),
                neighborhood: spec.neighborhood.map(|n| neighborhoods[n]),
                age_min: spec.ages.0,
                age_max: spec.ages.1,
                starts_on: Some(starts_on),
                ends_on: Some(starts_on + Duration::days(spec.days - 1)),
                weekdays: spec.weekdays,
                time_from: spec.hours.0,
                time_to: spec.hours.1,
                online: spec.neighborhood.is_none(),
                cost_cents: spec.cost_cents,
                status: store::PUBLISHED,
            },
            now,
        )?;
        store::insert_translation(conn, id, "es", spec.es.0, spec.es.1)?;
    }
    index::fill_missing(conn)?;
    Ok(store::listed(conn, city)?
        .into_iter()
        .map(|(id, title)| DemoActivity {
            title,
            url: format!("/c/{city_slug}/activities/{id}"),
            city: city_slug.to_string(),
        })
        .collect())
}

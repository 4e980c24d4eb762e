//! The season's awards: a few badges very popular and most rarely earned (Zipf-like), most
//! youth earning a few and some none or many, each award on an afternoon of its activity, a
//! few revoked. Written unsigned: Lanyard signs a credential the first time it is asked for.

use chrono::{Datelike, Duration, NaiveDateTime, NaiveTime};
use diesel::RunQueryDsl;
use indicatif::ProgressBar;
use rand::rngs::StdRng;
use rand::Rng;

use super::bulk::{self, AwardRow};
use super::names::REVOCATION_REASONS;
use super::partners::Activity;
use super::youth::Youth;
use super::Season;
use crate::awards::AwardMethod;
use crate::badges::EarnedBy;
use crate::db::DbConnection;
use crate::ids::CityId;

/// The most badges one youth earns in a season.
pub const MOST_PER_YOUTH: usize = 20;

/// How steeply popularity falls from the most earned badge to the least.
const ZIPF_EXPONENT: f64 = 0.9;

/// The share of awards later revoked.
const REVOKED: f64 = 0.025;

/// An award before it is written; `badge` indexes the activities (one badge each).
pub struct Planned {
    pub at: NaiveDateTime,
    pub youth: u32,
    pub badge: u32,
    pub method: AwardMethod,
    pub revoked: Option<(NaiveDateTime, &'static str)>,
}

/// How many badges each youth earns: exactly `total` in all, each 0 to `most`, most youth a
/// few (a geometric spread), about one in seven none.
fn counts(rng: &mut StdRng, youth: usize, total: usize, most: usize) -> Vec<usize> {
    let mean = total as f64 / youth.max(1) as f64;
    let stop = (1.0 / (mean / 0.85).max(1.0)).clamp(0.05, 1.0);
    let mut counts: Vec<usize> = (0..youth)
        .map(|_| {
            if rng.gen_bool(0.15) {
                return 0;
            }
            let mut k = 1;
            while k < most && !rng.gen_bool(stop) {
                k += 1;
            }
            k
        })
        .collect();
    let mut sum: usize = counts.iter().sum();
    while sum < total {
        let i = rng.gen_range(0..youth);
        if counts[i] < most {
            counts[i] += 1;
            sum += 1;
        }
    }
    while sum > total {
        let i = rng.gen_range(0..youth);
        if counts[i] > 0 {
            counts[i] -= 1;
            sum -= 1;
        }
    }
    counts
}

/// Draws badges by popularity: rank r (of a shuffled order) has weight 1 / r^s.
struct Popularity {
    cumulative: Vec<f64>,
    badge_of_rank: Vec<u32>,
}

impl Popularity {
    fn new(rng: &mut StdRng, badges: usize) -> Popularity {
        use rand::seq::SliceRandom;
        let mut total = 0.0;
        let cumulative = (1..=badges)
            .map(|rank| {
                total += 1.0 / (rank as f64).powf(ZIPF_EXPONENT);
                total
            })
            .collect();
        let mut badge_of_rank: Vec<u32> = (0..badges as u32).collect();
        badge_of_rank.shuffle(rng);
        Popularity {
            cumulative,
            badge_of_rank,
        }
    }

    fn draw(&self, rng: &mut StdRng) -> u32 {
        let total = self.cumulative.last().copied().unwrap_or(0.0);
        let x = rng.gen_range(0.0..total.max(f64::MIN_POSITIVE));
        let rank = self.cumulative.partition_point(|c| *c <= x);
        self.badge_of_rank[rank.min(self.badge_of_rank.len() - 1)]
    }
}

/// A moment on a day of `activity` it meets (a weekday), in the afternoon.
fn moment(rng: &mut StdRng, activity: &Activity) -> NaiveDateTime {
    let days = (activity.ends_on - activity.starts_on).num_days();
    let mut day = activity.starts_on + Duration::days(rng.gen_range(0..=days));
    // Forward to a day it meets, else back: every activity lasts whole weeks.
    for _ in 0..7 {
        let bit = 1 << day.weekday().num_days_from_monday();
        if activity.weekdays & bit != 0 {
            break;
        }
        day = if day < activity.ends_on {
            day + Duration::days(1)
        } else {
            activity.starts_on
        };
    }
    let seconds = rng.gen_range(15 * 3600..19 * 3600);
    day.and_time(NaiveTime::MIN) + Duration::seconds(seconds)
}

fn method(rng: &mut StdRng, earned_by: EarnedBy) -> AwardMethod {
    match earned_by {
        EarnedBy::Review => AwardMethod::Review,
        EarnedBy::Code if rng.gen_bool(0.75) => AwardMethod::ClaimCode,
        EarnedBy::Code => AwardMethod::Api,
        EarnedBy::Both => match rng.gen_range(0..20) {
            0..=9 => AwardMethod::ClaimCode,
            10..=16 => AwardMethod::Review,
            _ => AwardMethod::Api,
        },
    }
}

/// Exactly `total` awards of distinct badges per youth, in the order they were made; sets each
/// youth's joining day (up to three weeks before their first award, or any day from four weeks
/// before the season for those with none).
pub fn plan(
    rng: &mut StdRng,
    youth: &mut [Youth],
    activities: &[Activity],
    total: usize,
    season: &Season,
    now: NaiveDateTime,
) -> Vec<Planned> {
    let most = MOST_PER_YOUTH.min(activities.len());
    let counts = counts(rng, youth.len(), total, most);
    let popularity = Popularity::new(rng, activities.len());
    let mut planned = Vec::with_capacity(total);
    let mut held: Vec<u32> = Vec::with_capacity(most);
    let opens = season.start_at() - Duration::days(28);
    let open_seconds = (season.end_at() - opens).num_seconds();
    for (index, (person, count)) in youth.iter_mut().zip(counts).enumerate() {
        held.clear();
        let mut attempts = 0;
        while held.len() < count {
            attempts += 1;
            let mut badge = popularity.draw(rng);
            if attempts > 50 * count {
                // The popular ones are taken: the next badge not held, from a random place.
                badge = rng.gen_range(0..activities.len() as u32);
                while held.contains(&badge) {
                    badge = (badge + 1) % activities.len() as u32;
                }
            }
            if !held.contains(&badge) {
                held.push(badge);
            }
        }
        let mut first = None::<NaiveDateTime>;
        for &badge in &held {
            let activity = &activities[badge as usize];
            let at = moment(rng, activity);
            first = Some(first.map_or(at, |f| f.min(at)));
            let revoked = rng.gen_bool(REVOKED).then(|| {
                let later = at + Duration::hours(rng.gen_range(2..24 * 14));
                let reason = REVOCATION_REASONS[rng.gen_range(0..REVOCATION_REASONS.len())];
                (later.min(now - Duration::hours(1)).max(at), reason)
            });
            planned.push(Planned {
                at,
                youth: index as u32,
                badge,
                method: method(rng, activity.earned_by),
                revoked,
            });
        }
        person.joined_at = match first {
            Some(first) => first - Duration::seconds(rng.gen_range(3600..21 * 24 * 3600)),
            None => opens + Duration::seconds(rng.gen_range(0..open_seconds.max(1))),
        };
    }
    planned.sort_by_key(|p| (p.at, p.youth));
    planned
}

/// The ids and identities the awards refer to.
pub struct Refs<'a> {
    pub city: CityId,
    pub first_award: i64,
    pub first_user: i64,
    pub first_org: i64,
    pub first_badge: i64,
    pub youth: &'a [Youth],
    pub activities: &'a [Activity],
}

/// Writes the awards in transactions of about 100,000, each with its public id, salt, place in
/// its organization's status lists (counted from 0 per organization, in the order made) and
/// the youth's identifier; answers (awards, revoked) written and the status positions used per
/// organization.
pub fn insert(
    conn: &mut DbConnection,
    rng: &mut StdRng,
    planned: &[Planned],
    refs: &Refs<'_>,
    orgs: usize,
    bar: &ProgressBar,
) -> diesel::QueryResult<(usize, usize)> {
    use diesel::Connection;
    let mut next_index = vec![0i64; orgs];
    let per_insert = bulk::rows_per_insert(conn, 14);
    let per_transaction = (100_000 / per_insert).max(1) * per_insert;
    let (mut made, mut revoked) = (0, 0);
    for (batch_number, batch) in planned.chunks(per_transaction).enumerate() {
        let (m, r) = conn.transaction(|conn| {
            let (mut m, mut r) = (0, 0);
            for (chunk_number, chunk) in batch.chunks(per_insert).enumerate() {
                let offset = batch_number * per_transaction + chunk_number * per_insert;
                let rows: Vec<AwardRow> = chunk
                    .iter()
                    .enumerate()
                    .map(|(i, p)| {
                        let org = refs.activities[p.badge as usize].org;
                        let status_index = next_index[org];
                        next_index[org] += 1;
                        AwardRow {
                            id: refs.first_award + (offset + i) as i64 + 1,
                            public_id: super::random_uuid(rng).to_string(),
                            city_id: refs.city.0,
                            org_id: refs.first_org + org as i64 + 1,
                            badge_id: refs.first_badge + i64::from(p.badge) + 1,
                            recipient_id: refs.first_user + i64::from(p.youth) + 1,
                            method: p.method.as_str(),
                            awarded_at: p.at,
                            salt: Some(hex::encode(rng.gen::<[u8; 16]>())),
                            status_index: Some(status_index),
                            revoked_at: p.revoked.map(|(at, _)| at),
                            revocation_reason: p.revoked.map(|(_, why)| why),
                            recipient_identifier: Some(
                                refs.youth[p.youth as usize].identifier.clone(),
                            ),
                            badge_version: Some(1),
                        }
                    })
                    .collect();
                r += rows.iter().filter(|a| a.revoked_at.is_some()).count();
                m += crate::insert_all!(&mut *conn, crate::db::schema::awards::table, &rows)?;
                bar.inc(chunk.len() as u64);
            }
            Ok::<_, diesel::result::Error>((m, r))
        })?;
        made += m;
        revoked += r;
    }
    Ok((made, revoked))
}

/// How many awards each organization (by index) makes: its status lists' next free position.
pub fn per_org(planned: &[Planned], activities: &[Activity], orgs: usize) -> Vec<i64> {
    let mut counts = vec![0i64; orgs];
    for p in planned {
        counts[activities[p.badge as usize].org] += 1;
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn youth_earn_exactly_the_awards_asked_and_at_most_twenty_each() {
        let mut rng = StdRng::seed_from_u64(1);
        let counts = counts(&mut rng, 10_000, 50_000, MOST_PER_YOUTH);
        assert_eq!(counts.iter().sum::<usize>(), 50_000);
        assert!(counts.iter().all(|c| *c <= MOST_PER_YOUTH));
        let few = counts.iter().filter(|c| **c <= 5).count();
        assert!(few > 5_000, "most youth earn few: {few}");
        assert!(counts.contains(&0));
    }

    #[test]
    fn the_most_popular_badge_is_earned_far_more_than_the_median_one() {
        let mut rng = StdRng::seed_from_u64(2);
        let popularity = Popularity::new(&mut rng, 1_000);
        let mut drawn = vec![0u32; 1_000];
        for _ in 0..100_000 {
            drawn[popularity.draw(&mut rng) as usize] += 1;
        }
        drawn.sort_unstable();
        assert!(
            drawn[999] > 20 * drawn[500].max(1),
            "{} vs {}",
            drawn[999],
            drawn[500]
        );
    }
}

//! Signing and verifying one Open Badges 3.0 credential with `eddsa-rdfc-2022`, on one thread.
//! Run with `cargo bench --bench signing` (pin to one core with `taskset -c 0` for stable figures).

use std::hint::black_box;

use chrono::{TimeZone, Utc};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use ed25519_dalek::{Signer, SigningKey};
use lanyard::credentials::{jsonld, proof};
use serde_json::Value;

const ISSUER_KEY: &str = "http://127.0.0.1:8080/c/riverton/orgs/library/issuer#key-1";

fn credential() -> Value {
    serde_json::from_str(include_str!(
        "../tests/fixtures/credentials/ob3-credential.json"
    ))
    .unwrap_or(Value::Null)
}

fn signing(c: &mut Criterion) {
    let credential = credential();
    let key = SigningKey::from_bytes(&[7u8; 32]);
    let created = Utc
        .with_ymd_and_hms(2026, 6, 1, 12, 0, 5)
        .single()
        .unwrap_or_default();
    let Ok(signed) = proof::sign(&credential, &key, ISSUER_KEY, created) else {
        panic!("the fixture credential must sign");
    };
    let public = key.verifying_key();

    let mut group = c.benchmark_group("ob3_credential");
    group.throughput(Throughput::Elements(1));
    group.bench_function("sign", |b| {
        b.iter(|| proof::sign(black_box(&credential), &key, ISSUER_KEY, created))
    });
    group.bench_function("verify", |b| {
        b.iter(|| proof::verify(black_box(&signed), |_| Ok::<_, String>(public)))
    });
    group.bench_function("canonicalize", |b| {
        b.iter(|| jsonld::canonicalize(black_box(&credential)))
    });
    let mut options = signed["proof"].clone();
    if let Some(options) = options.as_object_mut() {
        options.remove("proofValue");
        options.insert("@context".into(), credential["@context"].clone());
    }
    group.bench_function("canonicalize_proof_options", |b| {
        b.iter(|| jsonld::canonicalize(black_box(&options)))
    });
    group.bench_function("ed25519_sign_64_bytes", |b| {
        b.iter(|| key.sign(black_box(&[1u8; 64])))
    });
    group.finish();
}

criterion_group!(benches, signing);
criterion_main!(benches);

//! Runtime overhead of a generated call: `update_catalog_plan` of the
//! generated `kelviq` client against the same request written by hand with
//! reqwest and serde, both talking to one in-process keep-alive server.
//!
//! ```sh
//! cargo bench -p client-bench -- --warm-up-time 1 --measurement-time 3
//! ```
//!
//! `cargo xtask bench` runs this and reads criterion's estimates from
//! `target/criterion/update_catalog_plan/{generated,hand_written}/`.

use client_bench::{generated_client, plan_update, serve_fixed, HandWritten, PLAN_JSON};
use criterion::{criterion_group, criterion_main, Criterion};

fn update_catalog_plan(c: &mut Criterion) {
    // One thread for server and clients: no scheduling noise between them.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime builds");
    let address = runtime
        .block_on(serve_fixed(PLAN_JSON))
        .expect("server starts");
    let generated = generated_client(address);
    let by_hand = HandWritten::new(address);
    let body = plan_update();

    let mut group = c.benchmark_group("update_catalog_plan");
    group.bench_function("generated", |b| {
        b.to_async(&runtime).iter(|| async {
            generated
                .update_catalog_plan("pro", &body)
                .await
                .expect("generated call succeeds")
        });
    });
    group.bench_function("hand_written", |b| {
        b.to_async(&runtime).iter(|| async {
            by_hand
                .update_catalog_plan("pro", &body)
                .await
                .expect("hand-written call succeeds")
        });
    });
    group.finish();
}

criterion_group!(benches, update_catalog_plan);
criterion_main!(benches);

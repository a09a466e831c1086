//! The generated call's overhead over the hand-written one, measured in
//! rounds that alternate between the two, run in release mode by
//! `cargo xtask bench`:
//!
//! ```sh
//! cargo run --release -p client-bench --bin paired-overhead
//! ```
//!
//! Criterion times the two calls one after the other, a few seconds each;
//! on a shared machine whose speed drifts by 20–30 % within minutes, the
//! ratio of its two medians moves by as much. Here each round times a batch
//! of generated calls and a batch of hand-written ones back to back (which
//! goes first alternates), so a drift slower than a round falls on both;
//! the ratio is the median of the rounds' ratios. Prints one JSON line: the
//! median per-call time of each, in nanoseconds, and that ratio.
//!
//! One process lays out its code and heap at addresses of its own, which
//! moves the ratio by several percent from one process to the next;
//! `cargo xtask bench` therefore runs it in several processes and reports
//! their median.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use client_bench::{generated_client, plan_update, serve_fixed, HandWritten, PLAN_JSON};
use serde::Serialize;

/// Calls of each kind per round.
const BATCH: u32 = 50;
/// Rounds timed.
const ROUNDS: usize = 200;
/// Calls of each kind before timing.
const WARM_UP: u32 = 500;

#[derive(Serialize)]
struct Paired {
    generated_ns: f64,
    hand_written_ns: f64,
    ratio: f64,
    rounds: usize,
}

fn main() -> ExitCode {
    match run() {
        Ok(paired) => match serde_json::to_string(&paired) {
            Ok(line) => {
                println!("{line}");
                ExitCode::SUCCESS
            }
            Err(error) => {
                eprintln!("paired-overhead: {error}");
                ExitCode::FAILURE
            }
        },
        Err(error) => {
            eprintln!("paired-overhead: {error}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<Paired, String> {
    // One thread for server and clients, as in the criterion benchmark.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("tokio runtime: {e}"))?;
    runtime.block_on(async {
        let address = serve_fixed(PLAN_JSON)
            .await
            .map_err(|e| format!("server: {e}"))?;
        let generated = generated_client(address);
        let by_hand = HandWritten::new(address);
        let body = plan_update();
        let generated_batch = |calls: u32| {
            time_calls(calls, || async {
                generated
                    .update_catalog_plan("pro", &body)
                    .await
                    .map(drop)
                    .map_err(|e| format!("generated call: {e}"))
            })
        };
        let hand_written_batch = |calls: u32| {
            time_calls(calls, || async {
                by_hand
                    .update_catalog_plan("pro", &body)
                    .await
                    .map(drop)
                    .map_err(|e| format!("hand-written call: {e}"))
            })
        };
        generated_batch(WARM_UP).await?;
        hand_written_batch(WARM_UP).await?;
        let mut generated_times = Vec::with_capacity(ROUNDS);
        let mut hand_written_times = Vec::with_capacity(ROUNDS);
        let mut ratios = Vec::with_capacity(ROUNDS);
        for round in 0..ROUNDS {
            let (generated, hand_written) = if round % 2 == 0 {
                let generated = generated_batch(BATCH).await?;
                (generated, hand_written_batch(BATCH).await?)
            } else {
                let hand_written = hand_written_batch(BATCH).await?;
                (generated_batch(BATCH).await?, hand_written)
            };
            let generated = generated.as_secs_f64() * 1e9 / f64::from(BATCH);
            let hand_written = hand_written.as_secs_f64() * 1e9 / f64::from(BATCH);
            generated_times.push(generated);
            hand_written_times.push(hand_written);
            ratios.push(generated / hand_written);
        }
        Ok(Paired {
            generated_ns: median(&mut generated_times),
            hand_written_ns: median(&mut hand_written_times),
            ratio: median(&mut ratios),
            rounds: ROUNDS,
        })
    })
}

/// How long `calls` calls made by `call` took, one after the other.
async fn time_calls<F, Fut>(calls: u32, call: F) -> Result<Duration, String>
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Result<(), String>>,
{
    let start = Instant::now();
    for _ in 0..calls {
        call().await?;
    }
    Ok(start.elapsed())
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(f64::NAN)
}

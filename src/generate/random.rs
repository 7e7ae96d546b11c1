//! The few distributions the generator needs, written on raw 64-bit draws.
//!
//! The generator promises the same bytes for the same seed. `rand`'s own
//! distributions may change their algorithms between releases (and `rand_distr`
//! is not a dependency), so everything here is built from `next_u64` of a
//! ChaCha stream, whose output is fixed by its specification.

use rand::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// One reproducible random stream (a ChaCha8 stream chosen by key and number).
pub(crate) struct Draws {
    rng: ChaCha8Rng,
}

impl Draws {
    /// The stream numbered `stream` under the 32-byte key derived from `seed`.
    pub(crate) fn new(seed: u64, stream: u64) -> Self {
        let mut key = [0u8; 32];
        let mut state = seed;
        for chunk in key.chunks_exact_mut(8) {
            chunk.copy_from_slice(&splitmix64(&mut state).to_le_bytes());
        }
        let mut rng = ChaCha8Rng::from_seed(key);
        rng.set_stream(stream);
        Self { rng }
    }

    /// Uniform in `[0, 1)` with 53 random bits.
    pub(crate) fn uniform(&mut self) -> f64 {
        (self.rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform in `(0, 1]`, safe to take the logarithm of.
    fn uniform_open(&mut self) -> f64 {
        1.0 - self.uniform()
    }

    /// Uniform integer in `[0, n)` (0 when `n` is 0), by the multiply-high method.
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        ((self.rng.next_u64() as u128 * n as u128) >> 64) as u64
    }

    /// Uniform integer in `[low, high]`.
    pub(crate) fn between(&mut self, low: i64, high: i64) -> i64 {
        if high <= low {
            return low;
        }
        low + self.below((high - low + 1) as u64) as i64
    }

    /// `true` with probability `p`.
    pub(crate) fn chance(&mut self, p: f64) -> bool {
        self.uniform() < p
    }

    /// Standard normal, by Box–Muller (one of the pair; the other is dropped so
    /// that no state is carried between calls).
    pub(crate) fn normal(&mut self) -> f64 {
        let u = self.uniform_open();
        let v = self.uniform();
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }

    /// Lognormal: `exp(mu + sigma * N(0, 1))`.
    pub(crate) fn lognormal(&mut self, mu: f64, sigma: f64) -> f64 {
        (mu + sigma * self.normal()).exp()
    }

    /// Exponential with the given mean.
    pub(crate) fn exponential(&mut self, mean: f64) -> f64 {
        -mean * self.uniform_open().ln()
    }

    /// Pareto with scale `minimum` and shape `alpha` (heavier tail for smaller alpha).
    pub(crate) fn pareto(&mut self, minimum: f64, alpha: f64) -> f64 {
        minimum / self.uniform_open().powf(1.0 / alpha)
    }

    /// Poisson by multiplying uniforms (Knuth); the means used here are small.
    /// Above 30 a rounded normal approximation keeps the cost bounded.
    pub(crate) fn poisson(&mut self, mean: f64) -> u32 {
        if mean <= 0.0 {
            return 0;
        }
        if mean > 30.0 {
            let x = mean + mean.sqrt() * self.normal();
            return x.round().max(0.0) as u32;
        }
        let limit = (-mean).exp();
        let mut product = self.uniform_open();
        let mut count = 0;
        while product > limit {
            product *= self.uniform_open();
            count += 1;
        }
        count
    }

    /// Index drawn with probability proportional to `weights` (all >= 0, not all 0).
    pub(crate) fn weighted(&mut self, weights: &[f64]) -> usize {
        let total: f64 = weights.iter().sum();
        let mut target = self.uniform() * total;
        for (i, w) in weights.iter().enumerate() {
            if target < *w {
                return i;
            }
            target -= w;
        }
        weights.len().saturating_sub(1)
    }
}

/// The splitmix64 step: a good 64-bit mixer, used to spread a seed into keys.
pub(crate) fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    mix64(*state)
}

/// A bijective 64-bit mixing function (the splitmix64 finaliser): distinct
/// inputs give distinct outputs, which makes it a collision-free pseudonym.
pub(crate) fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_and_stream_give_the_same_draws() {
        let mut a = Draws::new(7, 3);
        let mut b = Draws::new(7, 3);
        let mut c = Draws::new(7, 4);
        let xs: Vec<u64> = (0..16).map(|_| a.below(1000)).collect();
        let ys: Vec<u64> = (0..16).map(|_| b.below(1000)).collect();
        let zs: Vec<u64> = (0..16).map(|_| c.below(1000)).collect();
        assert_eq!(xs, ys);
        assert_ne!(xs, zs);
    }

    #[test]
    fn distributions_have_the_intended_means() {
        let mut d = Draws::new(1, 0);
        let n = 200_000;
        let normal: f64 = (0..n).map(|_| d.normal()).sum::<f64>() / n as f64;
        let poisson: f64 = (0..n).map(|_| d.poisson(2.5) as f64).sum::<f64>() / n as f64;
        let expo: f64 = (0..n).map(|_| d.exponential(3.0)).sum::<f64>() / n as f64;
        assert!(normal.abs() < 0.01, "normal mean {normal}");
        assert!((poisson - 2.5).abs() < 0.02, "poisson mean {poisson}");
        assert!((expo - 3.0).abs() < 0.03, "exponential mean {expo}");
        assert!((0..1000).all(|_| d.pareto(1.0, 2.0) >= 1.0));
    }
}

//! The samplers the analyses draw from, on the workspace's one generator family.
//!
//! Every seeded draw in `closer-analyze` — the episode chain's posterior, the calibration
//! studies' simulated logs, the series' k-means++ starts, bootstrap and VAR(1) simulations, the
//! Hawkes null test — comes from [`rng`]`(seed, stream)`: ChaCha8 (`closer_model::rng`), whose
//! output is fixed by its specification on every platform and version. The samplers are the
//! [`Draw`] methods, written once over any [`rand::Rng`], so a test can drive them from any
//! generator and the analysis cannot pick up a second family by accident.

pub use closer_model::{Rng, rng};

/// The samplers, available on every generator.
pub trait Draw: rand::Rng {
    /// Uniform on [0, 1).
    fn uniform(&mut self) -> f64 {
        closer_domain::numeric::unit_f64(self.next_u64())
    }

    /// Uniform on (0, 1]: never 0, so safe to take a logarithm of.
    fn open01(&mut self) -> f64 {
        closer_domain::numeric::open_unit_f64(self.next_u64())
    }

    /// Uniform integer in 0..n (n > 0).
    fn below(&mut self, n: usize) -> usize {
        #[allow(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "uniform() · n lies in [0, n), and is clamped to n − 1"
        )]
        let i = (self.uniform() * n as f64) as usize;
        i.min(n.saturating_sub(1))
    }

    /// Standard normal (Box–Muller; one of the pair is discarded for simplicity).
    fn normal(&mut self) -> f64 {
        let u1 = self.open01();
        let u2 = self.uniform();
        (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
    }

    /// Exponential with the given rate.
    fn exponential(&mut self, rate: f64) -> f64 {
        -self.open01().ln() / rate
    }

    /// Gamma(shape, 1) by Marsaglia and Tsang; shapes below 1 by the boost U^(1/shape).
    fn gamma(&mut self, shape: f64) -> f64 {
        if shape < 1.0 {
            let g = self.gamma(shape + 1.0);
            return g * self.open01().powf(1.0 / shape);
        }
        let d = shape - 1.0 / 3.0;
        let c = 1.0 / (9.0 * d).sqrt();
        loop {
            let x = self.normal();
            let v = 1.0 + c * x;
            if v <= 0.0 {
                continue;
            }
            let v = v * v * v;
            let u = self.open01();
            if u.ln() < 0.5 * x * x + d - d * v + d * v.ln() {
                return d * v;
            }
        }
    }

    /// A draw from Dirichlet(alpha), written into `out`.
    fn dirichlet(&mut self, alpha: &[f64], out: &mut [f64]) {
        let mut total = 0.0;
        for (o, &a) in out.iter_mut().zip(alpha) {
            // A floor keeps a row from being exactly zero, which would make a chain singular.
            *o = self.gamma(a).max(1e-300);
            total += *o;
        }
        for o in out.iter_mut() {
            *o /= total;
        }
    }

    /// An index drawn with the given (unnormalised) weights.
    fn categorical(&mut self, weights: &[f64]) -> usize {
        let total: f64 = weights.iter().sum();
        let mut u = self.uniform() * total;
        for (i, w) in weights.iter().enumerate() {
            if u < *w {
                return i;
            }
            u -= w;
        }
        weights.len().saturating_sub(1)
    }

    /// True with probability `p`.
    fn bernoulli(&mut self, p: f64) -> bool {
        self.uniform() < p
    }
}

impl<R: rand::Rng + ?Sized> Draw for R {}

#[cfg(test)]
mod tests {
    use super::*;

    /// A generator that replays fixed words: the samplers are pure functions of the bits.
    struct Replay(Vec<u64>, usize);
    impl rand::TryRng for Replay {
        type Error = std::convert::Infallible;
        fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
            #[allow(clippy::cast_possible_truncation, reason = "the low half, on purpose")]
            Ok(self.try_next_u64()? as u32)
        }
        fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
            let x = self.0[self.1 % self.0.len()];
            self.1 += 1;
            Ok(x)
        }
        fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
            for b in dst {
                #[allow(clippy::cast_possible_truncation, reason = "one byte, on purpose")]
                {
                    *b = self.try_next_u64()? as u8;
                }
            }
            Ok(())
        }
    }

    #[test]
    fn samplers_are_exact_functions_of_the_bits() {
        // Top bit set, rest clear: exactly 1/2 in [0, 1).
        let half = 1u64 << 63;
        let mut r = Replay(vec![half], 0);
        assert_eq!(r.uniform(), 0.5);
        assert_eq!(r.below(10), 5);
        assert!(r.bernoulli(0.50001) && !r.bernoulli(0.5));
        assert_eq!(r.categorical(&[1.0, 1.0, 2.0]), 2);
        // ln 2 for an exponential of rate 1 at u = 1/2 (open01 is the cell's midpoint).
        assert!((r.exponential(1.0) - std::f64::consts::LN_2).abs() < 1e-15);
        // Box–Muller with u1 = 1/2, u2 = 1/2: √(2 ln 2) · cos π.
        let z = r.normal();
        assert!(
            (z + (2.0 * std::f64::consts::LN_2).sqrt()).abs() < 1e-15,
            "{z}"
        );
        let mut zero = Replay(vec![0], 0);
        assert_eq!(zero.uniform(), 0.0);
        assert!(zero.open01() > 0.0);
        assert_eq!(zero.below(7), 0);
    }

    #[test]
    fn gamma_moments_recovered() {
        let mut r = rng(7, 0);
        for shape in [0.5, 1.0, 3.5] {
            let n = 40_000;
            let xs: Vec<f64> = (0..n).map(|_| r.gamma(shape)).collect();
            let mean = xs.iter().sum::<f64>() / n as f64;
            let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n as f64;
            // Mean and variance of Gamma(k, 1) are both k; 5 standard errors of slack.
            assert!(
                (mean - shape).abs() < 5.0 * (shape / n as f64).sqrt(),
                "{shape} {mean}"
            );
            assert!((var - shape).abs() < 0.1 * shape, "{shape} {var}");
        }
    }

    #[test]
    fn normals_have_unit_moments() {
        let mut a = rng(7, 0);
        let n = 20_000;
        let xs: Vec<f64> = (0..n).map(|_| a.normal()).collect();
        let m = xs.iter().sum::<f64>() / n as f64;
        let v = xs.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / n as f64;
        // 5 standard errors: 5/√n = 0.035 for the mean, 5·√(2/n) = 0.05 for the variance.
        assert!(m.abs() < 0.035 && (v - 1.0).abs() < 0.05, "{m} {v}");
    }

    /// Known answers through the samplers: the first uniforms of `rng(42, 0)` are its first
    /// words (pinned in `closer_model`) scaled by 2⁻⁶⁴ on 53 bits.
    #[test]
    fn uniforms_follow_the_pinned_stream() {
        let mut r = rng(42, 0);
        let words = [12_578_764_544_318_200_737u64, 17_529_487_244_874_322_312];
        for w in words {
            assert_eq!(r.uniform(), (w >> 11) as f64 / (1u64 << 53) as f64);
        }
    }
}

//! What a reader can solve from published figures: exact linear algebra
//! (Gauss–Jordan elimination) and bound propagation over counts.

/// A linear system over unknowns (hidden figures), with what each unknown
/// is (its true number of units, for deciding whether it describes anyone).
#[derive(Default)]
pub struct System {
    pub names: Vec<String>,
    pub units: Vec<u64>,
    rows: Vec<(Vec<f64>, f64)>,
}

impl System {
    pub fn unknown(&mut self, name: String, units: u64) -> usize {
        self.names.push(name);
        self.units.push(units);
        self.names.len() - 1
    }

    /// Σ coefficient × unknown = value.
    pub fn equation(&mut self, terms: &[(usize, f64)], value: f64) {
        let mut row = vec![0.0; self.names.len()];
        for &(i, c) in terms {
            row[i] += c;
        }
        self.rows.push((row, value));
    }

    /// The equations as rows of `n` coefficients.
    fn matrix(&self) -> Vec<Vec<f64>> {
        let n = self.names.len();
        self.rows
            .iter()
            .map(|(r, _)| {
                let mut r = r.clone();
                r.resize(n, 0.0);
                let scale = r.iter().fold(0.0f64, |a, x| a.max(x.abs())).max(1e-300);
                r.iter().map(|x| x / scale).collect()
            })
            .collect()
    }

    /// Whether Σ coefficient × unknown is known from the equations.
    pub fn known(&self, terms: &[(usize, f64)]) -> bool {
        let mut rows = self.matrix();
        let before = reduce(&mut rows.clone()).len();
        let mut target = vec![0.0; self.names.len()];
        for &(i, c) in terms {
            target[i] += c;
        }
        rows.push(target);
        reduce(&mut rows).len() == before
    }

    /// Unknowns that hold units and lie in the row space of the equations.
    pub fn solvable(&self) -> Vec<String> {
        let mut m = self.matrix();
        let pivots = reduce(&mut m);
        pivots
            .into_iter()
            .filter(|&(r, c)| {
                m[r].iter()
                    .enumerate()
                    .all(|(j, x)| j == c || x.abs() < 1e-9)
            })
            .filter(|&(_, c)| self.units[c] > 0)
            .map(|(_, c)| self.names[c].clone())
            .collect()
    }
}

/// Gauss–Jordan elimination with partial pivoting, in place: the reduced
/// rows and the (row, column) of every pivot.
fn reduce(m: &mut [Vec<f64>]) -> Vec<(usize, usize)> {
    let n = m.first().map_or(0, Vec::len);
    let mut pivots = Vec::new();
    let mut row = 0;
    for col in 0..n {
        let Some(p) = (row..m.len()).max_by(|&a, &b| m[a][col].abs().total_cmp(&m[b][col].abs()))
        else {
            break;
        };
        if m[p][col].abs() < 1e-9 {
            continue;
        }
        m.swap(row, p);
        let pivot = m[row][col];
        for x in m[row].iter_mut() {
            *x /= pivot;
        }
        let pivot_row = m[row].clone();
        for (r, other) in m.iter_mut().enumerate() {
            let f = other[col];
            if r != row && f != 0.0 {
                for (x, p) in other.iter_mut().zip(&pivot_row) {
                    *x -= f * p;
                }
            }
        }
        pivots.push((row, col));
        row += 1;
    }
    pivots
}

/// Bound propagation over integer counts with non-negative coefficients:
/// unknowns that hold units and are pinned to one value.
pub fn pinned(
    names: &[String],
    units: &[u64],
    bounds: &mut [(f64, f64)],
    equations: &[(Vec<(usize, f64)>, f64)],
) -> Vec<String> {
    for _ in 0..20 {
        for (terms, value) in equations {
            for &(i, c) in terms {
                let (mut lo_rest, mut hi_rest) = (0.0, 0.0);
                for &(j, d) in terms {
                    if j != i {
                        lo_rest += d * bounds[j].0;
                        hi_rest += d * bounds[j].1;
                    }
                }
                let lo = ((value - hi_rest) / c).max(bounds[i].0);
                let hi = ((value - lo_rest) / c).min(bounds[i].1);
                bounds[i] = (lo.ceil(), hi.floor());
            }
        }
    }
    (0..names.len())
        .filter(|&i| units[i] > 0 && bounds[i].0 >= bounds[i].1)
        .map(|i| names[i].clone())
        .collect()
}

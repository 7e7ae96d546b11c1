//! Small populations for the suppression audit: seeded, with many cells
//! near `min_cell`, written as a workspace of CSV files.

use tvaers::config::Config;

/// A small seeded generator (xorshift64*), so a failure names its seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// One expense row as generated: the truth the audit checks against.
pub struct Row {
    pub unit: usize,
    pub department: usize,
    pub area: usize,
    pub cost: i64,
}

/// A generated population and its `min_cell`.
pub struct Population {
    pub min_cell: u32,
    pub units: usize,
    pub departments: usize,
    pub areas: usize,
    pub rows: Vec<Row>,
    pub steps: Vec<(usize, u32, i64)>,
}

pub fn generate(seed: u64) -> Population {
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let min_cell = [3, 5][rng.below(2) as usize];
    let units = 4 + rng.below(30) as usize;
    let departments = 2 + rng.below(4) as usize;
    let areas = 2 + rng.below(4) as usize;
    let mut rows = Vec::new();
    let mut steps = Vec::new();
    for unit in 0..units {
        // Most units in one department, a few in many; areas skewed to the first.
        let spread = 1 + (rng.below(departments as u64) * rng.below(3) / 2) as usize;
        for d in 0..spread {
            let department = (unit + d * 7) % departments;
            for _ in 0..1 + rng.below(2) {
                let area =
                    (rng.below(areas as u64) * rng.below(areas as u64) / areas as u64) as usize;
                let cost = 100 + (rng.below(1000) * rng.below(1000)) as i64;
                rows.push(Row {
                    unit,
                    department,
                    area,
                    cost,
                });
            }
        }
        for (i, step) in (0..rng.below(3))
            .map(|_| 1 + rng.below(4) as i64)
            .enumerate()
        {
            steps.push((unit, 1 + i as u32, step));
        }
    }
    Population {
        min_cell,
        units,
        departments,
        areas,
        rows,
        steps,
    }
}

pub fn write(population: &Population, dir: &std::path::Path) -> Config {
    let mut toml = format!(
        "[analysis]\nfrom = \"2023-01-01\"\nto = \"2023-12-31\"\nmin_cell = {}\n\n[budget_areas]\n",
        population.min_cell
    );
    for a in 0..population.areas {
        toml.push_str(&format!("\"9{a}\" = \"Area {a}\"\n"));
    }
    toml.push_str("\n[savings]\nhorizon_years = 3\n[savings.effects]\n\"Area 0\" = 0.1\n\"Area 1\" = 0.3\ndefault = 0.05\n");
    for d in 0..population.departments {
        let mut csv = String::from("citizen,date,amount,account\n");
        for (i, r) in population
            .rows
            .iter()
            .filter(|r| r.department == d)
            .enumerate()
        {
            csv.push_str(&format!(
                "u{},2023-{:02}-01,{},9{}01\n",
                r.unit,
                1 + i % 12,
                r.cost,
                r.area
            ));
        }
        std::fs::write(dir.join(format!("d{d}.csv")), csv).unwrap();
        toml.push_str(&format!(
            "\n[[sources]]\nname = \"d{d}\"\nkind = \"expenses\"\ndepartment = \"D{d}\"\npath = \"d{d}.csv\"\n"
        ));
    }
    let mut ladder = String::from("citizen,date,step\n");
    for (unit, month, step) in &population.steps {
        ladder.push_str(&format!("u{unit},2023-{month:02}-01,{step}\n"));
    }
    std::fs::write(dir.join("ladder.csv"), ladder).unwrap();
    toml.push_str("\n[[sources]]\nname = \"ladder\"\nkind = \"ladder\"\npath = \"ladder.csv\"\n");
    std::fs::write(dir.join("tvaers.toml"), toml).unwrap();
    Config::load(&dir.join("tvaers.toml")).unwrap()
}

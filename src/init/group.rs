//! Grouping classified files into sources. Files of one kind, dialect and
//! column mapping, side by side in one folder, whose names differ only in
//! their digits (`udbetalinger_2021.csv`, `udbetalinger_2022.csv`) become one
//! source with a glob (`udbetalinger_*.csv`), as long as the glob matches
//! none of the folder's other files. A file's department is its folder's
//! name; where files of several departments lie side by side in one folder
//! (`jobcenter_udgifter_1.csv`, `skole_kontakter.csv`), or in the scanned
//! folder itself, it is the first word of the file name.

use super::names::{department_name, is_kind_word, slug};
use super::File;
use crate::schema::Kind;
use std::collections::BTreeSet;

/// One source to write: files that share everything the config says.
#[derive(Debug, Clone)]
pub struct Group {
    /// Unique source name.
    pub name: String,
    /// Department, and whether its spelling is a known department's.
    pub department: Option<(String, bool)>,
    /// Where the department came from, for the comment beside it.
    pub department_from: String,
    /// The path or glob, relative to the scanned folder, `/`-separated.
    pub pattern: String,
    /// Indexes into the classified files, in path order.
    pub files: Vec<usize>,
}

/// A file name as a glob with every run of digits as `*`, and any other
/// character a glob would read as a pattern (`[`, `?`, `*`) escaped.
fn template(stem: &str) -> String {
    let mut out = String::new();
    let mut in_digits = false;
    for c in stem.chars() {
        if c.is_ascii_digit() {
            if !in_digits {
                out.push('*');
            }
            in_digits = true;
        } else {
            out.push_str(&glob::Pattern::escape(&c.to_string()));
            in_digits = false;
        }
    }
    out
}

/// A path as a glob that matches it alone.
fn literal(path: &str) -> String {
    glob::Pattern::escape(path)
}

/// The first word of a file name (before `_`, `-`, a space or a digit).
fn first_word(stem: &str) -> &str {
    stem.split(['_', '-', ' ', '.'])
        .next()
        .unwrap_or(stem)
        .trim_end_matches(|c: char| c.is_ascii_digit())
}

/// Groups `files` (sorted by path) into sources, in a stable order:
/// department sources by department, expenses before contacts, then
/// households, ladder and enrolments.
/// `scanned` holds every file found (classified or not), relative and
/// `/`-separated: a glob that would match one outside the group is not used.
pub fn group(files: &[File], scanned: &[String]) -> Vec<Group> {
    // Folders whose files name several departments side by side.
    let mut side_by_side: BTreeSet<&str> = BTreeSet::new();
    let folders: BTreeSet<&str> = files.iter().map(|f| f.folder.as_str()).collect();
    for folder in &folders {
        let words: BTreeSet<String> = files
            .iter()
            .filter(|f| f.folder == *folder)
            .map(|f| first_word(&f.stem).to_lowercase())
            .filter(|w| !w.is_empty() && !is_kind_word(w))
            .collect();
        if folder.is_empty() || words.len() >= 2 {
            side_by_side.insert(folder);
        }
    }

    let mut groups: Vec<Group> = Vec::new();
    let mut taken = vec![false; files.len()];
    for (i, file) in files.iter().enumerate() {
        if taken[i] {
            continue;
        }
        let template = template(&file.stem);
        let same: Vec<usize> = (i..files.len())
            .filter(|&j| {
                let other = &files[j];
                !taken[j]
                    && other.folder == file.folder
                    && other.extension == file.extension
                    && template == self::template(&other.stem)
                    && other.kind == file.kind
                    && other.settings_key() == file.settings_key()
            })
            .collect();
        // The glob must not pick up any other file of the folder.
        let pattern = join(
            &literal(&file.folder),
            &format!("{template}.{}", literal(&file.extension)),
        );
        let members: Vec<&str> = same.iter().map(|&j| files[j].path.as_str()).collect();
        let glob_is_exact = scanned
            .iter()
            .all(|path| members.contains(&path.as_str()) || !matches_template(&pattern, path));
        let members = if same.len() > 1 && glob_is_exact {
            same
        } else {
            vec![i]
        };
        for &j in &members {
            taken[j] = true;
        }
        let pattern = if members.len() > 1 {
            pattern
        } else {
            literal(&file.path)
        };
        let folder_name = file.folder.rsplit('/').next().unwrap_or("");
        let flat = side_by_side.contains(file.folder.as_str());
        let (word, from) = if flat {
            (
                first_word(&file.stem).to_string(),
                "the first word of the file name",
            )
        } else {
            (folder_name.to_string(), "the folder name")
        };
        let department = (file.kind.has_department() && file.department_column().is_none())
            .then(|| department_name(&word));
        groups.push(Group {
            name: String::new(),
            department,
            department_from: format!("{from} {word:?}"),
            pattern,
            files: members,
        });
    }
    name_groups(files, &mut groups, &side_by_side);
    let rank = |g: &Group| {
        let kind = files[g.files[0]].kind;
        let order = Kind::ALL.iter().position(|k| *k == kind).unwrap_or(0);
        let department = g.department.as_ref().map(|(d, _)| slug(d));
        (!kind.has_department(), department, order, g.name.clone())
    };
    groups.sort_by_key(rank);
    groups
}

/// Names each group: a source alone in its folder after the folder; a
/// department's source after the department and the file name; any other
/// after the file name; a clash gets the folder, then a number, added.
fn name_groups(files: &[File], groups: &mut [Group], side_by_side: &BTreeSet<&str>) {
    let mut per_folder: std::collections::BTreeMap<&str, usize> = Default::default();
    for g in groups.iter() {
        *per_folder
            .entry(files[g.files[0]].folder.as_str())
            .or_default() += 1;
    }
    let mut used: BTreeSet<String> = BTreeSet::new();
    let mut names = Vec::with_capacity(groups.len());
    for g in groups.iter() {
        let file = &files[g.files[0]];
        let folder_name = file.folder.rsplit('/').next().unwrap_or("");
        let stem = if g.files.len() > 1 {
            slug(&template(&file.stem))
        } else {
            slug(&file.stem)
        };
        let alone = !file.folder.is_empty()
            && per_folder.get(file.folder.as_str()) == Some(&1)
            && !side_by_side.contains(file.folder.as_str());
        let base = if alone {
            slug(folder_name)
        } else if file.kind.has_department() && !side_by_side.contains(file.folder.as_str()) {
            let folder = slug(folder_name);
            if stem.is_empty() || stem.starts_with(&format!("{folder}-")) || stem == folder {
                folder
            } else {
                format!("{folder}-{stem}")
            }
        } else {
            stem
        };
        let base = if base.is_empty() {
            "source".to_string()
        } else {
            base
        };
        let mut name = base.clone();
        if used.contains(&name) && !folder_name.is_empty() {
            name = format!("{}-{base}", slug(folder_name));
        }
        let mut n = 2;
        while used.contains(&name) {
            name = format!("{base}-{n}");
            n += 1;
        }
        used.insert(name.clone());
        names.push(name);
    }
    for (g, name) in groups.iter_mut().zip(names) {
        g.name = name;
    }
}

/// Whether the glob `pattern` matches `path`, as the config's loader would.
fn matches_template(pattern: &str, path: &str) -> bool {
    glob::Pattern::new(pattern).is_ok_and(|p| {
        p.matches_with(
            path,
            glob::MatchOptions {
                case_sensitive: true,
                require_literal_separator: true,
                require_literal_leading_dot: false,
            },
        )
    })
}

fn join(folder: &str, name: &str) -> String {
    if folder.is_empty() {
        name.to_string()
    } else {
        format!("{folder}/{name}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_give_templates_and_first_words() {
        assert_eq!(template("udbetalinger_2021"), "udbetalinger_*");
        assert_eq!(template("jobcenter_udgifter_12"), "jobcenter_udgifter_*");
        assert_eq!(template("udgifter [2023]"), "udgifter [[]*[]]");
        assert!(matches_template(
            "a/udgifter [[]*[]].csv",
            "a/udgifter [2024].csv"
        ));
        assert!(!matches_template("a/udgifter_*.csv", "b/udgifter_1.csv"));
        assert_eq!(first_word("jobcenter_udgifter_1"), "jobcenter");
        assert_eq!(first_word("skole-kontakter"), "skole");
        assert_eq!(first_word("Sundhed kontakter"), "Sundhed");
    }
}

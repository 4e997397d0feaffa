//! Incremental analysis: a [`Project`] keeps the per-file stages' results.
//!
//! Stages 1 to 3 (discover, read/extract, parse) are per file; stages 4 to 6 (schema fold,
//! usage, rules, suppressions) are whole-program and cheap next to parsing. A `Project`
//! holds the output of stages 2 and 3 for every file, keyed by path, so an editor can
//! replace one file's text (an unsaved buffer) and only that file is extracted and parsed
//! again before the whole-program stages run over all files.
//!
//! Input: a root, the paths to check, a [`Config`] and [`Options`] (as [`crate::analyze`]).
//! Output: an [`Analysis`], the same one `analyze` returns for the same texts.
//!
//! Invariants: a file's [`FileId`] never changes while the project lives (new files get the
//! next id); files are folded in path order whatever their ids, so a migration opened
//! after loading folds in the same place as on disk; the whole-program stages borrow the
//! parsed statements and hand them back, so nothing is copied between runs.

use crate::config::Config;
use crate::discover::{self, Candidate, PathRules, Skipped};
use crate::parse::Dialect;
use crate::source::{FileId, SourceFile};
use crate::{Analysis, FileOutput, Options, DEFAULT_MAX_FILE_SIZE};
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// One file of the project: what it is and what stages 2 and 3 made of it.
struct Slot {
    candidate: Candidate,
    output: FileOutput,
}

/// A repository's files with their per-file analysis, ready to re-run cheaply.
pub struct Project {
    root: PathBuf,
    config: Config,
    options: Options,
    dialect: Dialect,
    max_size: u64,
    rules: PathRules,
    slots: Vec<Slot>,
    /// Absolute path -> index in `slots` (= the file's `FileId`).
    by_path: HashMap<PathBuf, usize>,
    /// Indexes of `slots` sorted by relative path: the order the files are folded in.
    order: Vec<usize>,
    /// What discovery did not read.
    skipped: Vec<Skipped>,
}

impl Project {
    /// Stages 1 to 3 over `paths`, from disk (relative paths are relative to `root`).
    pub fn load(root: &Path, paths: &[PathBuf], config: &Config, options: &Options) -> Project {
        let dialect = options.dialect.or(config.dialect).unwrap_or_default();
        let max_size = config.max_file_size.unwrap_or(DEFAULT_MAX_FILE_SIZE);

        // 1. Discover the files.
        let (candidates, skipped) = discover::discover(root, paths, config, dialect);

        // 2-3. Read, extract and parse every file, in parallel; results stay in path order.
        let outputs: Vec<FileOutput> = candidates
            .par_iter()
            .enumerate()
            .map(|(i, c)| crate::read_file(FileId(i as u32), c, dialect, max_size))
            .collect();
        let slots: Vec<Slot> = candidates
            .into_iter()
            .zip(outputs)
            .map(|(candidate, output)| Slot { candidate, output })
            .collect();
        let by_path = slots
            .iter()
            .enumerate()
            .map(|(i, s)| (s.candidate.abs_path.clone(), i))
            .collect();
        let order = (0..slots.len()).collect();
        Project {
            root: root.canonicalize().unwrap_or_else(|_| root.to_path_buf()),
            config: config.clone(),
            options: options.clone(),
            dialect,
            max_size,
            rules: PathRules::new(config),
            slots,
            by_path,
            order,
            skipped,
        }
    }

    /// The folder relative paths are reported against (absolute).
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The configuration the project was loaded with.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The dialect in effect.
    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    /// The id of the file at `abs_path`, if the project reads it.
    pub fn file_id(&self, abs_path: &Path) -> Option<FileId> {
        self.by_path
            .get(&normalize(abs_path))
            .map(|&i| FileId(i as u32))
    }

    /// Whether the file at `abs_path` is a migration (its DDL builds the schema).
    pub fn is_migration(&self, abs_path: &Path) -> bool {
        self.by_path
            .get(&normalize(abs_path))
            .is_some_and(|&i| self.slots[i].candidate.migration)
    }

    /// The folder holding the migrations: the folder of the last migration file in path
    /// order, where a new migration goes.
    pub fn migrations_dir(&self) -> Option<PathBuf> {
        self.order
            .iter()
            .rev()
            .map(|&i| &self.slots[i])
            .find(|s| s.candidate.migration && s.output.skipped.is_none())
            .and_then(|s| s.candidate.abs_path.parent().map(Path::to_path_buf))
    }

    /// Replace the text of the file at `abs_path` (an editor's unsaved buffer) and re-run
    /// its per-file stages. A file the project did not know is added when the config
    /// would read it. Returns whether the file is part of the project.
    pub fn set_text(&mut self, abs_path: &Path, text: String) -> bool {
        let abs = normalize(abs_path);
        let text = text
            .strip_prefix('\u{feff}')
            .map(str::to_string)
            .unwrap_or(text);
        let i = match self.by_path.get(&abs) {
            Some(&i) => i,
            None => match self.add(&abs) {
                Some(i) => i,
                None => return false,
            },
        };
        let slot = &mut self.slots[i];
        slot.output = crate::process_text(FileId(i as u32), &slot.candidate, text, self.dialect);
        true
    }

    /// Forget an unsaved buffer: read the file from disk again (a file that no longer
    /// exists is analyzed as empty).
    pub fn reload(&mut self, abs_path: &Path) {
        let abs = normalize(abs_path);
        let Some(&i) = self.by_path.get(&abs) else {
            return;
        };
        let slot = &mut self.slots[i];
        slot.output = if abs.exists() {
            crate::read_file(
                FileId(i as u32),
                &slot.candidate,
                self.dialect,
                self.max_size,
            )
        } else {
            crate::process_text(
                FileId(i as u32),
                &slot.candidate,
                String::new(),
                self.dialect,
            )
        };
    }

    /// Stages 4 to 6 over the current texts. The parsed statements are lent to the
    /// whole-program stages and taken back; the file texts are copied into the analysis.
    pub fn analyze(&mut self) -> Analysis {
        let outputs: Vec<FileOutput> = self
            .slots
            .iter_mut()
            .map(|s| FileOutput {
                source: SourceFile::new(
                    s.output.source.path.clone(),
                    s.output.source.abs_path.clone(),
                    s.output.source.text.clone(),
                ),
                statements: std::mem::take(&mut s.output.statements),
                suppressions: s.output.suppressions.clone(),
                skipped: s.output.skipped.clone(),
                schema_source: s.output.schema_source,
                query_source: s.output.query_source,
                orm: s.output.orm.clone(),
            })
            .collect();
        let (analysis, returned) = crate::whole_program(
            &self.root,
            &self.config,
            &self.options,
            outputs,
            &self.order,
            self.skipped.clone(),
        );
        for (slot, statements) in self.slots.iter_mut().zip(returned) {
            slot.output.statements = statements;
        }
        analysis
    }

    /// Stages 4 to 6, consuming the project (what [`crate::analyze`] does: no copies).
    pub fn into_analysis(self) -> Analysis {
        let outputs = self.slots.into_iter().map(|s| s.output).collect();
        crate::whole_program(
            &self.root,
            &self.config,
            &self.options,
            outputs,
            &self.order,
            self.skipped,
        )
        .0
    }

    /// Add a file that discovery did not list, when the config would read it; its id is
    /// the next free one and it takes its place in the path order.
    fn add(&mut self, abs: &Path) -> Option<usize> {
        let kind = discover::file_kind(abs)?;
        let rel_path = abs.strip_prefix(&self.root).ok()?;
        let rel = discover::relative(&self.root, abs);
        if rel_path.as_os_str().is_empty()
            || self.rules.is_down(&rel)
            || !self.rules.is_selected(&rel)
            || discover::other_dialect(abs, self.dialect).is_some()
        {
            return None;
        }
        let candidate = Candidate {
            abs_path: abs.to_path_buf(),
            migration: self.rules.is_migration(&rel),
            path: rel,
            kind,
        };
        let i = self.slots.len();
        let output = crate::process_text(FileId(i as u32), &candidate, String::new(), self.dialect);
        self.slots.push(Slot { candidate, output });
        self.by_path.insert(abs.to_path_buf(), i);
        let slots = &self.slots;
        let at = self
            .order
            .partition_point(|&j| slots[j].candidate.path < slots[i].candidate.path);
        self.order.insert(at, i);
        Some(i)
    }
}

/// The canonical form of a path, as discovery stores it; for a file that does not exist
/// yet, its canonical folder joined with its name.
fn normalize(path: &Path) -> PathBuf {
    if let Ok(p) = path.canonicalize() {
        return p;
    }
    match (path.parent(), path.file_name()) {
        (Some(dir), Some(name)) => dir
            .canonicalize()
            .map(|d| d.join(name))
            .unwrap_or_else(|_| path.to_path_buf()),
        _ => path.to_path_buf(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, rel: &str, text: &str) {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().expect("has a parent")).expect("mkdir");
        std::fs::write(p, text).expect("write");
    }

    fn rules_of(a: &Analysis) -> Vec<(String, &'static str)> {
        a.diagnostics
            .iter()
            .map(|d| (a.sources.get(d.location.file).path.clone(), d.rule))
            .collect()
    }

    #[test]
    fn edits_rerun_one_file_and_match_a_fresh_analysis() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        write(
            root,
            "migrations/001_users.sql",
            "CREATE TABLE users (id int, email text);\n",
        );
        write(
            root,
            "migrations/002_email.sql",
            "CREATE INDEX users_email ON users (email);\n",
        );
        let config = Config::default();
        let options = Options::default();
        let paths = [root.to_path_buf()];
        let mut project = Project::load(root, &paths, &config, &options);
        let first = project.analyze();
        assert_eq!(
            rules_of(&first),
            vec![(
                "migrations/002_email.sql".to_string(),
                "index-not-concurrent"
            )]
        );

        // An unsaved buffer that breaks the first migration: the index's table is no
        // longer created, and the broken statement is reported.
        let m1 = root.join("migrations/001_users.sql");
        assert!(project.set_text(&m1, "SELEC 1;\n".into()));
        let edited = rules_of(&project.analyze());
        assert!(edited.contains(&("migrations/001_users.sql".to_string(), "parse-error")));

        // The same texts on disk give the same diagnostics from scratch.
        std::fs::write(&m1, "SELEC 1;\n").expect("write");
        let fresh = crate::analyze(root, &paths, &config, &options);
        assert_eq!(edited, rules_of(&fresh));

        // A new file opened in the editor joins the project in path order.
        let m0 = root.join("migrations/000_first.sql");
        assert!(project.set_text(
            &m0,
            "-- idxlint: ignore[missing-index]\nCREATE TABLE t0 (id int);\n".into()
        ));
        let added = rules_of(&project.analyze());
        assert_eq!(
            added[0],
            ("migrations/000_first.sql".into(), "unused-suppression")
        );
        assert_eq!(
            project.migrations_dir(),
            Some(root.canonicalize().expect("canonical").join("migrations"))
        );

        // Files the config does not read are refused.
        assert!(!project.set_text(&root.join("notes.txt"), "SELEC".into()));
        assert!(!project.set_text(&root.join("migrations/1.down.sql"), "SELEC".into()));
    }
}

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
use crate::sources::{self, Role};
use crate::{Analysis, FileOutput, Options};
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
    /// Why the dialect was chosen, when it was inferred.
    dialect_reason: Option<String>,
    rules: PathRules,
    /// `schema-sources` of the config, compiled.
    overrides: Vec<(globset::GlobMatcher, Role)>,
    slots: Vec<Slot>,
    /// Absolute path -> index in `slots` (= the file's `FileId`).
    by_path: HashMap<PathBuf, usize>,
    /// Indexes of `slots` sorted by relative path (the fold order is the plan's).
    order: Vec<usize>,
    /// What discovery did not read.
    skipped: Vec<Skipped>,
}

impl Project {
    /// Stages 1 to 3 over `paths`, from disk (relative paths are relative to `root`).
    pub fn load(root: &Path, paths: &[PathBuf], config: &Config, options: &Options) -> Project {
        let configured = options.dialect.or(config.dialect);
        let mut timer = crate::timing::Timer::new();

        // 1. Discover the files.
        let (mut candidates, skipped) = discover::discover(root, paths, config);
        timer.mark("discover");

        // 2a. Read every file, in parallel, and say what it is to the schema (1b). Only the
        // texts the dialect vote reads (schema files, `.sql` files) are kept; an application
        // file is read again when it is extracted, so the whole repository's text is never
        // in memory at once.
        let overrides = sources::overrides(config);
        let rules = PathRules::new(config);
        let read: Vec<(sources::Claim, Option<Result<String, String>>)> = candidates
            .par_iter()
            .map(|c| {
                let text = crate::read_source(c, config);
                let claim = classify(c, text.as_deref().unwrap_or(""), &rules, &overrides);
                let votes = claim.role.is_migration()
                    || (claim.role == Role::Application && c.kind == discover::FileKind::Sql);
                let keep = votes || text.is_err();
                (claim, keep.then_some(text))
            })
            .collect();
        let mut texts: Vec<Option<Result<String, String>>> = Vec::with_capacity(read.len());
        for (c, (claim, text)) in candidates.iter_mut().zip(read) {
            c.claim = claim;
            c.migration = c.claim.role == Role::Migration;
            texts.push(text);
        }
        timer.mark("read+classify");

        // The dialect, inferred from the schema files when none is configured; other
        // dialects' files are not read.
        let (dialect, dialect_reason) = match configured {
            Some(d) => (d, None),
            None => {
                let (d, why) = sources::dialect::infer(
                    candidates
                        .iter()
                        .zip(&texts)
                        .filter(|(c, _)| {
                            c.claim.role.is_migration()
                                || (c.claim.role == Role::Application
                                    && c.kind == discover::FileKind::Sql)
                        })
                        .map(|(c, t)| {
                            let text = match t {
                                Some(Ok(text)) => text.as_str(),
                                _ => "",
                            };
                            (c.claim.named_dialect, text)
                        }),
                );
                (d, Some(why))
            }
        };
        for c in &mut candidates {
            ignore_other_dialect(c, dialect);
        }
        timer.mark("dialect");

        // 2b-3. Extract and parse every file, in parallel; results stay in path order.
        let outputs: Vec<FileOutput> = candidates
            .par_iter()
            .zip(texts)
            .enumerate()
            .map(|(i, (c, text))| {
                let text = text.unwrap_or_else(|| crate::read_source(c, config));
                match text {
                    Ok(text) => crate::process_text(
                        FileId(i as u32),
                        c,
                        text,
                        crate::FileStage {
                            dialect,
                            naming: &config.naming,
                            keep_trees: options.keep_trees,
                        },
                    ),
                    Err(reason) => crate::unreadable(c, reason),
                }
            })
            .collect();
        timer.mark("extract+parse");
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
        let mut options = options.clone();
        options.dialect = Some(dialect);
        Project {
            root: root.canonicalize().unwrap_or_else(|_| root.to_path_buf()),
            config: config.clone(),
            options,
            dialect,
            dialect_reason,
            rules,
            overrides,
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
        let stage = crate::FileStage {
            dialect: self.dialect,
            naming: &self.config.naming,
            keep_trees: self.options.keep_trees,
        };
        let slot = &mut self.slots[i];
        slot.candidate.claim = classify(&slot.candidate, &text, &self.rules, &self.overrides);
        ignore_other_dialect(&mut slot.candidate, self.dialect);
        slot.output = crate::process_text(FileId(i as u32), &slot.candidate, text, stage);
        true
    }

    /// Forget an unsaved buffer: read the file from disk again (a file that no longer
    /// exists is analyzed as empty).
    pub fn reload(&mut self, abs_path: &Path) {
        let abs = normalize(abs_path);
        let Some(&i) = self.by_path.get(&abs) else {
            return;
        };
        let text = if abs.exists() {
            crate::read_source(&self.slots[i].candidate, &self.config)
        } else {
            Ok(String::new())
        };
        let stage = crate::FileStage {
            dialect: self.dialect,
            naming: &self.config.naming,
            keep_trees: self.options.keep_trees,
        };
        let slot = &mut self.slots[i];
        slot.candidate.claim = classify(
            &slot.candidate,
            text.as_deref().unwrap_or(""),
            &self.rules,
            &self.overrides,
        );
        ignore_other_dialect(&mut slot.candidate, self.dialect);
        slot.output = match text {
            Ok(text) => crate::process_text(FileId(i as u32), &slot.candidate, text, stage),
            Err(reason) => crate::unreadable(&slot.candidate, reason),
        };
    }

    /// The plan of the current files: roles, fold order, what folds.
    fn plan(&self) -> sources::Plan {
        let inputs: Vec<sources::plan::Input> = self
            .slots
            .iter()
            .map(|s| sources::plan::Input {
                path: &s.candidate.path,
                kind: s.candidate.kind,
                claim: &s.candidate.claim,
                statements: &s.output.statements,
                unread: s.output.skipped.is_some(),
            })
            .collect();
        let mut plan = sources::plan(&inputs);
        plan.dialect = sources::dialect::name_of(self.dialect).to_string();
        plan.dialect_reason = self.dialect_reason.clone();
        plan
    }

    /// Stages 4 to 6 over the current texts. The parsed statements of the files that take
    /// part (schema or queries) are lent to the whole-program stages and taken back; the
    /// file texts are copied into the analysis.
    pub fn analyze(&mut self) -> Analysis {
        let mut timer = crate::timing::Timer::new();
        let plan = self.plan();
        timer.mark("plan");
        let outputs: Vec<FileOutput> = self
            .slots
            .iter_mut()
            .zip(&plan.entries)
            .map(|(s, e)| FileOutput {
                source: SourceFile::new(
                    s.output.source.path.clone(),
                    s.output.source.abs_path.clone(),
                    s.output.source.text.clone(),
                ),
                statements: if e.takes_part() {
                    std::mem::take(&mut s.output.statements)
                } else {
                    Vec::new()
                },
                suppressions: s.output.suppressions.clone(),
                skipped: s.output.skipped.clone(),
                schema_source: e.folds,
                query_source: e.queries,
                orm: s.output.orm.clone(),
            })
            .collect();
        let (mut analysis, returned) = crate::whole_program(
            &self.root,
            &self.config,
            &self.options,
            outputs,
            &plan.order,
            self.skipped.clone(),
        );
        for ((slot, statements), e) in self.slots.iter_mut().zip(returned).zip(&plan.entries) {
            if e.takes_part() {
                slot.output.statements = statements;
            }
        }
        analysis.plan = plan;
        analysis
    }

    /// Stages 4 to 6, consuming the project (what [`crate::analyze`] does: no copies).
    pub fn into_analysis(self) -> Analysis {
        let mut timer = crate::timing::Timer::new();
        let plan = self.plan();
        timer.mark("plan");
        let outputs = self
            .slots
            .into_iter()
            .zip(&plan.entries)
            .map(|(s, e)| {
                let mut out = s.output;
                if !e.takes_part() {
                    out.statements.clear();
                }
                out.schema_source = e.folds;
                out.query_source = e.queries;
                out
            })
            .collect();
        let mut analysis = crate::whole_program(
            &self.root,
            &self.config,
            &self.options,
            outputs,
            &plan.order,
            self.skipped,
        )
        .0;
        analysis.plan = plan;
        analysis
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
        {
            return None;
        }
        let mut candidate = Candidate {
            abs_path: abs.to_path_buf(),
            migration: false,
            path: rel,
            kind,
            claim: sources::Claim::default(),
        };
        candidate.claim = classify(&candidate, "", &self.rules, &self.overrides);
        ignore_other_dialect(&mut candidate, self.dialect);
        let i = self.slots.len();
        let stage = crate::FileStage {
            dialect: self.dialect,
            naming: &self.config.naming,
            keep_trees: self.options.keep_trees,
        };
        let output = crate::process_text(FileId(i as u32), &candidate, String::new(), stage);
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

/// The readers' claim on a file (see [`sources::classify`]); a file no reader claims that
/// matches a `migrations` glob of the config is a migration. Sets `c.migration`.
fn classify(
    c: &Candidate,
    text: &str,
    rules: &PathRules,
    overrides: &[(globset::GlobMatcher, Role)],
) -> sources::Claim {
    let lower = c.path.to_ascii_lowercase();
    let info = sources::FileInfo {
        path: &c.path,
        lower: &lower,
        abs: &c.abs_path,
        kind: c.kind,
        text,
    };
    let mut claim = sources::classify(&info, overrides);
    if claim.reader == "default" && claim.role == Role::Application && rules.is_migration(&c.path) {
        claim.reader = "config";
        claim.role = Role::Migration;
        claim.reason = "matches a migration glob (`migrations` in idxlint.toml)".into();
    }
    claim
}

/// A file named for another dialect than `dialect` is not read.
fn ignore_other_dialect(c: &mut Candidate, dialect: Dialect) {
    if let Some(named) = c.claim.named_dialect {
        if named != sources::dialect::name_of(dialect) {
            c.claim.role = Role::Ignored;
            c.claim.reason = format!(
                "written for {named} (the dialect is {})",
                sources::dialect::name_of(dialect)
            );
        }
    }
    c.migration = c.claim.role == Role::Migration;
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

    #[test]
    fn an_edited_file_is_classified_again_from_its_new_text() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        write(
            root,
            "migrations/00001_init.sql",
            "CREATE TABLE kites (id int, colour text);\n",
        );
        write(
            root,
            "app.py",
            "cur.execute(\"SELECT id FROM kites WHERE colour = %s\", (c,))\n",
        );
        let config = Config::default();
        let paths = [root.to_path_buf()];
        let mut project = Project::load(root, &paths, &config, &Options::default());
        let first = project.analyze();
        assert_eq!(
            rules_of(&first),
            vec![("app.py".to_string(), "missing-index")]
        );
        // The buffer becomes a goose file: its Down section (an index) is not applied.
        let m = root.join("migrations/00001_init.sql");
        assert!(project.set_text(
            &m,
            "-- +goose Up\nCREATE TABLE kites (id int, colour text);\n-- +goose Down\n\
             CREATE INDEX kites_colour ON kites (colour);\n"
                .into()
        ));
        let edited = project.analyze();
        assert_eq!(rules_of(&edited), rules_of(&first));
        let e = edited
            .plan
            .entries
            .iter()
            .find(|e| e.path == "migrations/00001_init.sql")
            .expect("listed");
        assert_eq!((e.reader, e.role), ("goose", Role::Migration));
        // Up and Down swapped: the index is applied and the query is served.
        assert!(project.set_text(
            &m,
            "-- +goose Up\nCREATE TABLE kites (id int, colour text);\n\
             CREATE INDEX kites_colour ON kites (colour);\n-- +goose Down\nDROP TABLE kites;\n"
                .into()
        ));
        assert!(rules_of(&project.analyze()).is_empty());
    }
}

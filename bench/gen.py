#!/usr/bin/env python3
"""Generate a synthetic monorepo for benchmarking idxlint (Python 3 standard library only).

Usage: gen.py OUT_DIR [--files 20000] [--migrations 2000] [--sql-fraction 0.2] [--seed 1]
       gen.py OUT_DIR --big-migration-mb 50   (one migration of that size, nothing else)

Writes OUT_DIR/services/<svc>/<lang files> (Python, TypeScript, Go, Java, Ruby, Rust), a
fraction of which hold SQL strings querying the generated tables, and
OUT_DIR/db/migrations/NNNNN_<name>.sql creating tables and indexes. Output is deterministic
for a given seed.
"""

import argparse
import os
import random

LANGS = ["py", "ts", "go", "java", "rb", "rs"]

FILLER = {
    "py": "def helper_{i}(x, y):\n    total = 0\n    for k in range(x):\n        total += k * y\n    return total\n\n",
    "ts": "export function helper{i}(x: number, y: number): number {{\n  let total = 0;\n  for (let k = 0; k < x; k++) {{ total += k * y; }}\n  return total;\n}}\n\n",
    "go": "func helper{i}(x int, y int) int {{\n\ttotal := 0\n\tfor k := 0; k < x; k++ {{\n\t\ttotal += k * y\n\t}}\n\treturn total\n}}\n\n",
    "java": "    static int helper{i}(int x, int y) {{\n        int total = 0;\n        for (int k = 0; k < x; k++) {{ total += k * y; }}\n        return total;\n    }}\n\n",
    "rb": "  def helper_{i}(x, y)\n    total = 0\n    x.times {{ |k| total += k * y }}\n    total\n  end\n\n",
    "rs": "fn helper_{i}(x: i64, y: i64) -> i64 {{\n    let mut total = 0;\n    for k in 0..x {{ total += k * y; }}\n    total\n}}\n\n",
}

QUERY = {
    "py": 'def query_{i}(cur, v):\n    cur.execute("{sql}", (v,))\n    return cur.fetchall()\n\n',
    "ts": "export async function query{i}(db: Db, v: number) {{\n  return db.query(`{sql}`, [v]);\n}}\n\n",
    "go": "func query{i}(db *sql.DB, v int) (*sql.Rows, error) {{\n\treturn db.Query(`{sql}`, v)\n}}\n\n",
    "java": '    static ResultSet query{i}(Connection c, int v) throws SQLException {{\n        PreparedStatement ps = c.prepareStatement("{sql}");\n        ps.setInt(1, v);\n        return ps.executeQuery();\n    }}\n\n',
    "rb": '  def query_{i}(conn, v)\n    conn.exec_params("{sql}", [v])\n  end\n\n',
    "rs": 'fn query_{i}(c: &mut Client, v: i64) -> Vec<Row> {{\n    c.query("{sql}", &[&v]).unwrap_or_default()\n}}\n\n',
}

HEADER = {
    "py": "import os\nimport sys\n\n",
    "ts": "import {{ Db }} from '../db';\n\n",
    "go": "package svc{svc}\n\nimport \"database/sql\"\n\n",
    "java": "package svc{svc};\n\nimport java.sql.*;\n\npublic class Mod{i} {{\n",
    "rb": "class Mod{i}\n",
    "rs": "use postgres::{{Client, Row}};\n\n",
}

FOOTER = {"py": "", "ts": "", "go": "", "java": "}\n", "rb": "end\n", "rs": ""}

PLACEHOLDER = {"py": "%s", "ts": "$1", "go": "$1", "java": "?", "rb": "$1", "rs": "$1"}


def table_name(t):
    return f"t{t:05d}"


def migration(t, rng):
    name = table_name(t)
    cols = [f"c{k}" for k in range(rng.randint(3, 8))]
    lines = [f"CREATE TABLE {name} (", "    id bigint PRIMARY KEY,"]
    lines += [f"    {c} integer NOT NULL," for c in cols]
    lines.append("    created_at timestamptz NOT NULL DEFAULT now()")
    lines.append(");")
    lines.append("")
    for k in range(rng.randint(0, 3)):
        c = rng.choice(cols)
        lines.append(f"CREATE INDEX {name}_{c}_{k} ON {name} ({c}, created_at);")
    if rng.random() < 0.3:
        lines.append(f"ALTER TABLE {name} ADD COLUMN note text;")
    return "\n".join(lines) + "\n", cols


def query(tables, rng, ph):
    t, cols = rng.choice(tables)
    c = rng.choice(cols)
    shape = rng.randint(0, 2)
    if shape == 0:
        return f"SELECT id, {c} FROM {table_name(t)} WHERE {c} = {ph}"
    if shape == 1:
        return f"SELECT * FROM {table_name(t)} WHERE {c} = {ph} ORDER BY created_at DESC LIMIT 20"
    return f"UPDATE {table_name(t)} SET {rng.choice(cols)} = 0 WHERE {c} = {ph}"


def big_migration(out, mb, rng):
    """One migration of about `mb` megabytes: tables, indexes, seed rows and data fixes,
    the shape of a squashed migration history or a `structure.sql` with data."""
    mig_dir = os.path.join(out, "db", "migrations")
    os.makedirs(mig_dir, exist_ok=True)
    path = os.path.join(mig_dir, "00001_squashed.sql")
    limit = int(mb * 1e6)
    written = 0
    t = 0
    with open(path, "w") as f:
        while written < limit:
            text, cols = migration(t, rng)
            rows = ",\n".join(
                "    (" + ", ".join([str(r)] + [str(rng.randint(0, 999)) for _ in cols]) + ")"
                for r in range(rng.randint(5, 40))
            )
            text += f"INSERT INTO {table_name(t)} (id, {', '.join(cols)}) VALUES\n{rows};\n"
            text += f"UPDATE {table_name(t)} SET {cols[0]} = {cols[0]} + 1 WHERE id > 3;\n\n"
            f.write(text)
            written += len(text)
            t += 1
    print(f"generated one migration of {written / 1e6:.1f} MB ({t} tables) in {path}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--files", type=int, default=20000)
    ap.add_argument("--migrations", type=int, default=2000)
    ap.add_argument("--sql-fraction", type=float, default=0.2)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--big-migration-mb", type=float, default=0)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    if args.big_migration_mb > 0:
        big_migration(args.out, args.big_migration_mb, rng)
        return

    mig_dir = os.path.join(args.out, "db", "migrations")
    os.makedirs(mig_dir, exist_ok=True)
    tables = []
    for t in range(args.migrations):
        text, cols = migration(t, rng)
        tables.append((t, cols))
        with open(os.path.join(mig_dir, f"{t:05d}_create_{table_name(t)}.sql"), "w") as f:
            f.write(text)

    total_bytes = 0
    for i in range(args.files):
        lang = LANGS[i % len(LANGS)]
        svc = i // 200
        d = os.path.join(args.out, "services", f"svc{svc:03d}", lang)
        os.makedirs(d, exist_ok=True)
        parts = [HEADER[lang].format(svc=svc, i=i)]
        for k in range(rng.randint(5, 30)):
            parts.append(FILLER[lang].format(i=k))
        if rng.random() < args.sql_fraction:
            for k in range(rng.randint(1, 4)):
                sql = query(tables, rng, PLACEHOLDER[lang])
                parts.append(QUERY[lang].format(i=k, sql=sql))
        parts.append(FOOTER[lang])
        text = "".join(parts)
        total_bytes += len(text)
        ext = lang
        with open(os.path.join(d, f"mod{i:05d}.{ext}"), "w") as f:
            f.write(text)
    print(f"generated {args.files} source files ({total_bytes / 1e6:.1f} MB) and "
          f"{args.migrations} migrations in {args.out}")


if __name__ == "__main__":
    main()

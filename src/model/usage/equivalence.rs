//! Equivalence classes of join keys: equalities carried across joins, as the planner does.
//!
//! Input: the [`TableAccess`]es of one query, with their filters and join keys. Output: the
//! same accesses, where a column joined to another (`b.tenant = a.tenant`) also carries the
//! other's constant equalities (`a.tenant = $1` gives `b.tenant = $1`). PostgreSQL derives
//! these from its equivalence classes (`src/backend/optimizer/README`, "EquivalenceClasses")
//! and uses them as index conditions on either side.
//!
//! Invariants: only `=` and single-value `IN` are carried (a multi-value `IN` is not an
//! equivalence); a filter is never added twice; the work is bounded by the number of
//! accesses times their join keys (one pass per access, at most `accesses.len()` passes).

use super::{Filter, FilterOp, TableAccess};
use crate::model::schema::KeyExpr;

/// Carry constant equalities across join keys until nothing changes.
pub fn propagate(accesses: &mut [TableAccess]) {
    for _ in 0..accesses.len() {
        let mut added = false;
        for i in 0..accesses.len() {
            let keys = accesses[i].join_keys.clone();
            for j in keys {
                let Some(partner) = accesses.get(j.partner) else {
                    continue;
                };
                let theirs = &j.partner_column;
                let carried: Vec<Filter> = partner
                    .filters
                    .iter()
                    .filter(|f| matches!(&f.target, KeyExpr::Column(c) if c == theirs))
                    .filter(|f| matches!(f.op, FilterOp::Eq(_)))
                    .map(|f| {
                        let value = match &f.op {
                            FilterOp::Eq(Some(v)) => v.clone(),
                            _ => "?".to_string(),
                        };
                        Filter {
                            target: KeyExpr::Column(j.column.clone()),
                            op: f.op.clone(),
                            text: format!("{} = {value}", j.column),
                        }
                    })
                    .collect();
                let own = &mut accesses[i].filters;
                for f in carried {
                    let dup = own.iter().any(|o| o.target == f.target && o.op == f.op);
                    if !dup {
                        own.push(f);
                        added = true;
                    }
                }
            }
        }
        if !added {
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::usage::JoinKey;

    #[test]
    fn equalities_follow_join_keys_transitively() {
        let mut a = TableAccess::new("a".into());
        let mut b = TableAccess::new("b".into());
        let mut c = TableAccess::new("c".into());
        a.filters.push(Filter {
            target: KeyExpr::Column("tenant".into()),
            op: FilterOp::Eq(None),
            text: "tenant = $1".into(),
        });
        let join = |column: &str, partner: usize, partner_column: &str| JoinKey {
            column: column.into(),
            partner,
            partner_column: partner_column.into(),
        };
        a.join_keys.push(join("tenant", 1, "tenant_id"));
        b.join_keys.push(join("tenant_id", 0, "tenant"));
        b.join_keys.push(join("id", 2, "b_id"));
        b.join_keys.push(join("tenant_id", 2, "tenant_id"));
        c.join_keys.push(join("b_id", 1, "id"));
        c.join_keys.push(join("tenant_id", 1, "tenant_id"));
        let mut all = vec![a, b, c];
        propagate(&mut all);
        let on =
            |i: usize| -> Vec<String> { all[i].filters.iter().map(|f| f.text.clone()).collect() };
        assert_eq!(on(1), vec!["tenant_id = ?"]);
        assert_eq!(
            on(2),
            vec!["tenant_id = ?"],
            "through b, on the paired column only"
        );
        propagate(&mut all);
        assert_eq!(all[2].filters.len(), 1, "never twice");
    }
}

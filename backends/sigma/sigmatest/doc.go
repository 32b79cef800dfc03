// Package sigmatest checks Sigma rules the way a Sigma user's tools would,
// without eqlx's IR: it reads emitted YAML, validates it against the Sigma
// JSON schemas and SigmaHQ's conventions, and evaluates it on events with
// an evaluator written from the Sigma specification v2.1
// (../shared/notes/sigma-spec/): search identifiers (maps are AND, lists
// OR), value modifiers (contains, startswith, endswith, all, cased, re with
// i/m/s, exists, cidr, gt/gte/lt/lte), wildcards and escapes, null, the
// condition grammar (and, or, not, parentheses, `1 of` / `all of` patterns
// and `them`), and temporal_ordered correlations.
//
// It is test support: nothing in eqlx's build imports it. Events are flat
// maps from field name to value; a value may be a list (a field item
// matches when any element does: the semantics of Elasticsearch, which the
// spec leaves open).
package sigmatest

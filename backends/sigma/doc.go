// Package sigma turns eqlx IR into Sigma rules (specification v2.1) written
// the way SigmaHQ writes them: fixed key order, four-space indentation,
// single-quoted values, named selections and filters with a readable
// condition, and sequences as temporal_ordered correlation rules.
//
// What the backend keeps, per IR node (see ../../ir/doc.go for the EQL side):
//
//   - And, Or, Not: maps (AND), separate selections joined in the condition,
//     `not`. A query predicate on a plain field is two-valued in both EQL and
//     Sigma, so `not` is exact. A function predicate (startsWith, cidrMatch,
//     ...) is null in EQL on a missing field; under negation it gets a
//     `|exists: true` guard so that a missing field still does not match.
//   - In: the values, escaped (`\` as `\\`, literal `*` and `?` as `\*` and
//     `\?`); case-sensitive EQL (`==`, `in`) adds `|cased` when a value has
//     letters; `in~` is Sigma's default.
//   - Match: wildcard patterns keep `*` and `?`; `*x*`, `x*` and `*x` become
//     `|contains`, `|startswith` and `|endswith`. Regular expressions become
//     `|re` anchored as `^...$` (Sigma's `re` matches a substring), with
//     `|i` for `regex~` and `|s` when the pattern has a `.` (Lucene's `.`
//     matches a newline).
//   - IsNull: `field: null`; Compare with a number: `|gt` `|gte` `|lt` `|lte`.
//   - startsWith, endsWith, stringContains, cidrMatch on a field: the modifier
//     of the same name. Other functions, arithmetic and field-to-field
//     comparisons have no Sigma form: the rule is unsupported.
//
// Fields: in Taxonomy mode (the default) ECS names map to the Sigma taxonomy
// (process.executable -> Image, ...; see DefaultFieldMap). process.name and
// process.args have no exact counterpart and are approximated
// (`Image|endswith: '/name'`, `CommandLine|contains`), which the report says.
// Fields with no taxonomy name keep their ECS name and are reported as a
// warning. In ECS mode every field keeps its ECS name and the rule carries
// `taxonomy: ecs`.
//
// Logsource: `product` comes from a top-level `host.os.type == "..."` (or the
// rule's "OS: ..." tag), `category` from the event category (process ->
// process_creation, file -> file_event, network -> network_connection, ...).
// In Taxonomy mode the top-level event.type / event.action tests that the
// category already implies (a process start: type start, action exec) are
// folded into the logsource; tests it does not imply (fork events, every
// process event) make the rule approximate.
//
// Report codes (stable): approximate: sigma/approx-basename,
// sigma/approx-element, sigma/approx-logsource, sigma/approx-fork,
// sigma/approx-regex-operator, sigma/approx-pipe, sigma/approx-timespan,
// sigma/approx-key, sigma/approx-no-keys; unsupported:
// sigma/unsupported-computed, sigma/unsupported-compare,
// sigma/unsupported-function, sigma/unsupported-expression,
// sigma/unsupported-empty, sigma/unsupported-sample, sigma/unsupported-until,
// sigma/unsupported-missing-event, sigma/unsupported-runs,
// sigma/unsupported-sequence, sigma/unsupported-keys, sigma/strict;
// warnings: sigma/non-taxonomy-field, sigma/cased, sigma/escaped-wildcard,
// sigma/attack-remap.
//
// Status comes from the detection-rules maturity: production -> test,
// development and anything else -> experimental, deprecated -> deprecated.
package sigma

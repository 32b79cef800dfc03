// Package frontend turns rule files into normalised IR: it is the facade the
// CLI and the tests call (Compile, CompileFiles).
//
// It reads four kinds of input:
//
//   - detection-rules TOML ([metadata] and [rule] tables, as in
//     elastic/detection-rules), one rule per file;
//   - Kibana rule exports (NDJSON, one rule object per line; a .json file
//     holding one pretty-printed rule object, or an array of them, also works);
//   - raw .eql files and stdin, where the whole text is one query and the
//     metadata comes from Options;
//   - any of those on stdin (named "-"), told apart by their content.
//
// Each rule's query goes to frontend/eql (parse and lower) and then to
// ir/pass (normalise). Positions always point into the file as the user named
// it: a TOML query starts several lines down its file, and a query inside a
// JSON string is unescaped with an offset map so that a diagnostic still
// names the file's line and column.
//
// One broken rule never stops the others: it becomes a Failure, with
// positioned diagnostics, and the next rule is read. Rules in languages other
// than EQL (kuery, esql, lucene, machine_learning rules with no language) are
// Skipped and counted, never errors.
package frontend

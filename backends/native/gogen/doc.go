// Package gogen writes eqlx rules as a self-contained Go package: `eqlx
// convert --to go`. Teams that embed detections in their own Go agents get
// plain, reviewable Go code with no interpreter and no eqlx at run time.
//
// # Use
//
//	files, report := gogen.Generate(rules, gogen.Options{Package: "detections", Version: "v0.3.0"})
//
// The package written holds three files, each marked `// Code generated ...
// DO NOT EDIT.` and gofmt-clean, importing the standard library only:
//
//   - doc.go: the package doc, naming the eqlx version and every rule given
//     (and why a rule was not generated);
//   - rules.go: the API (Rule, Rules, Alert, Matcher, NewMatcher, Match,
//     Flush), one condition function per rule and per sequence stage with
//     the rule's EQL in its doc comment, one function per distinct
//     predicate (memoized per event when several conditions share it), the
//     sequence and sample plans, the field trie of exactly the fields the
//     rules read, and the extractor's object readers generated for exactly
//     those fields: one function per object on a referenced path, matching
//     its keys with a switch on the referenced names and skipping every
//     other value unread (escaped and dotted keys, and values of
//     unexpected types, take the runtime's generic paths, so the readers
//     read exactly what a generic trie walk reads); an unread object or
//     array whose bytes are those of the one skipped under the same key
//     before (agent, cloud, ecs repeat from event to event) is passed
//     over with one comparison; like patterns whose only wildcard is '*'
//     are folded to prefix, suffix and substring tests;
//   - runtime.go: the run-time support, copied from package genrt: the
//     extractor over raw JSON bytes (nested objects and dotted keys alike,
//     arrays flattened, strings unescaped, buffers reused: no allocation
//     per event for event queries), case folding, wildcards, typed range
//     predicates and the sequence and sample state machines.
//
// # Semantics
//
// The generated code reproduces the native evaluator (package
// backends/native), which is the reference: a predicate on a plain field is
// false on a missing field, null or [], true when any element of an array
// satisfies it, and `not` flips it; the ECS catalogue decides how values of
// other JSON types compare (keyword fields see numbers as their text,
// numeric fields read numeric strings, ip fields compare addresses, date
// fields instants); `:`, `in~`, `like~` and `regex~` fold case with
// Unicode simple folding; wildcards are linear-time; regexes are Lucene
// translated to RE2 and anchored. startsWith, endsWith and stringContains
// of a field and a string, and cidrMatch of a field and networks, are
// queries in Elasticsearch (ir.IsQueryCall) and are generated as
// predicates too: false on an absent field, which is what `not` of them
// needs (must_not). Because every generated predicate is on a plain field,
// conditions are two-valued and compile to Go's && || !, with the terms of
// each and/or ordered cheapest first, as the evaluator does.
//
// What is not generated is reported, never dropped: a rule whose condition
// uses any other function call or arithmetic (a three-valued script
// predicate), a null constant as a condition, a computed join key, or a
// regex RE2 cannot express is Unsupported in the Report, with the reason
// and position, and listed as such in the package doc.
package gogen

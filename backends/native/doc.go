// Package native evaluates eqlx rules over ECS events with the semantics of
// Elasticsearch EQL. It is the reference every other backend is judged
// against (golden/corpus), so each rule below is pinned by a table test
// (semantics_test.go, seq_test.go) and by a differential test against a
// plain tree-walking evaluator (oracle_test.go).
//
// # Use
//
//	prog, diags := native.Compile(rules, native.Options{MaxState: 100000})
//	eng := prog.NewEngine()            // one per stream / goroutine
//	err := eng.Run(r, emit, bad)       // NDJSON, gzip detected, then Flush
//
// Compile plans once: field paths become slot numbers, `in` lists hash sets
// (case-folded for `in~`), wildcard lists a set of exact strings, sorted
// prefix and suffix tables and linear-time matchers, regexes RE2 programs;
// the terms of every `and`/`or` are ordered cheapest first. Leaves, and
// and/or/not clauses built of leaves, that several rules share are
// evaluated once per event. The event rules are planned together: a
// conjunct that several of them require (the category, `event.type ==
// "start"`, `host.os.type == "linux"`) is tested once, ahead of all of
// them, and rules them all out when it does not hold. Rule indexes on the
// fields whose listed values tell rules apart (process.name) skip, per
// event, the rules whose required values the field does not hold. A
// Program is immutable and safe for concurrent use; an Engine holds one
// stream's state (pending sequences, samples, pipes) and its scratch
// buffers.
//
// Events are read from the raw JSON bytes: only the referenced fields are
// extracted, through a trie of their paths; nested objects and dotted keys
// ({"process":{"name":"nc"}} and {"process.name":"nc"}) alike; arrays (and
// arrays of objects) are flattened into a field's list of values, as
// Elasticsearch indexes them. Each line is first classified 64 bytes at a
// time (quotes, backslashes, brackets outside strings; SSE2 or AVX2 on
// amd64), so that the end of a string or of an unread value is found by
// counting bits rather than by reading bytes. The members of an object
// that no rule reads are passed by a loop without calls (skipKeys, whose
// steps for unread members are in assembly on amd64: passMembers), which
// takes the fields' plain strings on its way; object reads the rest in
// full. Values nested inside fields that no rule reads are skipped by
// bracket and string structure only, so a syntax error deep inside an
// unread object may go unreported. Strings point into the line, or into a
// reused arena when they hold escapes; an event query allocates nothing
// per event in steady state.
//
// # Query predicates and script predicates
//
// A predicate (in, ==, :, like, regex, == null, <, ...) whose subject is a
// plain field is a query predicate, as Elasticsearch compiles it to Query
// DSL (notes/eql.md §4.3):
//   - on a missing field, JSON null or [] it is false, never null;
//   - on an array it is true when any element satisfies it;
//   - `not` flips it: `f != "x"` (Not{In}) is true on a missing field and,
//     on an array, true only when no element equals "x" (bool.must_not);
//   - `f == null` is true for missing, null and []; "" is a value.
//
// A predicate over a computed subject (a function call or arithmetic) is a
// script predicate: null in gives null out, `and`/`or` use Kleene logic,
// and so does a `not` of a script predicate: `not length(f) > 1` does not
// match when f is missing. Any other `not` is Elasticsearch's must_not, true
// unless its operand is true: `not (length(f) > 1 or g == "y")` matches an
// event with neither, and so does `not startsWith(f, "x")`, since
// startsWith, endsWith, stringContains and cidrMatch of a field and
// literals run as queries (ir.IsScript, ir.IsQueryCall). A rule matches
// only when its condition is true. Over multi-valued fields a
// script predicate is tried for each element (each combination, up to
// 4096, when it reads several fields): true when one makes it true, else
// null when one makes it null, else false.
//
// # Strings
//
// `==`, `in`, `like` and `regex` are case-sensitive; `:`, `in~`, `like~`,
// `regex~` and the `~` functions fold case with Unicode simple folding (so
// "K", "k" and the Kelvin sign are equal). Wildcards: `*` any run of
// characters, `?` exactly one character (rune); there is no escape (a
// backslash is literal); the whole value must match. Matching is linear in
// the value's length for each `*`-separated segment: segments are placed
// at their leftmost match, so `*a*a*a*b` cannot blow up. Wildcards and
// regexes apply to string values only; a number or boolean never matches.
//
// Regexes are Lucene regular expressions (Elasticsearch's regexp query),
// translated to RE2 where the meaning is the same: anchored to the whole
// value; `.` matches any character including a newline; `^` and `$` are
// literal characters (Lucene has no anchors); `"..."` is a literal string;
// `\c` is a literal c except the classes \d \D \s \S \w \W. The operators of
// Lucene's optional syntax (`@ & ~ < > #`, intervals `<1-5>`) have no RE2
// equivalent; a pattern that uses them unescaped is a Compile error
// (native/regex) at the Match's span, naming the pattern and the offset.
//
// # Types
//
// As ir's contract says ("Types"), the ECS catalogue (ir/ecs) decides how
// values of different JSON types compare, and the JSON types decide for
// fields it does not know:
//   - integers and floats compare as numbers (12 == 12.0);
//   - unknown field: a string never equals a number, "12" is not 12;
//   - keyword-like field: a number, in the event or in the rule, stands for
//     its decimal text, as Elasticsearch indexes and queries a keyword
//     (`event.code == 4624` matches "4624" and 4624, but not 4624.0, whose
//     text is "4624.0"); ordering compares the texts;
//   - numeric field: a string holding a number is that number (indexing
//     coerces it): `process.pid == 12` matches "12";
//   - date field: `<`, `>` ... compare instants (RFC 3339 strings, or epoch
//     milliseconds) with a string constant read as a date (`==`/`in` on a
//     date field still compare the texts);
//   - ip field: compared by address value: "::1" equals "0:0:0:0:0:0:0:1",
//     "::ffff:10.0.0.1" equals "10.0.0.1"; an IP is not a string, so a
//     wildcard or regex never matches it;
//   - booleans equal only booleans (true is not "true");
//   - ordering otherwise compares numbers with numbers and strings with
//     strings by code point; mixed types are false.
//
// Arithmetic is Java's: int op int stays int, `/` truncates toward zero,
// `%` takes the dividend's sign; integer division by zero is null
// (Elasticsearch fails the query). Functions follow the Elasticsearch
// function reference (notes/eql.md §4.2): every function is null on a null
// argument, stringContains(x, "") is false, between() with a missing
// delimiter is "", indexOf with a start past the end is null, substring
// takes Python-style negative offsets, number() reads 0x prefixes;
// length() counts UTF-16 code units as Java does, while indexOf and
// substring count characters (runes; they differ from Java only outside the
// Basic Multilingual Plane).
//
// # Categories
//
// `any where` matches every event; `process where` needs the category field
// (event.category, or the rule's event_category_override) to hold
// "process" exactly (case-sensitive), as one of its elements.
//
// # Sequences and samples
//
// Sequences follow Elasticsearch's state machine (notes/eql.md §4.1, §4.5):
//   - each stage keeps at most one pending sequence per join key; a newer
//     one overwrites the older (`[a][b]` over a1 a2 b1 gives a2,b1);
//   - stages are tried last to first, so one event never fills two stages
//     of the same sequence but may start one and advance another; `with
//     runs=N` is N copies of the stage, so four events of `[a] with runs=3`
//     give (1,2,3) and (2,3,4);
//   - join keys are the sequence's `by` then the stage's `by`; a missing or
//     null key never joins unless the key field is optional (`?field`); a
//     multi-valued key joins on all its values in order;
//   - `with maxspan` bounds the time from the first event's @timestamp to
//     the last, inclusive; events without a readable @timestamp are skipped
//     by such sequences (counted in Stats.NoTimestamp);
//   - `until [q]` drops every pending sequence of the key of an event that
//     matches q; it does not affect completed sequences;
//   - missing events `![q]` (which need maxspan): between two stages, a q
//     event with the same keys kills the pending sequence; a trailing `![q]`
//     makes a completed sequence wait until its window (first + maxspan)
//     closes, by event time or at the end of the stream (Flush), and a q
//     event inside the window kills it; a leading `![q]` rejects a
//     sequence when a q event with its keys occurred at or after
//     last - maxspan, before the first stage's event. A missing stage puts
//     the placeholder {"missing":true} (MissingEvent, number -1) in the
//     match, as Elasticsearch does;
//   - samples are unordered: per key, the first event matching each filter
//     fills its slot (one event fills one slot, the first empty one in
//     filter order); a full group is emitted in filter order; like
//     Elasticsearch's default max_samples_per_key, a key yields one sample.
//
// Events are taken in stream order; nothing is re-sorted. An out-of-order
// event joins a pending sequence when its @timestamp minus the first
// event's is at most maxspan (a negative difference always passes);
// windows close on the largest @timestamp seen so far. Elasticsearch
// sorts by @timestamp first, so feed time-ordered streams for identical
// results.
//
// State is bounded: pending sequences expire when their window closes, and
// each rule keeps at most Options.MaxState pending sequences (or incomplete
// sample groups); when full, the oldest is dropped and counted in
// Stats.Dropped. `| head N` emits a rule's first N matches; `| tail N`
// keeps the last N and emits them at Flush.
//
// # Known differences from Elasticsearch
//
// Keyword values longer than a mapping's ignore_above are indexed nowhere in
// Elasticsearch and so never match; here they do. Text fields are compared
// as keywords. Sample has no window here: its state is bounded by MaxState
// only. endsWith and stringContains test their literal as a literal, where
// Elasticsearch's wildcard query would read a `*`, `?` or `\` in it as
// wildcard syntax (see ir's "Known differences").
package native

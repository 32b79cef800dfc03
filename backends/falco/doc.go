// Package falco translates eqlx rules (ir.Rule) into Falco rules: one
// `- rule:` per EQL event query, in one rules file (RulesFile) with a
// required_engine_version computed from the checks used, and a per-rule
// report of fidelity (ir.Report, backend "falco").
//
// Facts about Falco that the translation relies on are recorded, with
// what was verified on which engine, in ../shared/notes/falco.md; section
// numbers below refer to it.
//
// # Two renderings
//
// Current (the default) targets current Falco (>= 0.42, engine 0.57.0):
// conditions carry no evt.dir, case-insensitive tests use tolower(),
// icontains and iglob, and the newer fields (proc.pexepath, proc.aargs[1],
// proc.is_sid_leader, container.full_id, ...) are used where the ECS field
// needs them. A file that tests container.* declares the container plugin
// (Falco >= 0.41 takes those fields from it).
//
// Portable is accepted both by current Falco (and Falco >= 0.32) and by
// the legacy filter compiler of sysdig 0.29.3, the engine the tests run:
// every and/or group below the top is parenthesised, `=` only, never
// `intersects`, `not not`, regex, iglob or transformers, only fields that
// sysdig 0.29.3 knows (a rule that needs another is unsupported), and
// process starts are `evt.dir = <` so that enter events, which still
// describe the calling image, never match.
//
// Convert's Condition is standalone in both: no macro or list references.
//
// # What is kept
//
//   - Event kinds: event.type, event.action, event.category and
//     host.os.type are evaluated against the ECS events eqlx knows: exec
//     (Falco execve, execveat), fork (the child's return from clone,
//     clone3, fork, vfork: evt.rawres = 0; approximate), process exit
//     (procexit), file creation (an open that created the file:
//     evt.is_open_create, or in Portable an open with O_CREAT;
//     approximate) and file change (an open for writing; approximate),
//     plus file deletion, file rename and network events, which have no
//     translation. The kinds a rule can match become its evt.type checks;
//     a rule that can also match an untranslated kind is approximate
//     (falco/approx-event-kinds), one that matches only those unsupported.
//     host.os.type == "linux" is always true and disappears; a rule only
//     for another system is unsupported. Within a kind, file.path,
//     file.name and file.directory are fd.name, fd.filename and
//     fd.directory; the process fields are those of the process making the
//     call.
//   - Fields (DefaultFieldMap, Rows): process.name is the comm proc.name,
//     process.executable proc.exepath, process.command_line proc.exeline
//     (or proc.exe when there are no arguments: proc.exeline then ends in
//     a blank), process.working_directory proc.cwd with its trailing "/",
//     process.parent.* proc.p*, user and group ids and names,
//     container.id != host for a present container.id, container.image.name
//     container.image (repository:tag, as Elastic's Falco integration
//     maps it). LoadFieldMap merges a YAML file over the defaults.
//   - Case: `==` and `in` stay case-sensitive (`=`, `in`). `:`, `like~`,
//     `in~` fold ASCII letters: tolower(f) = / in, icontains, iglob
//     (Current) or per-letter classes such as [nN][cC] (Portable).
//   - Wildcards: `*x*`, `x*`, `*x` become contains / startswith / endswith;
//     other patterns become fnmatch globs, whose literal `*`, `?`, `[` and
//     `\` are written as the classes [*] [?] [[] [\\].
//   - Missing fields: a Falco check on a field that cannot be extracted is
//     false, and `not check` true (§4.2), which is the EQL contract for
//     query predicates: `f != v` is written `not f = v`, never `f != v`.
//   - Strings are always double-quoted with `\\` and `\"` (§4.4). A value
//     that a dialect cannot hold as a literal (a trailing backslash in
//     both; `'` and control characters in Portable; other control
//     characters in Current) is matched by a glob, where a backslash is
//     the class [\\] and any other such byte is `?` (approximate). No
//     value can end a literal early or change the condition.
//   - Numbers: pid, ppid, uid, gid fields compare as numbers; ECS ids held
//     as strings ("0") are read as numbers.
//
// # What is lost (reported per rule)
//
//   - Unsupported: sequences, until, samples, pipes; regex (Lucene
//     patterns are not translated); functions other than startsWith,
//     endsWith and stringContains on a field; field-to-field comparisons;
//     fields the map does not know (the reason names the field and its
//     file:line:col); event categories other than process and file.
//   - Approximate, with a reason code each: process.args and
//     process.parent.args (falco/approx-argv: proc.args joins argv[1..]
//     with spaces, so element boundaries are lost, §6.1); process.name and
//     the other comm fields for values of 15 bytes or more
//     (falco/approx-comm); process.interactive as proc.tty != 0
//     (falco/approx-tty); entry leaders (falco/approx-entry-leader);
//     process.parent.command_line as proc.pcmdline, which starts with the
//     comm (falco/approx-parent-cmdline); process.env_vars as words of
//     proc.env (falco/approx-env); forks (falco/approx-fork); a `?`
//     wildcard, one byte in fnmatch and one character in EQL
//     (falco/approx-wildcard-byte); non-ASCII letters under case folding
//     (falco/approx-casefold); bytes a dialect cannot write
//     (falco/approx-literal); the 12-character container.id in Portable
//     (falco/approx-container-id). An approximation can add matches or
//     lose them (under `not`, an over-approximation excludes too much).
//   - Not reported: ASCII case folding leaves out the two non-ASCII
//     letters that Unicode folds onto ASCII ones (U+212A KELVIN SIGN onto
//     k, U+017F LONG S onto s); ECS process.executable is compared with
//     proc.exepath, which current Falco resolves like the kernel and
//     sysdig 0.29.3 joins with the cwd (§6.3); Falco's rule loader
//     substitutes list names textually, even inside quoted values (§4.5),
//     so a value holding a blank followed by the name of a list loaded
//     from another file would be changed by that list.
//
// # The rules file
//
// Render writes RulesFile: a header comment (generated, do not edit), the
// required_engine_version (Current: at least 0.57.0; Portable: at least
// 12, Falco 0.32), required_plugin_versions for the container plugin when
// Current rules test container.*, then one `- rule:` per convertible rule
// with desc, condition, output (the conventional fields and every field
// the condition tests), priority (from severity: critical CRITICAL, high
// ERROR, medium WARNING, low NOTICE), source syscall and tags (host and/or
// container, process, mitre_<tactic>, technique ids). A comment above each
// rule names its file and fidelity; an unsupported rule is a comment with
// its file, rule_id, name and reasons. Names are made unique: the older
// version of a rule that shares its name gets " (vN)". eqlx defines no
// lists or macros, so it cannot replace anybody's.
package falco

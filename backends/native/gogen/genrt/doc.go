// Package genrt is the run-time support that package gogen copies, verbatim
// but for its package clause, into every Go package it generates: the field
// extractor over raw JSON bytes, case folding, wildcard matching, typed
// comparisons and the sequence and sample state machines. It is a real
// package so that it is compiled, vetted and tested like any other code; the
// generated code supplies the rules (conditions, field trie, plans).
//
// Only runtime.go is copied: it imports the standard library alone and
// declares nothing exported, so that the generated package's API is the one
// gogen writes.
package genrt

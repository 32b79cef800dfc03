// Package archtest holds the test that keeps eqlx's data flowing one way
// (frontend -> ir -> backends -> cmd): it lists every package's imports with
// `go list` and fails on an import the layout forbids. It has no code of its
// own outside tests.
package archtest

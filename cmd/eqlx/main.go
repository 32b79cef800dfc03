// Command eqlx converts Elastic EQL detection rules into Falco rules, Sigma
// rules and a native Go evaluator, and checks that rules parse.
//
// The commands only handle flags, files and exit codes; the work is done by
// the frontend and backends packages.
package main

import "os"

// main is the only caller of os.Exit, so that run stays testable.
func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

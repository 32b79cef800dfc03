// Package falcotest holds test support for the Falco backend: it runs the
// real filter engine found in Debian's sysdig 0.29.3 (libsinsp of the Falco
// 0.31 era) to check that conditions compile and what they match, writes
// synthetic scap capture files from ECS process events so that conditions
// can be evaluated on the shared corpus, and checks conditions against a
// parser of current Falco's condition grammar (libs >= 0.7.0).
//
// It is imported by tests only and never by the backend itself, and it
// imports no eqlx package, so that the backend's own tests can use it.
//
// Tests that need sysdig skip when it is absent, unless the environment
// variable EQLX_REQUIRE_SYSDIG=1 is set (CI installs sysdig and sets it):
// then a missing binary fails the test instead of hiding the check.
package falcotest

package ir

// WildcardMatch reports whether s matches the EQL wildcard pattern p as a
// whole: '*' matches any run of characters (including none), '?' exactly
// one character (code point); there is no escape. Case folding, when
// wanted, is the caller's (compare ir.Fold of both).
func WildcardMatch(p, s string) bool {
	pr, sr := []rune(p), []rune(s)
	// Greedy match with one backtrack point: linear in practice and never
	// exponential.
	pi, si := 0, 0
	star, mark := -1, 0
	for si < len(sr) {
		switch {
		case pi < len(pr) && (pr[pi] == '?' || pr[pi] == sr[si]):
			pi++
			si++
		case pi < len(pr) && pr[pi] == '*':
			star, mark = pi, si
			pi++
		case star >= 0:
			pi = star + 1
			mark++
			si = mark
		default:
			return false
		}
	}
	for pi < len(pr) && pr[pi] == '*' {
		pi++
	}
	return pi == len(pr)
}

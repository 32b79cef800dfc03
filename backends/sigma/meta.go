package sigma

import (
	"crypto/sha1"
	"fmt"
	"regexp"
	"strings"
	"unicode"

	"github.com/eqlx/eqlx/ir"
)

// namespace is eqlx's fixed UUIDv5 namespace for Sigma rule ids (16 bytes
// chosen once for eqlx; never change them, or every emitted id changes).
var namespace = [16]byte{0x5a, 0x3b, 0x0e, 0x6c, 0x8f, 0x41, 0x5d, 0x2e, 0x9b, 0x77, 0x1c, 0x4e, 0x02, 0x63, 0xd8, 0xa1}

// uuid5 returns the RFC 9562 version-5 UUID of name in eqlx's namespace.
func uuid5(name string) string {
	h := sha1.New()
	h.Write(namespace[:])
	h.Write([]byte(name))
	s := h.Sum(nil)
	s[6] = s[6]&0x0f | 0x50
	s[8] = s[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", s[0:4], s[4:6], s[6:8], s[8:10], s[10:16])
}

// RuleUUID is the Sigma id of a rule: UUIDv5 of its rule_id, or of
// "rule_id/vN" when the rule file carries a version (older versions of a
// rule share its rule_id).
func RuleUUID(m ir.Meta) string {
	return uuid5(ruleKey(m))
}

func ruleKey(m ir.Meta) string {
	key := m.RuleID
	if key == "" {
		key = m.File + "\x00" + m.Name
	}
	if m.Version > 0 {
		key = fmt.Sprintf("%s/v%d", key, m.Version)
	}
	return key
}

// smallWords stay lower case in a Title Case title (SigmaHQ's title check).
var smallWords = map[string]bool{"a": true, "an": true, "and": true, "as": true, "at": true, "by": true, "for": true,
	"from": true, "in": true, "new": true, "of": true, "on": true, "or": true, "over": true, "the": true,
	"through": true, "to": true, "via": true, "with": true, "without": true}

// title is the rule name in SigmaHQ Title Case, with " (vN)" for a
// versioned rule so that two versions of one rule keep distinct titles.
func title(m ir.Meta) string {
	words := strings.Fields(m.Name)
	for i, w := range words {
		if i > 0 && smallWords[w] {
			continue
		}
		if strings.ContainsAny(w, "./_") || unicode.IsDigit([]rune(w)[0]) || w != strings.ToLower(w) {
			continue
		}
		// Capitalise the first letter, after any leading punctuation.
		r := []rune(w)
		for j, c := range r {
			if unicode.IsLetter(c) {
				r[j] = unicode.ToUpper(c)
				break
			}
		}
		words[i] = string(r)
	}
	t := strings.TrimSuffix(strings.Join(words, " "), ".")
	if t == "" {
		t = "Untitled EQL Rule"
	}
	if m.Version > 0 {
		// "(v3)" would fail SigmaHQ's title-case check.
		t += fmt.Sprintf(" (Version %d)", m.Version)
	}
	return t
}

var thisRule = regexp.MustCompile(`^(?i:this rule|the rule) (detects|identifies|monitors)\b`)

// description is the rule's description on one line, starting with a verb
// as SigmaHQ descriptions do ("Detects ...").
func description(m ir.Meta) string {
	d := strings.Join(strings.Fields(m.Description), " ")
	d = thisRule.ReplaceAllStringFunc(d, func(s string) string {
		w := strings.Fields(s)
		v := w[len(w)-1]
		return strings.ToUpper(v[:1]) + v[1:]
	})
	if len(d) < 16 {
		d = "Detects " + title(m) + ". " + d
		d = strings.TrimSpace(d)
	}
	return d
}

// sigmaDate turns detection-rules' "2023/04/26" into "2023-04-26"; "" when
// it is not a date.
func sigmaDate(s string) string {
	s = strings.ReplaceAll(strings.TrimSpace(s), "/", "-")
	if !regexp.MustCompile(`^\d{4}-(0[1-9]|1[012])-(0[1-9]|[12][0-9]|3[01])$`).MatchString(s) {
		return ""
	}
	return s
}

// status maps detection-rules maturity to Sigma status.
func status(m ir.Meta) string {
	switch m.Maturity {
	case "production":
		return "test"
	case "deprecated":
		return "deprecated"
	}
	return "experimental"
}

// level maps severity 1:1 (medium when absent).
func level(m ir.Meta) string {
	switch s := strings.ToLower(m.Severity); s {
	case "informational", "low", "medium", "high", "critical":
		return s
	}
	return "medium"
}

// references drops ATT&CK links (SigmaHQ forbids them; tags carry them).
func references(m ir.Meta) []string {
	var out []string
	seen := map[string]bool{}
	for _, r := range m.References {
		r = strings.TrimSpace(r)
		if r == "" || strings.Contains(r, "attack.mitre.org") || seen[r] {
			continue
		}
		seen[r] = true
		out = append(out, r)
	}
	return out
}

// falsePositives are the rule's false positives on one line each,
// capitalised; "Unknown" when it lists none.
func falsePositives(m ir.Meta) []string {
	var out []string
	for _, f := range m.FalsePositives {
		f = strings.Join(strings.Fields(f), " ")
		if len(f) < 2 {
			continue
		}
		r := []rune(f)
		r[0] = unicode.ToUpper(r[0])
		out = append(out, string(r))
	}
	if len(out) == 0 {
		out = []string{"Unknown"}
	}
	return out
}

// techniqueRemap moves ATT&CK ids that v19 revoked to their successors
// (SigmaHQ commit 34c5d66c2, "Update mitre tags to use attack v19";
// ../shared/notes/sigma-research.md §3.5). Keep it versioned: the table is
// ATT&CK v19's.
var techniqueRemap = map[string]string{
	"t1562": "t1685", "t1562.001": "t1685", "t1562.002": "t1685.001", "t1562.003": "t1690",
	"t1562.004": "t1686.003", "t1562.006": "t1685", "t1562.007": "t1686.001", "t1562.008": "t1685.002",
	"t1562.010": "t1689", "t1562.012": "t1685.004", "t1070.001": "t1685.005", "t1070.002": "t1685.006",
}

// impairment lists the v19 techniques of the defense-impairment tactic
// that the remap produces.
func impairment(id string) bool {
	for _, p := range []string{"t1685", "t1686", "t1689", "t1690"} {
		if id == p || strings.HasPrefix(id, p+".") {
			return true
		}
	}
	return false
}

func tacticTag(name string) string {
	return "attack." + strings.Trim(nonIdent.ReplaceAllString(strings.ToLower(name), "-"), "-")
}

// tags are the ATT&CK tactic and technique tags of the rule's threat
// entries, lower case, tactics first; ids revoked in ATT&CK v19 are
// remapped (each remap is a warning).
func (t *translator) tags(m ir.Meta) []string {
	var tactics, techs []string
	addTo := func(list *[]string, s string) {
		for _, x := range *list {
			if x == s {
				return
			}
		}
		*list = append(*list, s)
	}
	span := ir.Span{Start: ir.Pos{File: m.File}, End: ir.Pos{File: m.File}}
	for _, th := range m.Threats {
		if !strings.Contains(strings.ToLower(th.Framework), "att&ck") && th.Framework != "" {
			continue
		}
		var ids []string
		var walk func(ts []ir.Technique)
		walk = func(ts []ir.Technique) {
			for _, tc := range ts {
				id := strings.ToLower(tc.ID)
				if nid, ok := techniqueRemap[id]; ok {
					t.warn(span, "sigma/attack-remap", "technique %s was revoked in ATT&CK v19: tagged %s", tc.ID, strings.ToUpper(nid))
					id = nid
				}
				if id != "" {
					ids = append(ids, id)
				}
				walk(tc.Subtechniques)
			}
		}
		walk(th.Techniques)
		tac := tacticTag(th.Tactic.Name)
		if tac == "attack.defense-evasion" {
			imp, other := false, len(ids) == 0
			for _, id := range ids {
				if impairment(id) {
					imp = true
				} else {
					other = true
				}
			}
			if imp {
				addTo(&tactics, "attack.defense-impairment")
			}
			if other {
				addTo(&tactics, "attack.stealth")
			}
			t.warn(span, "sigma/attack-remap", "tactic Defense Evasion was split in ATT&CK v19: tagged as stealth and/or defense-impairment by its techniques")
		} else if tac != "attack." {
			addTo(&tactics, tac)
		}
		for _, id := range ids {
			addTo(&techs, "attack."+id)
		}
	}
	return append(tactics, techs...)
}

// slug is a file-name form of a title: lower case words joined by "_",
// cut at a word boundary so that the whole name stays within SigmaHQ's 90
// characters.
func slug(s string, max int) string {
	s = strings.Trim(nonIdent.ReplaceAllString(strings.ToLower(s), "_"), "_")
	for len(s) > max {
		i := strings.LastIndexByte(s[:max], '_')
		if i <= 0 {
			s = s[:max]
			break
		}
		s = s[:i]
	}
	if s == "" {
		s = "rule"
	}
	return s
}

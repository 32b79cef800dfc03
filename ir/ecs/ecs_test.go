package ecs

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestTableIsSortedUniqueAndTyped(t *testing.T) {
	prev := ""
	n := 0
	for i, line := range strings.Split(fieldsTSV, "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		n++
		cols := strings.Split(line, "\t")
		if len(cols) < 2 || len(cols) > 3 || (len(cols) == 3 && cols[2] != "array") {
			t.Errorf("fields.tsv:%d: want name<TAB>type[<TAB>array], got %q", i+1, line)
			continue
		}
		if parseType(cols[1]) == Unknown {
			t.Errorf("fields.tsv:%d: unknown type %q", i+1, cols[1])
		}
		if cols[0] <= prev {
			t.Errorf("fields.tsv:%d: %q is not after %q (keep the file sorted and unique)", i+1, cols[0], prev)
		}
		prev = cols[0]
	}
	if n < 500 {
		t.Errorf("only %d fields", n)
	}
}

func TestKeyFieldsHaveTheirECSType(t *testing.T) {
	tests := []struct {
		name  string
		typ   Type
		array bool
	}{
		{"@timestamp", Date, false},
		{"process.name", Keyword, false},
		{"process.args", Keyword, true},
		{"process.args_count", Long, false},
		{"process.pid", Long, false},
		{"process.interactive", Boolean, false},
		{"process.command_line", Wildcard, false},
		{"process.parent.name", Keyword, false},
		{"process.parent.args", Keyword, true},
		{"process.entry_leader.entry_meta.type", Keyword, false},
		{"process.session_leader.pid", Long, false},
		{"process.group_leader.executable", Keyword, false},
		{"process.tty.char_device.major", Long, false},
		{"process.env_vars", Keyword, true},
		{"process.Ext.ancestry", Keyword, true},
		{"event.category", Keyword, true},
		{"event.type", Keyword, true},
		{"event.action", Keyword, false},
		{"event.kind", Keyword, false},
		{"host.os.type", Keyword, false},
		{"host.ip", IP, true},
		{"source.ip", IP, false},
		{"destination.ip", IP, false},
		{"destination.port", Long, false},
		{"container.id", Keyword, false},
		{"container.security_context.privileged", Boolean, false},
		{"user.id", Keyword, false},
		{"file.path", Keyword, false},
		{"file.size", Long, false},
		{"file.Ext.entropy", Double, false},
		{"file.Ext.original.extension", Keyword, false},
		{"registry.data.strings", Wildcard, true},
		{"dns.question.name", Keyword, false},
		{"url.original", Wildcard, false},
		{"data_stream.dataset", ConstantKeyword, false},
		{"orchestrator.resource.name", Keyword, false},
		{"labels.team", Keyword, false},
	}
	for _, tt := range tests {
		f, ok := Lookup(tt.name)
		if !ok {
			t.Errorf("Lookup(%q): not found", tt.name)
			continue
		}
		if f.Name != tt.name || f.Type != tt.typ || f.Array != tt.array {
			t.Errorf("Lookup(%q) = %+v, want type %s array %v", tt.name, f, tt.typ, tt.array)
		}
	}
}

func TestVendorFieldsAreUnknown(t *testing.T) {
	for _, name := range []string{"aws.cloudtrail.user_identity.arn", "auditd.data.syscall", "okta.event_type", "winlog.event_data.TargetUserName", "process", "labels", "process.nme", ""} {
		if f, ok := Lookup(name); ok {
			t.Errorf("Lookup(%q) = %+v, want unknown", name, f)
		}
	}
}

// TestCorpusECSFieldsAreKnown reads every field-looking token of the
// detection-rules EQL queries and requires each one that belongs to an ECS
// or Endpoint field set to be in the catalogue.
func TestCorpusECSFieldsAreKnown(t *testing.T) {
	root := filepath.Join("..", "..", "..", "shared", "corpus", "detection-rules")
	if _, err := os.Stat(root); err != nil {
		t.Skipf("corpus not available: %v", err)
	}
	ecsSets := regexp.MustCompile(`^(process|file|dll|event|user|source|destination|url|registry|network|host|group|data_stream|container|orchestrator|related|dns|agent|user_agent|cloud|tls|http|@timestamp)(\.|$)`)
	// Strings and comments are dropped first so that paths inside them
	// ("/etc/resolv.conf") do not look like fields.
	strip := regexp.MustCompile(`(?s)/\*.*?\*/|//[^\n]*|"""[^\n]*?"""|"(?:\\.|[^"\\])*"`)
	token := regexp.MustCompile("[?]?((?:[A-Za-z_@][A-Za-z0-9_]*|`[^`]*`)(?:\\.(?:[A-Za-z_@][A-Za-z0-9_]*|`[^`]*`))+)(\\s*\\()?")
	seen := map[string]string{}
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".toml") {
			return err
		}
		query, err := tomlQuery(path)
		if err != nil {
			return err
		}
		for _, m := range token.FindAllStringSubmatch(strip.ReplaceAllString(query, `""`), -1) {
			name := strings.ReplaceAll(m[1], "`", "")
			if m[2] == "" && ecsSets.MatchString(name) {
				if _, ok := seen[name]; !ok {
					seen[name] = path
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) < 150 {
		t.Fatalf("found only %d ECS-looking fields in the corpus; is the scan broken?", len(seen))
	}
	for name, path := range seen {
		if _, ok := Lookup(name); !ok {
			t.Errorf("%s: field %q is not in the catalogue", path, name)
		}
	}
}

// tomlQuery returns the text between `query = ”'` and the closing `”'`;
// every corpus query is written that way (notes/style-anchors.md §4.8).
func tomlQuery(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	var b strings.Builder
	in := false
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<22)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case !in && strings.HasPrefix(line, "query = '''"):
			in = true
			b.WriteString(strings.TrimPrefix(line, "query = '''") + "\n")
		case in && strings.Contains(line, "'''"):
			b.WriteString(line[:strings.Index(line, "'''")])
			return b.String(), sc.Err()
		case in:
			b.WriteString(line + "\n")
		}
	}
	return b.String(), sc.Err()
}

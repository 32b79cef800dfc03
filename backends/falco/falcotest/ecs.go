package falcotest

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// syntheticTID is where thread ids start for events whose process.pid is
// missing, not a positive integer, or already taken.
const syntheticTID = 4_000_000

// EventsFromECS turns ECS process events (decoded JSON documents, nested
// objects or dotted keys) into capture events, in document order. It
// returns the events, the ECS event.id of each event's thread id, and one
// line "<event.id>: <reason>" per document it leaves out.
//
// Converted: event.category "process" with event.type "start" and
// event.action "exec" (an Exec, the execve exit event) or "fork" (a Fork,
// the child's clone exit), and event.type "end" (an Exit, procexit). Left
// out, with the reason: other categories (no file or network events are
// written), other event types such as "info" (no syscall corresponds),
// documents without event.id, and invalid container ids.
//
// Field mapping (the inverse of the notes' §7): process.pid -> tid and pid
// (when unique; otherwise a synthetic tid), process.name -> comm (cut to 15
// bytes by the writer), process.args[0] -> argv[0] (proc.exe),
// process.args[1:] -> proc.args, process.executable -> proc.exepath,
// process.working_directory -> proc.cwd, process.env_vars -> proc.env,
// process.interactive true or process.tty.char_device -> proc.tty (pts/0
// for interactive), user.id/user.name (or process.user.*) -> uid and the
// user table, container.id -> docker cgroups (container.id),
// container.name / container.image.name[:tag] -> the container event,
// process.parent.{pid,name,executable,args,working_directory} -> the parent
// thread (a parent whose pid is another event's process is that process),
// whose parent is init, process.session_leader.same_as_process or
// process.entry_leader.same_as_process true -> a session leader (proc.sid is
// its own pid; otherwise the parent's session, which the parent leads).
func EventsFromECS(docs []map[string]any) ([]Event, map[int64]string, []string) {
	var events []Event
	ids := map[int64]string{}
	var skipped []string
	type conv struct {
		doc map[string]any
		id  string
	}
	var keep []conv
	for i, d := range docs {
		id, _ := lookup(d, "event.id").(string)
		if id == "" {
			skipped = append(skipped, fmt.Sprintf("document %d: no event.id", i))
			continue
		}
		if reason := unsupported(d); reason != "" {
			skipped = append(skipped, id+": "+reason)
			continue
		}
		keep = append(keep, conv{d, id})
	}
	// Thread ids: the ECS pid when it is a unique positive integer.
	tids := make([]int64, len(keep))
	used := map[int64]bool{initTID: true}
	for i, c := range keep {
		if pid, ok := intOf(lookup(c.doc, "process.pid")); ok && pid > initTID && pid < math.MaxInt32 && !used[pid] {
			tids[i] = pid
			used[pid] = true
		}
	}
	next := int64(syntheticTID)
	alloc := func() int64 {
		for used[next] {
			next++
		}
		used[next] = true
		return next
	}
	for i := range tids {
		if tids[i] == 0 {
			tids[i] = alloc()
		}
	}
	procs := make([]*Process, len(keep))
	byTID := map[int64]*Process{}
	for i, c := range keep {
		p := processOf(c.doc, "process.")
		p.TID = tids[i]
		uid, name := userOf(c.doc)
		p.UID, p.GID, p.User = uid, uid, name
		// A process that is its own session or entry leader leads its
		// session; otherwise it is in its parent's (see Process.SID).
		for _, k := range []string{"process.session_leader.same_as_process", "process.entry_leader.same_as_process"} {
			if b, ok := lookup(c.doc, k).(bool); ok && b {
				p.SID = p.TID
			}
		}
		if env, ok := lookup(c.doc, "process.env_vars").([]any); ok {
			p.Env = stringsOf(env)
		}
		procs[i] = p
		byTID[p.TID] = p
	}
	parents := map[int64]*Process{}
	for i, c := range keep {
		p := procs[i]
		ppid, hasPID := intOf(lookup(c.doc, "process.parent.pid"))
		if hasPID {
			if q, ok := byTID[ppid]; ok && q != p {
				p.Parent = q // the parent is another event's process
			} else if q, ok := parents[ppid]; ok {
				p.Parent = q
			}
		}
		if p.Parent == nil && hasParent(c.doc) {
			q := processOf(c.doc, "process.parent.")
			q.UID, q.GID, q.User = p.UID, p.GID, p.User
			if q.Cwd == "" {
				q.Cwd = p.Cwd
			}
			if hasPID && ppid > initTID && ppid < math.MaxInt32 && !used[ppid] {
				q.TID = ppid
				used[ppid] = true
				parents[ppid] = q
			} else {
				q.TID = alloc()
			}
			p.Parent = q
		}
	}
	for i, c := range keep {
		e := Event{Kind: Exec, Proc: *procs[i]}
		if lookup(c.doc, "event.action") == "fork" {
			e.Kind = Fork
		}
		if slices.Contains(stringsOf(asList(lookup(c.doc, "event.type"))), "end") {
			e.Kind = Exit
		}
		if ts, ok := lookup(c.doc, "@timestamp").(string); ok {
			if t, err := time.Parse(time.RFC3339Nano, ts); err == nil {
				e.Time = t
			}
		}
		e.TTY = ttyOf(c.doc)
		if cid, ok := lookup(c.doc, "container.id").(string); ok {
			e.ContainerID = cid
			e.ContainerName, _ = lookup(c.doc, "container.name").(string)
			e.Image, _ = lookup(c.doc, "container.image.name").(string)
			if tag, ok := lookup(c.doc, "container.image.tag").(string); ok && tag != "" && !strings.Contains(e.Image, ":") {
				e.Image += ":" + tag
			}
		}
		events = append(events, e)
		ids[e.Proc.TID] = c.id
	}
	return events, ids, skipped
}

// unsupported says why a document cannot be written as a capture event, or
// "" when it can.
func unsupported(d map[string]any) string {
	cats := stringsOf(asList(lookup(d, "event.category")))
	types := stringsOf(asList(lookup(d, "event.type")))
	action, _ := lookup(d, "event.action").(string)
	if !slices.Contains(cats, "process") {
		return fmt.Sprintf("event.category %v: only process events are written", cats)
	}
	switch {
	case slices.Contains(types, "end"):
		return ""
	case !slices.Contains(types, "start"):
		return fmt.Sprintf("event.type %v: no syscall event corresponds (only start and end are written)", types)
	case action != "exec" && action != "fork":
		return fmt.Sprintf("event.action %q: only exec and fork are written", action)
	}
	if cid, ok := lookup(d, "container.id").(string); ok && !isHex64(cid) {
		return fmt.Sprintf("container.id %q is not 64 hex digits, which the engine needs in the cgroup path", cid)
	}
	return ""
}

// processOf reads the process fields under prefix ("process." or
// "process.parent.").
func processOf(d map[string]any, prefix string) *Process {
	p := &Process{}
	p.Comm, _ = lookup(d, prefix+"name").(string)
	p.ExePath, _ = lookup(d, prefix+"executable").(string)
	p.Cwd, _ = lookup(d, prefix+"working_directory").(string)
	args := stringsOf(asList(lookup(d, prefix+"args")))
	if len(args) > 0 {
		p.Exe = args[0]
		p.Args = args[1:]
	} else {
		p.Exe = p.ExePath
		if p.Exe == "" {
			p.Exe = p.Comm
		}
	}
	if p.ExePath == "" {
		p.ExePath = p.Exe
	}
	return p
}

func hasParent(d map[string]any) bool {
	for _, k := range []string{"pid", "name", "executable", "args"} {
		if lookup(d, "process.parent."+k) != nil {
			return true
		}
	}
	return false
}

// userOf reads user.id/user.name, falling back to process.user.*; an id
// that is not a number is left as uid 0 only when the name is root, and
// otherwise given a number from the name so that names stay distinct.
func userOf(d map[string]any) (uint32, string) {
	name, _ := lookup(d, "user.name").(string)
	id := lookup(d, "user.id")
	if name == "" && id == nil {
		name, _ = lookup(d, "process.user.name").(string)
		id = lookup(d, "process.user.id")
	}
	if n, ok := intOf(id); ok && n >= 0 && n < math.MaxUint32 {
		return uint32(n), name
	}
	if name == "" || name == "root" {
		return 0, name
	}
	var h uint32 = 2166136261 // FNV-1a: a stable made-up uid
	for _, c := range []byte(name) {
		h = (h ^ uint32(c)) * 16777619
	}
	return 100000 + h%100000, name
}

// ttyOf is process.tty.char_device as tty_nr, or pts/0 for an interactive
// process, or 0.
func ttyOf(d map[string]any) uint32 {
	maj, okMaj := intOf(lookup(d, "process.tty.char_device.major"))
	min, okMin := intOf(lookup(d, "process.tty.char_device.minor"))
	if okMaj && okMin && maj >= 0 && min >= 0 {
		// new_encode_dev: minor low byte, major, then the minor's high bits.
		return uint32(min&0xff) | uint32(maj&0xfff)<<8 | uint32(min&^0xff)<<12
	}
	if b, ok := lookup(d, "process.interactive").(bool); ok && b {
		return PTS0
	}
	return 0
}

// lookup finds a dotted ECS path in a document whose objects may be nested
// or hold dotted keys at any level.
func lookup(d map[string]any, path string) any {
	if v, ok := d[path]; ok {
		return v
	}
	for i := 0; i < len(path); i++ {
		if path[i] != '.' {
			continue
		}
		if sub, ok := d[path[:i]].(map[string]any); ok {
			if v := lookup(sub, path[i+1:]); v != nil {
				return v
			}
		}
	}
	return nil
}

func asList(v any) []any {
	switch v := v.(type) {
	case []any:
		return v
	case nil:
		return nil
	default:
		return []any{v}
	}
}

func stringsOf(vs []any) []string {
	var out []string
	for _, v := range vs {
		if s, ok := v.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// intOf reads an integer from a JSON number (float64 or json.Number), a Go
// integer, or a decimal string (ECS user.id is a string).
func intOf(v any) (int64, bool) {
	switch v := v.(type) {
	case float64:
		if v == math.Trunc(v) && math.Abs(v) < 1<<53 {
			return int64(v), true
		}
	case json.Number:
		n, err := v.Int64()
		return n, err == nil
	case int:
		return int64(v), true
	case int64:
		return v, true
	case string:
		n, err := strconv.ParseInt(v, 10, 64)
		return n, err == nil
	}
	return 0, false
}

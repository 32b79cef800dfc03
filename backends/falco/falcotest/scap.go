package falcotest

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strings"
	"time"
)

// Kind is what happened in an Event.
type Kind uint8

const (
	// Exec is a successful execve: an enter/exit pair whose exit event
	// (evt.type=execve, evt.dir=<) carries the new image.
	Exec Kind = iota
	// Fork is a process creation without exec: the child's clone exit
	// event (evt.type=clone, evt.dir=<, evt.rawres=0), whose proc.* are the
	// Event's own fields.
	Fork
	// Exit is a process end: procexit (evt.type=procexit), an event that
	// exists only in the enter direction (evt.dir=>), after a setup execve
	// that gives the thread its state.
	Exit
)

// Process is one thread (= one single-threaded process) of a capture.
type Process struct {
	// TID is the thread id, also the process id (one thread per process);
	// it must be positive and unique within a capture.
	TID int64
	// Comm is the kernel comm (proc.name); the writer cuts it to 15 bytes as
	// the kernel does. Empty means the base name of ExePath.
	Comm string
	// Exe is argv[0] (proc.exe); ExePath the executed file (proc.exepath).
	Exe, ExePath string
	// Args is argv[1..] (proc.args joins them with spaces).
	Args []string
	// Cwd is the working directory (proc.cwd adds a trailing "/").
	Cwd string
	// UID and GID are the thread's real ids; User names UID in the user
	// table (user.name), empty for no entry.
	UID, GID uint32
	User     string
	// LoginUID is the audit login uid (user.loginuid); nil means unset (-1).
	LoginUID *uint32
	// Env is the environment, "K=V" entries.
	Env []string
	// VPID is the pid inside the process's pid namespace (proc.vpid); 0
	// means the same as TID.
	VPID int64
	// SID is the session id (proc.sid; proc.sname is the leader's name): 0
	// means the parent's session, or the process's own (a session leader)
	// when its parent is init.
	SID int64
	// Parent is the parent process; nil means init (tid 1, /sbin/init).
	Parent *Process
}

// Event is one process event of a capture, written on its own thread.
type Event struct {
	Kind Kind
	// Time is the event's timestamp; events are written in slice order, so
	// times should not decrease.
	Time time.Time
	// Proc is the process after the event: the new image for Exec.
	Proc Process
	// TTY is the kernel tty_nr of the controlling terminal (proc.tty): 0 for
	// none, 34816+N for /dev/pts/N.
	TTY uint32
	// ContainerID is the 64-hex container id written into the cgroups
	// (container.id is its first 12 characters); empty means the host.
	ContainerID string
	// ContainerName and Image describe the container through a container
	// event (container.name, container.image, .image.repository, .image.tag).
	ContainerName, Image string
}

// PTS0 is the tty_nr of /dev/pts/0, the terminal the ECS conversion gives
// interactive processes.
const PTS0 = 34816

// Block types and event numbers of the scap file format 1.2 (notes §10).
const (
	blockSHB   = 0x0A0D0D0A
	blockMI    = 0x201
	blockPL    = 0x215 // process list v9
	blockEV    = 0x216 // event v2
	blockUL    = 0x220 // user list v2
	shbMagic   = 0x1A2B3C4D
	evExecveE  = 292 // PPME_SYSCALL_EXECVE_19_E
	evExecveX  = 293 // PPME_SYSCALL_EXECVE_19_X (20 params)
	evCloneX   = 223 // PPME_SYSCALL_CLONE_20_X (20 params)
	evContainr = 272 // PPME_CONTAINER_JSON_E
	evProcExit = 186 // PPME_PROCEXIT_1_E (4 params)
	initTID    = 1
	commMax    = 15
)

// WriteCapture writes a scap capture (file format 1.2, readable by sysdig
// 0.29.3 and current libsinsp) holding events, one thread per event: a
// process table with every event's thread and its ancestors, a user table,
// one container event per container, then per Exec event an execve
// enter/exit pair, per Fork event a setup execve pair on SetupCPU (to
// give the thread its terminal) and the child's clone exit, per Exit event
// a setup execve pair and procexit.
//
// The process table gives each thread the Event's own image, cwd and user;
// the events' own fields are what the engine reports after them.
func WriteCapture(w io.Writer, events []Event) error {
	if len(events) == 0 {
		return fmt.Errorf("a capture needs at least one event")
	}
	threads, err := collectThreads(events)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	cw := &capWriter{w: bw}
	cw.shb()
	cw.machineInfo()
	cw.userList(threads)
	cw.procList(threads)
	if err := cw.containers(events); err != nil {
		return err
	}
	for i := range events {
		if err := cw.event(&events[i]); err != nil {
			return err
		}
	}
	if cw.err != nil {
		return cw.err
	}
	return bw.Flush()
}

// thread is a process table entry: the process plus the data its events
// add (container cgroups).
type thread struct {
	p         *Process
	ptid      int64
	container string
}

// collectThreads lists the threads of events and their ancestors in a
// stable order (first appearance), checking that every tid is used by one
// event only. An ancestor that is also an event's process (or another
// event's ancestor) keeps its first description.
func collectThreads(events []Event) ([]thread, error) {
	init := &Process{TID: initTID, Comm: "systemd", Exe: "/sbin/init", ExePath: "/sbin/init", Cwd: "/", User: "root"}
	seen := map[int64]bool{}
	eventTID := map[int64]int{}
	var out []thread
	var add func(p *Process, container string) error
	add = func(p *Process, container string) error {
		if p == nil {
			return nil
		}
		if p.TID <= 0 {
			return fmt.Errorf("process %q: thread id %d is not positive", p.ExePath, p.TID)
		}
		if seen[p.TID] {
			return nil
		}
		seen[p.TID] = true
		ptid := int64(initTID)
		if p.Parent != nil {
			if p.Parent.TID == p.TID {
				return fmt.Errorf("process %d is its own parent", p.TID)
			}
			ptid = p.Parent.TID
		}
		out = append(out, thread{p: p, ptid: ptid, container: container})
		// Ancestors of a container process are container processes too,
		// except init.
		return add(p.Parent, container)
	}
	if err := add(init, ""); err != nil {
		return nil, err
	}
	for i := range events {
		e := &events[i]
		if e.ContainerID != "" && !isHex64(e.ContainerID) {
			return nil, fmt.Errorf("event %d: container id %q is not 64 hex digits", i, e.ContainerID)
		}
		if j, dup := eventTID[e.Proc.TID]; dup {
			return nil, fmt.Errorf("events %d and %d share thread id %d", j, i, e.Proc.TID)
		}
		eventTID[e.Proc.TID] = i
		if e.Proc.TID == initTID {
			return nil, fmt.Errorf("event %d: thread id 1 is init", i)
		}
		if err := add(&e.Proc, e.ContainerID); err != nil {
			return nil, fmt.Errorf("event %d: %w", i, err)
		}
	}
	return out, nil
}

func isHex64(s string) bool {
	if len(s) != 64 {
		return false
	}
	for _, c := range []byte(s) {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// capWriter writes blocks, remembering the first error.
type capWriter struct {
	w   io.Writer
	err error
}

// block writes one block: header, body padded to 4 bytes, trailing length.
func (c *capWriter) block(typ uint32, body []byte) {
	if c.err != nil {
		return
	}
	pad := (4 - len(body)%4) % 4
	total := uint32(8 + len(body) + pad + 4)
	var b []byte
	b = binary.LittleEndian.AppendUint32(b, typ)
	b = binary.LittleEndian.AppendUint32(b, total)
	b = append(b, body...)
	b = append(b, make([]byte, pad)...)
	b = binary.LittleEndian.AppendUint32(b, total)
	_, c.err = c.w.Write(b)
}

func (c *capWriter) shb() {
	var b []byte
	b = binary.LittleEndian.AppendUint32(b, shbMagic)
	b = binary.LittleEndian.AppendUint16(b, 1)
	b = binary.LittleEndian.AppendUint16(b, 2)
	b = binary.LittleEndian.AppendUint64(b, math.MaxUint64)
	c.block(blockSHB, b)
}

func (c *capWriter) machineInfo() {
	var b []byte
	b = binary.LittleEndian.AppendUint32(b, 2)       // num_cpus
	b = binary.LittleEndian.AppendUint64(b, 1<<32)   // memory
	b = binary.LittleEndian.AppendUint64(b, 4194304) // max_pid
	host := make([]byte, 128)
	copy(host, "eqlx-corpus")
	b = append(b, host...)
	b = append(b, make([]byte, 32)...) // reserved1..4
	c.block(blockMI, b)
}

// str appends a u16-length string as the process and user tables store them
// (not NUL-terminated).
func str(b []byte, s string) []byte {
	if len(s) > math.MaxUint16 {
		s = s[:math.MaxUint16]
	}
	b = binary.LittleEndian.AppendUint16(b, uint16(len(s)))
	return append(b, s...)
}

// userList writes one user entry per distinct uid that has a name, plus
// root, and a group of the same id and name for each; the first name given
// for a uid wins.
func (c *capWriter) userList(threads []thread) {
	names := map[uint32]string{0: "root"}
	var uids []uint32
	uids = append(uids, 0)
	for _, t := range threads {
		if t.p.User == "" {
			continue
		}
		if _, ok := names[t.p.UID]; !ok {
			names[t.p.UID] = t.p.User
			uids = append(uids, t.p.UID)
		}
	}
	var body []byte
	for _, uid := range uids {
		var e []byte
		e = append(e, 0) // user
		e = binary.LittleEndian.AppendUint32(e, uid)
		e = binary.LittleEndian.AppendUint32(e, uid) // gid: a personal group
		e = str(e, names[uid])
		home := "/home/" + names[uid]
		if uid == 0 {
			home = "/root"
		}
		e = str(e, home)
		e = str(e, "/bin/sh")
		body = binary.LittleEndian.AppendUint32(body, uint32(4+len(e)))
		body = append(body, e...)
	}
	// One personal group per user (group.gid, group.name).
	for _, uid := range uids {
		var e []byte
		e = append(e, 1) // group
		e = binary.LittleEndian.AppendUint32(e, uid)
		e = str(e, names[uid])
		body = binary.LittleEndian.AppendUint32(body, uint32(4+len(e)))
		body = append(body, e...)
	}
	c.block(blockUL, body)
}

// comm is what the kernel would store: the given name or the executable's
// base name, cut to 15 bytes.
func comm(p *Process) string {
	s := p.Comm
	if s == "" {
		s = p.ExePath
		if i := strings.LastIndexByte(s, '/'); i >= 0 {
			s = s[i+1:]
		}
	}
	if len(s) > commMax {
		s = s[:commMax]
	}
	return s
}

// argsBuf is argv[1..], each NUL-terminated, as execve and the process
// table carry them.
func argsBuf(args []string) []byte {
	var b []byte
	for _, a := range args {
		b = append(b, a...)
		b = append(b, 0)
	}
	return b
}

func envBuf(env []string) []byte { return argsBuf(env) }

// cgroupsBuf places the process in the docker cgroup of container, which
// libsinsp turns into container.id (first 12 characters).
func cgroupsBuf(container string) []byte {
	var b []byte
	for _, sub := range []string{"cpuset", "cpu", "memory", "pids"} {
		path := "/"
		if container != "" {
			path = "/docker/" + container
		}
		b = append(b, sub+"="+path...)
		b = append(b, 0)
	}
	return b
}

func cwdOf(p *Process) string {
	if p.Cwd == "" {
		return "/"
	}
	return p.Cwd
}

func (c *capWriter) procList(threads []thread) {
	var body []byte
	for _, t := range threads {
		p := t.p
		vpid := p.VPID
		if vpid == 0 {
			vpid = p.TID
		}
		var e []byte
		e = binary.LittleEndian.AppendUint64(e, uint64(p.TID))
		e = binary.LittleEndian.AppendUint64(e, uint64(p.TID)) // pid
		e = binary.LittleEndian.AppendUint64(e, uint64(t.ptid))
		e = binary.LittleEndian.AppendUint64(e, uint64(sidOf(p)))
		e = binary.LittleEndian.AppendUint64(e, uint64(vpid)) // vpgid
		e = str(e, comm(p))
		e = str(e, p.Exe)
		e = str(e, p.ExePath)
		e = str(e, string(argsBuf(p.Args)))
		e = str(e, cwdOf(p))
		e = binary.LittleEndian.AppendUint64(e, 1024) // fdlimit
		e = binary.LittleEndian.AppendUint32(e, 0)    // flags
		e = binary.LittleEndian.AppendUint32(e, p.UID)
		e = binary.LittleEndian.AppendUint32(e, p.GID)
		e = binary.LittleEndian.AppendUint32(e, 1024) // vmsize_kb
		e = binary.LittleEndian.AppendUint32(e, 512)  // vmrss_kb
		e = binary.LittleEndian.AppendUint32(e, 0)    // vmswap_kb
		e = binary.LittleEndian.AppendUint64(e, 0)    // pfmajor
		e = binary.LittleEndian.AppendUint64(e, 0)    // pfminor
		e = str(e, string(envBuf(p.Env)))
		e = binary.LittleEndian.AppendUint64(e, uint64(vpid)) // vtid
		e = binary.LittleEndian.AppendUint64(e, uint64(vpid)) // vpid
		e = str(e, string(cgroupsBuf(t.container)))
		e = str(e, "/") // root
		e = binary.LittleEndian.AppendUint32(e, loginUID(p))
		e = append(e, 0) // exe_writable
		body = binary.LittleEndian.AppendUint32(body, uint32(4+len(e)))
		body = append(body, e...)
	}
	c.block(blockPL, body)
}

// sidOf resolves a process's session id: its own SID, else its parent's
// session, else (a child of init) its own thread id.
func sidOf(p *Process) int64 {
	for q, depth := p, 0; q != nil && depth < 64; q, depth = q.Parent, depth+1 {
		if q.SID != 0 {
			return q.SID
		}
		if q.Parent == nil {
			return q.TID
		}
	}
	return p.TID
}

func loginUID(p *Process) uint32 {
	if p.LoginUID == nil {
		return math.MaxUint32 // -1: unset
	}
	return *p.LoginUID
}

// param is one event parameter's bytes.
type param []byte

func u64(v uint64) param { return binary.LittleEndian.AppendUint64(nil, v) }
func u32(v uint32) param { return binary.LittleEndian.AppendUint32(nil, v) }
func cstr(s string) param {
	return append([]byte(s), 0)
}

// SetupCPU is the cpu of the events the writer adds only to prepare a
// thread's state (they are not corpus events); MatchFilter excludes it.
const SetupCPU = 1

// evt writes one event block on cpu 0.
func (c *capWriter) evt(ts uint64, tid int64, typ uint16, params []param) {
	c.evtOn(0, ts, tid, typ, params)
}

// evtOn writes one event block on a cpu.
func (c *capWriter) evtOn(cpu uint16, ts uint64, tid int64, typ uint16, params []param) {
	var data []byte
	lens := make([]byte, 0, 2*len(params))
	for _, p := range params {
		if len(p) > math.MaxUint16 {
			if c.err == nil {
				c.err = fmt.Errorf("thread %d: an event parameter of %d bytes does not fit the format's 16-bit length", tid, len(p))
			}
			return
		}
		lens = binary.LittleEndian.AppendUint16(lens, uint16(len(p)))
		data = append(data, p...)
	}
	var b []byte
	b = binary.LittleEndian.AppendUint16(b, cpu)
	b = binary.LittleEndian.AppendUint64(b, ts)
	b = binary.LittleEndian.AppendUint64(b, uint64(tid))
	b = binary.LittleEndian.AppendUint32(b, uint32(26+len(lens)+len(data)))
	b = binary.LittleEndian.AppendUint16(b, typ)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(params)))
	b = append(b, lens...)
	b = append(b, data...)
	c.block(blockEV, b)
}

// containerJSON is the payload of a container event as libsinsp reads it.
type containerJSON struct {
	Container struct {
		ID          string `json:"id"`
		FullID      string `json:"full_id"`
		Type        int    `json:"type"`
		Name        string `json:"name"`
		Image       string `json:"image"`
		ImageID     string `json:"imageid"`
		ImageRepo   string `json:"imagerepo"`
		ImageTag    string `json:"imagetag"`
		Privileged  bool   `json:"privileged"`
		LookupState int    `json:"lookup_state"`
	} `json:"container"`
}

// splitImage splits "repo:tag" (a registry port is not a tag).
func splitImage(image string) (repo, tag string) {
	i := strings.LastIndexByte(image, ':')
	if i < 0 || strings.Contains(image[i:], "/") {
		return image, ""
	}
	return image[:i], image[i+1:]
}

// containers writes one container event per distinct container id, before
// the first event that uses it (at the first event's time).
func (c *capWriter) containers(events []Event) error {
	done := map[string]bool{}
	var ts uint64
	if len(events) > 0 {
		ts = nanos(events[0].Time)
	}
	var ids []string
	info := map[string]*Event{}
	for i := range events {
		e := &events[i]
		if e.ContainerID == "" || done[e.ContainerID] {
			continue
		}
		done[e.ContainerID] = true
		ids = append(ids, e.ContainerID)
		info[e.ContainerID] = e
	}
	slices.Sort(ids)
	for _, id := range ids {
		e := info[id]
		var j containerJSON
		j.Container.ID = id[:12]
		j.Container.FullID = id
		j.Container.Type = 0 // docker
		j.Container.Name = e.ContainerName
		if j.Container.Name == "" {
			j.Container.Name = "c-" + id[:12]
		}
		j.Container.Image = e.Image
		j.Container.ImageRepo, j.Container.ImageTag = splitImage(e.Image)
		j.Container.ImageID = id[:12]
		j.Container.LookupState = 1
		data, err := json.Marshal(j)
		if err != nil {
			return err
		}
		c.evt(ts, -1, evContainr, []param{cstr(string(data))})
	}
	return nil
}

func nanos(t time.Time) uint64 {
	if t.IsZero() || t.UnixNano() < 0 {
		return 0
	}
	return uint64(t.UnixNano())
}

func (c *capWriter) event(e *Event) error {
	p := &e.Proc
	ts := nanos(e.Time)
	ptid := int64(initTID)
	if p.Parent != nil {
		ptid = p.Parent.TID
	}
	vpid := p.VPID
	if vpid == 0 {
		vpid = p.TID
	}
	execve := func(cpu uint16) {
		c.evtOn(cpu, ts, p.TID, evExecveE, []param{cstr(p.ExePath)})
		c.evtOn(cpu, ts+1, p.TID, evExecveX, []param{
			u64(0), // res
			cstr(p.Exe),
			argsBuf(p.Args),
			u64(uint64(p.TID)), u64(uint64(p.TID)), u64(uint64(ptid)),
			cstr(cwdOf(p)),
			u64(1024), u64(0), u64(0), // fdlimit, pgft_maj, pgft_min
			u32(1024), u32(512), u32(0), // vm_size, vm_rss, vm_swap
			cstr(comm(p)),
			cgroupsBuf(e.ContainerID),
			envBuf(p.Env),
			u32(e.TTY),
			u64(uint64(p.TID)), // pgid
			u32(loginUID(p)),
			u32(0), // flags
		})
	}
	switch e.Kind {
	case Exec:
		execve(0)
	case Fork:
		// A thread's terminal can only be set by an execve exit event (the
		// process table of the 0.29.3 format has no tty), so a setup execve
		// on SetupCPU gives the thread its image and terminal first. Then
		// the child's side of clone (res 0): the thread is known, so
		// libsinsp keeps its state and the event is judged on it.
		execve(SetupCPU)
		c.evt(ts+2, p.TID, evCloneX, []param{
			u64(0), // res: the child
			cstr(p.Exe),
			argsBuf(p.Args),
			u64(uint64(p.TID)), u64(uint64(p.TID)), u64(uint64(ptid)),
			cstr(cwdOf(p)),
			u64(1024), u64(0), u64(0),
			u32(1024), u32(512), u32(0),
			cstr(comm(p)),
			cgroupsBuf(e.ContainerID),
			u32(0), // flags
			u32(p.UID), u32(p.GID),
			u64(uint64(vpid)), u64(uint64(vpid)),
		})
	case Exit:
		execve(SetupCPU)
		c.evt(ts+2, p.TID, evProcExit, []param{
			u64(0), // status
			u64(0), // ret
			{0},    // sig
			{0},    // core
		})
	default:
		return fmt.Errorf("thread %d: unknown event kind %d", p.TID, e.Kind)
	}
	return nil
}

// WriteCaptureFile writes events to a capture file at path (see
// WriteCapture).
func WriteCaptureFile(path string, events []Event) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := WriteCapture(f, events); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
